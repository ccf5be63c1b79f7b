import * as fs from 'fs';
import * as path from 'path';
import { isAlias, isPair, isScalar, parseDocument, visit } from 'yaml';

/**
 * The import corpus (test/fixtures/import-corpus/README.md): real compose files of public multi-service
 * projects, each folder one project with its files as its repository has them and an ORIGIN.json saying
 * where they come from.
 */
export const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'import-corpus');

/** One file of a project, as ORIGIN.json records it. */
export interface CorpusFile {
  /** The file's name in the project's corpus folder. */
  readonly file: string;
  /** Its path in the repository. */
  readonly path: string;
  /** The commit it was copied from (40 hex digits). */
  readonly commit: string;
  /** `https://github.com/<repository>/blob/<commit>/<path>`. */
  readonly url: string;
  /** The file of the same folder this one is written to override (`-f base -f this`). */
  readonly overrides?: string;
  readonly note?: string;
}

/** A project's ORIGIN.json. */
export interface CorpusOrigin {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  /** Path, commit and URL of the project's main compose file. */
  readonly path: string;
  readonly commit: string;
  readonly url: string;
  /** SPDX identifier, read from the repository's license file. */
  readonly license: string;
  /** The license file the identifier was read from. */
  readonly licenseFile: { readonly path: string; readonly commit: string; readonly url: string };
  readonly licenseNote?: string;
  /** Every file of the folder besides ORIGIN.json. */
  readonly files: readonly CorpusFile[];
  /** Files Compose loads together, in `-f` order. */
  readonly composeWith?: readonly (readonly string[])[];
  /** Per file: why the official Compose Specification schema rejects it although Compose accepts it. */
  readonly schemaNotes?: Readonly<Record<string, string>>;
  readonly notes?: string;
}

/** One project of the corpus. */
export interface CorpusEntry {
  /** The folder's name. */
  readonly project: string;
  readonly dir: string;
  readonly origin: CorpusOrigin;
  /** Absolute paths of the project's compose files (every `.yml`/`.yaml` of the folder). */
  readonly composeFiles: readonly string[];
}

/** Whether a corpus file is a compose file (rather than ORIGIN.json or an environment file). */
export function isComposeFile(name: string): boolean {
  return /\.ya?ml$/.test(name);
}

/** Every project of the corpus, in folder order. */
export function corpusEntries(): CorpusEntry[] {
  return fs
    .readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((project) => {
      const dir = path.join(CORPUS_DIR, project);
      const origin = JSON.parse(fs.readFileSync(path.join(dir, 'ORIGIN.json'), 'utf8')) as CorpusOrigin;
      const composeFiles = fs
        .readdirSync(dir)
        .filter(isComposeFile)
        .sort()
        .map((f) => path.join(dir, f));
      return { project, dir, origin, composeFiles };
    });
}

/** Every compose file of the corpus. */
export function corpusComposeFiles(): string[] {
  return corpusEntries().flatMap((e) => [...e.composeFiles]);
}

/** A compose file parsed as Compose reads YAML: merge keys (`<<`) resolved. */
export function parseComposeFile(text: string): unknown {
  return parseDocument(text, { merge: true }).toJS({ maxAliasCount: -1 });
}

/**
 * Features of the YAML and of Compose's interpolation, in the order the coverage table lists them.
 * Interpolation is looked for in the file's values and keys, never in its comments.
 */
export const FEATURES = [
  'YAML anchors and aliases',
  'merge keys (`<<`)',
  'interpolation `${VAR}`',
  'interpolation `$VAR`',
  'interpolation with default `${VAR:-default}`',
  'interpolation with default `${VAR-default}`',
  'required variable `${VAR:?error}` / `${VAR?error}`',
  '`$$` escape',
  '`.env` beside the file',
  'override file (`-f base -f override`)',
] as const;

