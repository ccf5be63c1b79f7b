import type { DependencyConditionName } from './model/spec';
import type { Job } from './job';
import type { Service } from './service';
import type { Workload } from './workload';

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
  public static started(target: Workload): Dependency {
    return new Dependency(target, 'started');
  }

  /**
   * Waits until `target`'s health check passes; the target needs a health check. Cloud: CloudFormation
   * `DependsOn`, and ECS only counts a service stable once its tasks are healthy. Local: `service_healthy`.
   */
  public static healthy(target: Service): Dependency {
    return new Dependency(target, 'healthy');
  }

  /**
   * Waits until job `target` has exited with status 0. Cloud: the job runs as a non-essential container in
   * every task of the dependent, which starts only after it succeeded (ECS container dependency `SUCCESS`).
   * Local: `service_completed_successfully`.
   */
  public static completedSuccessfully(target: Job): Dependency {
    return new Dependency(target, 'completed-successfully');
  }

  private constructor(
    /** The workload waited for. */
    public readonly target: Workload,
    /** What the dependent waits for. */
    public readonly condition: DependencyConditionName,
  ) {}
}
