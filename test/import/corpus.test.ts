import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { composeSchemaErrors } from '../support/compose-schema';
import { PROJECT_ROOT } from '../support/test-app';
import { composeKeyCoverage, corpusEntries, parseComposeFile, variablesWithoutDefault } from './corpus';

// The licenses a corpus file may be under: each lets a test fixture carry the file with its origin.
const LICENSES = [
  'Apache-2.0',
  'MIT',
  'BSD-2-Clause',
  'BSD-2-Clause-Views',
  'BSD-3-Clause',
  'MPL-2.0',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'Unlicense',
];
// The systems twinstack's examples and seed systems already model; the corpus is other projects' files.
const MODELLED = /airflow|langfuse|ecoseller|valawai|dozer|academind/i;
const HEX40 = /^[0-9a-f]{40}$/;

const entries = corpusEntries();

describe('the import corpus', () => {
  test('holds at least 15 projects, each from its own repository, none already modelled by an example', () => {
    expect(entries.length).toBeGreaterThanOrEqual(15);
    const repositories = entries.map((e) => e.origin.repository);
    expect(new Set(repositories).size).toBe(repositories.length);
    expect(repositories.filter((r) => MODELLED.test(r))).toEqual([]);
  });

  test('holds at least one base file with an override file that Compose merges into it', () => {
    const pairs = entries.flatMap((e) => e.origin.composeWith ?? []);
    expect(pairs.length).toBeGreaterThanOrEqual(1);
    for (const entry of entries) {
      for (const files of entry.origin.composeWith ?? []) {
        for (const f of files) expect(fs.existsSync(path.join(entry.dir, f))).toBe(true);
      }
    }
  });

  test('a .env beside compose files sets every variable they interpolate without a default', () => {
    const withDotEnv = entries.filter((e) => fs.existsSync(path.join(e.dir, '.env')));
    expect(withDotEnv.length).toBeGreaterThanOrEqual(1);
    for (const entry of withDotEnv) {
      const set = fs
        .readFileSync(path.join(entry.dir, '.env'), 'utf8')
        .split('\n')
        .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined);
      const used = entry.composeFiles.flatMap((f) => variablesWithoutDefault(fs.readFileSync(f, 'utf8')));
      expect(used.length).toBeGreaterThanOrEqual(1);
      expect(used.filter((name) => !set.includes(name))).toEqual([]);
    }
  });

  describe.each(entries.map((e) => [e.project, e] as const))('%s', (_, entry) => {
    const { origin } = entry;

    test('ORIGIN.json names the repository, the commit, the license and every file of the folder', () => {
      expect(origin.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(origin.commit).toMatch(HEX40);
      expect(LICENSES).toContain(origin.license);
      expect(origin.licenseFile.commit).toMatch(HEX40);
      expect(origin.url).toBe(`https://github.com/${origin.repository}/blob/${origin.commit}/${origin.path}`);
      expect(origin.files[0]).toMatchObject({ path: origin.path, commit: origin.commit });
      const listed = origin.files.map((f) => f.file).sort();
      const present = fs
        .readdirSync(entry.dir)
        .filter((f) => f !== 'ORIGIN.json')
        .sort();
      expect(listed).toEqual(present);
      for (const f of origin.files) {
        expect(f.commit).toMatch(HEX40);
        expect(f.url).toBe(`https://github.com/${origin.repository}/blob/${f.commit}/${f.path}`);
        expect(path.posix.basename(f.path)).toBe(f.file);
        if (f.overrides) expect(listed).toContain(f.overrides);
      }
      expect(entry.composeFiles.length).toBeGreaterThanOrEqual(1);
    });

    test.each(entry.composeFiles.map((f) => [path.basename(f), f] as const))(
      '%s parses as YAML and conforms to the Compose Specification',
      (name, file) => {
        const text = fs.readFileSync(file, 'utf8');
        const doc = parseDocument(text, { merge: true });
        expect(doc.errors).toEqual([]);
        expect(parseComposeFile(text)).toHaveProperty('services');
        const errors = composeSchemaErrors(parseComposeFile(text));
        // A file the schema rejects stays only with the reason Compose still accepts it.
        if (origin.schemaNotes?.[name]) expect(errors).not.toEqual([]);
        else expect(errors).toEqual([]);
      },
    );
  });
});

/** The rows of the README's corpus table: [key, files]. */
function readmeCoverageTable(): { header: string[]; rows: string[][] } {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = /\n## Import a compose file\n([\s\S]*?)\n## /.exec(readme);
  if (!section) throw new Error('README has no "## Import a compose file" section');
  const corpus = /\n### The corpus\n([\s\S]*?)(?=\n### |$)/.exec(section[1]);
  if (!corpus) throw new Error('the import section has no "### The corpus" subsection');
  const lines = corpus[1].split('\n').filter((l) => l.startsWith('|'));
  const cells = lines.map((l) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim()),
  );
  return { header: cells[0], rows: cells.slice(2) };
}

test('the README states the corpus coverage as composeKeyCoverage() counts it', () => {
  const { total, rows } = composeKeyCoverage();
  const table = readmeCoverageTable();
  expect(table.header).toEqual(['key', `files (of ${total})`]);
  expect(table.rows).toEqual(rows.map((r) => [r.key, String(r.files)]));
});

test('the corpus counts features and keys it holds, and nothing it does not', () => {
  const { rows } = composeKeyCoverage();
  const files = (key: string) => rows.find((r) => r.key === key)?.files;
  // Superset's build anchor and its merge key; Authentik's required variables; the override pairs.
  expect(files('merge keys (`<<`)')).toBeGreaterThanOrEqual(1);
  expect(files('required variable `${VAR:?error}` / `${VAR?error}`')).toBeGreaterThanOrEqual(1);
  expect(files('override file (`-f base -f override`)')).toBeGreaterThanOrEqual(1);
  expect(files('`services.*.depends_on.condition`')).toBeGreaterThanOrEqual(1);
  expect(files('`services`')).toBe(composeKeyCoverage().total);
  // Only Superset's build anchor, merged into its services, carries `cache_from`.
  expect(files('`services.*.build.cache_from`')).toBeGreaterThanOrEqual(1);
  expect(files('`services.*.no_such_key`')).toBeUndefined();
});
