/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, Image, Service } from '../../../constructs';
import { checkParity, ParityEntry } from '../../../constructs/parity';
import { synthParityFixture, templateContainer, templateResource } from '../../support/parity-fixture';
import { testApp } from '../../support/test-app';

// One synthesized application; each case edits a deep copy of one twin and checks the field it broke.
const fixture = synthParityFixture();

function check(edit: (template: any, compose: any, spec: any) => void = () => undefined, withSpec = true) {
  const template = structuredClone(fixture.template);
  const compose = structuredClone(fixture.compose);
  const spec = structuredClone(fixture.spec) as any;
  edit(template, compose, spec);
  return checkParity(template, compose, withSpec ? spec : undefined, {
    imageBuilds: fixture.imageBuilds,
    composeDirectory: fixture.assemblyDirectory,
  });
}

const baseline = check();
const entry = (entries: readonly ParityEntry[], service: string, field: string) =>
  entries.find((e) => e.service === service && e.field === field);
const errorsOf = (report: ReturnType<typeof check>) => report.errors.map((e) => `${e.service} ${e.field}`);

test('the fixture’s twins agree, every difference a declared stand-in', () => {
  expect(baseline.errors).toEqual([]);
  expect(baseline.notes).toEqual([]);
  expect(baseline.application).toBe('shop');
  expect([...new Set(baseline.entries.map((e) => e.service))]).toEqual(['api', 'migrate', 'worker', 'web']);
  expect(baseline.differences.map((d) => `${d.service} ${d.field} ${d.standIn}`).sort()).toEqual([
    'api healthCheck.timing health-check-adjustment',
    'api hostPorts[9090] host-port',
    'api platform default-platform',
    'api secrets secret',
    'api taskCount task-count',
    'api volumes[/srv/data] volume',
    'api writablePaths[/tmp] writable-path',
    'migrate platform default-platform',
    'migrate presence job-placement',
    'migrate volumes[/data] volume',
    'web networks.api.worker shared-network',
    'web presence load-balancer',
    'worker platform default-platform',
  ]);
});

