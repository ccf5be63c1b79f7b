import * as fs from 'fs';
import * as path from 'path';
import { AwsSolutionsChecks, NIST80053R5Checks, NagPack } from 'cdk-nag';
import { Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import { checkParity } from '../../../constructs';
import { BrownfieldStack, PlatformStack } from '../../../lib/examples';
import { testApp } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The platform and the application added to it, in one app; synthesis runs the parity check.
const app = testApp();
const platform = new PlatformStack(app, 'Platform');
const brownfield = new BrownfieldStack(app, 'Brownfield', { platform });
const assembly: CloudAssembly = app.synth();
const templateOf = (stack: Stack) => assembly.getStackByName(stack.stackName).template;
const resources = (stack: Stack, type: string): [string, any][] =>
  Object.entries(templateOf(stack).Resources as Record<string, any>).filter(([, r]) => r.Type === type);

function findings(stack: Stack, pack: NagPack): string[] {
  return pack
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`));
}

test('the application creates no cluster, namespace, load balancer or listener of its own', () => {
  for (const type of [
    'AWS::ECS::Cluster',
    'AWS::ServiceDiscovery::HttpNamespace',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::ElasticLoadBalancingV2::Listener',
    'AWS::EC2::VPC',
  ])
    expect([type, resources(brownfield, type).length]).toEqual([type, 0]);
  expect(resources(platform, 'AWS::ECS::Cluster')).toHaveLength(1);
  const [service] = resources(brownfield, 'AWS::ECS::Service').map(([, r]) => r);
  expect(JSON.stringify(service.Properties.Cluster)).toContain('Platform');
});

test('every rule on the shared listener has a priority of its own', () => {
  const rules = [
    ...resources(platform, 'AWS::ElasticLoadBalancingV2::ListenerRule'),
    ...resources(brownfield, 'AWS::ElasticLoadBalancingV2::ListenerRule'),
  ].map(([, r]) => r.Properties.Priority);
  expect(rules.sort((a, b) => a - b)).toEqual([1, 110, 120]);
  expect(new Set(rules).size).toBe(rules.length);
});

test("the tasks admit the shared ALB's security group on the routed port", () => {
  const ingress = resources(brownfield, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
  const fromAlb = ingress.filter((i) => JSON.stringify(i.SourceSecurityGroupId).includes('Platform'));
  expect(fromAlb.map((i) => i.FromPort)).toEqual([80]);
});

test('both stacks pass cdk-nag AwsSolutions and NIST 800-53 R5', () => {
  for (const stack of [brownfield, platform]) {
    expect(findings(stack, new AwsSolutionsChecks())).toEqual([]);
    expect(findings(stack, new NIST80053R5Checks())).toEqual([]);
  }
});

test('the twins agree: the listener rules are the proxy routes', () => {
  const application = brownfield.application;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8'),
  );
  const report = checkParity(templateOf(brownfield), compose, application.toSpec());
  expect(report.errors).toEqual([]);
  expect(report.entries.find((e) => e.service === 'web' && e.field === 'routes')?.kind).toBe('same');
  expect(compose.services.web.ports).toEqual(['127.0.0.1:8080:80']);
});
