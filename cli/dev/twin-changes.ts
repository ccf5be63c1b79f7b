import { isDeepStrictEqual } from 'util';
import { parseDocument, YAMLError } from 'yaml';

/**
 * What changed between two renderings of a local twin's compose file, as short lines for a terminal.
 *
 * Lines name services, keys, ports, mounts and resources, never values: environment values, secret
 * definitions and inline config contents can hold credentials, and commands can carry them inline.
 */

export type Mapping = Readonly<Record<string, unknown>>;

/** What a change of one service key is said as; `[]` when the describer finds no difference worth a word. */
type KeyDescriber = (previous: unknown, next: unknown) => string[];

/** The service keys with lines of their own, in the order their lines come; any other key is `<key> changed`. */
const SERVICE_KEY_DESCRIBERS: readonly (readonly [key: string, describe: KeyDescriber])[] = [
  ['image', (previous, next) => [`image ${display(previous)} -> ${display(next)}`]],
  ['build', buildChange],
  ['command', () => ['command changed']],
  ['entrypoint', () => ['entrypoint changed']],
  ['environment', environmentChange],
  [
    'ports',
    (previous, next) =>
      namesChange('ports', list(previous).map(portDescription), list(next).map(portDescription)),
  ],
  ['healthcheck', healthcheckChange],
  ['depends_on', dependsOnChanges],
  [
    'volumes',
    (previous, next) =>
      namesChange('volumes', list(previous).map(mountDescription), list(next).map(mountDescription)),
  ],
  ['develop', developChanges],
  ['profiles', (previous, next) => namesChange('profiles', stringList(previous), stringList(next))],
];

/** Top-level collections of named resources, with the word a line uses for one of them. */
const RESOURCE_KINDS: readonly (readonly [key: string, noun: string])[] = [
  ['volumes', 'volume'],
  ['networks', 'network'],
  ['secrets', 'secret'],
  ['configs', 'config'],
];

const HEALTHCHECK_FIELDS = [
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
];

/** How many service names the summary of a first rendering lists before it abbreviates. */
const SUMMARY_NAMES = 6;

/** What changed between two renderings of a local twin's compose file. */
export function describeTwinChanges(before: string | undefined, after: string): string[] {
  return describeComposeChanges(
    before === undefined ? undefined : parsePrevious(before),
    parseCompose(after),
  );
}

/**
 * describeTwinChanges on compose files as data (as the `yaml` package reads them), so that a loop that keeps
 * the previous one reads no file.
 */
export function describeComposeChanges(previous: Mapping | undefined, next: Mapping): string[] {
  if (previous === undefined) return [summarize(next)];
  if (isDeepStrictEqual(previous, next)) return [];
  return [
    ...nameChanges(previous, next),
    ...serviceChanges(mapping(previous.services), mapping(next.services)),
    ...RESOURCE_KINDS.flatMap(([key, noun]) =>
      resourceChanges(noun, mapping(previous[key]), mapping(next[key])),
    ),
    ...otherTopLevelChanges(previous, next),
  ];
}

/** Parses the new compose file; a text that is not a YAML mapping is an error. */
function parseCompose(text: string): Mapping {
  const document = parseDocument(text, { merge: true });
  const [error] = document.errors;
  // The parser's own message quotes the offending line, which may hold a value: report the place only.
  if (error) throw new Error(`the rendered compose file is not valid YAML (${yamlErrorPlace(error)})`);
  const content: unknown = document.toJS();
  if (!isMapping(content)) throw new Error('the rendered compose file is not a YAML mapping');
  return content;
}

/** Parses the previous compose file; anything unreadable counts as no previous rendering. */
function parsePrevious(text: string): Mapping | undefined {
  try {
    const document = parseDocument(text, { merge: true });
    if (document.errors.length > 0) return undefined;
    const content: unknown = document.toJS();
    return isMapping(content) ? content : undefined;
  } catch {
    // toJS() throws on an alias bomb.
    return undefined;
  }
}

function yamlErrorPlace(error: YAMLError): string {
  const position = error.linePos?.[0];
  return position ? `${error.code} at line ${position.line}, column ${position.col}` : error.code;
}

/** `local twin: 3 services (api, db, web)`. */
function summarize(compose: Mapping): string {
  const names = Object.keys(mapping(compose.services)).sort();
  const count = `${names.length} service${names.length === 1 ? '' : 's'}`;
  if (names.length === 0) return `local twin: ${count}`;
  const shown = names.slice(0, SUMMARY_NAMES);
  const rest = names.length > shown.length ? `, ... ${names.length - shown.length} more` : '';
  return `local twin: ${count} (${shown.join(', ')}${rest})`;
}

function nameChanges(previous: Mapping, next: Mapping): string[] {
  if (isDeepStrictEqual(previous.name, next.name)) return [];
  return [`~ name ${display(previous.name)} -> ${display(next.name)}`];
}

