import { defaultRestart, RESTART_POLICIES } from '../../model/restart';
import type { RestartPolicyName, WorkloadKind } from '../../model/spec';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';

/** What ECS does, which no prop changes: it replaces a service's stopped task, and runs a job once per task. */
const CLOUD: Record<WorkloadKind, string> = {
  service: 'ECS replaces a stopped task',
  job: 'runs once per task',
};

/**
 * The local restart policy of a workload: the one the model declares (without a model, the renderer's
 * mapping: any policy of the kind), or the default. A policy that means what ECS does (`always`,
 * `unless-stopped` for a service; `no` for a job) is the same; another is the stand-in `restart-policy`;
 * a compose `restart` other than the model's is an error.
 */
export function compareRestart(
  ctx: ParityContext,
  name: string,
  kind: WorkloadKind,
  local: ComposeService,
): ParityEntry {
  const declared = ctx.spec?.workloads.find((w) => w.name === name)?.restart;
  const actual = local.restart;
  const allowed = ctx.spec
    ? [declared ?? defaultRestart(kind)]
    : (RESTART_POLICIES[kind] as readonly string[]);
  if (actual === undefined || !allowed.includes(actual)) {
    return problem(
      name,
      'restart',
      CLOUD[kind],
      actual,
      `the model's local restart policy is ${allowed.join(' or ')}`,
    );
  }
  const policy = actual as RestartPolicyName;
  const likeEcs = kind === 'service' ? policy === 'always' || policy === 'unless-stopped' : policy === 'no';
  return likeEcs
    ? same(name, 'restart', CLOUD[kind], policy)
    : standIn(
        name,
        'restart',
        CLOUD[kind],
        policy,
        'restart-policy',
        kind === 'service'
          ? `ECS has no restart policy: it replaces a stopped task; locally compose restarts it ${policy === 'no' ? 'never' : 'only after a failure'}`
          : 'ECS runs a job once per task; locally compose runs it again after a failure',
      );
}
