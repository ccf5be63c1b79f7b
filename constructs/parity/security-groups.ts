/* eslint-disable @typescript-eslint/no-explicit-any */
import { DATA_SERVICE_TYPES, type CloudTwin } from './cloud-twin';

/**
 * Reads back from a synthesized template which parts of the cloud twin the security groups let reach
 * which: the ingress rules between the groups of the ECS services, the jobs' own tasks, the managed data
 * services and the load balancers, and whether each group lets its members out to the internet. Only the
 * template decides.
 */

/** What owns a security group. */
export type CloudReachOwnerKind = 'workload' | 'data-service' | 'load-balancer' | 'outside';

/** One ingress rule between two owners, with the ports it admits. */
export interface CloudReach {
  /** Name of the workload or data service the traffic comes from; the load balancer's logical id. */
  readonly from: string;
  readonly fromKind: CloudReachOwnerKind;
  /** Name of the workload or data service the rule admits the traffic into. */
  readonly to: string;
  readonly toKind: 'workload' | 'data-service';
  /** `tcp 5432`, `udp 53-54`, `all`. */
  readonly ports: string;
}

/** The cloud twin's security groups, read as reachability. */
export interface CloudReachability {
  readonly reaches: readonly CloudReach[];
  /** Workloads and data services whose security group admits outbound traffic to the internet. */
  readonly internetEgress: ReadonlySet<string>;
  /** Workloads and data services with a security group in the template. */
  readonly owners: ReadonlySet<string>;
}

/**
 * The reachability of `cloud`'s parts in `template`. `dataServiceOf` names the data service a resource of
 * the template belongs to (by logical id), when the model declares one.
 */
export function readCloudReachability(
  template: any,
  cloud: CloudTwin,
  dataServiceOf: (logicalId: string) => string | undefined,
): CloudReachability {
  const resources: Record<string, any> = template?.Resources ?? {};
  const owners = new Map<string, { name: string; kind: CloudReachOwnerKind }>();
  const own = (resourceId: string, name: string, kind: CloudReachOwnerKind) => {
    for (const sg of _groupsIn(resources, resources[resourceId]?.Properties)) {
      if (!owners.has(sg)) owners.set(sg, { name, kind });
    }
  };
  for (const s of [...cloud.services, ...cloud.jobTasks]) own(s.logicalId, s.name, 'workload');
  for (const [id, r] of Object.entries(resources)) {
    if (DATA_SERVICE_TYPES.has(r?.Type)) {
      const name = dataServiceOf(id);
      if (name !== undefined) own(id, name, 'data-service');
    } else if (r?.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
      own(id, id, 'load-balancer');
    }
  }
  const reaches: CloudReach[] = [];
  const admit = (groupId: any, rule: any) => {
    const to = owners.get(_groupOf(resources, groupId) ?? '');
    if (!to || (to.kind !== 'workload' && to.kind !== 'data-service')) return;
    if (rule?.SourceSecurityGroupId === undefined) return;
    const fromGroup = _groupOf(resources, rule.SourceSecurityGroupId);
    const from = fromGroup !== undefined ? owners.get(fromGroup) : undefined;
    // A group of neither kind in the template (an EFS mount target's) is not a part that connects.
    if (fromGroup !== undefined && !from) return;
    reaches.push({
      from: from?.name ?? JSON.stringify(rule.SourceSecurityGroupId),
      fromKind: from?.kind ?? 'outside',
      to: to.name,
      toKind: to.kind,
      ports: _ports(rule),
    });
  };
  const internetEgress = new Set<string>();
  for (const [id, r] of Object.entries(resources)) {
    if (r?.Type === 'AWS::EC2::SecurityGroupIngress') admit(r.Properties?.GroupId, r.Properties);
    if (r?.Type !== 'AWS::EC2::SecurityGroup') continue;
    for (const rule of [].concat(r.Properties?.SecurityGroupIngress ?? [])) admit({ Ref: id }, rule);
    const owner = owners.get(id);
    const open = []
      .concat(r.Properties?.SecurityGroupEgress ?? [])
      .some((e: any) => e?.CidrIp === '0.0.0.0/0' || e?.CidrIpv6 === '::/0');
    if (owner && open) internetEgress.add(owner.name);
  }
  for (const r of Object.values(resources)) {
    if (r?.Type !== 'AWS::EC2::SecurityGroupEgress') continue;
    const owner = owners.get(_groupOf(resources, r.Properties?.GroupId) ?? '');
    if (owner && (r.Properties?.CidrIp === '0.0.0.0/0' || r.Properties?.CidrIpv6 === '::/0'))
      internetEgress.add(owner.name);
  }
  return {
    reaches,
    internetEgress,
    owners: new Set(
      [...owners.values()]
        .filter((o) => o.kind === 'workload' || o.kind === 'data-service')
        .map((o) => o.name),
    ),
  };
}

/** The security group of the template a value names (`Fn::GetAtt [sg, GroupId]` or `Ref`), if it does. */
function _groupOf(resources: Record<string, any>, value: any): string | undefined {
  const id =
    value && typeof value === 'object'
      ? Array.isArray(value['Fn::GetAtt'])
        ? value['Fn::GetAtt'][0]
        : value.Ref
      : undefined;
  return typeof id === 'string' && resources[id]?.Type === 'AWS::EC2::SecurityGroup' ? id : undefined;
}

/** Every security group of the template that `properties` name, anywhere inside them. */
function _groupsIn(resources: Record<string, any>, properties: any): string[] {
  const out: string[] = [];
  const visit = (x: any) => {
    if (!x || typeof x !== 'object') return;
    const sg = _groupOf(resources, x);
    if (sg !== undefined) {
      out.push(sg);
      return;
    }
    for (const v of Array.isArray(x) ? x : Object.values(x)) visit(v);
  };
  visit(properties);
  return out;
}

/** The ports of a rule, for reports. */
function _ports(rule: any): string {
  const protocol = String(rule?.IpProtocol ?? 'tcp');
  if (protocol === '-1') return 'all';
  const from = rule?.FromPort;
  const to = rule?.ToPort;
  return `${protocol} ${from === to ? from : `${from}-${to}`}`;
}
