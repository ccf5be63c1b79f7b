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
  MessageBroker,
  SearchDomain,
  SearchEngine,
  Service,
} from '../../constructs';
import { validateModel } from '../../constructs/model/validate';
import { composeSchemaErrors } from '../support/compose-schema';
import { expectValidationError } from '../support/errors';
import { testApp, testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** The data services whose managed service is TLS-only in the cloud. */
const TLS_ONLY: [string, (app: Application, id: string) => DataService][] = [
  ['cache', (app, id) => new Cache(app, id, { engine: CacheEngine.redis('7.1') })],
  ['search domain', (app, id) => new SearchDomain(app, id, { engine: SearchEngine.openSearch('2.17') })],
  ['message broker', (app, id) => new MessageBroker(app, id, { engine: BrokerEngine.rabbitMq('3.13') })],
  [
    'document database',
    (app, id) =>
      new DocumentDatabase(app, id, { engine: DocumentEngine.mongo('5.0'), databaseName: 'goals' }),
  ],
];

/** The synthesized twins of an application with a service `api` and a hosted job `migrate` connected to `data`. */
function twins(create: (app: Application, id: string) => DataService, tls: any) {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const data = create(shop, 'data');
  const api = new Service(shop, 'api', { image: IMAGE });
  api.connectTo(data as any, { host: 'DATA_HOST', tls });
  const migrate = new Job(shop, 'migrate', { image: IMAGE });
  migrate.connectTo(data as any, { host: 'DATA_HOST', tls });
  api.addDependency(Dependency.completedSuccessfully(migrate));
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
  );
  return { shop, template, compose };
}

