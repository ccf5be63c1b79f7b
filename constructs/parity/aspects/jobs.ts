import { JOBS_PROFILE } from '../../model/profiles';
import type { JobRunSpec } from '../../model/spec';
import type { CloudService } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/** How the cloud twin starts a job with a task of its own. */
export function describeOwnTask(task: CloudService): string {
  return task.kind === 'scheduled-job'
    ? `ECS task on schedule ${task.schedule?.expression ?? '?'}`
    : 'ECS task run during deployments';
}

/** The presence of a job with a task of its own: how it is started in each twin. */
export function compareOwnTask(
  ctx: ParityContext,
  name: string,
  own: CloudService,
  local: ComposeService,
): ParityEntry[] {
  const run = ctx.spec?.workloads.find((w) => w.name === name)?.run;
  if (own.kind === 'scheduled-job') return _compareSchedule(name, own, local.profiles, run);
  if (run && run.kind !== 'deployment') {
    return [
      problem(
        name,
        'presence',
        describeOwnTask(own),
        'compose service',
        `the model runs it ${run.kind === 'schedule' ? 'on a schedule' : "in its dependents' tasks"}`,
      ),
    ];
  }
  // Its restart policy is compared with every workload's (aspects/restart.ts).
  return [
    standIn(
      name,
      'presence',
      'own ECS task, run by a custom resource during each deployment that changes it',
      'compose service (runs on every up)',
      'deployment-job',
      'a deployment-time job runs before what waits for it rolls out',
    ),
  ];
}

/** A scheduled job: on its schedule in the cloud, in the jobs profile locally. */
function _compareSchedule(
  name: string,
  own: CloudService,
  localProfiles: readonly string[],
  run: JobRunSpec | undefined,
): ParityEntry[] {
  const expression = own.schedule?.expression ?? '';
  const zone = own.schedule?.timeZone ? ` (${own.schedule.timeZone})` : '';
  if (!localProfiles.includes(JOBS_PROFILE)) {
    return [
      problem(
        name,
        'schedule',
        `${expression}${zone}`,
        localProfiles.join(', ') || undefined,
        `a scheduled job belongs to the local profile '${JOBS_PROFILE}'`,
      ),
    ];
  }
  if (
    run &&
    (run.kind !== 'schedule' ||
      run.expression !== expression ||
      (run.timeZone ?? 'Etc/UTC') !== (own.schedule?.timeZone ?? 'Etc/UTC'))
  ) {
    return [
      problem(
        name,
        'schedule',
        `${expression}${zone}`,
        run.kind === 'schedule' ? `${run.expression}${run.timeZone ? ` (${run.timeZone})` : ''}` : run.kind,
        'the cloud schedule is not the one the model declares',
      ),
    ];
  }
  return [
    standIn(
      name,
      'presence',
      `EventBridge Scheduler ${expression}${zone}`,
      `profile ${JOBS_PROFILE}: docker compose run --rm ${name}`,
      'scheduled-job',
      'a scheduled job runs on its schedule in the cloud and on demand locally',
    ),
  ];
}