// [dimension, [service, field] that agrees (or is a stand-in) in the baseline, edit of one twin, [service, field] of the error]
const cases: [string, [string, string], (t: any, c: any, s: any) => void, string][] = [
  ['presence (local side)', ['worker', 'image'], (_t, c) => delete c.services.worker, 'worker presence'],
  [
    'presence (cloud side)',
    ['migrate', 'presence'],
    (_t, c) => (c.services.extra = { image: 'busybox:1.36' }),
    'extra presence',
  ],
  [
    'registry image',
    ['migrate', 'image'],
    (_t, c) => (c.services.migrate.image = 'busybox:1.37'),
    'migrate image',
  ],
  [
    'ECR image',
    ['worker', 'image'],
    (t) => {
      const image = templateContainer(t, 'worker').Image;
      image['Fn::Join'][1][image['Fn::Join'][1].length - 1] = image['Fn::Join'][1]
        .at(-1)
        .replace(':v1', ':v2');
    },
    'worker image',
  ],
  ['asset vs pulled image', ['api', 'image'], (_t, c) => delete c.services.api.build, 'api image'],
  ['build target', ['api', 'image'], (_t, c) => (c.services.api.build.target = 'base'), 'api image.target'],
  [
    'Dockerfile',
    ['api', 'image'],
    (_t, c) => (c.services.api.build.dockerfile = 'Dockerfile.dev'),
    'api image.dockerfile',
  ],
  [
    'build arguments',
    ['api', 'image'],
    (_t, c) => (c.services.api.build.args.VERSION = '2'),
    'api image.buildArgs',
  ],
  [
    'build context',
    ['api', 'image'],
    (_t, c) => {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-parity-other-'));
      fs.cpSync(fixture.buildDirectory, other, { recursive: true });
      fs.writeFileSync(path.join(other, 'app.sh'), 'echo other\n');
      c.services.api.build.context = other;
    },
    'api image.context',
  ],
  ['platform', ['api', 'platform'], (_t, c) => (c.services.api.platform = 'linux/arm64'), 'api platform'],
  [
    'platform (cloud side, no architecture declared)',
    ['api', 'platform'],
    (t) => {
      const task = templateResource(t, 'AWS::ECS::TaskDefinition', (r) =>
        r.Properties.ContainerDefinitions.some((c: any) => c.Name === 'api' && c.Essential !== false),
      );
      task.Properties.RuntimePlatform.CpuArchitecture = 'ARM64';
    },
    'api platform',
  ],
  [
    'platform (declared, missing locally)',
    ['api', 'platform'],
    (_t, _c, s) => (s.workloads.find((w: any) => w.name === 'api').localPlatform = 'linux/amd64'),
    'api platform',
  ],
  [
    'resources',
    ['api', 'resources'],
    (_t, c) => (c.services.api.deploy.resources.limits.memory = '1024M'),
    'api resources',
  ],
  [
    'command',
    ['api', 'command'],
    (t) => (templateContainer(t, 'api').Command = ['sh other.sh']),
    'api command',
  ],
  [
    'entrypoint',
    ['api', 'entrypoint'],
    (_t, c) => (c.services.api.entrypoint = ['/bin/bash', '-c']),
    'api entrypoint',
  ],
  [
    'working directory',
    ['api', 'workingDirectory'],
    (t) => delete templateContainer(t, 'api').WorkingDirectory,
    'api workingDirectory',
  ],
  ['user', ['api', 'user'], (_t, c) => (c.services.api.user = '0'), 'api user'],
  [
    'environment name',
    ['api', 'environment'],
    (_t, c) => (c.services.api.environment.DEBUG = '1'),
    'api environment.DEBUG',
  ],
  [
    'environment value',
    ['api', 'environment'],
    (t) => (templateContainer(t, 'api').Environment.find((e: any) => e.Name === 'LOG_LEVEL').Value = 'debug'),
    'api environment.LOG_LEVEL',
  ],
  [
    'escaped literal ($ in compose is $$)',
    ['api', 'environment'],
    (_t, c) => (c.services.api.environment.PRICE = '$6'),
    'api environment.PRICE',
  ],
  [
    'secret names',
    ['api', 'secrets'],
    (t) => (templateContainer(t, 'api').Secrets = []),
    'api secrets.DB_URL',
  ],
  [
    'secret read as a literal locally',
    ['api', 'secrets'],
    (_t, c) => (c.services.api.environment.DB_URL = 'postgres://localhost'),
    'api environment.DB_URL',
  ],
  ['container ports', ['api', 'ports'], (_t, c) => (c.services.api.expose = []), 'api ports[8080]'],
  [
    'host ports',
    ['api', 'hostPorts[9090]'],
    (_t, c) => (c.services.api.ports = ['9091:9090']),
    'api hostPorts[9090]',
  ],
  [
    'host port on every interface, where the model binds this machine only',
    ['api', 'hostPorts[9090]'],
    (_t, c) => (c.services.api.ports = [c.services.api.ports[0].replace(/^127\.0\.0\.1:/, '')]),
    'api hostPorts[9090]',
  ],
  [
    'host port in long syntax on another address',
    ['api', 'hostPorts[9090]'],
    (_t, c) => (c.services.api.ports = [{ target: 9090, published: 9090, host_ip: '0.0.0.0' }]),
    'api hostPorts[9090]',
  ],
  [
    'health-check test',
    ['api', 'healthCheck.timing'],
    (_t, c) => (c.services.api.healthcheck.test = ['CMD', 'true']),
    'api healthCheck.test',
  ],
  [
    'health-check timing other than the ECS adjustment',
    ['api', 'healthCheck.timing'],
    (t) => (templateContainer(t, 'api').HealthCheck.Interval = 7),
    'api healthCheck.timing',
  ],
  [
    'health check on one side',
    ['api', 'healthCheck.timing'],
    (_t, c) => delete c.services.api.healthcheck,
    'api healthCheck',
  ],
  [
    'job dependency condition',
    ['api', 'dependsOn.migrate'],
    (t) =>
      (templateContainer(t, 'api').DependsOn.find((d: any) => d.ContainerName === 'migrate').Condition =
        'START'),
    'api dependsOn.migrate',
  ],
  [
    'service dependency (cloud side)',
    ['worker', 'dependsOn.api'],
    (t) => {
      const worker = templateResource(t, 'AWS::ECS::Service', (r) =>
        t.Resources[r.Properties.TaskDefinition.Ref].Properties.ContainerDefinitions.some(
          (c: any) => c.Name === 'worker',
        ),
      );
      worker.DependsOn = worker.DependsOn.filter((d: string) => t.Resources[d].Type !== 'AWS::ECS::Service');
    },
    'worker dependsOn.api',
  ],
  [
    'service dependency condition (local side)',
    ['worker', 'dependsOn.api'],
    (_t, c) => (c.services.worker.depends_on.api.condition = 'service_completed_successfully'),
    'worker dependsOn.api',
  ],
  [
    'healthy condition on a target without a cloud health check',
    ['worker', 'dependsOn.api'],
    (t) => delete templateContainer(t, 'api').HealthCheck,
    'worker dependsOn.api',
  ],
  [
    'mount path',
    ['api', 'volumes[/srv/data]'],
    (_t, c) => (c.services.api.volumes[0].target = '/srv/other'),
    'api volumes[/srv/data]',
  ],
  [
    'mount mode',
    ['api', 'volumes[/srv/data]'],
    (_t, c) => delete c.services.api.volumes[0].read_only,
    'api volumes[/srv/data]',
  ],
  [
    'volume kind (a bind mount locally)',
    ['migrate', 'volumes[/data]'],
    (_t, c) => (c.services.migrate.volumes = ['./data:/data']),
    'migrate volumes[/data]',
  ],
  ['task count', ['api', 'taskCount'], (_t, c) => (c.services.api.deploy.replicas = 3), 'api taskCount'],
  [
    'routes (listener rule)',
    ['web', 'routes'],
    (t) => {
      templateResource(
        t,
        'AWS::ElasticLoadBalancingV2::ListenerRule',
      ).Properties.Conditions[0].PathPatternConfig.Values = ['/v2/*'];
    },
    'web routes[0]',
  ],
  [
    'routes (proxy configuration)',
    ['web', 'proxyConfig'],
    (_t, c) =>
      (c.configs['web-nginx-conf'].content = c.configs['web-nginx-conf'].content.replace('api', 'apx')),
    'web proxyConfig',
  ],
  [
    'proxy published port',
    ['web', 'listener'],
    (_t, c) => (c.services.web.ports = ['8081:8080']),
    'web listener',
  ],
  [
    'proxy published on every interface',
    ['web', 'listener'],
    (_t, c) => (c.services.web.ports = [c.services.web.ports[0].replace(/^127\.0\.0\.1:/, '0.0.0.0:')]),
    'web localHostIp',
  ],
  ['proxy presence', ['web', 'presence'], (_t, c) => delete c.services.web, 'web presence'],
  ['user (cloud side)', ['api', 'user'], (t) => (templateContainer(t, 'api').User = '0'), 'api user'],
  ['user (local side)', ['api', 'user'], (_t, c) => delete c.services.api.user, 'api user'],
  [
    'read-only root filesystem (cloud side)',
    ['api', 'readOnlyRootFilesystem'],
    (t) => (templateContainer(t, 'api').ReadonlyRootFilesystem = false),
    'api readOnlyRootFilesystem',
  ],
  [
    'read-only root filesystem (local side)',
    ['worker', 'readOnlyRootFilesystem'],
    (_t, c) => delete c.services.worker.read_only,
    'worker readOnlyRootFilesystem',
  ],
  [
    'writable path (cloud side)',
    ['api', 'writablePaths[/tmp]'],
    (t) => {
      const api = templateContainer(t, 'api');
      api.MountPoints = api.MountPoints.filter((m: any) => m.ContainerPath !== '/tmp');
    },
    'api writablePaths[/tmp]',
  ],
  [
    'writable path (local side)',
    ['api', 'writablePaths[/tmp]'],
    (_t, c) => (c.services.api.tmpfs = ['/var/tmp']),
    'api writablePaths[/tmp]',
  ],
  [
    'writable path mounted read-only in the cloud',
    ['api', 'writablePaths[/tmp]'],
    (t) => {
      const tmp = templateContainer(t, 'api').MountPoints.find((m: any) => m.ContainerPath === '/tmp');
      tmp.ReadOnly = true;
    },
    'api writablePaths[/tmp]',
  ],
  [
    'writable path left with the mode Fargate gives it (no preparer)',
    ['api', 'writablePaths[/tmp]'],
    (t) => {
      const task = templateResource(t, 'AWS::ECS::TaskDefinition', (r) =>
        r.Properties.ContainerDefinitions.some((c: any) => c.Name === 'api-writable'),
      );
      task.Properties.ContainerDefinitions = task.Properties.ContainerDefinitions.filter(
        (c: any) => c.Name !== 'api-writable',
      );
    },
    'api writablePaths[/tmp]',
  ],
  [
    'writable path with another mode locally',
    ['api', 'writablePaths[/tmp]'],
    (_t, c) => (c.services.api.tmpfs = ['/tmp:mode=755']),
    'api writablePaths[/tmp]',
  ],
  [
    'memory limit (cloud side)',
    ['worker', 'memoryLimit'],
    (t) => (templateContainer(t, 'worker').Memory = 256),
    'worker memoryLimit',
  ],
  [
    'memory limit (local side)',
    ['api', 'memoryLimit'],
    (_t, c) => (c.services.api.deploy.resources.limits.memory = '256M'),
    'api memoryLimit',
  ],
  [
    "memory limit of a job in its dependents' tasks",
    ['migrate', 'memoryLimit'],
    (t) => (templateContainer(t, 'migrate').Memory = 1024),
    'migrate memoryLimit',
  ],
  [
    'network membership (local side): the worker joins the proxy’s network',
    ['api', 'networks.api.web'],
    (_t, c) => (c.services.worker.networks.web = {}),
    'web networks.web.worker',
  ],
  [
    'reachability (cloud side): the api no longer admits the worker',
    ['api', 'networks.api.worker'],
    (t) => {
      for (const [id, r] of Object.entries<any>(t.Resources)) {
        if (r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.Description === 'from worker')
          delete t.Resources[id];
      }
    },
    'api networks.api.worker',
  ],
  [
    'reachability (local side): the worker leaves the api’s network',
    ['api', 'networks.api.worker'],
    (_t, c) => delete c.services.worker.networks.api,
    'api networks.reachedBy.worker',
  ],
  [
    'way out (local side): the worker’s networks are internal',
    ['worker', 'networks.egress'],
    (_t, c) => (c.networks.worker = c.networks.api = { internal: true }),
    'worker networks.egress',
  ],
];

