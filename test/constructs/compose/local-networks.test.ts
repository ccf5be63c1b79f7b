/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import {
  Application,
  Bucket,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  Dependency,
  Image,
  Job,
  LoadBalancer,
  Service,
  validateModel,
} from '../../../constructs';
import type { LocalNetworksMode } from '../../../constructs/model/local-networks';
import { forDockerCompose129 } from '../../../constructs/compose/compatibility';
import { checkParity } from '../../../constructs/parity';
import { composeSchemaErrors } from '../../support/compose-schema';
import { expectValidationError } from '../../support/errors';
import { testApp, testStack } from '../../support/test-app';

// The local twin mirrors the cloud's reachability: a container reaches exactly what the cloud twin's
// security groups let it reach (and the stand-ins of what it reaches through the AWS API).

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const DIR = os.tmpdir();

/**
 * api (routed by web, connected to db, with a job in its tasks that is connected to db too), worker
 * (depends on api, connected to the cache and a bucket), admin (depends on the worker, which has no
 * ports, so it reaches nothing, and nothing reaches it).
 */
function shop(stack: Stack = testStack(), localNetworks?: LocalNetworksMode) {
  const application = new Application(stack, 'shop', localNetworks ? { localNetworks } : {});
  const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
  const cache = new Cache(application, 'cache', { engine: CacheEngine.redis('7.1'), hostPort: 16379 });
  const uploads = new Bucket(application, 'uploads');
  const migrate = new Job(application, 'migrate', { image: IMAGE, command: ['migrate'] });
  migrate.connectTo(db, { url: 'DATABASE_URL' });
  const api = new Service(application, 'api', {
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'http' }],
    dependsOn: [Dependency.completedSuccessfully(migrate)],
  });
  api.connectTo(db, { host: 'DB_HOST' });
  const worker = new Service(application, 'worker', { image: IMAGE, dependsOn: [Dependency.started(api)] });
  worker.connectTo(cache, { host: 'CACHE_HOST' });
  worker.connectTo(uploads, { access: 'read', bucketName: 'UPLOADS' });
  // Depending on the worker, which has no ports, opens no way in either twin.
  new Service(application, 'admin', {
    image: IMAGE,
    ports: [{ containerPort: 9000 }],
    dependsOn: [Dependency.started(worker)],
  });
  const web = new LoadBalancer(application, 'web', { localPort: 8000 });
  web.addRoute('api', { service: api, healthCheck: { path: '/health' } });
  return { application, stack };
}

const networksOf = (compose: any) =>
  Object.fromEntries(Object.entries<any>(compose.services).map(([name, s]) => [name, s.networks]));

describe('local twin: mirror-cloud (the default)', () => {
  const { application } = shop();
  const compose = application.renderLocalTwin(DIR).compose;

  test('each compose service has a network that exactly what may reach it joins', () => {
    expect(networksOf(compose)).toEqual({
      admin: { admin: {} },
      api: { api: {}, db: {} },
      'aws-init': { 'aws-s3': {} },
      'aws-s3': { 'aws-s3': { aliases: ['uploads.aws-s3'] } },
      cache: { cache: {} },
      db: { db: {} },
      migrate: { db: {}, migrate: {} },
      web: { api: {}, web: {} },
      worker: { api: {}, 'aws-s3': {}, cache: {}, worker: {} },
    });
  });

  test("data services' and stand-ins' networks are internal, unless a port is published from them", () => {
    expect(compose.networks).toEqual({
      admin: {},
      api: {},
      'aws-s3': { internal: true },
      // The cache publishes 16379 on the host, which no engine does from an internal network.
      cache: {},
      db: { internal: true },
      migrate: {},
      web: {},
      worker: {},
    });
  });

  test('the document conforms to the Compose Specification, and docker-compose 1.29 gets the same networks', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
    const compat = forDockerCompose129(compose).compose;
    expect(compat.networks).toEqual(compose.networks);
    expect(compat.services.worker.networks).toEqual(compose.services.worker.networks);
    expect(parse(application.renderLocalTwinFiles(DIR).compose).networks.db).toEqual({ internal: true });
  });

  test('the model records the layout', () => {
    expect(application.localNetworks).toBe('mirror-cloud');
    expect(application.toSpec().localNetworks).toBe('mirror-cloud');
  });
});

