import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/test-app';

// The declarations the package ships, built as `npm run build` builds them, into a directory of their own
// inside the project, so that they resolve aws-cdk-lib and constructs as an installed package does.
const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'twinstack');
fs.mkdirSync(cache, { recursive: true });
const outDir = fs.mkdtempSync(path.join(cache, 'dts-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));
const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function run(args: readonly string[]) {
  return spawnSync(process.execPath, [tsc, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

function declarationFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? declarationFiles(p) : e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Type-checks `source` as a consumer's file against the built declarations, library checks included. */
function compileConsumer(source: string): string[] {
  const dir = fs.mkdtempSync(path.join(outDir, 'consumer-'));
  const file = path.join(dir, 'app.ts');
  const index = path.join(outDir, 'constructs', 'index');
  fs.writeFileSync(file, source.replace(/'twinstack'/g, JSON.stringify(index)));
  const result = run([
    '--noEmit',
    '--strict',
    '--target',
    'es2022',
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--types',
    'node',
    file,
  ]);
  return result.stdout
    .split('\n')
    .filter((l) => /error TS\d+/.test(l))
    .map((l) => l.replace(outDir, '<out>'));
}

beforeAll(() => {
  const build = run(['-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outDir]);
  expect(build.stdout + build.stderr).toBe('');
}, 120_000);

test('the declarations carry no internal member', () => {
  const files = declarationFiles(path.join(outDir, 'constructs'));
  expect(files.length).toBeGreaterThan(20);
  const internal = files.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((line) =>
        /^\s*(?:(?:public|protected|readonly|static|abstract|get|set)\s+)*_\w+\s*[(:?<]/.test(line),
      )
      .map((line) => `${path.relative(outDir, f)}: ${line.trim()}`),
  );
  expect(internal).toEqual([]);
});

test('a consumer of the public API type-checks against them, with the libraries they name', () => {
  const errors = compileConsumer(`
    import { App, Stack } from 'aws-cdk-lib';
    import { Application, Database, DatabaseEngine, Dependency, HealthCheck, Image, LoadBalancer, Service,
      ValidationError, checkParity, renderLocalTwinFiles } from 'twinstack';
    const application = new Application(new Stack(new App(), 'Shop'), 'shop');
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const api = new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      ports: [{ containerPort: 8080 }],
      healthCheck: HealthCheck.http({ port: 8080 }),
    });
    api.connectTo(db, { host: 'DB_HOST' });
    new Service(application, 'web', { image: Image.fromRegistry('nginx:1.27'), dependsOn: [Dependency.healthy(api)] });
    new LoadBalancer(application, 'edge').addRoute('api', { service: api, port: 8080 });
    const files: { compose: string } = renderLocalTwinFiles(application.toSpec(), { outputDirectory: '/tmp' });
    const error: ValidationError | undefined = undefined;
    console.log(files.compose, error, checkParity);
  `);
  expect(errors).toEqual([]);
});

test("the library's own helpers are not part of it", () => {
  const errors = compileConsumer(
    `import { render, invalid, JOB_RUN_HANDLER_CODE } from 'twinstack';\nconsole.log(render, invalid, JOB_RUN_HANDLER_CODE);\n`,
  );
  expect(errors).toHaveLength(3);
  for (const name of ['render', 'invalid', 'JOB_RUN_HANDLER_CODE'])
    expect(errors.some((e) => e.includes('TS2305') && e.includes(`'${name}'`))).toBe(true);
});
