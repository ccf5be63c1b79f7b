import type { ValidationProblem } from '../../errors';
import type { ApplicationSpec, WorkloadSpec } from '../spec';
import type { ModelWarning } from './problems';

/** What every whole-model rule reads, and where it reports. */
export interface RuleContext {
  readonly app: ApplicationSpec;
  /** The first workload of each name (later ones of the same name are reported by the naming rule). */
  readonly workloads: ReadonlyMap<string, WorkloadSpec>;
  readonly errors: ValidationProblem[];
  readonly warnings: ModelWarning[];
}

/** Whether `w` runs in the cloud twin: it is no optional part, or one that the application includes. */
export function isDeployed(app: Pick<ApplicationSpec, 'profiles'>, w: WorkloadSpec): boolean {
  return w.profile === undefined || (app.profiles ?? []).includes(w.profile);
}

/** Whether `w` has a task that jobs run inside: every service, and a job that runs as its own task. */
export function isTaskHost(w: WorkloadSpec): boolean {
  return w.kind === 'service' || (w.run !== undefined && w.run.kind !== 'dependents');
}
