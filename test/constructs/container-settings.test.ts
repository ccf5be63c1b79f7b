/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Application, Image, Service } from '../../constructs';
import { renderLocalTwin } from '../../constructs/compose/compose-renderer';
import { checkParity } from '../../constructs/parity';
import { composeSchemaErrors } from '../support/compose-schema';
import { testStack } from '../support/test-app';

function build(props: Record<string, unknown> = {}) {
  const stack = testStack();
  const app = new Application(stack, 'App', { name: 'shop' });
  const api = new Service(app, 'api', { image: Image.fromRegistry('nginx:1.27'), ...props });
  const spec = app.toSpec();
  const compose = renderLocalTwin(spec, { outputDirectory: '/tmp' }).compose;
  return { stack, app, api, spec, compose, template: () => Template.fromStack(stack).toJSON() };
}

const SETTINGS = {
  ulimits: { nofile: { soft: 65536, hard: 65536 } },
  init: true,
  stopGracePeriod: Duration.seconds(60),
  capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] },
  labels: { 'com.example.team': 'web' },
  sharedMemoryMiB: 256,
  hostname: 'api-host',
  extraHosts: { 'host.docker.internal': 'host-gateway' },
  ports: [{ containerPort: 5353, protocol: 'udp' }],
};

describe('container settings', () => {
  test('cloud twin: ulimits, init, stop timeout, capabilities and labels on the container', () => {
    const { template } = build(SETTINGS);
    const defs = Object.values(template().Resources as Record<string, any>).find(
      (r) => r.Type === 'AWS::ECS::TaskDefinition',
    ).Properties.ContainerDefinitions;
    const c = defs.find((d: any) => d.Name === 'api');
    expect(c.Ulimits).toEqual([{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }]);
    expect(c.LinuxParameters.InitProcessEnabled).toBe(true);
    expect(c.LinuxParameters.Capabilities).toEqual({ Add: ['SYS_PTRACE'], Drop: ['ALL'] });
    expect(c.StopTimeout).toBe(60);
    expect(c.DockerLabels).toEqual({ 'com.example.team': 'web' });
    expect(c.Hostname).toBeUndefined();
    expect(c.ExtraHosts).toBeUndefined();
    expect(c.PortMappings[0].Protocol).toBe('udp');
  });

  test('local twin: the compose keys, valid against the Compose Specification', () => {
    const { compose } = build(SETTINGS);
    const s = compose.services.api;
    expect(s).toMatchObject({
      init: true,
      cap_add: ['SYS_PTRACE'],
      cap_drop: ['ALL'],
      ulimits: { nofile: { soft: 65536, hard: 65536 } },
      shm_size: '256m',
      hostname: 'api-host',
      extra_hosts: ['host.docker.internal:host-gateway'],
      labels: { 'com.example.team': 'web' },
      stop_grace_period: '60s',
      expose: ['5353/udp'],
    });
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  test('local limits only when declared', () => {
    expect(build().compose.services.api.deploy).toBeUndefined();
    expect(build({ memoryMiB: 1024 }).compose.services.api.deploy).toEqual({
      resources: { limits: { memory: '1024M' } },
    });
  });

  test('parity: settings agree; local-only ones and default resources are stand-ins', () => {
    const { template, compose, spec } = build(SETTINGS);
    const report = checkParity(template(), JSON.parse(JSON.stringify(compose)), spec);
    expect(report.errors).toEqual([]);
    const kinds = new Set(report.differences.map((d) => d.standIn));
    for (const k of ['shared-memory', 'hostname', 'extra-hosts', 'udp-port', 'default-resources'])
      expect(kinds).toContain(k);
  });

  test.each([
    ['ulimits', (c: any) => (c.ulimits.nofile.soft = 1024), 'ulimits.nofile'],
    ['init', (c: any) => delete c.init, 'init'],
    ['stop', (c: any) => (c.stop_grace_period = '10s'), 'stopGracePeriod'],
    ['capabilities', (c: any) => delete c.cap_drop, 'capabilities.drop'],
    ['labels', (c: any) => (c.labels['com.example.team'] = 'x'), 'labels.com.example.team'],
    ['hostname', (c: any) => (c.hostname = 'other'), 'hostname'],
    ['extra hosts', (c: any) => (c.extra_hosts = ['other:1.2.3.4']), 'extraHosts.other'],
    ['udp', (c: any) => (c.expose = ['5353']), 'ports[5353].protocol'],
  ])('parity: a broken local twin (%s) is an error', (_n, breakIt, field) => {
    const { template, compose, spec } = build(SETTINGS);
    const local = JSON.parse(JSON.stringify(compose));
    breakIt(local.services.api);
    const report = checkParity(template(), local, spec);
    expect(report.errors.map((e) => e.field)).toContain(field);
  });

  test('parity: a declared memory limit that differs is an error', () => {
    const { template, compose, spec } = build({ memoryMiB: 1024 });
    const local = JSON.parse(JSON.stringify(compose));
    local.services.api.deploy.resources.limits.memory = '512M';
    expect(checkParity(template(), local, spec).errors.map((e) => e.field)).toContain('resources');
    delete local.services.api.deploy;
    expect(checkParity(template(), local, spec).errors.map((e) => e.field)).toContain('resources');
  });

  test.each([
    [{ ulimits: { nofiles: { soft: 1, hard: 1 } } }, 'Test/App/api: ulimits "nofiles" is not a ulimit'],
    [
      { ulimits: { nofile: { soft: 2, hard: 1 } } },
      'Test/App/api: ulimits.nofile.soft 2 is above the hard limit 1',
    ],
    [
      { stopGracePeriod: Duration.seconds(121) },
      'Test/App/api: stopGracePeriod "121 s" is longer than 120 seconds, the longest stopTimeout Fargate allows',
    ],
    [
      { capabilities: { add: ['NET_ADMIN'] } },
      'Test/App/api: capabilities.add[0] "NET_ADMIN" cannot be added on Fargate, which adds only SYS_PTRACE',
    ],
    [
      { extraHosts: { 'a.b': 'nowhere' } },
      'Test/App/api: extraHosts.a.b "nowhere" must be an IPv4 or IPv6 address or \'host-gateway\'',
    ],
    [
      { labels: { 'twinstack.role': 'x' } },
      'Test/App/api: labels "twinstack.role" starts with \'twinstack.\', which is reserved',
    ],
    [{ hostname: 'bad host' }, 'Test/App/api: hostname "bad host" is not a host name'],
    [{ sharedMemoryMiB: 0 }, 'Test/App/api: sharedMemoryMiB 0 is out of range'],
  ])('invalid input %#', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a route to a UDP port is refused', () => {
    const { app, api } = build({ ports: [{ containerPort: 5353, protocol: 'udp' }] });
    const { LoadBalancer } = jest.requireActual('../../constructs');
    const lb = new LoadBalancer(app, 'web');
    expect(() => lb.addRoute('dns', { service: api })).toThrow(
      "port 5353 is a UDP port of service 'api'; a load balancer's routes carry HTTP over TCP only",
    );
  });
});
