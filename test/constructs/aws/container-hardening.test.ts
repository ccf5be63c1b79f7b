/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  Application,
  Dependency,
  Image,
  Job,
  JobRun,
  Service,
  ValidationError,
  Volume,
} from '../../../constructs';
import { validateModel } from '../../../constructs/model/validate';
import { expectValidationError, thrownBy } from '../../support/errors';
import { CDK_CONTEXT, testStack } from '../../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const ECS_RULES = [
  'ecs_task_definition_nonroot_user_check',
  'ecs_containers_readonly_access_check',
  'ecs_task_definition_memory_hard_limit_check',
];

/** The containers of every task definition of `stack`. */
function containers(stack: Stack): any[] {
  const tasks = Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition');
  return Object.values(tasks).flatMap((t: any) => t.Properties.ContainerDefinitions);
}

function container(stack: Stack, name: string): any {
  return containers(stack).find((c) => c.Name === name);
}

/** The Control Tower ECS findings left open after the acknowledgements, as `rule: resource`. */
function ecsFindings(build: (stack: Stack) => void): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-'));
  const app = new App({ context: CDK_CONTEXT, outdir });
  build(new Stack(app, 'Test'));
  Validations.of(app).addPlugins(new CfnGuardValidator());
  try {
    app.synth();
  } catch {
    // the report says why
  }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  fs.rmSync(outdir, { recursive: true, force: true });
  return report.pluginReports
    .filter((p: { pluginName: string }) => p.pluginName === 'cdk-validator-cfnguard')
    .flatMap((p: { violations: any[] }) =>
      p.violations.flatMap((v) =>
        (v.violatingConstructs ?? v.violatingResources ?? []).map(
          (r: any) => `${v.ruleName}: ${r.constructPath ?? r.resourceLogicalId}`,
        ),
      ),
    )
    .filter((f: string) => ECS_RULES.some((r) => f.startsWith(r)));
}

/** Every acknowledgement recorded on `construct`, rule id to reason. */
function acknowledgements(construct: { node: { metadata: { type: string; data: any }[] } }) {
  return Object.assign(
    {},
    ...construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((m) => m.data),
  ) as Record<string, string>;
}

