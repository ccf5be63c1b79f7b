import { compareStrings } from '../../model/order';
import type { WorkloadSpec } from '../../model/spec';
import { literal, type ComposeService } from '../compose-twin';
import type { CloudContainer } from '../cloud-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { compareValue, describeList, ParityEntry, problem, standIn } from '../parity-report';

/** The workload `name` of the model, when the check has one. */
function declared(ctx: ParityContext, name: string): WorkloadSpec | undefined {
  return ctx.spec?.workloads.find((w) => w.name === name);
}

/**
 * Which resource limits the local twin must have: those the model declares (a model written before it
 * recorded them: both); without a model, none is required (the renderer's mapping writes only declared ones).
 */
export function declaredResources(ctx: ParityContext, name: string): { cpu: boolean; memoryMiB: boolean } {
  if (!ctx.spec) return { cpu: false, memoryMiB: false };
  return declared(ctx, name)?.resourcesDeclared ?? { cpu: true, memoryMiB: true };
}

/**
 * One resource limit: the cloud's value against the local one. A local limit must equal the cloud's; a
 * missing one is the stand-in `default-resources` unless the model declares the resource.
 */
export function compareLimit(
  name: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
  isDeclared: boolean,
  prop: 'cpu' | 'memoryMiB',
): ParityEntry {
  if (local === undefined && cloud !== undefined) {
    return isDeclared
      ? problem(name, field, cloud, local, `the model declares ${prop}, but the local twin sets no limit`)
      : standIn(
          name,
          field,
          cloud,
          local,
          'default-resources',
          `the workload declares no ${prop}: the cloud twin has Fargate's default size, the local twin no limit`,
        );
  }
  return compareValue(name, field, cloud, local);
}

/**
 * The container settings of one container and its compose service: ulimits, the init process, the stop
 * timeout, capabilities and labels, which both twins have; shared memory, the host name and extra hosts,
 * which only the local twin has (stand-ins, when the model declares them); and the transport of each port.
 */
export function compareContainerSettings(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const c = i.container.settings;
  const l = local.settings;
  const out: ParityEntry[] = [];
  const limit = (u: { soft: number; hard: number } | undefined) =>
    u === undefined ? undefined : `soft ${u.soft}, hard ${u.hard}`;
  const ulimits = [...new Set([...Object.keys(c?.ulimits ?? {}), ...Object.keys(l.ulimits)])].sort(
    compareStrings,
  );
  for (const u of ulimits)
    out.push(compareValue(name, `ulimits.${u}`, limit(c?.ulimits[u]), limit(l.ulimits[u])));
  const flag = (on: boolean | undefined) => (on ? 'enabled' : undefined);
  out.push(compareValue(name, 'init', flag(c?.init), flag(l.init)));
  const caps = (list: readonly string[] | undefined) =>
    list?.length ? describeList([...list].sort(compareStrings)) : undefined;
  out.push(compareValue(name, 'capabilities.add', caps(c?.capAdd), caps(l.capAdd)));
  out.push(compareValue(name, 'capabilities.drop', caps(c?.capDrop), caps(l.capDrop)));
  const seconds = (s: number | undefined) => (s === undefined ? undefined : `${s} s`);
  out.push(
    compareValue(name, 'stopGracePeriod', seconds(c?.stopTimeoutSeconds), seconds(l.stopGracePeriodSeconds)),
  );
  const labels = [...new Set([...Object.keys(c?.labels ?? {}), ...Object.keys(l.labels)])].sort(
    compareStrings,
  );
  for (const k of labels) {
    const localValue = l.labels[k];
    out.push(
      compareValue(
        name,
        `labels.${k}`,
        c?.labels[k],
        localValue === undefined ? undefined : literal(localValue),
      ),
    );
  }
  out.push(...localOnly(ctx, name, c, local));
  if (!i.job) out.push(...comparePortTransports(name, i.container, local));
  return out;
}

