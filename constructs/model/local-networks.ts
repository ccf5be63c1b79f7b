import { compareStrings } from './order';
import { AWS_INIT_JOB, connectedResource, queueStandIn, S3_STAND_IN } from './rules/aws-resources';
import { DYNAMODB_STAND_IN } from './rules/tables';
import { SNS_STAND_IN } from './rules/topics';
import type { ApplicationSpec, AwsResourceKind } from './spec';

/**
 * How the local twin lays out its networks: `mirror-cloud` gives every compose service a network of its
 * own, which exactly those that may reach it in the cloud twin join; `single` puts every service on
 * compose's one default network, where each reaches every other.
 */
export type LocalNetworksMode = 'mirror-cloud' | 'single';

/** Every LocalNetworksMode. */
export const LOCAL_NETWORKS_MODES: readonly LocalNetworksMode[] = ['mirror-cloud', 'single'];

/** The layout of a model that names none (models written before the choice existed included). */
export const DEFAULT_LOCAL_NETWORKS: LocalNetworksMode = 'mirror-cloud';

/** What the application's `localNetworks` must be: the one text of the rule, for the construct and the model. */
export const LOCAL_NETWORKS_RULE =
  "must be 'mirror-cloud' (a network per service, joined only by what reaches it in the cloud) or 'single' (one network, every service reaches every other)";

/** Whether `mode` is a LocalNetworksMode. */
export function isLocalNetworksMode(mode: unknown): mode is LocalNetworksMode {
  return typeof mode === 'string' && (LOCAL_NETWORKS_MODES as readonly string[]).includes(mode);
}

/** What a local network is the way in to. */
export type ReachTargetKind = 'workload' | 'load-balancer' | 'data-service' | 'aws-stand-in';

/**
 * One compose service and what may reach it, as the cloud twin admits connections: the network of the
 * local twin named like the target, joined by the target and its clients.
 */
export interface ReachTarget {
  /** The compose service the network leads to; also the network's name. */
  readonly target: string;
  readonly kind: ReachTargetKind;
  /** The compose services that may reach it, sorted, without the target. */
  readonly clients: readonly string[];
  /**
   * Whether the network has no route out of the engine (compose `internal: true`): a managed data
   * service's security group admits no outbound traffic, and a stand-in needs none; a stand-in whose port
   * is published on the host keeps the route, as an engine publishes no port of an internal network.
   */
  readonly internal: boolean;
  /** More host names the target answers to on its network (the S3 stand-in's `<bucket>.aws-s3`). */
  readonly aliases: readonly string[];
}

/** The local stand-in of a kind of resource: moto holds the queues of an application with topics. */
function standInOf(kind: AwsResourceKind, app: ApplicationSpec): string {
  const standIns: Readonly<Record<AwsResourceKind, string>> = {
    bucket: S3_STAND_IN,
    queue: queueStandIn(app.awsResources),
    topic: SNS_STAND_IN,
    table: DYNAMODB_STAND_IN,
  };
  return standIns[kind];
}

/**
 * The reachability the cloud twin gives the model, one entry per compose service of the local twin:
 *
 * - a service: reached by the workloads that depend on it (the cloud admits a dependent's security group
 *   on its ports; none for a service without ports) and by the proxy of each load balancer that routes to
 *   it;
 * - a job and a load balancer's proxy: reached by nothing (their network is their way out);
 * - a data service: reached by the workloads connected to it (`connectTo`), internal;
 * - the stand-in of buckets, queues or tables: reached by the workloads connected to one of them and by
 *   the init job that creates them (in the cloud the SDK reaches AWS's own endpoints), internal;
 *
 * and the init job of the stand-ins, on their networks only. A dependency on a data service admits no
 * connection in the cloud, so it joins no network.
 */
export function reachTargets(app: ApplicationSpec): ReachTarget[] {
  const clients = new Map<string, Set<string>>();
  const add = (target: string, client: string) => {
    if (target === client) return;
    const set = clients.get(target) ?? new Set<string>();
    set.add(client);
    clients.set(target, set);
  };
  // A service without ports has no way in: the cloud opens none of its ports to a dependent.
  const services = new Set(
    app.workloads.filter((w) => w.kind === 'service' && w.ports.length > 0).map((w) => w.name),
  );
  for (const w of app.workloads) {
    for (const d of w.dependsOn) if (services.has(d.target)) add(d.target, w.name);
    for (const c of w.connections ?? []) add(c.target, w.name);
    for (const c of w.resourceConnections ?? []) {
      const r = connectedResource(app.awsResources ?? [], c);
      if (r) add(standInOf(r.kind, app), w.name);
    }
  }
  for (const lb of app.loadBalancers) for (const r of lb.routes) add(r.service, lb.name);
  const out: ReachTarget[] = [];
  const of = (target: string) => [...(clients.get(target) ?? [])].sort(compareStrings);
  for (const w of app.workloads) {
    out.push({ target: w.name, kind: 'workload', clients: of(w.name), internal: false, aliases: [] });
  }
  for (const lb of app.loadBalancers) {
    out.push({ target: lb.name, kind: 'load-balancer', clients: [], internal: false, aliases: [] });
  }
  for (const ds of app.dataServices ?? []) {
    const internal = ds.local.hostPort === undefined;
    out.push({ target: ds.name, kind: 'data-service', clients: of(ds.name), internal, aliases: [] });
  }
  const resources = app.awsResources ?? [];
  const targets = [...new Set(resources.map((r) => standInOf(r.kind, app)))];
  for (const target of targets) {
    const buckets = resources.filter((r) => r.kind === 'bucket' && target === S3_STAND_IN);
    out.push({
      target,
      kind: 'aws-stand-in',
      clients: [...new Set([...of(target), AWS_INIT_JOB])].sort(compareStrings),
      internal: true,
      aliases: buckets.map((b) => `${b.localName}.${S3_STAND_IN}`).sort(compareStrings),
    });
  }
  return out.sort((a, b) => compareStrings(a.target, b.target));
}