describe('a workload container in the cloud twin is hardened by default', () => {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  const api = new Service(application, 'api', {
    image: IMAGE,
    user: '1000:1000',
    writablePaths: ['/tmp', '/var/cache/app'],
    memoryMiB: 1024,
  });
  const seed = new Job(application, 'seed', { image: IMAGE, user: 'app', memoryMiB: 512 });
  const worker = new Service(application, 'worker', {
    image: IMAGE,
    cpu: 512,
    memoryMiB: 2048,
    dependsOn: [Dependency.completedSuccessfully(seed)],
  });
  new Job(application, 'nightly', {
    image: IMAGE,
    user: 'app',
    writablePaths: ['/tmp'],
    runs: JobRun.oncePerDeployment(),
  });
  Template.fromStack(stack);

  test('a read-only root filesystem, the declared user and a hard limit of the declared memory', () => {
    expect(container(stack, 'api')).toMatchObject({
      ReadonlyRootFilesystem: true,
      User: '1000:1000',
      Memory: 1024,
    });
    // The writable-path preparer reserves 16 MiB of the task.
    expect(container(stack, 'api').MemoryReservation).toBe(1024 - 16);
    expect(container(stack, 'nightly')).toMatchObject({ ReadonlyRootFilesystem: true, Memory: 512 });
  });

  test('each writable path is a task storage volume of its own, mounted read-write', () => {
    const [task] = Object.values(
      Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition', {
        Properties: { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'api' })]) },
      }),
    ) as any[];
    expect(task.Properties.Volumes).toEqual([{ Name: 'api-writable-0' }, { Name: 'api-writable-1' }]);
    expect(container(stack, 'api').MountPoints).toEqual([
      { SourceVolume: 'api-writable-0', ContainerPath: '/tmp', ReadOnly: false },
      { SourceVolume: 'api-writable-1', ContainerPath: '/var/cache/app', ReadOnly: false },
    ]);
  });

  test('a root helper opens them to every user (mode 1777, as the local tmpfs) before the workload starts', () => {
    expect(container(stack, 'api-writable')).toMatchObject({
      Essential: false,
      User: '0',
      ReadonlyRootFilesystem: true,
      Memory: 32,
      MemoryReservation: 16,
      EntryPoint: ['sh', '-c'],
      Command: ['chmod 1777 /twinstack-writable/0 && chmod 1777 /twinstack-writable/1'],
      MountPoints: [
        { SourceVolume: 'api-writable-0', ContainerPath: '/twinstack-writable/0', ReadOnly: false },
        { SourceVolume: 'api-writable-1', ContainerPath: '/twinstack-writable/1', ReadOnly: false },
      ],
    });
    expect(container(stack, 'api').DependsOn).toEqual([
      { ContainerName: 'api-writable', Condition: 'SUCCESS' },
    ]);
    expect(
      acknowledgements(api.taskDefinition)['cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check'],
    ).toContain('The writable-path preparer api-writable runs as root');
  });

  test("a job in its dependents' tasks keeps its own limit; the service reserves what the job leaves", () => {
    const tasks = Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition', {
      Properties: { ContainerDefinitions: [{ Name: 'worker' }, { Name: 'seed' }] },
    });
    const [task] = Object.values(tasks) as any[];
    const byName = new Map(task.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]));
    expect(byName.get('seed')).toMatchObject({ Memory: 512, User: 'app', ReadonlyRootFilesystem: true });
    expect(byName.get('worker')).toMatchObject({ Memory: 2048, MemoryReservation: 1536 });
  });

  test('no `user`: CT.ECS.PR.3 is acknowledged on the task definition, naming the workload and the prop', () => {
    expect(acknowledgements(worker.taskDefinition)).toEqual({
      'cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check': expect.stringContaining(
        `Workload ${worker.node.path} gives no \`user\``,
      ),
      'Annotation::AwsSolutions-ECS2': expect.any(String),
      'Annotation::NIST.800.53.R5-IAMNoInlinePolicy': expect.any(String),
    });
    expect(
      acknowledgements(api.taskDefinition)['cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check'],
    ).not.toContain('gives no `user`');
  });
});

describe('Control Tower ECS controls', () => {
  test('a workload with a user and the defaults leaves no ECS finding, with no acknowledgement', () => {
    expect(
      ecsFindings((stack) => {
        const application = new Application(stack, 'shop');
        new Service(application, 'api', { image: IMAGE, user: '1000' });
        new Job(application, 'migrate', { image: IMAGE, user: '1000', runs: JobRun.oncePerDeployment() });
      }),
    ).toEqual([]);
  });

  test('opt-outs are acknowledged, with the reason given; without them the controls would find them', () => {
    const optedOut = (stack: Stack) => {
      const application = new Application(stack, 'shop');
      new Service(application, 'legacy', {
        image: IMAGE,
        user: 'root',
        allowRootUser: true,
        readOnlyRootFilesystem: false,
        hardeningReason: 'The vendor image rewrites its own configuration at start.',
      });
      new Service(application, 'anonymous', { image: IMAGE });
    };
    expect(ecsFindings(optedOut)).toEqual([]);
    const stack = testStack();
    optedOut(stack);
    const legacy = stack.node.findAll().find((c) => c.node.path.endsWith('legacy/TaskDefinition'))!;
    Template.fromStack(stack);
    const acks = acknowledgements(legacy as any);
    expect(acks['cdk-validator-cfnguard::ecs_containers_readonly_access_check']).toBe(
      `Workload ${legacy.node.scope!.node.path} chose readOnlyRootFilesystem: false: The vendor image rewrites its own configuration at start.`,
    );
    expect(acks['cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check']).toContain(
      'runs as root (allowRootUser: true): The vendor image',
    );
  });

  test('the same container settings outside twinstack are findings of all three controls', () => {
    // The controls really check what the defaults set: a plain task definition is flagged.
    const findings = ecsFindings((stack) => {
      const task = new ecs.FargateTaskDefinition(stack, 'Plain');
      task.addContainer('plain', { image: ecs.ContainerImage.fromRegistry('busybox') });
    });
    expect(findings.map((f) => f.split(':')[0]).sort()).toEqual([...ECS_RULES].sort());
  });
});

