import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { AWS_INIT_JOB, S3_STAND_IN, SQS_STAND_IN } from '../../constructs/model/rules/aws-resources';
import { DYNAMODB_STAND_IN } from '../../constructs/model/rules/tables';
import { SNS_STAND_IN } from '../../constructs/model/rules/topics';
import type { LoadedCompose, ServiceDefinition } from './load-compose';
import type { FidelityEntry, ImportReport } from './report';
import { dotted } from './report';

/**
 * One way a service of the original compose project and the same service of the generated application's
 * local twin differ, once both are read by `loadCompose` and what Compose reads alike is made alike.
 */
export interface RoundTripDifference {
  /** The compose service. */
  readonly service: string;
  /**
   * Where it is, as a compose path: `['services', 'web', 'environment', 'X']`. A list entry matched in
   * both (a port, a mount, a capability) has the original's index; one only the local twin has, the
   * list's path (`['services', 'web', 'ports']`).
   */
  readonly path: readonly (string | number)[];
  /** The original's value there (normalized); `undefined` when it has none. */
  readonly original: unknown;
  /** The local twin's value there (normalized); `undefined` when it has none. */
  readonly rendered: unknown;
  /** The report's approximated or dropped entry that says so, when there is one. */
  readonly declaredBy?: FidelityEntry;
}

/** The comparison of an original compose project with the local twin of what it was imported as. */
export interface RoundTripResult {
  /** Every difference, in service order, then in the order of the aspects compared. */
  readonly differences: RoundTripDifference[];
  /** The differences no approximated or dropped entry of the report declares. */
  readonly undeclared: RoundTripDifference[];
  /**
   * The services the local twin has that the original has not and that twinstack adds by design: the
   * AWS stand-ins (`aws-s3`, `aws-sqs`, `aws-sns`, `aws-dynamodb`), their init job `aws-init`, and the
   * nginx proxy of each load balancer. Not differences.
   */
  readonly added: string[];
}

/** How both projects were read. */
export interface RoundTripOptions {
  /**
   * The shell's variables both projects were read with (`loadCompose`'s `environment`): a pass-through
   * variable of the original (`- VAR`, which Compose takes from the shell when it creates the container,
   * and leaves out when the shell has none) is compared as the value it gets there.
   * @default - a pass-through variable is compared as `null`, unlike any value
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

type Path = readonly (string | number)[];
type Emit = (relative: Path, original: unknown, rendered: unknown) => void;

/** A side of the comparison: one service as read, with the project it was read from. */
interface Side {
  readonly project: LoadedCompose;
  readonly service: ServiceDefinition;
  readonly options: RoundTripOptions;
}

/** The services the local twin adds for the cloud's AWS resources, by their fixed names. */
const AWS_STAND_INS: readonly string[] = [
  S3_STAND_IN,
  SQS_STAND_IN,
  SNS_STAND_IN,
  DYNAMODB_STAND_IN,
  AWS_INIT_JOB,
];

/** Where a load balancer's nginx stand-in reads its generated configuration. */
const PROXY_CONFIG_TARGET = '/etc/nginx/conf.d/default.conf';

/** Compose's defaults for what a service leaves out, made explicit before comparing. */
const DEFAULTS = {
  healthcheck: { interval: 30_000, timeout: 30_000, retries: 3, start_period: 0, start_interval: 5_000 },
  restart: 'no',
  init: false,
  read_only: false,
  /** Milliseconds. */
  stop_grace_period: 10_000,
  /** Docker's /dev/shm: 64 MiB. */
  shm_size: 64 * 1024 * 1024,
  privileged: false,
} as const;

/**
 * The keys compared aspect by aspect below; every other key of a service is compared as a whole, except
 * those twinstack adds by design or that are outside this comparison ({@link NOT_COMPARED}).
 */
const ASPECTS = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'healthcheck',
  'depends_on',
  'profiles',
  'volumes',
  'tmpfs',
  'configs',
  'ports',
  'expose',
  'restart',
  'ulimits',
  'shm_size',
  'user',
  'init',
  'stop_grace_period',
  'read_only',
  'cap_add',
  'cap_drop',
  'working_dir',
  'hostname',
  'extra_hosts',
  'labels',
  'platform',
  'privileged',
  'cpus',
  'mem_limit',
  'scale',
  'deploy',
  'networks',
]);

