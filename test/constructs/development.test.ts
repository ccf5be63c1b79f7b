import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, Image, Service, type DevelopmentOptions } from '../../constructs';
import { forDockerCompose129 } from '../../constructs/compose/compatibility';
import { checkParity } from '../../constructs/parity';
import { STAND_IN_KINDS } from '../../constructs/parity/stand-ins';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp } from '../support/test-app';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const FIXTURE = 'test/fixtures/development';
const NODE = path.resolve(FIXTURE, 'node');
const PYTHON = path.resolve(FIXTURE, 'python');
const COMPOSE_V2 = '/opt/compose-v2/usr/libexec/docker/cli-plugins/docker-compose';

function synth(
  development: DevelopmentOptions | false | undefined,
  image = Image.fromDirectory(`${FIXTURE}/node`),
) {
  const app = testApp();
  const stack = new Stack(app, 'Dev');
  const application = new Application(stack, 'dev');
  const web = new Service(application, 'web', {
    image,
    ...(development !== undefined ? { development } : {}),
  });
  const assembly = app.synth();
  const file = path.join(assembly.directory, application.localTwinFiles.composeFile);
  const text = fs.readFileSync(file, 'utf8');
  return {
    web,
    file,
    text,
    compose: parse(text),
    template: assembly.getStackByName('Dev').template,
    composeDirectory: path.dirname(file),
  };
}

const inferred = synth({});
const explicit = synth({
  sync: [{ path: 'src', target: '/app/src', ignore: ['*.test.js'] }],
  rebuild: ['package.json'],
  restart: [{ path: 'config/app.yaml', target: '/etc/app/app.yaml' }],
});

describe('the model', () => {
  test('{} infers the watch rules from the final stage of the Dockerfile', () => {
    expect(inferred.web.application.toSpec().workloads[0].development).toEqual({
      watch: [
        { action: 'rebuild', path: path.join(NODE, 'Dockerfile') },
        { action: 'rebuild', path: path.join(NODE, 'package.json') },
        { action: 'rebuild', path: path.join(NODE, 'package-lock.json') },
        { action: 'sync', path: path.join(NODE, 'src'), target: '/app/src' },
        { action: 'sync', path: path.join(NODE, 'config/app.yaml'), target: '/etc/app/app.yaml' },
        {
          action: 'sync',
          path: NODE,
          target: '/app',
          ignore: ['.git/', 'node_modules/', 'dist', '*.log', 'coverage'],
        },
      ],
    });
  });

  test('a stage of the Dockerfile other than the last: the one the local twin builds', () => {
    const { web } = synth({}, Image.fromDirectory(`${FIXTURE}/node`, { target: 'deps' }));
    expect(web.application.toSpec().workloads[0].development?.watch).toEqual([
      { action: 'rebuild', path: path.join(NODE, 'Dockerfile') },
      { action: 'rebuild', path: path.join(NODE, 'package.json') },
      { action: 'rebuild', path: path.join(NODE, 'package-lock.json') },
    ]);
  });

  test('requirements files and pyproject.toml rebuild; a file copied into the WORKDIR syncs to its path there; an archive ADD unpacks is not watched', () => {
    const { web } = synth({}, Image.fromDirectory(`${FIXTURE}/python`));
    expect(web.application.toSpec().workloads[0].development?.watch).toEqual([
      { action: 'rebuild', path: path.join(PYTHON, 'Dockerfile') },
      { action: 'rebuild', path: path.join(PYTHON, 'requirements.txt') },
      { action: 'rebuild', path: path.join(PYTHON, 'requirements-dev.txt') },
      { action: 'rebuild', path: path.join(PYTHON, 'pyproject.toml') },
      { action: 'sync', path: path.join(PYTHON, 'app.py'), target: '/srv/app.py' },
      { action: 'sync', path: path.join(PYTHON, 'static'), target: '/srv/static' },
    ]);
  });

  test('each list given replaces the inferred one; restart is sync+restart', () => {
    expect(explicit.web.application.toSpec().workloads[0].development?.watch).toEqual([
      { action: 'rebuild', path: path.join(NODE, 'package.json') },
      { action: 'sync', path: path.join(NODE, 'src'), target: '/app/src', ignore: ['*.test.js'] },
      { action: 'sync+restart', path: path.join(NODE, 'config/app.yaml'), target: '/etc/app/app.yaml' },
    ]);
    const onlySync = synth({ sync: [] }).web.application.toSpec().workloads[0].development?.watch;
    expect(onlySync?.map((r) => r.action)).toEqual(['rebuild', 'rebuild', 'rebuild']);
  });

  test('omitted or false: no development settings and no develop in the local twin', () => {
    for (const d of [undefined, false] as const) {
      const twins = synth(d);
      expect(twins.web.application.toSpec().workloads[0].development).toBeUndefined();
      expect(twins.compose.services.web.develop).toBeUndefined();
    }
  });

  test.each([
    [{ development: {} }, Image.fromRegistry('nginx:1.27'), 'development', 'Image.fromDirectory'],
    [{ development: 'yes' }, undefined, 'development', 'must be an object'],
    [{ development: { watch: [] } }, undefined, 'development.watch', 'is not a development setting'],
    [{ development: { sync: 'src' } }, undefined, 'development.sync', 'must be a list'],
    [
      { development: { sync: [{ path: '/abs', target: '/app' }] } },
      undefined,
      'development.sync[0].path',
      'no leading /',
    ],
    [
      { development: { sync: [{ path: '../node', target: '/app' }] } },
      undefined,
      'development.sync[0].path',
      'no ..',
    ],
    [
      { development: { sync: [{ path: 'missing', target: '/app' }] } },
      undefined,
      'development.sync[0].path',
      'does not exist',
    ],
    [
      { development: { sync: [{ path: 'src', target: 'app/src' }] } },
      undefined,
      'development.sync[0].target',
      'absolute path',
    ],
    [
      { development: { sync: [{ path: 'src', target: '/app/../etc' }] } },
      undefined,
      'development.sync[0].target',
      'without ..',
    ],
    [
      { development: { sync: [{ path: 'src', target: '/app/src', ignore: ['../x'] }] } },
      undefined,
      'development.sync[0].ignore[0]',
      '.dockerignore syntax',
    ],
    [{ development: { rebuild: ['nope.lock'] } }, undefined, 'development.rebuild[0]', 'does not exist'],
    [
      { development: { restart: [{ path: 'config', target: 'etc' }] } },
      undefined,
      'development.restart[0].target',
      'absolute',
    ],
  ])('bad settings are ValidationErrors: %j', (props: any, image, prop, fragment) => {
    const stack = new Stack(testApp(), 'Bad');
    const application = new Application(stack, 'bad');
    expectValidationError(
      () =>
        new Service(application, 'web', {
          image: image ?? Image.fromDirectory(`${FIXTURE}/node`),
          ...props,
        }),
      'bad/web',
      prop,
      fragment,
    );
  });
});

