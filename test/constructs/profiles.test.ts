import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { Application, Dependency, HealthCheck, Image, LoadBalancer, Service, Volume } from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const CHECK = HealthCheck.shell('true');

/** The VALAWAI shape: a component that waits for an optional MOV, and the MOV's own required parts. */
function valawaiLike(stack: Stack, profiles: string[]) {
  const application = new Application(stack, 'app', { profiles });
  const data = new Volume(application, 'mongo-data', { profile: 'mov' });
  const mongo = new Service(application, 'mongo', {
    image: IMAGE,
    profile: 'mov',
    ports: [{ containerPort: 27017 }],
    healthCheck: CHECK,
    mounts: [{ volume: data, path: '/data/db' }],
  });
  const mov = new Service(application, 'mov', {
    image: IMAGE,
    profile: 'mov',
    ports: [{ containerPort: 8080 }],
    healthCheck: CHECK,
    dependsOn: [Dependency.healthy(mongo, { restart: true })],
  });
  const component = new Service(application, 'component', {
    image: IMAGE,
    healthCheck: CHECK,
    dependsOn: [Dependency.healthy(mov, { optional: true, restart: true })],
  });
  return { application, mongo, mov, component, data };
}

/** One synthesis per variant: the optional part left out of the cloud twin, and included. */
function synth(profiles: string[]) {
  const app = testApp();
  const stack = new Stack(app, profiles.length ? 'WithMov' : 'WithoutMov');
  const parts = valawaiLike(stack, profiles);
  const assembly = app.synth();
  const text = fs.readFileSync(
    path.join(assembly.directory, parts.application.localTwinFiles.composeFile),
    'utf8',
  );
  return {
    ...parts,
    template: Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    text,
    compose: parse(text),
  };
}

describe('an optional part the cloud twin leaves out', () => {
  const t = synth([]);

  test('is in the local twin under its compose profile', () => {
    expect(t.compose.services.mongo.profiles).toEqual(['mov']);
    expect(t.compose.services.mov.profiles).toEqual(['mov']);
    expect(t.compose.services.component.profiles).toBeUndefined();
    expect(t.compose.volumes).toEqual({ 'mongo-data': {} });
    expect(composeSchemaErrors(t.text)).toEqual([]);
    expect(t.text).toContain(
      '# Profile mov (mongo, mov): optional, started with `--profile mov` or COMPOSE_PROFILES=mov; not included in the cloud twin.',
    );
  });

  test('is absent from the cloud twin, volume included; only the component runs', () => {
    t.template.resourceCountIs('AWS::ECS::Service', 1);
    t.template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    t.template.resourceCountIs('AWS::EFS::FileSystem', 0);
    expect(t.mov.isDeployed).toBe(false);
    expect(t.data.isDeployed).toBe(false);
    expect(t.component.isDeployed).toBe(true);
  });

  test('the optional dependency is compose `required: false` locally and absent in the cloud', () => {
    expect(t.compose.services.component.depends_on).toEqual({
      mov: { condition: 'service_healthy', restart: true, required: false },
    });
    const resources = t.template.toJSON().Resources as Record<string, any>;
    const [service] = Object.values(t.template.findResources('AWS::ECS::Service'));
    expect(
      [].concat(service.DependsOn ?? []).filter((d) => resources[d].Type === 'AWS::ECS::Service'),
    ).toEqual([]);
  });

  test('the L2 properties of a part left out throw, naming the profile', () => {
    expectValidationError(
      () => t.mov.fargateService,
      'app/mov: profile "mov" is not included in the cloud twin of application \'app\'',
    );
    expectValidationError(() => t.data.fileSystem, 'app/mongo-data: profile "mov" is not included');
  });
});

