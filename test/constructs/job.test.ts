import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Application, Dependency, HealthCheck, Image, Job, Secret, Service, Volume } from '../../constructs';
import { testStack } from '../support/test-app';
import { expectValidationError, kindOf, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const TOOLS = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

type Container = Record<string, unknown> & { Name: string };
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function resource(template: Template, element: { node: { defaultChild?: unknown } }): Resource {
  return template.toJSON().Resources[logicalId(element)];
}

/** The container definitions of `service`'s task definition, by name. */
function containersOf(template: Template, service: Service): Record<string, Container> {
  const definitions = resource(template, service.taskDefinition).Properties
    .ContainerDefinitions as Container[];
  return Object.fromEntries(definitions.map((c) => [c.Name, c]));
}

/** Names of every container of every task definition in the template. */
function allContainerNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition')).flatMap((td) =>
    (td.Properties.ContainerDefinitions as Container[]).map((c) => c.Name),
  );
}

/**
 * Builds and synthesizes; returns 'fits' when every task definition can hold its containers (container cpu
 * and memory add up to at most the task's), twinstack's ValidationError kind when it was rejected, and a
 * description of anything else.
 */
function buildOutcome(build: () => Stack): string {
  let template: Template;
  try {
    template = Template.fromStack(build());
  } catch (e) {
    return kindOf(e);
  }
  for (const [id, td] of Object.entries(template.findResources('AWS::ECS::TaskDefinition'))) {
    const containers = td.Properties.ContainerDefinitions as { Cpu?: number; Memory?: number }[];
    const cpu = containers.reduce((sum, c) => sum + (c.Cpu ?? 0), 0);
    const memory = containers.reduce((sum, c) => sum + (c.Memory ?? 0), 0);
    if (cpu > Number(td.Properties.Cpu) || memory > Number(td.Properties.Memory)) {
      return `synthesized ${id} (cpu ${td.Properties.Cpu}, memory ${td.Properties.Memory}) whose containers ask for cpu ${cpu}, memory ${memory}`;
    }
  }
  return 'fits';
}

describe('Job hosted by a dependent service', () => {
  let stack: Stack;
  let migrate: Job;
  let api: Service;
  let template: Template;
  let containers: Record<string, Container>;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    const data = new Volume(application, 'data');
    migrate = new Job(application, 'migrate', {
      image: TOOLS,
      command: ['/app/migrate', '--up'],
      environment: { MIGRATIONS: '/app/migrations' },
      secrets: { DB_PASSWORD: db.field('password') },
      mounts: [{ volume: data, path: '/var/lib/data' }],
    });
    api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      ports: [{ containerPort: 8080 }],
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    migrate.addEnvironment('LATE', 'added after the service');
    template = Template.fromStack(stack);
    containers = containersOf(template, api);
  });

  test("the service's task definition holds the service and the job containers", () => {
    expect(Object.keys(containers).sort()).toEqual(['api', 'migrate']);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
  });

  test('the job container is not essential and has its own cpu and memory', () => {
    expect(containers.migrate).toMatchObject({
      Essential: false,
      Image: 'public.ecr.aws/docker/library/busybox:1.37',
      Command: ['/app/migrate', '--up'],
      Cpu: 256,
      Memory: 512,
    });
    expect(containers.api.Essential).toBe(true);
  });

  test('the service container waits for the job to exit successfully', () => {
    expect(containers.api.DependsOn).toEqual([{ ContainerName: 'migrate', Condition: 'SUCCESS' }]);
    expect(containers.migrate.DependsOn).toBeUndefined();
  });

  test("the job's environment is in its container, including variables added later", () => {
    expect(containers.migrate.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'MIGRATIONS', Value: '/app/migrations' },
        { Name: 'LATE', Value: 'added after the service' },
      ]),
    );
    expect(containers.api.Environment).toBeUndefined();
  });

  test("the job's secrets are ECS secrets of its container, readable by the host's execution role", () => {
    const secrets = containers.migrate.Secrets as { Name: string; ValueFrom: unknown }[];
    expect(secrets).toHaveLength(1);
    expect(secrets[0].Name).toBe('DB_PASSWORD');
    expect(JSON.stringify(secrets[0].ValueFrom)).toMatch(/:secret:prod\/db:password::"/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^shopapiTaskDefinitionExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']) }),
        ]),
      },
    });
  });

  test("the job's mounts are mount points of its container on a volume of the host task", () => {
    expect(containers.migrate.MountPoints).toEqual([
      { ContainerPath: '/var/lib/data', ReadOnly: false, SourceVolume: 'data' },
    ]);
    expect(containers.api.MountPoints).toBeUndefined();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [Match.objectLike({ Name: 'data', EFSVolumeConfiguration: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 2049, ToPort: 2049 });
  });

  test('the job logs to its own log group', () => {
    expect(containers.migrate.LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: logicalId(migrate.logGroup) }, 'awslogs-stream-prefix': 'migrate' },
    });
  });

  test('the job reports its container per host', () => {
    expect([...migrate.containers.keys()]).toEqual([api]);
    expect(migrate.containers.get(api)?.containerName).toBe('migrate');
  });

  test('a job with dependents yields no job-without-dependents warning', () => {
    Annotations.fromStack(stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('twinstack:job-without-dependents'),
    );
  });
});

