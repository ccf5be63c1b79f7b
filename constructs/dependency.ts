import { DataService } from './data-service';
import { invalid, ValidationError } from './errors';
import { optionalDataService, waitsForDataServiceToComplete } from './model/rules/dependencies';
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
   * dependency is left out; when it does, the dependency holds as declared. A data service is part of every
   * twin, so a dependency on one cannot be optional (a ValidationError).
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

/** What a workload can start after: another workload, or a data service, of the same application. */
export type DependencyTarget = Workload | DataService;

/**
 * "Start after": a dependency of a service or job on another workload or on a data service of the same
 * application, with the condition the dependent waits for. Locally it becomes `depends_on` with that
 * condition; in the cloud, see the mapping on each factory.
 */
export class Dependency {
  /**
   * Waits until `target` has started. Cloud: the dependent's ECS service is created after the target's
   * ECS service has stabilised (CloudFormation `DependsOn`); after a data service's resources exist (the
   * ordering `connectTo` gives, without its variables and security-group rule). Local: `service_started`
   * (on a data service: its stand-in container).
   */
  public static started(target: DependencyTarget, options: DependencyOptions = {}): Dependency {
    return new Dependency(target, 'started', options);
  }

  /**
   * Waits until `target`'s health check passes; a service needs a health check, a data service's stand-in
   * always has one. Cloud: CloudFormation `DependsOn`, and ECS only counts a service stable once its tasks
   * are healthy; a data service's resources count as created once the managed service is available.
   * Local: `service_healthy`.
   */
  public static healthy(target: Service | DataService, options: DependencyOptions = {}): Dependency {
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
    /** The workload or data service waited for. */
    public readonly target: DependencyTarget,
    /** What the dependent waits for. */
    public readonly condition: DependencyConditionName,
    options: DependencyOptions,
  ) {
    this.optional = options?.optional === true;
    this.restart = options?.restart === true;
  }
}

/**
 * Checks what `dependency` of the workload at `path` (its `prop`) can check of any target: one of the same
 * application; and of a data service: waited for as something that runs (not completes), never optional.
 * Returns whether the target is a data service.
 */
export function checkDependencyTarget(
  path: string,
  prop: string,
  application: { readonly name: string },
  dependency: Dependency,
): boolean {
  const target = dependency.target;
  if (target.application !== application) {
    throw invalid(
      path,
      prop,
      target.node.path,
      `is part of application '${target.application.name}', not '${application.name}'; depend only on workloads and data services of the same application`,
    );
  }
  if (!(target instanceof DataService)) return false;
  if (dependency.condition === 'completed-successfully')
    throw new ValidationError(waitsForDataServiceToComplete(path, prop, target));
  if (dependency.optional) throw new ValidationError(optionalDataService(path, prop, target.name));
  return true;
}
