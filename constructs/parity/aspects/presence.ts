import type { CloudService } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { HostedJob, ParityContext } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';
import { describeOwnTask } from './jobs';

/** A workload the cloud twin runs and the local twin does not. */
export function missingLocally(
  name: string,
  service: CloudService | undefined,
  own: CloudService | undefined,
  hosted: readonly HostedJob[],
): ParityEntry[] {
  return [
    problem(
      name,
      'presence',
      service
        ? 'ECS service'
        : own
          ? describeOwnTask(own)
          : `container in tasks of ${hosted.map((h) => h.host.name).join(', ')}`,
      undefined,
      'the cloud twin runs it; the local twin has no such service',
    ),
  ];
}

/**
 * The data services the model declares (managed in the cloud) that the local twin has no container
 * standing in for: each is an error.
 */
export function missingStandIns(ctx: ParityContext): ParityEntry[] {
  return [...ctx.managed.values()]
    .filter((m) => !ctx.local.services.has(m.name))
    .map((m) =>
      problem(
        m.name,
        'presence',
        m.cloud,
        undefined,
        'the model declares it managed in the cloud with a local stand-in; the local twin has no such service',
      ),
    );
}

/**
 * A compose service the cloud twin has no container for: an optional part the stage leaves out, a data
 * service that is managed in the cloud, a job nothing waits for, or an error.
 */
export function missingInCloud(ctx: ParityContext, name: string, local: ComposeService): ParityEntry[] {
  const profile = ctx.spec?.workloads.find((w) => w.name === name)?.profile;
  if (profile !== undefined) {
    const included = (ctx.spec?.profiles ?? []).includes(profile);
    return [
      included
        ? problem(
            name,
            'presence',
            undefined,
            `compose service (profile ${local.profiles.join(', ') || '-'})`,
            `the stage includes profile '${profile}', but the cloud twin has no container of that name`,
          )
        : local.profiles.includes(profile)
          ? standIn(
              name,
              'presence',
              undefined,
              `compose service, profile ${profile}`,
              'profile',
              `an optional part (profile '${profile}') the cloud twin${ctx.spec?.stage ? ` of stage '${ctx.spec.stage}'` : ''} does not include`,
            )
          : problem(
              name,
              'presence',
              undefined,
              'compose service',
              `the model puts it in profile '${profile}', but the local twin does not`,
            ),
    ];
  }
  const managed = ctx.managed.get(name);
  if (managed)
    return [
      standIn(
        name,
        'presence',
        managed.cloud,
        managed.local,
        managed.kind ?? 'managed-service',
        managed.kind === 'aws-resource'
          ? "declared by the model's buckets and queues: S3 and SQS in the cloud, a stand-in or the job creating them locally"
          : 'declared by the model: managed in the cloud, a container locally',
      ),
    ];
  const specJob = ctx.spec?.workloads.find((w) => w.name === name && w.kind === 'job');
  if (specJob && ctx.unhostedJobs.has(name)) {
    return [
      standIn(
        name,
        'presence',
        undefined,
        'compose service (runs once)',
        'job-without-dependents',
        'a job no service of the cloud twin waits for has no task to run in (warning twinstack:job-without-dependents)',
      ),
    ];
  }
  return [
    problem(
      name,
      'presence',
      undefined,
      'compose service',
      'the local twin runs it; the cloud twin has no container of that name',
    ),
  ];
}