/** Service keys whose value is a mapping of options: the coverage counts each option. */
const SERVICE_OPTION_MAPS = new Set(['build', 'healthcheck', 'logging', 'extends', 'deploy', 'develop']);
/** Service keys whose value is a mapping keyed by names the file chooses: the coverage counts each entry's options. */
const SERVICE_NAMED_MAPS = new Set(['depends_on', 'networks']);
/** Service keys with a short (string) and a long (mapping) syntax for their list items. */
const SERVICE_LONG_LISTS = new Set(['ports', 'volumes', 'env_file', 'secrets', 'configs', 'devices']);
/** Keys under `deploy` that are mappings of options themselves. */
const DEPLOY_OPTION_MAPS = new Set([
  'resources',
  'restart_policy',
  'update_config',
  'rollback_config',
  'placement',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key paths of a parsed compose document, in Compose Specification terms. */
function keyPaths(doc: unknown): Set<string> {
  const keys = new Set<string>();
  if (!isObject(doc)) return keys;
  for (const [top, value] of Object.entries(doc)) {
    const topKey = top.startsWith('x-') ? 'x-*' : top;
    keys.add(topKey);
    if (top === 'services' && isObject(value)) {
      for (const service of Object.values(value)) {
        if (isObject(service)) serviceKeyPaths(service, keys);
      }
    } else if (['volumes', 'networks', 'secrets', 'configs'].includes(top) && isObject(value)) {
      for (const definition of Object.values(value)) {
        if (!isObject(definition)) continue;
        for (const option of Object.keys(definition)) keys.add(`${top}.*.${option}`);
      }
    }
  }
  return keys;
}

function serviceKeyPaths(service: Record<string, unknown>, keys: Set<string>): void {
  for (const [key, value] of Object.entries(service)) {
    const at = `services.*.${key.startsWith('x-') ? 'x-*' : key}`;
    keys.add(at);
    if (SERVICE_OPTION_MAPS.has(key)) {
      if (!isObject(value)) {
        keys.add(`${at} (string)`);
        continue;
      }
      for (const [option, optionValue] of Object.entries(value)) {
        keys.add(`${at}.${option}`);
        if (key === 'deploy' && DEPLOY_OPTION_MAPS.has(option) && isObject(optionValue)) {
          for (const sub of Object.keys(optionValue)) keys.add(`${at}.${option}.${sub}`);
        }
      }
    } else if (SERVICE_NAMED_MAPS.has(key)) {
      if (Array.isArray(value)) {
        keys.add(`${at} (list)`);
      } else if (isObject(value)) {
        keys.add(`${at} (mapping)`);
        for (const entry of Object.values(value)) {
          if (isObject(entry)) for (const option of Object.keys(entry)) keys.add(`${at}.${option}`);
        }
      }
    } else if (SERVICE_LONG_LISTS.has(key)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (isObject(item)) {
          keys.add(`${at} (long syntax)`);
          for (const option of Object.keys(item)) keys.add(`${at}[].${option}`);
        } else {
          keys.add(`${at} (short syntax)`);
        }
      }
    } else if (key === 'command' || key === 'entrypoint') {
      keys.add(`${at} (${Array.isArray(value) ? 'list' : 'string'})`);
    } else if (key === 'environment' || key === 'labels') {
      keys.add(`${at} (${Array.isArray(value) ? 'list' : 'mapping'})`);
    } else if (key === 'ulimits' && isObject(value)) {
      for (const limit of Object.keys(value)) keys.add(`${at}.${limit}`);
    }
  }
}

const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}/g;
const UNBRACED = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every string scalar (key or value) of a compose file, comments left out. */
function scalarStrings(doc: ReturnType<typeof parseDocument>): string[] {
  const strings: string[] = [];
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string') strings.push(node.value);
    },
  });
  return strings;
}

