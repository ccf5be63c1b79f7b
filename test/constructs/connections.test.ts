import * as os from 'os';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  Application,
  Cache,
  CacheEngine,
  ComposeDocument,
  ComposeService,
  ConnectionOptions,
  Database,
  DatabaseEngine,
  DataService,
  Dependency,
  Image,
  Job,
  Secret,
  Service,
  ValidationError,
} from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { testStack } from '../support/test-app';
import { expectValidationError, kindOf, logicalId, thrownBy } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
/** Where the local twin's compose file would be written; no image is built from a directory here. */
const DIR = os.tmpdir();

/** Every value a database provides, under the names the brief of the connection API uses. */
const DB_VARIABLES: ConnectionOptions = {
  host: 'DB_HOST',
  port: 'DB_PORT',
  database: 'DB_NAME',
  username: 'DB_USER',
  password: 'DB_PASSWORD',
  url: 'DATABASE_URL',
};
const CACHE_VARIABLES: ConnectionOptions = {
  host: 'CACHE_HOST',
  port: 'CACHE_PORT',
  password: 'CACHE_PASSWORD',
  url: 'CACHE_URL',
};

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
};
type Container = Record<string, unknown> & {
  Name: string;
  Essential?: boolean;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
};

function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The container definitions of `service`'s task definition, by name. */
function containersOf(template: Template, service: Service): Record<string, Container> {
  const td = template.toJSON().Resources[logicalId(service.taskDefinition)] as Resource;
  const definitions = td.Properties.ContainerDefinitions as Container[];
  return Object.fromEntries(definitions.map((c) => [c.Name, c]));
}

/** Every variable name a container receives (plain environment and ECS secrets), sorted. */
function variableNames(container: Container): string[] {
  return [...(container.Environment ?? []), ...(container.Secrets ?? [])].map((e) => e.Name).sort();
}

function environmentOf(container: Container): Record<string, unknown> {
  return Object.fromEntries((container.Environment ?? []).map((e) => [e.Name, e.Value]));
}

function secretsOf(container: Container): Record<string, unknown> {
  return Object.fromEntries((container.Secrets ?? []).map((e) => [e.Name, e.ValueFrom]));
}

/** Renders the local twin, checking it against the Compose Specification schema first. */
function localTwin(application: Application): ComposeDocument {
  const compose = application.renderLocalTwin(DIR).compose;
  expect(composeSchemaErrors(compose)).toEqual([]);
  return compose;
}

function composeService(compose: ComposeDocument, name: string): ComposeService {
  const service = compose.services[name];
  expect(service).toBeDefined();
  return service;
}

/** The secretsmanager resources the execution role of `service` may read, rendered and sorted. */
function readableSecrets(template: Template, service: Service): string[] {
  const role = logicalId(service.taskDefinition.executionRole!);
  const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role),
  );
  const statements = policies.flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
  );
  return statements
    .filter((s) => ([] as unknown[]).concat(s.Action).some((a) => String(a).startsWith('secretsmanager:')))
    .flatMap((s) => ([] as unknown[]).concat(s.Resource))
    .map((r) => JSON.stringify(r))
    .sort();
}

/** The ingress rules of the template into `dataService`'s security group. */
function ingressInto(template: Template, dataService: DataService): Record<string, unknown>[] {
  const group = { 'Fn::GetAtt': [logicalId(dataService.securityGroup), 'GroupId'] };
  return Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))
    .map((i) => i.Properties)
    .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(group));
}

function securityGroupOf(service: Service): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(service.fargateService.connections.securityGroups[0]), 'GroupId'] };
}

/** A fresh stack with an application `shop`. */
function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

