import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { acknowledgeTaskDefinitionFindings } from './nag-findings';
import { checkRoomForJobs, mountVolume } from './task-sharing';
import type { DataService } from '../data-service';
import type { Job } from '../job';
import type { ConnectionValue } from '../model/spec';
import type { Service } from '../service';
import type { Mount } from '../workload';

/**
 * What a task that runs jobs inside it offers them: a service's tasks, or the own task of a job that runs
 * once per deployment or on a schedule.
 */
export interface TaskHost {
  /** Name of the workload whose task it is. */
  readonly name: string;
  /** The task definition jobs are added to. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** @internal */
  _reserveForJob(job: Job): void;
  /** @internal */
  _mountIn(container: ecs.ContainerDefinition, mount: Mount): void;
  /** @internal */
  _connectContainer(
    container: ecs.ContainerDefinition,
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
  ): void;
  /** @internal */
  _dependOnService(target: Service): void;
  /** @internal */
  _dependOnJobRun(job: Job): void;
}

/** Properties of a JobTask. */
export interface JobTaskProps {
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: 'x86_64' | 'arm64';
  readonly vpc: ec2.IVpc;
}

/**
 * The own task of a job that runs once per deployment or on a schedule: a Fargate task definition whose
 * essential container is the job, with a security group of its own (no ingress) in the application's
 * private subnets. What the job waits for orders the resource that starts it (`trigger`): the deployment
 * custom resource or the schedule.
 */
export class JobTask extends Construct implements TaskHost {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  public readonly name: string;
  private trigger?: CfnResource;
  private readonly pendingOrder: CfnResource[] = [];
  private readonly mountedVolumes = new Map<import('../volume').Volume, boolean>();
  private readonly hostedJobs: Job[] = [];
  private readonly cpu: number;
  private readonly memoryMiB: number;

  constructor(scope: Construct, id: string, props: JobTaskProps) {
    super(scope, id);
    this.name = props.name;
    this.cpu = props.cpu;
    this.memoryMiB = props.memoryMiB;
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture:
          props.cpuArchitecture === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Job ${props.name}: outbound only`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    acknowledgeTaskDefinitionFindings(this.taskDefinition);
  }

  /**
   * Sets the resource that starts the task; everything the job waits for is created before it.
   * @internal
   */
  public _setTrigger(trigger: CfnResource): void {
    this.trigger = trigger;
    for (const r of this.pendingOrder.splice(0)) trigger.addResourceDependency(r);
  }

  private orderAfter(resource: CfnResource): void {
    if (this.trigger) this.trigger.addResourceDependency(resource);
    else this.pendingOrder.push(resource);
  }

  /** @internal */
  public _reserveForJob(job: Job): void {
    const jobs = [...this.hostedJobs, job];
    checkRoomForJobs(
      this.node.scope!.node.path,
      { cpu: this.cpu, memoryMiB: this.memoryMiB },
      jobs,
      'its task',
      'give the job more or those jobs less',
    );
    this.hostedJobs.push(job);
  }

  /** @internal */
  public _mountIn(container: ecs.ContainerDefinition, mount: Mount): void {
    mountVolume(this.taskDefinition, this.mountedVolumes, this.connections, this.name, container, mount);
    const volume = mount.volume;
    // The file system's mount targets must exist before the task mounts it.
    for (const child of volume.fileSystem.node.findAll()) {
      if (child instanceof CfnResource && child.cfnResourceType === 'AWS::EFS::MountTarget')
        this.orderAfter(child);
    }
  }

  /** @internal */
  public _connectContainer(
    container: ecs.ContainerDefinition,
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
  ): void {
    for (const [variable, value] of Object.entries(variables)) {
      const cloud = dataService._cloudValue(value);
      if ('secret' in cloud) container.addSecret(variable, cloud.secret);
      else container.addEnvironment(variable, cloud.environment);
    }
    const target = dataService._resource.node.defaultChild;
    dataService.securityGroup.connections.allowFrom(
      this.connections,
      dataService._cloudPort,
      `from ${this.name}`,
    );
    if (target instanceof CfnResource) this.orderAfter(target);
  }

  /** @internal */
  public _dependOnService(target: Service): void {
    this.orderAfter(target.fargateService.node.defaultChild as CfnResource);
    for (const p of target.toSpec().ports) {
      target.fargateService.connections.allowFrom(
        this.connections,
        ec2.Port.tcp(p.containerPort),
        `from ${this.name}`,
      );
    }
  }

  /** @internal */
  public _dependOnJobRun(job: Job): void {
    const run = job._runResource;
    if (run) this.orderAfter(run);
  }
}
