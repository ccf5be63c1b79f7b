import { extraHostEntry } from '../model/container-settings';
import type { WorkloadSpec } from '../model/spec';
import type { ComposeService } from './compose-types';

// The container settings of a workload in the local twin (compose `init`, `cap_add`, `cap_drop`,
// `ulimits`, `shm_size`, `hostname`, `extra_hosts`, `labels`, `stop_grace_period`), and its resource
// limits, which it has only where the workload declares them.

/** Literal text in a compose file: `$` starts an interpolation there, so it is doubled. */
function escape(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** The compose keys of the settings `w` declares, in the order the renderer writes them. */
export function renderContainerSettings(w: WorkloadSpec): Partial<ComposeService> {
  const ulimits = Object.entries(w.ulimits ?? {});
  return {
    ...(w.init ? { init: true } : {}),
    ...(w.capabilities?.add.length ? { cap_add: [...w.capabilities.add] } : {}),
    ...(w.capabilities?.drop.length ? { cap_drop: [...w.capabilities.drop] } : {}),
    ...(ulimits.length
      ? { ulimits: Object.fromEntries(ulimits.map(([n, l]) => [n, { soft: l!.soft, hard: l!.hard }])) }
      : {}),
    ...(w.sharedMemoryMiB !== undefined ? { shm_size: `${w.sharedMemoryMiB}m` } : {}),
    ...(w.hostname !== undefined ? { hostname: w.hostname } : {}),
    ...(w.extraHosts
      ? { extra_hosts: Object.entries(w.extraHosts).map(([name, address]) => extraHostEntry(name, address)) }
      : {}),
    ...(w.labels
      ? { labels: Object.fromEntries(Object.entries(w.labels).map(([k, v]) => [k, escape(v)])) }
      : {}),
    ...(w.stopGracePeriodSeconds !== undefined ? { stop_grace_period: `${w.stopGracePeriodSeconds}s` } : {}),
  };
}

/**
 * The local resource limits of `w`: `cpus` and `memory` each only when the workload declares it (a model
 * written before `resourcesDeclared` existed: both); none at all when it declares neither.
 */
export function renderLocalLimits(w: WorkloadSpec): Pick<ComposeService, 'deploy'> {
  const declared = w.resourcesDeclared ?? { cpu: true, memoryMiB: true };
  const limits = {
    ...(declared.cpu ? { cpus: String(w.cpu / 1024) } : {}),
    ...(declared.memoryMiB ? { memory: `${w.memoryMiB}M` } : {}),
  };
  return Object.keys(limits).length ? { deploy: { resources: { limits } } } : {};
}

/** A port in compose's short syntax, with `/udp` for a UDP port (TCP is compose's default). */
export function withTransport(port: string, protocol: string): string {
  return protocol === 'udp' ? `${port}/udp` : port;
}
