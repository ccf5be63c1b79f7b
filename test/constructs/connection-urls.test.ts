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
  ConnectionOptions,
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
import { urlParts } from '../../constructs/parity/aspects/connection-urls';
import { composeSchemaErrors } from '../support/compose-schema';
import { expectValidationError } from '../support/errors';
import { testApp, testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/**
 * The synthesized twins of an application with a service `api` and a hosted job `migrate`, both connected
 * to `data` with `options`.
 */
function twins(create: (app: Application, id: string) => DataService, options: ConnectionOptions) {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const data = create(shop, 'data');
  const api = new Service(shop, 'api', { image: IMAGE });
  api.connectTo(data as any, options);
  const migrate = new Job(shop, 'migrate', { image: IMAGE });
  migrate.connectTo(data as any, options);
  api.addDependency(Dependency.completedSuccessfully(migrate));
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
  );
  return { shop, template, compose };
}

/** The container `name` of `template`. */
function container(template: any, name: string): any {
  const c = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => r.Properties.ContainerDefinitions as any[])
    .find((x) => x.Name === name);
  expect(c).toBeDefined();
  return c;
}

/** The secret string of the secret container `name` receives in `variable`: its parts, each intrinsic as `{}`. */
function cloudUrl(template: any, name: string, variable: string): string {
  const secret = container(template, name).Secrets.find((s: any) => s.Name === variable);
  expect(secret).toBeDefined();
  const resource = template.Resources[secret.ValueFrom.Ref];
  expect(resource.Type).toBe('AWS::SecretsManager::Secret');
  const join = resource.Properties.SecretString['Fn::Join'];
  expect(join[0]).toBe('');
  return (join[1] as any[]).map((p) => (typeof p === 'string' ? p : '{}')).join('');
}

/** Replaces the URL secrets' literal text `from` with `to` in a copy of `template`. */
function editCloudUrls(template: any, from: string, to: string): any {
  const broken = structuredClone(template);
  for (const r of Object.values(broken.Resources as Record<string, any>)) {
    if (r.Type !== 'AWS::SecretsManager::Secret' || !r.Properties.SecretString?.['Fn::Join']) continue;
    const parts = r.Properties.SecretString['Fn::Join'][1] as any[];
    r.Properties.SecretString['Fn::Join'][1] = parts.map((p) =>
      typeof p === 'string' ? p.replace(from, to) : p,
    );
  }
  return broken;
}

const postgres = (app: Application, id: string) =>
  new Database(app, id, { engine: DatabaseEngine.postgres('16'), databaseName: 'shop' });

