import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as efs from 'aws-cdk-lib/aws-efs';
import type { IConstruct } from 'constructs';
import { ValidationError } from '../errors';
import { HostSize, JobSize, jobRoom } from '../model/rules/task-hosts';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type {
  ConnectionUrlSpec,
  ConnectionValue,
  ResourceAccess,
  ResourceValue,
  UrlPartsSpec,
} from '../model/spec';

/** A volume as a task mounts it: an EFS file system and the access point the task uses. */
export interface TaskVolume {
  readonly name: string;
  readonly fileSystem: efs.FileSystem;
  readonly accessPoint: efs.IAccessPoint;
}

/** A volume mounted at a path of a container. */
export interface TaskMount {
  readonly volume: TaskVolume;
  readonly path: string;
  readonly readOnly?: boolean;
}

/** What a connection value becomes in a container definition. */
export type CloudValue = { readonly environment: string } | { readonly secret: ecs.Secret };

/** A data service as the tasks that connect to it reach it. */
export interface ReachableDataService {
  /** @internal */
  _cloudValue(value: ConnectionValue, url?: UrlPartsSpec): CloudValue;
  /**
   * Admits traffic from `connections` and has `orderAfter` order what starts the tasks after the data
   * service's resources.
   * @internal
   */
  _allowFrom(connections: ec2.IConnectable, orderAfter: (resource: CfnResource) => void, from: string): void;
  /**
   * Has `orderAfter` order what starts the tasks after the data service's resources.
   * @internal
   */
  _orderAfter(orderAfter: (resource: CfnResource) => void): void;
}

/** An application AWS resource (bucket, queue) as the tasks that use it reach it: through the SDK, with IAM. */
export interface GrantableResource {
  /** @internal */
  _cloudValue(value: ResourceValue): string;
  /** @internal */
  _grant(role: iam.IRole, access: ResourceAccess): void;
}

/** A service's tasks as what waits for them sees them: the ECS service, and the ports its tasks listen on. */
export interface ServiceTasks {
  readonly resource: CfnResource;
  readonly connectable: ec2.IConnectable;
  /** The TCP ports. */
  readonly containerPorts: readonly number[];
  /** The UDP ports, reached by address only (Service Connect carries no UDP). */
  readonly udpPorts?: readonly number[];
}

/** Properties of a TaskHost. */
export interface TaskHostProps {
  /** Name of the workload whose task it is, for rule descriptions. */
  readonly name: string;
  /** The construct whose tasks these are (a Service); a job's own task has none. */
  readonly owner?: IConstruct;
  /** The task's size and kind, and where a job that does not fit is reported. */
  readonly size: HostSize;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** What the task's network traffic comes from: the ECS service, or the job task's security group. */
  readonly connectable: ec2.IConnectable;
  /** Orders what starts the tasks (the ECS service, a deployment run or a schedule) after `resource`. */
  readonly orderAfter: (resource: CfnResource) => void;
  /** Whether the tasks start only once the EFS mount targets exist. @default false */
  readonly waitForMountTargets?: boolean;
}

/**
 * A task that runs a workload's containers and the jobs that run inside it: a service's tasks, or the own
 * task of a job that runs once per deployment or on a schedule. Both hold one, so mounting a volume,
 * connecting to a data service, waiting for a service or a job run and making room for a hosted job are
 * written once.
 */
export class TaskHost {
  public readonly name: string;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The construct whose tasks these are, if given. */
  public readonly owner?: IConstruct;
  private readonly props: TaskHostProps;

  /** The memory of the task, in MiB. */
  public get memoryMiB(): number {
    return this.props.size.memoryMiB;
  }
  private readonly mounted = new Map<TaskVolume, boolean>();
  private readonly jobs: JobSize[] = [];

  constructor(props: TaskHostProps) {
    this.props = props;
    this.name = props.name;
    this.taskDefinition = props.taskDefinition;
    this.owner = props.owner;
  }

