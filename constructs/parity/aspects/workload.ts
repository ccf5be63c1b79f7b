import { JOBS_PROFILE } from '../../model/profiles';
import type { CloudService } from '../cloud-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';
import { compareInstance } from './container';
import { compareOwnTask } from './jobs';
import { missingInCloud, missingLocally } from './presence';
import { compareRestart } from './restart';
import { compareStateful } from './stateful';

/**
 * Compares one workload (service or job) of either twin: its presence, its profile, how a job is started,
 * and every field of each container that runs it in the cloud.
 */
export function compareWorkload(ctx: ParityContext, name: string): ParityEntry[] {
  const local = ctx.local.services.get(name);
  const service = ctx.cloud.services.get(name);
  const hosted = ctx.cloud.hostedJobs.get(name) ?? [];
  const own = ctx.cloud.jobTasks.get(name);
  const instances: WorkloadInstance[] = service
    ? [{ host: service, container: service.containers.find((c) => c.name === name)!, job: false }]
    : own
      ? [{ host: own, container: own.containers.find((c) => c.name === name)!, job: true, ownTask: true }]
      : hosted.map((h) => ({ ...h, job: true }));
  if (!local) return missingLocally(name, service, own, hosted);
  if (instances.length === 0) return missingInCloud(ctx, name, local);

  // Compare every instance (a job runs in each dependent's task) and keep each distinct outcome once.
  const all = instances.flatMap((i) =>
    compareInstance(ctx, name, local, i).map((e) => ({ e, host: i.host.name })),
  );
  const out: ParityEntry[] = [..._compareProfile(ctx, name, own, local.profiles)];
  if (own) {
    out.push(...compareOwnTask(ctx, name, own, local));
  } else if (instances[0].job) {
    out.push(
      standIn(
        name,
        'presence',
        `container in tasks of ${instances.map((i) => i.host.name).join(', ')}`,
        'compose service (runs once)',
        'job-placement',
        'a job runs before its dependents in their own tasks in the cloud',
      ),
    );
  }
  const fields = [...new Set(all.map((x) => x.e.field))];
  for (const field of fields) {
    const outcomes = all.filter((x) => x.e.field === field);
    const distinct = new Map(
      outcomes.map((x) => [JSON.stringify([x.e.kind, x.e.cloud, x.e.local, x.e.reason]), x]),
    );
    if (distinct.size === 1 && outcomes.length === instances.length) out.push(outcomes[0].e);
    else
      for (const x of outcomes)
        out.push({
          ...x.e,
          ...(x.e.cloud !== undefined ? { cloud: `in task of ${x.host}: ${x.e.cloud}` } : {}),
        });
  }
  out.push(compareRestart(ctx, name, service ? 'service' : 'job', local));
  out.push(...compareStateful(ctx, name, service, local));
  return _dedupe(out);
}

/** The profile of a workload both twins run: an optional part of the model, or none. */
function _compareProfile(
  ctx: ParityContext,
  name: string,
  own: CloudService | undefined,
  localProfiles: readonly string[],
): ParityEntry[] {
  const profile = ctx.spec?.workloads.find((w) => w.name === name)?.profile;
  if (profile !== undefined) {
    return [
      localProfiles.includes(profile)
        ? standIn(
            name,
            'profile',
            `included (the stage enables ${profile})`,
            `profile ${profile}`,
            'profile',
            'an optional part: always running in this cloud twin, started on request locally',
          )
        : problem(
            name,
            'profile',
            `included (the stage enables ${profile})`,
            localProfiles.join(', ') || undefined,
            `the model puts it in profile '${profile}', but the local twin does not`,
          ),
    ];
  }
  if (localProfiles.length > 0 && !(own?.kind === 'scheduled-job' && localProfiles.join() === JOBS_PROFILE)) {
    return [
      problem(
        name,
        'profile',
        undefined,
        localProfiles.join(', '),
        'the local twin makes it optional; the model does not',
      ),
    ];
  }
  return [];
}

function _dedupe(entries: ParityEntry[]): ParityEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
