import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../cli/main';
import type { ImportReport } from '../../cli/import/report';
import { recordingIo } from '../support/cli-io';

const COMPOSE = `name: shop
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
  api:
    image: shop/api:1
    environment:
      DATABASE_URL: postgres://postgres:example@db:5432/postgres
      LOG_LEVEL: \${LOG_LEVEL:-info}
    ports: ["127.0.0.1:8080:8080"]
    privileged: true
    depends_on:
      db: { condition: service_healthy }
`;

function project(files: Record<string, string> = { 'docker-compose.yml': COMPOSE }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-import-cli-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

async function run(dir: string, argv: string[]) {
  const r = recordingIo(dir, { LOG_LEVEL: undefined });
  const code = await main(['import', ...argv], r.io);
  return { code, out: r.out(), err: r.err() };
}

test('writes one TypeScript stack and reports every key, grouped, with file and line', async () => {
  const dir = project();
  const r = await run(dir, ['docker-compose.yml', '--report', 'report.json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const source = fs.readFileSync(path.join(dir, 'lib', 'shop-stack.ts'), 'utf8');
  expect(source).toContain('export class ShopStack extends Stack');
  expect(source).toContain("new Database(application, 'db'");
  expect(source).toContain("api.connectTo(db, { url: 'DATABASE_URL' })");
  expect(source).not.toContain('example');
  expect(r.out).toMatch(/^\d+ keys: \d+ mapped, \d+ approximated, 1 dropped -> lib\/shop-stack\.ts$/m);
  expect(r.out).toMatch(/services\.api \(\d+ of \d+ mapped\)/);
  expect(r.out).toMatch(
    /dropped +privileged +docker-compose\.yml:13 +\(Fargate runs no privileged container\)/,
  );
  expect(r.out).toContain('wrote lib/shop-stack.ts: class ShopStack');
  const report: ImportReport = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  expect(report.counts.dropped).toBe(1);
  expect(report.entries.find((e) => e.path.join('.') === 'services.api.privileged')).toMatchObject({
    key: 'services.privileged',
    fidelity: 'dropped',
    location: { file: 'docker-compose.yml', line: 13 },
  });
  expect(report.entries.find((e) => e.path.join('.') === 'services.api.environment.LOG_LEVEL')).toMatchObject(
    {
      fidelity: 'mapped',
    },
  );
});

test('--strict exits 1 when a key is approximated or dropped; -o, --name and --managed choose', async () => {
  const dir = project();
  const strict = await run(dir, ['docker-compose.yml', '--strict']);
  expect(strict.code).toBe(1);
  const chosen = await run(dir, [
    '-f',
    'docker-compose.yml',
    '-o',
    'stacks/store.ts',
    '--name',
    'Store',
    '--managed',
    'db=container',
  ]);
  expect(chosen.code).toBe(0);
  const source = fs.readFileSync(path.join(dir, 'stacks', 'store.ts'), 'utf8');
  expect(source).toContain('export class StoreStack extends Stack');
  expect(source).toContain("new Service(application, 'db'");
  expect(source).not.toContain('Database');
});

test('several files are merged as Compose merges overrides', async () => {
  const dir = project({
    'docker-compose.yml': COMPOSE,
    'docker-compose.prod.yml': 'services:\n  api:\n    image: shop/api:2\n',
  });
  const r = await run(dir, ['docker-compose.yml', '-f', 'docker-compose.prod.yml', '-o', 'out.ts']);
  expect(r.code).toBe(0);
  expect(fs.readFileSync(path.join(dir, 'out.ts'), 'utf8')).toContain("Image.fromRegistry('shop/api:2')");
});

test.each([
  ['not YAML', 'services: [unclosed\n', /^twinstack: docker-compose\.yml:\d+: /],
  ['not a compose file', 'just text\n', /^twinstack: docker-compose\.yml:1: not a compose file/],
  [
    'an undefined required variable',
    'services:\n  api:\n    image: a\n    environment:\n      X: ${NEEDED:?set NEEDED}\n',
    /^twinstack: docker-compose\.yml:5: required variable NEEDED is missing a value: set NEEDED/,
  ],
  [
    'a dependency on a service that does not exist',
    'services:\n  api:\n    image: a\n    depends_on: [nowhere]\n',
    /^twinstack: docker-compose\.yml:\d+: .*nowhere/,
  ],
  [
    'a cycle in depends_on',
    'services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    depends_on: [a]\n',
    /^twinstack: docker-compose\.yml:\d+: .*cycle.*a -> b -> a|b -> a -> b/,
  ],
])('%s is an error with file and line, exit 2, no stack trace', async (_what, text, message) => {
  const dir = project({ 'docker-compose.yml': text });
  const r = await run(dir, ['docker-compose.yml']);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(path.join(dir, 'lib'))).toBe(false);
});

test('usage errors: no file, a bad --managed, a --managed service that does not exist, a bad --name', async () => {
  const dir = project();
  expect((await run(dir, [])).err).toMatch(/no compose file given/);
  expect((await run(dir, ['docker-compose.yml', '--managed', 'db=queue'])).err).toMatch(
    /--managed db=queue: give SERVICE=KIND with KIND one of database, cache, search, broker, document, container/,
  );
  expect((await run(dir, ['docker-compose.yml', '--managed', 'nope=database'])).err).toMatch(
    /the project has no service 'nope'/,
  );
  const bad = await run(dir, ['docker-compose.yml', '--name', '1shop']);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/--name 1shop/);
});

test('--help describes the command and its exit codes', async () => {
  const r = await run(project(), ['--help']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Usage: twinstack import <compose-file> \[options\]/);
  expect(r.out).toMatch(/--strict/);
  expect(r.out).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*approximated or dropped/);
});
