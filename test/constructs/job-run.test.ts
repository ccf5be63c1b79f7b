import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { parse } from 'yaml';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  Job,
  JobRun,
  JobSchedule,
  Service,
  Volume,
} from '../../constructs';
import { JOB_RUN_HANDLER_CODE } from '../../constructs/aws/job-runner';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

const logicalId = (c: { node: { defaultChild?: unknown } }) => {
  const child = c.node.defaultChild as CfnElement;
  return Stack.of(child).getLogicalId(child);
};

// One application with a migration run once per deployment, a service that waits for it, and a nightly job.
const app = testApp();
const stack = new Stack(app, 'Shop');
const shop = new Application(stack, 'shop');
const uploads = new Volume(shop, 'uploads');
const prepare = new Job(shop, 'prepare', { image: IMAGE, command: ['true'] });
const api = new Service(shop, 'api', {
  image: IMAGE,
  ports: [{ containerPort: 8080 }],
  healthCheck: HealthCheck.tcp({ port: 8080 }),
});
const migrate = new Job(shop, 'migrate', {
  image: IMAGE,
  command: ['migrate'],
  cpu: 512,
  memoryMiB: 1024,
  mounts: [{ volume: uploads, path: '/srv/uploads' }],
  dependsOn: [Dependency.completedSuccessfully(prepare), Dependency.healthy(api)],
  runs: JobRun.oncePerDeployment({ timeout: Duration.minutes(10), trigger: 'release-7' }),
});
const worker = new Service(shop, 'worker', {
  image: IMAGE,
  dependsOn: [Dependency.completedSuccessfully(migrate)],
});
const nightly = new Job(shop, 'nightly', {
  image: IMAGE,
  command: ['report'],
  dependsOn: [Dependency.started(api)],
  runs: JobRun.onSchedule(JobSchedule.cron('0 3 * * ? *', { timeZone: 'Europe/Madrid' })),
});
const assembly = app.synth();
const template = Template.fromJSON(assembly.getStackByName('Shop').template);
const resources = template.toJSON().Resources as Record<string, any>;
const composeText = fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8');
const compose = parse(composeText);

describe('a job run once per deployment', () => {
  const run = resources[logicalId(migrate.deploymentRun!)];

  test('is a custom resource that runs the job’s own task in the application’s cluster', () => {
    expect(run.Type).toBe('Custom::TwinstackJobRun');
    expect(run.Properties).toMatchObject({
      Cluster: { 'Fn::GetAtt': [logicalId(shop.cluster), 'Arn'] },
      TaskDefinition: { Ref: logicalId(migrate.task!.taskDefinition) },
      Container: 'migrate',
      SecurityGroups: [{ 'Fn::GetAtt': [logicalId(migrate.task!.securityGroup), 'GroupId'] }],
      TimeoutSeconds: '600',
      Trigger: 'release-7',
      ServiceTimeout: '900',
    });
    expect(run.Properties.Subnets).toHaveLength(2);
    const task = resources[logicalId(migrate.task!.taskDefinition)].Properties;
    expect(task).toMatchObject({ Cpu: '512', Memory: '1024' });
    // Its own container is essential; the job it waits for runs first, inside the same task.
    expect(task.ContainerDefinitions.map((c: any) => [c.Name, c.Essential])).toEqual([
      ['migrate', true],
      ['prepare', false],
    ]);
    expect(task.ContainerDefinitions[0].DependsOn).toEqual([
      { ContainerName: 'prepare', Condition: 'SUCCESS' },
    ]);
    expect(task.Volumes).toEqual([expect.objectContaining({ Name: 'uploads' })]);
  });

  test('starts after what it waits for and before what waits for it', () => {
    expect(run.DependsOn).toEqual(expect.arrayContaining([logicalId(api.fargateService)]));
    expect(resources[logicalId(worker.fargateService)].DependsOn).toEqual(
      expect.arrayContaining([logicalId(migrate.deploymentRun!)]),
    );
    // The API's tasks accept the job's connections; the file system its mounts.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(migrate.task!.securityGroup), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(migrate.task!.securityGroup), 'GroupId'] },
    });
  });

  test('the runner may start only the job’s task, in the application’s cluster', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ecs:RunTask',
            Resource: { Ref: logicalId(migrate.task!.taskDefinition) },
            Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalId(shop.cluster), 'Arn'] } } },
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onEvent',
      Runtime: 'nodejs24.x',
      Code: { ZipFile: JOB_RUN_HANDLER_CODE },
    });
  });

  test('locally it is a compose service that runs on every up, and its dependents wait for it', () => {
    expect(compose.services.migrate.restart).toBe('no');
    expect(compose.services.migrate.profiles).toBeUndefined();
    expect(compose.services.worker.depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(composeText).toContain(
      '# migrate: runs once per deployment in the cloud; locally on every `docker compose up`.',
    );
  });
});