/**
 * Keys not compared: `pull_policy` (when to pull is the developer's choice, not the application's) and
 * `x-*` extensions (Compose does not read them).
 */
const NOT_COMPARED = new Set(['pull_policy']);

/**
 * Compares the original compose project with the generated application's local twin, read back with the
 * same `loadCompose`, service by service, and says which differences the import report declares.
 *
 * Made alike before comparing, as Compose reads them alike:
 * - compose defaults made explicit: health check timings (interval 30s, timeout 30s, retries 3,
 *   start_period 0, start_interval 5s) and `test: [NONE]` as `disable: true`; `restart: no`, `init`,
 *   `read_only` and `privileged` false, `stop_grace_period` 10s, `shm_size` 64 MiB; a port's protocol
 *   `tcp`, mode `ingress` and host address `0.0.0.0` when none; `expose` entries `/tcp`; a mount's
 *   `read_only` false; `depends_on` without `restart` as `restart: false` (the loader already gives the
 *   short form `service_started` and `required: true`);
 * - image references: `nginx`, `nginx:latest`, `library/nginx`, `docker.io/library/nginx:latest` alike;
 *   a service that builds is compared by its build, not by the name it gives the built image;
 * - paths resolved against each project's directory: build contexts, bind-mount sources, `env_file`
 *   entries and the files of configs; a dockerfile relative to its context as one path (`./Dockerfile`
 *   is `Dockerfile`);
 * - a pass-through variable (`- VAR`, in `environment` or `build.args`) as the shell's value, when
 *   `options.environment` gives the shell both were read with;
 * - a named volume's top-level `name`, `external`, `driver` (but `local`) and `driver_opts` compared
 *   with each mount of it;
 * - a config mounted from a file as a read-only bind mount of that file (the local twin carries a single
 *   configuration file so); `tmpfs:` entries as tmpfs mounts, their `mode` not compared (the local twin
 *   makes each writable path world-writable with the sticky bit, as the cloud twin does);
 * - `cpus` and `mem_limit` as `deploy.resources.limits`, `scale` as `deploy.replicas`; without
 *   `restart`, `deploy.restart_policy` as the restart policy Compose gives the container;
 * - a port in `expose` that `ports` publishes as not written there (Compose exposes what it publishes);
 * - order where Compose gives it no meaning: ports, mounts (by target), capabilities (upper case, without
 *   `CAP_`), `expose`, `profiles`, labels, ulimits, extra hosts' addresses; `env_file` keeps its order;
 * - what interpolation does (`$$`, `${VAR:-default}`) is already done by the loader on both sides.
 *
 * Not differences, as twinstack adds them by design: the services in {@link RoundTripResult.added} and
 * the original services' dependencies on them; the networks of the local twin (it lays them out to
 * mirror the cloud's reachability): only a network the original service joins by name (not `default`)
 * and the local twin's service does not is a difference; `pull_policy` and `x-*` keys. Anything else the
 * local twin adds (`read_only: true`, a tmpfs, `init`, a platform, resource limits, a label, a variable)
 * is a difference.
 *
 * Keys compared aspect by aspect give a difference per entry (a variable, a port, a mount, a
 * dependency); any other key down to its values (`logging.driver`), a list entry by entry when one side
 * lacks it; a service only one side has, at the service.
 *
 * A difference is declared when the report has an `approximated` or `dropped` entry whose path is the
 * difference's or a prefix of it (the longest one is `declaredBy`): an entry at `['services', 'db']`
 * covers every difference of `db` (a `postgres` container that became a Database, whose stand-in has
 * twinstack's image, environment and health check). A `depends_on` or `links` difference about a service
 * the local twin does not have is declared by the report's entry of that service.
 */