/** What only the local twin has: shared memory, the host name and extra hosts, as the model declares. */
function localOnly(
  ctx: ParityContext,
  name: string,
  c: CloudContainer['settings'],
  local: ComposeService,
): ParityEntry[] {
  const w = declared(ctx, name);
  const l = local.settings;
  const out: ParityEntry[] = [];
  const check = (
    field: string,
    cloud: string | undefined,
    localValue: string | undefined,
    model: string | undefined,
    kind: 'shared-memory' | 'hostname' | 'extra-hosts',
    reason: string,
  ) => {
    if (cloud !== undefined)
      out.push(
        problem(
          name,
          field,
          cloud,
          localValue,
          'Fargate (awsvpc) does not support it; the task would not start',
        ),
      );
    else if (localValue === undefined) {
      if (model !== undefined)
        out.push(
          problem(
            name,
            field,
            cloud,
            localValue,
            'the model declares it, but the local twin does not set it',
          ),
        );
    } else if (ctx.spec && model !== localValue)
      out.push(
        problem(
          name,
          field,
          cloud,
          localValue,
          model === undefined ? 'the model does not declare it' : `the model declares ${model}`,
        ),
      );
    else out.push(standIn(name, field, cloud, localValue, kind, reason));
  };
  const mib = (v: number | undefined) => (v === undefined ? undefined : `${v} MiB`);
  check(
    'sharedMemory',
    mib(c?.sharedMemoryMiB),
    mib(l.sharedMemoryMiB),
    mib(w?.sharedMemoryMiB),
    'shared-memory',
    'Fargate cannot size /dev/shm: the local twin has the declared size, the cloud twin Fargate’s own',
  );
  check(
    'hostname',
    c?.hostname,
    l.hostname,
    w?.hostname,
    'hostname',
    'a Fargate task (awsvpc) keeps its own host name; other workloads reach it by its name in both twins',
  );
  const entries = new Map<string, string>();
  for (const e of l.extraHosts) {
    const at = e.indexOf(':');
    entries.set(at < 0 ? e : e.slice(0, at), at < 0 ? '' : e.slice(at + 1));
  }
  const cloudHosts = new Map<string, string>();
  for (const e of c?.extraHosts ?? []) {
    const at = e.indexOf(':');
    cloudHosts.set(e.slice(0, at), e.slice(at + 1));
  }
  const names = [...new Set([...entries.keys(), ...cloudHosts.keys(), ...Object.keys(w?.extraHosts ?? {})])];
  for (const h of names.sort(compareStrings)) {
    check(
      `extraHosts.${h}`,
      cloudHosts.get(h),
      entries.get(h),
      w?.extraHosts?.[h],
      'extra-hosts',
      'an /etc/hosts entry of the local twin only: the cloud twin cannot resolve this name (twinstack:extra-hosts-local-only)',
    );
  }
  return out;
}

/**
 * The transport of each port both twins have: the same in both (TCP, the default, is not listed); a UDP
 * port is the stand-in `udp-port`.
 */
function comparePortTransports(name: string, c: CloudContainer, local: ComposeService): ParityEntry[] {
  const out: ParityEntry[] = [];
  for (const port of [...new Set(c.ports)].sort((a, b) => a - b)) {
    const cloud = c.portProtocols?.[port] ?? 'tcp';
    const localProtocol = local.portProtocols[port];
    if (localProtocol === undefined) continue; // a port one twin lacks is reported by comparePorts
    const field = `ports[${port}].protocol`;
    if (cloud !== localProtocol) out.push(problem(name, field, cloud, localProtocol, 'the twins differ'));
    else if (cloud === 'udp')
      out.push(
        standIn(
          name,
          field,
          'udp, no Service Connect name',
          'udp',
          'udp-port',
          'Service Connect carries TCP only: other services reach this port by name only locally',
        ),
      );
  }
  return out;
}
