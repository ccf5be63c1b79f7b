// The container settings real compose files use (ulimits, shm_size, init, stop_grace_period, cap_add and
// cap_drop, hostname, extra_hosts, labels), as the model records them, and what ECS Fargate can do with each.

/** Every resource limit a container's process may be given (ECS `Ulimit.name`, compose `ulimits` keys). */
export const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;

/** A resource limit of the container's process. */
export type UlimitName = (typeof ULIMIT_NAMES)[number];

/** A soft and a hard limit (the soft one at most the hard one). */
export interface UlimitSpec {
  readonly soft: number;
  readonly hard: number;
}

/**
 * Highest `nofile` hard limit a Fargate task may set (Fargate's own default is 65535 for both limits).
 */
export const FARGATE_MAX_NOFILE = 1048576;

/** The Linux capabilities both twins name the same way (ECS `KernelCapabilities`, compose `cap_add`). */
export const LINUX_CAPABILITIES = [
  'ALL',
  'AUDIT_CONTROL',
  'AUDIT_WRITE',
  'BLOCK_SUSPEND',
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'IPC_LOCK',
  'IPC_OWNER',
  'KILL',
  'LEASE',
  'LINUX_IMMUTABLE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'MKNOD',
  'NET_ADMIN',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_CHROOT',
  'SYS_MODULE',
  'SYS_NICE',
  'SYS_PACCT',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'SYSLOG',
  'WAKE_ALARM',
] as const;

/** A Linux capability, without the `CAP_` prefix; `ALL` stands for every one. */
export type LinuxCapabilityName = (typeof LINUX_CAPABILITIES)[number];

/** The only capabilities a Fargate task may add to Docker's default set. */
export const FARGATE_ADDABLE_CAPABILITIES: readonly LinuxCapabilityName[] = ['SYS_PTRACE'];

/** The longest `stopTimeout` Fargate accepts, in seconds. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/** Label key prefixes the library and compose keep for themselves. */
export const RESERVED_LABEL_PREFIXES: readonly string[] = ['twinstack.', 'com.docker.compose.'];

/** The container settings of a workload, each recorded only when the workload declares it. */
export interface ContainerSettingsSpec {
  /** Resource limits of the process (ECS `Ulimits`, compose `ulimits`). */
  readonly ulimits?: Readonly<Partial<Record<UlimitName, UlimitSpec>>>;
  /** Size of `/dev/shm` in MiB: compose `shm_size` locally; Fargate cannot set it (its own size). */
  readonly sharedMemoryMiB?: number;
  /** Run an init process as PID 1 (ECS `InitProcessEnabled`, compose `init`). */
  readonly init?: boolean;
  /** Time between SIGTERM and SIGKILL on stop (ECS `StopTimeout`, compose `stop_grace_period`). */
  readonly stopGracePeriodSeconds?: number;
  /** Capabilities added to and dropped from Docker's default set (ECS `LinuxParameters.Capabilities`). */
  readonly capabilities?: {
    readonly add: readonly LinuxCapabilityName[];
    readonly drop: readonly LinuxCapabilityName[];
  };
  /** The container's host name: compose `hostname` locally; a Fargate task keeps its own. */
  readonly hostname?: string;
  /** More `/etc/hosts` entries, name to address or `host-gateway`: compose `extra_hosts` locally only. */
  readonly extraHosts?: Readonly<Record<string, string>>;
  /** Labels of the container (ECS `DockerLabels`, compose `labels`). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the local twin gets in `extra_hosts` for the host machine: Docker's gateway to it. */
export const HOST_GATEWAY = 'host-gateway';

/** A host name: dot-separated labels of letters, digits and `-` (RFC 1123), at most 253 characters. */
export const HOST_NAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A label key: letters, digits, `.`, `-`, `_` and `/`, starting and ending with a letter or digit. */
export const LABEL_KEY_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._/-]{0,253}[A-Za-z0-9])?$/;

/** Whether `text` is an IPv4 address in dotted form. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Whether `text` is an IPv6 address (without brackets or zone). */
export function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  const last = all[all.length - 1];
  const v4 = last !== undefined && last.includes('.');
  if (v4 && !isIPv4(last)) return false;
  const hex = v4 ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

/** The compose `extra_hosts` entry of one name: `name:address` (1.29 and v2 read this form alike). */
export function extraHostEntry(name: string, address: string): string {
  return `${name}:${address}`;
}
