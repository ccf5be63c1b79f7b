import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { acknowledgeTaskDefinitionFindings } from './nag-findings';
import { TaskHost } from './task-host';

/** Properties of a JobTask. */
export interface JobTaskProps {
  readonly name: string;
  /** Where a job that does not fit in the task is reported: the path of the job the task runs. */
  readonly path: string;
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
export class JobTask extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The task as a host of the job's container and of the jobs that run inside it. */
  public readonly host: TaskHost;
  private trigger?: CfnResource;
  private readonly pendingOrder: CfnResource[] = [];

  constructor(scope: Construct, id: string, props: JobTaskProps) {
    super(scope, id);
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
    this.host = new TaskHost({
      name: props.name,
      size: { path: props.path, kind: 'job', cpu: props.cpu, memoryMiB: props.memoryMiB },
      taskDefinition: this.taskDefinition,
      connectable: this.connections,
      orderAfter: (resource) => this.orderAfter(resource),
      // The file system's mount targets must exist before the task mounts it.
      waitForMountTargets: true,
    });
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
}