export function compareRoundTrip(
  original: LoadedCompose,
  rendered: LoadedCompose,
  report: ImportReport,
  options: RoundTripOptions = {},
): RoundTripResult {
  const differences: RoundTripDifference[] = [];
  const added = Object.keys(rendered.services)
    .filter((name) => !Object.hasOwn(original.services, name) && addedByDesign(rendered, name))
    .sort();
  const addedSet = new Set(added);
  const names = [
    ...Object.keys(original.services),
    ...Object.keys(rendered.services).filter((n) => !Object.hasOwn(original.services, n) && !addedSet.has(n)),
  ];
  for (const name of names) {
    const emit: Emit = (relative, o, r) => {
      if (!isDeepStrictEqual(o, r))
        differences.push({ service: name, path: ['services', name, ...relative], original: o, rendered: r });
    };
    const o = original.services[name];
    const r = rendered.services[name];
    if (!Object.hasOwn(original.services, name) || !Object.hasOwn(rendered.services, name)) {
      emit([], o, r);
      continue;
    }
    compareService(
      { project: original, service: o, options },
      { project: rendered, service: r, options },
      emit,
      addedSet,
    );
  }
  const declaring = report.entries.filter((e) => e.fidelity !== 'mapped');
  const declared = differences.map((d) => {
    // The most specific entry says most about it.
    const covering = (p: Path) =>
      declaring.filter((e) => isPrefix(e.path, p)).sort((a, b) => b.path.length - a.path.length)[0];
    let entry = covering(d.path);
    // A dependency on a service the local twin has not: what the report says of that service.
    const on = dependencyTarget(d);
    if (!entry && on !== undefined && !Object.hasOwn(rendered.services, on))
      entry = covering(['services', on]);
    return entry ? { ...d, declaredBy: entry } : d;
  });
  return { differences: declared, undeclared: declared.filter((d) => !d.declaredBy), added };
}

/** The differences one a line, `service: path: original → rendered`, the undeclared ones marked. */
export function summarizeRoundTrip(result: RoundTripResult): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return result.differences
    .map(
      (d) =>
        `${d.declaredBy ? '  ' : '! '}${d.service}: ${dotted(d.path.slice(2)) || '(service)'}: ${show(d.original)} → ${show(d.rendered)}` +
        (d.declaredBy ? ` (${d.declaredBy.fidelity} at ${dotted(d.declaredBy.path)})` : ''),
    )
    .join('\n');
}

/** The service a `depends_on` or `links` difference is about. */
function dependencyTarget(d: RoundTripDifference): string | undefined {
  if (d.path[2] === 'depends_on' && d.path.length >= 4) return String(d.path[3]);
  if (d.path[2] === 'links' && typeof d.original === 'string') return d.original.split(':')[0];
  return undefined;
}

function isPrefix(prefix: Path, p: Path): boolean {
  return prefix.length <= p.length && prefix.every((segment, i) => String(segment) === String(p[i]));
}

/** An AWS stand-in or init job by its name, or a load balancer's nginx proxy by its generated configuration. */
function addedByDesign(rendered: LoadedCompose, name: string): boolean {
  if (AWS_STAND_INS.includes(name)) return true;
  const configs = rendered.services[name].configs ?? [];
  return configs.some(
    (c) => c.target === PROXY_CONFIG_TARGET && typeof rendered.configs[c.source]?.content === 'string',
  );
}

