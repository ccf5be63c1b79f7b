import type { ValidationProblem } from '../../errors';
import { byName, compareStrings } from '../order';
import type { WorkloadSpec } from '../spec';
import { isDeployed, RuleContext } from './context';
import { problem } from './problems';

/** A dependency on a job that runs on a schedule: nothing can wait for it. */
export function waitsForScheduledJob(path: string, prop: string, target: string): ValidationProblem {
  return problem(path, prop, target, 'runs on a schedule; nothing can wait for it to complete');
}

/**
 * A required dependency on `target`, an optional part of another profile: compose starts the dependent
 * without the part. `excludedFrom` names the cloud twin that leaves the part out while it includes the
 * dependent (e.g. `stage 'prod'`), if one does.
 */
export function requiresOptionalPart(
  path: string,
  prop: string,
  target: { readonly name: string; readonly profile: string },
  excludedFrom?: string,
): ValidationProblem {
  return problem(
    path,
    prop,
    target.name,
    `is an optional part (profile '${target.profile}')${
      excludedFrom !== undefined ? ` that ${excludedFrom} does not include in the cloud` : ''
    }, but this workload requires it; declare the dependency optional (e.g. Dependency.healthy(${target.name}, { optional: true })) or give this workload profile '${target.profile}' too`,
  );
}

/** A dependency on a data service that waits for it to complete: a data service runs until stopped. */
export function waitsForDataServiceToComplete(
  path: string,
  prop: string,
  target: { readonly name: string; readonly kind: string },
): ValidationProblem {
  return problem(
    path,
    prop,
    target.name,
    `is a data service (${target.kind}); it never completes: use Dependency.healthy(${target.name}) or Dependency.started(${target.name})`,
  );
}

/** An optional dependency on a data service: data services are part of every twin, never optional parts. */
export function optionalDataService(path: string, prop: string, target: string): ValidationProblem {
  return problem(
    path,
    prop,
    target,
    'is a data service, part of every twin; only an optional part (a workload with a profile) can be an optional dependency: drop `optional`',
  );
}

/** What the application's cloud twin is called in messages: its stage, or the application itself. */
export function cloudTwinName(app: { readonly name: string; readonly stage?: string }): string {
  return app.stage !== undefined ? `stage '${app.stage}'` : `application '${app.name}'`;
}

/**
 * Each dependency names a workload or a data service of the application that can be waited for in the way
 * it asks.
 */
export function checkDependencies(ctx: RuleContext): void {
  const { app, workloads, errors } = ctx;
  for (const w of app.workloads) {
    w.dependsOn.forEach((d, i) => {
      const prop = `dependsOn[${i}]`;
      const target = workloads.get(d.target);
      if (d.target === w.name) {
        errors.push(
          problem(w.path, prop, d.target, 'is the workload itself; a workload cannot wait for itself'),
        );
        return;
      }
      const dataService = target ? undefined : app.dataServices?.find((ds) => ds.name === d.target);
      if (dataService) {
        if (d.condition === 'completed-successfully')
          errors.push(waitsForDataServiceToComplete(w.path, prop, dataService));
        if (d.optional) errors.push(optionalDataService(w.path, prop, d.target));
        return;
      }
      if (!target) {
        errors.push(
          problem(
            w.path,
            prop,
            d.target,
            `is not part of application '${app.name}'; depend only on its own services, jobs and data services`,
          ),
        );
        return;
      }
      if (d.condition === 'healthy' && !target.healthCheck) {
        errors.push(
          problem(
            w.path,
            prop,
            `${d.target} (healthy)`,
            `waits for ${d.target} to be healthy, but it has no health check; add one or use the 'started' condition`,
          ),
        );
      }
      if (d.condition === 'completed-successfully' && target.kind !== 'job') {
        errors.push(
          problem(
            w.path,
            prop,
            `${d.target} (completed-successfully)`,
            `waits for ${d.target} to complete, but it is a long-running service; use 'started' or 'healthy', or make it a Job`,
          ),
        );
      }
      if (target.run?.kind === 'schedule') {
        errors.push(waitsForScheduledJob(w.path, prop, d.target));
        return;
      }
      if (!d.optional && target.profile !== undefined && target.profile !== w.profile) {
        const excluded = isDeployed(app, w) && !isDeployed(app, target);
        errors.push(
          requiresOptionalPart(
            w.path,
            prop,
            { name: target.name, profile: target.profile },
            excluded ? cloudTwinName(app) : undefined,
          ),
        );
      }
      if (w.kind === 'service' && target.kind === 'job' && d.condition !== 'completed-successfully') {
        errors.push(
          problem(
            w.path,
            prop,
            `${d.target} (${d.condition})`,
            `must wait for job ${d.target} with 'completed-successfully'; a job is not a service to be started or healthy`,
          ),
        );
      }
    });
  }
}

/** No workloads wait on each other in a cycle: nothing in it could ever start. */
export function checkDependencyCycles(ctx: RuleContext): void {
  const { app, workloads, errors } = ctx;
  for (const group of dependencyCycles(app.workloads, workloads)) {
    const first = workloads.get(group.cycle[0])!;
    const others = group.members.filter((m) => !group.cycle.includes(m));
    errors.push(
      problem(
        first.path,
        'dependsOn',
        group.cycle.join(' -> '),
        `is a dependency cycle${others.length ? ` (${group.members.join(', ')} all wait on each other)` : ''}; nothing in it could ever start`,
      ),
    );
  }
}

/** A set of workloads that wait on each other, and its shortest cycle through its first member. */
interface CycleGroup {
  readonly members: string[];
  readonly cycle: string[];
}
/**
 * Every group of workloads that wait on each other (strongly connected components of the dependency graph,
 * Tarjan's algorithm), so every cycle is reported, once, through the group it belongs to. Each group is
 * shown with its shortest cycle starting at its first member by name.
 */
function dependencyCycles(
  workloads: readonly WorkloadSpec[],
  all: ReadonlyMap<string, WorkloadSpec>,
): CycleGroup[] {
  const edges = (name: string) =>
    (all.get(name)?.dependsOn ?? [])
      .map((d) => d.target)
      .filter((t) => all.has(t) && t !== name)
      .sort(compareStrings);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: CycleGroup[] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const members: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      members.push(w);
    } while (w !== v);
    if (members.length > 1) {
      members.sort(compareStrings);
      groups.push({ members, cycle: shortestCycle(members[0], new Set(members), edges) });
    }
  };
  for (const w of [...workloads].sort(byName)) if (!index.has(w.name)) connect(w.name);
  return groups.sort((a, b) => compareStrings(a.members[0], b.members[0]));
}

/** Breadth-first search for the shortest path from `start` back to itself inside `within`. */
function shortestCycle(start: string, within: Set<string>, edges: (name: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges(v)) {
      if (!within.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
