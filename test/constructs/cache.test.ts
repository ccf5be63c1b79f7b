import * as os from 'os';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NIST80053R5Checks } from 'cdk-nag';
import {
  Application,
  Cache,
  CacheEngine,
  CacheProps,
  ComposeDocument,
  ComposeService,
  Database,
  DatabaseEngine,
  Image,
  Service,
} from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { nagFindings } from '../support/data-service-twins';
import { testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
/** Where the local twin's compose file would be written; no image is built from a directory here. */
const DIR = os.tmpdir();

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
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

/** A fresh stack with an application `shop`. */
function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

/** Synthesizes a cache with `props` (redis 7.1 unless given) and returns its replication group. */
function replicationGroupOf(props: Partial<CacheProps>): { stack: Stack; group: Resource; cache: Cache } {
  const { stack, application } = newApplication();
  const cache = new Cache(application, 'cache', { engine: CacheEngine.redis('7.1'), ...props });
  const template = Template.fromStack(stack);
  return { stack, cache, group: template.toJSON().Resources[logicalId(cache.replicationGroup)] };
}

describe('Cache: Redis on ElastiCache (cloud twin)', () => {
  let stack: Stack;
  let cache: Cache;
  let api: Service;
  let template: Template;
  let group: Resource;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    cache = new Cache(application, 'sessions', { engine: CacheEngine.redis('7.1') });
    api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(cache, { host: 'REDIS_HOST', password: 'REDIS_PASSWORD' });
    template = Template.fromStack(stack);
    group = template.toJSON().Resources[logicalId(cache.replicationGroup)];
  });

  test('creates one replication group of the engine and version', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    expect(cache.kind).toBe('redis');
    expect(group.Properties).toMatchObject({
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: 'cache.t4g.micro',
      Port: 6379,
    });
  });

  test('encrypts in transit and at rest', () => {
    expect(group.Properties.TransitEncryptionEnabled).toBe(true);
    expect(group.Properties.AtRestEncryptionEnabled).toBe(true);
  });

  test('the AUTH token is a Secrets Manager dynamic reference, never a literal', () => {
    const token = group.Properties.AuthToken;
    expect(typeof token).not.toBe('string');
    const secretId = logicalId(cache.credentials.secret);
    expect(token).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    });
  });

  test('the AUTH token is generated in Secrets Manager', () => {
    const secret = template.toJSON().Resources[logicalId(cache.credentials.secret)] as Resource;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(cache.credentials.name).toBe('sessions-auth-token');
  });

  test('runs in the isolated data subnets', () => {
    const groups = Object.entries(resourcesOfType(template, 'AWS::ElastiCache::SubnetGroup'));
    expect(groups).toHaveLength(1);
    const [subnetGroupId, subnetGroup] = groups[0];
    expect(group.Properties.CacheSubnetGroupName).toEqual({ Ref: subnetGroupId });
    const subnets = (subnetGroup.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref).sort();
    const dataSubnets = Object.keys(resourcesOfType(template, 'AWS::EC2::Subnet'))
      .filter((id) => /^shopVpcdataSubnet\d+Subnet/.test(id))
      .sort();
    expect(dataSubnets).toHaveLength(2);
    expect(subnets).toEqual(dataSubnets);
  });

  test('its security group allows no egress and only the connected service in, on 6379', () => {
    const sg = template.toJSON().Resources[logicalId(cache.securityGroup)] as Resource;
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
    expect(group.Properties.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [logicalId(cache.securityGroup), 'GroupId'] },
    ]);
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((i) => i.Properties)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        GroupId: { 'Fn::GetAtt': [logicalId(cache.securityGroup), 'GroupId'] },
        SourceSecurityGroupId: {
          'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'],
        },
        Description: 'from api',
      },
    ]);
  });

  test('without replicas: one node, no automatic failover, no Multi-AZ', () => {
    expect(group.Properties).toMatchObject({
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
    });
  });

  test('without persistence: no snapshots, and it is deleted with the stack', () => {
    expect(group.Properties.SnapshotRetentionLimit).toBeUndefined();
    expect(group.DeletionPolicy).toBe('Delete');
    expect(group.UpdateReplacePolicy).toBe('Delete');
  });

  test('the model says what runs in the cloud', () => {
    expect(cache.toSpec()).toMatchObject({
      name: 'sessions',
      kind: 'redis',
      version: '7.1',
      cloud: 'ElastiCache Redis OSS 7.1 (cache.t4g.micro x1, TLS)',
    });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('cdk-nag NIST 800-53 R5 finds nothing unacknowledged', () => {
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Cache: settings', () => {
  test('replicas add nodes with automatic failover across zones', () => {
    const { group, stack } = replicationGroupOf({ replicas: 2 });
    expect(group.Properties).toMatchObject({
      NumCacheClusters: 3,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('persistence keeps snapshots 7 days and takes a final snapshot', () => {
    const { group, stack } = replicationGroupOf({ persistence: true });
    expect(group.Properties.SnapshotRetentionLimit).toBe(7);
    expect(group.DeletionPolicy).toBe('Snapshot');
    expect(group.UpdateReplacePolicy).toBe('Snapshot');
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });

  test('Valkey with replicas and persistence', () => {
    const { group, cache, stack } = replicationGroupOf({
      engine: CacheEngine.valkey('8.0'),
      replicas: 1,
      persistence: true,
      nodeType: 'cache.r7g.large',
    });
    expect(cache.kind).toBe('valkey');
    expect(group.Properties).toMatchObject({
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      SnapshotRetentionLimit: 7,
    });
    expect(group.DeletionPolicy).toBe('Snapshot');
    expect(cache.toSpec().cloud).toBe('ElastiCache Valkey 8.0 (cache.r7g.large x2, TLS)');
    expect(nagFindings(stack)).toEqual([]);
  });

  test.each([
    ['redis', '6.2'],
    ['redis', '7.0'],
    ['redis', '7.1'],
    ['valkey', '7.2'],
    ['valkey', '8.0'],
    ['valkey', '8.1'],
  ])('%s %s is passed to ElastiCache as given', (engine, version) => {
    const { group } = replicationGroupOf({
      engine: engine === 'redis' ? CacheEngine.redis(version) : CacheEngine.valkey(version),
    });
    expect(group.Properties).toMatchObject({ Engine: engine, EngineVersion: version });
  });
});

describe('Cache: local stand-in', () => {
  let application: Application;
  let compose: ComposeDocument;
  let local: ComposeService;

  beforeAll(() => {
    ({ application } = newApplication());
    new Cache(application, 'sessions', { engine: CacheEngine.redis('7.0') });
    compose = localTwin(application);
    local = composeService(compose, 'sessions');
  });

  test('runs the official redis image of the same version', () => {
    expect(local.image).toBe('redis:7.0');
  });

  test('requires the password from .env, without saving to disk', () => {
    expect(local.environment).toEqual({
      CACHE_PASSWORD: '${SESSIONS_PASSWORD:?set SESSIONS_PASSWORD in .env}',
    });
    // `$$` is compose's escape: the shell inside the container expands $CACHE_PASSWORD.
    expect(local.command).toEqual([
      'sh',
      '-c',
      'exec redis-server --requirepass "$$CACHE_PASSWORD" --save ""',
    ]);
  });

  test('is healthy once an authenticated PING answers PONG', () => {
    expect(local.healthcheck).toEqual({
      test: ['CMD-SHELL', 'redis-cli --no-auth-warning -a "$$CACHE_PASSWORD" ping | grep -q PONG'],
      interval: '5s',
      timeout: '3s',
      retries: 20,
    });
  });

  test('without persistence it has no volume', () => {
    expect(local.volumes).toBeUndefined();
    expect(compose.volumes).toBeUndefined();
  });

  test('exposes 6379 to the application only, and restarts unless stopped', () => {
    expect(local.expose).toEqual(['6379']);
    expect(local.ports).toBeUndefined();
    expect(local.restart).toBe('unless-stopped');
  });

  test('.env.example lists the password variable', () => {
    const { envExample, compose: text } = application.renderLocalTwinFiles(DIR);
    expect(envExample).toMatch(/^SESSIONS_PASSWORD=$/m);
    expect(composeSchemaErrors(text)).toEqual([]);
  });

  test('persistence appends to a file on the named volume <name>-data', () => {
    const { application: a } = newApplication();
    new Cache(a, 'queue', { engine: CacheEngine.redis('7.0'), persistence: true });
    const c = localTwin(a);
    expect(c.services.queue.command).toEqual([
      'sh',
      '-c',
      'exec redis-server --requirepass "$$CACHE_PASSWORD" --appendonly yes',
    ]);
    expect(c.services.queue.volumes).toEqual([{ type: 'volume', source: 'queue-data', target: '/data' }]);
    expect(c.volumes).toEqual({ 'queue-data': {} });
  });

  test('with persistence, localVolumeName names the volume the append-only file is kept in', () => {
    const { application: a } = newApplication();
    new Cache(a, 'queue', {
      engine: CacheEngine.redis('7'),
      persistence: true,
      localVolumeName: 'redis-data',
    });
    const c = localTwin(a);
    expect(c.services.queue.volumes).toEqual([{ type: 'volume', source: 'redis-data', target: '/data' }]);
    expect(c.volumes).toEqual({ 'redis-data': {} });
  });

  test('without persistence, localVolumeName is a ValidationError: there is no data to keep', () => {
    const { application: a } = newApplication();
    expectValidationError(
      () => new Cache(a, 'queue', { engine: CacheEngine.redis('7'), localVolumeName: 'redis-data' }),
      'Test/shop/queue:',
      'localVolumeName "redis-data"',
      'persistence: true',
    );
  });

  test('Valkey runs valkey/valkey with valkey-server and valkey-cli', () => {
    const { application: a } = newApplication();
    new Cache(a, 'cache', { engine: CacheEngine.valkey('8.0') });
    const valkey = localTwin(a).services.cache;
    expect(valkey.image).toBe('valkey/valkey:8.0');
    expect(valkey.command![2]).toMatch(/^exec valkey-server --requirepass "\$\$CACHE_PASSWORD"/);
    expect(valkey.healthcheck!.test[1]).toMatch(/^valkey-cli /);
  });

  test('hostPort publishes the port on the developer machine', () => {
    const { application: a } = newApplication();
    new Cache(a, 'cache', { engine: CacheEngine.valkey('8.1'), hostPort: 16379 });
    const valkey = localTwin(a).services.cache;
    expect(valkey.ports).toEqual(['127.0.0.1:16379:6379']);
    expect(valkey.expose).toBeUndefined();
  });

  test.each([
    ['redis', '6.2', 'redis:6.2'],
    ['redis', '7.0', 'redis:7.0'],
    ['valkey', '7.2', 'valkey/valkey:7.2'],
    ['valkey', '8.0', 'valkey/valkey:8.0'],
    ['valkey', '8.1', 'valkey/valkey:8.1'],
  ])('%s %s runs %s locally', (engine, version, image) => {
    const { application: a } = newApplication();
    new Cache(a, 'cache', {
      engine: engine === 'redis' ? CacheEngine.redis(version) : CacheEngine.valkey(version),
    });
    expect(localTwin(a).services.cache.image).toBe(image);
  });

  test('ElastiCache Redis 7.1 runs a redis image that exists (Redis OSS has no 7.1 release or tag)', () => {
    // ElastiCache's 7.1 is its own release on the Redis OSS 7.0 line; Docker's official redis image is
    // tagged 6.2, 7.0, 7.2, 7.4, ... and has no 7.1, so `redis:7.1` cannot be pulled.
    const { application: a } = newApplication();
    new Cache(a, 'cache', { engine: CacheEngine.redis('7.1') });
    expect(['redis:7.0', 'redis:7.2']).toContain(localTwin(a).services.cache.image);
  });
});

describe('Cache: version aliases and local images', () => {
  test.each([
    ['redis', '6', '6.2', 'redis:6.2'],
    ['redis', '7', '7.1', 'redis:7.2'],
    ['valkey', '7', '7.2', 'valkey/valkey:7.2'],
    ['valkey', '8', '8.1', 'valkey/valkey:8.1'],
  ])(
    '%s %s is the newest release of the major ElastiCache offers, %s, in both twins',
    (engine, major, release, image) => {
      const { group, cache } = replicationGroupOf({
        engine: engine === 'redis' ? CacheEngine.redis(major) : CacheEngine.valkey(major),
      });
      expect(group.Properties).toMatchObject({ Engine: engine, EngineVersion: release });
      expect(cache.toSpec().version).toBe(release);
      expect(localTwin(cache.application).services.cache.image).toBe(image);
    },
  );

  test.each([
    ['redis:7-alpine', CacheEngine.redis('7.1')],
    ['redis:7.2.5-bookworm', CacheEngine.redis('7')],
    ['redis:7.0', CacheEngine.redis('7.1')],
    ['public.ecr.aws/docker/library/redis:7-alpine', CacheEngine.redis('7.1')],
    ['docker.io/library/redis:6.2-alpine', CacheEngine.redis('6.2')],
    ['valkey/valkey:8-alpine', CacheEngine.valkey('8.0')],
    ['valkey/valkey:8.1-alpine3.21', CacheEngine.valkey('8')],
    [
      'valkey/valkey:7.2@sha256:0000000000000000000000000000000000000000000000000000000000000000',
      CacheEngine.valkey('7.2'),
    ],
  ])('localImage %s of the same major runs locally; the cloud twin keeps the version', (image, engine) => {
    const { stack, application } = newApplication();
    const cache = new Cache(application, 'cache', { engine, localImage: image });
    const local = localTwin(application).services.cache;
    expect(local.image).toBe(image);
    expect(cache.toSpec().local.image).toBe(image);
    // The same server and health check as the default image: every official variant has them.
    expect(local.command![2]).toMatch(new RegExp(`^exec ${engine.kind}-server `));
    const group = Template.fromStack(stack).toJSON().Resources[logicalId(cache.replicationGroup)];
    expect(group.Properties.EngineVersion).toBe(cache.toSpec().version);
  });
});

describe('Cache: validation', () => {
  const redis = CacheEngine.redis('7.1');
  const cases: [string, Partial<CacheProps>, string[]][] = [
    ['a missing engine', { engine: undefined }, ['engine', 'is required']],
    ['an engine that is not a CacheEngine', { engine: { kind: 'redis' } as never }, ['engine']],
    ['Redis 7.2', { engine: CacheEngine.redis('7.2') }, ['engine.version', '"7.2"', '6.2, 7.0, 7.1']],
    ['Redis 5', { engine: CacheEngine.redis('5') }, ['engine.version', '"5"', 'or a major: 6, 7']],
    ['Redis 7.x', { engine: CacheEngine.redis('7.x') }, ['engine.version', '"7.x"']],
    ['Redis "7."', { engine: CacheEngine.redis('7.') }, ['engine.version', '"7."']],
    ['Valkey 9', { engine: CacheEngine.valkey('9') }, ['engine.version', '"9"', 'or a major: 7, 8']],
    [
      'a localImage of another engine',
      { engine: redis, localImage: 'valkey/valkey:7.2' },
      ['localImage', '"valkey/valkey:7.2"', 'official redis image of major version 7', 'redis:7-alpine'],
    ],
    [
      'a localImage of another major',
      { engine: redis, localImage: 'redis:6.2-alpine' },
      ['localImage', '"redis:6.2-alpine"', 'major version 7'],
    ],
    ['a localImage without a tag', { engine: redis, localImage: 'redis' }, ['localImage', '"redis"']],
    ['a localImage tagged latest', { engine: redis, localImage: 'redis:latest' }, ['localImage']],
    ['a localImage tagged 70', { engine: redis, localImage: 'redis:70' }, ['localImage', '"redis:70"']],
    [
      'a localImage that is not the official one',
      { engine: redis, localImage: 'bitnami/redis:7.2' },
      ['localImage', '"bitnami/redis:7.2"'],
    ],
    [
      'a Valkey localImage of Redis',
      { engine: CacheEngine.valkey('8'), localImage: 'redis:8' },
      ['localImage', '"redis:8"', 'valkey/valkey:8-alpine'],
    ],
    [
      'a localImage that is no image reference',
      { engine: redis, localImage: 'redis:7 alpine' },
      ['localImage', 'redis:7 alpine'],
    ],
    ['Redis 5.0.6', { engine: CacheEngine.redis('5.0.6') }, ['engine.version', '"5.0.6"']],
    ['Redis 8.0', { engine: CacheEngine.redis('8.0') }, ['engine.version', '"8.0"']],
    ['a missing Redis version', { engine: CacheEngine.redis(undefined as never) }, ['engine.version']],
    ['Valkey 7.1', { engine: CacheEngine.valkey('7.1') }, ['engine.version', '"7.1"', '7.2, 8.0, 8.1']],
    ['Valkey 9.0', { engine: CacheEngine.valkey('9.0') }, ['engine.version', '"9.0"']],
    ['node type "t4g.micro"', { engine: redis, nodeType: 't4g.micro' }, ['nodeType', '"t4g.micro"']],
    ['node type "cache.t4g"', { engine: redis, nodeType: 'cache.t4g' }, ['nodeType', '"cache.t4g"']],
    ['node type "cache.T4G.micro"', { engine: redis, nodeType: 'cache.T4G.micro' }, ['nodeType']],
    ['an empty node type', { engine: redis, nodeType: '' }, ['nodeType', '""']],
    ['replicas -1', { engine: redis, replicas: -1 }, ['replicas', '-1']],
    ['replicas 6', { engine: redis, replicas: 6 }, ['replicas', ' 6 ', '0 to 5']],
    ['replicas 1.5', { engine: redis, replicas: 1.5 }, ['replicas', '1.5']],
    ['hostPort 0', { engine: redis, hostPort: 0 }, ['hostPort', ' 0 ']],
    ['the invalid name "Sessions"', { engine: redis, name: 'Sessions' }, ['name', '"Sessions"']],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, props, fragments) => {
    const { application } = newApplication();
    expectValidationError(
      () => new Cache(application, 'cache', props as CacheProps),
      'Test/shop/cache:',
      ...fragments,
    );
  });

  test('no props at all is a ValidationError for the missing engine', () => {
    const { application } = newApplication();
    expectValidationError(
      () => new Cache(application, 'cache', undefined as unknown as CacheProps),
      'Test/shop/cache',
      'engine',
    );
  });

  test('a cache named like a service or a database is a ValidationError', () => {
    const { application } = newApplication();
    new Service(application, 'api', { image: IMAGE });
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    expectValidationError(
      () => new Cache(application, 'Api', { name: 'api', engine: CacheEngine.redis('7.1') }),
      'Test/shop/Api',
      'name',
      '"api"',
      'Test/shop/api',
    );
    expectValidationError(
      () => new Cache(application, 'Db', { name: 'db', engine: CacheEngine.redis('7.1') }),
      'Test/shop/Db',
      'name',
      '"db"',
      'Test/shop/db',
    );
  });

  test('a host port another service publishes fails synthesis', () => {
    const { stack, application } = newApplication();
    new Service(application, 'api', { image: IMAGE, ports: [{ containerPort: 80, hostPort: 6379 }] });
    new Cache(application, 'cache', { engine: CacheEngine.redis('7.1'), hostPort: 6379 });
    expectValidationError(() => Template.fromStack(stack), 'Test/shop/cache', 'hostPort', '6379');
  });
});