function serviceChanges(previous: Mapping, next: Mapping): string[] {
  return unionOfKeys(previous, next).flatMap((name) => {
    if (!(name in previous)) return [`+ service ${name}`];
    if (!(name in next)) return [`- service ${name}`];
    return changesOfService(name, mapping(previous[name]), mapping(next[name]));
  });
}

function changesOfService(name: string, previous: Mapping, next: Mapping): string[] {
  const described = SERVICE_KEY_DESCRIBERS.flatMap(([key, describe]) => {
    if (isDeepStrictEqual(previous[key], next[key])) return [];
    // A change the describer finds no words for (the same thing written in another form) is still named.
    const lines = describe(previous[key], next[key]);
    return lines.length > 0 ? lines : [`${key} changed`];
  });
  const describedKeys = SERVICE_KEY_DESCRIBERS.map(([key]) => key);
  const others = unionOfKeys(previous, next)
    .filter((key) => !describedKeys.includes(key) && !isDeepStrictEqual(previous[key], next[key]))
    .map((key) => `${key} changed`);
  return [...described, ...others].map((change) => `~ ${name}: ${change}`);
}

/** The build fields that changed (not their values: build arguments can hold credentials). */
function buildChange(previous: unknown, next: unknown): string[] {
  if (previous === undefined) return ['build added'];
  if (next === undefined) return ['build removed'];
  const before = buildMapping(previous);
  const after = buildMapping(next);
  const fields = unionOfKeys(before, after).filter((key) => !isDeepStrictEqual(before[key], after[key]));
  return fields.length > 0 ? [`build ${fields.join(', ')} changed`] : [];
}

function buildMapping(build: unknown): Mapping {
  return typeof build === 'string' ? { context: build } : mapping(build);
}

/** `environment +ADDED -REMOVED ~CHANGED`: names only, whatever the values. */
function environmentChange(previous: unknown, next: unknown): string[] {
  const before = environmentMap(previous);
  const after = environmentMap(next);
  const added = [...after.keys()].filter((key) => !before.has(key)).sort();
  const removed = [...before.keys()].filter((key) => !after.has(key)).sort();
  const changed = [...after.keys()]
    .filter((key) => before.has(key) && before.get(key) !== after.get(key))
    .sort();
  const tokens = [
    ...added.map((k) => `+${k}`),
    ...removed.map((k) => `-${k}`),
    ...changed.map((k) => `~${k}`),
  ];
  return tokens.length === 0 ? [] : [`environment ${tokens.join(' ')}`];
}

/**
 * A service's environment, by variable: the value as text, or null for a variable passed through from the
 * shell (`KEY` in a list, `KEY:` or `KEY: null` in a mapping).
 */
function environmentMap(environment: unknown): Map<string, string | null> {
  const variables = new Map<string, string | null>();
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const text = String(entry);
      const equals = text.indexOf('=');
      if (equals < 0) variables.set(text, null);
      else variables.set(text.slice(0, equals), text.slice(equals + 1));
    }
  } else {
    for (const [key, value] of Object.entries(mapping(environment))) {
      variables.set(key, value === null || value === undefined ? null : String(value));
    }
  }
  return variables;
}

/**
 * A published port in the form `docker ps` shows it: `[host address:]host port->container port/protocol`,
 * with `*` for a host port compose picks. Takes the short syntax (`"127.0.0.1:8080:80/udp"`, `8080:80`,
 * `80`) and the long one (`{ target, published, host_ip, protocol }`).
 */
export function portDescription(port: unknown): string {
  if (isMapping(port)) {
    return formatPort({
      hostIp: optionalText(port.host_ip),
      published: optionalText(port.published),
      target: optionalText(port.target) ?? '?',
      protocol: optionalText(port.protocol) ?? 'tcp',
    });
  }
  const text = String(port);
  const slash = text.lastIndexOf('/');
  const protocol = slash < 0 ? 'tcp' : text.slice(slash + 1);
  const addresses = slash < 0 ? text : text.slice(0, slash);
  // An IPv6 host address is written in brackets: `[::1]:8080:80`.
  const bracketed = /^(\[[^\]]*\]):(.*)$/.exec(addresses);
  const parts = bracketed ? [bracketed[1], ...bracketed[2].split(':')] : addresses.split(':');
  const target = parts[parts.length - 1];
  const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const hostIp = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(':') : undefined;
  return formatPort({ hostIp, published, target, protocol });
}

function formatPort(port: {
  readonly hostIp?: string;
  readonly published?: string;
  readonly target: string;
  readonly protocol: string;
}): string {
  const hostIp =
    port.hostIp && port.hostIp.includes(':') && !port.hostIp.startsWith('[')
      ? `[${port.hostIp}]`
      : port.hostIp;
  const host = `${hostIp ? `${hostIp}:` : ''}${port.published || '*'}`;
  return `${host}->${port.target}/${port.protocol}`;
}

