import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { VOLUME_NAME_PATTERN, VOLUME_NAME_RULE } from '../names';
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

/**
 * The named volume that keeps the local data of data service `dataService` in the local twin: the one it
 * declares (`localVolumeName`), or `<name>-data`.
 */
export function localDataVolume(dataService: string, declared?: string): string {
  return declared ?? `${dataService}-data`;
}

/** A data service as the volume rules see it: its name and the local data volume it declares, if any. */
export interface DataVolumeOwner {
  readonly path: string;
  readonly name: string;
  /** The declared `localVolumeName`. */
  readonly volumeName?: string;
}

/**
 * Volume `volume` at `path` has the name of the local data volume of the data service at `owner`: locally
 * both would be one named volume. `second` says which of the two was declared later, for the message.
 */
export function dataVolumeTaken(
  second:
    | { readonly kind: 'volume'; readonly path: string; readonly name: string }
    | ({ readonly kind: 'data service' } & DataVolumeOwner),
  owner: string,
): ValidationProblem {
  const reason = 'locally both would be one named volume, so rename the volume';
  if (second.kind === 'volume') {
    return problem(
      second.path,
      'name',
      second.name,
      `is already used by ${owner} as its local data volume; ${reason}`,
    );
  }
  const volume = localDataVolume(second.name, second.volumeName);
  return second.volumeName !== undefined
    ? problem(
        second.path,
        'localVolumeName',
        second.volumeName,
        `is already used by ${owner}; locally both would be one named volume, so choose another localVolumeName`,
      )
    : problem(
        second.path,
        'name',
        second.name,
        `has the local data volume '${volume}', which is already used by ${owner}; ${reason}`,
      );
}

/** A declared `localVolumeName` of a data service whose stand-in keeps no data. */
export function dataVolumeWithoutData(path: string, volumeName: string): ValidationProblem {
  return problem(
    path,
    'localVolumeName',
    volumeName,
    'names a volume for local data, but this stand-in keeps none (a cache keeps data only with persistence: true)',
  );
}

/** Checks a declared `localVolumeName` (undefined when none is declared). */
export function checkLocalVolumeName(path: string, volumeName: unknown): ValidationProblem | undefined {
  return typeof volumeName === 'string' && VOLUME_NAME_PATTERN.test(volumeName)
    ? undefined
    : problem(path, 'localVolumeName', volumeName, VOLUME_NAME_RULE);
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
  const dataServices = app.dataServices ?? [];
  const owners = dataServices.map((d): DataVolumeOwner => ({
    path: d.path,
    name: d.name,
    ...(d.local.volumeName !== undefined ? { volumeName: d.local.volumeName } : {}),
  }));
  for (const v of app.volumes) {
    const owner = owners.find((d) => localDataVolume(d.name, d.volumeName) === v.name);
    if (owner) ctx.errors.push(dataVolumeTaken({ path: v.path, name: v.name, kind: 'volume' }, owner.path));
  }
  dataServices.forEach((ds, i) => {
    const declared = ds.local.volumeName;
    if (declared === undefined) return;
    const wrong = checkLocalVolumeName(ds.path, declared);
    if (wrong) ctx.errors.push(wrong);
    else if (!ds.local.dataPath) ctx.errors.push(dataVolumeWithoutData(ds.path, declared));
    const volume = localDataVolume(ds.name, declared);
    const owner = owners.find((o, j) => j !== i && localDataVolume(o.name, o.volumeName) === volume);
    if (owner) ctx.errors.push(dataVolumeTaken({ kind: 'data service', ...owners[i] }, owner.path));
  });
}
