import { Duration, Token } from 'aws-cdk-lib';
import { invalid } from '../errors';
import {
  ContainerSettingsSpec,
  FARGATE_ADDABLE_CAPABILITIES,
  FARGATE_MAX_NOFILE,
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  HOST_GATEWAY,
  HOST_NAME_PATTERN,
  isIPv4,
  isIPv6,
  LABEL_KEY_PATTERN,
  LINUX_CAPABILITIES,
  LinuxCapabilityName,
  RESERVED_LABEL_PREFIXES,
  ULIMIT_NAMES,
  UlimitName,
  UlimitSpec,
} from '../model/container-settings';
import { wholeSeconds } from './durations';

/** A Linux capability, without the `CAP_` prefix (e.g. `'SYS_PTRACE'`); `'ALL'` stands for every one. */
export type Capability = LinuxCapabilityName;

/** A resource limit of the process, e.g. `nofile`. */
export type UlimitKind = UlimitName;

/** The soft and hard value of one resource limit. */
export interface UlimitOptions {
  /** The soft limit, at most `hard`. */
  readonly soft: number;
  /** The hard limit. */
  readonly hard: number;
}

/** Linux capabilities added to and dropped from Docker's default set. */
export interface CapabilityOptions {
  /**
   * Capabilities to add. Fargate adds only `SYS_PTRACE`, so any other is refused (the cloud twin could
   * not run it).
   * @default - none added
   */
  readonly add?: Capability[];
  /**
   * Capabilities to drop; `['ALL']` drops every one (add back the few the process needs with `add`).
   * @default - none dropped
   */
  readonly drop?: Capability[];
}

/** The container settings of a workload (see `WorkloadProps`). */
export interface ContainerSettingsProps {
  /**
   * Resource limits of the process, e.g. `{ nofile: { soft: 65536, hard: 65536 } }`, the same in both
   * twins (ECS `Ulimits`, compose `ulimits`). Fargate allows a `nofile` hard limit of at most 1048576.
   * @default - Cloud: the operating system's limits, except `nofile` 65535 (Fargate's). Local: Docker's
   * defaults (the engine's, often `nofile` 1048576)
   */
  readonly ulimits?: { [name: string]: UlimitOptions };
  /**
   * Size of `/dev/shm` in MiB. Local only (compose `shm_size`): Fargate cannot size it, so the cloud twin
   * keeps Fargate's; the parity check reports the stand-in `shared-memory`.
   * @default - Docker's 64 MiB locally; Fargate's own size in the cloud
   */
  readonly sharedMemoryMiB?: number;
  /**
   * Run an init process as PID 1 that forwards signals and reaps zombies, in both twins (ECS
   * `InitProcessEnabled`, compose `init: true`).
   * @default false - the image's entrypoint is PID 1 in both twins
   */
  readonly init?: boolean;
  /**
   * Time the process has to exit after SIGTERM before it is killed, in both twins (ECS `StopTimeout`,
   * compose `stop_grace_period`); Fargate allows at most 120 seconds.
   * @default - Cloud: 30 seconds (ECS). Local: 10 seconds (Docker)
   */
  readonly stopGracePeriod?: Duration;
  /**
   * Linux capabilities added to and dropped from Docker's default set, in both twins (ECS
   * `LinuxParameters` capabilities, compose `cap_add` / `cap_drop`).
   * @default - Docker's default set in both twins
   */
  readonly capabilities?: CapabilityOptions;
  /**
   * The container's host name. Local only (compose `hostname`): a Fargate task (awsvpc) has a host name of
   * its own; the parity check reports the stand-in `hostname`. Other workloads reach this one by its
   * `name` in both twins whatever this says.
   * @default - Local: the container id. Cloud: the task's own
   */
  readonly hostname?: string;
  /**
   * More names in `/etc/hosts`, name to IP address or `'host-gateway'` (the developer's machine), e.g.
   * `{ 'host.docker.internal': 'host-gateway' }`. Local only (compose `extra_hosts`): Fargate (awsvpc)
   * has no such setting, so the cloud twin cannot resolve these names; warning
   * `twinstack:extra-hosts-local-only`, stand-in `extra-hosts`.
   * @default - none
   */
  readonly extraHosts?: { [name: string]: string };
  /**
   * Labels of the container, the same in both twins (ECS `DockerLabels`, compose `labels`). Keys of
   * letters, digits, `.`, `-`, `_` and `/`; the prefixes `twinstack.` and `com.docker.compose.` are taken.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** A plain string known at synth time, or a ValidationError. */
function plainString(path: string, prop: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(path, prop, value, 'must be a string');
  if (Token.isUnresolved(value))
    throw invalid(path, prop, '(a token)', 'must be known at synth time so both twins get the same value');
  return value;
}

function checkUlimits(path: string, raw: unknown): Partial<Record<UlimitName, UlimitSpec>> {
  if (!isRecord(raw))
    throw invalid(
      path,
      'ulimits',
      raw,
      'must be a map of limit name to { soft, hard }, e.g. { nofile: { soft: 65536, hard: 65536 } }',
    );
  const out: Partial<Record<UlimitName, UlimitSpec>> = {};
  for (const [name, value] of Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!(ULIMIT_NAMES as readonly string[]).includes(name))
      throw invalid(path, 'ulimits', name, `is not a ulimit; use ${ULIMIT_NAMES.join(', ')}`);
    const prop = `ulimits.${name}`;
    const limit = value as Partial<UlimitOptions> | undefined;
    if (!isRecord(limit)) throw invalid(path, prop, value, 'must be { soft, hard }');
    const whole = (key: 'soft' | 'hard'): number => {
      const v = limit[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2147483647 || Token.isUnresolved(v))
        throw invalid(
          path,
          `${prop}.${key}`,
          v,
          'must be a whole number from 0 to 2147483647 (ECS limits are 32-bit)',
        );
      return v;
    };
    const soft = whole('soft');
    const hard = whole('hard');
    if (soft > hard)
      throw invalid(
        path,
        `${prop}.soft`,
        soft,
        `is above the hard limit ${hard}; the soft limit must be at most the hard one`,
      );
    if (name === 'nofile' && hard > FARGATE_MAX_NOFILE)
      throw invalid(
        path,
        `${prop}.hard`,
        hard,
        `is above ${FARGATE_MAX_NOFILE}, the highest nofile limit a Fargate task may set`,
      );
    out[name as UlimitName] = { soft, hard };
  }
  return out;
}

