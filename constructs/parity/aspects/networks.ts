import { compareStrings } from '../../model/order';
import { DEFAULT_LOCAL_NETWORKS, reachTargets } from '../../model/local-networks';
import type { ParityContext } from '../parity-context';
import { proxyNames } from './load-balancers';
import { ParityEntry, problem, same, standIn } from '../parity-report';
import type { CloudReachability } from '../security-groups';
import type { StandInKind } from '../stand-ins';

/** How one part may reach another: through the cloud's security groups, or as the model declares. */
interface Reach {
  readonly kind: 'same' | 'stand-in';
  readonly cloud: string;
  readonly standIn?: StandInKind;
  readonly reason?: string;
}

/**
 * Compares who can reach whom: the networks each compose service joins against the ingress rules of the
 * cloud twin's security groups, both ways, and each part's way out to the internet.
 *
 * - Two compose services that share a network reach each other locally: the cloud must admit one into
 *   the other (a dependent into a service, a connected workload into a data service, a load balancer into
 *   a routed service), or both must be clients of a third member of that network (a declared
 *   `shared-network`), or the model declares the reach of a part the cloud twin has no security group for
 *   (a stand-in of buckets, queues or tables; a job in its dependents' tasks; an optional part the stage
 *   leaves out). Anything else is an error: locally a container could reach what the cloud refuses. A
 *   pair is reported under the part the report compares (the cloud runs it, or it stands in for one); two
 *   parts the cloud twin runs neither of have nothing to be compared with.
 * - Every ingress rule of the cloud twin must have its two parts share a network locally, or the local
 *   twin refuses what the cloud admits.
 * - A workload whose security group lets it out to the internet has a network with a route out (not
 *   `internal`); a managed data service, whose group does not, has none (unless its port is published).
 */