describe('the local twin', () => {
  const rel = (p: string) => {
    const r = path.relative(inferred.composeDirectory, p).split(path.sep).join('/');
    return r.startsWith('..') ? r : `./${r}`;
  };

  test('develop.watch, paths relative to the compose file, valid against the Compose Specification', () => {
    expect(inferred.compose.services.web.develop).toEqual({
      watch: [
        { action: 'rebuild', path: rel(path.join(NODE, 'Dockerfile')) },
        { action: 'rebuild', path: rel(path.join(NODE, 'package.json')) },
        { action: 'rebuild', path: rel(path.join(NODE, 'package-lock.json')) },
        { action: 'sync', path: rel(path.join(NODE, 'src')), target: '/app/src' },
        { action: 'sync', path: rel(path.join(NODE, 'config/app.yaml')), target: '/etc/app/app.yaml' },
        {
          action: 'sync',
          path: rel(NODE),
          target: '/app',
          ignore: ['.git/', 'node_modules/', 'dist', '*.log', 'coverage'],
        },
      ],
    });
    for (const w of inferred.compose.services.web.develop.watch)
      expect(fs.existsSync(path.resolve(inferred.composeDirectory, w.path))).toBe(true);
    expect(composeSchemaErrors(inferred.text)).toEqual([]);
    expect(composeSchemaErrors(explicit.text)).toEqual([]);
    expect(explicit.compose.services.web.develop.watch[2]).toEqual({
      action: 'sync+restart',
      path: rel(path.join(NODE, 'config/app.yaml')),
      target: '/etc/app/app.yaml',
    });
  });

  const v2 = fs.existsSync(COMPOSE_V2) ? test : test.skip;
  if (!fs.existsSync(COMPOSE_V2))
    console.log(`Compose v2 is not at ${COMPOSE_V2}: its acceptance of develop.watch is not checked`);
  v2('accepted by Compose v2 (docker compose config)', () => {
    for (const twins of [inferred, explicit]) {
      const out = execFileSync(COMPOSE_V2, ['-f', twins.file, 'config', '--format', 'json'], {
        cwd: twins.composeDirectory,
        encoding: 'utf8',
        env: { ...process.env, DOCKER_CONFIG: fs.mkdtempSync(path.join(twins.composeDirectory, 'docker-')) },
      });
      const watch = JSON.parse(out).services.web.develop.watch;
      expect(watch.map((w: any) => [w.action, w.path])).toEqual(
        twins.compose.services.web.develop.watch.map((w: any) => [
          w.action,
          path.resolve(twins.composeDirectory, w.path),
        ]),
      );
    }
  });

  test('docker-compose 1.29 has no watch mode: develop dropped and named in the header notes', () => {
    const twin = forDockerCompose129(inferred.compose);
    expect(twin.compose.services.web).not.toHaveProperty('develop');
    expect(twin.notes).toContain(
      'web: develop.watch dropped (1.29 has no watch mode; rebuild and restart by hand).',
    );
    expect(forDockerCompose129(synth(undefined).compose).notes.join('\n')).not.toContain('develop');
  });
});

