import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { parse } from 'yaml';
import { Application, checkParity, Image, Job, JobRun, JobSchedule, Service } from '../../../constructs';
import { expectValidationError, logicalId } from '../../support/errors';
import { nagFindings } from '../../support/data-service-twins';
import { testApp, testStack } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

function platform(stack: Stack) {
  const vpc = new ec2.Vpc(stack, 'PlatformVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  const cluster = new ecs.Cluster(stack, 'PlatformCluster', { vpc });
  const namespace = new servicediscovery.HttpNamespace(stack, 'PlatformNamespace', { name: 'platform' });
  return { vpc, cluster, namespace };
}

describe('Application in an existing cluster and namespace of the same stack', () => {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const { vpc, cluster, namespace } = platform(stack);
  const shop = new Application(stack, 'shop', { cluster, namespace });
  new Service(shop, 'api', { image: IMAGE, ports: [{ containerPort: 8080 }] });
  new Job(shop, 'migrate', { image: IMAGE, runs: JobRun.oncePerDeployment() });
  const template = Template.fromStack(stack);

  test('uses the given cluster, its VPC and the given namespace, creating none of its own', () => {
    expect(shop.cluster).toBe(cluster);
    expect(shop.vpc).toBe(vpc);
    expect(shop.namespace).toBe(namespace);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.resourceCountIs('AWS::ServiceDiscovery::HttpNamespace', 1);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      Cluster: { Ref: logicalId(cluster) },
      ServiceConnectConfiguration: { Namespace: { 'Fn::GetAtt': [logicalId(namespace), 'Arn'] } },
    });
  });

  test('records the existing namespace in the model', () => {
    expect(shop.toSpec().namespace).toBe('platform');
  });

  test("the parity check finds the application's service and job by the namespace's name", () => {
    const assembly = app.synth();
    const compose = parse(
      fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
    );
    const report = checkParity(assembly.getStackByName('Test').template, compose, shop.toSpec());
    expect(report.errors).toEqual([]);
    const compared = new Set(report.entries.filter((e) => e.field === 'image').map((e) => e.service));
    expect([...compared].sort()).toEqual(['api', 'migrate']);
  });

  test('the job runner starts tasks in the given cluster', () => {
    template.hasResourceProperties('Custom::TwinstackJobRun', {
      Cluster: { 'Fn::GetAtt': [logicalId(cluster), 'Arn'] },
    });
  });
});

describe('Application in a cluster and namespace of another stack (cross-stack references)', () => {
  const app = testApp();
  const platformStack = new Stack(app, 'Platform');
  const { cluster, namespace } = platform(platformStack);
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop', { cluster, namespace });
  new Service(shop, 'api', { image: IMAGE, ports: [{ containerPort: 8080 }] });
  new Job(shop, 'migrate', { image: IMAGE, command: ['true'], runs: JobRun.oncePerDeployment() });
  new Job(shop, 'nightly', { image: IMAGE, runs: JobRun.onSchedule(JobSchedule.rate(Duration.hours(6))) });
  // Synthesis runs the parity check: it fails synthesis when the twins disagree.
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;

  test('the application stack has no cluster and no namespace of its own', () => {
    const types = Object.values(template.Resources).map((r: any) => r.Type);
    expect(types).not.toContain('AWS::ECS::Cluster');
    expect(types).not.toContain('AWS::ServiceDiscovery::HttpNamespace');
  });

  test('the parity check finds the service and both jobs in the imported cluster', () => {
    const compose = parse(
      fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
    );
    const report = checkParity(template, compose, shop.toSpec());
    expect(report.errors).toEqual([]);
    const compared = new Set(report.entries.filter((e) => e.field === 'image').map((e) => e.service));
    expect([...compared].sort()).toEqual(['api', 'migrate', 'nightly']);
  });

  test('the job runner may describe and stop only tasks of that cluster', () => {
    const policies = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy');
    const statement = policies
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .find((s: any) => JSON.stringify(s.Action).includes('ecs:StopTask'));
    expect(JSON.stringify(statement.Resource)).toContain(':task/*');
    expect(JSON.stringify(statement.Condition.ArnEquals['ecs:cluster'])).toContain('Platform');
  });

  test('passes cdk-nag AwsSolutions and NIST 800-53 R5', () => {
    expect(nagFindings(stack, new AwsSolutionsChecks())).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Application in a cluster imported by name', () => {
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'platform', vpc });
  const shop = new Application(stack, 'shop', { cluster });
  new Job(shop, 'migrate', { image: IMAGE, runs: JobRun.oncePerDeployment() });

  test('creates its own namespace and limits the job runner to the tasks of the named cluster', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECS::Cluster', 0);
    template.resourceCountIs('AWS::ServiceDiscovery::HttpNamespace', 1);
    expect(JSON.stringify(template.toJSON())).toContain(':task/platform/*');
    expect(nagFindings(stack, new AwsSolutionsChecks()).filter((f) => f.includes('Test/shop'))).toEqual([]);
  });
});