describe('Jobs depending on jobs', () => {
  test('both jobs run in the host task, chained by SUCCESS dependencies', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const build = new Job(application, 'build', { image: TOOLS });
    const migrate = new Job(application, 'migrate', {
      image: TOOLS,
      dependsOn: [Dependency.completedSuccessfully(build)],
    });
    const api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    const containers = containersOf(Template.fromStack(stack), api);
    expect(Object.keys(containers).sort()).toEqual(['api', 'build', 'migrate']);
    expect(containers.api.DependsOn).toEqual([{ ContainerName: 'migrate', Condition: 'SUCCESS' }]);
    expect(containers.migrate.DependsOn).toEqual([{ ContainerName: 'build', Condition: 'SUCCESS' }]);
    expect(containers.build.DependsOn).toBeUndefined();
    expect(containers.build.Essential).toBe(false);
    expect(containers.migrate.Essential).toBe(false);
  });

  test('a job dependency added after the job was attached is attached too', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const build = new Job(application, 'build', { image: TOOLS });
    const migrate = new Job(application, 'migrate', { image: TOOLS });
    const api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    migrate.addDependency(Dependency.started(build));
    const containers = containersOf(Template.fromStack(stack), api);
    expect(Object.keys(containers).sort()).toEqual(['api', 'build', 'migrate']);
    expect(containers.migrate.DependsOn).toEqual([{ ContainerName: 'build', Condition: 'START' }]);
  });

  test('a job that waits for a service makes the host service wait for it too', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const db = new Service(application, 'db', {
      image: IMAGE,
      ports: [{ containerPort: 5432 }],
      healthCheck: HealthCheck.command(['pg_isready']),
    });
    const migrate = new Job(application, 'migrate', { image: TOOLS, dependsOn: [Dependency.healthy(db)] });
    const api = new Service(application, 'api', {
      image: IMAGE,
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    const template = Template.fromStack(stack);
    expect(resource(template, api.fargateService).DependsOn).toContain(logicalId(db.fargateService));
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      GroupId: { 'Fn::GetAtt': [logicalId(db.fargateService.connections.securityGroups[0]), 'GroupId'] },
      SourceSecurityGroupId: {
        'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'],
      },
    });
  });
});

