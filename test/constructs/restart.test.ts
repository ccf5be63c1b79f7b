/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import {
  Application,
  checkParity,
  Dependency,
  Image,
  Job,
  JobRun,
  RestartPolicy,
  Service,
} from '../../constructs';
import { forDockerCompose129 } from '../../constructs/compose/compatibility';
import { validateModel } from '../../constructs/model/validate';
import { expectValidationError } from '../support/errors';
import { testApp, testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

describe('a restart policy of its own, in both twins', () => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const policies: RestartPolicy[] = ['always', 'unless-stopped', 'on-failure', 'no'];
  const services = policies.map(
    (restart) => new Service(shop, `svc-${restart}`, { image: IMAGE, restart, command: ['sleep', '1'] }),
  );
  const plain = new Service(shop, 'plain', { image: IMAGE });
  new Job(shop, 'retried', {
    image: IMAGE,
    restart: 'on-failure',
    runs: JobRun.oncePerDeployment(),
  });
  const once = new Job(shop, 'once', { image: IMAGE });
  plain.addDependency(Dependency.completedSuccessfully(once));
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
  );
  const report = checkParity(template, compose, shop.toSpec());
  const restartOf = (name: string) => report.entries.find((e) => e.service === name && e.field === 'restart');

  test('the local twin writes each policy as declared, and the defaults otherwise', () => {
    expect(Object.fromEntries(services.map((s) => [s.name, compose.services[s.name].restart]))).toEqual({
      'svc-always': 'always',
      'svc-unless-stopped': 'unless-stopped',
      'svc-on-failure': 'on-failure',
      'svc-no': 'no',
    });
    expect(compose.services.plain.restart).toBe('unless-stopped');
    expect(compose.services.retried.restart).toBe('on-failure');
    expect(compose.services.once.restart).toBe('no');
  });

  test('the docker-compose 1.29 form keeps each policy as written', () => {
    const compat = forDockerCompose129(shop.renderLocalTwin(assembly.directory).compose);
    const written = Object.fromEntries(
      Object.entries(compat.compose.services).map(([name, s]) => [name, (s as any).restart]),
    );
    expect(written).toMatchObject({
      'svc-always': 'always',
      'svc-on-failure': 'on-failure',
      'svc-no': 'no',
      retried: 'on-failure',
      once: 'no',
    });
  });

  test('the cloud twin is the same whatever the policy: ECS has none', () => {
    const other = testStack();
    const bare = new Application(other, 'shop');
    new Service(bare, 'svc-on-failure', { image: IMAGE, command: ['sleep', '1'] });
    // The container and the ECS service of svc-on-failure, as both templates have them (same logical ids).
    const parts = (t: any) =>
      Object.entries(t.Resources as Record<string, any>)
        .filter(
          ([id, r]) => id.startsWith('shopsvconfailure') && /ECS::(Service|TaskDefinition)$/.test(r.Type),
        )
        .map(([id, r]) => [
          id,
          r.Type,
          r.Properties.ContainerDefinitions?.[0]?.Essential,
          r.Properties.DesiredCount,
        ]);
    expect(parts(template).length).toBe(2);
    expect(parts(template)).toEqual(parts(Template.fromStack(other).toJSON()));
  });

  test('parity: always and unless-stopped are what ECS does; on-failure and no are the stand-in restart-policy', () => {
    expect(report.errors).toEqual([]);
    expect(
      [...services.map((s) => s.name), 'plain', 'retried', 'once'].map((n) => [
        n,
        restartOf(n)?.kind,
        restartOf(n)?.standIn,
      ]),
    ).toEqual([
      ['svc-always', 'same', undefined],
      ['svc-unless-stopped', 'same', undefined],
      ['svc-on-failure', 'stand-in', 'restart-policy'],
      ['svc-no', 'stand-in', 'restart-policy'],
      ['plain', 'same', undefined],
      ['retried', 'stand-in', 'restart-policy'],
      ['once', 'same', undefined],
    ]);
    expect(restartOf('svc-no')!.cloud).toBe('ECS replaces a stopped task');
  });

  test('a compose file whose restart is not the model’s is a parity error', () => {
    const broken = structuredClone(compose);
    broken.services['svc-on-failure'].restart = 'always';
    broken.services.plain.restart = 'no';
    delete broken.services.once.restart;
    const errors = checkParity(template, broken, shop.toSpec()).errors;
    expect(errors.map((e) => `${e.service} ${e.field}`).sort()).toEqual([
      'once restart',
      'plain restart',
      'svc-on-failure restart',
    ]);
  });

  test('without the model, a policy a job cannot have is a parity error', () => {
    const broken = structuredClone(compose);
    broken.services.once.restart = 'always';
    const errors = checkParity(template, broken).errors;
    expect(errors.filter((e) => e.field === 'restart').map((e) => e.service)).toEqual(['once']);
  });
});

describe('a restart policy that cannot hold', () => {
  test.each([
    [
      'a service',
      'sometimes',
      'is not a restart policy; use "always", "unless-stopped", "on-failure" or "no"',
    ],
    ['a service', 'on-failure:3', 'is not a restart policy'],
    ['a job', 'always', 'is not a restart policy of a job; use "no" or "on-failure"'],
    ['a job', 'unless-stopped', 'runs to completion'],
  ])('%s with restart %j is a ValidationError', (kind, restart, rule) => {
    const shop = new Application(testStack(), 'shop');
    const make = () =>
      kind === 'a job'
        ? new Job(shop, 'w', { image: IMAGE, restart: restart as RestartPolicy })
        : new Service(shop, 'w', { image: IMAGE, restart: restart as RestartPolicy });
    expectValidationError(make, 'Test/shop/w:', `restart "${restart}"`, rule);
  });

  test('the whole-model rule rejects it in a model file', () => {
    const shop = new Application(testStack(), 'shop');
    new Job(shop, 'migrate', { image: IMAGE, restart: 'on-failure' });
    const spec = shop.toSpec();
    const edited = {
      ...spec,
      workloads: spec.workloads.map((w) => ({ ...w, restart: 'always' as const })),
    };
    expect(validateModel(spec).errors).toEqual([]);
    expect(validateModel(edited).errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/migrate', prop: 'restart', value: '"always"' }),
    ]);
  });
});
