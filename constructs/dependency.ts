import type { DependencyConditionName } from './model/spec';
import type { Job } from './job';
import type { Service } from './service';
import type { Workload } from './workload';

/** Options of a dependency. */
export interface DependencyOptions {
  /**
   * Whether the dependent may start without the target when the target is an optional part (a workload
   * with a `profile`) that is not running. Local: compose `required: false`, so `docker compose up` without
   * the profile starts the dependent alone. Cloud: when the stage does not enable the target's profile the
   * dependency is left out; when it does, the dependency holds as declared.
   * @default false - the target must be part of every twin the dependent is in (a ValidationError otherwise)
   */
  readonly optional?: boolean;
  /**
   * Restart the dependent when compose restarts the target (`docker compose restart`, `up` after a change),
   * e.g. a client that cannot reconnect. Local: compose `restart: true`. Cloud: no equivalent; ECS replaces
   * a service's tasks on its own and dependents keep running (a declared difference).
   * @default false
   */
  readonly restart?: boolean;
}

/**
 * "Start after": a dependency of a service or job on another workload of the same application, with the
 * condition the dependent waits for. Locally it becomes `depends_on` with that condition; in the cloud,
 * see the mapping on each factory.
 */
export class Dependency {
  /**
   * Waits until `target` has started. Cloud: the dependent's ECS service is created after the target's
   * ECS service has stabilised (CloudFormation `DependsOn`). Local: `service_started`.
   */
  public static started(target: Workload, options: DependencyOptions = {}): Dependency {
    return new Dependency(target, 'started', options);
  }

  /**
   * Waits until `target`'s health check passes; the target needs a health check. Cloud: CloudFormation
   * `DependsOn`, and ECS only counts a service stable once its tasks are healthy. Local: `service_healthy`.
   */
  public static healthy(target: Service, options: DependencyOptions = {}): Dependency {
    return new Dependency(target, 'healthy', options);
  }

  /**
   * Waits until job `target` has exited with status 0. Cloud: a job that runs in its dependents' tasks
   * (the default) runs as a non-essential container in every task of the dependent, which starts only after
   * it succeeded (ECS container dependency `SUCCESS`); a job that runs once per deployment
   * (`JobRun.oncePerDeployment()`) runs as its own ECS task during the deployment, and the dependent's
   * resources are created or updated only after it succeeded (CloudFormation `DependsOn`).
   * Local: `service_completed_successfully`.
   */
  public static completedSuccessfully(target: Job, options: DependencyOptions = {}): Dependency {
    return new Dependency(target, 'completed-successfully', options);
  }

  /** Whether the dependent may start without the target (compose `required: false`). */
  public readonly optional: boolean;
  /** Whether the dependent restarts with the target locally (compose `restart: true`). */
  public readonly restart: boolean;

  private constructor(
    /** The workload waited for. */
    public readonly target: Workload,
    /** What the dependent waits for. */
    public readonly condition: DependencyConditionName,
    options: DependencyOptions,
  ) {
    this.optional = options?.optional === true;
    this.restart = options?.restart === true;
  }
}