function compareService(o: Side, r: Side, emit: Emit, added: ReadonlySet<string>): void {
  const os = o.service;
  const rs = r.service;
  compareImage(o, r, emit);
  emit(['command'], os.command ?? undefined, rs.command ?? undefined);
  emit(['entrypoint'], os.entrypoint ?? undefined, rs.entrypoint ?? undefined);
  compareMap(['environment'], passThrough(o, os.environment), passThrough(r, rs.environment), emit);
  compareEnvFiles(o, r, emit);
  compareHealthcheck(os, rs, emit);
  compareDependencies(os, rs, emit, added);
  compareSet(['profiles'], os.profiles, rs.profiles, (p) => p, emit);
  compareMounts(o, r, emit);
  comparePorts(os, rs, emit);
  compareSet(['expose'], exposed(os), exposed(rs), (e) => e, emit);
  emit(
    os.restart === undefined && os.deploy?.restart_policy !== undefined
      ? ['deploy', 'restart_policy', 'condition']
      : ['restart'],
    restartOf(os),
    restartOf(rs),
  );
  for (const key of ['init', 'read_only', 'privileged', 'stop_grace_period', 'shm_size'] as const) {
    emit([key], os[key] ?? DEFAULTS[key], rs[key] ?? DEFAULTS[key]);
  }
  for (const key of ['user', 'working_dir', 'hostname', 'platform'] as const) emit([key], os[key], rs[key]);
  compareMap(['ulimits'], os.ulimits, rs.ulimits, emit);
  const capability = (c: string) => c.toUpperCase().replace(/^CAP_/, '');
  compareSet(
    ['cap_add'],
    os.cap_add as string[] | undefined,
    rs.cap_add as string[] | undefined,
    capability,
    emit,
  );
  compareSet(
    ['cap_drop'],
    os.cap_drop as string[] | undefined,
    rs.cap_drop as string[] | undefined,
    capability,
    emit,
  );
  const sorted = (hosts?: Record<string, string[]>) =>
    hosts && Object.fromEntries(Object.entries(hosts).map(([h, a]) => [h, [...a].sort()]));
  compareMap(['extra_hosts'], sorted(os.extra_hosts), sorted(rs.extra_hosts), emit);
  compareMap(['labels'], os.labels, rs.labels, emit);
  compareResources(os, rs, emit);
  compareNetworks(os, rs, emit);
  for (const key of new Set([...Object.keys(os), ...Object.keys(rs)])) {
    if (ASPECTS.has(key) || NOT_COMPARED.has(key) || key.startsWith('x-')) continue;
    compareWhole([key], os[key], rs[key], emit);
  }
}

/**
 * Another key: mappings key by key and a list one side lacks entry by entry, down to the values, so
 * that the report's entry of any of them declares it; two lists that differ, as a whole.
 */
function compareWhole(at: Path, o: unknown, r: unknown, emit: Emit): void {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if ((isMap(o) || o === undefined) && (isMap(r) || r === undefined) && (o ?? r) !== undefined) {
    const keys = new Set([...Object.keys(o ?? {}), ...Object.keys(r ?? {})]);
    for (const k of keys) compareWhole([...at, k], o?.[k], r?.[k], emit);
    return;
  }
  if (Array.isArray(o) && r === undefined) o.forEach((v, i) => compareWhole([...at, i], v, undefined, emit));
  else if (Array.isArray(r) && o === undefined)
    r.forEach((v, i) => compareWhole([...at, i], undefined, v, emit));
  else emit(at, o, r);
}

/** `environment` or `build.args` with each pass-through entry as the shell gives it. */
function passThrough(
  s: Side,
  values: Readonly<Record<string, string | null>> | undefined,
): Record<string, string | null | undefined> | undefined {
  const shell = s.options.environment;
  if (!values || !shell) return values;
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      v === null ? (Object.hasOwn(shell, k) ? shell[k] : undefined) : v,
    ]),
  );
}

/** `expose` as `port/protocol`, without the ports `ports` publishes (which Compose exposes too). */
function exposed(s: ServiceDefinition): string[] | undefined {
  const published = new Set((s.ports ?? []).map((p) => `${p.target}/${p.protocol ?? 'tcp'}`));
  return s.expose?.map((e) => (e.includes('/') ? e : `${e}/tcp`)).filter((e) => !published.has(e));
}

/**
 * The restart policy: `restart`, or without it `deploy.restart_policy` as Compose makes a container's
 * policy of it (`any` is `always`, `none` is `no`, `on-failure` with its `max_attempts`); `no` without
 * either.
 */
function restartOf(s: ServiceDefinition): string {
  if (s.restart !== undefined) return s.restart;
  const policy = s.deploy?.restart_policy as { condition?: string; max_attempts?: number } | undefined;
  if (!policy) return DEFAULTS.restart;
  const condition = policy.condition ?? 'any';
  if (condition === 'on-failure')
    return policy.max_attempts ? `on-failure:${policy.max_attempts}` : 'on-failure';
  return condition === 'none' ? 'no' : condition === 'any' ? 'always' : condition;
}

/** `nginx`, `nginx:latest`, `library/nginx` and `docker.io/library/nginx:latest` as one reference. */
export function normalizeImage(reference: string): string {
  const at = reference.indexOf('@');
  const name = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? '' : reference.slice(at);
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const tagged = lastSegment.includes(':') || digest !== '' ? name : `${name}:latest`;
  return (
    tagged.replace(/^(?:docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)?(?:library\/)?/, '') +
    digest
  );
}

