import { ComposeImportError, Location } from './compose-import-error';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION = /^(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9.]+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * A Compose duration (Go's `time.ParseDuration`: `1m30s`, `500ms`, `1.5h`, `0`) in milliseconds. A bare
 * number is taken as seconds, as compose-go's duration decoding takes an integer.
 */
export function parseDuration(value: unknown, loc: Location, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  const s = typeof value === 'string' ? value.trim() : undefined;
  if (s === '0') return 0;
  if (s !== undefined && DURATION.test(s)) {
    let total = 0;
    for (const [, n, unit] of s.matchAll(DURATION_PART)) total += Number(n) * UNIT_MS[unit];
    return total;
  }
  throw new ComposeImportError(`${what}: "${String(value)}" is not a duration (like 30s, 1m30s, 500ms)`, loc);
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/** A Compose byte size (`512m`, `1gb`, `2048`) in bytes, as compose-go's units reading does. */
export function parseSize(value: unknown, loc: Location, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const m = typeof value === 'string' ? /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(value) : null;
  const factor = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw new ComposeImportError(
      `${what}: "${String(value)}" is not a size (like 512m, 1g or a number of bytes)`,
      loc,
    );
  }
  return Math.round(Number(m[1]) * factor);
}

/** A published port in the long syntax, as `docker compose config` prints it. */
export interface PortConfig {
  /** The container port. */
  readonly target: number;
  /** The host port or range (`"8080"`, `"8000-8010"`); absent when Compose picks one. */
  readonly published?: string;
  /** The host address it binds to; absent for all addresses. */
  readonly host_ip?: string;
  /** `tcp` (the default), `udp` or `sctp`. */
  readonly protocol: string;
  /** `ingress` (the default) or `host`. */
  readonly mode: string;
  /** A name of the port (long syntax only). */
  readonly name?: string;
  /** The application protocol (long syntax only). */
  readonly app_protocol?: string;
}

const PROTOCOLS = ['tcp', 'udp', 'sctp'];

function portRange(text: string, loc: Location, spec: string): [number, number] {
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(text);
  const start = m ? Number(m[1]) : NaN;
  const end = m?.[2] !== undefined ? Number(m[2]) : start;
  if (!m || start < 1 || end > 65535 || end < start) {
    throw new ComposeImportError(`port "${spec}": "${text}" is not a port or a port range (1 to 65535)`, loc);
  }
  return [start, end];
}

/**
 * The short port syntax (`"80"`, `"8080:80"`, `"127.0.0.1:8080:80"`, `"127.0.0.1::80"`, `"[::1]:8080:80"`,
 * `"3000-3005"`, `"9090-9091:8080-8081"`, `"8000-8010:80"`, `"53:53/udp"`) as the long entries Compose
 * makes of it: one per container port of a range.
 */
export function parseShortPort(value: string | number, loc: Location): PortConfig[] {
  const spec = String(value).trim();
  let rest = spec;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.includes(protocol)) {
      throw new ComposeImportError(`port "${spec}": protocol "${protocol}" is not tcp, udp or sctp`, loc);
    }
  }
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2];
  }
  const parts = rest.split(':');
  let published: string | undefined;
  let target: string;
  if (v6) {
    if (parts.length !== 2)
      throw new ComposeImportError(`port "${spec}" is not [ip:][published:]target[/protocol]`, loc);
    [published, target] = parts;
  } else if (parts.length === 1) {
    target = parts[0];
  } else if (parts.length === 2) {
    [published, target] = parts;
  } else {
    target = parts[parts.length - 1];
    published = parts[parts.length - 2];
    hostIp = parts.slice(0, -2).join(':');
  }
  if (published === '') published = undefined;
  const [tStart, tEnd] = portRange(target, loc, spec);
  const pub = published === undefined ? undefined : portRange(published, loc, spec);
  if (pub && tEnd - tStart !== pub[1] - pub[0] && tEnd !== tStart) {
    throw new ComposeImportError(
      `port "${spec}": the published range and the container range differ in size`,
      loc,
    );
  }
  const out: PortConfig[] = [];
  for (let t = tStart; t <= tEnd; t++) {
    let p: string | undefined;
    if (pub) {
      if (tEnd === tStart) p = pub[0] === pub[1] ? String(pub[0]) : `${pub[0]}-${pub[1]}`;
      else p = String(pub[0] + (t - tStart));
    }
    out.push({
      mode: 'ingress',
      ...(hostIp !== undefined && hostIp !== '' && { host_ip: hostIp }),
      target: t,
      ...(p !== undefined && { published: p }),
      protocol,
    });
  }
  return out;
}