/** Name -> value of the plain environment of the container `name` in `template`. */
function cloudEnvironment(template: any, name: string): Record<string, unknown> {
  const containers = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => r.Properties.ContainerDefinitions as any[]);
  const c = containers.find((x) => x.Name === name);
  expect(c).toBeDefined();
  return Object.fromEntries((c.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

describe.each(TLS_ONLY)('a TLS flag on a connection to a %s', (_kind, create) => {
  const { shop, template, compose } = twins(create, 'DATA_TLS');

  test('cloud: `true` in the plain environment of the service and of the hosted job', () => {
    expect(cloudEnvironment(template, 'api').DATA_TLS).toBe('true');
    expect(cloudEnvironment(template, 'migrate').DATA_TLS).toBe('true');
  });

  test('local: `false` in the compose environment, valid against the Compose Specification', () => {
    expect(compose.services.api.environment.DATA_TLS).toBe('false');
    expect(compose.services.migrate.environment.DATA_TLS).toBe('false');
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  test('the model records it on the connection', () => {
    const api = shop.toSpec().workloads.find((w) => w.name === 'api')!;
    expect(api.connections).toEqual([
      {
        target: 'data',
        variables: { DATA_HOST: 'host' },
        tls: { variable: 'DATA_TLS', cloud: 'true', local: 'false' },
      },
    ]);
  });

  test('the parity check compares each twin with its declared value', () => {
    const report = checkParity(template, compose, shop.toSpec());
    expect(report.errors).toEqual([]);
    expect(
      report.entries.filter((e) => e.field === 'environment.DATA_TLS').map((e) => [e.service, e.kind]),
    ).toEqual([
      ['api', 'stand-in'],
      ['migrate', 'stand-in'],
    ]);
  });

  test('a local twin that says TLS is a parity error', () => {
    const broken = structuredClone(compose);
    broken.services.api.environment.DATA_TLS = 'true';
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toEqual(['api environment.DATA_TLS']);
    expect(errors[0].reason).toContain("as 'true' in the cloud and 'false' locally");
  });

  test('a cloud twin without the flag is a parity error', () => {
    const broken = structuredClone(template);
    for (const r of Object.values(broken.Resources as Record<string, any>)) {
      if (r.Type !== 'AWS::ECS::TaskDefinition') continue;
      for (const c of r.Properties.ContainerDefinitions)
        if (c.Name === 'migrate')
          c.Environment = (c.Environment ?? []).filter((e: any) => e.Name !== 'DATA_TLS');
    }
    const errors = checkParity(broken, compose, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toEqual(['migrate environment.DATA_TLS']);
  });
});

test('a TLS flag with custom spellings, and a connection that gives only the flag', () => {
  const { template, compose } = twins(
    (app, id) => new Cache(app, id, { engine: CacheEngine.valkey('8.0') }),
    {
      variable: 'REDIS_SSL',
      cloud: '1',
      local: '0',
    },
  );
  expect(cloudEnvironment(template, 'api').REDIS_SSL).toBe('1');
  expect(compose.services.api.environment.REDIS_SSL).toBe('0');

  const stack = testStack();
  const shop = new Application(stack, 'shop');
  const cache = new Cache(shop, 'cache', { engine: CacheEngine.redis('7.1') });
  const worker = new Service(shop, 'worker', { image: IMAGE });
  worker.connectTo(cache, { tls: { variable: 'CACHE_TLS', local: 'no' } });
  expect(shop.toSpec().workloads[0].connections).toEqual([
    { target: 'cache', variables: {}, tls: { variable: 'CACHE_TLS', cloud: 'true', local: 'no' } },
  ]);
});

describe('invalid TLS flags', () => {
  function connect(tls: any, create?: (app: Application) => DataService) {
    const shop = new Application(testStack(), 'shop');
    const data = create ? create(shop) : new Cache(shop, 'cache', { engine: CacheEngine.redis('7.1') });
    const api = new Service(shop, 'api', { image: IMAGE, environment: { TAKEN: 'x' } });
    return () => api.connectTo(data as any, { host: 'CACHE_HOST', tls });
  }

  test.each(['postgres', 'mysql'] as const)('on a %s database, not TLS-only in the cloud', (kind) => {
    expectValidationError(
      connect(
        'DB_TLS',
        (app) =>
          new Database(app, 'db', { engine: DatabaseEngine[kind](kind === 'postgres' ? '16' : '8.0') }),
      ),
      'Test/shop/api',
      'connectTo.tls',
      'is not TLS-only in the cloud',
    );
  });

  test.each<[string, any, string, string]>([
    [
      'the same value in both twins',
      { variable: 'T', cloud: 'yes', local: 'yes' },
      'connectTo.tls',
      "gives both twins the value 'yes'",
    ],
    ['an empty value', { variable: 'T', cloud: '' }, 'connectTo.tls.cloud', 'must be a non-empty string'],
    [
      'a value with a newline',
      { variable: 'T', local: 'a\nb' },
      'connectTo.tls.local',
      'without control characters',
    ],
    ['no variable', { cloud: '1' }, 'connectTo.tls', 'must be a variable name'],
    ['an invalid variable name', '1TLS', 'connectTo.tls', '1TLS'],
    ['a variable set already', 'TAKEN', 'connectTo.tls', 'is already set on this workload'],
    ['the variable of another value', 'CACHE_HOST', 'connectTo.tls', 'is already set on this workload'],
  ])('%s', (_what, tls, prop, fragment) => {
    expectValidationError(connect(tls), 'Test/shop/api', prop, fragment);
  });

  test('the model rule rejects a TLS flag on a database connection of a model read from a file', () => {
    const shop = new Application(testStack(), 'shop');
    const db = new Database(shop, 'db', { engine: DatabaseEngine.postgres('16') });
    new Service(shop, 'api', { image: IMAGE }).connectTo(db, { host: 'DB_HOST' });
    const spec = structuredClone(shop.toSpec()) as any;
    spec.workloads[0].connections[0].tls = { variable: 'DB_TLS', cloud: 'true', local: 'false' };
    const errors = validateModel(spec).errors.map((e) => JSON.stringify(e));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('connectTo.tls');
    expect(errors[0]).toContain('not TLS-only in the cloud');
  });
});