/** The variables a compose file interpolates with neither a default nor an error message (`${VAR}`, `$VAR`). */
export function variablesWithoutDefault(text: string): string[] {
  const names = new Set<string>();
  for (const s of scalarStrings(parseDocument(text, { merge: true }))) {
    const unescaped = s.replace(/\$\$/g, '');
    for (const m of unescaped.matchAll(BRACED)) if (!m[3]) names.add(m[1]);
    for (const m of unescaped.replace(BRACED, '').matchAll(UNBRACED)) names.add(m[1]);
  }
  return [...names].sort();
}

/** The features of `FEATURES` a compose file's text uses (the `.env` and override features excepted). */
function textFeatures(text: string): Set<string> {
  const features = new Set<string>();
  const doc = parseDocument(text, { merge: true });
  const strings = scalarStrings(doc);
  visit(doc, {
    Alias() {
      features.add('YAML anchors and aliases');
    },
    Pair(_, pair) {
      // With `merge: true` the parser resolves a `<<` key (plain or tagged `!!merge`) to a symbol.
      const key = isPair(pair) && isScalar(pair.key) ? pair.key.value : undefined;
      if (key === '<<' || (typeof key === 'symbol' && key.description === '<<'))
        features.add('merge keys (`<<`)');
    },
    Node(_, node) {
      if (!isAlias(node) && node.anchor) features.add('YAML anchors and aliases');
    },
  });
  for (const s of strings) {
    if (s.includes('$$')) features.add('`$$` escape');
    const unescaped = s.replace(/\$\$/g, '');
    for (const m of unescaped.matchAll(BRACED)) {
      const [, , colon, operator] = m;
      if (!operator) features.add('interpolation `${VAR}`');
      else if (operator === '?') features.add('required variable `${VAR:?error}` / `${VAR?error}`');
      else if (operator === '-')
        features.add(
          colon
            ? 'interpolation with default `${VAR:-default}`'
            : 'interpolation with default `${VAR-default}`',
        );
    }
    if ([...unescaped.replace(BRACED, '').matchAll(UNBRACED)].length > 0)
      features.add('interpolation `$VAR`');
  }
  return features;
}

/** A row of the coverage table: a key path or feature, and in how many compose files it appears. */
export interface CoverageRow {
  readonly key: string;
  readonly files: number;
}

/**
 * In how many of the corpus's compose files each key path (in Compose Specification terms: `services.*.build`,
 * `services.*.depends_on.condition`, `x-*`, ...) and each feature of `FEATURES` appears. Features come first, in
 * their order; then keys, sorted. Keys are counted on the document Compose sees (merge keys resolved).
 */
export function composeKeyCoverage(): { readonly total: number; readonly rows: readonly CoverageRow[] } {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  let total = 0;
  for (const entry of corpusEntries()) {
    const overrides = new Set(entry.origin.files.filter((f) => f.overrides).map((f) => f.file));
    const dotEnv = fs.existsSync(path.join(entry.dir, '.env'));
    for (const file of entry.composeFiles) {
      total++;
      const text = fs.readFileSync(file, 'utf8');
      const features = textFeatures(text);
      if (dotEnv) features.add('`.env` beside the file');
      if (overrides.has(path.basename(file))) features.add('override file (`-f base -f override`)');
      for (const f of features) add(f);
      for (const k of keyPaths(parseComposeFile(text))) add(k);
    }
  }
  const featureRows = FEATURES.filter((f) => counts.has(f)).map((key) => ({ key, files: counts.get(key)! }));
  const keyRows = [...counts.keys()]
    .filter((k) => !(FEATURES as readonly string[]).includes(k))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => ({ key: `\`${key}\``, files: counts.get(key)! }));
  return { total, rows: [...featureRows, ...keyRows] };
}

/** The coverage as the README's Markdown table (before prettier aligns its columns). */
export function coverageTable(): string {
  const { total, rows } = composeKeyCoverage();
  return [
    `| key | files (of ${total}) |`,
    '| --- | --- |',
    ...rows.map((r) => `| ${r.key} | ${r.files} |`),
  ].join('\n');
}
