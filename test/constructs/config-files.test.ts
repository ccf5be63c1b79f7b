import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { Application, Image, Service, Volume } from '../../constructs';
import { forDockerCompose129 } from '../../constructs/compose/compatibility';
import { checkParity } from '../../constructs/parity';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCRIPT = "db.createUser({ user: 'mov', pwd: process.env.PASSWORD })\n// costs $5\n";

const app = testApp();
const stack = new Stack(app, 'Db');
const application = new Application(stack, 'db');
const mongo = new Service(application, 'mongo', {
  image: Image.fromRegistry('mongo:8.0'),
  configFiles: [
    { path: '/docker-entrypoint-initdb.d/init-mongo.js', content: SCRIPT },
    { path: '/docker-entrypoint-initdb.d/seed.js', content: 'db.x.insertOne({})' },
    { path: '/etc/mongo/extra.conf', content: 'net:\n  port: 27017\n' },
  ],
});
const assembly = app.synth();
const template = Template.fromJSON(assembly.getStackByName('Db').template);
const text = fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8');
const compose = parse(text);

test('locally: inline compose configs, mounted at each file’s path, `$` escaped', () => {
  expect(compose.services.mongo.configs).toEqual([
    { source: 'mongo-init-mongo.js', target: '/docker-entrypoint-initdb.d/init-mongo.js' },
    { source: 'mongo-seed.js', target: '/docker-entrypoint-initdb.d/seed.js' },
    { source: 'mongo-extra.conf', target: '/etc/mongo/extra.conf' },
  ]);
  expect(compose.configs['mongo-init-mongo.js'].content).toBe(SCRIPT.replace('$', '$$$$'));
  expect(composeSchemaErrors(text)).toEqual([]);
});

test('in the cloud: a helper writes the files into a task volume per directory, read-only for the workload', () => {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const [main, writer] = task.Properties.ContainerDefinitions;
  expect(writer).toMatchObject({
    Name: 'mongo-files',
    Essential: false,
    Image: 'public.ecr.aws/docker/library/busybox:1.37',
    EntryPoint: ['sh', '-c'],
    DockerLabels: { 'twinstack.role': 'config-files' },
  });
  expect(writer.Command[0]).toBe(
    [
      `printf '%s' "$TWINSTACK_FILE_0" > '/twinstack-files/0/init-mongo.js'`,
      `printf '%s' "$TWINSTACK_FILE_1" > '/twinstack-files/0/seed.js'`,
      `printf '%s' "$TWINSTACK_FILE_2" > '/twinstack-files/1/extra.conf'`,
    ].join(' && '),
  );
  expect(writer.Environment).toContainEqual({ Name: 'TWINSTACK_FILE_0', Value: SCRIPT });
  expect(main.MountPoints).toEqual([
    { SourceVolume: 'mongo-files-0', ContainerPath: '/docker-entrypoint-initdb.d', ReadOnly: true },
    { SourceVolume: 'mongo-files-1', ContainerPath: '/etc/mongo', ReadOnly: true },
  ]);
  expect(main.DependsOn).toEqual([{ ContainerName: 'mongo-files', Condition: 'SUCCESS' }]);
  expect(task.Properties.Volumes).toEqual([{ Name: 'mongo-files-0' }, { Name: 'mongo-files-1' }]);
  void mongo;
});

test('docker-compose 1.29 gets each file next to the compose file, with its exact text', () => {
  const twin = forDockerCompose129(compose);
  expect(twin.files['mongo-init-mongo.js']).toBe(SCRIPT);
  expect(twin.compose.services.mongo.volumes).toContainEqual({
    type: 'bind',
    source: './mongo-init-mongo.js',
    target: '/docker-entrypoint-initdb.d/init-mongo.js',
    read_only: true,
  });
});

test('paths, contents and clashes with mounts are checked', () => {
  const application2 = new Application(testStack(), 'app');
  const image = Image.fromRegistry('busybox:1.37');
  expectValidationError(
    () => new Service(application2, 'a', { image, configFiles: [{ path: '/init.js', content: 'x' }] }),
    'configFiles[0].path "/init.js" must be an absolute file path below a directory',
  );
  expectValidationError(
    () => new Service(application2, 'b', { image, configFiles: [{ path: "/etc/it's", content: 'x' }] }),
    'must be an absolute file path',
  );
  expectValidationError(
    () =>
      new Service(application2, 'c', {
        image,
        configFiles: [
          { path: '/etc/a.conf', content: 'x' },
          { path: '/etc/a.conf', content: 'y' },
        ],
      }),
    'configFiles[1].path "/etc/a.conf" is given twice',
  );
  expectValidationError(
    () =>
      new Service(application2, 'd', {
        image,
        configFiles: [{ path: '/etc/big', content: 'x'.repeat(16385) }],
      }),
    'configFiles[0].content "16385 bytes" is larger than 16 KiB',
  );
  const data = new Volume(application2, 'data');
  new Service(application2, 'e', {
    image,
    mounts: [{ volume: data, path: '/etc/app' }],
    configFiles: [{ path: '/etc/app/settings.json', content: '{}' }],
  });
  expect(application2.validate().errors.map((e) => `${e.prop} ${e.message}`)).toEqual([
    'mounts[0].path is also where a config file is written (its directory is a task volume in the cloud twin); mount the volume elsewhere',
  ]);
});