describe.each(cases)('%s', (_dimension, [service, field], edit, expected) => {
  test('agrees in the rendered twins', () => {
    const e = entry(baseline.entries, service, field);
    expect(e).toBeDefined();
    expect(e!.kind).not.toBe('error');
  });

  test('an edit of one twin is an error naming the service and the field', () => {
    expect(errorsOf(check(edit))).toContain(expected);
  });
});

test('an undeclared architecture is the default-platform stand-in; a declared one is compared', () => {
  expect(entry(baseline.entries, 'api', 'platform')).toMatchObject({
    kind: 'stand-in',
    standIn: 'default-platform',
    cloud: 'linux/amd64',
  });
  const declared = check((_t, c, s) => {
    s.workloads.find((w: any) => w.name === 'api').localPlatform = 'linux/amd64';
    c.services.api.platform = 'linux/amd64';
  });
  expect(declared.errors).toEqual([]);
  expect(entry(declared.entries, 'api', 'platform')).toMatchObject({ kind: 'same', local: 'linux/amd64' });
});

test('a health-check difference is a stand-in only when it is exactly the ECS adjustment', () => {
  const e = entry(baseline.entries, 'api', 'healthCheck.timing')!;
  expect(e.kind).toBe('stand-in');
  expect(e.cloud).toBe('interval 5s, timeout 5s, retries 3, start period 0s');
  expect(e.local).toBe('interval 2s, timeout 5s, retries 3, start period 0s');
  expect(e.reason).toContain('interval 2s -> 5s');
});