function compareImage(o: Side, r: Side, emit: Emit): void {
  const ob = o.service.build;
  const rb = r.service.build;
  if (ob && rb) {
    // The name of a built image is the tag Compose gives what it builds: the build says what it is.
    const context = (s: Side) => resolvePath(s.project, s.service.build!.context);
    emit(['build', 'context'], context(o), context(r));
    // Relative to the context: the same file when the contexts are (compared above); an absolute one
    // against the other resolved in its context.
    const [od, rd] = [ob.dockerfile, rb.dockerfile];
    const absolute = (od !== undefined && path.isAbsolute(od)) || (rd !== undefined && path.isAbsolute(rd));
    const dockerfile = (s: Side) => {
      const file = s.service.build!.dockerfile;
      if (file === undefined) return undefined;
      return absolute
        ? path.resolve(resolvePath(s.project, s.service.build!.context), file)
        : path.posix.normalize(file.split(path.sep).join('/'));
    };
    emit(['build', 'dockerfile'], dockerfile(o), dockerfile(r));
    compareMap(['build', 'args'], passThrough(o, ob.args), passThrough(r, rb.args), emit);
    for (const key of new Set([...Object.keys(ob), ...Object.keys(rb)])) {
      if (['context', 'dockerfile', 'args'].includes(key)) continue;
      compareWhole(['build', key], ob[key], rb[key], emit);
    }
    return;
  }
  const image = (s: Side) => (s.service.image === undefined ? undefined : normalizeImage(s.service.image));
  emit(['image'], image(o), image(r));
  if (ob || rb) compareWhole(['build'], ob, rb, emit);
}

/** Absolute, against the project's directory; `~` and URLs (a git build context) as written. */
function resolvePath(project: LoadedCompose, p: string): string {
  if (p.startsWith('~') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^git@/.test(p)) return p;
  return path.resolve(project.projectDir, p);
}

/** Key by key: a key only one side has is a difference at the key. */
function compareMap<T>(
  at: Path,
  o: Readonly<Record<string, T>> | undefined,
  r: Readonly<Record<string, T>> | undefined,
  emit: Emit,
): void {
  const keys = new Set([...Object.keys(o ?? {}), ...Object.keys(r ?? {})]);
  for (const k of keys) emit([...at, k], o?.[k], r?.[k]);
}

/**
 * A list whose order means nothing: an entry of the original that the other lacks is a difference at its
 * index; one only the local twin has, at the list.
 */
function compareSet<T>(
  at: Path,
  o: readonly T[] | undefined,
  r: readonly T[] | undefined,
  key: (item: T) => string,
  emit: Emit,
): void {
  const theirs = new Set((r ?? []).map(key));
  const ours = new Set((o ?? []).map(key));
  (o ?? []).forEach((item, i) => {
    if (!theirs.has(key(item))) emit([...at, i], key(item), undefined);
  });
  for (const item of r ?? []) if (!ours.has(key(item))) emit(at, undefined, key(item));
}

function compareEnvFiles(o: Side, r: Side, emit: Emit): void {
  const files = (s: Side) =>
    (s.service.env_file ?? []).map((f) => ({
      path: resolvePath(s.project, f.path),
      required: f.required,
      ...(f.format !== undefined && { format: f.format }),
    }));
  const of = files(o);
  const rf = files(r);
  for (let i = 0; i < Math.max(of.length, rf.length); i++) emit(['env_file', i], of[i], rf[i]);
}

