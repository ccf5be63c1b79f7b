import * as path from 'path';
import {
  Application,
  BrokerEngine,
  Bucket,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  DocumentDatabase,
  DocumentEngine,
  Image,
  LoadBalancer,
  MessageBroker,
  Queue,
  SearchDomain,
  SearchEngine,
  Service,
  Table,
} from '../../../constructs';
import { renderLocalTwin, standInUser } from '../../../constructs/compose/compose-renderer';
import { forDockerCompose129 } from '../../../constructs/compose/compatibility';
import { composeSchemaErrors } from '../../support/compose-schema';
import { composeToYaml } from '../../../constructs/compose/compose-renderer';
import { testStack } from '../../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const options = { outputDirectory: path.resolve('/projects/shop') };

function twin(build: (application: Application) => void) {
  const application = new Application(testStack(), 'shop');
  build(application);
  return renderLocalTwin(application.toSpec(), options).compose;
}

describe('a workload in the local twin is hardened as in the cloud', () => {
  const compose = twin((application) => {
    new Service(application, 'api', {
      image: IMAGE,
      user: '1000:1000',
      writablePaths: ['/tmp', '/var/cache/$app'],
      memoryMiB: 1024,
    });
    new Service(application, 'legacy', {
      image: IMAGE,
      readOnlyRootFilesystem: false,
      hardeningReason: 'writes its configuration at start',
    });
  });

  test('read_only, a tmpfs per writable path, the user and the memory limit', () => {
    expect(compose.services.api).toMatchObject({
      user: '1000:1000',
      read_only: true,
      tmpfs: ['/tmp:mode=1777', '/var/cache/$$app:mode=1777'],
      deploy: { resources: { limits: { memory: '1024M' } } },
    });
  });

  test('an opted-out workload has a writable root filesystem and no tmpfs', () => {
    expect(compose.services.legacy.read_only).toBeUndefined();
    expect(compose.services.legacy.tmpfs).toBeUndefined();
  });

  test('the compose file passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeToYaml(compose))).toEqual([]);
  });

  test('docker-compose 1.29 gets the same read_only, tmpfs and user (it applies deploy limits too)', () => {
    const compat = forDockerCompose129(compose).compose.services.api;
    expect(compat).toMatchObject({
      user: '1000:1000',
      read_only: true,
      tmpfs: ['/tmp:mode=1777', '/var/cache/$$app:mode=1777'],
    });
    expect(compat.deploy).toEqual(compose.services.api.deploy);
  });
});

describe("data-service stand-ins run as their official images' non-root users", () => {
  const compose = twin((application) => {
    new Database(application, 'pg', { engine: DatabaseEngine.postgres('16') });
    new Database(application, 'pg-alpine', {
      engine: DatabaseEngine.postgres('13'),
      localImage: 'postgres:13-alpine',
    });
    new Database(application, 'my', { engine: DatabaseEngine.mysql('8.0') });
    new Cache(application, 'redis', { engine: CacheEngine.redis('7.1') });
    new Cache(application, 'valkey', { engine: CacheEngine.valkey('8.0') });
    new MessageBroker(application, 'mq', { engine: BrokerEngine.rabbitMq('3.13') });
    new DocumentDatabase(application, 'docs', { engine: DocumentEngine.mongo('5.0') });
    new SearchDomain(application, 'search', { engine: SearchEngine.openSearch('2.17') });
  });

  test.each([
    ['pg', 'postgres'],
    ['pg-alpine', 'postgres'],
    ['my', 'mysql'],
    ['redis', 'redis'],
    ['valkey', 'valkey'],
    ['mq', 'rabbitmq'],
    ['docs', 'mongodb'],
  ])('%s runs as %s', (name, user) => {
    expect(compose.services[name].user).toBe(user);
  });

  test("opensearch's image runs as its own user already", () => {
    expect(compose.services.search.user).toBeUndefined();
  });

  test('the image is recognised with a registry prefix and a digest, not by a look-alike name', () => {
    const local = (image: string) => ({ local: { image } }) as Parameters<typeof standInUser>[0];
    expect(standInUser(local('docker.io/library/redis:7.2@sha256:' + 'a'.repeat(64)))).toBe('redis');
    expect(standInUser(local('example.org/redis:7.2'))).toBeUndefined();
    expect(standInUser(local('postgresql:16'))).toBeUndefined();
  });
});

test("the local proxy runs as its image's user (the official nginx master needs root)", () => {
  const compose = twin((application) => {
    const api = new Service(application, 'api', { image: IMAGE, ports: [{ containerPort: 8080 }] });
    new LoadBalancer(application, 'web').addRoute('api', { service: api, healthCheck: { path: '/' } });
  });
  expect(compose.services.web.user).toBeUndefined();
  expect(compose.services.web.read_only).toBeUndefined();
});

describe('the stand-ins of buckets, queues and tables', () => {
  const compose = twin((application) => {
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(new Bucket(application, 'uploads'), { access: 'read', bucketName: 'UPLOADS_BUCKET' });
    api.connectTo(new Queue(application, 'orders'), { access: 'send', queueUrl: 'ORDERS_URL' });
    api.connectTo(new Table(application, 'carts', { partitionKey: { name: 'id', type: 'string' } }), {
      access: 'read',
      tableName: 'CARTS_TABLE',
    });
  });
  const standIns = { 'aws-s3': '7070', 'aws-sqs': '9324', 'aws-dynamodb': '8000' };

  test('publish no port on the host: they are reached in the compose network only', () => {
    for (const [name, port] of Object.entries(standIns)) {
      expect(compose.services[name].ports).toBeUndefined();
      expect(compose.services[name].expose).toEqual([port]);
    }
    expect(compose.services['aws-init'].ports).toBeUndefined();
    expect(compose.services['aws-init'].expose).toBeUndefined();
  });

  test('run images pinned to a release, never a moving tag', () => {
    for (const name of [...Object.keys(standIns), 'aws-init'])
      expect(compose.services[name].image).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+:v?\d+\.\d+\.\d+$/);
  });

  test('hold no credential: each key is read from .env', () => {
    const keys = ['aws-s3', 'aws-init'].flatMap((name) =>
      Object.entries(compose.services[name].environment!).filter(([variable]) => /KEY/.test(variable)),
    );
    expect(keys.map(([variable]) => variable).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'ROOT_ACCESS_KEY',
      'ROOT_SECRET_KEY',
    ]);
    for (const [, value] of keys)
      expect(value).toMatch(/^\$\{LOCAL_AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY):\?/);
  });
});