describe("local twin: localNetworks 'single'", () => {
  const { application } = shop(testStack(), 'single');
  const compose = application.renderLocalTwin(DIR).compose;

  test('every service is on the default network; only the bucket host names are written', () => {
    expect(compose.networks).toBeUndefined();
    expect(networksOf(compose)).toEqual({
      admin: undefined,
      api: undefined,
      'aws-init': undefined,
      'aws-s3': { default: { aliases: ['uploads.aws-s3'] } },
      cache: undefined,
      db: undefined,
      migrate: undefined,
      web: undefined,
      worker: undefined,
    });
    expect(composeSchemaErrors(compose)).toEqual([]);
  });
});

describe('validation', () => {
  test.each([['all'], [''], [true]])(
    'localNetworks %j is a ValidationError naming what is allowed',
    (mode) => {
      expectValidationError(
        () => new Application(testStack(), 'shop', { localNetworks: mode as never }),
        'Test/shop',
        'localNetworks',
        JSON.stringify(mode),
        "'mirror-cloud'",
        "'single'",
      );
    },
  );

  test('the whole-model rules check a layout read from a model file', () => {
    const spec = shop().application.toSpec();
    const report = validateModel({ ...spec, localNetworks: 'none' as never });
    expect(report.errors.map((e) => `${e.prop}: ${e.message}`)).toEqual([
      expect.stringContaining("localNetworks: must be 'mirror-cloud'"),
    ]);
  });
});

describe('cloud twin: the same reachability in security groups', () => {
  const { stack } = shop();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, any>;
  const groupOf = (name: string) =>
    Object.keys(resources).find(
      (id) => resources[id].Type === 'AWS::EC2::SecurityGroup' && id.startsWith(`shop${name}`),
    )!;
  const admittedInto = (name: string) =>
    Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::EC2::SecurityGroupIngress' &&
          r.Properties.GroupId['Fn::GetAtt'][0] === groupOf(name),
      )
      .map((r) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0])
      .sort();

  test('api admits its dependent and the load balancer; admin admits nothing', () => {
    expect(admittedInto('api')).toEqual([groupOf('webSecurityGroup'), groupOf('workerService')].sort());
    expect(admittedInto('admin')).toEqual([]);
  });

  test('the database admits api, whose tasks run the job connected to it', () => {
    expect(admittedInto('db')).toEqual([groupOf('apiService')]);
  });

  test('the tasks may go out to the internet; the database may not', () => {
    expect(resources[groupOf('adminService')].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }),
    ]);
    expect(resources[groupOf('dbSecurityGroup')].Properties.SecurityGroupEgress).not.toContainEqual(
      expect.objectContaining({ CidrIp: '0.0.0.0/0' }),
    );
  });
});

