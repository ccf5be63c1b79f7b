import type { ValidationProblem } from '../../errors';
import { byName } from '../order';
import type { WorkloadSpec } from '../spec';
import { isDeployed, isTaskHost, RuleContext } from './context';
import { problem, WarningIds } from './problems';

/** The least memory Docker gives a container: what each container of a task reserves at least. */
export const MIN_CONTAINER_MIB = 6;

/** The size of a workload whose container runs in another workload's task. */
export interface JobSize {
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** A task that jobs run inside: a service's tasks, or a job's own task. */
export interface HostSize {
  readonly path: string;
  readonly kind: 'service' | 'job';
  readonly cpu: number;
  readonly memoryMiB: number;
}

/**
 * ECS counts the container-level sizes of the jobs in a task against the task's size: a problem when
 * `jobs` do not fit in `host`'s task.
 */
export function jobRoom(host: HostSize, jobs: readonly JobSize[]): ValidationProblem | undefined {
  const cpu = jobs.reduce((sum, j) => sum + j.cpu, 0);
  const memory = jobs.reduce((sum, j) => sum + j.memoryMiB, 0);
  if (cpu <= host.cpu && memory <= host.memoryMiB) return undefined;
  const service = host.kind === 'service';
  return problem(
    host.path,
    'cpu',
    `${host.cpu} (memoryMiB ${host.memoryMiB})`,
    `is less than the job${jobs.length > 1 ? 's' : ''} ${jobs
      .map((j) => j.name)
      .sort()
      .join(
        ', ',
      )} running inside ${service ? 'its tasks' : 'its task'} in the cloud need (cpu ${cpu}, memoryMiB ${memory}); ${service ? 'give the service more or the jobs less' : 'give the job more or those jobs less'}`,
  );
}

/** Every task host has room for the jobs that run inside it, and runs them on its CPU architecture. */
export function checkTaskHosts(ctx: RuleContext): void {
  for (const w of ctx.app.workloads) {
    if (!isTaskHost(w)) continue;
    const jobs = hostedJobs(w, ctx.workloads);
    for (const j of jobs) {
      if (j.cpuArchitecture !== w.cpuArchitecture) {
        ctx.errors.push(
          problem(
            j.path,
            'cpuArchitecture',
            j.cpuArchitecture,
            `differs from ${w.kind === 'service' ? 'service' : 'job'} '${w.name}' (${w.cpuArchitecture}), in whose tasks the job's container runs in the cloud; a task runs one CPU architecture, so give the job ${w.cpuArchitecture} too`,
          ),
        );
      }
    }
    const room = jobRoom(w, jobs);
    if (room) ctx.errors.push(room);
  }
  for (const w of jobsWithoutHost(ctx.app)) {
    ctx.warnings.push({
      id: WarningIds.JOB_WITHOUT_DEPENDENTS,
      path: w.path,
      message: `job '${w.name}' runs locally, but no service of the cloud twin waits for it (directly or through the jobs that wait for it), so the cloud twin has nowhere to run it; add a dependency on it`,
    });
  }
}

/**
 * Jobs that run in their dependents' tasks but that no service of the cloud twin (nor a job with a task of
 * its own) waits for, directly or through other jobs: the cloud twin has nowhere to run them.
 */
export function jobsWithoutHost(app: {
  readonly workloads: readonly WorkloadSpec[];
  readonly profiles?: readonly string[];
}): WorkloadSpec[] {
  const all = new Map(app.workloads.map((w) => [w.name, w]));
  const hosted = new Set<string>();
  for (const w of app.workloads) {
    if (isTaskHost(w) && isDeployed(app, w)) for (const j of hostedJobs(w, all)) hosted.add(j.name);
  }
  return app.workloads.filter((w) => runsInDependents(w) && !hosted.has(w.name));
}

/** A job whose container runs in the tasks of what waits for it. */
function runsInDependents(w: WorkloadSpec): boolean {
  return w.kind === 'job' && (w.run === undefined || w.run.kind === 'dependents');
}

/**
 * Every job that runs in the tasks of `host`: the jobs it waits for that run in their dependents' tasks,
 * and the jobs those wait for. Jobs with a task of their own (deployment-time, scheduled) do not.
 */
function hostedJobs(host: WorkloadSpec, all: ReadonlyMap<string, WorkloadSpec>): WorkloadSpec[] {
  const found = new Map<string, WorkloadSpec>();
  const visit = (w: WorkloadSpec) => {
    for (const d of w.dependsOn) {
      const target = all.get(d.target);
      if (target && runsInDependents(target) && !found.has(target.name)) {
        found.set(target.name, target);
        visit(target);
      }
    }
  };
  visit(host);
  return [...found.values()].sort(byName);
}