/** `healthcheck interval, timeout changed`: the fields, not their values. */
function healthcheckChange(previous: unknown, next: unknown): string[] {
  if (previous === undefined) return ['healthcheck added'];
  if (next === undefined) return ['healthcheck removed'];
  const before = mapping(previous);
  const after = mapping(next);
  const fields = unionOfKeys(before, after)
    .filter((key) => !isDeepStrictEqual(before[key], after[key]))
    .sort((a, b) => fieldRank(a) - fieldRank(b) || a.localeCompare(b));
  return fields.length > 0 ? [`healthcheck ${fields.join(', ')} changed`] : [];
}

function fieldRank(field: string): number {
  const rank = HEALTHCHECK_FIELDS.indexOf(field);
  return rank < 0 ? HEALTHCHECK_FIELDS.length : rank;
}

/**
 * `depends_on +added -removed`, then one line per dependency whose condition changed
 * (`depends_on db service_started -> service_healthy`) or whose other options changed.
 */
function dependsOnChanges(previous: unknown, next: unknown): string[] {
  const before = dependencies(previous);
  const after = dependencies(next);
  const lines = namesChange('depends_on', Object.keys(before), Object.keys(after));
  for (const name of Object.keys(after).sort()) {
    if (!(name in before) || isDeepStrictEqual(before[name], after[name])) continue;
    const from = before[name].condition;
    const to = after[name].condition;
    lines.push(
      from === to ? `depends_on ${name} changed` : `depends_on ${name} ${display(from)} -> ${display(to)}`,
    );
  }
  return lines;
}

/** Dependencies by service, the list form read as `condition: service_started`, as compose reads it. */
function dependencies(dependsOn: unknown): Readonly<Record<string, Mapping>> {
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name) => [String(name), { condition: 'service_started' }]));
  }
  return Object.fromEntries(
    Object.entries(mapping(dependsOn)).map(([name, options]) => {
      const given = mapping(options);
      return [name, { ...given, condition: given.condition ?? 'service_started' }];
    }),
  );
}

/** A mount as `source:target` (`tmpfs:target` for a tmpfs, `target` alone for an anonymous volume). */
function mountDescription(mount: unknown): string {
  if (isMapping(mount)) {
    const target = optionalText(mount.target) ?? '?';
    if (mount.type === 'tmpfs') return `tmpfs:${target}`;
    const source = optionalText(mount.source);
    return source ? `${source}:${target}` : target;
  }
  const [source, target] = String(mount).split(':');
  return target === undefined ? source : `${source}:${target}`;
}

/** `develop.watch +sync:./src -rebuild:package.json`, and `develop changed` for its other keys. */
function developChanges(previous: unknown, next: unknown): string[] {
  const before = mapping(previous);
  const after = mapping(next);
  const lines: string[] = [];
  if (!isDeepStrictEqual(before.watch, after.watch)) {
    const line = namesChange(
      'develop.watch',
      list(before.watch).map(watchDescription),
      list(after.watch).map(watchDescription),
    );
    lines.push(...(line.length > 0 ? line : ['develop.watch changed']));
  }
  const others = unionOfKeys(before, after).filter((key) => key !== 'watch');
  if (others.some((key) => !isDeepStrictEqual(before[key], after[key]))) lines.push('develop changed');
  return lines;
}

function watchDescription(rule: unknown): string {
  const given = mapping(rule);
  return `${optionalText(given.action) ?? '?'}:${optionalText(given.path) ?? '?'}`;
}

/** `+ volume data`, `- network web`, `~ config web-nginx-conf changed`: names only, never definitions. */
function resourceChanges(noun: string, previous: Mapping, next: Mapping): string[] {
  return unionOfKeys(previous, next).flatMap((name) => {
    if (!(name in previous)) return [`+ ${noun} ${name}`];
    if (!(name in next)) return [`- ${noun} ${name}`];
    return isDeepStrictEqual(previous[name], next[name]) ? [] : [`~ ${noun} ${name} changed`];
  });
}

function otherTopLevelChanges(previous: Mapping, next: Mapping): string[] {
  const described = ['name', 'services', ...RESOURCE_KINDS.map(([key]) => key)];
  return unionOfKeys(previous, next)
    .filter((key) => !described.includes(key) && !isDeepStrictEqual(previous[key], next[key]))
    .map((key) => `~ ${key} changed`);
}

/** `label +a +b -c` for the names added and removed, or nothing when the two sets are the same. */
function namesChange(label: string, previous: readonly string[], next: readonly string[]): string[] {
  const before = new Set(previous);
  const after = new Set(next);
  const added = [...after].filter((name) => !before.has(name)).sort();
  const removed = [...before].filter((name) => !after.has(name)).sort();
  if (added.length === 0 && removed.length === 0) return [];
  return [[label, ...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(' ')];
}

function unionOfKeys(a: Mapping, b: Mapping): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown): Mapping {
  return isMapping(value) ? value : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringList(value: unknown): string[] {
  return list(value).map(String);
}

function optionalText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** A scalar as it reads in a line; `(none)` when absent. */
function display(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
