import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { containerOptions, ecsSecret } from './aws/container';
import type { Dependency } from './dependency';
import type { SecretReference } from './secret';
import type { DataService } from './data-service';
import type { ConnectionValue } from './model/spec';
import { Service } from './service';
import { Mount, Workload, WorkloadExtras, WorkloadProps } from './workload';

/** Properties of a Job. */
export type JobProps = WorkloadProps;

/**
 * A one-shot container that must exit successfully before the workloads that depend on it start
 * (`Dependency.completedSuccessfully(job)`).
 *
 * Cloud: the job runs as a non-essential container inside every task of each dependent service, and the
 * dependent's container waits for it with the ECS container dependency `SUCCESS`, so no task of a dependent
 * can serve before the job succeeded in it; if the job fails, the task stops and the deployment circuit
 * breaker rolls back. It therefore runs once per task start, which suits idempotent preparation (building
 * state, warming caches). Local: a compose service with `restart: "no"` that dependents wait for with
 * `service_completed_successfully`.
 */
export class Job extends Workload {
  /** Log group of the job's containers, in every host task. */
  public readonly logGroup: logs.LogGroup;
  private readonly hosts = new Map<Service, ecs.ContainerDefinition>();

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, props, 'job');
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: this.application.logRetention });
    this.initialise();
  }

  /** The job's container in each service task that runs it. */
  public get containers(): ReadonlyMap<Service, ecs.ContainerDefinition> {
    return new Map(this.hosts);
  }

  /**
   * Adds this job (and the jobs it depends on) to `host`'s task definition and returns its container.
   * @internal
   */
  public _attachTo(host: Service): ecs.ContainerDefinition {
    const existing = this.hosts.get(host);
    if (existing) return existing;
    host._reserveForJob(this);
    const container = host.taskDefinition.addContainer(
      this.name,
      containerOptions(this._image, this.toSpec(), this.logGroup, {
        essential: false,
        cpu: this._cpu,
        memoryLimitMiB: this._memoryMiB,
        environment: { ...this._environment },
        secrets: Object.fromEntries(Object.entries(this._secrets).map(([k, r]) => [k, ecsSecret(r)])),
      }),
    );
    this.hosts.set(host, container);
    for (const m of this.mounts) host._mountIn(container, m);
    for (const c of this.connections) host._connectContainer(container, c.dataService, c.variables);
    for (const d of this.dependsOn) this.wire(host, container, d);
    return container;
  }

  protected extras(): WorkloadExtras {
    return { ports: [], desiredCount: 1 };
  }

  protected onEnvironment(key: string, value: string): void {
    for (const c of this.hosts.values()) c.addEnvironment(key, value);
  }

  protected onSecret(key: string, reference: SecretReference): void {
    for (const c of this.hosts.values()) c.addSecret(key, ecsSecret(reference));
  }

  protected onMount(mount: Mount): void {
    for (const [host, c] of this.hosts) host._mountIn(c, mount);
  }

  protected onConnection(
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
  ): void {
    for (const [host, c] of this.hosts) host._connectContainer(c, dataService, variables);
  }

  protected onDependency(dependency: Dependency): void {
    for (const [host, c] of this.hosts) this.wire(host, c, dependency);
  }

  private wire(host: Service, container: ecs.ContainerDefinition, dependency: Dependency): void {
    const target = dependency.target;
    if (target instanceof Job) {
      container.addContainerDependencies({
        container: target._attachTo(host),
        condition:
          dependency.condition === 'started'
            ? ecs.ContainerDependencyCondition.START
            : ecs.ContainerDependencyCondition.SUCCESS,
      });
    } else if (target instanceof Service) {
      host._dependOnService(target);
    }
  }
}