test('a job is compared in every task it runs in, and reported once', () => {
  expect(baseline.entries.filter((e) => e.service === 'migrate' && e.field === 'command')).toHaveLength(1);
  expect(entry(baseline.entries, 'migrate', 'presence')!.cloud).toBe('container in tasks of api');
});

test('a data service the model declares managed in the cloud is a stand-in; undeclared, an error', () => {
  const addCache = (t: any, c: any, s: any) => {
    // The cloud twin: a replication group, which api's ECS service is created after.
    t.Resources.shopcacheReplicationGroup0A1B2C3D = { Type: 'AWS::ElastiCache::ReplicationGroup' };
    const [, apiService] = Object.entries(t.Resources as Record<string, any>).find(
      ([id, r]) => r.Type === 'AWS::ECS::Service' && id.startsWith('shopapi'),
    )!;
    apiService.DependsOn = [...(apiService.DependsOn ?? []), 'shopcacheReplicationGroup0A1B2C3D'];
    c.services.cache = { image: 'redis:7' };
    c.services.api.environment.CACHE_HOST = 'cache';
    c.services.api.depends_on.cache = { condition: 'service_healthy' };
    s.dataServices = [
      { name: 'cache', path: 'Shop/shop/cache', cloud: 'ElastiCache Redis 7', local: { image: 'redis:7' } },
    ];
    s.workloads.find((w: any) => w.name === 'api').connections = [
      { target: 'cache', variables: { CACHE_HOST: 'host' } },
    ];
  };
  const declared = check(addCache);
  expect(declared.errors).toEqual([]);
  expect(entry(declared.entries, 'cache', 'presence')).toMatchObject({
    kind: 'stand-in',
    standIn: 'managed-service',
  });
  expect(entry(declared.entries, 'api', 'environment.CACHE_HOST')).toMatchObject({ kind: 'stand-in' });
  expect(entry(declared.entries, 'api', 'dependsOn.cache')).toMatchObject({ kind: 'stand-in' });

  const undeclared = check((t, c, s) => {
    addCache(t, c, s);
    delete s.dataServices;
    delete s.workloads.find((w: any) => w.name === 'api').connections;
  });
  expect(errorsOf(undeclared)).toEqual([
    'api environment.CACHE_HOST',
    'api dependsOn.cache',
    'cache presence',
  ]);
});

