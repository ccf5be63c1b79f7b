import type { RestartPolicyName, WorkloadKind } from './spec';

/** The restart policies a workload may declare, by kind: a job runs to completion, so it never restarts once it has. */
export const RESTART_POLICIES: Record<WorkloadKind, readonly RestartPolicyName[]> = {
  service: ['always', 'unless-stopped', 'on-failure', 'no'],
  job: ['no', 'on-failure'],
};

/** The local restart policy of a workload that declares none. */
export function defaultRestart(kind: WorkloadKind): RestartPolicyName {
  return kind === 'job' ? 'no' : 'unless-stopped';
}

/** Why a policy is refused, for the message: what the kind allows. */
export function restartRule(kind: WorkloadKind): string {
  return kind === 'job'
    ? 'is not a restart policy of a job; use "no" or "on-failure" (a job runs to completion, and its dependents wait for that)'
    : 'is not a restart policy; use "always", "unless-stopped", "on-failure" or "no"';
}
