import { CfnResource, CustomResource, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { addConfigFiles } from './aws/config-files';
import { acknowledgeInlinePolicies } from './aws/nag-findings';
import { applicationLogGroup } from './aws/log-groups';
import { containerOptions, ecsSecret, environmentFileOptions, parameterSecret } from './aws/container';
import { containerSettingsOptions } from './aws/container-settings';
import {
  acknowledgeContainerChoices,
  addWritablePaths,
  hostedJobMemory,
  reserveBeside,
  workloadMemory,
} from './aws/container-hardening';
import { JobRunner } from './aws/job-runner';
import { JobTask } from './aws/job-task';
import type { TaskHost } from './aws/task-host';
import type { Dependency } from './dependency';
import { invalid, ValidationError } from './errors';
import { waitsForScheduledJob } from './model/rules/dependencies';
import type { SecretReference } from './secret';
import { DataService } from './data-service';
import { JobRun } from './values/job-run';
import type {
  ConnectionUrlSpec,
  ConnectionValue,
  JobRunSpec,
  ResourceAccess,
  ResourceValue,
} from './model/spec';
import type { AwsResource } from './aws-resource';
import { Service } from './service';
import { Mount, Workload, WorkloadExtras, WorkloadProps } from './workload';

/** Properties of a Job. */
export interface JobProps extends WorkloadProps {
  /**
   * When the job runs in the cloud twin: inside the tasks of the services that wait for it, once per
   * deployment as its own task (migrations), or on a schedule. Locally a job is a compose service that
   * runs to completion (`restart: "no"`); a scheduled one only with `docker compose run`.
   * @default JobRun.inDependentTasks()
   */
  readonly runs?: JobRun;
}

/**
 * A one-shot container that must exit successfully before the workloads that depend on it start
 * (`Dependency.completedSuccessfully(job)`). Where it runs in the cloud depends on `runs`:
 *
 * - `JobRun.inDependentTasks()` (default): as a non-essential container inside every task of each
 *   dependent service, which waits for it with the ECS container dependency `SUCCESS`, so no task of a
 *   dependent can serve before the job succeeded in it; if the job fails, the task stops and the deployment
 *   circuit breaker rolls back. It runs once per task start, which suits idempotent preparation.
 * - `JobRun.oncePerDeployment()`: as its own Fargate task, started by a CloudFormation custom resource
 *   after what it waits for and before what waits for it; the deployment fails if the job fails.
 * - `JobRun.onSchedule(schedule)`: as its own Fargate task started by an EventBridge Scheduler schedule.
 *
 * Local: a compose service with `restart: "no"` that dependents wait for with
 * `service_completed_successfully`; a scheduled job belongs to the compose profile `jobs` and runs with
 * `docker compose run --rm <name>`.
 */
export class Job extends Workload {
  /** Log group of the job's containers, in every task that runs it. */
  public readonly logGroup: logs.LogGroup;
  /** When the job runs. */
  public readonly run: JobRunSpec;
  /** The job's own task, for a job that runs once per deployment or on a schedule (and is deployed). */
  public readonly task?: JobTask;
  /** The custom resource that runs the job during deployments, for `JobRun.oncePerDeployment()`. */
  public readonly deploymentRun?: CustomResource;
  /** The EventBridge Scheduler schedule, for `JobRun.onSchedule()`. */
  public readonly schedule?: scheduler.Schedule;
  private readonly hosts = new Map<TaskHost, ecs.ContainerDefinition>();
  private readonly ownContainer?: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, props, 'job');
    const path = this.node.path;
    if (props.runs !== undefined && !(props.runs instanceof JobRun)) {
      throw invalid(
        path,
        'runs',
        props.runs,
        'must be a JobRun, e.g. JobRun.oncePerDeployment() or JobRun.onSchedule(JobSchedule.cron("0 3 * * ? *"))',
      );
    }
    this.run = (props.runs ?? JobRun.inDependentTasks())._toSpec(path);
    this.logGroup = applicationLogGroup(this, 'Logs', this.application);
    if (this.run.kind !== 'dependents' && this.isDeployed) {
      const app = this.application;
      const task = new JobTask(this, 'Task', {
        name: this.name,
        path,
        cpu: this._cpu,
        memoryMiB: this._memoryMiB,
        cpuArchitecture: this._cpuArchitecture,
        vpc: app.vpc,
      });
      this.task = task;
      const spec = this.toSpec();
      this.ownContainer = task.taskDefinition.addContainer(
        this.name,
        containerOptions(this._image, spec, this.logGroup, {
          essential: true,
          ...workloadMemory(task.taskDefinition, this._memoryMiB),
          ...containerSettingsOptions(task.taskDefinition, this.name, spec),
          ...environmentFileOptions(task.taskDefinition, spec),
        }),
      );
      addWritablePaths(task.taskDefinition, this.ownContainer, this._writablePaths, this.logGroup);
      acknowledgeContainerChoices(task.taskDefinition, spec, this._hardeningReason);
      addConfigFiles(task.taskDefinition, this.ownContainer, this._configFiles, this.logGroup);
      if (this.run.kind === 'deployment') {
        this.deploymentRun = JobRunner.of(app).run(
          this,
          {
            name: this.name,
            taskDefinition: task.taskDefinition,
            securityGroup: task.securityGroup,
            logGroup: this.logGroup,
          },
          this.run.timeoutSeconds,
          this.run.trigger,
        );
        task._setTrigger(this.deploymentRun.node.defaultChild as CfnResource);
      } else {
        this.schedule = new scheduler.Schedule(this, 'Schedule', {
          description: `twinstack job ${this.name} of ${app.projectName}`,
          schedule: scheduler.ScheduleExpression.expression(
            this.run.expression,
            this.run.timeZone ? TimeZone.of(this.run.timeZone) : undefined,
          ),
          target: new schedulerTargets.EcsRunFargateTask(app.cluster, {
            taskDefinition: task.taskDefinition,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [task.securityGroup],
            assignPublicIp: false,
            platformVersion: ecs.FargatePlatformVersion.LATEST,
          }),
        });
        task._setTrigger(this.schedule.node.defaultChild as CfnResource);
        const role = scheduleRole(this.schedule);
        if (role) acknowledgeInlinePolicies(role);
      }
    }
    this.initialise();
  }

  /** The job's container in each service task that runs it (jobs that run in their dependents' tasks). */
  public get containers(): ReadonlyMap<Service, ecs.ContainerDefinition> {
    return new Map(
      [...this.hosts].flatMap(([host, c]) =>
        host.owner instanceof Service ? [[host.owner, c] as [Service, ecs.ContainerDefinition]] : [],
      ),
    );
  }

  /** The job's own container, for a job with its own task. */
  public get container(): ecs.ContainerDefinition | undefined {
    return this.ownContainer;
  }

  /**
   * The resource that runs the job once per deployment; what waits for the job is ordered after it.
   * @internal
   */
  public get _runResource(): CfnResource | undefined {
    return this.deploymentRun?.node.defaultChild as CfnResource | undefined;
  }

  /**
   * Adds this job (and the jobs it depends on) to `host`'s task definition and returns its container.
   * @internal
   */
  public _attachTo(host: TaskHost): ecs.ContainerDefinition {
    if (this.run.kind !== 'dependents') {
      throw invalid(
        this.node.path,
        'runs',
        this.run.kind,
        `runs as its own task (${this.run.kind}); it cannot run inside the task of '${host.name}'`,
      );
    }
    const existing = this.hosts.get(host);
    if (existing) return existing;
    host.reserveForJob({ name: this.name, cpu: this._cpu, memoryMiB: this._memoryMiB });
    reserveBeside(host.taskDefinition, this._memoryMiB, this.name);
    const spec = this.toSpec();
    const container = host.taskDefinition.addContainer(
      this.name,
      containerOptions(this._image, spec, this.logGroup, {
        essential: false,
        cpu: this._cpu,
        ...hostedJobMemory(host.taskDefinition, host.memoryMiB, this.name, this._memoryMiB),
        ...containerSettingsOptions(host.taskDefinition, this.name, spec),
        ...environmentFileOptions(host.taskDefinition, spec),
        environment: { ...this._environment },
        secrets: {
          ...Object.fromEntries(Object.entries(this._secrets).map(([k, r]) => [k, ecsSecret(r)])),
          ...Object.fromEntries(
            Object.entries(this._parameterVariables).map(([k, p]) => [k, parameterSecret(this, p)]),
          ),
        },
      }),
    );
    this.hosts.set(host, container);
    addWritablePaths(host.taskDefinition, container, this._writablePaths, this.logGroup);
    acknowledgeContainerChoices(host.taskDefinition, spec, this._hardeningReason);
    addConfigFiles(host.taskDefinition, container, this._configFiles, this.logGroup);
    for (const m of this.mounts) host.mount(container, m);
    for (const c of this.connections) {
      host.connect(container, c.dataService, c.variables, c.urls);
      if (c.tls) container.addEnvironment(c.tls.variable, c.tls.cloud);
    }
    for (const c of this.resourceConnections)
      host.connectResource(container, c.resource, c.access, c.variables);
    for (const d of this.dependsOn) this.wire(host, container, d);
    return container;
  }

  protected extras(): WorkloadExtras {
    return {
      ports: [],
      desiredCount: 1,
      ...(this.run && this.run.kind !== 'dependents' ? { run: this.run } : {}),
    };
  }

  protected onEnvironment(key: string, value: string): void {
    for (const c of this.hosts.values()) c.addEnvironment(key, value);
    this.ownContainer?.addEnvironment(key, value);
  }

  protected onSecret(key: string, reference: SecretReference): void {
    for (const c of this.hosts.values()) c.addSecret(key, ecsSecret(reference));
    this.ownContainer?.addSecret(key, ecsSecret(reference));
  }

  protected onParameterVariable(key: string, parameterName: string): void {
    for (const c of this.hosts.values()) c.addSecret(key, parameterSecret(this, parameterName));
    this.ownContainer?.addSecret(key, parameterSecret(this, parameterName));
  }

  protected onMount(mount: Mount): void {
    for (const [host, c] of this.hosts) host.mount(c, mount);
    if (this.task && this.ownContainer) this.task.host.mount(this.ownContainer, mount);
  }

  protected onConnection(
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
    urls: Readonly<Record<string, ConnectionUrlSpec>>,
  ): void {
    for (const [host, c] of this.hosts) host.connect(c, dataService, variables, urls);
    if (this.task && this.ownContainer)
      this.task.host.connect(this.ownContainer, dataService, variables, urls);
  }

  protected onResourceConnection(
    resource: AwsResource,
    access: ResourceAccess,
    variables: Readonly<Record<string, ResourceValue>>,
  ): void {
    for (const [host, c] of this.hosts) host.connectResource(c, resource, access, variables);
    if (this.task && this.ownContainer)
      this.task.host.connectResource(this.ownContainer, resource, access, variables);
  }

  protected onDependency(dependency: Dependency): void {
    const target = dependency.target;
    if (target instanceof Job && target.run.kind === 'schedule') {
      throw new ValidationError(
        waitsForScheduledJob(this.node.path, `dependsOn[${this.dependsOn.length - 1}]`, target.name),
      );
    }
    for (const [host, c] of this.hosts) this.wire(host, c, dependency);
    if (this.task && this.ownContainer) this.wire(this.task.host, this.ownContainer, dependency);
  }

  private wire(host: TaskHost, container: ecs.ContainerDefinition, dependency: Dependency): void {
    const target = dependency.target;
    if (target instanceof DataService) {
      host.waitForDataService(target);
      return;
    }
    if (!target.isDeployed) return; // an optional part the stage leaves out
    if (target instanceof Job) {
      if (target.run.kind === 'deployment') {
        host.waitForJobRun(target._runResource);
        return;
      }
      container.addContainerDependencies({
        container: target._attachTo(host),
        condition:
          dependency.condition === 'started'
            ? ecs.ContainerDependencyCondition.START
            : ecs.ContainerDependencyCondition.SUCCESS,
      });
    } else if (target instanceof Service) {
      host.waitForService(target._tasks);
    }
  }
}

/**
 * The role EventBridge Scheduler assumes to start the job's task: aws-cdk-lib creates one per target
 * cluster at the top of the stack and shares it between schedules, so it is found through the schedule.
 */
function scheduleRole(schedule: scheduler.Schedule): iam.Role | undefined {
  const stack = Stack.of(schedule);
  const target = (schedule.node.defaultChild as scheduler.CfnSchedule)
    .target as scheduler.CfnSchedule.TargetProperty;
  const roleArn = JSON.stringify(stack.resolve(target.roleArn));
  return stack.node.children.find(
    (c): c is iam.Role => c instanceof iam.Role && JSON.stringify(stack.resolve(c.roleArn)) === roleArn,
  );
}