test('a job without dependents is a stand-in when the model has it', () => {
  const report = check((_t, c, s) => {
    c.services.seed = { image: 'busybox:1.36', restart: 'no' };
    s.workloads.push({ ...s.workloads.find((w: any) => w.name === 'migrate'), name: 'seed' });
  });
  expect(report.errors).toEqual([]);
  expect(entry(report.entries, 'seed', 'presence')).toMatchObject({ standIn: 'job-without-dependents' });
});

test('without the model, the proxy is found by its configuration and routes are noted as not compared', () => {
  const report = check(undefined, false);
  expect(report.errors).toEqual([]);
  expect(entry(report.entries, 'web', 'load balancer')).toMatchObject({
    kind: 'stand-in',
    standIn: 'load-balancer',
  });
  expect(report.notes).toEqual([expect.stringContaining('routes were not compared')]);
});

test('only the application’s own services are compared when a stack holds several', () => {
  const app = testApp();
  const stack = new Stack(app, 'Two');
  for (const name of ['one', 'two']) {
    new Service(new Application(stack, name), `${name}-web`, { image: Image.fromRegistry('nginx:1.27') });
  }
  const dir = app.synth().directory;
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'Two.template.json'), 'utf8'));
  const report = checkParity(
    template,
    parse(fs.readFileSync(path.join(dir, 'Two.one.compose.yaml'), 'utf8')),
  );
  expect(report.errors).toEqual([]);
  expect([...new Set(report.entries.map((e) => e.service))]).toEqual(['one-web']);
});