function compareHealthcheck(os: ServiceDefinition, rs: ServiceDefinition, emit: Emit): void {
  const normalize = (h: ServiceDefinition['healthcheck']) => {
    if (!h) return undefined;
    if (h.disable || h.test?.[0] === 'NONE') return { disable: true };
    return { test: h.test, ...DEFAULTS.healthcheck, ...withoutUndefined(h), disable: false };
  };
  const oh = normalize(os.healthcheck);
  const rh = normalize(rs.healthcheck);
  if (oh === undefined || rh === undefined || oh.disable || rh.disable) {
    emit(['healthcheck'], oh, rh);
    return;
  }
  compareMap(['healthcheck'], oh as Record<string, unknown>, rh as Record<string, unknown>, emit);
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function compareDependencies(
  os: ServiceDefinition,
  rs: ServiceDefinition,
  emit: Emit,
  added: ReadonlySet<string>,
): void {
  const od = os.depends_on ?? {};
  const rd = rs.depends_on ?? {};
  for (const target of new Set([...Object.keys(od), ...Object.keys(rd)])) {
    if (added.has(target) && !Object.hasOwn(od, target)) continue;
    const normalize = (d: (typeof od)[string] | undefined) =>
      d && { condition: d.condition, required: d.required, restart: d.restart ?? false };
    const o = normalize(od[target]);
    const r = normalize(rd[target]);
    if (o && r) compareMap(['depends_on', target], o, r, emit);
    else emit(['depends_on', target], o, r);
  }
}

/** A mount, whatever key wrote it: `volumes`, `tmpfs` or `configs`. */
interface Mount {
  readonly type: string;
  readonly source?: string;
  readonly read_only: boolean;
  readonly selinux?: string;
  readonly propagation?: string;
  readonly subpath?: string;
  readonly nocopy?: boolean;
  /** tmpfs size in bytes. */
  readonly size?: number;
  /** A config's inline content or variable. */
  readonly content?: unknown;
  /** A named volume's `name`, `external`, `driver` and `driver_opts`, when it has them. */
  readonly volume?: Record<string, unknown>;
}

function mounts(s: Side): Map<string, { path: Path; mount: Mount }> {
  const out = new Map<string, { path: Path; mount: Mount }>();
  const target = (t: string) => (t.length > 1 ? t.replace(/\/+$/, '') : t);
  (s.service.volumes ?? []).forEach((v, i) => {
    const bind = v.type === 'bind';
    out.set(target(v.target), {
      path: ['volumes', i],
      mount: withoutUndefined({
        type: v.type,
        source: bind && v.source !== undefined ? resolvePath(s.project, v.source) : v.source,
        read_only: v.read_only ?? false,
        selinux: v.bind?.selinux,
        propagation: v.bind?.propagation,
        subpath: v.volume?.subpath,
        nocopy: v.volume?.nocopy || undefined,
        size: v.tmpfs?.size,
        volume: v.type === 'volume' && v.source !== undefined ? volumeDefinition(s, v.source) : undefined,
      }) as Mount,
    });
  });
  (s.service.tmpfs ?? []).forEach((t, i) => {
    const [where, ...options] = t.split(':');
    const size = options
      .join(':')
      .split(',')
      .map((o) => /^size=(\d+)([kmg]?)$/i.exec(o))
      .find(Boolean);
    const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(size?.[2] ?? '').toLowerCase() as 'k'];
    out.set(target(where), {
      path: ['tmpfs', i],
      mount: withoutUndefined({
        type: 'tmpfs',
        read_only: false,
        size: size ? Number(size[1]) * factor : undefined,
      }) as Mount,
    });
  });
  (s.service.configs ?? []).forEach((c, i) => {
    const config = s.project.configs[c.source] ?? {};
    const mount: Mount =
      typeof config.file === 'string'
        ? { type: 'bind', source: resolvePath(s.project, config.file), read_only: true }
        : { type: 'config', read_only: true, content: config.content ?? config.environment ?? config.name };
    out.set(target(c.target ?? `/${c.source}`), { path: ['configs', i], mount });
  });
  return out;
}

function volumeDefinition(s: Side, name: string): Record<string, unknown> | undefined {
  const d = s.project.volumes[name] ?? {};
  const kept = withoutUndefined({
    name: d.name,
    external: d.external || undefined,
    driver: d.driver === 'local' ? undefined : d.driver,
    driver_opts: d.driver_opts,
  });
  return Object.keys(kept).length ? kept : undefined;
}