describe('a scheduled job', () => {
  test('is an EventBridge Scheduler schedule that runs its own task', () => {
    const schedule = resources[logicalId(nightly.schedule!)];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Madrid',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(shop.cluster), 'Arn'] },
        EcsParameters: {
          TaskDefinitionArn: { Ref: logicalId(nightly.task!.taskDefinition) },
          LaunchType: 'FARGATE',
          NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
        },
      },
    });
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([logicalId(api.fargateService)]));
  });

  test('locally it belongs to the profile `jobs` and runs with docker compose run', () => {
    expect(compose.services.nightly.profiles).toEqual(['jobs']);
    expect(compose.services.nightly.restart).toBe('no');
    expect(composeText).toContain(
      '# nightly: runs on cron(0 3 * * ? *) (Europe/Madrid) in the cloud; locally on demand: `docker compose run --rm nightly`.',
    );
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });
});

describe('the application', () => {
  test('passes cdk-nag AwsSolutions with its acknowledged findings, and has no open warning', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('passes cdk-nag NIST 800-53 R5: the runner, the schedule role and the job tasks are acknowledged', () => {
    expect(new NIST80053R5Checks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('rules', () => {
  test('nothing can wait for a scheduled job', () => {
    const application = new Application(testStack(), 'app');
    const report = new Job(application, 'report', {
      image: IMAGE,
      runs: JobRun.onSchedule(JobSchedule.rate(Duration.hours(1))),
    });
    expectValidationError(
      () =>
        new Service(application, 'api', {
          image: IMAGE,
          dependsOn: [Dependency.completedSuccessfully(report)],
        }),
      'app/api: dependsOn[0] "report" runs on a schedule; nothing can wait for it to complete',
    );
  });

  test('an invalid cron expression is a ValidationError naming the job', () => {
    const application = new Application(testStack(), 'app');
    expectValidationError(
      () =>
        new Job(application, 'report', {
          image: IMAGE,
          runs: JobRun.onSchedule(JobSchedule.cron('0 3 * * *')),
        }),
      'app/report: runs.schedule "0 3 * * *" is not a valid cron expression: it has 5 fields, not 6',
    );
    expectValidationError(
      () => new Job(application, 'other', { image: IMAGE, runs: 'nightly' as never }),
      'runs "nightly" must be a JobRun',
    );
  });

  test('a deployment-time job of a part the stage leaves out has no run, and optional dependents do not wait', () => {
    const stack2 = testStack();
    const application = new Application(stack2, 'app');
    const seed = new Job(application, 'seed', {
      image: IMAGE,
      profile: 'demo',
      runs: JobRun.oncePerDeployment(),
    });
    const site = new Service(application, 'site', {
      image: IMAGE,
      dependsOn: [Dependency.completedSuccessfully(seed, { optional: true })],
    });
    expect(seed.deploymentRun).toBeUndefined();
    expect(seed.task).toBeUndefined();
    const t = Template.fromStack(stack2);
    t.resourceCountIs('Custom::TwinstackJobRun', 0);
    t.resourceCountIs('AWS::Lambda::Function', 1); // only aws-cdk-lib's default security group restriction
    expect(site.isDeployed).toBe(true);
  });
});

describe('the runner’s handlers', () => {
  const ecs = mockClient(ECSClient);
  const cfn = mockClient(CloudFormationClient);
  const handlers: { onEvent: (e: any) => Promise<any>; isComplete: (e: any) => Promise<any> } = {} as any;
  new Function('require', 'exports', JOB_RUN_HANDLER_CODE)(require, handlers);
  const properties = {
    Cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/shop',
    TaskDefinition: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/migrate:3',
    Container: 'migrate',
    Subnets: ['subnet-1', 'subnet-2'],
    SecurityGroups: ['sg-1'],
    TimeoutSeconds: '600',
    LogGroup: 'shop-migrate-logs',
  };
  const task = 'arn:aws:ecs:eu-west-1:111111111111:task/shop/abc';
  const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  afterAll(() => spy.mockRestore());
  beforeEach(() => {
    ecs.reset();
    cfn.reset();
  });

  test('create: runs the task on Fargate in the private subnets and returns its ARN', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: task }] });
    const out = await handlers.onEvent({ RequestType: 'Create', ResourceProperties: properties });
    expect(out).toEqual({ PhysicalResourceId: task, Data: { TaskArn: task } });
    expect(ecs.commandCalls(RunTaskCommand)[0].args[0].input).toMatchObject({
      cluster: properties.Cluster,
      taskDefinition: properties.TaskDefinition,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-1', 'subnet-2'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
    });
  });

  test('a task that cannot start fails the deployment with ECS’s reasons', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });
    await expect(handlers.onEvent({ RequestType: 'Create', ResourceProperties: properties })).rejects.toThrow(
      'job migrate could not start: [{"reason":"RESOURCE:ENI"}]',
    );
  });

  test('waits while the task runs, succeeds on exit code 0, fails the deployment otherwise', async () => {
    const event = { RequestType: 'Create', ResourceProperties: properties, PhysicalResourceId: task };
    const now = new Date();
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ lastStatus: 'RUNNING', createdAt: now }] });
    expect(await handlers.isComplete(event)).toEqual({ IsComplete: false });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{ lastStatus: 'STOPPED', containers: [{ name: 'migrate', exitCode: 0 }] }],
    });
    expect(await handlers.isComplete(event)).toMatchObject({ IsComplete: true, Data: { ExitCode: '0' } });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          lastStatus: 'STOPPED',
          containers: [{ name: 'migrate', exitCode: 3, reason: 'Essential container exited' }],
        },
      ],
    });
    await expect(handlers.isComplete(event)).rejects.toThrow(
      `job migrate failed (exit code 3: Essential container exited); task ${task}, logs in shop-migrate-logs`,
    );
  });

  test('a task still running after the timeout is stopped and fails the deployment', async () => {
    const event = { RequestType: 'Create', ResourceProperties: properties, PhysicalResourceId: task };
    ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ lastStatus: 'RUNNING', createdAt: new Date(Date.now() - 601000) }] });
    ecs.on(StopTaskCommand).resolves({});
    await expect(handlers.isComplete(event)).rejects.toThrow('job migrate did not finish within 600 s');
    expect(ecs.commandCalls(StopTaskCommand)[0].args[0].input).toMatchObject({ task });
  });

  test('an update runs the job again, except while CloudFormation rolls back', async () => {
    const event = {
      RequestType: 'Update',
      StackId: 'arn:stack',
      ResourceProperties: properties,
      PhysicalResourceId: task,
    };
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackStatus: 'UPDATE_IN_PROGRESS' } as any] });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: `${task}2` }] });
    expect((await handlers.onEvent(event)).PhysicalResourceId).toBe(`${task}2`);
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' } as any] });
    const skipped = await handlers.onEvent(event);
    expect(skipped).toEqual({ PhysicalResourceId: task, Data: { Skipped: 'rollback' } });
    expect(await handlers.isComplete({ ...event, Data: skipped.Data })).toEqual({ IsComplete: true });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
  });

  test('delete leaves the job alone', async () => {
    expect(
      await handlers.onEvent({
        RequestType: 'Delete',
        PhysicalResourceId: task,
        ResourceProperties: properties,
      }),
    ).toEqual({
      PhysicalResourceId: task,
    });
    expect(
      await handlers.isComplete({
        RequestType: 'Delete',
        PhysicalResourceId: task,
        ResourceProperties: properties,
      }),
    ).toEqual({
      IsComplete: true,
    });
    expect(ecs.calls()).toHaveLength(0);
  });
});