describe('Jobs and their hosts', () => {
  test('a job with no dependents creates no container and is a twinstack:job-without-dependents warning', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const seed = new Job(application, 'seed', { image: TOOLS });
    new Service(application, 'api', { image: IMAGE });
    const template = Template.fromStack(stack);
    expect(allContainerNames(template)).toEqual(['api']);
    expect(seed.containers.size).toBe(0);
    Annotations.fromStack(stack).hasWarning(
      '/Test/shop/seed',
      Match.stringLikeRegexp("job 'seed'.*twinstack:job-without-dependents"),
    );
  });

  test('a job two services depend on runs in both task definitions', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const migrate = new Job(application, 'migrate', { image: TOOLS });
    const api = new Service(application, 'api', {
      image: IMAGE,
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    const worker = new Service(application, 'worker', { image: IMAGE });
    worker.addDependency(Dependency.completedSuccessfully(migrate));
    const template = Template.fromStack(stack);
    for (const host of [api, worker]) {
      const containers = containersOf(template, host);
      expect(Object.keys(containers).sort()).toEqual([host.name, 'migrate'].sort());
      expect(containers.migrate.Essential).toBe(false);
      expect(containers[host.name].DependsOn).toEqual([{ ContainerName: 'migrate', Condition: 'SUCCESS' }]);
    }
    expect(migrate.containers.size).toBe(2);
    expect(allContainerNames(template).filter((n) => n === 'migrate')).toHaveLength(2);
  });

  test('a service waiting for a job with a condition other than completed-successfully fails synthesis', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const migrate = new Job(application, 'migrate', { image: TOOLS });
    new Service(application, 'api', { image: IMAGE, dependsOn: [Dependency.started(migrate)] });
    expectValidationError(
      () => Template.fromStack(stack),
      'Test/shop/api',
      'dependsOn[0]',
      'completed-successfully',
    );
  });

  test('a job with more memory than its host service is rejected with a ValidationError', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const migrate = new Job(application, 'migrate', { image: TOOLS, memoryMiB: 2048 });
    expectValidationError(
      () =>
        new Service(application, 'api', {
          image: IMAGE,
          dependsOn: [Dependency.completedSuccessfully(migrate)],
        }),
      'Test/shop/api',
      'migrate',
      'memoryMiB 2048',
      'memoryMiB 512',
    );
  });

  test('a job with more cpu than its host service is rejected with a twinstack ValidationError', () => {
    // Built and synthesized in one step: whether the check runs at construction or at synthesis, it must be
    // twinstack's error naming the service and the job, not aws-cdk-lib's "sum of all container cpu values".
    expectValidationError(() => {
      const stack = testStack();
      const application = new Application(stack, 'shop');
      const migrate = new Job(application, 'migrate', { image: TOOLS, cpu: 512, memoryMiB: 1024 });
      new Service(application, 'api', {
        image: IMAGE,
        dependsOn: [Dependency.completedSuccessfully(migrate)],
      });
      Template.fromStack(stack);
    }, 'migrate');
  });

  test('jobs whose sizes add up to more than the host task are rejected by twinstack or made to fit', () => {
    // Two 256-cpu / 512-MiB jobs in a 256-cpu / 512-MiB service: each fits, together they do not.
    const outcome = buildOutcome(() => {
      const stack = testStack();
      const application = new Application(stack, 'shop');
      const build = new Job(application, 'build', { image: TOOLS });
      const migrate = new Job(application, 'migrate', {
        image: TOOLS,
        dependsOn: [Dependency.completedSuccessfully(build)],
      });
      new Service(application, 'api', {
        image: IMAGE,
        dependsOn: [Dependency.completedSuccessfully(migrate)],
      });
      return stack;
    });
    expect(['fits', 'twinstack ValidationError']).toContain(outcome);
  });

  test('a job hosted through another job is held to the host service size too', () => {
    // build (4096 MiB) runs in api's 2048-MiB tasks because migrate, which api waits for, waits for it.
    const outcome = buildOutcome(() => {
      const stack = testStack();
      const application = new Application(stack, 'shop');
      const build = new Job(application, 'build', { image: TOOLS, cpu: 512, memoryMiB: 4096 });
      const migrate = new Job(application, 'migrate', {
        image: TOOLS,
        dependsOn: [Dependency.completedSuccessfully(build)],
      });
      new Service(application, 'api', {
        image: IMAGE,
        cpu: 1024,
        memoryMiB: 2048,
        dependsOn: [Dependency.completedSuccessfully(migrate)],
      });
      return stack;
    });
    expect(['fits', 'twinstack ValidationError']).toContain(outcome);
  });

  test('a job created outside an application is a ValidationError', () => {
    const stack = testStack();
    expectValidationError(() => new Job(stack, 'migrate', { image: TOOLS }), 'Test/migrate');
  });

  test('a job and a service cannot share a name', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    new Service(application, 'migrate', { image: IMAGE });
    expectValidationError(
      () => new Job(application, 'migrate-job', { name: 'migrate', image: TOOLS }),
      'Test/shop/migrate-job',
      '"migrate"',
    );
  });
});