test('the cloud twin: the template is the same with or without development settings', () => {
  expect(inferred.template).toEqual(synth(undefined).template);
  expect(explicit.template).toEqual(synth(undefined).template);
});

describe('parity', () => {
  const check = (compose: any, twins = inferred) =>
    checkParity(twins.template, compose, twins.web.application.toSpec(), {
      composeDirectory: twins.composeDirectory,
    });
  const edit = (f: (web: any) => void, twins = inferred) => {
    const doc = structuredClone(twins.compose);
    f(doc.services.web);
    return doc;
  };

  test('the twins agree: develop.watch is the stand-in development', () => {
    expect(STAND_IN_KINDS).toHaveProperty('development');
    for (const twins of [inferred, explicit]) {
      const report = check(twins.compose, twins);
      expect(report.errors).toEqual([]);
      expect(report.entries.filter((e: any) => e.field === 'develop.watch')).toEqual([
        expect.objectContaining({ kind: 'stand-in', standIn: 'development' }),
      ]);
    }
  });

  test.each([
    ['develop dropped', (web: any) => delete web.develop],
    ['a watch path changed', (web: any) => (web.develop.watch[3].path = web.develop.watch[4].path)],
    ['a target changed', (web: any) => (web.develop.watch[3].target = '/srv/src')],
    ['an action changed', (web: any) => (web.develop.watch[1].action = 'sync')],
    ['an ignore dropped', (web: any) => web.develop.watch[5].ignore.pop()],
    [
      'a rule added',
      (web: any) =>
        web.develop.watch.push({
          action: 'rebuild',
          path: web.develop.watch[0].path.replace('Dockerfile', 'README.md'),
        }),
    ],
  ])('broken local twin: %s', (_what, f) => {
    expect(check(edit(f)).errors.map((d: any) => d.field)).toContain('develop.watch');
  });

  test("a synced workload's root is writable locally (compose watch copies into it): the stand-in development", () => {
    const container = (twins: typeof inferred) =>
      Object.values(twins.template.Resources as Record<string, any>).find(
        (r) => r.Type === 'AWS::ECS::TaskDefinition',
      ).Properties.ContainerDefinitions[0];
    expect(container(inferred).ReadonlyRootFilesystem).toBe(true);
    expect(inferred.compose.services.web.read_only).toBeUndefined();
    expect(check(inferred.compose).entries.filter((e: any) => e.field === 'readOnlyRootFilesystem')).toEqual([
      expect.objectContaining({
        kind: 'stand-in',
        standIn: 'development',
        cloud: 'read-only',
        local: 'writable',
      }),
    ]);
    // Rebuild rules copy nothing into the container: its root stays read-only in both twins.
    const rebuildOnly = synth({ sync: [], rebuild: ['package.json'], restart: [] });
    expect(rebuildOnly.compose.services.web.read_only).toBe(true);
    expect(check(rebuildOnly.compose, rebuildOnly).errors).toEqual([]);
  });

  test('broken local twin: a writable root without the sync rules that need it', () => {
    const fields = check(edit((web) => delete web.develop)).errors.map((d: any) => d.field);
    expect(fields).toContain('readOnlyRootFilesystem');
  });

  test('broken local twin: develop.watch the model does not declare', () => {
    const plain = synth(undefined);
    const doc = structuredClone(plain.compose);
    doc.services.web.develop = inferred.compose.services.web.develop;
    expect(check(doc, plain).errors.map((d: any) => d.field)).toContain('develop.watch');
  });
});
