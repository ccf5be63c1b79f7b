import * as fs from 'fs';
import * as path from 'path';
import { checkSchema } from './compose-schema';
import { ComposeImportError, Location } from './compose-import-error';
import { parseEnvFile } from './env-file';
import {
  ComposeVariable,
  ComposeWarning,
  interpolate,
  InterpolationContext,
  locationKey,
} from './interpolation';
import { child, Entry, LocatedNode, mapping, MapNode, plain, readYaml, scalar, text } from './located-node';
import { clearResets, enforceUnique, mergeNodes } from './merge';
import { normalizeResource, normalizeService, PathBase, serviceDefaults } from './normalize';

/** What to read. */
export interface LoadComposeOptions {
  /** The compose files, in the order of `-f`: each later one overrides the ones before. */
  readonly files: readonly string[];
  /**
   * The file of variables for interpolation (`--env-file`).
   * @default - `.env` beside the first file, when there is one
   */
  readonly envFile?: string;
  /**
   * The shell's variables: they take precedence over the env file's, as in Compose.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** A `depends_on` entry in the long syntax. */
export interface ServiceDependency {
  /** `service_started` (the short syntax), `service_healthy` or `service_completed_successfully`. */
  readonly condition: string;
  /** Whether Compose fails when the dependency cannot start (`true` unless written `false`). */
  readonly required: boolean;
  /** Whether Compose restarts this service after it updates the dependency. */
  readonly restart?: boolean;
}

/** A service's `healthcheck` in the long syntax: durations in milliseconds. */
export interface ServiceHealthcheck {
  /** The test, a string written as `["CMD-SHELL", string]`. */
  readonly test?: string[];
  readonly interval?: number;
  readonly timeout?: number;
  readonly start_period?: number;
  readonly start_interval?: number;
  readonly retries?: number;
  readonly disable?: boolean;
}

/**
 * A service in the long syntax, as `docker compose config --format json` prints it (the tests compare the
 * two with Compose v2), with these differences:
 * - durations are milliseconds and sizes bytes (numbers), where Compose prints `1m30s` and `"536870912"`;
 * - paths stay as written, relative to the project directory (those of a file read through `extends` or
 *   `include` rebased on it), `~` not expanded; Compose prints them absolute;
 * - a pass-through `environment` or `build.args` entry (`- VAR`, or `VAR:` without a value) is `null`,
 *   not looked up in the shell;
 * - `env_file` files are read into `environment` (whose own entries win), and the entries are kept;
 * - `ulimits` are always `{soft, hard}`, `extra_hosts` a mapping of host to addresses, `networks` entries
 *   `{}` where Compose prints `null`;
 * - `false` booleans and the service's own `x-*` keys are kept; Compose leaves them out.
 *
 * The keys named here are the ones whose short syntax is rewritten; every other key of the file is kept
 * as written (after interpolation).
 */
export interface ServiceDefinition {
  readonly image?: string;
  readonly build?: {
    readonly context: string;
    readonly dockerfile?: string;
    readonly args?: Record<string, string | null>;
    readonly target?: string;
    readonly [key: string]: unknown;
  };
  /** The command as words (a string is split as Compose splits it; `shellForms` keeps the string). */
  readonly command?: string[] | null;
  readonly entrypoint?: string[] | null;
  readonly environment?: Record<string, string | null>;
  readonly env_file?: { readonly path: string; readonly required: boolean; readonly format?: string }[];
  readonly ports?: import('./compose-values').PortConfig[];
  readonly expose?: string[];
  readonly volumes?: import('./compose-values').VolumeMount[];
  readonly depends_on?: Record<string, ServiceDependency>;
  readonly healthcheck?: ServiceHealthcheck;
  readonly labels?: Record<string, string>;
  readonly ulimits?: Record<string, { readonly soft: number; readonly hard: number }>;
  readonly extra_hosts?: Record<string, string[]>;
  readonly networks?: Record<string, { readonly aliases?: string[]; readonly [key: string]: unknown }>;
  readonly secrets?: { readonly source: string; readonly target?: string; readonly [key: string]: unknown }[];
  readonly configs?: { readonly source: string; readonly target?: string; readonly [key: string]: unknown }[];
  readonly tmpfs?: string[];
  readonly sysctls?: Record<string, string>;
  readonly logging?: { readonly driver?: string; readonly options?: Record<string, string> };
  readonly restart?: string;
  readonly profiles?: string[];
  /** Milliseconds. */
  readonly stop_grace_period?: number;
  readonly deploy?: { readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One key or entry of a definition, for reporting each one: its path from the top of the model. */
export interface ComposeEntry {
  /** e.g. `['services', 'api', 'ports', 0, 'target']`. */
  readonly path: (string | number)[];
  readonly value: unknown;
  /** Where it was written (the last file that set it, after merging). */
  readonly location: Location;
}

/** The kinds of top-level definitions. */
export type ComposeSection = 'services' | 'volumes' | 'networks' | 'secrets' | 'configs';

/**
 * Compose files read as Compose reads them (see {@link loadCompose}): the model in the long syntax, where
 * each part of it was written, the variables it reads and what Compose would warn about.
 */
export interface LoadedCompose {
  /** The top-level `name`, if any file sets it. */
  readonly name?: string;
  /** The files read, as given. */
  readonly files: readonly string[];
  /** The directory of the first file, which relative paths start from. */
  readonly projectDir: string;
  readonly services: Record<string, ServiceDefinition>;
  readonly volumes: Record<string, Record<string, unknown>>;
  readonly networks: Record<string, Record<string, unknown>>;
  readonly secrets: Record<string, Record<string, unknown>>;
  readonly configs: Record<string, Record<string, unknown>>;
  /** The top-level `x-*` keys. */
  readonly extensions: Record<string, unknown>;
  /** Each variable the files read, with its default and whether it is required. */
  readonly variables: ComposeVariable[];
  /**
   * The text a value at `path` was read from, before interpolation, when it interpolates (`${TAG:-latest}`;
   * an environment entry of the list form is its whole `NAME=value`); undefined for a value without `$`.
   */
  writtenAt(path: readonly (string | number)[]): string | undefined;
  /** What Compose would warn about: unset variables, the obsolete `version`, keys not read. */
  readonly warnings: ComposeWarning[];
  /** The strings of `command`, `entrypoint` and `healthcheck.test` written as one string, per service. */
  readonly shellForms: Record<
    string,
    { readonly command?: string; readonly entrypoint?: string; readonly healthcheck?: string }
  >;
  /** Where a part of the model was written; for a path that is not there, where its nearest parent was. */
  locationOf(path: readonly (string | number)[]): Location;
  /** Every key and entry of one definition, depth first, with its location. */
  entries(section: ComposeSection, name: string): ComposeEntry[];
}

const SECTIONS: readonly ComposeSection[] = ['services', 'volumes', 'networks', 'secrets', 'configs'];

interface FileModel {
  readonly root: MapNode;
  readonly services: Map<string, Entry>;
}

class Loader {
  readonly projectDir: string;
  readonly ctx: InterpolationContext;
  readonly warnings: ComposeWarning[] = [];
  private readonly extendsCache = new Map<string, FileModel>();
  /** The files being read, for a cycle of `extends.file`. */
  private readonly reading = new Set<string>();
  private readonly warn = (w: ComposeWarning) => this.warnings.push(w);

  constructor(readonly options: LoadComposeOptions) {
    if (options.files.length === 0) throw new ComposeImportError('no compose file given');
    this.projectDir = path.dirname(path.resolve(options.files[0]));
    const shell = options.environment ?? {};
    const fromShell = (name: string) =>
      Object.prototype.hasOwnProperty.call(shell, name) ? shell[name] : undefined;
    const dotenv = new Map<string, string>();
    const envFile = options.envFile ?? path.join(path.dirname(options.files[0]), '.env');
    if (options.envFile !== undefined || fs.existsSync(envFile)) {
      for (const e of parseEnvFile(readText(envFile), envFile, fromShell))
        if (e.value !== undefined) dotenv.set(e.name, e.value);
    }
    this.ctx = new InterpolationContext((name) => fromShell(name) ?? dotenv.get(name));
  }

  /** One file read, checked, interpolated and normalized, its `extends` resolved. */
  readFile(file: string, base: PathBase): FileModel {
    this.reading.add(path.resolve(file));
    try {
      return this.readFileOnce(file, base);
    } finally {
      this.reading.delete(path.resolve(file));
    }
  }

  private readFileOnce(file: string, base: PathBase): FileModel {
    const raw = readYaml(readText(file), file);
    if (raw.kind !== 'map')
      throw new ComposeImportError('not a compose file: the top level must be a mapping', raw.loc);
    const interpolated = interpolate(raw, this.ctx) as MapNode;
    checkSchema(interpolated);
    const entries = new Map<string, Entry>();
    let includes: Entry | undefined;
    for (const [key, e] of interpolated.entries) {
      if (key === 'version') {
        this.warnings.push({ message: '`version` is obsolete: Compose ignores it', location: e.keyLoc });
        continue;
      }
      if (key === 'include') {
        includes = e;
        continue;
      }
      if ((SECTIONS as readonly string[]).includes(key)) {
        if (e.node.kind === 'scalar' && e.node.value === null) continue;
        if (e.node.kind !== 'map') throw new ComposeImportError(`${key} must be a mapping`, e.keyLoc);
        const section = mapping(
          e.node.loc,
          [...e.node.entries].map(([name, d]) => [
            name,
            d.node.tag === '!reset'
              ? d.node
              : key === 'services'
                ? normalizeService(d.node, name, base)
                : normalizeResource(d.node, `${key}.${name}`, base),
            d.keyLoc,
          ]),
        );
        entries.set(key, { node: e.node.tag ? { ...section, tag: e.node.tag } : section, keyLoc: e.keyLoc });
      } else {
        entries.set(key, e);
      }
    }
    if (includes) this.include(file, base, includes, entries);
    const root: MapNode = { kind: 'map', entries, loc: interpolated.loc };
    const services = (child(root, 'services') as MapNode | undefined)?.entries ?? new Map<string, Entry>();
    const model: FileModel = { root, services };
    const done = new Set<string>();
    for (const name of services.keys()) this.resolveExtends(model, file, base, name, [], done);
    return model;
  }

  /**
   * `include`: each file read with its relative paths from its own directory, its definitions added to
   * the including file's; a definition both define is an error, as in Compose.
   */
  private include(file: string, base: PathBase, includes: Entry, entries: Map<string, Entry>): void {
    const list = includes.node.kind === 'seq' ? includes.node.items : [includes.node];
    for (const item of list) {
      const pathNode = item.kind === 'map' ? child(item, 'path') : item;
      const paths = pathNode?.kind === 'seq' ? pathNode.items : pathNode ? [pathNode] : [];
      if (item.kind === 'map' && (child(item, 'env_file') || child(item, 'project_directory'))) {
        this.warnings.push({
          message:
            'include: env_file and project_directory are not read; the included files are interpolated with the variables of this project',
          location: item.loc,
        });
      }
      for (const p of paths) {
        const rel = text(p);
        if (rel === undefined) throw new ComposeImportError('include: each entry must be a path', p.loc);
        const included = path.isAbsolute(rel) ? rel : path.join(path.dirname(file), rel);
        if (this.reading.has(path.resolve(included))) {
          throw new ComposeImportError(`include: ${included} includes this file: a cycle`, p.loc);
        }
        const model = this.readFile(included, { ...base, fileDir: path.dirname(path.resolve(included)) });
        for (const [key, e] of model.root.entries) {
          const own = entries.get(key);
          if (!(SECTIONS as readonly string[]).includes(key) || e.node.kind !== 'map') {
            if (!own && key.startsWith('x-')) entries.set(key, e);
            continue;
          }
          if (!own || own.node.kind !== 'map') {
            entries.set(key, e);
            continue;
          }
          const section = new Map(own.node.entries);
          for (const [name, d] of e.node.entries) {
            if (section.has(name)) {
              throw new ComposeImportError(
                `${key}.${name} is defined both here and in the included ${included}`,
                section.get(name)!.keyLoc,
              );
            }
            section.set(name, d);
          }
          entries.set(key, { node: { ...own.node, entries: section }, keyLoc: own.keyLoc });
        }
      }
    }
  }

  private resolveExtends(
    model: FileModel,
    file: string,
    base: PathBase,
    name: string,
    stack: string[],
    done: Set<string>,
  ): MapNode {
    const entry = model.services.get(name)!;
    const service = entry.node as MapNode;
    if (done.has(name) || service.kind !== 'map') return service;
    const ext = child(service, 'extends');
    if (!ext) {
      done.add(name);
      return service;
    }
    const extLoc = service.entries.get('extends')!.keyLoc;
    const target = text(child(ext, 'service') ?? ext);
    if (!target) throw new ComposeImportError(`services.${name}.extends needs a service`, extLoc);
    const extFile = text(child(ext, 'file') ?? scalar(null, ext.loc));
    let baseService: MapNode;
    if (extFile !== undefined) {
      const otherPath = path.join(path.dirname(file), extFile);
      let other = this.extendsCache.get(otherPath);
      if (!other) {
        if (this.reading.has(path.resolve(otherPath))) {
          throw new ComposeImportError(
            `services.${name} extends a service of ${otherPath}, which extends this file: a cycle`,
            extLoc,
          );
        }
        other = this.readFile(otherPath, { ...base, fileDir: path.dirname(path.resolve(otherPath)) });
        this.extendsCache.set(otherPath, other);
      }
      const b = other.services.get(target);
      if (!b)
        throw new ComposeImportError(
          `services.${name} extends service "${target}", which ${otherPath} does not define`,
          extLoc,
        );
      baseService = b.node as MapNode;
    } else {
      if (!model.services.has(target)) {
        throw new ComposeImportError(
          `services.${name} extends service "${target}", which does not exist`,
          extLoc,
        );
      }
      if (stack.includes(target) || target === name) {
        throw new ComposeImportError(
          `services.${name}: extends cycle ${[...stack, name, target].join(' -> ')}`,
          extLoc,
        );
      }
      baseService = this.resolveExtends(model, file, base, target, [...stack, name], done);
    }
    const own: MapNode = {
      ...service,
      entries: new Map([...service.entries].filter(([k]) => k !== 'extends')),
    };
    const merged = mergeNodes(baseService, own, []) as MapNode;
    model.services.set(name, { node: merged, keyLoc: entry.keyLoc });
    done.add(name);
    return merged;
  }

  load(): LoadedCompose {
    let model: MapNode | undefined;
    for (const file of this.options.files) {
      const { root } = this.readFile(file, {
        projectDir: this.projectDir,
        fileDir: this.projectDir,
        warn: this.warn,
      });
      model = model === undefined ? (clearResets(root) as MapNode) : mergeTop(model, root);
    }
    const root = model!;
    const services = child(root, 'services');
    if (services === undefined || services.kind !== 'map') {
      throw new ComposeImportError('not a compose file: it has no services mapping', root.loc);
    }
    for (const [name, e] of services.entries) {
      const withUnique = serviceDefaults(enforceUnique(e.node as MapNode));
      services.entries.set(name, { node: this.readEnvFiles(withUnique, name), keyLoc: e.keyLoc });
    }
    for (const [name, e] of services.entries) {
      const s = e.node as MapNode;
      checkDistinct(s, name);
      if (!s.entries.has('image') && !s.entries.has('build')) {
        throw new ComposeImportError(
          `service "${name}" has neither an image nor a build context specified`,
          e.keyLoc,
        );
      }
    }
    checkReferences(root);
    return flatten(root, this);
  }

  /** The service with its env files read into `environment` (its own entries win, a later file over an earlier one). */
  private readEnvFiles(service: MapNode, name: string): MapNode {
    const envFiles = child(service, 'env_file');
    if (!envFiles || envFiles.kind !== 'seq' || envFiles.items.length === 0) return service;
    const fromFiles = new Map<string, Entry>();
    for (const item of envFiles.items) {
      const p = text(child(item, 'path')!)!;
      const required = child(item, 'required');
      const file = path.resolve(this.projectDir, p);
      if (!fs.existsSync(file)) {
        if (required?.kind === 'scalar' && required.value === false) continue;
        throw new ComposeImportError(`services.${name}.env_file: ${p} not found`, item.loc);
      }
      // Shown as the compose files are: beside the first one as it was given.
      const shown = path.isAbsolute(p) ? p : path.join(path.dirname(this.options.files[0]), p);
      for (const v of parseEnvFile(readText(file), shown, this.ctx.lookup)) {
        fromFiles.set(v.name, { node: scalar(v.value ?? null, v.location), keyLoc: v.location });
      }
    }
    const environment = child(service, 'environment');
    const own = environment?.kind === 'map' ? environment.entries : new Map<string, Entry>();
    const merged = new Map<string, Entry>([...fromFiles].filter(([k]) => !own.has(k)));
    for (const [k, e] of own) merged.set(k, e);
    const envEntry = service.entries.get('environment');
    const entries = new Map(service.entries);
    entries.set('environment', {
      node: { kind: 'map', entries: merged, loc: environment?.loc ?? envFiles.loc },
      keyLoc: envEntry?.keyLoc ?? envFiles.loc,
    });
    return { ...service, entries };
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ComposeImportError(
      `cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`,
    );
  }
}

/** Merges one file's model into the model of the files before it. */
function mergeTop(model: MapNode, over: MapNode): MapNode {
  const entries = new Map<string, Entry>(model.entries);
  for (const [key, e] of over.entries) {
    const previous = model.entries.get(key)?.node;
    let merged: LocatedNode | undefined;
    if (
      (SECTIONS as readonly string[]).includes(key) &&
      previous?.kind === 'map' &&
      e.node.kind === 'map' &&
      !e.node.tag
    ) {
      const section = new Map<string, Entry>(previous.entries);
      for (const [name, d] of e.node.entries) {
        const m = mergeNodes(previous.entries.get(name)?.node, d.node, key === 'services' ? [] : ['']);
        if (m === undefined) section.delete(name);
        else section.set(name, { node: m, keyLoc: d.keyLoc });
      }
      merged = { kind: 'map', entries: section, loc: previous.loc };
    } else {
      merged = mergeNodes(previous, e.node, ['']);
    }
    if (merged === undefined) entries.delete(key);
    else entries.set(key, { node: merged, keyLoc: e.keyLoc });
  }
  return { kind: 'map', entries, loc: model.loc };
}

/** The pairs of keys Compose refuses to see set to different values. */
const SAME_VALUE: readonly [string, string[]][] = [
  ['cpus', ['deploy', 'resources', 'limits', 'cpus']],
  ['mem_limit', ['deploy', 'resources', 'limits', 'memory']],
  ['mem_reservation', ['deploy', 'resources', 'reservations', 'memory']],
  ['pids_limit', ['deploy', 'resources', 'limits', 'pids']],
];

function checkDistinct(service: MapNode, name: string): void {
  for (const [key, deployPath] of SAME_VALUE) {
    const own = child(service, key);
    const deploy = deployPath.reduce<LocatedNode | undefined>((n, k) => child(n, k), service);
    if (own?.kind === 'scalar' && deploy?.kind === 'scalar' && own.value !== deploy.value) {
      throw new ComposeImportError(
        `services.${name}: can't set distinct values on '${key}' and '${deployPath.join('.')}'`,
        deploy.loc,
      );
    }
  }
}

/** The references Compose checks: depends_on, links and the named volumes, networks, secrets, configs. */
function checkReferences(root: MapNode): void {
  const services = child(root, 'services') as MapNode;
  const defined = (section: string) =>
    new Set((child(root, section) as MapNode | undefined)?.entries.keys() ?? []);
  const volumes = defined('volumes');
  const networks = defined('networks');
  const secrets = defined('secrets');
  const configs = defined('configs');
  for (const [name, e] of services.entries) {
    const s = e.node as MapNode;
    const dependsOn = child(s, 'depends_on');
    if (dependsOn?.kind === 'map') {
      for (const [dep, d] of dependsOn.entries) {
        const required = child(d.node, 'required');
        if (!services.entries.has(dep) && !(required?.kind === 'scalar' && required.value === false)) {
          throw new ComposeImportError(`service "${name}" depends on undefined service "${dep}"`, d.keyLoc);
        }
      }
    }
    for (const link of (child(s, 'links') as { items?: LocatedNode[] } | undefined)?.items ?? []) {
      const target = (text(link) ?? '').split(':')[0];
      if (!services.entries.has(target))
        throw new ComposeImportError(`service "${name}" links to undefined service "${target}"`, link.loc);
    }
    for (const v of (child(s, 'volumes') as { items?: LocatedNode[] } | undefined)?.items ?? []) {
      const source = text(child(v, 'source') ?? scalar(null, v.loc));
      if (text(child(v, 'type')!) === 'volume' && source !== undefined && !volumes.has(source)) {
        throw new ComposeImportError(`service "${name}" refers to undefined volume ${source}`, v.loc);
      }
    }
    const nets = child(s, 'networks');
    if (nets?.kind === 'map') {
      for (const [net, d] of nets.entries) {
        if (net !== 'default' && !networks.has(net))
          throw new ComposeImportError(`service "${name}" refers to undefined network ${net}`, d.keyLoc);
      }
    }
    for (const [section, set] of [
      ['secrets', secrets],
      ['configs', configs],
    ] as const) {
      for (const r of (child(s, section) as { items?: LocatedNode[] } | undefined)?.items ?? []) {
        const source = text(child(r, 'source') ?? scalar(null, r.loc));
        if (source !== undefined && !set.has(source))
          throw new ComposeImportError(
            `service "${name}" refers to undefined ${section.slice(0, -1)} ${source}`,
            r.loc,
          );
      }
    }
  }
  // A cycle in depends_on, named in the order it runs.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const from = child(services.entries.get(trail[trail.length - 1])!.node, 'depends_on') as MapNode;
      throw new ComposeImportError(
        `dependency cycle detected: ${cycle.join(' -> ')}`,
        from.entries.get(name)!.keyLoc,
      );
    }
    state.set(name, 'visiting');
    const deps = child(services.entries.get(name)?.node, 'depends_on');
    if (deps?.kind === 'map')
      for (const dep of deps.entries.keys()) if (services.entries.has(dep)) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of services.entries.keys()) visit(name, []);
}

function flatten(root: MapNode, loader: Loader): LoadedCompose {
  const locations = new Map<string, Location>();
  /** Where each scalar value was written (a map entry's location above is its key's). */
  const valueLocations = new Map<string, Location>();
  const shellForms: Record<string, { command?: string; entrypoint?: string; healthcheck?: string }> = {};
  const keyOf = (p: readonly (string | number)[]) => JSON.stringify(p.map(String));
  const walk = (node: LocatedNode, p: (string | number)[]): void => {
    if (node.kind === 'scalar') valueLocations.set(keyOf(p), node.loc);
    if (node.kind === 'map') {
      for (const [k, e] of node.entries) {
        locations.set(keyOf([...p, k]), e.keyLoc);
        walk(e.node, [...p, k]);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => {
        locations.set(keyOf([...p, i]), item.loc);
        walk(item, [...p, i]);
      });
      if (node.shell !== undefined && p[0] === 'services') {
        const forms = (shellForms[String(p[1])] ??= {});
        const what = p[2] === 'healthcheck' ? 'healthcheck' : (p[2] as 'command' | 'entrypoint');
        forms[what] = node.shell;
      }
    }
  };
  locations.set(keyOf([]), root.loc);
  walk(root, []);
  const section = (name: string) =>
    (plain(child(root, name) ?? mapping(root.loc)) ?? {}) as Record<string, Record<string, unknown>>;
  const extensions: Record<string, unknown> = {};
  for (const [k, e] of root.entries) if (k.startsWith('x-')) extensions[k] = plain(e.node);
  const name = text(child(root, 'name') ?? scalar(null, root.loc));
  const locationOf = (p: readonly (string | number)[]): Location => {
    for (let n = p.length; n >= 0; n--) {
      const loc = locations.get(keyOf(p.slice(0, n)));
      if (loc) return loc;
    }
    return root.loc;
  };
  const model = {
    ...(name !== undefined && { name }),
    files: [...loader.options.files],
    projectDir: loader.projectDir,
    services: section('services') as Record<string, ServiceDefinition>,
    volumes: section('volumes'),
    networks: section('networks'),
    secrets: section('secrets'),
    configs: section('configs'),
    extensions,
    variables: loader.ctx.variables(),
    writtenAt: (p: readonly (string | number)[]) => {
      const loc = valueLocations.get(keyOf(p));
      return loc ? loader.ctx.written.get(locationKey(loc)) : undefined;
    },
    warnings: [...loader.ctx.warnings, ...loader.warnings],
    shellForms,
    locationOf,
    entries(kind: ComposeSection, id: string): ComposeEntry[] {
      const out: ComposeEntry[] = [];
      const start = child(child(root, kind), id);
      const visit = (node: LocatedNode, p: (string | number)[]) => {
        const items: [string | number, LocatedNode][] =
          node.kind === 'map'
            ? [...node.entries].map(([k, e]) => [k, e.node])
            : node.kind === 'seq'
              ? node.items.map((n, i) => [i, n])
              : [];
        for (const [k, n] of items) {
          const q = [...p, k];
          out.push({ path: q, value: plain(n), location: locationOf(q) });
          visit(n, q);
        }
      };
      if (start) visit(start, [kind, id]);
      return out;
    },
  };
  return model;
}

/**
 * Reads compose files as Compose does, into the model `twinstack import` maps to constructs.
 *
 * Covered, following the Compose Specification and docker compose v2 (compose-go):
 * - YAML 1.2 with anchors, aliases, `<<` merge keys, duplicate keys refused; `x-*` extensions kept.
 * - Interpolation of values (never keys), per file before merging: `$VAR`, `${VAR}`, `${VAR:-default}`,
 *   `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nested operands, `$$`.
 *   Variables come from the shell (`environment`), then `.env` beside the first file or `envFile`. An unset
 *   variable without a default becomes an empty string with a warning; an unset required one is a
 *   ComposeImportError. Every variable read is listed with its default and whether it is required.
 * - Each file checked against the Compose Specification's JSON schema, errors at the key's line.
 * - The short syntax of each key rewritten to the long one `docker compose config` prints: ports (ranges
 *   expanded), volumes, environment, env_file, depends_on, healthcheck, command and entrypoint (split
 *   as go-shellwords does), labels, annotations, sysctls, ulimits, build, extra_hosts, networks, secrets,
 *   configs, tmpfs, dns, logging options, deploy resources; durations to milliseconds, sizes to bytes,
 *   booleans and numbers written as strings read as Compose casts them.
 * - `extends` within the file and from another file (`file:`), its relative paths rebased on the
 *   project directory; several files merged as Compose merges overrides, with `!reset` and `!override`.
 * - `env_file` files read into `environment` with their own lines as locations.
 * - Errors: not YAML, not a compose file, a required variable unset, `depends_on`, `extends` or `links`
 *   naming a service that does not exist, an undefined volume, network, secret or config, a cycle in
 *   depends_on, a bad duration, size or port.
 *
 * - `include` of other files (their relative paths from their own directory; a definition in two files
 *   is an error), without its `env_file` and `project_directory` (a warning).
 *
 * Not covered: profiles (every service is kept, its `profiles` with it), relative
 * paths are not made absolute and `- VAR` pass-through entries are not looked up in the shell (the
 * importer decides what they become), the project name is not derived from the directory.
 */
export function loadCompose(options: LoadComposeOptions): LoadedCompose {
  return new Loader(options).load();
}
