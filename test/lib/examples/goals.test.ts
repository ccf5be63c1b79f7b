import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import { GoalsStack } from '../../../lib/examples';
import { composeSchemaErrors } from '../../support/compose-schema';
import { cloudRouteTables, modelRouteTable } from '../../support/route-tables';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Both variants in one app, synthesized once (the validator, cdk-nag and parity run in all-examples.test.ts).
let assembly: CloudAssembly;
const stacks: Record<'container' | 'hosted', GoalsStack> = {} as never;

beforeAll(() => {
  const app = testApp();
  stacks.container = new GoalsStack(app, 'Goals', { database: 'container' });
  stacks.hosted = new GoalsStack(app, 'GoalsHosted', { database: 'hosted' });
  assembly = app.synth();
});

const template = (variant: 'container' | 'hosted') =>
  Template.fromJSON(assembly.getStackByName(stacks[variant].stackName).template);
const composeText = (variant: 'container' | 'hosted') =>
  stacks[variant].application.renderLocalTwinFiles(PROJECT_ROOT).compose;
const compose = (variant: 'container' | 'hosted'): any => parse(composeText(variant));

describe.each(['container', 'hosted'] as const)('goals (%s database)', (variant) => {
  test('local twin matches the snapshot', () => {
    expect(composeText(variant)).toMatchSnapshot();
  });

  test('cloud twin matches the snapshot', () => {
    expect(template(variant).toJSON()).toMatchSnapshot();
  });

  test('the local twin passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText(variant))).toEqual([]);
  });

  test('one internet-facing ALB routes /goals* to the API and everything else to the frontend', () => {
    const t = template(variant);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    const [table] = cloudRouteTables(t.toJSON());
    expect(table.port).toBe(80);
    expect(table.rows.map((r) => [r.priority, r.conditions.pathPatterns, r.target])).toEqual([
      [10, ['/goals*'], 'backend:80'],
      [undefined, [], 'frontend:80'],
    ]);
  });

  test('the API and the frontend run two or more tasks each, scaled on CPU (and requests for the API)', () => {
    const t = template(variant);
    const services = Object.values(t.findResources('AWS::ECS::Service')).filter(
      (s) => s.Properties.LoadBalancers?.length,
    );
    expect(services.map((s) => s.Properties.DesiredCount)).toEqual([2, 2]);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 4,
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 500,
      }),
    });
  });

  test('target groups check /goals and / as the containers do', () => {
    const t = template(variant);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/goals',
      Matcher: { HttpCode: '200-399' },
      TargetType: 'ip',
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/' });
  });

  test('the frontend is built from the multi-stage Dockerfile.prod, production stage', () => {
    const frontend = compose(variant).services.frontend;
    expect(frontend.build).toEqual({
      context: './lib/examples/goals/frontend',
      dockerfile: 'Dockerfile.prod',
      target: 'production',
    });
    const dockerfile = fs.readFileSync(
      path.join(PROJECT_ROOT, 'lib/examples/goals/frontend/Dockerfile.prod'),
      'utf8',
    );
    expect(dockerfile).toMatch(/^FROM node:\S+ AS build$/m);
    expect(dockerfile).toMatch(/^FROM nginx:\S+ AS production$/m);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
  });

  test('locally the proxy is the only published port, and it reproduces the cloud route table', () => {
    const c = compose(variant);
    const published = Object.entries(c.services)
      .filter(([, s]: [string, any]) => s.ports)
      .map(([n, s]: [string, any]) => [n, s.ports]);
    expect(published).toEqual([['web', ['127.0.0.1:80:80']]]);
    expect(c.services.web.depends_on).toEqual({
      backend: { condition: 'service_started' },
      frontend: { condition: 'service_started' },
    });
    const [cloud] = cloudRouteTables(template(variant).toJSON());
    expect(modelRouteTable(stacks[variant].web.toSpec())).toEqual(cloud);
    expect(c.configs['web-nginx-conf'].content).toContain('server backend:80;');
  });
});

describe('goals with MongoDB in a container', () => {
  test('MongoDB keeps its data on an encrypted, retained EFS volume owned by uid 999, one task at a time', () => {
    const t = template('container');
    t.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Encrypted: true }),
    });
    t.hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '999', Gid: '999' } });
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
    });
    expect(compose('container').services.mongodb.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/data/db' },
    ]);
  });

  test('the API waits for a healthy MongoDB and reaches it by name, with the generated password', () => {
    const backend = compose('container').services.backend;
    expect(backend.depends_on).toEqual({ mongodb: { condition: 'service_healthy' } });
    expect(backend.environment.MONGODB_URL).toBe('mongodb');
    expect(backend.environment.MONGODB_PASSWORD).toMatch(/^\$\{MONGODB_PASSWORD:\?/);
    expect(compose('container').services.mongodb.environment.MONGO_INITDB_ROOT_PASSWORD).toMatch(
      /^\$\{MONGODB_PASSWORD:\?/,
    );
    template('container').hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
    });
  });
});

describe('goals with a hosted MongoDB', () => {
  test('no database runs in the app; the API reads the connection string from Secrets Manager', () => {
    expect(Object.keys(compose('hosted').services).sort()).toEqual(['backend', 'frontend', 'web']);
    template('hosted').resourceCountIs('AWS::EFS::FileSystem', 0);
    const json = JSON.stringify(template('hosted').toJSON());
    expect(json).toContain(':secret:goals/mongodb-atlas:connectionString::');
    expect(compose('hosted').services.backend.environment).toEqual({
      MONGODB_CONNECTION_STRING: '${MONGODB_CONNECTION_STRING:?set MONGODB_CONNECTION_STRING in .env}',
    });
  });
});