describe('Application: an existing cluster or namespace that cannot be used', () => {
  test('a cluster in another VPC than the vpc prop', () => {
    const stack = testStack();
    const { cluster } = platform(stack);
    const other = new ec2.Vpc(stack, 'Other');
    expectValidationError(
      () => new Application(stack, 'shop', { vpc: other, cluster }),
      'Test/shop: cluster "Test/PlatformCluster"',
      "not in the application's VPC Test/Other",
    );
  });

  test('containerInsights with an existing cluster', () => {
    const stack = testStack();
    const { cluster } = platform(stack);
    expectValidationError(
      () => new Application(stack, 'shop', { cluster, containerInsights: true }),
      'Test/shop: containerInsights true',
      'an existing cluster keeps its own',
    );
  });

  test('a namespace without a cluster', () => {
    const stack = testStack();
    const { namespace } = platform(stack);
    expectValidationError(
      () => new Application(stack, 'shop', { namespace }),
      'Test/shop: namespace "platform"',
      'needs `cluster`',
    );
  });

  test('a DNS namespace', () => {
    const stack = testStack();
    const { cluster, vpc } = platform(stack);
    const dns = new servicediscovery.PrivateDnsNamespace(stack, 'Dns', { name: 'platform.local', vpc });
    expectValidationError(
      () => new Application(stack, 'shop', { cluster, namespace: dns }),
      'namespace "platform.local" is a DNS_PRIVATE namespace',
      'HTTP namespace',
    );
  });

  test('something that is not a cluster', () => {
    const stack = testStack();
    expectValidationError(
      () => new Application(stack, 'shop', { cluster: { clusterName: 'x' } as unknown as ecs.ICluster }),
      'Test/shop: cluster {"clusterName":"x"}',
      'must be an ecs.ICluster',
    );
  });
});

describe('Applications sharing an existing namespace', () => {
  test('a discovery name another application of the app registers there is refused', () => {
    const stack = testStack();
    const { cluster, namespace } = platform(stack);
    const shop = new Application(stack, 'shop', { cluster, namespace });
    const blog = new Application(stack, 'blog', { cluster, namespace });
    new Service(shop, 'api', { image: IMAGE, ports: [{ containerPort: 8080, name: 'api' }] });
    expectValidationError(
      () => new Service(blog, 'api', { image: IMAGE, ports: [{ containerPort: 8080, name: 'api' }] }),
      'Test/blog/api: ports[0].name "api"',
      'Test/shop/api',
    );
    new Service(blog, 'posts', { image: IMAGE, ports: [{ containerPort: 8080, name: 'posts' }] });
  });

  test('applications with namespaces of their own may use the same names', () => {
    const stack = testStack();
    const { cluster } = platform(stack);
    const shop = new Application(stack, 'shop', { cluster });
    const blog = new Application(stack, 'blog', { cluster });
    new Service(shop, 'api', { image: IMAGE, ports: [{ containerPort: 8080, name: 'api' }] });
    new Service(blog, 'api', { image: IMAGE, ports: [{ containerPort: 8080, name: 'api' }] });
    expect(blog.toSpec().workloads.map((w) => w.name)).toEqual(['api']);
  });
});
