import { Duration, Token } from 'aws-cdk-lib';
import { invalid } from '../errors';
import { wholeSeconds } from './durations';
import { JobSchedule } from './job-schedule';
import type { JobRunSpec } from '../model/spec';

/** Options of a job that runs once per deployment. */
export interface DeploymentRunOptions {
  /**
   * Longest time the deployment waits for the job's task to finish; a task still running then fails the
   * deployment. At most 55 minutes (a CloudFormation custom resource waits an hour at most).
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
  /**
   * A value whose change runs the job again on the next deployment although the job itself did not change,
   * e.g. a release number passed as CDK context. The job always runs when the stack is created and when its
   * task definition changes (image, command, environment, size).
   * @default - runs on creation and when the job changes
   */
  readonly trigger?: string;
}

/** Longest deployment-time job, in seconds: a custom resource waits at most one hour. */
export const MAX_DEPLOYMENT_JOB_SECONDS = 55 * 60;

/**
 * When a job runs. Locally a job is a compose service that runs to completion; in the cloud:
 *
 * - `JobRun.inDependentTasks()` (the default): inside every task of each service that waits for it, before
 *   that service's container starts (ECS container dependency `SUCCESS`); runs once per task start.
 * - `JobRun.oncePerDeployment()`: as its own ECS task during the CloudFormation deployment, after the
 *   workloads it waits for and before the ones that wait for it; a failure fails (and rolls back) the
 *   deployment. For database migrations.
 * - `JobRun.onSchedule(schedule)`: as its own ECS task on an EventBridge Scheduler schedule; locally it is
 *   started on demand with `docker compose run --rm <job>` (compose profile `jobs`).
 */
export class JobRun {
  /** Inside the tasks of the services that wait for it; once per task start. */
  public static inDependentTasks(): JobRun {
    return new JobRun('dependents');
  }

  /**
   * Once per deployment, as its own ECS task run by a CloudFormation custom resource (AWS Lambda calling
   * ECS `RunTask` and waiting for the task to stop): on stack creation and whenever the job changes. The
   * deployment fails when the job's container exits with another status than 0 or does not finish in time.
   */
  public static oncePerDeployment(options: DeploymentRunOptions = {}): JobRun {
    return new JobRun('deployment', options);
  }

  /** On a schedule: an EventBridge Scheduler schedule in the cloud, `docker compose run` locally. */
  public static onSchedule(schedule: JobSchedule): JobRun {
    return new JobRun('schedule', undefined, schedule);
  }

  private constructor(
    private readonly kind: JobRunSpec['kind'],
    private readonly options: DeploymentRunOptions = {},
    private readonly schedule?: JobSchedule,
  ) {}

  /**
   * Validates the run mode for the job at `path` and records it in the model.
   * @internal
   */
  public _toSpec(path: string): JobRunSpec {
    switch (this.kind) {
      case 'dependents':
        return { kind: 'dependents' };
      case 'deployment': {
        const o = this.options ?? {};
        const timeoutSeconds = o.timeout
          ? wholeSeconds(path, 'runs.timeout', o.timeout, 60, MAX_DEPLOYMENT_JOB_SECONDS)
          : 1800;
        if (o.trigger !== undefined && (typeof o.trigger !== 'string' || Token.isUnresolved(o.trigger))) {
          throw invalid(path, 'runs.trigger', o.trigger, 'must be a plain string known at synth time');
        }
        return {
          kind: 'deployment',
          timeoutSeconds,
          ...(o.trigger !== undefined ? { trigger: o.trigger } : {}),
        };
      }
      case 'schedule':
        if (!(this.schedule instanceof JobSchedule)) {
          throw invalid(
            path,
            'runs.schedule',
            this.schedule,
            "must be a JobSchedule, e.g. JobSchedule.cron('0 3 * * ? *') or JobSchedule.rate(Duration.hours(1))",
          );
        }
        return { kind: 'schedule', ...this.schedule._toSpec(path, 'runs.schedule') };
    }
  }
}