describe('connectTo: a service and a hosted job connected to a database and a cache', () => {
  let stack: Stack;
  let application: Application;
  let db: Database;
  let redis: Cache;
  let api: Service;
  let migrate: Job;
  let template: Template;
  let compose: ComposeDocument;
  let containers: Record<string, Container>;

  beforeAll(() => {
    stack = testStack();
    application = new Application(stack, 'shop');
    db = new Database(application, 'orders', { engine: DatabaseEngine.postgres('16') });
    redis = new Cache(application, 'redis', { engine: CacheEngine.redis('7.0') });
    migrate = new Job(application, 'migrate', { image: IMAGE, command: ['migrate'] });
    migrate.connectTo(db, { url: 'DATABASE_URL', password: 'PGPASSWORD' });
    api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      environment: { LOG_LEVEL: 'info' },
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    api.connectTo(db, DB_VARIABLES);
    api.connectTo(redis, CACHE_VARIABLES);
    template = Template.fromStack(stack);
    compose = localTwin(application);
    containers = containersOf(template, api);
  });

  test("the service's container gets exactly the same variable names in both twins", () => {
    const local = Object.keys(composeService(compose, 'api').environment!).sort();
    expect(variableNames(containers.api)).toEqual(local);
    expect(local).toEqual(
      [
        'CACHE_HOST',
        'CACHE_PASSWORD',
        'CACHE_PORT',
        'CACHE_URL',
        'DATABASE_URL',
        'DB_HOST',
        'DB_NAME',
        'DB_PASSWORD',
        'DB_PORT',
        'DB_USER',
        'LOG_LEVEL',
      ].sort(),
    );
  });

  test("the job hosted in the service's task gets the same variable names as its compose service", () => {
    const job = containers.migrate;
    expect(job.Essential).toBe(false);
    const local = Object.keys(composeService(compose, 'migrate').environment!).sort();
    expect(variableNames(job)).toEqual(local);
    expect(local).toEqual(['DATABASE_URL', 'PGPASSWORD']);
  });

  test('the connections are recorded on the workloads', () => {
    expect(api.connections.map((c) => [c.dataService.name, c.variables])).toEqual([
      [
        'orders',
        {
          DB_HOST: 'host',
          DB_PORT: 'port',
          DB_NAME: 'database',
          DB_USER: 'username',
          DB_PASSWORD: 'password',
          DATABASE_URL: 'url',
        },
      ],
      ['redis', { CACHE_HOST: 'host', CACHE_PORT: 'port', CACHE_PASSWORD: 'password', CACHE_URL: 'url' }],
    ]);
    expect(api.toSpec().connections).toEqual([
      { target: 'orders', variables: expect.objectContaining({ DB_HOST: 'host' }) },
      { target: 'redis', variables: expect.objectContaining({ CACHE_HOST: 'host' }) },
    ]);
  });

  test("in the cloud the database values are ECS secrets from the credentials' JSON keys", () => {
    const credentials = Stack.of(db).resolve(db.credentials.secret.secretArn);
    const secrets = secretsOf(containers.api);
    const fields = {
      DB_HOST: 'host',
      DB_PORT: 'port',
      DB_NAME: 'dbname',
      DB_USER: 'username',
      DB_PASSWORD: 'password',
    };
    for (const [variable, field] of Object.entries(fields)) {
      expect(secrets[variable]).toEqual({ 'Fn::Join': ['', [credentials, `:${field}::`]] });
    }
    expect(Object.keys(environmentOf(containers.api)).filter((k) => k.startsWith('DB'))).toEqual([]);
  });

  test('the credentials are those RDS generated for the instance', () => {
    const credentials = Stack.of(db).resolve(db.credentials.secret.secretArn) as { Ref: string };
    const attachment = template.toJSON().Resources[credentials.Ref] as Resource;
    expect(attachment.Type).toBe('AWS::SecretsManager::SecretTargetAttachment');
    expect(attachment.Properties.TargetId).toEqual({ Ref: logicalId(db.instance!) });
  });

  test('the database URL is a separate secret built by CloudFormation around a dynamic reference', () => {
    const ref = secretsOf(containers.api).DATABASE_URL as { Ref: string };
    expect(Object.keys(ref)).toEqual(['Ref']);
    const secret = template.toJSON().Resources[ref.Ref] as Resource;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    const join = secret.Properties.SecretString as { 'Fn::Join': [string, unknown[]] };
    expect(Object.keys(join)).toEqual(['Fn::Join']);
    const parts = join['Fn::Join'][1];
    const text = JSON.stringify(parts);
    expect(parts[0]).toMatch(/^postgres:\/\/postgres:\{\{resolve:secretsmanager:$/);
    expect(text).toContain(':SecretString:password::}}@');
    expect(text).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(db.instance!), 'Endpoint.Address'] }));
    expect(text).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(db.instance!), 'Endpoint.Port'] }));
    expect(parts[parts.length - 1]).toBe('/orders');
    // The job reads the same URL secret.
    expect(secretsOf(containers.migrate).DATABASE_URL).toEqual(ref);
  });

  test('the cache host and port are plain environment values from the replication group', () => {
    const group = logicalId(redis.replicationGroup);
    expect(environmentOf(containers.api)).toEqual({
      LOG_LEVEL: 'info',
      CACHE_HOST: { 'Fn::GetAtt': [group, 'PrimaryEndPoint.Address'] },
      CACHE_PORT: { 'Fn::GetAtt': [group, 'PrimaryEndPoint.Port'] },
    });
  });

  test('the cache password is the AUTH token secret and its URL a rediss:// secret', () => {
    const secrets = secretsOf(containers.api);
    expect(secrets.CACHE_PASSWORD).toEqual(Stack.of(redis).resolve(redis.credentials.secret.secretArn));
    const ref = secrets.CACHE_URL as { Ref: string };
    const url = template.toJSON().Resources[ref.Ref] as Resource;
    expect(url.Type).toBe('AWS::SecretsManager::Secret');
    const parts = (url.Properties.SecretString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(parts[0]).toMatch(/^rediss:\/\/:\{\{resolve:secretsmanager:$/);
    expect(JSON.stringify(parts)).toContain(
      JSON.stringify({ 'Fn::GetAtt': [logicalId(redis.replicationGroup), 'PrimaryEndPoint.Address'] }),
    );
  });

  test('locally the values are the stand-ins: name, port, literals and the password from .env', () => {
    const environment = composeService(compose, 'api').environment!;
    expect(environment).toEqual({
      LOG_LEVEL: 'info',
      DB_HOST: 'orders',
      DB_PORT: '5432',
      DB_NAME: 'orders',
      DB_USER: 'postgres',
      DB_PASSWORD: '${ORDERS_PASSWORD:?set ORDERS_PASSWORD in .env}',
      DATABASE_URL: 'postgres://postgres:${ORDERS_PASSWORD:?set ORDERS_PASSWORD in .env}@orders:5432/orders',
      CACHE_HOST: 'redis',
      CACHE_PORT: '6379',
      CACHE_PASSWORD: '${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}',
      CACHE_URL: 'redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}@redis:6379',
    });
    expect(composeService(compose, 'migrate').environment).toEqual({
      DATABASE_URL: 'postgres://postgres:${ORDERS_PASSWORD:?set ORDERS_PASSWORD in .env}@orders:5432/orders',
      PGPASSWORD: '${ORDERS_PASSWORD:?set ORDERS_PASSWORD in .env}',
    });
  });

  test('the local password variable is the one the stand-in itself reads', () => {
    expect(composeService(compose, 'orders').environment!.POSTGRES_PASSWORD).toBe(
      '${ORDERS_PASSWORD:?set ORDERS_PASSWORD in .env}',
    );
    expect(composeService(compose, 'redis').environment!.CACHE_PASSWORD).toBe(
      '${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}',
    );
    const { envExample } = application.renderLocalTwinFiles(DIR);
    expect(envExample.match(/^[A-Z_]+(?==$)/gm)).toEqual(['ORDERS_PASSWORD', 'REDIS_PASSWORD']);
  });

  test('locally connected workloads wait for the data services to be healthy', () => {
    expect(composeService(compose, 'api').depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      orders: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(composeService(compose, 'migrate').depends_on).toEqual({
      orders: { condition: 'service_healthy' },
    });
  });

  test('in the cloud the ECS service is created after the database instance', () => {
    const ecsService = template.toJSON().Resources[logicalId(api.fargateService)] as Resource;
    expect(ecsService.DependsOn).toContain(logicalId(db.instance!));
  });

  test('in the cloud the ECS service is created after the replication group', () => {
    const ecsService = template.toJSON().Resources[logicalId(api.fargateService)] as Resource;
    expect(ecsService.DependsOn).toContain(logicalId(redis.replicationGroup));
  });

  test('the task execution role may read exactly the secrets the containers use', () => {
    const used = [
      ...Object.values(secretsOf(containers.api)),
      ...Object.values(secretsOf(containers.migrate)),
    ].map((v) => {
      const join = (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      return JSON.stringify(join ? join[1][0] : v);
    });
    expect(readableSecrets(template, api)).toEqual([...new Set(used)].sort());
    expect(readableSecrets(template, api)).toHaveLength(4);
  });

  test("each data service admits the service's security group only, on its port", () => {
    expect(ingressInto(template, db)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: securityGroupOf(api),
      }),
    ]);
    expect(ingressInto(template, redis)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: securityGroupOf(api),
      }),
    ]);
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))).toHaveLength(2);
  });
});

