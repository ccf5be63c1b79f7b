import * as fs from 'fs';
import * as path from 'path';
import { invalid } from '../errors';
import { dockerfileStageInstructions } from '../model/dockerfile';
import type { DevelopmentWatchSpec, ImageSpec } from '../model/spec';

/** A path of the build context copied into the running container when it changes. */
export interface DevelopmentSync {
  /** Path relative to the build context (the directory of `Image.fromDirectory`), e.g. `'src'`. */
  readonly path: string;
  /** Absolute path in the container the files are copied to, e.g. `'/app/src'`. */
  readonly target: string;
  /**
   * Patterns (`.dockerignore` syntax, relative to `path`) whose changes are not copied, e.g.
   * `['node_modules/', '*.pyc']`.
   * @default - none
   */
  readonly ignore?: string[];
}

/** A path of the build context copied into the running container, which is then restarted. */
export interface DevelopmentRestart {
  /** Path relative to the build context, e.g. `'config/app.yaml'`. */
  readonly path: string;
  /** Absolute path in the container the file or directory is copied to. */
  readonly target: string;
}

/**
 * What the local twin does while compose watches a workload built from a directory (`docker compose
 * watch`, `docker compose up --watch`): compose `develop.watch`. The cloud twin has none of it: its image
 * is built once by `cdk deploy` (the parity check reports the stand-in `development`).
 *
 * Each list that is given replaces the one inferred from the Dockerfile; each list that is left out is
 * inferred from the stage the local twin builds (`localTarget`, `target`, or the last stage), from its
 * `COPY` and `ADD` lines without `--from`:
 *
 * - a source that is a dependency manifest or lock file (`package.json`, `package-lock.json`,
 *   `yarn.lock`, `pnpm-lock.yaml`, `requirements*.txt`, `Pipfile`, `Pipfile.lock`, `poetry.lock`,
 *   `pyproject.toml`, `go.mod`, `go.sum`, `Cargo.toml`, `Cargo.lock`, `Gemfile`, `Gemfile.lock`,
 *   `composer.json`, `composer.lock`, `pom.xml`, `build.gradle*`), and the Dockerfile itself: `rebuild`;
 * - any other source: `sync` to its destination (a relative destination resolved against the `WORKDIR`);
 *   a source that is the whole context (`COPY . .`) ignores `.git`, `node_modules` and what
 *   `.dockerignore` lists;
 * - sources with wildcards or variables, URLs, archives ADD unpacks, and sources outside the context are
 *   not watched.
 *
 * Nothing is inferred for `restart`.
 */
export interface DevelopmentOptions {
  /**
   * Paths copied into the running container when they change (compose `action: sync`).
   * @default - inferred from the Dockerfile's COPY and ADD lines (see DevelopmentOptions). Cloud: nothing.
   */
  readonly sync?: DevelopmentSync[];
  /**
   * Paths, relative to the build context, whose change rebuilds the image and replaces the container
   * (compose `action: rebuild`), e.g. `['package.json', 'package-lock.json']`.
   * @default - the dependency manifests the Dockerfile copies, and the Dockerfile. Cloud: nothing.
   */
  readonly rebuild?: string[];
  /**
   * Paths copied into the running container, which is then restarted (compose `action: sync+restart`),
   * e.g. configuration read only at start.
   * @default - none. Cloud: nothing.
   */
  readonly restart?: DevelopmentRestart[];
}

const MANIFESTS = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'Pipfile',
  'Pipfile.lock',
  'poetry.lock',
  'pyproject.toml',
  'go.mod',
  'go.sum',
  'Cargo.toml',
  'Cargo.lock',
  'Gemfile',
  'Gemfile.lock',
  'composer.json',
  'composer.lock',
  'pom.xml',
]);

/** Whether the file named `file` (a base name) lists dependencies, whose change needs a rebuild. */
export function isDependencyManifest(file: string): boolean {
  return MANIFESTS.has(file) || /^requirements.*\.txt$/.test(file) || /^build\.gradle/.test(file);
}

/** A local archive, which ADD unpacks. */
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst))$/i;

