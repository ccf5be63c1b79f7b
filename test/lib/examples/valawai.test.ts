import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import { ValawaiStack } from '../../../lib/examples';
import { comparable } from '../../support/compose-equivalence';
import { composeSchemaErrors } from '../../support/compose-schema';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The component's compose file, with every `${VAR:-default}` read as its default (what `docker compose up`
// runs with an empty .env).
const SEED_TEXT = fs
  .readFileSync(
    path.join(PROJECT_ROOT, 'test/fixtures/seed-systems/valawai-c1-echo/docker-compose.yml'),
    'utf8',
  )
  .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const SEED = parse(SEED_TEXT);

// One synthesis of each variant (the validator, cdk-nag and parity run in all-examples.test.ts).
let full: ValawaiStack;
let componentOnly: ValawaiStack;
let assembly: CloudAssembly;
let template: Template;
let componentTemplate: Template;
let composeText: string;
let compose: any;

beforeAll(() => {
  const app = testApp();
  full = new ValawaiStack(app, 'Valawai', { mov: true });
  const other = testApp();
  componentOnly = new ValawaiStack(other, 'ValawaiComponent', {
    mov: false,
    brokerHost: 'mq.valawai.example.org',
  });
  assembly = app.synth();
  template = Template.fromJSON(assembly.getStackByName('Valawai').template);
  componentTemplate = Template.fromJSON(other.synth().getStackByName('ValawaiComponent').template);
  composeText = full.application.renderLocalTwinFiles(PROJECT_ROOT).compose;
  compose = parse(composeText);
});

const containers = (t: Template): Record<string, any> =>
  Object.fromEntries(
    Object.values(t.findResources('AWS::ECS::TaskDefinition')).flatMap((td: any) =>
      td.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]),
    ),
  );