describe('connectTo: partial connections', () => {
  test('host and port of a cache need no secret at all', () => {
    const { stack, application } = newApplication();
    const cache = new Cache(application, 'cache', { engine: CacheEngine.valkey('8.0') });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(cache, { host: 'CACHE_HOST', port: 'CACHE_PORT' });
    const template = Template.fromStack(stack);
    expect(containersOf(template, api).api.Secrets).toBeUndefined();
    expect(readableSecrets(template, api)).toEqual([]);
    // No connection URL secret is made when nobody asks for one.
    expect(cache.node.tryFindChild('ConnectionUrl')).toBeUndefined();
    expect(localTwin(application).services.api.environment).toEqual({
      CACHE_HOST: 'cache',
      CACHE_PORT: '6379',
    });
  });

  test('a database host only grants read on the credentials only', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    const template = Template.fromStack(stack);
    expect(readableSecrets(template, api)).toEqual([
      JSON.stringify(Stack.of(db).resolve(db.credentials.secret.secretArn)),
    ]);
    expect(db.node.tryFindChild('ConnectionUrl')).toBeUndefined();
  });

  test('a cache password alone still orders the ECS service after the replication group', () => {
    const { stack, application } = newApplication();
    const cache = new Cache(application, 'cache', { engine: CacheEngine.redis('7.0') });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(cache, { password: 'CACHE_PASSWORD' });
    const template = Template.fromStack(stack);
    const ecsService = template.toJSON().Resources[logicalId(api.fargateService)] as Resource;
    expect(ecsService.DependsOn ?? []).toContain(logicalId(cache.replicationGroup));
  });

  test('a MySQL URL uses the mysql scheme and port in both twins', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'catalog', { engine: DatabaseEngine.mysql('8.0') });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { url: 'DATABASE_URL', port: 'DB_PORT' });
    const template = Template.fromStack(stack);
    const ref = secretsOf(containersOf(template, api).api).DATABASE_URL as { Ref: string };
    const parts = (
      (template.toJSON().Resources[ref.Ref] as Resource).Properties.SecretString as {
        'Fn::Join': [string, unknown[]];
      }
    )['Fn::Join'][1];
    expect(parts[0]).toMatch(/^mysql:\/\/admin:\{\{resolve:secretsmanager:$/);
    expect(localTwin(application).services.api.environment).toEqual({
      DATABASE_URL: 'mysql://admin:${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}@catalog:3306/catalog',
      DB_PORT: '3306',
    });
  });

  test('an Aurora URL points at the cluster endpoint, and the service waits for the cluster', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), aurora: true });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { url: 'DATABASE_URL' });
    const template = Template.fromStack(stack);
    const ref = secretsOf(containersOf(template, api).api).DATABASE_URL as { Ref: string };
    const text = JSON.stringify((template.toJSON().Resources[ref.Ref] as Resource).Properties.SecretString);
    expect(text).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(db.cluster!), 'Endpoint.Address'] }));
    expect(text).toContain(':SecretString:password::}}');
    const ecsService = template.toJSON().Resources[logicalId(api.fargateService)] as Resource;
    expect(ecsService.DependsOn).toContain(logicalId(db.cluster!));
  });

  test('two connected services each get their own ingress rule', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const api = new Service(application, 'api', { image: IMAGE });
    const worker = new Service(application, 'worker', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    worker.connectTo(db, { url: 'DATABASE_URL' });
    const template = Template.fromStack(stack);
    const sources = ingressInto(template, db).map((i) => i.SourceSecurityGroupId);
    expect(sources).toHaveLength(2);
    expect(sources).toEqual(expect.arrayContaining([securityGroupOf(api), securityGroupOf(worker)]));
  });

  test('a job connected after a service started hosting it still gets the values in the cloud', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const job = new Job(application, 'seed', { image: IMAGE });
    const api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.completedSuccessfully(job)],
    });
    job.connectTo(db, { host: 'PGHOST', password: 'PGPASSWORD' });
    const template = Template.fromStack(stack);
    expect(variableNames(containersOf(template, api).seed)).toEqual(['PGHOST', 'PGPASSWORD']);
    expect(Object.keys(localTwin(application).services.seed.environment!).sort()).toEqual([
      'PGHOST',
      'PGPASSWORD',
    ]);
    expect(ingressInto(template, db).map((i) => i.SourceSecurityGroupId)).toEqual([securityGroupOf(api)]);
  });

  test('a workload connected to a database with an init job waits for it in both twins', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      extraDatabases: ['reports'],
    });
    const api = new Service(application, 'api', { image: IMAGE, cpu: 512, memoryMiB: 1024 });
    api.connectTo(db, DB_VARIABLES);
    const template = Template.fromStack(stack);
    const containers = containersOf(template, api);
    expect(containers.api.DependsOn).toEqual([{ ContainerName: 'db-init', Condition: 'SUCCESS' }]);
    const compose = localTwin(application);
    expect(compose.services.api.depends_on).toEqual({
      db: { condition: 'service_healthy' },
      'db-init': { condition: 'service_completed_successfully' },
    });
    expect(variableNames(containers.api)).toEqual(Object.keys(compose.services.api.environment!).sort());
    expect(variableNames(containers['db-init'])).toEqual(
      Object.keys(compose.services['db-init'].environment!).sort(),
    );
  });
});

