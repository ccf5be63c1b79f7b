import * as path from 'path';
import { ComposeImportError, Location } from './compose-import-error';
import type { ComposeWarning } from './interpolation';
import {
  parseDuration,
  parseShortPort,
  parseShortVolume,
  parseSize,
  toBoolean,
  toNumber,
} from './compose-values';
import { child, LocatedNode, mapping, MapNode, plain, scalar, sequence, SeqNode, text } from './located-node';
import { shellWords } from './shell-words';

/** Where the file being normalized sits, for its relative paths. */
export interface PathBase {
  /** The project directory: the directory of the first compose file. */
  readonly projectDir: string;
  /** The directory of the file being read (differs for `extends.file`). */
  readonly fileDir: string;
  /** Where warnings go. */
  readonly warn?: (warning: ComposeWarning) => void;
  /** `services.NAME` of the service being normalized, for messages. */
  readonly service?: string;
}

type Normalizer = (node: LocatedNode, base: PathBase, key: string) => LocatedNode;

function fail(node: LocatedNode, message: string): never {
  throw new ComposeImportError(message, node.loc);
}

function expect<K extends LocatedNode['kind']>(
  node: LocatedNode,
  kinds: K[],
  what: string,
): Extract<LocatedNode, { kind: K }> {
  if (!(kinds as string[]).includes(node.kind)) fail(node, `${what} must be a ${kinds.join(' or ')}`);
  return node as Extract<LocatedNode, { kind: K }>;
}