describe('VALAWAI local twin', () => {
  test('matches the snapshot', () => {
    expect(composeText).toMatchSnapshot();
  });

  test('passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });

  test('has the services of the component’s compose file; the MOV part under the profile mov', () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(SEED.services).sort());
    for (const name of ['mq', 'mongo', 'mov'])
      expect(compose.services[name].profiles).toEqual(SEED.services[name].profiles);
    expect(compose.services.echo_example_with_python_and_pika.profiles).toBeUndefined();
  });

  test.each(['echo_example_with_python_and_pika', 'mq', 'mongo', 'mov'])(
    '%s publishes, checks and is configured as the original',
    (name) => {
      const ours = comparable(compose.services[name]);
      const seed = comparable(SEED.services[name]);
      expect(ours.published).toEqual(seed.published);
      expect(ours.healthcheck!.test).toEqual(
        seed.healthcheck!.test.map((t: string) => t.replace('${DB_NAME:-movDB}', 'movDB')),
      );
      // The same timing, start interval included (the original writes minutes as `1m`).
      const timing = (h: any) =>
        [h.interval, h.timeout, h.retries, h.start_period, h.start_interval].map(String);
      expect(timing(compose.services[name].healthcheck)).toEqual(['60s', '10s', '5', '60s', '5s']);
      expect(timing(SEED.services[name].healthcheck)).toEqual(['1m', '10s', '5', '1m', '5s']);
      // Every variable is there; literal values equal the original's defaults; credentials (the passwords
      // and the MOV database user) come from .env, under the original's variable names where it has them.
      expect(Object.keys({ ...ours.literals, ...ours.variables }).sort()).toEqual(
        Object.keys({ ...seed.literals, ...seed.variables }).sort(),
      );
      for (const [k, v] of Object.entries(ours.literals)) expect([k, v]).toEqual([k, seed.literals[k]]);
      for (const k of Object.keys(ours.variables)) expect(k).toMatch(/PASSWORD|PASS$|USER_NAME$|USERNAME$/);
      for (const k of ['MOV_DB_USER_NAME', 'MOV_DB_USER_PASSWORD'])
        if (k in ours.variables) expect(ours.variables[k]).toBe(k);
    },
  );

  test('waits in the order the original does, restarting dependents; the component’s wait is optional', () => {
    expect(compose.services.mov.depends_on).toEqual({
      mongo: { condition: 'service_healthy', restart: true },
      mq: { condition: 'service_healthy', restart: true },
    });
    expect(compose.services.echo_example_with_python_and_pika.depends_on.mov).toEqual(
      SEED.services.echo_example_with_python_and_pika.depends_on.mov,
    );
    // One more than the original: the component also waits (optionally) for the broker it talks to, which
    // is what lets it reach the broker's port in the cloud twin.
    expect(compose.services.echo_example_with_python_and_pika.depends_on.mq).toEqual({
      condition: 'service_healthy',
      required: false,
    });
  });

  test('the MongoDB init script is carried inline, with the original’s text', () => {
    // Config names are per workload (`<service>-<file>`); the file lands where the original puts it.
    expect(compose.services.mongo.configs.map((c: any) => c.target)).toEqual(
      SEED.services.mongo.configs.map((c: any) => c.target),
    );
    expect(compose.configs['mongo-init-mongo.js'].content).toBe(SEED.configs['init-mongo.js'].content);
    expect(compose.services.mongo.volumes).toEqual([
      { type: 'volume', source: 'mongo-data', target: '/data/db' },
    ]);
  });

  test("the component is built for linux/amd64 and linux/arm64, and runs the machine's own platform", () => {
    expect(compose.services.echo_example_with_python_and_pika.build).toEqual({
      context: './lib/examples/valawai/c1_echo',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    // It declares no cpuArchitecture: no compose platform, so an arm64 machine runs the arm64 build.
    expect(compose.services.echo_example_with_python_and_pika).not.toHaveProperty('platform');
  });
});

describe('VALAWAI cloud twin', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('with the MOV part: four services, MongoDB on EFS, its init script written before it starts', () => {
    template.resourceCountIs('AWS::ECS::Service', 4);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    const c = containers(template);
    expect(c['mongo-files'].Environment).toEqual([
      { Name: 'TWINSTACK_FILE_0', Value: SEED.configs['init-mongo.js'].content },
    ]);
    expect(c.mongo.MountPoints).toContainEqual({
      SourceVolume: 'mongo-files-0',
      ContainerPath: '/docker-entrypoint-initdb.d',
      ReadOnly: true,
    });
    // ECS has no start interval: the checks keep the rest of their timing.
    expect(c.mov.HealthCheck).toMatchObject({ Interval: 60, Timeout: 10, Retries: 5, StartPeriod: 60 });
    expect(c.echo_example_with_python_and_pika.Environment).toContainEqual({
      Name: 'RABBITMQ_HOST',
      Value: 'mq',
    });
  });

  test('without it: only the component, pointed at the existing broker; no file system', () => {
    componentTemplate.resourceCountIs('AWS::ECS::Service', 1);
    componentTemplate.resourceCountIs('AWS::EFS::FileSystem', 0);
    const c = containers(componentTemplate);
    // The component and the helper that opens its writable paths.
    expect(Object.keys(c)).toEqual([
      'echo_example_with_python_and_pika',
      'echo_example_with_python_and_pika-writable',
    ]);
    expect(c.echo_example_with_python_and_pika.Environment).toContainEqual({
      Name: 'RABBITMQ_HOST',
      Value: 'mq.valawai.example.org',
    });
    const [service] = Object.values(componentTemplate.findResources('AWS::ECS::Service')) as any[];
    const resources = componentTemplate.toJSON().Resources;
    expect(
      [].concat(service.DependsOn ?? []).filter((d) => resources[d].Type === 'AWS::ECS::Service'),
    ).toEqual([]);
    // The local twin of this variant still has the MOV part, under its profile.
    expect(
      Object.keys(componentOnly.application.renderLocalTwin(PROJECT_ROOT).compose.services).sort(),
    ).toEqual(['echo_example_with_python_and_pika', 'mongo', 'mov', 'mq']);
  });

  test('the cloud builds the component once, for the platform its tasks run on', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'Valawai.assets.json'), 'utf8'),
    );
    expect(Object.values(manifest.dockerImages).map((i: any) => i.source.platform)).toEqual(['linux/amd64']);
  });
});