function compareMounts(o: Side, r: Side, emit: Emit): void {
  const om = mounts(o);
  const rm = mounts(r);
  for (const [target, { path: p, mount }] of om) {
    const theirs = rm.get(target)?.mount;
    if (!theirs) {
      emit(p, { target, ...mount }, undefined);
      continue;
    }
    compareMap(
      p,
      mount as unknown as Record<string, unknown>,
      theirs as unknown as Record<string, unknown>,
      emit,
    );
  }
  for (const [target, { path: p, mount }] of rm)
    if (!om.has(target)) emit([p[0]], undefined, { target, ...mount });
}

function comparePorts(os: ServiceDefinition, rs: ServiceDefinition, emit: Emit): void {
  type Port = NonNullable<ServiceDefinition['ports']>[number];
  const keyed = (ports: readonly Port[]) => {
    const seen = new Map<string, number>();
    return ports.map((p, index) => {
      const k = `${p.target}/${p.protocol ?? 'tcp'}`;
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      return { key: `${k}#${n}`, index, port: p };
    });
  };
  const normalize = (p: Port) => ({
    target: p.target,
    protocol: p.protocol ?? 'tcp',
    published: p.published,
    host_ip: p.host_ip === '0.0.0.0' ? undefined : p.host_ip,
    mode: p.mode ?? 'ingress',
    name: p.name,
    app_protocol: p.app_protocol,
  });
  const op = keyed(os.ports ?? []);
  const rp = keyed(rs.ports ?? []);
  const theirs = new Map(rp.map((p) => [p.key, p]));
  const ours = new Set(op.map((p) => p.key));
  for (const p of op) {
    const match = theirs.get(p.key);
    if (match) compareMap(['ports', p.index], normalize(p.port), normalize(match.port), emit);
    else emit(['ports', p.index], withoutUndefined(normalize(p.port)), undefined);
  }
  for (const p of rp) if (!ours.has(p.key)) emit(['ports'], undefined, withoutUndefined(normalize(p.port)));
}

/** `cpus`/`mem_limit`/`scale` and their `deploy` forms as one; the rest of `deploy` key by key. */
function compareResources(os: ServiceDefinition, rs: ServiceDefinition, emit: Emit): void {
  const limits = (s: ServiceDefinition) =>
    ((s.deploy?.resources as Record<string, unknown> | undefined)?.limits ?? {}) as Record<string, unknown>;
  const ol = limits(os);
  const rl = limits(rs);
  const at = (key: string, shortKey: string) =>
    os[shortKey] !== undefined ? [shortKey] : ['deploy', 'resources', 'limits', key];
  emit(at('cpus', 'cpus'), os.cpus ?? ol.cpus, rs.cpus ?? rl.cpus);
  emit(at('memory', 'mem_limit'), os.mem_limit ?? ol.memory, rs.mem_limit ?? rl.memory);
  emit(
    os.scale !== undefined ? ['scale'] : ['deploy', 'replicas'],
    os.scale ?? os.deploy?.replicas ?? 1,
    rs.scale ?? rs.deploy?.replicas ?? 1,
  );
  for (const key of new Set([...Object.keys(ol), ...Object.keys(rl)])) {
    if (key === 'cpus' || key === 'memory') continue;
    emit(['deploy', 'resources', 'limits', key], ol[key], rl[key]);
  }
  const resources = (s: ServiceDefinition) => (s.deploy?.resources ?? {}) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(resources(os)), ...Object.keys(resources(rs))])) {
    if (key === 'limits') continue;
    compareWhole(['deploy', 'resources', key], resources(os)[key], resources(rs)[key], emit);
  }
  const deploy = (s: ServiceDefinition) => s.deploy ?? {};
  for (const key of new Set([...Object.keys(deploy(os)), ...Object.keys(deploy(rs))])) {
    // Compose reads of a restart policy only what makes the container's (see restartOf).
    if (key === 'resources' || key === 'replicas' || key === 'restart_policy') continue;
    compareWhole(['deploy', key], deploy(os)[key], deploy(rs)[key], emit);
  }
}

/** Only a network the original joins by name and the local twin's service does not is a difference. */
function compareNetworks(os: ServiceDefinition, rs: ServiceDefinition, emit: Emit): void {
  for (const network of Object.keys(os.networks ?? {})) {
    if (network === 'default' || Object.hasOwn(rs.networks ?? {}, network)) continue;
    emit(['networks', network], os.networks![network], undefined);
  }
}