describe('an optional part the cloud twin includes', () => {
  const t = synth(['mov']);

  test('runs in the cloud, and its dependents wait for it there', () => {
    t.template.resourceCountIs('AWS::ECS::Service', 3);
    t.template.resourceCountIs('AWS::EFS::FileSystem', 1);
    const services = t.template.toJSON().Resources as Record<string, any>;
    const id = (svc: Service) => Stack.of(svc).getLogicalId(svc.fargateService.node.defaultChild as any);
    const after = (svc: Service) =>
      [].concat(services[id(svc)].DependsOn ?? []).filter((d) => services[d].Type === 'AWS::ECS::Service');
    expect(after(t.component)).toEqual([id(t.mov)]);
    expect(after(t.mov)).toEqual([id(t.mongo)]);
  });

  test('is still a compose profile locally', () => {
    expect(t.compose.services.mov.profiles).toEqual(['mov']);
    expect(t.text).toContain(
      'started with `--profile mov` or COMPOSE_PROFILES=mov; included in the cloud twin.',
    );
  });
});

describe('rules of optional parts', () => {
  test('a required dependency on an optional part is a ValidationError', () => {
    const application = new Application(testStack(), 'app');
    const mq = new Service(application, 'mq', { image: IMAGE, profile: 'mov', healthCheck: CHECK });
    expectValidationError(
      () => new Service(application, 'component', { image: IMAGE, dependsOn: [Dependency.healthy(mq)] }),
      "app/component: dependsOn[0] \"mq\" is an optional part (profile 'mov') that application 'app' does not include in the cloud, but this workload requires it; declare the dependency optional",
    );
  });

  test('even when the stage includes it, since compose starts the dependent without the profile', () => {
    const application = new Application(testStack(), 'app', { profiles: ['mov'] });
    const mq = new Service(application, 'mq', { image: IMAGE, profile: 'mov', healthCheck: CHECK });
    expectValidationError(
      () => new Service(application, 'component', { image: IMAGE, dependsOn: [Dependency.healthy(mq)] }),
      "is an optional part (profile 'mov'), but this workload requires it",
    );
    // Within the part, dependencies may be required.
    expect(
      () =>
        new Service(application, 'ui', { image: IMAGE, profile: 'mov', dependsOn: [Dependency.healthy(mq)] }),
    ).not.toThrow();
  });

  test('a stage may only enable profiles that workloads declare', () => {
    const application = new Application(testStack(), 'app', { profiles: ['mvo'] });
    new Service(application, 'mq', { image: IMAGE, profile: 'mov' });
    expect(application.validate().errors).toEqual([
      expect.objectContaining({
        prop: 'profiles',
        value: '"mvo"',
        message: 'is not the profile of any workload; the profiles are mov',
      }),
    ]);
  });

  test('profile names are checked; "jobs" is reserved for scheduled jobs', () => {
    const application = new Application(testStack(), 'app');
    expectValidationError(
      () => new Service(application, 'a', { image: IMAGE, profile: 'Mov' }),
      'profile "Mov" is not a valid profile name',
    );
    expectValidationError(
      () => new Service(application, 'b', { image: IMAGE, profile: 'jobs' }),
      'profile "jobs" is reserved',
    );
  });

  test('a volume of a part is mounted only by workloads of that part', () => {
    const application = new Application(testStack(), 'app', { profiles: ['mov'] });
    const data = new Volume(application, 'data', { profile: 'mov' });
    expectValidationError(
      () => new Service(application, 'other', { image: IMAGE, mounts: [{ volume: data, path: '/data' }] }),
      'mounts[0].volume "data" belongs to profile \'mov\'; only workloads of that profile may mount it',
    );
  });

  test('a load balancer cannot route to a part the cloud twin leaves out', () => {
    const application = new Application(testStack(), 'app');
    const ui = new Service(application, 'ui', {
      image: IMAGE,
      profile: 'mov',
      ports: [{ containerPort: 80 }],
      healthCheck: HealthCheck.http({ port: 80 }),
    });
    const web = new LoadBalancer(application, 'web');
    expectValidationError(
      () => web.addRoute('ui', { service: ui }),
      "belongs to profile 'mov', which the cloud twin of this stage does not include",
    );
  });
});
