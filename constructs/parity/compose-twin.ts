import type { HealthCheckTiming } from '../model/health-check-timing';
import { compareStrings } from '../model/order';

/**
 * Reads the local twin of one application back from a compose document (parsed YAML): typed views of its
 * services, named volumes and inline configs. Only the document decides, never the model, so the parity
 * check compares what was really rendered. Text values are kept as written: `$$` still stands for a literal
 * `$` (see `literal`).
 */

/** Where the local proxy reads its configuration (the site configuration of the official `nginx` image). */
export const PROXY_CONFIG_TARGET = '/etc/nginx/conf.d/default.conf';

/** The `build` of a compose service. */
export interface ComposeBuild {
  /** The build context, relative to the compose file's directory. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly target?: string;
  /** Build arguments by name, values as written. */
  readonly args: Readonly<Record<string, string>>;
  readonly platforms?: readonly string[];
}

/** An enabled compose health check, with Docker's defaults for the timing it leaves out. */
export interface ComposeHealthCheck extends HealthCheckTiming {
  /** The test as written; undefined when the check inherits the image's. */
  readonly test?: readonly string[];
}

/** What a compose service waits for before it starts. */
export interface ComposeDependency {
  /** `service_started`, `service_healthy` or `service_completed_successfully`. */
  readonly condition: string;
  /** `restart: true`: compose restarts the service when the dependency restarts. */
  readonly restart: boolean;
  /** `required: false` makes the dependency optional. */
  readonly required: boolean;
}

/** A volume or bind mount of a compose service. */
export interface ComposeMount {
  readonly source: string;
  readonly readOnly: boolean;
  /** `volume`, `bind`, ... */
  readonly type: string;
}

/** One rule of a service's `develop.watch`. */
export interface ComposeWatchRule {
  readonly action: string;
  readonly path: string;
  readonly target?: string;
  readonly ignore: readonly string[];
}

/** One compose service. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly platform?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  /** `read_only: true`: the root filesystem is read-only. */
  readonly readOnly: boolean;
  /**
   * The `tmpfs` mounts (short syntax `tmpfs:` with its `mode=` option, and long-syntax `volumes` of type
   * tmpfs with `tmpfs.mode`), in order; `mode` as written (octal), when given.
   */
  readonly tmpfs: readonly { readonly path: string; readonly mode?: string }[];
  /** Variables by name; undefined for a name listed without a value. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** `env_file`: the dotenv files, as written (relative to the compose file). */
  readonly environmentFiles?: readonly string[];
  /** Published ports, host to container. */
  /** Published ports; `hostIp` is the address they listen on (absent: every interface). */
  readonly published: readonly {
    readonly host: number;
    readonly container: number;
    readonly hostIp?: string;
  }[];
  /** Ports exposed to other services only. */
  readonly exposed: readonly number[];
  /** The transport of each exposed or published container port (`tcp` unless written `/udp`). */
  readonly portProtocols: Readonly<Record<number, string>>;
  /** The container settings (see ContainerSettingsSpec), as written. */
  readonly settings: ComposeContainerSettings;
  readonly healthCheck?: ComposeHealthCheck;
  /** Dependencies by service name, in document order. */
  readonly dependsOn: ReadonlyMap<string, ComposeDependency>;
  /** Mounts by path in the container, in document order. */
  readonly mounts: ReadonlyMap<string, ComposeMount>;
  /** Configs mounted in long syntax (name of the top-level config and path in the container). */
  readonly configs: readonly { readonly source: string; readonly target: string }[];
  readonly profiles: readonly string[];
  /**
   * The networks the service joins (list or map form), sorted; compose's `default` for a service that
   * names none; none with a `network_mode`.
   */
  readonly networks: readonly string[];
  readonly restart?: string;
  /**
   * `develop.watch`: each rule as written (paths relative to the compose file, `ignore` a list, empty when
   * absent), in document order; empty without `develop`.
   */
  readonly watch: readonly ComposeWatchRule[];
  /** `deploy.replicas`, 1 when unset. */
  readonly replicas: number;
  /** `deploy.resources.limits`: CPUs and memory in MiB, when set. */
  readonly limits: { readonly cpus?: number; readonly memoryMiB?: number };
}

/** The container settings of a compose service. */
export interface ComposeContainerSettings {
  readonly ulimits: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  readonly init: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** `stop_grace_period` in seconds. */
  readonly stopGracePeriodSeconds?: number;
  /** Labels, values as written. */
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname?: string;
  /** `extra_hosts` as `name:address`. */
  readonly extraHosts: readonly string[];
  /** `shm_size` in MiB. */
  readonly sharedMemoryMiB?: number;
}