function checkCapabilityList(path: string, prop: string, raw: unknown): LinuxCapabilityName[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw))
    throw invalid(path, prop, raw, "must be a list of capabilities, e.g. ['NET_BIND_SERVICE']");
  const seen = new Set<string>();
  return raw.map((c, i) => {
    const name = typeof c === 'string' ? c.replace(/^CAP_/, '') : c;
    if (typeof name !== 'string' || !(LINUX_CAPABILITIES as readonly string[]).includes(name))
      throw invalid(
        path,
        `${prop}[${i}]`,
        c,
        'is not a Linux capability; use a name such as SYS_PTRACE, NET_BIND_SERVICE or ALL',
      );
    if (seen.has(name)) throw invalid(path, `${prop}[${i}]`, c, 'is given twice; give each capability once');
    seen.add(name);
    return name as LinuxCapabilityName;
  });
}

function checkCapabilities(path: string, raw: unknown): NonNullable<ContainerSettingsSpec['capabilities']> {
  if (!isRecord(raw)) throw invalid(path, 'capabilities', raw, 'must be { add?, drop? }');
  const add = checkCapabilityList(path, 'capabilities.add', raw.add);
  const drop = checkCapabilityList(path, 'capabilities.drop', raw.drop);
  add.forEach((c, i) => {
    if (!FARGATE_ADDABLE_CAPABILITIES.includes(c))
      throw invalid(
        path,
        `capabilities.add[${i}]`,
        c,
        `cannot be added on Fargate, which adds only ${FARGATE_ADDABLE_CAPABILITIES.join(', ')}; the cloud twin could not run the workload (dropping any capability is allowed)`,
      );
    if (drop.includes(c))
      throw invalid(
        path,
        `capabilities.add[${i}]`,
        c,
        'is also dropped; add or drop each capability, not both',
      );
  });
  return { add, drop };
}