describe('typed URLs of a connection to a PostgreSQL database', () => {
  const { shop, template, compose } = twins(postgres, {
    url: [
      { variable: 'SQL_ALCHEMY_CONN', scheme: 'postgresql+psycopg2' },
      {
        variable: 'RESULT_BACKEND',
        scheme: 'db+postgresql',
        query: { sslmode: { cloud: 'require', local: 'disable' }, application_name: 'shop api' },
      },
      'DATABASE_URL',
    ],
  });

  test('cloud: each URL a secret of its own that CloudFormation builds with its scheme, path and query', () => {
    expect(cloudUrl(template, 'api', 'SQL_ALCHEMY_CONN')).toMatch(
      /^postgresql\+psycopg2:\/\/postgres:\{\{resolve:secretsmanager:\{\}:SecretString:password::\}\}@\{\}:\{\}\/shop$/,
    );
    expect(cloudUrl(template, 'api', 'RESULT_BACKEND')).toMatch(
      /^db\+postgresql:\/\/postgres:\{\{resolve:.*\}\}@\{\}:\{\}\/shop\?sslmode=require&application_name=shop%20api$/,
    );
    expect(cloudUrl(template, 'api', 'DATABASE_URL')).toMatch(/^postgres:\/\/postgres:\{\{resolve:.*\/shop$/);
    // The hosted job receives the same secrets; the default URL keeps its construct id.
    for (const v of ['SQL_ALCHEMY_CONN', 'RESULT_BACKEND', 'DATABASE_URL']) {
      const ref = (name: string) =>
        container(template, name).Secrets.find((s: any) => s.Name === v).ValueFrom.Ref;
      expect(ref('migrate')).toBe(ref('api'));
    }
    const secrets = Object.entries(template.Resources as Record<string, any>).filter(
      ([, r]) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.SecretString,
    );
    // Logical ids of the construct ids ConnectionUrl (the database's own) and ConnectionUrl<digest>.
    expect(secrets.map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^shopdataConnectionUrl[0-9a-f]{8}[0-9A-F]{8}$/),
      expect.stringMatching(/^shopdataConnectionUrl[0-9a-f]{8}[0-9A-F]{8}$/),
      expect.stringMatching(/^shopdataConnectionUrl[0-9A-F]{8}$/),
    ]);
  });

  test('local: the same parts, the password from .env, valid against the Compose Specification', () => {
    const env = compose.services.api.environment;
    expect(env.SQL_ALCHEMY_CONN).toBe(
      'postgresql+psycopg2://postgres:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:5432/shop',
    );
    expect(env.RESULT_BACKEND).toBe(
      'db+postgresql://postgres:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:5432/shop?sslmode=disable&application_name=shop%20api',
    );
    expect(env.DATABASE_URL).toBe(
      'postgres://postgres:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:5432/shop',
    );
    expect(compose.services.migrate.environment.RESULT_BACKEND).toBe(env.RESULT_BACKEND);
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  test('the model records the typed URLs only, with each twin’s parts', () => {
    const api = shop.toSpec().workloads.find((w) => w.name === 'api')!;
    expect(api.connections).toEqual([
      {
        target: 'data',
        variables: { SQL_ALCHEMY_CONN: 'url', RESULT_BACKEND: 'url', DATABASE_URL: 'url' },
        urls: {
          SQL_ALCHEMY_CONN: {
            cloud: { scheme: 'postgresql+psycopg2', path: '/shop', query: '' },
            local: { scheme: 'postgresql+psycopg2', path: '/shop', query: '' },
          },
          RESULT_BACKEND: {
            cloud: {
              scheme: 'db+postgresql',
              path: '/shop',
              query: 'sslmode=require&application_name=shop%20api',
            },
            local: {
              scheme: 'db+postgresql',
              path: '/shop',
              query: 'sslmode=disable&application_name=shop%20api',
            },
          },
        },
      },
    ]);
  });

  test('the parity check holds each twin to the declared parts', () => {
    const report = checkParity(template, compose, shop.toSpec());
    expect(report.errors).toEqual([]);
    const urls = report.entries.filter((e) => /SQL_ALCHEMY_CONN|RESULT_BACKEND/.test(e.field));
    expect(urls.map((e) => [e.service, e.field, e.kind, e.cloud, e.local])).toEqual([
      [
        'api',
        'environment.SQL_ALCHEMY_CONN',
        'stand-in',
        'postgresql+psycopg2://…/shop',
        'postgresql+psycopg2://…/shop',
      ],
      [
        'api',
        'environment.RESULT_BACKEND',
        'stand-in',
        'db+postgresql://…/shop?sslmode=require&application_name=shop%20api',
        'db+postgresql://…/shop?sslmode=disable&application_name=shop%20api',
      ],
      [
        'migrate',
        'environment.SQL_ALCHEMY_CONN',
        'stand-in',
        'postgresql+psycopg2://…/shop',
        'postgresql+psycopg2://…/shop',
      ],
      [
        'migrate',
        'environment.RESULT_BACKEND',
        'stand-in',
        'db+postgresql://…/shop?sslmode=require&application_name=shop%20api',
        'db+postgresql://…/shop?sslmode=disable&application_name=shop%20api',
      ],
    ]);
  });

  test('a local twin with another scheme is a parity error', () => {
    const broken = structuredClone(compose);
    broken.services.api.environment.SQL_ALCHEMY_CONN = compose.services.api.environment.DATABASE_URL;
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toEqual(['api environment.SQL_ALCHEMY_CONN']);
    expect(errors[0].reason).toContain(
      "as 'postgresql+psycopg2://…/shop' in the cloud and 'postgresql+psycopg2://…/shop' locally; the local twin's is 'postgres://…/shop'",
    );
  });

  test('a cloud twin with the local query is a parity error', () => {
    const broken = editCloudUrls(template, 'sslmode=require', 'sslmode=disable');
    const errors = checkParity(broken, compose, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`)).toEqual([
      'api environment.RESULT_BACKEND',
      'migrate environment.RESULT_BACKEND',
    ]);
    expect(errors[0].reason).toContain(
      "the cloud twin's is 'db+postgresql://…/shop?sslmode=disable&application_name=shop%20api'",
    );
  });

  test('a cloud twin that passes the URL as a plain secret it does not build is a parity error', () => {
    const broken = structuredClone(template);
    for (const r of Object.values(broken.Resources as Record<string, any>)) {
      if (r.Type !== 'AWS::ECS::TaskDefinition') continue;
      for (const c of r.Properties.ContainerDefinitions)
        for (const s of c.Secrets ?? [])
          if (s.Name === 'SQL_ALCHEMY_CONN') s.ValueFrom = 'arn:aws:secretsmanager:x';
    }
    const errors = checkParity(broken, compose, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field} ${e.cloud}`)).toEqual([
      'api environment.SQL_ALCHEMY_CONN (secret)',
      'migrate environment.SQL_ALCHEMY_CONN (secret)',
    ]);
    expect(errors[0].reason).toContain("the cloud twin's is not a URL the template builds");
  });
});

test('a "$" in a path is escaped for compose and read back by the parity check', () => {
  const { shop, template, compose } = twins(postgres, {
    url: { variable: 'DB_URL', path: '/shop$live', query: { options: '-c search_path=$user' } },
  });
  expect(cloudUrl(template, 'api', 'DB_URL')).toMatch(
    /@\{\}:\{\}\/shop\$live\?options=-c%20search_path%3D%24user$/,
  );
  expect(compose.services.api.environment.DB_URL).toMatch(
    /@data:5432\/shop\$\$live\?options=-c%20search_path%3D%24user$/,
  );
  expect(checkParity(template, compose, shop.toSpec()).errors).toEqual([]);
});

describe('the URL of a cache', () => {
  const cache = (app: Application, id: string) => new Cache(app, id, { engine: CacheEngine.redis('7.1') });

  test('its own URL is rediss:// in the cloud, where ElastiCache is TLS-only, and redis:// locally', () => {
    const { template, compose } = twins(cache, { url: 'REDIS_URL' });
    expect(cloudUrl(template, 'api', 'REDIS_URL')).toMatch(/^rediss:\/\/:\{\{resolve:.*\}\}@\{\}:\{\}$/);
    expect(compose.services.api.environment.REDIS_URL).toBe(
      'redis://:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:6379',
    );
  });

  test('a path and a per-twin scheme and query parameter, checked by parity', () => {
    const { shop, template, compose } = twins(cache, {
      url: {
        variable: 'CELERY_BROKER_URL',
        scheme: { cloud: 'rediss', local: 'redis' },
        path: '/0',
        query: { ssl_cert_reqs: { cloud: 'required' } },
      },
    });
    expect(cloudUrl(template, 'api', 'CELERY_BROKER_URL')).toMatch(
      /^rediss:\/\/:\{\{resolve:.*\}\}@\{\}:\{\}\/0\?ssl_cert_reqs=required$/,
    );
    expect(compose.services.api.environment.CELERY_BROKER_URL).toBe(
      'redis://:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:6379/0',
    );
    expect(checkParity(template, compose, shop.toSpec()).errors).toEqual([]);
    const broken = structuredClone(compose);
    broken.services.migrate.environment.CELERY_BROKER_URL =
      compose.services.api.environment.CELERY_BROKER_URL.replace('/0', '/1');
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field} ${e.local}`)).toEqual([
      'migrate environment.CELERY_BROKER_URL redis://…/1',
    ]);
  });
});

describe.each<[string, (app: Application, id: string) => DataService, RegExp, string]>([
  [
    'message broker',
    (app, id) => new MessageBroker(app, id, { engine: BrokerEngine.rabbitMq('3.13') }),
    /^amqps:\/\/admin:\{\{resolve:.*\}\}@\{\}:5671\/shop\?heartbeat=30$/,
    'amqp://admin:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:5672/shop?heartbeat=30',
  ],
  [
    'search domain',
    (app, id) => new SearchDomain(app, id, { engine: SearchEngine.openSearch('2.17') }),
    /^https:\/\/admin:\{\{resolve:.*\}\}@\{\}:443\/shop\?heartbeat=30$/,
    'http://admin:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:9200/shop?heartbeat=30',
  ],
])(
  'a URL with a path and a query to a %s keeps its TLS scheme in the cloud',
  (_kind, create, cloud, local) => {
    const { shop, template, compose } = twins(create, {
      url: { variable: 'DATA_URL', path: '/shop', query: { heartbeat: '30' } },
    });

    test('cloud and local', () => {
      expect(cloudUrl(template, 'api', 'DATA_URL')).toMatch(cloud);
      expect(compose.services.api.environment.DATA_URL).toBe(local);
    });

    test('parity: agreed, and a local twin that asks for TLS is an error', () => {
      expect(checkParity(template, compose, shop.toSpec()).errors).toEqual([]);
      const broken = structuredClone(compose);
      broken.services.api.environment.DATA_URL = local.replace(/^(amqp|http):/, '$1s:');
      expect(checkParity(template, broken, shop.toSpec()).errors.map((e) => e.field)).toEqual([
        'environment.DATA_URL',
      ]);
    });
  },
);

describe('the URL of a document database', () => {
  const docdb = (app: Application, id: string) =>
    new DocumentDatabase(app, id, { engine: DocumentEngine.mongo('5.0'), databaseName: 'goals' });

  test("added query parameters follow the data service's own; a name given replaces its value", () => {
    const { shop, template, compose } = twins(docdb, {
      url: { variable: 'MONGO_URL', query: { appName: 'goals', authSource: { local: 'goals' } } },
    });
    expect(cloudUrl(template, 'api', 'MONGO_URL')).toMatch(
      /^mongodb:\/\/\{\{resolve:.*:username::\}\}:\{\{resolve:.*:password::\}\}@\{\}:\{\}\/goals\?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false&appName=goals$/,
    );
    expect(compose.services.api.environment.MONGO_URL).toBe(
      'mongodb://docdbadmin:${DATA_PASSWORD:?set DATA_PASSWORD in .env}@data:27017/goals?authSource=goals&appName=goals',
    );
    expect(checkParity(template, compose, shop.toSpec()).errors).toEqual([]);
  });

  test("a URL that is the data service's own is not recorded as typed", () => {
    const shop = new Application(testStack(), 'shop');
    const data = docdb(shop, 'data');
    new Service(shop, 'api', { image: IMAGE }).connectTo(data, {
      url: { variable: 'MONGO_URL', scheme: 'mongodb', path: '/goals' },
    });
    expect(shop.toSpec().workloads[0].connections).toEqual([
      { target: 'data', variables: { MONGO_URL: 'url' } },
    ]);
  });
});

describe('invalid typed URLs', () => {
  function connect(url: any, create?: (app: Application) => DataService) {
    const shop = new Application(testStack(), 'shop');
    const data = create ? create(shop) : new Cache(shop, 'cache', { engine: CacheEngine.redis('7.1') });
    const api = new Service(shop, 'api', { image: IMAGE, environment: { TAKEN: 'x' } });
    return () => api.connectTo(data as any, { url });
  }
  const db = (app: Application) => postgres(app, 'db');

  test.each<[string, any, string, string]>([
    [
      'a scheme starting with a digit',
      { variable: 'U', scheme: '1pg' },
      'connectTo.url[U].scheme.cloud',
      'RFC 3986',
    ],
    [
      'a scheme with a space',
      { variable: 'U', scheme: 'post gres' },
      'connectTo.url[U].scheme.cloud',
      'is not a URL scheme',
    ],
    [
      'a scheme with "://"',
      { variable: 'U', scheme: 'postgres://' },
      'connectTo.url[U].scheme.cloud',
      'is not a URL scheme',
    ],
    [
      'a path without "/"',
      { variable: 'U', path: 'shop' },
      'connectTo.url[U].path.cloud',
      'start it with "/"',
    ],
    [
      'a path with a query',
      { variable: 'U', path: { cloud: '/shop', local: '/shop?x=1' } },
      'connectTo.url[U].path.local',
      'no "?"',
    ],
    ['a path with "#"', { variable: 'U', path: '/a#b' }, 'connectTo.url[U].path.cloud', 'no "?", "#"'],
    [
      'a per-twin scheme without local',
      { variable: 'U', scheme: { cloud: 'postgres' } },
      'connectTo.url.scheme',
      '{ cloud, local }',
    ],
    [
      'a query value that is a number',
      { variable: 'U', query: { connect_timeout: 10 } },
      'connectTo.url.query.connect_timeout',
      'must be a string',
    ],
    [
      'a query parameter for no twin',
      { variable: 'U', query: { sslmode: {} } },
      'connectTo.url.query.sslmode',
      'at least one twin',
    ],
    [
      'a query that is a string',
      { variable: 'U', query: 'sslmode=require' },
      'connectTo.url.query',
      'must be an object',
    ],
    [
      'an unknown part',
      { variable: 'U', host: 'elsewhere' },
      'connectTo.url.host',
      'is not a part of a connection URL',
    ],
    ['no variable', { scheme: 'postgres' }, 'connectTo.url', 'must be a variable name or { variable'],
    ['an empty list', [], 'connectTo.url', 'is an empty list'],
    [
      'one variable twice',
      ['U', { variable: 'U', scheme: 'db+postgresql' }],
      'connectTo.url',
      'is already used',
    ],
    [
      'a variable set already',
      [{ variable: 'TAKEN', scheme: 'db+postgresql' }],
      'connectTo',
      'is already set on this workload',
    ],
    [
      'a query parameter that carries a credential',
      { variable: 'U', query: { password: 'hunter2' } },
      'connectTo.url[U].query.cloud',
      'looks like a credential',
    ],
    [
      'a TLS scheme locally',
      { variable: 'U', scheme: 'https' },
      'connectTo.url[U].scheme.local',
      'asks for TLS',
    ],
  ])('%s', (_what, url, prop, fragment) => {
    expectValidationError(connect(url, db), 'Test/shop/api', prop, fragment);
  });

  test('rediss locally, where the stand-in is plain: names the plain scheme to use', () => {
    expectValidationError(
      connect({ variable: 'REDIS_URL', scheme: 'rediss' }),
      'Test/shop/api',
      'connectTo.url[REDIS_URL].scheme.local',
      "does not speak; use 'redis' locally, e.g. scheme: { cloud: 'rediss', local: 'redis' }",
    );
  });

  test('redis in the cloud, where ElastiCache is TLS-only: names the TLS scheme to use', () => {
    expectValidationError(
      connect({ variable: 'REDIS_URL', scheme: 'redis', path: '/0' }),
      'Test/shop/api',
      'connectTo.url[REDIS_URL].scheme.cloud',
      "accepts only TLS in the cloud; use 'rediss' there",
    );
  });

  test('amqp in the cloud for a message broker', () => {
    expectValidationError(
      connect(
        { variable: 'BROKER_URL', scheme: { cloud: 'amqp', local: 'amqp' } },
        (app) => new MessageBroker(app, 'mq', { engine: BrokerEngine.rabbitMq('3.13') }),
      ),
      'Test/shop/api',
      'connectTo.url[BROKER_URL].scheme.cloud',
      "use 'amqps' there",
    );
  });

  test('the model rule checks the URLs of a model read from a file', () => {
    const shop = new Application(testStack(), 'shop');
    const data = db(shop);
    new Service(shop, 'api', { image: IMAGE }).connectTo(data, {
      host: 'DB_HOST',
      url: { variable: 'DB_URL', scheme: 'db+postgresql' },
    });
    expect(validateModel(shop.toSpec()).errors).toEqual([]);
    const spec = structuredClone(shop.toSpec()) as any;
    spec.workloads[0].connections[0].urls.DB_URL.local.scheme = 'post gres';
    spec.workloads[0].connections[0].urls.DB_HOST = spec.workloads[0].connections[0].urls.DB_URL;
    const errors = validateModel(spec).errors.map((e) => `${e.prop} ${e.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^connectTo\.url\[DB_URL\]\.scheme\.local is not a URL scheme/),
      expect.stringMatching(/^connectTo\.url\[DB_HOST\] is not a url variable of this connection/),
    ]);
  });
});

describe('the parity reader of URL parts', () => {
  test.each<[string, ReturnType<typeof urlParts>]>([
    ['postgres://u:\u0000@\u0000:\u0000/shop', { scheme: 'postgres', path: '/shop', query: '' }],
    ['rediss://:\u0000@\u0000:\u0000', { scheme: 'rediss', path: '', query: '' }],
    [
      'mongodb://\u0000:\u0000@data:27017/?authSource=admin',
      { scheme: 'mongodb', path: '/', query: 'authSource=admin' },
    ],
    ['not a url', undefined],
  ])('%j', (text, parts) => {
    expect(urlParts(text)).toEqual(parts);
  });
});
