/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import {
  Application,
  BrokerEngine,
  Cache,
  CacheEngine,
  checkParity,
  Database,
  DatabaseEngine,
  DataService,
  Dependency,
  DocumentDatabase,
  DocumentEngine,
  Image,
  Job,
  JobRun,
  MessageBroker,
  SearchDomain,
  SearchEngine,
  Service,
} from '../../constructs';
import { validateModel } from '../../constructs/model/validate';
import { expectValidationError, logicalId } from '../support/errors';
import { PROJECT_ROOT, testApp, testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** Every kind of data service, by a name that says which. */
const KINDS: [string, (app: Application, id: string) => DataService][] = [
  ['database', (app, id) => new Database(app, id, { engine: DatabaseEngine.postgres('16') })],
  ['MariaDB database', (app, id) => new Database(app, id, { engine: DatabaseEngine.mariadb('11.4') })],
  ['cache', (app, id) => new Cache(app, id, { engine: CacheEngine.redis('7.1') })],
  ['search domain', (app, id) => new SearchDomain(app, id, { engine: SearchEngine.openSearch('2.17') })],
  ['message broker', (app, id) => new MessageBroker(app, id, { engine: BrokerEngine.rabbitMq('3.13') })],
  [
    'document database',
    (app, id) =>
      new DocumentDatabase(app, id, { engine: DocumentEngine.mongo('5.0'), databaseName: 'goals' }),
  ],
];

/** Resources of `type` in `template`, by logical id. */
function resources(template: any, type: string): [string, any][] {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

/** The DependsOn list of the resource with `id`. */
function dependsOn(template: any, id: string): string[] {
  return ([] as string[]).concat(template.Resources[id].DependsOn ?? []);
}

describe.each(KINDS)('a workload waits for a %s without connecting to it', (_kind, create) => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const data = create(shop, 'data');
  const api = new Service(shop, 'api', { image: IMAGE, dependsOn: [Dependency.healthy(data)] });
  const worker = new Service(shop, 'worker', { image: IMAGE });
  worker.addDependency(Dependency.started(data));
  const migrate = new Job(shop, 'migrate', {
    image: IMAGE,
    runs: JobRun.oncePerDeployment(),
    dependsOn: [Dependency.healthy(data)],
  });
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
  );
  const dataId = logicalId(data._resource as any);

  test('its stand-in has a health check to wait for', () => {
    expect(data.toSpec().local.healthCheck.test.length).toBeGreaterThan(0);
    expect(compose.services.data.healthcheck).toBeDefined();
  });

  test('locally: depends_on the stand-in with the condition', () => {
    expect(compose.services.api.depends_on).toEqual({ data: { condition: 'service_healthy' } });
    expect(compose.services.worker.depends_on).toEqual({ data: { condition: 'service_started' } });
    expect(compose.services.migrate.depends_on).toEqual({ data: { condition: 'service_healthy' } });
  });

  test("in the cloud: the ECS service (a job's run) is created after the data service", () => {
    expect(dependsOn(template, logicalId(api.fargateService))).toContain(dataId);
    expect(dependsOn(template, logicalId(worker.fargateService))).toContain(dataId);
    const [runId] = resources(template, 'Custom::TwinstackJobRun').map(([id]) => id);
    expect(dependsOn(template, runId)).toContain(dataId);
    expect(migrate.dependsOn.map((d) => d.target)).toEqual([data]);
  });

  test('without variables or a way in', () => {
    const containers = resources(template, 'AWS::ECS::TaskDefinition').flatMap(
      ([, r]) => r.Properties.ContainerDefinitions,
    );
    for (const c of containers) expect(c.Environment ?? []).toEqual([]);
    expect(compose.services.api.environment).toBeUndefined();
    const ingress = [
      ...resources(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties),
      ...resources(template, 'AWS::EC2::SecurityGroup').flatMap(
        ([, r]) => r.Properties.SecurityGroupIngress ?? [],
      ),
    ];
    expect(ingress.filter((i) => JSON.stringify(i).includes('from api'))).toEqual([]);
  });

  test('the parity check compares the dependencies of both twins', () => {
    const report = checkParity(template, compose, shop.toSpec());
    expect(report.errors).toEqual([]);
    expect(
      report.entries.filter((e) => e.field === 'dependsOn.data').map((e) => [e.service, e.kind]),
    ).toEqual([
      ['api', 'stand-in'],
      ['migrate', 'stand-in'],
      ['worker', 'stand-in'],
    ]);
  });

  test('a compose file without the depends_on entry is a parity error', () => {
    const broken = structuredClone(compose);
    delete broken.services.api.depends_on;
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}: ${e.reason}`)).toEqual([
      'api dependsOn.data: the local twin does not wait for it',
    ]);
  });

  test('a compose file without the stand-in is a parity error', () => {
    const broken = structuredClone(compose);
    delete broken.services.data;
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toEqual(['data presence']);
  });

  test('a template without the DependsOn is a parity error', () => {
    const broken = structuredClone(template);
    const id = logicalId(api.fargateService);
    broken.Resources[id].DependsOn = dependsOn(template, id).filter(
      (d: string) => !d.startsWith(dataId.slice(0, -8)),
    );
    const errors = checkParity(broken, compose, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}: ${e.reason}`)).toEqual([
      'api dependsOn.data: the cloud twin does not wait for it',
    ]);
  });
});