export function compareNetworks(ctx: ParityContext, cloud: CloudReachability): ParityEntry[] {
  const local = ctx.local;
  const single = (ctx.spec?.localNetworks ?? DEFAULT_LOCAL_NETWORKS) === 'single';
  const members = new Map<string, string[]>();
  for (const [name, s] of local.services) {
    for (const n of s?.networks ?? []) members.set(n, [...(members.get(n) ?? []), name]);
  }
  const modelReach = new Map(
    (ctx.spec ? reachTargets(ctx.spec) : []).map((t) => [t.target, new Set(t.clients)]),
  );
  const proxies = proxyNames(ctx);
  const inCloud = (name: string) =>
    cloud.owners.has(name) || ctx.cloud.hostedJobs.has(name) || proxies.has(name);
  /** Whether the report compares the part under its own name: the cloud runs it, or it stands in for it. */
  const compared = (name: string) => inCloud(name) || ctx.managed.has(name);
  const hostsOf = (name: string) => (ctx.cloud.hostedJobs.get(name) ?? []).map((h) => h.host.name);

  /** Whether `client` may reach `target`: what admits it in the cloud, or what the model declares. */
  const reaches = (client: string, target: string): Reach | undefined => {
    const rules = cloud.reaches.filter((r) => r.from === client && r.to === target);
    if (rules.length)
      return {
        kind: 'same',
        cloud: `security group of ${target} admits ${client} (${rules.map((r) => r.ports).join(', ')})`,
      };
    if (proxies.has(client)) {
      const lb = cloud.reaches.find(
        (r) => r.to === target && (r.fromKind === 'load-balancer' || r.fromKind === 'outside'),
      );
      if (lb)
        return { kind: 'same', cloud: `security group of ${target} admits the load balancer (${lb.ports})` };
    }
    const host = hostsOf(client).find((h) => cloud.reaches.some((r) => r.from === h && r.to === target));
    if (host && !cloud.owners.has(client)) {
      return {
        kind: 'stand-in',
        cloud: `security group of ${target} admits the tasks of ${host}, which run ${client}`,
        standIn: 'job-placement',
        reason: `${client} runs in the tasks of ${host} in the cloud and shares their security group`,
      };
    }
    if (!modelReach.get(target)?.has(client)) return undefined;
    const managed = ctx.managed.get(target) ?? ctx.managed.get(client);
    if (managed?.kind === 'aws-resource') {
      return {
        kind: 'stand-in',
        cloud: `no security group: ${client} reaches ${managed.cloud} through the AWS API`,
        standIn: 'aws-resource',
        reason: `the model connects ${client} to ${target}, whose local stand-in it reaches over the network`,
      };
    }
    if (!inCloud(client) || !inCloud(target)) {
      const absent = !inCloud(client) ? client : target;
      const optional = ctx.spec?.workloads.find((w) => w.name === absent)?.profile !== undefined;
      return {
        kind: 'stand-in',
        cloud: `${absent} is not part of the cloud twin`,
        standIn: optional ? 'profile' : 'job-without-dependents',
        reason: `the model lets ${client} reach ${target}; the cloud twin does not run ${absent}`,
      };
    }
    return undefined;
  };

  const out: ParityEntry[] = [];
  for (const [network, names] of [...members].sort((x, y) => compareStrings(x[0], y[0]))) {
    const sorted = [...names].sort(compareStrings);
    for (const [i, first] of sorted.entries()) {
      for (const second of sorted.slice(i + 1)) {
        // A part the cloud twin does not run is compared only through what it shares a network with.
        if (!compared(first) && !compared(second)) continue;
        const [a, b] = compared(first) ? [first, second] : [second, first];
        const field = `networks.${network}.${b}`;
        const localText = `shares network ${network} with ${b}`;
        const direct = reaches(a, b) ?? reaches(b, a);
        if (direct) {
          out.push(
            direct.kind === 'same'
              ? same(a, field, direct.cloud, localText)
              : standIn(a, field, direct.cloud, localText, direct.standIn!, direct.reason!),
          );
          continue;
        }
        const common = sorted.find((t) => t !== a && t !== b && reaches(a, t) && reaches(b, t));
        if (common) {
          out.push(
            standIn(
              a,
              field,
              `${a} and ${b} each reach ${common} only`,
              localText,
              'shared-network',
              `both reach ${common} on its network, where they could also reach each other`,
            ),
          );
        } else if (single) {
          out.push(
            standIn(
              a,
              field,
              `no security-group rule between ${a} and ${b}`,
              localText,
              'shared-network',
              "the model's localNetworks 'single' puts every service on one network",
            ),
          );
        } else {
          out.push(
            problem(
              a,
              field,
              `no security-group rule between ${a} and ${b}`,
              localText,
              'locally they reach each other; the cloud admits neither into the other',
            ),
          );
        }
      }
    }
  }

  const share = (a: string, b: string) => {
    const na = local.services.get(a)?.networks ?? [];
    const nb = new Set(local.services.get(b)?.networks ?? []);
    return na.some((n) => nb.has(n));
  };
  const hostedBy = (host: string) =>
    [...ctx.cloud.hostedJobs].filter(([, hs]) => hs.some((h) => h.host.name === host)).map(([j]) => j);
  for (const r of [...cloud.reaches].sort((x, y) =>
    compareStrings(`${x.to} ${x.from}`, `${y.to} ${y.from}`),
  )) {
    if (!local.services.has(r.to)) continue;
    const field = `networks.reachedBy.${r.fromKind === 'workload' || r.fromKind === 'data-service' ? r.from : 'load-balancer'}`;
    const cloudText = `security group admits ${r.fromKind === 'outside' || r.fromKind === 'load-balancer' ? 'the load balancer' : r.from} (${r.ports})`;
    if (r.fromKind === 'load-balancer' || r.fromKind === 'outside') {
      if (![...proxies].some((p) => local.services.has(p) && share(p, r.to)))
        out.push(
          problem(
            r.to,
            field,
            cloudText,
            undefined,
            'no local proxy shares a network with it, so its routes fail',
          ),
        );
      continue;
    }
    if (!local.services.has(r.from) || share(r.from, r.to)) continue;
    const job = hostedBy(r.from).find((j) => local.services.has(j) && share(j, r.to));
    if (job) {
      out.push(
        standIn(
          r.to,
          field,
          cloudText,
          `reached by ${job} only`,
          'job-placement',
          `${job} runs in the tasks of ${r.from} in the cloud, whose security group the rule admits; locally only ${job} reaches ${r.to}`,
        ),
      );
    } else {
      out.push(
        problem(
          r.to,
          field,
          cloudText,
          `${r.from} shares no network with it`,
          `the cloud admits ${r.from}; locally it cannot reach ${r.to}`,
        ),
      );
    }
  }

  const routeOut = (name: string) =>
    (local.services.get(name)?.networks ?? []).some((n) => local.networks.get(n)?.internal !== true);
  for (const name of [...cloud.owners].sort(compareStrings)) {
    const s = local.services.get(name);
    if (!s) continue;
    const cloudOut = cloud.internetEgress.has(name);
    const localOut = routeOut(name);
    const cloudText = cloudOut ? 'outbound to the internet' : 'no outbound to the internet';
    const localText = localOut ? 'a network with a route out' : 'internal networks only';
    if (cloudOut === localOut) out.push(same(name, 'networks.egress', cloudText, localText));
    else if (localOut && s.published.length > 0)
      out.push(
        standIn(
          name,
          'networks.egress',
          cloudText,
          localText,
          'host-port',
          'an engine publishes no port of an internal network',
        ),
      );
    else if (localOut && single)
      out.push(
        standIn(
          name,
          'networks.egress',
          cloudText,
          localText,
          'shared-network',
          "the model's localNetworks 'single' has one network, with a route out",
        ),
      );
    else
      out.push(
        problem(
          name,
          'networks.egress',
          cloudText,
          localText,
          cloudOut
            ? 'the cloud lets it out to the internet; locally it has no way out'
            : 'locally it can reach the internet; the cloud lets it reach nothing outside',
        ),
      );
  }
  return out;
}