/** What a compose document holds for one application. */
export interface ComposeTwin {
  /** The project name. */
  readonly name?: string;
  /** Services by name, in document order; undefined for an empty entry. */
  readonly services: ReadonlyMap<string, ComposeService | undefined>;
  /** Names of the top-level volumes. */
  readonly namedVolumes: ReadonlySet<string>;
  /** Contents of the top-level configs that are inline, by name, as written. */
  readonly inlineConfigs: ReadonlyMap<string, string>;
  /** The top-level configs that are files, by name: the path as written (relative to the compose file). */
  readonly fileConfigs: ReadonlyMap<string, string>;
  /**
   * The top-level networks by name: whether each is `internal` (no route out of the engine). Compose's
   * `default` is listed only when the document declares it.
   */
  readonly networks: ReadonlyMap<string, { readonly internal: boolean }>;
}

type RawRecord = Readonly<Record<string, unknown>>;

/** The typed views of a parsed compose document. */
export function readComposeTwin(compose: unknown): ComposeTwin {
  const doc = _record(compose);
  const inlineConfigs = new Map<string, string>();
  const fileConfigs = new Map<string, string>();
  for (const [name, config] of Object.entries(_record(doc.configs))) {
    const { content, file } = _record(config);
    if (typeof content === 'string') inlineConfigs.set(name, content);
    else if (typeof file === 'string') fileConfigs.set(name, file);
  }
  return {
    ...(doc.name !== undefined && doc.name !== null ? { name: String(doc.name) } : {}),
    services: new Map(
      Object.entries(_record(doc.services)).map(([name, s]) => [name, s ? _service(_record(s)) : undefined]),
    ),
    namedVolumes: new Set(Object.keys(_record(doc.volumes))),
    inlineConfigs,
    fileConfigs,
    networks: new Map(
      Object.entries(_record(doc.networks)).map(([name, n]) => [
        name,
        { internal: _record(n).internal === true },
      ]),
    ),
  };
}

/** The literal a compose text stands for: `$$` is an escaped `$`. */
export function literal(text: string): string;
export function literal(text: string | undefined): string | undefined;
export function literal(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.replace(/\$\$/g, '$');
}