  /** Records that `job` runs inside the task, checking first that the task has room for it. */
  public reserveForJob(job: JobSize): void {
    const room = jobRoom(this.props.size, [...this.jobs, job]);
    if (room) throw new ValidationError(room);
    this.jobs.push(job);
  }

  /**
   * Mounts `mount.volume` into `container`: the EFS volume on the task (once), NFS from the task, and IAM
   * client access for the task role (read-write once any mount writes).
   */
  public mount(container: ecs.ContainerDefinition, mount: TaskMount): void {
    const { taskDefinition, connectable } = this.props;
    const volume = mount.volume;
    const readOnly = mount.readOnly ?? false;
    if (!this.mounted.has(volume)) {
      taskDefinition.addVolume({
        name: volume.name,
        efsVolumeConfiguration: {
          fileSystemId: volume.fileSystem.fileSystemId,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: volume.accessPoint.accessPointId, iam: 'ENABLED' },
        },
      });
      volume.fileSystem.connections.allowDefaultPortFrom(connectable, `NFS from ${this.name}`);
    }
    const writable = this.mounted.get(volume) ?? false;
    if (!readOnly && !writable) volume.fileSystem.grantReadWrite(taskDefinition.taskRole);
    else if (!this.mounted.has(volume)) volume.fileSystem.grantRead(taskDefinition.taskRole);
    this.mounted.set(volume, writable || !readOnly);
    container.addMountPoints({ sourceVolume: volume.name, containerPath: mount.path, readOnly });
    if (this.props.waitForMountTargets) {
      for (const child of volume.fileSystem.node.findAll()) {
        if (child instanceof CfnResource && child.cfnResourceType === 'AWS::EFS::MountTarget')
          this.props.orderAfter(child);
      }
    }
  }

  /**
   * Gives `container` a data service's connection values, lets the task reach the data service, and starts
   * the tasks after it exists.
   */
  public connect(
    container: ecs.ContainerDefinition,
    dataService: ReachableDataService,
    variables: Readonly<Record<string, ConnectionValue>>,
    urls: Readonly<Record<string, ConnectionUrlSpec>> = {},
  ): void {
    for (const [variable, value] of Object.entries(variables)) {
      const cloud = dataService._cloudValue(value, urls[variable]?.cloud);
      if ('secret' in cloud) container.addSecret(variable, cloud.secret);
      else container.addEnvironment(variable, cloud.environment);
    }
    dataService._allowFrom(this.props.connectable, this.props.orderAfter, this.name);
  }

  /**
   * Gives `container` a bucket's or queue's values and the task role exactly `access` to it (the role is the
   * task's, so every container of the task shares it).
   */
  public connectResource(
    container: ecs.ContainerDefinition,
    resource: GrantableResource,
    access: ResourceAccess,
    variables: Readonly<Record<string, ResourceValue>>,
  ): void {
    for (const [variable, value] of Object.entries(variables)) {
      container.addEnvironment(variable, resource._cloudValue(value));
    }
    resource._grant(this.taskDefinition.taskRole, access);
  }

  /** Starts the tasks after `target`'s service has stabilised, and lets them reach its ports. */
  public waitForService(target: ServiceTasks): void {
    const { resource, connectable, containerPorts, udpPorts = [] } = target;
    this.props.orderAfter(resource);
    for (const port of containerPorts) {
      connectable.connections.allowFrom(this.props.connectable, ec2.Port.tcp(port), `from ${this.name}`);
    }
    for (const port of udpPorts) {
      connectable.connections.allowFrom(this.props.connectable, ec2.Port.udp(port), `from ${this.name}`);
    }
  }

  /**
   * Starts the tasks after a data service's resources exist, without its connection values or a way in:
   * a dependency declared on it rather than a connection.
   */
  public waitForDataService(dataService: ReachableDataService): void {
    dataService._orderAfter(this.props.orderAfter);
  }

  /** Starts the tasks only after a job ran successfully in the deployment (`run`, its custom resource). */
  public waitForJobRun(run: CfnResource | undefined): void {
    if (run) this.props.orderAfter(run);
  }
}