function checkExtraHosts(path: string, raw: unknown): Record<string, string> {
  if (!isRecord(raw))
    throw invalid(
      path,
      'extraHosts',
      raw,
      "must be a map of host name to address, e.g. { 'host.docker.internal': 'host-gateway' }",
    );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!HOST_NAME_PATTERN.test(name))
      throw invalid(
        path,
        'extraHosts',
        name,
        'is not a host name; use letters, digits and "-" in dot-separated labels',
      );
    const address = plainString(path, `extraHosts.${name}`, value);
    if (address !== HOST_GATEWAY && !isIPv4(address) && !isIPv6(address))
      throw invalid(
        path,
        `extraHosts.${name}`,
        address,
        `must be an IPv4 or IPv6 address or '${HOST_GATEWAY}'`,
      );
    out[name] = address;
  }
  return out;
}

function checkLabels(path: string, raw: unknown): Record<string, string> {
  if (!isRecord(raw))
    throw invalid(
      path,
      'labels',
      raw,
      "must be a map of label key to value, e.g. { 'com.example.team': 'web' }",
    );
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!LABEL_KEY_PATTERN.test(key))
      throw invalid(
        path,
        'labels',
        key,
        'is not a label key; use 1 to 255 letters, digits, ".", "-", "_" or "/", starting and ending with a letter or digit',
      );
    const reserved = RESERVED_LABEL_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
    if (reserved)
      throw invalid(
        path,
        'labels',
        key,
        `starts with '${reserved}', which is reserved; choose a prefix of your own`,
      );
    out[key] = plainString(path, `labels.${key}`, value);
  }
  return out;
}

/** Checks the container settings of the workload at `path` and records those it declares. */
export function checkContainerSettings(path: string, props: ContainerSettingsProps): ContainerSettingsSpec {
  const settings: { -readonly [K in keyof ContainerSettingsSpec]: ContainerSettingsSpec[K] } = {};
  if (props.ulimits !== undefined) {
    const ulimits = checkUlimits(path, props.ulimits);
    if (Object.keys(ulimits).length) settings.ulimits = ulimits;
  }
  if (props.sharedMemoryMiB !== undefined) {
    const v = props.sharedMemoryMiB;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1048576 || Token.isUnresolved(v))
      throw invalid(
        path,
        'sharedMemoryMiB',
        v,
        'is out of range; use a whole number of MiB from 1 to 1048576',
      );
    settings.sharedMemoryMiB = v;
  }
  if (props.init !== undefined) {
    if (typeof props.init !== 'boolean') throw invalid(path, 'init', props.init, 'must be true or false');
    if (props.init) settings.init = true;
  }
  if (props.stopGracePeriod !== undefined) {
    if (
      props.stopGracePeriod instanceof Duration &&
      !Token.isUnresolved(props.stopGracePeriod.toMilliseconds())
    ) {
      const ms = props.stopGracePeriod.toMilliseconds();
      if (ms > FARGATE_MAX_STOP_TIMEOUT_SECONDS * 1000)
        throw invalid(
          path,
          'stopGracePeriod',
          `${ms / 1000} s`,
          `is longer than ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} seconds, the longest stopTimeout Fargate allows`,
        );
    }
    settings.stopGracePeriodSeconds = wholeSeconds(
      path,
      'stopGracePeriod',
      props.stopGracePeriod,
      0,
      FARGATE_MAX_STOP_TIMEOUT_SECONDS,
    );
  }
  if (props.capabilities !== undefined) {
    const caps = checkCapabilities(path, props.capabilities);
    if (caps.add.length || caps.drop.length) settings.capabilities = caps;
  }
  if (props.hostname !== undefined) {
    const hostname = plainString(path, 'hostname', props.hostname);
    if (!HOST_NAME_PATTERN.test(hostname) || hostname.length > 63)
      throw invalid(
        path,
        'hostname',
        hostname,
        'is not a host name; use 1 to 63 letters, digits, "-" or "."',
      );
    settings.hostname = hostname;
  }
  if (props.extraHosts !== undefined) {
    const hosts = checkExtraHosts(path, props.extraHosts);
    if (Object.keys(hosts).length) settings.extraHosts = hosts;
  }
  if (props.labels !== undefined) {
    const labels = checkLabels(path, props.labels);
    if (Object.keys(labels).length) settings.labels = labels;
  }
  return settings;
}
