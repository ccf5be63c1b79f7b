import type { ApplicationSpec } from '../model/spec';
import { jobsWithoutHost } from '../model/validate';
import type { CloudContainer, CloudService, CloudTwin } from './cloud-twin';
import type { ComposeTwin } from './compose-twin';
import type { CloudImageBuild } from './image-builds';
import { connectionVariables, ManagedStandIn, managedStandIns } from './stand-ins';
import { AwsVariable, awsResourceVariables } from './aws-resources';

/** Inputs of the parity check besides the two documents. */
export interface ParityOptions {
  /** Container-image assets of the cloud twin by content hash (from the stack's asset manifest). */
  readonly imageBuilds?: ReadonlyMap<string, CloudImageBuild>;
  /**
   * Directory the compose file lives in; its build contexts are relative to it.
   * @default - the working directory
   */
  readonly composeDirectory?: string;
}

/** A job's container in the task of one of its dependents. */
export interface HostedJob {
  readonly host: CloudService;
  readonly container: CloudContainer;
}

/** One place a workload runs in the cloud twin: a container in a task. */
export interface WorkloadInstance extends HostedJob {
  readonly job: boolean;
  /** A job in a task of its own: its resources are the task's. */
  readonly ownTask?: boolean;
}

/** The cloud twin's workloads, looked up the ways the comparers need. */
export interface CloudWorkloads {
  readonly twin: CloudTwin;
  /** ECS services by workload name. */
  readonly services: ReadonlyMap<string, CloudService>;
  readonly byLogicalId: ReadonlyMap<string, CloudService>;
  /** Jobs that run in their dependents' tasks, by name: every task that runs one. */
  readonly hostedJobs: ReadonlyMap<string, readonly HostedJob[]>;
  /** Jobs with a task of their own (run during deployments or on a schedule), by name. */
  readonly jobTasks: ReadonlyMap<string, CloudService>;
}

/** What every comparer of the parity check gets. */
export interface ParityContext {
  /** The model both twins were rendered from, when given: it declares what may differ. */
  readonly spec?: ApplicationSpec;
  readonly cloud: CloudWorkloads;
  readonly local: ComposeTwin;
  /** The model's data services: managed in the cloud, containers locally. */
  readonly managed: ReadonlyMap<string, ManagedStandIn>;
  /** Variables of connections to managed data services: workload -> variable -> data service. */
  readonly connections: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * Variables of connections to buckets and queues, and those the local twin adds for the SDK (endpoints,
   * region, credentials): workload -> variable -> what it is.
   */
  readonly awsVariables: ReadonlyMap<string, ReadonlyMap<string, AwsVariable>>;
  /** Jobs of the model that the cloud twin has nowhere to run (see jobsWithoutHost). */
  readonly unhostedJobs: ReadonlySet<string>;
  readonly options: ParityOptions;
  /** What could not be compared, and why: comparers add to it. */
  readonly notes: string[];
}

/** The context of a check of `cloud` against `local`, as read from the two documents. */
export function parityContext(
  cloud: CloudTwin,
  local: ComposeTwin,
  spec: ApplicationSpec | undefined,
  options: ParityOptions,
): ParityContext {
  const hostedJobs = new Map<string, HostedJob[]>();
  for (const s of [...cloud.services, ...cloud.jobTasks]) {
    for (const c of s.containers) {
      if (c.essential || c.role !== undefined) continue;
      hostedJobs.set(c.name, [...(hostedJobs.get(c.name) ?? []), { host: s, container: c }]);
    }
  }
  return {
    ...(spec ? { spec } : {}),
    cloud: {
      twin: cloud,
      services: new Map(cloud.services.map((s) => [s.name, s])),
      byLogicalId: new Map(cloud.services.map((s) => [s.logicalId, s])),
      hostedJobs,
      jobTasks: new Map(cloud.jobTasks.map((t) => [t.name, t])),
    },
    local,
    managed: managedStandIns(spec),
    connections: connectionVariables(spec),
    awsVariables: awsResourceVariables(spec),
    unhostedJobs: new Set(spec ? jobsWithoutHost(spec).map((w) => w.name) : []),
    options,
    notes: [],
  };
}