describe('parity of the networks', () => {
  const app = testApp();
  const { stack, application } = shop(new Stack(app, 'Shop'));
  const assembly = app.synth();
  const template = JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8'));
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8'),
  );
  const spec = application.toSpec();
  const check = (edit: (t: any, c: any) => void = () => undefined, model: any = spec) => {
    const t = structuredClone(template);
    const c = structuredClone(compose);
    edit(t, c);
    return checkParity(t, c, model);
  };
  const errors = (report: ReturnType<typeof check>) => report.errors.map((e) => `${e.service} ${e.field}`);
  const networkEntries = (report: ReturnType<typeof check>) =>
    report.entries
      .filter((e) => e.field.startsWith('networks.'))
      .map((e) => `${e.service} ${e.field} ${e.standIn ?? e.kind}`);

  test('every shared network is admitted in the cloud, or declared', () => {
    const report = check();
    expect(errors(report)).toEqual([]);
    expect(networkEntries(report)).toEqual([
      'api networks.api.web same',
      'api networks.api.worker same',
      'web networks.api.worker shared-network',
      'aws-init networks.aws-s3.aws-s3 aws-resource',
      'aws-init networks.aws-s3.worker shared-network',
      'aws-s3 networks.aws-s3.worker aws-resource',
      'cache networks.cache.worker same',
      'api networks.db.db same',
      'api networks.db.migrate shared-network',
      'db networks.db.migrate job-placement',
      'admin networks.egress same',
      'api networks.egress same',
      'cache networks.egress host-port',
      'db networks.egress same',
      'worker networks.egress same',
    ]);
  });

  test('a service on a network it has no reason to be in is a ParityError', () => {
    expect(errors(check((_t, c) => (c.services.admin.networks.db = {})))).toEqual([
      'admin networks.db.api',
      'admin networks.db.db',
      'admin networks.db.migrate',
    ]);
  });

  test("every service on compose's default network is an error unless the model says 'single'", () => {
    const onDefault = (_t: any, c: any) => {
      delete c.networks;
      for (const s of Object.values<any>(c.services)) delete s.networks;
    };
    expect(errors(check(onDefault))).toEqual(
      expect.arrayContaining(['admin networks.default.api', 'db networks.egress']),
    );
    const single = check(onDefault, { ...spec, localNetworks: 'single' });
    expect(errors(single)).toEqual([]);
    expect(networkEntries(single)).toContain('admin networks.default.api shared-network');
  });

  test('a cloud ingress rule the local twin does not mirror is a ParityError', () => {
    const withoutRule = check((t) => {
      for (const [id, r] of Object.entries<any>(t.Resources)) {
        const into = r.Properties?.GroupId?.['Fn::GetAtt']?.[0] ?? '';
        if (
          r.Type === 'AWS::EC2::SecurityGroupIngress' &&
          r.Properties.Description === 'from worker' &&
          into.startsWith('shopapi')
        )
          delete t.Resources[id];
      }
    });
    // The worker and the proxy were both clients of api: now the proxy shares a network with a stranger.
    expect(errors(withoutRule)).toEqual(['api networks.api.worker', 'web networks.api.worker']);
    const leftNetwork = check((_t, c) => delete c.services.worker.networks.cache);
    expect(errors(leftNetwork)).toEqual(['cache networks.reachedBy.worker']);
  });

  test('a data service with a route out where the cloud gives it none is a ParityError', () => {
    expect(errors(check((_t, c) => (c.networks.db = {})))).toEqual(['db networks.egress']);
  });
});

describe('an endpoint of a service the workload does not depend on', () => {
  function calling(dependsOn: boolean) {
    const application = new Application(testStack(), 'shop');
    const api = new Service(application, 'api', { image: IMAGE, ports: [{ containerPort: 8080 }] });
    new Service(application, 'client', {
      image: IMAGE,
      environment: { API_URL: `http://${api.endpoint()}/v1`, OTHER: 'xapi:8080' },
      dependsOn: dependsOn ? [Dependency.started(api)] : [],
    });
    return application;
  }

  test('is a warning naming the variable, the service and the dependency that opens the way', () => {
    const warnings = validateModel(calling(false).toSpec()).warnings;
    expect(warnings).toEqual([
      expect.objectContaining({
        id: 'twinstack:endpoint-without-dependency',
        path: 'Test/shop/client',
        message: expect.stringContaining(
          "environment API_URL of 'client' names an endpoint of 'api', which 'client' does not depend on",
        ),
      }),
    ]);
    expect(warnings[0].message).toContain('add Dependency.started(api)');
  });

  test('is reachable, and no warning, once the workload depends on the service', () => {
    const application = calling(true);
    expect(validateModel(application.toSpec()).warnings).toEqual([]);
    expect(application.renderLocalTwin(DIR).compose.services.client.networks).toEqual({
      api: {},
      client: {},
    });
  });

  test('without the dependency, the two share no network locally', () => {
    const compose = calling(false).renderLocalTwin(DIR).compose;
    expect(compose.services.client.networks).toEqual({ client: {} });
    expect(compose.services.api.networks).toEqual({ api: {} });
  });
});