describe('a config file read from the developer’s machine (`source`)', () => {
  const SOURCE = 'test/fixtures/config-files/default.conf';
  const TEXT = fs.readFileSync(SOURCE, 'utf8');
  const synthesize = () => {
    const a = testApp();
    const s = new Stack(a, 'Web');
    const web = new Application(s, 'web');
    new Service(web, 'nginx', {
      image: Image.fromRegistry('nginx:1.27'),
      configFiles: [{ path: '/etc/nginx/conf.d/default.conf', source: SOURCE }],
    });
    const out = a.synth();
    const composeFile = path.join(out.directory, web.localTwinFiles.composeFile);
    return {
      web,
      template: out.getStackByName('Web').template,
      composeFile,
      yaml: fs.readFileSync(composeFile, 'utf8'),
    };
  };
  const twins = synthesize();
  const doc = parse(twins.yaml);

  test('locally: a compose config of the file, relative to the compose file, never its text', () => {
    const config = doc.configs['nginx-default.conf'];
    expect(Object.keys(config)).toEqual(['file']);
    expect(path.resolve(path.dirname(twins.composeFile), config.file)).toBe(path.resolve(SOURCE));
    expect(doc.services.nginx.configs).toEqual([
      { source: 'nginx-default.conf', target: '/etc/nginx/conf.d/default.conf' },
    ]);
    expect(twins.yaml).not.toContain('try_files');
    expect(composeSchemaErrors(twins.yaml)).toEqual([]);
  });

  test('in the cloud: the text as read at synth, written by the helper like inline content', () => {
    const task = Object.values(twins.template.Resources).find(
      (r: any) => r.Type === 'AWS::ECS::TaskDefinition',
    ) as any;
    const writer = task.Properties.ContainerDefinitions.find((c: any) => c.Name === 'nginx-files');
    expect(writer.Environment).toContainEqual({ Name: 'TWINSTACK_FILE_0', Value: TEXT });
    expect(twins.web.toSpec().workloads[0].configFiles).toEqual([
      { path: '/etc/nginx/conf.d/default.conf', content: TEXT, source: path.resolve(SOURCE) },
    ]);
  });

  test('docker-compose 1.29 mounts the file itself, read-only', () => {
    const twin = forDockerCompose129(doc);
    expect(twin.files).toEqual({});
    expect(twin.compose.services.nginx.volumes).toContainEqual({
      type: 'bind',
      source: doc.configs['nginx-default.conf'].file,
      target: '/etc/nginx/conf.d/default.conf',
      read_only: true,
    });
  });

  test('parity: the twins agree on the text; a local file that differs from the cloud’s text is an error', () => {
    const check = (compose: any) =>
      checkParity(twins.template, compose, twins.web.toSpec(), {
        composeDirectory: path.dirname(twins.composeFile),
      });
    const report = check(doc);
    expect(report.errors).toEqual([]);
    expect(
      report.entries.find((e: any) => e.field === 'configFiles[/etc/nginx/conf.d/default.conf]'),
    ).toMatchObject({
      kind: 'stand-in',
      standIn: 'config-file',
    });
    const other = structuredClone(doc);
    other.configs['nginx-default.conf'].file = './missing.conf';
    expect(check(other).errors.map((e: any) => e.reason)).toContainEqual(
      expect.stringContaining('the twins write different contents'),
    );
  });

  test('exactly one of content and source; the source a UTF-8 text file of at most 16 KiB, relative', () => {
    const application3 = new Application(testStack(), 'app');
    const image = Image.fromRegistry('nginx:1.27');
    const service = (id: string, file: Record<string, unknown>) => () =>
      new Service(application3, id, { image, configFiles: [{ path: '/etc/app/x.conf', ...file } as any] });
    expectValidationError(service('a', {}), 'configFiles[0]', 'exactly one of content');
    expectValidationError(service('b', { content: 'x', source: SOURCE }), 'both content and source');
    expectValidationError(
      service('c', { source: path.resolve(SOURCE) }),
      'configFiles[0].source',
      'relative',
    );
    expectValidationError(service('d', { source: './missing.conf' }), 'must be a regular file');
    expectValidationError(service('e', { source: 'test/fixtures' }), 'must be a regular file');
    const dir = fs.mkdtempSync(path.join('test', 'fixtures', 'config-files', 'tmp-'));
    try {
      fs.writeFileSync(path.join(dir, 'big.conf'), 'x'.repeat(16385));
      fs.writeFileSync(path.join(dir, 'binary.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
      expectValidationError(
        service('f', { source: path.join(dir, 'big.conf') }),
        'configFiles[0].source',
        '16 KiB',
      );
      expectValidationError(service('g', { source: path.join(dir, 'binary.bin') }), 'UTF-8 text file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
