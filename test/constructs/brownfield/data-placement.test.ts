import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { Application, Cache, CacheEngine, Database, DatabaseEngine } from '../../../constructs';
import { testStack } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A user VPC with public and private subnets only, with flow logs. */
function vpcWithoutIsolatedSubnets(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'UserVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
}

/** The reason `id` is acknowledged with on `construct`. */
function acknowledgement(construct: IConstruct, id: string): string | undefined {
  for (const entry of construct.node.metadata) {
    const reason = (entry.data as any)?.[`Annotation::${id}`];
    if (entry.type === 'aws:cdk:acknowledged-rules' && reason) return reason;
  }
  return undefined;
}

function subnetIdsOfGroup(template: Template, type: string, property: string): string[] {
  const [group] = Object.values(template.findResources(type));
  return group.Properties[property].map((s: any) => s.Ref);
}

describe('data services in a VPC without isolated subnets', () => {
  const stack = testStack();
  const vpc = vpcWithoutIsolatedSubnets(stack);
  const application = new Application(stack, 'shop', { vpc });
  const db = new Database(application, 'orders', { engine: DatabaseEngine.postgres('16') });
  const cache = new Cache(application, 'sessions', { engine: CacheEngine.redis('7.1') });
  const template = Template.fromStack(stack);
  const privateIds = vpc.privateSubnets.map((s) => stack.getLogicalId(s.node.defaultChild as any));

  test('are placed in the private subnets', () => {
    expect(subnetIdsOfGroup(template, 'AWS::RDS::DBSubnetGroup', 'SubnetIds').sort()).toEqual(
      [...privateIds].sort(),
    );
    expect(subnetIdsOfGroup(template, 'AWS::ElastiCache::SubnetGroup', 'SubnetIds').sort()).toEqual(
      [...privateIds].sort(),
    );
  });

  test('each warns with a stable id, naming itself', () => {
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning(
      '/Test/shop/orders',
      Match.stringLikeRegexp(
        "database 'orders' is placed in the VPC's private subnets.*twinstack:data-in-private-subnets",
      ),
    );
    annotations.hasWarning(
      '/Test/shop/sessions',
      Match.stringLikeRegexp(
        "cache 'sessions' is placed in the VPC's private subnets.*twinstack:data-in-private-subnets",
      ),
    );
  });

  test('their acknowledgements say private subnets, not isolated ones', () => {
    const reason = acknowledgement(db.instance!, 'AwsSolutions-RDS11');
    expect(reason).toContain('private subnets');
    expect(reason).not.toContain('isolated subnets and');
    const cacheReason = Object.values(cache.node.findAll())
      .map((c) => acknowledgement(c, 'AwsSolutions-AEC5'))
      .find((r) => r !== undefined);
    expect(cacheReason).toContain('private subnets');
  });
});

describe('data services in a VPC with isolated subnets', () => {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  const db = new Database(application, 'orders', { engine: DatabaseEngine.postgres('16') });
  const template = Template.fromStack(stack);

  test('are placed in the isolated subnets, without the warning', () => {
    const isolatedIds = application.vpc.isolatedSubnets.map((s) =>
      stack.getLogicalId(s.node.defaultChild as any),
    );
    expect(subnetIdsOfGroup(template, 'AWS::RDS::DBSubnetGroup', 'SubnetIds').sort()).toEqual(
      [...isolatedIds].sort(),
    );
    Annotations.fromStack(stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('twinstack:data-in-private-subnets'),
    );
    expect(acknowledgement(db.instance!, 'AwsSolutions-RDS11')).toContain('sits in isolated subnets');
  });
});