/** A mount in the long syntax, as `docker compose config` prints it. */
export interface VolumeMount {
  /** `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`. */
  readonly type: string;
  /** The host path (bind, as written) or the volume's name; absent for an anonymous volume or tmpfs. */
  readonly source?: string;
  /** The path in the container. */
  readonly target: string;
  /** Whether the container may not write to it. */
  readonly read_only?: boolean;
  /** Bind options: `selinux` (`z` or `Z`), `propagation`, `create_host_path`. */
  readonly bind?: {
    readonly selinux?: string;
    readonly propagation?: string;
    readonly create_host_path?: boolean;
  };
  /** Volume options: `nocopy`, `subpath`. */
  readonly volume?: { readonly nocopy?: boolean; readonly subpath?: string };
  /** tmpfs options: `size` (bytes), `mode`. */
  readonly tmpfs?: { readonly size?: number; readonly mode?: number };
  /** `consistent`, `cached` or `delegated`. */
  readonly consistency?: string;
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const CONSISTENCY = ['consistent', 'cached', 'delegated'];

function isPath(source: string): boolean {
  return /^[./~]/.test(source) || /^[a-zA-Z]:[\\/]/.test(source) || source.startsWith('\\\\');
}

/** Splits `source:target:mode` on colons, keeping a Windows drive letter (`C:\data`) whole. */
function volumeParts(spec: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i];
    if (
      ch === ':' &&
      !(current.length === 1 && /[a-zA-Z]/.test(current) && /[\\/]/.test(spec[i + 1] ?? ''))
    ) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * The short volume syntax (`/in/container`, `name:/in/container`, `./host:/in/container:ro,z`) as the long
 * entry Compose makes of it: a source that is a path is a bind mount (which Compose creates when missing),
 * any other source a named volume, no source an anonymous volume. Compose accepts and ignores the
 * consistency modes (`cached`, `delegated`, `consistent`); so does this.
 */
export function parseShortVolume(spec: string, loc: Location): VolumeMount {
  const parts = volumeParts(spec);
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new ComposeImportError(`volume "${spec}" is not [source:]target[:mode]`, loc);
  }
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target, mode] = parts;
  const bindType = isPath(source);
  let readOnly = false;
  let selinux: string | undefined;
  let propagation: string | undefined;
  let nocopy = false;
  for (const option of (mode ?? '').split(',').filter((o) => o !== '')) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw') readOnly = false;
    else if (option === 'z' || option === 'Z') selinux = option;
    else if (PROPAGATION.includes(option)) propagation = option;
    else if (option === 'nocopy') nocopy = true;
    else if (CONSISTENCY.includes(option))
      continue; // accepted and ignored, as by Compose
    else throw new ComposeImportError(`volume "${spec}": unknown mode "${option}"`, loc);
  }
  return {
    type: bindType ? 'bind' : 'volume',
    source,
    target,
    ...(readOnly && { read_only: true }),
    ...(bindType && {
      bind: { create_host_path: true, ...(selinux && { selinux }), ...(propagation && { propagation }) },
    }),
    ...(!bindType && nocopy && { volume: { nocopy: true } }),
  };
}

/** compose-go's reading of a boolean written as a string (after interpolation). */
export function toBoolean(value: unknown, loc: Location, what: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(s)) return true;
  if (['n', 'no', 'false', 'off'].includes(s)) return false;
  throw new ComposeImportError(`${what}: "${String(value)}" is not a boolean`, loc);
}

/** A number written as a number or (after interpolation) as a string. */
export function toNumber(value: unknown, loc: Location, what: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) throw new ComposeImportError(`${what}: "${String(value)}" is not a number`, loc);
  return n;
}
