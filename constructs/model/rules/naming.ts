import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { problem } from './problems';

/**
 * `name` at `path` is already the name of `owner`; `reason` says why names must differ. The one text of
 * the rule, for the construct that is added second and for the whole model alike.
 */
export function nameTaken(
  path: string,
  prop: string,
  name: string,
  owner: string,
  reason: string,
): ValidationProblem {
  return problem(path, prop, name, `is already used by ${owner}; ${reason}`);
}

/** Why a workload and a data service (or a load balancer) may not share a name. */
export const COMPOSE_SERVICE_NAME = 'locally both would be compose services of that name';
/** Why two workloads may not share a name. */
export const WORKLOAD_NAME = 'workload names must be unique in an application';

/** Workloads, data services and load balancers each become a compose service: their names must differ. */
export function checkNames(ctx: RuleContext): void {
  const { app, workloads } = ctx;
  for (const w of app.workloads) {
    const first = workloads.get(w.name)!;
    if (first !== w) ctx.errors.push(nameTaken(w.path, 'name', w.name, first.path, WORKLOAD_NAME));
  }
  for (const ds of app.dataServices ?? []) {
    const owner = workloads.get(ds.name) ?? app.loadBalancers.find((l) => l.name === ds.name);
    if (owner) ctx.errors.push(nameTaken(ds.path, 'name', ds.name, owner.path, COMPOSE_SERVICE_NAME));
  }
  for (const lb of app.loadBalancers) {
    const owner = workloads.get(lb.name);
    if (owner) ctx.errors.push(nameTaken(lb.path, 'name', lb.name, owner.path, COMPOSE_SERVICE_NAME));
  }
}