/** What the sync of a whole build context always leaves out. */
const CONTEXT_IGNORES = ['.git/', 'node_modules/'];

type DirectoryImage = Extract<ImageSpec, { kind: 'directory' }>;

/** The watch rules inferred from the Dockerfile of `image` (see DevelopmentOptions). */
export function inferredWatch(image: DirectoryImage): {
  sync: DevelopmentWatchSpec[];
  rebuild: DevelopmentWatchSpec[];
} {
  const context = image.directory;
  const dockerfile = path.join(context, image.file);
  const rebuild = new Map<string, DevelopmentWatchSpec>([
    [dockerfile, { action: 'rebuild', path: dockerfile }],
  ]);
  const sync = new Map<string, DevelopmentWatchSpec>();
  let text: string;
  try {
    text = fs.readFileSync(dockerfile, 'utf8');
  } catch {
    return { sync: [], rebuild: [...rebuild.values()] };
  }
  let workdir = '/';
  for (const instruction of dockerfileStageInstructions(text, image.localTarget ?? image.target)) {
    const [keyword, ...rest] = instruction.split(/[ \t]+/);
    const kind = keyword.toUpperCase();
    if (kind === 'WORKDIR' && rest.length > 0 && !rest.join(' ').includes('$')) {
      workdir = path.posix.resolve(workdir, rest.join(' '));
      continue;
    }
    if (kind !== 'COPY' && kind !== 'ADD') continue;
    if (rest.some((w) => /^--from[= ]/i.test(w) || w.toLowerCase() === '--from')) continue;
    const args = copyArguments(rest.filter((w) => !w.startsWith('--')));
    if (!args || args.length < 2) continue;
    const destination = args[args.length - 1];
    if (destination.includes('$')) continue;
    const sources = args.slice(0, -1);
    const intoDirectory = sources.length > 1 || destination.endsWith('/') || /(^|\/)\.\.?$/.test(destination);
    const target = path.posix.resolve(workdir, destination);
    for (const source of sources) {
      if (/[*?[$]/.test(source) || /^[a-z]+:\/\//i.test(source) || source.startsWith('git@')) continue;
      // ADD unpacks a local archive: the container has its contents, not the file.
      if (kind === 'ADD' && ARCHIVE.test(source)) continue;
      const host = path.resolve(context, source);
      const relative = path.relative(context, host);
      if (relative.startsWith('..') || path.isAbsolute(relative) || !fs.existsSync(host)) continue;
      const isDirectory = fs.statSync(host).isDirectory();
      if (!isDirectory && isDependencyManifest(path.basename(host))) {
        rebuild.set(host, { action: 'rebuild', path: host });
        continue;
      }
      const to = isDirectory || !intoDirectory ? target : path.posix.join(target, path.basename(host));
      sync.set(host, {
        action: 'sync',
        path: host,
        target: to,
        ...(relative === '' ? { ignore: [...CONTEXT_IGNORES, ...dockerignore(context)] } : {}),
      });
    }
  }
  return { sync: [...sync.values()], rebuild: [...rebuild.values()] };
}

/** The source and destination words of a COPY or ADD, in shell or exec (JSON) form. */
function copyArguments(words: string[]): string[] | undefined {
  const joined = words.join(' ');
  if (!joined.startsWith('[')) return words.map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
  try {
    const list = JSON.parse(joined) as unknown[];
    return list.every((x) => typeof x === 'string') ? (list as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The exclusion patterns of the context's `.dockerignore` (comments, blanks and `!` exceptions left out). */
function dockerignore(context: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(context, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  const patterns = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => l.replace(/^\/+/, ''))
    .filter((l) => l !== '' && !l.split('/').includes('..'));
  return [...new Set(patterns)].filter((p) => !CONTEXT_IGNORES.includes(p.endsWith('/') ? p : `${p}/`));
}

/** A path given relative to the build context, checked: relative, inside the context, existing. */
function contextPath(at: string, prop: string, value: unknown, image: DirectoryImage): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(at, prop, value, 'must be a path relative to the build context, e.g. src');
  if (path.isAbsolute(value) || value.split(/[\\/]/).includes('..'))
    throw invalid(
      at,
      prop,
      value,
      'must be relative to the build context and inside it (no leading / and no ..)',
    );
  const resolved = path.resolve(image.directory, value);
  if (!fs.existsSync(resolved))
    throw invalid(at, prop, value, `does not exist in the build context (looked for ${resolved})`);
  return resolved;
}

function containerPath(at: string, prop: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.split('/').includes('..') ||
    /[\0\n]/.test(value)
  )
    throw invalid(at, prop, value, 'must be an absolute path in the container without .., e.g. /app/src');
  return path.posix.normalize(value);
}

function ignoreList(at: string, prop: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(at, prop, value, 'must be a list of patterns, e.g. ["*.pyc"]');
  return value.map((p, i) => {
    if (typeof p !== 'string' || p.trim() === '' || path.isAbsolute(p) || p.split('/').includes('..'))
      throw invalid(
        at,
        `${prop}[${i}]`,
        p,
        'must be a pattern relative to the synced path (.dockerignore syntax), without a leading / or ..',
      );
    return p;
  });
}

function list(at: string, prop: string, value: unknown): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(at, prop, value, 'must be a list');
  return value;
}

/**
 * Checks the development settings of the workload at `at` (prop `development`) and gives its watch rules:
 * the given lists, the others inferred from the Dockerfile. Undefined for `undefined` or `false`.
 */
export function developmentSpec(
  at: string,
  given: unknown,
  image: ImageSpec,
): { readonly watch: DevelopmentWatchSpec[] } | undefined {
  if (given === undefined || given === false) return undefined;
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw invalid(
      at,
      'development',
      given,
      'must be an object { sync?, rebuild?, restart? } (an empty one infers the settings from the Dockerfile), or false',
    );
  if (image.kind !== 'directory' || image.cloudImage !== undefined)
    throw invalid(
      at,
      'development',
      '(development settings)',
      'need an image built from a directory (Image.fromDirectory): the watched paths are those of its build context',
    );
  const known = new Set(['sync', 'rebuild', 'restart']);
  const unknown = Object.keys(given).find((k) => !known.has(k));
  if (unknown !== undefined)
    throw invalid(
      at,
      `development.${unknown}`,
      '(set)',
      'is not a development setting; use sync, rebuild or restart',
    );
  const d = given as DevelopmentOptions;
  const inferred = d.sync === undefined || d.rebuild === undefined ? inferredWatch(image) : undefined;
  const sync =
    list(at, 'development.sync', d.sync)?.map((s, i): DevelopmentWatchSpec => {
      const prop = `development.sync[${i}]`;
      if (typeof s !== 'object' || s === null)
        throw invalid(
          at,
          prop,
          s,
          "must be an object { path, target }, e.g. { path: 'src', target: '/app/src' }",
        );
      const entry = s as Partial<DevelopmentSync>;
      const ignore = ignoreList(at, `${prop}.ignore`, entry.ignore);
      return {
        action: 'sync',
        path: contextPath(at, `${prop}.path`, entry.path, image),
        target: containerPath(at, `${prop}.target`, entry.target),
        ...(ignore?.length ? { ignore } : {}),
      };
    }) ?? inferred!.sync;
  const rebuild =
    list(at, 'development.rebuild', d.rebuild)?.map((p, i): DevelopmentWatchSpec => ({
      action: 'rebuild',
      path: contextPath(at, `development.rebuild[${i}]`, p, image),
    })) ?? inferred!.rebuild;
  const restart = (list(at, 'development.restart', d.restart) ?? []).map((s, i): DevelopmentWatchSpec => {
    const prop = `development.restart[${i}]`;
    if (typeof s !== 'object' || s === null)
      throw invalid(
        at,
        prop,
        s,
        "must be an object { path, target }, e.g. { path: 'app.yaml', target: '/app/app.yaml' }",
      );
    const entry = s as Partial<DevelopmentRestart>;
    return {
      action: 'sync+restart',
      path: contextPath(at, `${prop}.path`, entry.path, image),
      target: containerPath(at, `${prop}.target`, entry.target),
    };
  });
  return { watch: [...rebuild, ...sync, ...restart] };
}
