import type { ApplicationSpec } from '../model/spec';
import { byKey } from '../model/order';
import { DEFAULT_LOCAL_NETWORKS, reachTargets } from '../model/local-networks';
import type { ComposeNetwork, ComposeService } from './compose-types';

/**
 * The local twin's networks, laid out as the application's `localNetworks` says, joined to `services`:
 *
 * - `mirror-cloud`: a network per compose service, named like it, that the service and exactly what may
 *   reach it in the cloud twin join (see reachTargets); a data service's or a stand-in's network is
 *   `internal` (no route out of the engine), a workload's and a proxy's is not, which is how they reach
 *   the internet. Two clients of one target share its network, so locally they could reach each other's
 *   ports there (a declared difference: the cloud admits each client into the target only).
 * - `single`: compose's default network for every service; only the S3 stand-in's bucket host names are
 *   written, as aliases on it.
 */
export function joinNetworks(
  app: ApplicationSpec,
  services: Readonly<Record<string, ComposeService>>,
): { services: Record<string, ComposeService>; networks?: Record<string, ComposeNetwork> } {
  const out: Record<string, ComposeService> = { ...services };
  const targets = reachTargets(app).filter((t) => Object.hasOwn(services, t.target));
  if ((app.localNetworks ?? DEFAULT_LOCAL_NETWORKS) === 'single') {
    for (const t of targets) {
      if (t.aliases.length)
        out[t.target] = { ...out[t.target], networks: { default: { aliases: t.aliases } } };
    }
    return { services: out };
  }
  const joined = new Map<string, Record<string, { aliases?: readonly string[] }>>();
  const join = (service: string, network: string, aliases: readonly string[] = []) => {
    if (!Object.hasOwn(services, service)) return;
    const networks = joined.get(service) ?? {};
    networks[network] = aliases.length ? { aliases } : {};
    joined.set(service, networks);
  };
  const networks: Record<string, ComposeNetwork> = {};
  for (const t of targets) {
    networks[t.target] = t.internal ? { internal: true } : {};
    join(t.target, t.target, t.aliases);
    for (const c of t.clients) join(c, t.target);
  }
  for (const [service, nets] of joined) {
    out[service] = {
      ...out[service],
      networks: Object.fromEntries(Object.entries(nets).sort(byKey)),
    };
  }
  return { services: out, ...(Object.keys(networks).length ? { networks } : {}) };
}