describe('a dependency on a data service that cannot hold', () => {
  const setup = () => {
    const stack = testStack();
    const shop = new Application(stack, 'shop');
    const db = new Database(shop, 'db', { engine: DatabaseEngine.postgres('16') });
    const api = new Service(shop, 'api', { image: IMAGE });
    return { stack, shop, db, api };
  };

  test('completedSuccessfully: a data service never completes', () => {
    const { db, api } = setup();
    expectValidationError(
      () => api.addDependency(Dependency.completedSuccessfully(db as any)),
      'Test/shop/api: dependsOn[0] "db"',
      'is a data service (postgres); it never completes: use Dependency.healthy(db) or Dependency.started(db)',
    );
  });

  test('a data service of another application', () => {
    const { stack, api } = setup();
    const other = new Database(new Application(stack, 'other'), 'db', {
      engine: DatabaseEngine.postgres('16'),
    });
    expectValidationError(
      () => api.addDependency(Dependency.healthy(other)),
      'Test/shop/api: dependsOn[0] "Test/other/db"',
      "is part of application 'other', not 'shop'",
    );
  });

  test('optional: a data service is part of every twin, never an optional part', () => {
    const { db, api } = setup();
    expectValidationError(
      () => api.addDependency(Dependency.healthy(db, { optional: true })),
      'Test/shop/api: dependsOn[0] "db"',
      'is a data service, part of every twin; only an optional part (a workload with a profile) can be an optional dependency: drop `optional`',
    );
  });

  test('a workload of a profile may wait for a data service', () => {
    const { shop, db } = setup();
    const tool = new Service(shop, 'tool', {
      image: IMAGE,
      profile: 'tools',
      dependsOn: [Dependency.healthy(db)],
    });
    expect(tool.toSpec().dependsOn).toEqual([{ target: 'db', condition: 'healthy' }]);
  });

  test('a connection and a dependency on the same data service: one depends_on entry, healthy', () => {
    const { shop, db, api } = setup();
    api.connectTo(db, { host: 'DB_HOST' });
    api.addDependency(Dependency.started(db, { restart: true }));
    const { compose } = shop.renderLocalTwin(PROJECT_ROOT);
    expect((compose.services.api as any).depends_on).toEqual({
      db: { condition: 'service_healthy', restart: true },
    });
  });

  test('the whole-model rule rejects the same dependencies in a model file', () => {
    const { shop, api, db } = setup();
    api.addDependency(Dependency.healthy(db));
    const spec = shop.toSpec();
    const edited = {
      ...spec,
      workloads: spec.workloads.map((w) =>
        w.name === 'api'
          ? {
              ...w,
              dependsOn: [{ target: 'db', condition: 'completed-successfully' as const, optional: true }],
            }
          : w,
      ),
    };
    const messages = validateModel(edited).errors.map(
      (p: any) => `${p.path}: ${p.prop} ${p.value} ${p.message}`,
    );
    expect(messages).toEqual([
      'Test/shop/api: dependsOn[0] "db" is a data service (postgres); it never completes: use Dependency.healthy(db) or Dependency.started(db)',
      'Test/shop/api: dependsOn[0] "db" is a data service, part of every twin; only an optional part (a workload with a profile) can be an optional dependency: drop `optional`',
    ]);
  });
});

test("the parity report shows a data service's declared local volume as part of its stand-in", () => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const db = new Database(shop, 'db', { engine: DatabaseEngine.mariadb('11.4'), localVolumeName: 'db-data' });
  new Service(shop, 'api', { image: IMAGE }).connectTo(db, { host: 'DB_HOST' });
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
  );
  expect(compose.services.db.volumes).toEqual([
    { type: 'volume', source: 'db-data', target: '/var/lib/mysql' },
  ]);
  const report = checkParity(template, compose, shop.toSpec());
  expect(report.errors).toEqual([]);
  expect(report.entries.find((e) => e.service === 'db' && e.field === 'presence')).toMatchObject({
    kind: 'stand-in',
    standIn: 'managed-service',
    cloud: 'RDS MariaDB 11.4 (db.t4g.micro)',
    local: 'container mariadb:11.4, data in volume db-data',
  });
});
