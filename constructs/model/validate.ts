import { describeValue, ValidationProblem } from '../errors';
import type { ApplicationSpec, WorkloadSpec } from './spec';

/** A finding that does not stop synthesis; `id` is stable so users can acknowledge it. */
export interface ModelWarning {
  readonly id: string;
  readonly path: string;
  readonly message: string;
}

/** Stable ids of the warnings twinstack emits. */
export const WarningIds = {
  /** A plain environment value under a key that looks like a credential. */
  ENV_LOOKS_LIKE_SECRET: 'twinstack:env-looks-like-secret',
  /** A job nothing depends on: it runs locally but has no cloud counterpart. */
  JOB_WITHOUT_DEPENDENTS: 'twinstack:job-without-dependents',
  /** A health check whose timing ECS cannot express exactly; the cloud twin uses the nearest allowed values. */
  HEALTH_CHECK_ADJUSTED: 'twinstack:health-check-adjusted',
} as const;

const SECRET_KEY = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;

export interface ModelReport {
  readonly errors: ValidationProblem[];
  readonly warnings: ModelWarning[];
}

/**
 * Whole-model rules: unknown references, wrong conditions, cycles, port clashes. All problems are collected
 * so one run reports every one of them.
 */
export function validateModel(app: ApplicationSpec): ModelReport {
  const errors: ValidationProblem[] = [];
  const warnings: ModelWarning[] = [];
  const problem = (path: string, prop: string, value: unknown, message: string) =>
    errors.push({ path, prop, value: describeValue(value), message });

  const byName = new Map<string, WorkloadSpec>();
  for (const w of app.workloads) {
    const first = byName.get(w.name);
    if (first)
      problem(
        w.path,
        'name',
        w.name,
        `is already used by ${first.path}; workload names must be unique in an application`,
      );
    else byName.set(w.name, w);
  }
  const volumes = new Set(app.volumes.map((v) => v.name));
  const secrets = new Set(app.secrets.map((s) => s.name));
  const hostPorts = new Map<number, string>();

  for (const w of app.workloads) {
    w.dependsOn.forEach((d, i) => {
      const prop = `dependsOn[${i}]`;
      const target = byName.get(d.target);
      if (d.target === w.name) {
        problem(w.path, prop, d.target, 'is the workload itself; a workload cannot wait for itself');
        return;
      }
      if (!target) {
        problem(
          w.path,
          prop,
          d.target,
          `is not part of application '${app.name}'; depend only on its own services and jobs`,
        );
        return;
      }
      if (
        w.kind === 'service' &&
        target.kind === 'job' &&
        (target.cpu > w.cpu || target.memoryMiB > w.memoryMiB)
      ) {
        problem(
          w.path,
          prop,
          `${d.target} (cpu ${target.cpu}, memoryMiB ${target.memoryMiB})`,
          `runs inside the tasks of ${w.name} in the cloud, which only have cpu ${w.cpu} and memoryMiB ${w.memoryMiB}; give the job at most that, or the service more`,
        );
      }
      if (d.condition === 'healthy' && !target.healthCheck) {
        problem(
          w.path,
          prop,
          `${d.target} (healthy)`,
          `waits for ${d.target} to be healthy, but it has no health check; add one or use the 'started' condition`,
        );
      }
      if (d.condition === 'completed-successfully' && target.kind !== 'job') {
        problem(
          w.path,
          prop,
          `${d.target} (completed-successfully)`,
          `waits for ${d.target} to complete, but it is a long-running service; use 'started' or 'healthy', or make it a Job`,
        );
      }
      if (w.kind === 'service' && target.kind === 'job' && d.condition !== 'completed-successfully') {
        problem(
          w.path,
          prop,
          `${d.target} (${d.condition})`,
          `must wait for job ${d.target} with 'completed-successfully'; a job is not a service to be started or healthy`,
        );
      }
    });
    const mountPaths = new Set<string>();
    w.mounts.forEach((m, i) => {
      if (!volumes.has(m.volume))
        problem(w.path, `mounts[${i}].volume`, m.volume, `is not a volume of application '${app.name}'`);
      if (mountPaths.has(m.path))
        problem(
          w.path,
          `mounts[${i}].path`,
          m.path,
          'is already a mount point of this workload; mount each path once',
        );
      mountPaths.add(m.path);
    });
    for (const [key, ref] of Object.entries(w.secrets)) {
      if (!secrets.has(ref.secret))
        problem(w.path, `secrets.${key}`, ref.secret, `is not a secret of application '${app.name}'`);
      if (key in w.environment)
        problem(
          w.path,
          `secrets.${key}`,
          key,
          'is also a plain environment variable; set each variable once',
        );
    }
    for (const p of w.ports) {
      if (p.hostPort === undefined) continue;
      const owner = hostPorts.get(p.hostPort);
      if (owner)
        problem(
          w.path,
          'ports',
          `host port ${p.hostPort}`,
          `is already published by ${owner}; each host port can be published once locally`,
        );
      else hostPorts.set(p.hostPort, w.path);
    }
    for (const [key, value] of Object.entries(w.environment)) {
      if (SECRET_KEY.test(key) && value !== '') {
        warnings.push({
          id: WarningIds.ENV_LOOKS_LIKE_SECRET,
          path: w.path,
          message: `environment.${key} holds a literal value and its name looks like a credential; pass it with Secret so it stays out of the template and the compose file`,
        });
      }
    }
    if (w.kind === 'job' && !app.workloads.some((o) => o.dependsOn.some((d) => d.target === w.name))) {
      warnings.push({
        id: WarningIds.JOB_WITHOUT_DEPENDENTS,
        path: w.path,
        message: `job '${w.name}' runs locally, but no service depends on it, so the cloud twin has nowhere to run it; add a dependency on it`,
      });
    }
  }

  for (const cycle of findCycles(app.workloads, byName)) {
    const first = byName.get(cycle[0])!;
    problem(
      first.path,
      'dependsOn',
      cycle.join(' -> '),
      'is a dependency cycle; nothing in it could ever start',
    );
  }
  return { errors, warnings };
}

/** Every elementary cycle, reported once, starting at its alphabetically first member. */
function findCycles(workloads: readonly WorkloadSpec[], byName: Map<string, WorkloadSpec>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(d.target) || d.target === name) continue;
      if (state.get(d.target) === 'visiting') {
        const loop = stack.slice(stack.indexOf(d.target));
        const start = loop.indexOf([...loop].sort()[0]);
        const canonical = [...loop.slice(start), ...loop.slice(0, start)];
        cycles.set(canonical.join('>'), [...canonical, canonical[0]]);
      } else if (!state.has(d.target)) {
        visit(d.target);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const w of [...workloads].sort((a, b) => a.name.localeCompare(b.name)))
    if (!state.has(w.name)) visit(w.name);
  return [...cycles.values()];
}