/** Whether a compose value is read from the environment (`${VAR}`, `${VAR:?message}`), not a literal. */
export function isInterpolation(value: string): boolean {
  return /(^|[^$])(\$\$)*\$(\{|[A-Za-z_])/.test(value);
}

function _service(s: RawRecord): ComposeService {
  const deploy = _record(s.deploy);
  const limits = _record(_record(deploy.resources).limits);
  const build = _build(s.build);
  const healthCheck = _healthCheck(s.healthcheck);
  const platform = _text(s.platform);
  const entrypoint = _list(s.entrypoint)?.map(String);
  const command = _list(s.command)?.map(String);
  const workingDir = _text(s.working_dir);
  const user = _text(s.user);
  const image = _text(s.image);
  return {
    ...(image !== undefined ? { image } : {}),
    ...(build ? { build } : {}),
    ...(platform !== undefined ? { platform } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(command ? { command } : {}),
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(user !== undefined ? { user } : {}),
    readOnly: s.read_only === true,
    tmpfs: _tmpfs(s.tmpfs, s.volumes),
    environment: Object.fromEntries(
      _entries(s.environment).map(([k, v]) => [k, v === undefined || v === null ? undefined : String(v)]),
    ),
    ...(s.env_file !== undefined
      ? {
          environmentFiles: (_list(s.env_file) ?? [s.env_file]).map((f) =>
            typeof f === 'object' && f !== null ? String((f as RawRecord).path) : String(f),
          ),
        }
      : {}),
    published: _published(s.ports),
    exposed: (_list(s.expose) ?? []).map((p) => Number(String(p).split('/')[0])),
    portProtocols: _portProtocols(s.expose, s.ports),
    settings: _settings(s),
    ...(healthCheck ? { healthCheck } : {}),
    dependsOn: _dependsOn(s.depends_on),
    mounts: _mounts(s.volumes),
    configs: (_list(s.configs) ?? []).flatMap((c) =>
      typeof c === 'object' && c !== null
        ? [{ source: String((c as RawRecord).source), target: String((c as RawRecord).target) }]
        : [],
    ),
    profiles: (_list(s.profiles) ?? []).map(String),
    networks: _networks(s),
    ...(s.restart !== undefined ? { restart: String(s.restart) } : {}),
    watch: _watch(s.develop),
    replicas: Number(deploy.replicas ?? 1),
    limits: {
      ...(limits.cpus !== undefined ? { cpus: Number(limits.cpus) } : {}),
      ...(limits.memory !== undefined ? { memoryMiB: _megabytes(String(limits.memory)) } : {}),
    },
  };
}

/** The rules of `develop.watch` (see ComposeService.watch). */
function _watch(raw: unknown): ComposeWatchRule[] {
  return (_list(_record(raw).watch) ?? []).map((r) => {
    const rule = _record(r);
    const target = _text(rule.target);
    const ignore = rule.ignore === undefined ? [] : (_list(rule.ignore) ?? [rule.ignore]).map(String);
    return {
      action: String(rule.action),
      path: String(rule.path),
      ...(target !== undefined ? { target } : {}),
      ignore,
    };
  });
}

/** The networks a service joins (see ComposeService.networks). */
function _networks(s: RawRecord): string[] {
  if (s.network_mode !== undefined && s.network_mode !== null) return [];
  if (s.networks === undefined || s.networks === null) return ['default'];
  const names = Array.isArray(s.networks) ? s.networks.map(String) : Object.keys(_record(s.networks));
  return [...new Set(names)].sort(compareStrings);
}

/** The transport of each port (`/udp` or `/tcp` after the short syntax, `protocol` in the long one). */
function _portProtocols(expose: unknown, ports: unknown): Record<number, string> {
  const out: Record<number, string> = {};
  for (const p of [...(_list(expose) ?? []), ...(_list(ports) ?? [])]) {
    if (typeof p === 'object' && p !== null) {
      const port = p as RawRecord;
      out[Number(port.target)] = String(port.protocol ?? 'tcp').toLowerCase();
      continue;
    }
    const [address, protocol = 'tcp'] = String(p).split('/');
    const container = Number(address.split(':').pop());
    out[container] = protocol.toLowerCase();
  }
  return out;
}

function _settings(s: RawRecord): ComposeContainerSettings {
  const ulimits: Record<string, { soft: number; hard: number }> = {};
  for (const [name, v] of Object.entries(_record(s.ulimits))) {
    ulimits[name] =
      typeof v === 'object' && v !== null
        ? { soft: Number((v as RawRecord).soft), hard: Number((v as RawRecord).hard) }
        : { soft: Number(v), hard: Number(v) };
  }
  const extraHosts = Array.isArray(s.extra_hosts)
    ? s.extra_hosts.map((h) => String(h).replace('=', ':'))
    : Object.entries(_record(s.extra_hosts)).map(([k, v]) => `${k}:${String(v)}`);
  const stop = s.stop_grace_period;
  const shm = s.shm_size;
  const hostname = _text(s.hostname);
  return {
    ulimits,
    init: s.init === true,
    capAdd: (_list(s.cap_add) ?? []).map(String),
    capDrop: (_list(s.cap_drop) ?? []).map(String),
    ...(stop !== undefined && stop !== null ? { stopGracePeriodSeconds: _seconds(stop, 0) } : {}),
    labels: Object.fromEntries(_entries(s.labels).map(([k, v]) => [k, v === undefined ? '' : String(v)])),
    ...(hostname !== undefined ? { hostname } : {}),
    extraHosts,
    ...(shm !== undefined && shm !== null
      ? { sharedMemoryMiB: typeof shm === 'number' ? shm / (1024 * 1024) : _megabytes(String(shm)) }
      : {}),
  };
}

function _build(raw: unknown): ComposeBuild | undefined {
  if (typeof raw === 'string') return { context: raw, args: {} };
  if (!raw) return undefined;
  const b = _record(raw);
  const dockerfile = _text(b.dockerfile);
  const target = _text(b.target);
  const platforms = _list(b.platforms)?.map(String);
  return {
    context: String(b.context),
    ...(dockerfile !== undefined ? { dockerfile } : {}),
    ...(target !== undefined ? { target } : {}),
    args: Object.fromEntries(_entries(b.args).map(([k, v]) => [k, String(v)])),
    ...(platforms ? { platforms } : {}),
  };
}

function _healthCheck(raw: unknown): ComposeHealthCheck | undefined {
  const h = _record(raw);
  if (!raw || h.disable) return undefined;
  const test = _list(h.test)?.map(String);
  return {
    ...(test ? { test } : {}),
    intervalSeconds: _seconds(h.interval, 30),
    timeoutSeconds: _seconds(h.timeout, 30),
    retries: Number(h.retries ?? 3),
    startPeriodSeconds: _seconds(h.start_period, 0),
    ...(h.start_interval !== undefined ? { startIntervalSeconds: _seconds(h.start_interval, 0) } : {}),
  };
}

function _published(raw: unknown): { host: number; container: number; hostIp?: string }[] {
  return (_list(raw) ?? []).flatMap((p) => {
    if (typeof p === 'object' && p !== null) {
      const port = p as RawRecord;
      return port.published === undefined
        ? []
        : [
            {
              host: Number(port.published),
              container: Number(port.target),
              ...(port.host_ip !== undefined ? { hostIp: String(port.host_ip) } : {}),
            },
          ];
    }
    // [HOST_IP:]HOST:CONTAINER[/PROTOCOL]; an IPv6 address is in brackets.
    const text = String(p).split('/')[0];
    const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
    const parts = (bracketed ? bracketed[2] : text).split(':');
    if (parts.length < 2) return [];
    const hostIp = bracketed ? bracketed[1] : parts.length > 2 ? parts.slice(0, -2).join(':') : undefined;
    return [
      {
        host: Number(parts[parts.length - 2]),
        container: Number(parts[parts.length - 1]),
        ...(hostIp !== undefined ? { hostIp } : {}),
      },
    ];
  });
}

function _dependsOn(raw: unknown): Map<string, ComposeDependency> {
  if (Array.isArray(raw))
    return new Map(
      raw.map((t) => [String(t), { condition: 'service_started', restart: false, required: true }]),
    );
  return new Map(
    Object.entries(_record(raw)).map(([t, v]) => {
      const d = _record(v);
      return [
        t,
        {
          condition: String(d.condition ?? 'service_started'),
          restart: d.restart === true,
          required: d.required !== false,
        },
      ];
    }),
  );
}

/** `tmpfs` entries (`/path` or `/path:option,...`) and long-syntax tmpfs mounts. */
function _tmpfs(raw: unknown, volumes: unknown): { path: string; mode?: string }[] {
  const short = (_list(raw) ?? []).map((t) => {
    const [path, options = ''] = String(t).split(/:(.*)/s);
    const mode = /(?:^|,)mode=([0-7]+)(?:,|$)/.exec(options)?.[1];
    return { path, ...(mode !== undefined ? { mode } : {}) };
  });
  const long = (_list(volumes) ?? []).flatMap((v) => {
    const m = _record(v);
    if (m.type !== 'tmpfs') return [];
    const mode = _record(m.tmpfs).mode;
    return [{ path: String(m.target), ...(mode !== undefined ? { mode: String(mode) } : {}) }];
  });
  return [...short, ...long];
}

function _mounts(raw: unknown): Map<string, ComposeMount> {
  const mounts = new Map<string, ComposeMount>();
  for (const v of _list(raw) ?? []) {
    if (typeof v === 'string') {
      const [source, target, mode] = v.split(':');
      mounts.set(target ?? source, {
        source,
        readOnly: mode === 'ro',
        type: source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume',
      });
    } else {
      const m = _record(v);
      if (m.type === 'tmpfs') continue;
      mounts.set(String(m.target), {
        source: String(m.source),
        readOnly: m.read_only === true,
        type: String(m.type ?? 'volume'),
      });
    }
  }
  return mounts;
}

function _record(x: unknown): RawRecord {
  return typeof x === 'object' && x !== null ? (x as RawRecord) : {};
}

function _list(x: unknown): unknown[] | undefined {
  if (x === undefined || x === null) return undefined;
  return Array.isArray(x) ? x : [x];
}

function _text(x: unknown): string | undefined {
  return x === undefined || x === null ? undefined : String(x);
}

/** A compose mapping in either form: `{ KEY: value }` or `['KEY=value', 'KEY']`. */
function _entries(x: unknown): [string, unknown][] {
  if (Array.isArray(x)) {
    return x.map((e) => {
      const s = String(e);
      const at = s.indexOf('=');
      return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
    });
  }
  return Object.entries(_record(x));
}

/** Seconds of a compose duration (`1m30s`, `20s`, `500ms`). */
function _seconds(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  for (const m of String(value).matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g))
    total += Number(m[1]) * units[m[2]];
  return total;
}

/** MiB of a compose memory size (`512M`, `1g`, `1024m`). */
function _megabytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgb]?)b?$/i.exec(value.trim());
  if (!m) return Number.NaN;
  const factor: Record<string, number> = {
    '': 1 / (1024 * 1024),
    b: 1 / (1024 * 1024),
    k: 1 / 1024,
    m: 1,
    g: 1024,
  };
  return Number(m[1]) * factor[m[2].toLowerCase()];
}