describe('connectTo: errors', () => {
  let application: Application;
  let db: Database;
  let cache: Cache;

  beforeEach(() => {
    ({ application } = newApplication());
    db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    cache = new Cache(application, 'cache', { engine: CacheEngine.redis('7.1') });
  });

  test('a value the data service does not provide is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(cache, { host: 'CACHE_HOST', database: 'CACHE_DB' }),
      'Test/shop/api:',
      'connectTo.database',
      '"CACHE_DB"',
      'host, port, password, url',
    );
    expectValidationError(
      () => api.connectTo(cache, { username: 'CACHE_USER' }),
      'Test/shop/api:',
      'connectTo.username',
    );
    expect(api.connections).toEqual([]);
  });

  test('no variable at all is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    expectValidationError(() => api.connectTo(db, {}), 'Test/shop/api:', 'connectTo', 'no variable');
    expectValidationError(
      () => api.connectTo(db, { host: undefined }),
      'Test/shop/api:',
      'connectTo',
      'no variable',
    );
    expectValidationError(
      () => api.connectTo(db, undefined as unknown as ConnectionOptions),
      'Test/shop/api:',
      'connectTo',
    );
  });

  test('one variable for two values is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(db, { host: 'DB', port: 'DB' }),
      'Test/shop/api:',
      'connectTo.port',
      '"DB"',
    );
  });

  test('a variable already set as environment is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE, environment: { DB_HOST: 'localhost' } });
    expectValidationError(
      () => api.connectTo(db, { host: 'DB_HOST' }),
      'Test/shop/api:',
      'connectTo',
      '"DB_HOST"',
      'already set',
    );
  });

  test('a variable already set as a secret is a ValidationError', () => {
    const other = Secret.fromSecretName(application, 'Other', 'shop/other');
    const api = new Service(application, 'api', {
      image: IMAGE,
      secrets: { DB_PASSWORD: other.field('password') },
    });
    expectValidationError(
      () => api.connectTo(db, { password: 'DB_PASSWORD' }),
      'Test/shop/api:',
      'connectTo',
      '"DB_PASSWORD"',
    );
  });

  test('a variable another connection already gives is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'HOST' });
    expectValidationError(
      () => api.connectTo(cache, { host: 'HOST' }),
      'Test/shop/api:',
      'connectTo',
      '"HOST"',
    );
    expect(api.connections.map((c) => c.dataService)).toEqual([db]);
  });

  test('setting a connected variable afterwards is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    expectValidationError(
      () => api.addEnvironment('DB_HOST', 'x'),
      'Test/shop/api:',
      'environment',
      'DB_HOST',
    );
    expectValidationError(
      () => api.addSecret('DB_HOST', db.credentials.field('host')),
      'Test/shop/api:',
      'secrets',
      'DB_HOST',
    );
  });

  test('connecting twice to the same data service is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    expectValidationError(
      () => api.connectTo(db, { port: 'DB_PORT' }),
      'Test/shop/api:',
      'connectTo',
      '"db"',
      'already connected',
    );
  });

  test('a data service of another application is a ValidationError', () => {
    const billing = new Application(Stack.of(application), 'billing');
    const ledger = new Database(billing, 'ledger', { engine: DatabaseEngine.postgres('16') });
    const api = new Service(application, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(ledger, { host: 'DB_HOST' }),
      'Test/shop/api:',
      'connectTo',
      'Test/billing/ledger',
      "'billing'",
    );
    const job = new Job(application, 'seed', { image: IMAGE });
    expectValidationError(() => job.connectTo(ledger, { host: 'DB_HOST' }), 'Test/shop/seed:', 'billing');
  });

  test('something that is not a data service is a ValidationError', () => {
    const api = new Service(application, 'api', { image: IMAGE });
    const other = new Service(application, 'other', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(other as unknown as DataService, { host: 'HOST' }),
      'Test/shop/api:',
      'connectTo',
    );
  });

  test.each(['1HOST', 'DB HOST', 'DB=HOST', ''])('the variable name %j is a ValidationError', (name) => {
    const api = new Service(application, 'api', { image: IMAGE });
    const error = thrownBy(() => api.connectTo(db, { host: name }));
    expect(kindOf(error)).toBe('twinstack ValidationError');
    expect((error as ValidationError).path).toBe('Test/shop/api');
    expect((error as ValidationError).prop).toMatch(/^connectTo/);
  });

  test('a job connecting to a value the cache does not provide is a ValidationError', () => {
    const job = new Job(application, 'seed', { image: IMAGE });
    expectValidationError(
      () => job.connectTo(cache, { database: 'DB' }),
      'Test/shop/seed:',
      'connectTo.database',
    );
  });
});
