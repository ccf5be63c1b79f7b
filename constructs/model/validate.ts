import { describeValue, ValidationProblem } from '../errors';
import type { ApplicationSpec, RouteSpec, SecretReferenceSpec, WorkloadSpec } from './spec';
import { byName, compareStrings } from './order';
import { conditionsKey } from './route-conditions';

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
  /** A load balancer without routes: it answers every request with 404 in both twins. */
  LOAD_BALANCER_WITHOUT_ROUTES: 'twinstack:load-balancer-without-routes',
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

  const enabled = new Set(app.profiles ?? []);
  const declared = new Set(app.workloads.flatMap((w) => (w.profile !== undefined ? [w.profile] : [])));
  for (const p of [...enabled].sort(compareStrings)) {
    if (!declared.has(p)) {
      problem(
        app.path,
        'profiles',
        p,
        `is not the profile of any workload; ${declared.size ? `the profiles are ${[...declared].sort(compareStrings).join(', ')}` : 'no workload has a profile'}`,
      );
    }
  }
  for (const w of app.workloads) {
    if (w.kind === 'service' || (w.run !== undefined && w.run.kind !== 'dependents')) {
      // ECS counts the container-level sizes of the jobs in a task against the task's size.
      const jobs = hostedJobs(w, byName);
      for (const j of jobs) {
        if (j.cpuArchitecture !== w.cpuArchitecture) {
          problem(
            j.path,
            'cpuArchitecture',
            j.cpuArchitecture,
            `differs from ${w.kind === 'service' ? 'service' : 'job'} '${w.name}' (${w.cpuArchitecture}), in whose tasks the job's container runs in the cloud; a task runs one CPU architecture, so give the job ${w.cpuArchitecture} too`,
          );
        }
      }
      const cpu = jobs.reduce((sum, j) => sum + j.cpu, 0);
      const memory = jobs.reduce((sum, j) => sum + j.memoryMiB, 0);
      if (cpu > w.cpu || memory > w.memoryMiB) {
        problem(
          w.path,
          'cpu',
          `${w.cpu} (memoryMiB ${w.memoryMiB})`,
          `is less than the job${jobs.length > 1 ? 's' : ''} ${jobs.map((j) => j.name).join(', ')} running inside its tasks in the cloud need (cpu ${cpu}, memoryMiB ${memory}); give the service more or the jobs less`,
        );
      }
    }
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
      if (target.run?.kind === 'schedule') {
        problem(
          w.path,
          prop,
          `${d.target} (${d.condition})`,
          `waits for ${d.target}, which runs on a schedule (${target.run.expression}); nothing can wait for a scheduled job`,
        );
        return;
      }
      if (!d.optional && target.profile !== undefined && target.profile !== w.profile) {
        const off = (app.profiles ?? []).includes(target.profile)
          ? ''
          : ', which the cloud twin does not include';
        problem(
          w.path,
          prop,
          d.target,
          `is an optional part (profile '${target.profile}'${off}), but this workload requires it; declare the dependency optional or give this workload profile '${target.profile}' too`,
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
      if (Object.hasOwn(w.environment, key))
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
    const files = new Set((w.configFiles ?? []).map((f) => f.path));
    const fileDirectories = new Set(
      (w.configFiles ?? []).map((f) => f.path.slice(0, f.path.lastIndexOf('/'))),
    );
    w.mounts.forEach((m, i) => {
      if (files.has(m.path) || fileDirectories.has(m.path)) {
        problem(
          w.path,
          `mounts[${i}].path`,
          m.path,
          'is also where a config file is written (its directory is a task volume in the cloud twin); mount the volume elsewhere',
        );
      }
    });
  }
  for (const w of jobsWithoutHost(app)) {
    warnings.push({
      id: WarningIds.JOB_WITHOUT_DEPENDENTS,
      path: w.path,
      message: `job '${w.name}' runs locally, but no service of the cloud twin waits for it (directly or through the jobs that wait for it), so the cloud twin has nowhere to run it; add a dependency on it`,
    });
  }

  // Locally a secret is read from one .env variable: two secrets (or fields) under one name would silently
  // get the same value, while the cloud twin reads two.
  const secretVariables = new Map<string, SecretReferenceSpec>();
  const describeRef = (r: SecretReferenceSpec) =>
    `secret '${r.secret}'${r.field !== undefined ? ` (field '${r.field}')` : ''}`;
  const checkVariable = (path: string, prop: string, ref: SecretReferenceSpec) => {
    const seen = secretVariables.get(ref.localVariable);
    if (!seen) secretVariables.set(ref.localVariable, ref);
    else if (seen.secret !== ref.secret || seen.field !== ref.field)
      problem(
        path,
        prop,
        ref.localVariable,
        `is the local variable of ${describeRef(ref)} and of ${describeRef(seen)}; locally one variable holds one value, so give one of them another localVariable`,
      );
  };
  for (const ds of app.dataServices ?? []) {
    for (const [key, ref] of Object.entries(ds.local.secrets))
      checkVariable(ds.path, `local.secrets.${key}`, ref);
    if (ds.values.password) checkVariable(ds.path, 'values.password', ds.values.password);
  }
  for (const w of app.workloads) {
    for (const [key, ref] of Object.entries(w.secrets)) checkVariable(w.path, `secrets.${key}`, ref);
  }

  const dataServices = new Map((app.dataServices ?? []).map((d) => [d.name, d]));
  for (const ds of app.dataServices ?? []) {
    const owner = byName.get(ds.name) ?? app.loadBalancers.find((l) => l.name === ds.name);
    if (owner)
      problem(
        ds.path,
        'name',
        ds.name,
        `is also the name of ${owner.path}; locally both would be compose services of that name`,
      );
    if (ds.local.hostPort !== undefined) {
      const portOwner = hostPorts.get(ds.local.hostPort);
      if (portOwner)
        problem(
          ds.path,
          'hostPort',
          ds.local.hostPort,
          `is already published by ${portOwner}; each host port can be published once locally`,
        );
      else hostPorts.set(ds.local.hostPort, ds.path);
    }
  }
  for (const w of app.workloads) {
    for (const c of w.connections ?? []) {
      if (!dataServices.has(c.target)) {
        problem(w.path, 'connectTo', c.target, `is not a data service of application '${app.name}'`);
      }
    }
  }
  const routed = new Set(app.loadBalancers.flatMap((lb) => lb.routes.map((r) => r.service)));
  for (const w of app.workloads) {
    if (w.autoScaling?.requestsPerTarget !== undefined && !routed.has(w.name)) {
      problem(
        w.path,
        'autoScale.requestsPerTarget',
        w.autoScaling.requestsPerTarget,
        'needs a route to the service: requests are counted per load-balancer target',
      );
    }
  }
  for (const lb of app.loadBalancers) {
    const owner = byName.get(lb.name);
    if (owner) {
      problem(
        lb.path,
        'name',
        lb.name,
        `is also the name of ${owner.path}; locally the load balancer is a compose service of that name`,
      );
    }
    const portOwner = hostPorts.get(lb.localPort);
    if (portOwner)
      problem(
        lb.path,
        'localPort',
        lb.localPort,
        `is already published by ${portOwner}; each host port can be published once locally`,
      );
    else hostPorts.set(lb.localPort, lb.path);
    if (lb.routes.length === 0) {
      warnings.push({
        id: WarningIds.LOAD_BALANCER_WITHOUT_ROUTES,
        path: lb.path,
        message: `load balancer '${lb.name}' has no routes, so it answers every request with 404 in both twins; add one with addRoute() (a route without conditions takes every request)`,
      });
    }
    const seenConditions = new Map<string, string>();
    const seenPriorities = new Map<number, string>();
    for (const route of lb.routes) {
      const target = byName.get(route.service);
      if (!target || target.kind !== 'service') {
        problem(route.path, 'service', route.service, `is not a service of application '${app.name}'`);
      } else if (!target.ports.some((p) => p.containerPort === route.port)) {
        problem(route.path, 'port', route.port, `is not a container port of service '${route.service}'`);
      }
      const key = conditionsKey(route.conditions);
      const same = seenConditions.get(key);
      if (same)
        problem(
          route.path,
          'conditions',
          describeConditions(route),
          `are the same as those of route '${same}'; the second route could never match`,
        );
      else seenConditions.set(key, route.name);
      if (route.priority !== undefined) {
        const clash = seenPriorities.get(route.priority);
        if (clash)
          problem(
            route.path,
            'priority',
            route.priority,
            `is also the priority of route '${clash}'; give each route its own priority`,
          );
        else seenPriorities.set(route.priority, route.name);
      }
    }
  }

  for (const group of dependencyCycles(app.workloads, byName)) {
    const first = byName.get(group.cycle[0])!;
    const others = group.members.filter((m) => !group.cycle.includes(m));
    problem(
      first.path,
      'dependsOn',
      group.cycle.join(' -> '),
      `is a dependency cycle${others.length ? ` (${group.members.join(', ')} all wait on each other)` : ''}; nothing in it could ever start`,
    );
  }
  return { errors, warnings };
}

function describeConditions(route: RouteSpec): string {
  const c = route.conditions;
  const parts = [
    ...c.pathPatterns.map((p) => `path ${p}`),
    ...c.hostHeaders.map((h) => `host ${h}`),
    ...Object.entries(c.httpHeaders).map(([k, v]) => `${k}: ${v.join('|')}`),
    ...c.queryStrings.map((q) => `?${q.key ?? '*'}=${q.value}`),
  ];
  return parts.length ? parts.join(', ') : '(catch-all)';
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
function dependencyCycles(workloads: readonly WorkloadSpec[], all: Map<string, WorkloadSpec>): CycleGroup[] {
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

/**
 * Jobs that run in their dependents' tasks but that no service of the cloud twin (nor a job with a task of
 * its own) waits for, directly or through other jobs: the cloud twin has nowhere to run them.
 */
export function jobsWithoutHost(app: ApplicationSpec): WorkloadSpec[] {
  const byName = new Map(app.workloads.map((w) => [w.name, w]));
  const hosted = new Set<string>();
  for (const w of app.workloads) {
    const host = w.kind === 'service' || (w.run !== undefined && w.run.kind !== 'dependents');
    const deployed = w.profile === undefined || (app.profiles ?? []).includes(w.profile);
    if (host && deployed) for (const j of hostedJobs(w, byName)) hosted.add(j.name);
  }
  return app.workloads.filter(
    (w) => w.kind === 'job' && (w.run === undefined || w.run.kind === 'dependents') && !hosted.has(w.name),
  );
}

/**
 * Every job that runs in the tasks of `service` (or of a job with its own task): the jobs it waits for that
 * run in their dependents' tasks, and the jobs those wait for.
 */
function hostedJobs(service: WorkloadSpec, all: Map<string, WorkloadSpec>): WorkloadSpec[] {
  const found = new Map<string, WorkloadSpec>();
  const visit = (w: WorkloadSpec) => {
    for (const d of w.dependsOn) {
      const target = all.get(d.target);
      // Jobs with a task of their own (deployment-time, scheduled) do not run inside this one.
      const inside = target?.kind === 'job' && (target.run === undefined || target.run.kind === 'dependents');
      if (target && inside && !found.has(target.name)) {
        found.set(target.name, target);
        visit(target);
      }
    }
  };
  visit(service);
  return [...found.values()].sort(byName);
}
