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

/** The named volume that keeps the local data of data service `dataService` in the local twin. */
export function localDataVolume(dataService: string): string {
  return `${dataService}-data`;
}

/**
 * Volume `volume` at `path` has the name of the local data volume of the data service at `owner`: locally
 * both would be one named volume. `second` says which of the two was declared later, for the message.
 */
export function dataVolumeTaken(
  second: { readonly path: string; readonly name: string; readonly kind: 'volume' | 'data service' },
  owner: string,
): ValidationProblem {
  const reason = 'locally both would be one named volume, so rename the volume';
  return second.kind === 'volume'
    ? problem(
        second.path,
        'name',
        second.name,
        `is already used by ${owner} as its local data volume; ${reason}`,
      )
    : problem(
        second.path,
        'name',
        second.name,
        `has the local data volume '${localDataVolume(second.name)}', which is already used by ${owner}; ${reason}`,
      );
}

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
  for (const v of app.volumes) {
    const owner = (app.dataServices ?? []).find((d) => localDataVolume(d.name) === v.name);
    if (owner) ctx.errors.push(dataVolumeTaken({ path: v.path, name: v.name, kind: 'volume' }, owner.path));
  }
}
