/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import {
  Application,
  checkParity,
  Database,
  DatabaseEngine,
  Dependency,
  HealthCheck,
  Image,
  Service,
  StatefulService,
  StatefulServiceProps,
} from '../../constructs';
import { expectValidationError, logicalId } from '../support/errors';
import { testApp, testStack } from '../support/test-app';

const CLICKHOUSE = Image.fromRegistry('clickhouse/clickhouse-server:25.8');

describe('a self-hosted stateful service, in both twins', () => {
  const app = testApp();
  const stack = new Stack(app, 'Analytics');
  const analytics = new Application(stack, 'analytics');
  const clickhouse = new StatefulService(analytics, 'clickhouse', {
    image: CLICKHOUSE,
    ports: [{ containerPort: 8123, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8123, path: '/ping' }),
    user: '101:101',
    writablePaths: ['/tmp'],
    data: { path: '/var/lib/clickhouse', volumeName: 'event-data', uid: 101 },
  });
  new Service(analytics, 'web', {
    image: Image.fromRegistry('ghcr.io/example/web:1.0'),
    dependsOn: [Dependency.healthy(clickhouse)],
  });
  const assembly = app.synth();
  const template = assembly.getStackByName('Analytics').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, analytics.localTwinFiles.composeFile), 'utf8'),
  );
  const spec = analytics.toSpec();
  const cloudService = (): any =>
    Object.values(template.Resources).find(
      (r: any) => r.Type === 'AWS::ECS::Service' && JSON.stringify(r).includes('clickhouse'),
    );

  test('the cloud twin runs one task whose deployments stop the old task before the new one starts', () => {
    const props = cloudService().Properties;
    expect(props.DesiredCount).toBe(1);
    expect(props.DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 0, MaximumPercent: 100 });
  });

  test('its data is on an EFS file system of its own, retained, at the data path, as the declared uid', () => {
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EFS::FileSystem', 1);
    t.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: { Path: '/event-data', CreationInfo: { OwnerUid: '101', OwnerGid: '101' } },
      PosixUser: { Uid: '101', Gid: '101' },
    });
    const container = Object.values(template.Resources)
      .filter((r: any) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r: any) => r.Properties.ContainerDefinitions)
      .find((c: any) => c.Name === 'clickhouse');
    expect(container.MountPoints).toContainEqual({
      SourceVolume: 'event-data',
      ContainerPath: '/var/lib/clickhouse',
      ReadOnly: false,
    });
  });

  test('the file system keeps its logical id under the service, so a refactor elsewhere does not replace it', () => {
    expect(logicalId(clickhouse.dataVolume.fileSystem)).toMatch(/^analyticsclickhouseDataFileSystem/);
  });

  test('the local twin runs one container with the named volume at the data path', () => {
    const service = compose.services.clickhouse;
    expect(service.volumes).toContainEqual(
      expect.objectContaining({ type: 'volume', source: 'event-data', target: '/var/lib/clickhouse' }),
    );
    expect(Object.keys(compose.volumes)).toContain('event-data');
    expect(service.deploy?.replicas ?? 1).toBe(1);
  });

  test('the model records the service as stateful with its volume and path', () => {
    expect(spec.workloads.find((w) => w.name === 'clickhouse')?.stateful).toEqual({
      volume: 'event-data',
      path: '/var/lib/clickhouse',
    });
    expect(spec.workloads.find((w) => w.name === 'web')?.stateful).toBeUndefined();
  });

  test('parity agrees, and says so for the stateful aspect', () => {
    const report = checkParity(template, compose, spec);
    expect(report.errors).toEqual([]);
    const entry = report.entries.find((e) => e.service === 'clickhouse' && e.field === 'stateful');
    expect(entry?.kind).toBe('same');
  });

  test('a cloud twin whose deployments overlap is a parity error', () => {
    const broken = structuredClone(template);
    const service = Object.values(broken.Resources).find(
      (r: any) => r.Type === 'AWS::ECS::Service' && JSON.stringify(r).includes('clickhouse'),
    ) as any;
    service.Properties.DeploymentConfiguration.MaximumPercent = 200;
    service.Properties.DesiredCount = 2;
    const errors = checkParity(broken, compose, spec).errors.filter((e) => e.field === 'stateful');
    expect(errors).toHaveLength(1);
    expect(errors[0].cloud).toBe('desiredCount 2; deployments between 0 % and 200 %');
  });

  test('a local twin that keeps the data elsewhere is a parity error', () => {
    const broken = structuredClone(compose);
    broken.services.clickhouse.volumes = broken.services.clickhouse.volumes.map((v: any) =>
      typeof v === 'object' && v.target === '/var/lib/clickhouse' ? { ...v, target: '/data' } : v,
    );
    const errors = checkParity(template, broken, spec).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toContain('clickhouse stateful');
    expect(errors.find((e) => e.field === 'stateful')?.local).toBe('nothing at /var/lib/clickhouse');
  });
});

describe('a stateful service refuses what would run its data twice', () => {
  const app = (): Application => new Application(testStack(), 'analytics');
  const props: StatefulServiceProps = { image: CLICKHOUSE, data: { path: '/var/lib/clickhouse' } };

  test('the data volume is named after the service by default', () => {
    const s = new StatefulService(app(), 'clickhouse', props);
    expect(s.dataVolume.name).toBe('clickhouse-data');
  });

  test.each([
    ['desiredCount', 2, 'is always 1: a stateful service runs exactly one task (one writer of its data)'],
    [
      'maxHealthyPercent',
      200,
      'is always 100: a deployment stops the old task before the new one starts, so two never write the data at once',
    ],
    [
      'minHealthyPercent',
      50,
      'is always 0: a deployment stops the old task before the new one starts, so two never write the data at once',
    ],
  ])('%s %s', (prop, value, message) => {
    expectValidationError(
      () => new StatefulService(app(), 'clickhouse', { ...props, [prop]: value } as StatefulServiceProps),
      'Test/analytics/clickhouse',
      prop,
      message,
    );
  });

  test('autoscaling', () => {
    const s = new StatefulService(app(), 'clickhouse', props);
    expectValidationError(
      () => s.autoScale({ minCapacity: 1, maxCapacity: 3 }),
      'Test/analytics/clickhouse',
      'autoScale',
      'is not available on a StatefulService: it runs exactly one task, the only writer of its data; scale a stateless Service instead',
    );
  });

  test('no data path, or a relative one', () => {
    expectValidationError(
      () => new StatefulService(app(), 'clickhouse', { image: CLICKHOUSE } as StatefulServiceProps),
      'Test/analytics/clickhouse',
      'data',
      'must say where the service keeps its data',
    );
    expectValidationError(
      () => new StatefulService(app(), 'clickhouse', { image: CLICKHOUSE, data: { path: 'data' } }),
      'Test/analytics/clickhouse',
      'data.path',
    );
  });

  test('removalPolicy reaches the file system', () => {
    const a = app();
    new StatefulService(a, 'clickhouse', {
      ...props,
      data: { ...props.data, removalPolicy: RemovalPolicy.DESTROY },
    });
    Template.fromStack(Stack.of(a)).hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Delete' });
  });

  test('a database next to it is unaffected', () => {
    const a = app();
    new StatefulService(a, 'clickhouse', props);
    new Database(a, 'db', { engine: DatabaseEngine.postgres('16') });
    expect(a.toSpec().workloads.map((w) => w.name)).toEqual(['clickhouse']);
  });
});
