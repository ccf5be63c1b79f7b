import { CfnElement, CustomResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { acknowledgeDeploymentFunctionFindings, CONTROL_TOWER } from './nag-findings';
import { ApplicationLogSettings, applicationLogGroup } from './log-groups';

const UNTRACED_WAITER =
  'The provider framework state machine only polls the job runner, whose wait it logs; a job is traced ' +
  "through its task's logs. aws-cdk-lib's provider framework offers no X-Ray tracing for it.";

/** CloudFormation type of the resource that runs a job during a deployment. */
export const JOB_RUN_RESOURCE_TYPE = 'Custom::TwinstackJobRun';

/**
 * The handlers, AWS SDK v3 as bundled in the Node.js runtime, no dependencies. `onEvent` starts the task
 * (and skips it while CloudFormation rolls back, so a rollback never re-runs an old job); `isComplete` is
 * polled by the provider framework until the task stopped, and fails the deployment unless the job's
 * container exited 0 within the timeout.
 */
export const JOB_RUN_HANDLER_CODE = `const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require('@aws-sdk/client-ecs');
const { CloudFormationClient, DescribeStacksCommand } = require('@aws-sdk/client-cloudformation');
const ecs = new ECSClient({});
const cfn = new CloudFormationClient({});
exports.onEvent = async (event) => {
  const p = event.ResourceProperties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  if (event.RequestType === 'Update') {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: event.StackId }));
    if (/ROLLBACK/.test(Stacks?.[0]?.StackStatus ?? '')) {
      console.log('stack is rolling back: job ' + p.Container + ' not run again');
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Skipped: 'rollback' } };
    }
  }
  const out = await ecs.send(new RunTaskCommand({
    cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: 'FARGATE', count: 1,
    platformVersion: 'LATEST', startedBy: 'twinstack-deployment', propagateTags: 'TASK_DEFINITION',
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: 'DISABLED' } },
  }));
  const task = out.tasks?.[0];
  if (!task) throw new Error('job ' + p.Container + ' could not start: ' + JSON.stringify(out.failures ?? []));
  console.log('job ' + p.Container + ' started as ' + task.taskArn);
  return { PhysicalResourceId: task.taskArn, Data: { TaskArn: task.taskArn } };
};
exports.isComplete = async (event) => {
  const p = event.ResourceProperties;
  if (event.RequestType === 'Delete' || event.Data?.Skipped) return { IsComplete: true };
  const arn = event.PhysicalResourceId;
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [arn] }));
  const task = tasks?.[0];
  if (!task) throw new Error('job ' + p.Container + ': task ' + arn + ' not found');
  if (task.lastStatus !== 'STOPPED') {
    if (Date.now() - new Date(task.createdAt).getTime() > Number(p.TimeoutSeconds) * 1000) {
      await ecs.send(new StopTaskCommand({ cluster: p.Cluster, task: arn, reason: 'twinstack: deployment timeout' }));
      throw new Error('job ' + p.Container + ' did not finish within ' + p.TimeoutSeconds + ' s; task ' + arn + ' stopped');
    }
    return { IsComplete: false };
  }
  const c = (task.containers ?? []).find((x) => x.name === p.Container);
  if (c && c.exitCode === 0) return { IsComplete: true, Data: { TaskArn: arn, ExitCode: '0' } };
  throw new Error('job ' + p.Container + ' failed (exit code ' + (c?.exitCode ?? 'none') + ': ' + (c?.reason ?? task.stoppedReason ?? 'stopped') + '); task ' + arn + ', logs in ' + p.LogGroup);
};
`;

/** What the runner needs of a job's task. */
export interface RunnableJobTask {
  /** Name of the job: its container in the task. */
  readonly name: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly logGroup: logs.ILogGroup;
}

/**
 * Runs jobs during deployments: one custom-resource provider per application (two small Lambda functions
 * and the provider framework's state machine, which polls until the task stopped), shared by every job that
 * runs once per deployment. Each job becomes a `Custom::TwinstackJobRun` resource.
 */
export class JobRunner extends Construct {
  /** The runner of `application`, created on first use. */
  public static of(
    application: IConstruct & {
      readonly cluster: ecs.ICluster;
      readonly vpc: ec2.IVpc;
    } & ApplicationLogSettings,
  ): JobRunner {
    const existing = application.node.tryFindChild('JobRunner');
    return existing instanceof JobRunner ? existing : new JobRunner(application, 'JobRunner', application);
  }

  /** The custom-resource provider. */
  public readonly provider: cr.Provider;
  /** Starts the task. */
  public readonly onEventHandler: lambda.Function;
  /** Waits for the task to stop. */
  public readonly isCompleteHandler: lambda.Function;
  private readonly cluster: ecs.ICluster;
  private readonly subnetIds: string[];

  private constructor(
    scope: Construct,
    id: string,
    application: {
      readonly cluster: ecs.ICluster;
      readonly vpc: ec2.IVpc;
    } & ApplicationLogSettings,
  ) {
    super(scope, id);
    this.cluster = application.cluster;
    this.subnetIds = application.vpc.selectSubnets({
      subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    }).subnetIds;
    const handler = (name: string, entry: string) =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: `index.${entry}`,
        code: lambda.Code.fromInline(JOB_RUN_HANDLER_CODE),
        timeout: Duration.minutes(1),
        memorySize: 256,
        description: `twinstack: ${entry === 'onEvent' ? 'starts' : 'waits for'} the jobs that run once per deployment`,
        logGroup: applicationLogGroup(this, `${name}Logs`, application),
      });
    this.onEventHandler = handler('Start', 'onEvent');
    this.isCompleteHandler = handler('Wait', 'isComplete');
    this.onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:DescribeStacks'],
        resources: [Stack.of(this).stackId],
      }),
    );
    const stack = Stack.of(this);
    // Task ARNs hold the cluster's name. The name of a cluster of another stack is only known at
    // deployment, so its tasks are matched by the cluster condition instead.
    const byCondition = this.clusterTaskPrefix() === undefined;
    const tasks = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: byCondition ? '*' : `${this.cluster.clusterName}/*`,
    });
    this.isCompleteHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [tasks],
        ...(byCondition ? { conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } } } : {}),
      }),
    );
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventHandler,
      isCompleteHandler: this.isCompleteHandler,
      queryInterval: Duration.seconds(15),
      totalTimeout: Duration.hours(1),
      logGroup: applicationLogGroup(this, 'ProviderLogs', application),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: applicationLogGroup(this, 'WaiterLogs', application),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.acknowledgeNagFindings();
  }

  /** A resource that runs `task` once per deployment: on creation and whenever its properties change. */
  public run(
    scope: Construct,
    task: RunnableJobTask,
    timeoutSeconds: number,
    trigger?: string,
  ): CustomResource {
    this.onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [task.taskDefinition.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    this.onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [task.taskDefinition.taskRole.roleArn, task.taskDefinition.obtainExecutionRole().roleArn],
      }),
    );
    return new CustomResource(scope, 'Run', {
      serviceToken: this.provider.serviceToken,
      resourceType: JOB_RUN_RESOURCE_TYPE,
      serviceTimeout: Duration.seconds(Math.min(3600, timeoutSeconds + 300)),
      properties: {
        Cluster: this.cluster.clusterArn,
        TaskDefinition: task.taskDefinition.taskDefinitionArn,
        Container: task.name,
        Subnets: this.subnetIds,
        SecurityGroups: [task.securityGroup.securityGroupId],
        TimeoutSeconds: String(timeoutSeconds),
        LogGroup: task.logGroup.logGroupName,
        ...(trigger !== undefined ? { Trigger: trigger } : {}),
      },
    });
  }

  /**
   * How the cluster's name appears in the task ARNs of the policy as cdk-nag reads them: `<LogicalId>` for a
   * cluster of this stack, the name of a cluster imported by a name known at synth time; undefined when it
   * is known only at deployment (a cluster of another stack).
   */
  private clusterTaskPrefix(): string | undefined {
    const stack = Stack.of(this);
    const child = this.cluster.node.defaultChild;
    if (child instanceof CfnElement && Stack.of(child) === stack) return `<${stack.getLogicalId(child)}>`;
    const name = this.cluster.clusterName;
    return Token.isUnresolved(name) ? undefined : name;
  }

  /**
   * Findings of cdk-nag's AwsSolutions and NIST 800-53 R5 packs on the runner, acknowledged with the reason
   * they are safe (listed in the README's security section). Wildcard findings are acknowledged one by one,
   * by the exact resource they name.
   */
  private acknowledgeNagFindings(): void {
    const stack = Stack.of(this);
    const ref = (element: CfnElement) => `<${stack.getLogicalId(element)}>`;
    const prefix = this.clusterTaskPrefix();
    const clusterTasks = prefix === undefined ? '' : `${prefix}/`;
    const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const arnPrefix = `arn:${known(stack.partition, 'Partition')}:ecs:${known(stack.region, 'Region')}:${known(stack.account, 'AccountId')}`;
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The job runner functions only write their own logs; AWSLambdaBasicExecutionRole is exactly that permission.',
      [`AwsSolutions-IAM5[Resource::${arnPrefix}:task/${clusterTasks}*]`]:
        'Task ids are only known once RunTask started the job; DescribeTasks and StopTask are limited to the tasks of the application cluster' +
        (prefix === undefined
          ? ' (by the ecs:cluster condition: the name of a cluster of another stack is known only at deployment).'
          : '.'),
      'AwsSolutions-SF2': UNTRACED_WAITER,
      [`${CONTROL_TOWER}::step_functions_state_machine_tracing_enabled_check`]: UNTRACED_WAITER,
    };
    // The provider framework invokes each handler function and its versions (`<function arn>:*`).
    for (const fn of this.node.findAll()) {
      if (fn instanceof lambda.CfnFunction) {
        reasons[`AwsSolutions-IAM5[Resource::${ref(fn).slice(0, -1)}.Arn>:*]`] =
          'The provider framework invokes this handler function and its versions; the wildcard covers only the versions of that one function.';
      }
    }
    for (const [id, reason] of Object.entries(reasons)) Validations.of(this).acknowledge({ id, reason });
    acknowledgeDeploymentFunctionFindings(
      this,
      'the job runner',
      'ECS RunTask, DescribeTasks and StopTask, CloudFormation DescribeStacks, Lambda and Step Functions',
    );
    const waiter = this.provider.node.findAll().find((c) => c instanceof sfn.CfnStateMachine)?.node.scope;
    if (waiter) {
      Validations.of(waiter).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The provider framework state machine delivers its logs through CloudWatch Logs vended log delivery, whose actions have no resource-level permissions.',
      });
    }
  }
}