/** A path of the file relative to the project directory, as Compose reads it. */
export function rebase(p: string, base: PathBase): string {
  if (path.isAbsolute(p) || p.startsWith('~') || base.fileDir === base.projectDir) return p;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
  const rel = path.relative(base.projectDir, path.resolve(base.fileDir, p)) || '.';
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** `[K=V, K]` or `{K: V}` as a mapping of strings; `bare` is the value of a `K` without `=` in a list. */
function keyValues(node: LocatedNode, what: string, bare: null | '', separator = '='): MapNode {
  if (node.kind === 'map') {
    return mapping(
      node.loc,
      [...node.entries].map(([k, e]) => {
        const v = e.node;
        if (v.tag) return [k, v, e.keyLoc];
        if (v.kind !== 'scalar') fail(v, `${what}.${k} must be a string, a number or a boolean`);
        return [k, scalar(v.value === null ? bare : String(v.value), v.loc), e.keyLoc];
      }),
    );
  }
  const seq = expect(node, ['seq'], what);
  return mapping(
    seq.loc,
    seq.items.map((item) => {
      const t = text(item);
      if (t === undefined) fail(item, `${what}: each entry must be a string`);
      const i = t.indexOf(separator);
      return i < 0
        ? [t, scalar(bare, item.loc), item.loc]
        : [t.slice(0, i), scalar(t.slice(i + 1), item.loc), item.loc];
    }),
  );
}

function stringList(node: LocatedNode, what: string): SeqNode {
  if (node.kind === 'scalar')
    return sequence(node.loc, node.value === null ? [] : [scalar(String(node.value), node.loc)]);
  const seq = expect(node, ['seq'], what);
  return sequence(
    seq.loc,
    seq.items.map((i) => {
      const t = text(i);
      if (t === undefined) fail(i, `${what}: each entry must be a string`);
      return scalar(t, i.loc);
    }),
  );
}

function commandLike(node: LocatedNode, what: string, base: PathBase): LocatedNode {
  if (node.kind === 'scalar') {
    if (node.value === null) return node;
    const s = String(node.value);
    const split = shellWords(s);
    if (!split) fail(node, `${what}: "${s}" has an unclosed quote or a trailing backslash`);
    if (split.truncated) {
      base.warn?.({
        message: `${what}: Compose runs only ${JSON.stringify(split.words)} of "${s}": it splits the string into words and stops at an unquoted ;, &, |, < or > (run it with sh -c to keep it whole)`,
        location: node.loc,
      });
    }
    return {
      ...sequence(
        node.loc,
        split.words.map((w) => scalar(w, node.loc)),
      ),
      shell: s,
    };
  }
  return stringList(node, what);
}

function withScalar(node: LocatedNode, convert: (v: unknown, loc: Location) => unknown): LocatedNode {
  if (node.kind !== 'scalar' || node.value === null || node.tag) return node;
  return scalar(convert(node.value, node.loc) as ScalarValue, node.loc);
}
type ScalarValue = string | number | boolean | null;

const duration = (what: string) => (n: LocatedNode) => withScalar(n, (v, loc) => parseDuration(v, loc, what));
const size = (what: string) => (n: LocatedNode) => withScalar(n, (v, loc) => parseSize(v, loc, what));
const bool = (what: string) => (n: LocatedNode) => withScalar(n, (v, loc) => toBoolean(v, loc, what));
const num = (what: string) => (n: LocatedNode) => withScalar(n, (v, loc) => toNumber(v, loc, what));

/** Applies normalizers to the keys of a mapping node, keeping the others. */
function mapKeys(
  node: LocatedNode,
  what: string,
  normalizers: Readonly<Record<string, Normalizer>>,
  base: PathBase,
): MapNode {
  const map = expect(node, ['map'], what);
  return mapping(
    map.loc,
    [...map.entries].map(([k, e]) => {
      const f = normalizers[k];
      const v = e.node;
      if (!f || v.tag === '!reset' || (v.kind === 'scalar' && v.value === null)) return [k, v, e.keyLoc];
      const out = f(v, base, `${what}.${k}`);
      return [k, v.tag ? { ...out, tag: v.tag } : out, e.keyLoc];
    }),
  );
}

function port(item: LocatedNode): LocatedNode[] {
  if (item.kind === 'scalar') {
    if (typeof item.value !== 'string' && typeof item.value !== 'number')
      fail(item, 'ports: an entry must be a string or a number');
    return parseShortPort(item.value, item.loc).map((p) =>
      mapping(
        item.loc,
        Object.entries(p).map(([k, v]) => [k, scalar(v as ScalarValue, item.loc), item.loc]),
      ),
    );
  }
  const m = expect(item, ['map'], 'ports entry');
  const target = child(m, 'target');
  if (!target) fail(m, 'ports: a long entry needs a target');
  const t = toNumber(plain(target), target.loc, 'ports.target');
  if (!Number.isInteger(t) || t < 1 || t > 65535)
    fail(target, `ports.target: ${t} is not a port (1 to 65535)`);
  const published = child(m, 'published');
  const entries: [string, LocatedNode, Location?][] = [];
  const defaults: Record<string, string> = { mode: 'ingress', protocol: 'tcp' };
  for (const [k, e] of m.entries) {
    let v = e.node;
    if (k === 'target') v = scalar(t, v.loc);
    if (k === 'published' && published && v.kind === 'scalar' && v.value !== null)
      v = scalar(String(v.value), v.loc);
    entries.push([k, v, e.keyLoc]);
  }
  for (const [k, d] of Object.entries(defaults))
    if (!m.entries.has(k)) entries.push([k, scalar(d, m.loc), m.loc]);
  return [mapping(m.loc, entries)];
}

/** A mount's path in the container as Compose cleans it: `/usr/src/app/` is `/usr/src/app`. */
function cleanTarget(target: string): string {
  if (!target.startsWith('/')) return target;
  const clean = path.posix.normalize(target);
  return clean.length > 1 ? clean.replace(/\/$/, '') : clean;
}

function volume(item: LocatedNode, base: PathBase): LocatedNode {
  if (item.kind === 'scalar') {
    const t = text(item);
    if (t === undefined) fail(item, 'volumes: an entry must be a string or a mapping');
    const v = parseShortVolume(t, item.loc);
    const source = v.type === 'bind' && v.source ? rebase(v.source, base) : v.source;
    return located(
      { ...v, target: cleanTarget(v.target), ...(source !== undefined && { source }) },
      item.loc,
    );
  }
  const m = mapKeys(item, 'volumes entry', { read_only: bool('volumes.read_only') }, base);
  const type = text(child(m, 'type') ?? scalar(null, m.loc));
  const source = child(m, 'source');
  if (type === 'bind' && source?.kind === 'scalar' && typeof source.value === 'string') {
    m.entries.set('source', {
      node: scalar(rebase(source.value, base), source.loc),
      keyLoc: m.entries.get('source')!.keyLoc,
    });
  }
  const target = child(m, 'target');
  if (target?.kind === 'scalar' && typeof target.value === 'string') {
    m.entries.set('target', {
      node: scalar(cleanTarget(target.value), target.loc),
      keyLoc: m.entries.get('target')!.keyLoc,
    });
  }
  const tmpfs = child(m, 'tmpfs');
  if (tmpfs?.kind === 'map' && child(tmpfs, 'size')) {
    const sized = mapKeys(tmpfs, 'volumes.tmpfs', { size: size('volumes.tmpfs.size') }, base);
    m.entries.set('tmpfs', { node: sized, keyLoc: m.entries.get('tmpfs')!.keyLoc });
  }
  return m;
}

/** A plain value as nodes, every part at `loc` (for long forms made from one short entry). */
function located(value: unknown, loc: Location): LocatedNode {
  if (Array.isArray(value))
    return sequence(
      loc,
      value.map((v) => located(v, loc)),
    );
  if (value !== null && typeof value === 'object') {
    return mapping(
      loc,
      Object.entries(value).map(([k, v]) => [k, located(v, loc), loc]),
    );
  }
  return scalar(value as ScalarValue, loc);
}

function mountRef(what: string): Normalizer {
  return (node) =>
    sequence(
      node.loc,
      expect(node, ['seq'], what).items.map((i) =>
        i.kind === 'scalar'
          ? mapping(i.loc, [['source', scalar(text(i) ?? null, i.loc), i.loc]])
          : expect(i, ['map'], what),
      ),
    );
}

const HEALTHCHECK: Readonly<Record<string, Normalizer>> = {
  // A string runs in the container's shell, as it is: `["CMD-SHELL", string]`.
  test: (n) =>
    n.kind === 'scalar' && n.value !== null
      ? {
          ...sequence(n.loc, [scalar('CMD-SHELL', n.loc), scalar(String(n.value), n.loc)]),
          shell: String(n.value),
        }
      : stringList(n, 'healthcheck.test'),
  interval: duration('healthcheck.interval'),
  timeout: duration('healthcheck.timeout'),
  start_period: duration('healthcheck.start_period'),
  start_interval: duration('healthcheck.start_interval'),
  retries: num('healthcheck.retries'),
  disable: bool('healthcheck.disable'),
};

const RESOURCES: Readonly<Record<string, Normalizer>> = {
  cpus: num('deploy.resources.cpus'),
  memory: size('deploy.resources.memory'),
  pids: num('deploy.resources.pids'),
};

/** Each service key's normalizer: short syntax to the long syntax `docker compose config` prints. */
const SERVICE: Readonly<Record<string, Normalizer>> = {
  annotations: (n) => keyValues(n, 'annotations', ''),
  build: (n, base) => {
    const m: MapNode =
      n.kind === 'scalar'
        ? mapping(n.loc, [['context', scalar(text(n) ?? '.', n.loc), n.loc]])
        : expect(n, ['map'], 'build');
    const out = mapKeys(
      m,
      'build',
      {
        args: (a) => keyValues(a, 'build.args', null),
        labels: (a) => keyValues(a, 'build.labels', ''),
        extra_hosts: (a) => extraHosts(a),
        shm_size: size('build.shm_size'),
        cache_from: (a) => stringList(a, 'build.cache_from'),
        tags: (a) => stringList(a, 'build.tags'),
        platforms: (a) => stringList(a, 'build.platforms'),
      },
      base,
    );
    const context = child(out, 'context');
    if (context?.kind === 'scalar' && typeof context.value === 'string') {
      out.entries.set('context', {
        node: scalar(rebase(context.value, base), context.loc),
        keyLoc: out.entries.get('context')!.keyLoc,
      });
    }
    return out;
  },
  cap_add: (n) => stringList(n, 'cap_add'),
  cap_drop: (n) => stringList(n, 'cap_drop'),
  command: (n, base) => commandLike(n, `${base.service}.command`, base),
  configs: mountRef('configs'),
  cpus: num('cpus'),
  cpu_shares: num('cpu_shares'),
  cpu_count: num('cpu_count'),
  cpu_percent: num('cpu_percent'),
  depends_on: (n) => {
    const condition = (loc: Location): [string, LocatedNode, Location] => [
      'condition',
      scalar('service_started', loc),
      loc,
    ];
    if (n.kind === 'seq') {
      return mapping(
        n.loc,
        n.items.map((i) => {
          const t = text(i);
          if (t === undefined) fail(i, 'depends_on: each entry must be a service name');
          return [t, mapping(i.loc, [condition(i.loc), ['required', scalar(true, i.loc), i.loc]]), i.loc];
        }),
      );
    }
    const m = expect(n, ['map'], 'depends_on');
    return mapping(
      m.loc,
      [...m.entries].map(([k, e]) => {
        const d =
          e.node.kind === 'scalar' && e.node.value === null
            ? mapping(e.keyLoc)
            : expect(e.node, ['map'], `depends_on.${k}`);
        const long = mapKeys(
          d,
          `depends_on.${k}`,
          { required: bool('depends_on.required'), restart: bool('depends_on.restart') },
          { projectDir: '', fileDir: '' },
        );
        if (!long.entries.has('condition'))
          long.entries.set('condition', { node: scalar('service_started', e.keyLoc), keyLoc: e.keyLoc });
        if (!long.entries.has('required'))
          long.entries.set('required', { node: scalar(true, e.keyLoc), keyLoc: e.keyLoc });
        return [k, long, e.keyLoc];
      }),
    );
  },
  deploy: (n, base) =>
    mapKeys(
      n,
      'deploy',
      {
        replicas: num('deploy.replicas'),
        labels: (a) => keyValues(a, 'deploy.labels', ''),
        resources: (r) =>
          mapKeys(
            r,
            'deploy.resources',
            {
              limits: (l) => mapKeys(l, 'deploy.resources.limits', RESOURCES, base),
              reservations: (l) => mapKeys(l, 'deploy.resources.reservations', RESOURCES, base),
            },
            base,
          ),
        restart_policy: (p) =>
          mapKeys(
            p,
            'deploy.restart_policy',
            {
              delay: duration('deploy.restart_policy.delay'),
              window: duration('deploy.restart_policy.window'),
              max_attempts: num('deploy.restart_policy.max_attempts'),
            },
            base,
          ),
      },
      base,
    ),
  dns: (n) => stringList(n, 'dns'),
  dns_opt: (n) => stringList(n, 'dns_opt'),
  dns_search: (n) => stringList(n, 'dns_search'),
  entrypoint: (n, base) => commandLike(n, `${base.service}.entrypoint`, base),
  env_file: (n, base) => {
    const items = n.kind === 'seq' ? n.items : [n];
    return sequence(
      n.loc,
      items.map((i) => {
        if (i.kind === 'scalar') {
          const t = text(i);
          if (t === undefined) fail(i, 'env_file: each entry must be a path');
          return mapping(i.loc, [
            ['path', scalar(rebase(t, base), i.loc), i.loc],
            ['required', scalar(true, i.loc), i.loc],
          ]);
        }
        const m = mapKeys(i, 'env_file', { required: bool('env_file.required') }, base);
        const p = child(m, 'path');
        if (!p || text(p) === undefined) fail(m, 'env_file: a long entry needs a path');
        m.entries.set('path', {
          node: scalar(rebase(text(p)!, base), p.loc),
          keyLoc: m.entries.get('path')!.keyLoc,
        });
        if (!m.entries.has('required'))
          m.entries.set('required', { node: scalar(true, m.loc), keyLoc: m.loc });
        return m;
      }),
    );
  },
  environment: (n) => keyValues(n, 'environment', null),
  expose: (n) => stringList(n, 'expose'),
  extends: (n) =>
    n.kind === 'scalar'
      ? mapping(n.loc, [['service', scalar(text(n) ?? null, n.loc), n.loc]])
      : expect(n, ['map'], 'extends'),
  extra_hosts: (n) => extraHosts(n),
  group_add: (n) => stringList(n, 'group_add'),
  healthcheck: (n, base) => mapKeys(n, 'healthcheck', HEALTHCHECK, base),
  init: bool('init'),
  labels: (n) => keyValues(n, 'labels', ''),
  links: (n) => stringList(n, 'links'),
  logging: (n, base) => mapKeys(n, 'logging', { options: (o) => keyValues(o, 'logging.options', '') }, base),
  mem_limit: size('mem_limit'),
  mem_reservation: size('mem_reservation'),
  memswap_limit: size('memswap_limit'),
  networks: (n) => {
    if (n.kind === 'seq') {
      return mapping(
        n.loc,
        n.items.map((i) => {
          const t = text(i);
          if (t === undefined) fail(i, 'networks: each entry must be a network name');
          return [t, mapping(i.loc), i.loc];
        }),
      );
    }
    const m = expect(n, ['map'], 'networks');
    return mapping(
      m.loc,
      [...m.entries].map(([k, e]) => [
        k,
        e.node.kind === 'scalar' && e.node.value === null && !e.node.tag ? mapping(e.keyLoc) : e.node,
        e.keyLoc,
      ]),
    );
  },
  oom_kill_disable: bool('oom_kill_disable'),
  pids_limit: num('pids_limit'),
  ports: (n) => sequence(n.loc, expect(n, ['seq'], 'ports').items.flatMap(port)),
  privileged: bool('privileged'),
  profiles: (n) => stringList(n, 'profiles'),
  read_only: bool('read_only'),
  scale: num('scale'),
  secrets: mountRef('secrets'),
  shm_size: size('shm_size'),
  stdin_open: bool('stdin_open'),
  stop_grace_period: duration('stop_grace_period'),
  sysctls: (n) => keyValues(n, 'sysctls', ''),
  tmpfs: (n) => stringList(n, 'tmpfs'),
  tty: bool('tty'),
  ulimits: (n) => {
    const m = expect(n, ['map'], 'ulimits');
    return mapping(
      m.loc,
      [...m.entries].map(([k, e]) => {
        const v = e.node;
        if (v.kind === 'scalar' && !v.tag) {
          const limit = toNumber(v.value, v.loc, `ulimits.${k}`);
          return [
            k,
            mapping(v.loc, [
              ['soft', scalar(limit, v.loc), v.loc],
              ['hard', scalar(limit, v.loc), v.loc],
            ]),
            e.keyLoc,
          ];
        }
        if (v.kind !== 'map') return [k, v, e.keyLoc];
        return [
          k,
          mapKeys(
            v,
            `ulimits.${k}`,
            { soft: num(`ulimits.${k}.soft`), hard: num(`ulimits.${k}.hard`) },
            { projectDir: '', fileDir: '' },
          ),
          e.keyLoc,
        ];
      }),
    );
  },
  volumes: (n, base) =>
    sequence(
      n.loc,
      expect(n, ['seq'], 'volumes').items.map((i) => volume(i, base)),
    ),
};

function extraHosts(n: LocatedNode): MapNode {
  if (n.kind === 'map') {
    return mapping(
      n.loc,
      [...n.entries].map(([host, e]) => [host, stringList(e.node, `extra_hosts.${host}`), e.keyLoc]),
    );
  }
  const seq = expect(n, ['seq'], 'extra_hosts');
  const out = mapping(seq.loc);
  for (const i of seq.items) {
    const t = text(i);
    const sep = t === undefined ? -1 : t.includes('=') ? t.indexOf('=') : t.indexOf(':');
    if (t === undefined || sep < 0) fail(i, `extra_hosts: "${t}" is not host=address or host:address`);
    const host = t.slice(0, sep);
    const address = scalar(t.slice(sep + 1).replace(/^\[(.*)\]$/, '$1'), i.loc);
    const previous = out.entries.get(host);
    if (previous && previous.node.kind === 'seq') previous.node.items.push(address);
    else out.entries.set(host, { node: sequence(i.loc, [address]), keyLoc: i.loc });
  }
  return out;
}

/**
 * The defaults Compose gives a merged service: a build's context `.` and dockerfile `Dockerfile`. Given
 * after merging, so that an override's `build` without a context keeps the base's.
 */
export function serviceDefaults(service: MapNode): MapNode {
  const build = child(service, 'build');
  if (build?.kind !== 'map') return service;
  const entries = new Map(build.entries);
  if (!entries.has('context')) entries.set('context', { node: scalar('.', build.loc), keyLoc: build.loc });
  if (!entries.has('dockerfile') && !entries.has('dockerfile_inline')) {
    entries.set('dockerfile', { node: scalar('Dockerfile', build.loc), keyLoc: build.loc });
  }
  const out = new Map(service.entries);
  out.set('build', { node: { ...build, entries }, keyLoc: service.entries.get('build')!.keyLoc });
  return { ...service, entries: out };
}

/** A service definition in the long syntax. */
export function normalizeService(node: LocatedNode, name: string, base: PathBase): MapNode {
  if (node.kind === 'scalar' && node.value === null) return mapping(node.loc);
  if (node.kind !== 'map') fail(node, `services.${name} must be a mapping`);
  return mapKeys(node, `services.${name}`, SERVICE, { ...base, service: `services.${name}` });
}

/** A top-level volume, network, secret or config in the long syntax: null as `{}`, labels as a mapping. */
export function normalizeResource(node: LocatedNode, what: string, base: PathBase): MapNode {
  if (node.kind === 'scalar' && node.value === null) return mapping(node.loc);
  const m = mapKeys(
    node,
    what,
    {
      labels: (n) => keyValues(n, `${what}.labels`, ''),
      driver_opts: (n) => keyValues(n, `${what}.driver_opts`, ''),
      file: (n) => (text(n) === undefined ? n : scalar(rebase(text(n)!, base), n.loc)),
    },
    base,
  );
  const external = child(m, 'external');
  if (external?.kind === 'map') {
    // The legacy `external: {name: x}`: external, named x.
    const name = child(external, 'name');
    m.entries.set('external', {
      node: scalar(true, external.loc),
      keyLoc: m.entries.get('external')!.keyLoc,
    });
    if (name && !m.entries.has('name'))
      m.entries.set('name', { node: name, keyLoc: external.entries.get('name')!.keyLoc });
  } else if (external?.kind === 'scalar' && external.value !== null) {
    m.entries.set('external', {
      node: scalar(toBoolean(external.value, external.loc, `${what}.external`), external.loc),
      keyLoc: m.entries.get('external')!.keyLoc,
    });
  }
  return m;
}