describe('hardening props are checked when given, and by the whole-model rules', () => {
  const app = () => new Application(testStack(), 'shop');

  test.each([
    ['root', 'root'],
    ['0', '0'],
    ['0:0', '0:0'],
    ['root:staff', 'root:staff'],
  ])('user %s is refused without allowRootUser', (_label, user) => {
    const error = expectValidationError(
      () => new Service(app(), 'api', { image: IMAGE, user }),
      'user',
      JSON.stringify(user),
      'runs the container as root',
      'allowRootUser: true',
    );
    expect(error.path).toBe('Test/shop/api');
  });

  test('a uid that merely starts with 0 is not root', () => {
    expect(thrownBy(() => new Service(app(), 'api', { image: IMAGE, user: '01000' }))).toBeUndefined();
  });

  test('the opt-outs need a reason', () => {
    expectValidationError(
      () => new Service(app(), 'api', { image: IMAGE, readOnlyRootFilesystem: false }),
      'Test/shop/api',
      'hardeningReason',
      'is required with readOnlyRootFilesystem: false',
    );
    expectValidationError(
      () => new Service(app(), 'api', { image: IMAGE, user: 'root', allowRootUser: true }),
      'hardeningReason',
      'is required with allowRootUser: true',
    );
  });

  test.each([
    [['tmp'], 'writablePaths[0]', 'must be an absolute path inside the container'],
    [['/'], 'writablePaths[0]', 'must be an absolute path inside the container'],
    [['/tmp', '/tmp/'], 'writablePaths[1]', 'is already a writable path of this workload (as "/tmp")'],
    [['/data'], 'writablePaths[0]', 'is already where a volume is mounted'],
    [['/etc/app'], 'writablePaths[0]', 'is where a config file is written'],
    [['/tmp/../etc'], 'writablePaths[0]', 'must not contain "." or ".." segments'],
  ])('writablePaths %j: %s %s', (writablePaths, prop, message) => {
    const application = app();
    const data = new Volume(application, 'data');
    expectValidationError(
      () =>
        new Service(application, 'api', {
          image: IMAGE,
          writablePaths,
          mounts: [{ volume: data, path: '/data' }],
          configFiles: [{ path: '/etc/app/app.conf', content: 'x' }],
        }),
      'Test/shop/api',
      prop,
      message,
    );
  });

  test('a volume mounted later at a writable path is refused too', () => {
    const application = app();
    const api = new Service(application, 'api', { image: IMAGE, writablePaths: ['/data'] });
    expectValidationError(
      () => api.addMount({ volume: new Volume(application, 'data'), path: '/data' }),
      'writablePaths[0]',
      'is already where a volume is mounted',
    );
  });

  test('the whole-model rules find the same problems in a model file', () => {
    const application = app();
    new Service(application, 'api', { image: IMAGE, user: '1000' });
    const spec = application.toSpec();
    const broken = {
      ...spec,
      workloads: spec.workloads.map((w) => ({ ...w, user: '0:0', writablePaths: ['/tmp', '/tmp'] })),
    };
    const errors = validateModel(broken).errors;
    expect(errors.map((e) => `${e.prop}: ${e.message.split(';')[0]}`)).toEqual([
      'writablePaths[1]: is already a writable path of this workload',
      'user: runs the container as root',
    ]);
    expect(new ValidationError(errors).message).toContain('Test/shop/api');
  });
});
