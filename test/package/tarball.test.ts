import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/test-app';

// The package as `npm publish` would upload it: `npm pack` (its prepack script builds dist/ afresh), the
// tarball's contents, then the tarball installed into a fresh CDK TypeScript app, once with the oldest
// aws-cdk-lib the peer range admits and once with the newest (the one this repo develops with). Every
// install shares npm's cache and none installs the optional peers, as a consumer of the library would.

interface Manifest {
  main: string;
  types: string;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
}
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
const dev = manifest.devDependencies;
const OLDEST = /^\^(\d+\.\d+\.\d+)$/.exec(manifest.peerDependencies['aws-cdk-lib'])?.[1];
const NEWEST = dev['aws-cdk-lib'];
const OPTIONAL = Object.keys(manifest.peerDependenciesMeta).filter(
  (p) => manifest.peerDependenciesMeta[p].optional,
);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-package-'));
let tarball = '';
let files: string[] = [];
const unpacked = path.join(work, 'unpacked');

/** The environment of the npm and cdk children: without what `npm run` adds about this project. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CDK_DISABLE_CLI_TELEMETRY: 'true' };
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_(lifecycle|package)_|npm_config_local_prefix$|npm_command$|INIT_CWD$)/.test(k)) env[k] = v;
  }
  return env;
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Fails with the command's output when it did not exit with `status`. */
function expectStatus(result: Result, status = 0): void {
  if (result.status !== status) {
    throw new Error(`exit code ${result.status}, expected ${status}\n${result.stdout}\n${result.stderr}`);
  }
}

/** The tour of the API in the packaged README, the code a team adopting the library starts from. */
function readmeTour(): string {
  const readme = fs.readFileSync(path.join(unpacked, 'package', 'README.md'), 'utf8');
  const block = /## A tour of the API\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('the packaged README has no API tour code block');
  return block[1];
}

/**
 * A fresh CDK TypeScript app depending on the tarball and on `awsCdkLib`: installed, type-checked and
 * compiled (the README's tour as app.ts), synthesized with the CDK CLI, then `twinstack compose` and `twinstack status` run in it.
 */
async function consumerApp(awsCdkLib: string): Promise<ConsumerApp> {
  const dir = path.join(work, `app-${awsCdkLib}`);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  write(
    'package.json',
    json({
      name: 'shop',
      version: '0.1.0',
      private: true,
      dependencies: { 'aws-cdk-lib': awsCdkLib, constructs: dev.constructs, twinstack: `file:${tarball}` },
      devDependencies: {
        '@types/node': dev['@types/node'],
        'aws-cdk': dev['aws-cdk'],
        typescript: dev.typescript,
      },
    }),
  );
  // Like the tsconfig.json of `cdk init app --language typescript`, with the library checks on: the
  // package's declarations are checked against each aws-cdk-lib.
  write(
    'tsconfig.json',
    json({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['es2022'],
        strict: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'build',
      },
      include: ['app.ts'],
    }),
  );
  write('cdk.json', json({ app: 'node build/app.js', context: { 'cli-telemetry': false } }));
  write('app.ts', readmeTour());
  write('api/Dockerfile', 'FROM busybox AS production\nCMD ["httpd", "-f", "-p", "8080"]\n');
  write('site/Dockerfile.prod', 'FROM busybox\nCMD ["httpd", "-f", "-p", "80"]\n');
  const step = (command: string, ...args: string[]) => run(command, args, dir);
  const install = await step('npm', 'install', '--prefer-offline', '--no-audit', '--no-fund');
  if (install.status !== 0) return { dir, install };
  const tsc = await step(process.execPath, 'node_modules/typescript/bin/tsc', '-p', '.');
  const synth = await step('npx', '--no', 'cdk', 'synth', '--quiet', '--no-notices');
  const compose = await step('npx', '--no', 'twinstack', 'compose', '-a', 'shop');
  const status = await step('npx', '--no', 'twinstack', 'status');
  // A compose file imported with the installed tool, its stack type-checked against the installed package.
  write(
    'existing/docker-compose.yml',
    'services:\n  db:\n    image: postgres:16\n  web:\n    image: nginx:1.27\n    environment:\n      DB_HOST: db\n',
  );
  const imported = await step(
    'npx',
    '--no',
    'twinstack',
    'import',
    'existing/docker-compose.yml',
    '-o',
    'lib/existing-stack.ts',
    '--name',
    'Existing',
  );
  const importedTsc = await step(
    process.execPath,
    'node_modules/typescript/bin/tsc',
    '--noEmit',
    '--strict',
    '--target',
    'ES2022',
    '--module',
    'NodeNext',
    '--moduleResolution',
    'NodeNext',
    '--types',
    'node',
    'lib/existing-stack.ts',
  );
  const loop = await devLoop(dir);
  return { dir, install, tsc, synth, compose, status, imported, importedTsc, loop };
}

/**
 * `twinstack dev --no-up` in the app: once it watches, app.ts is edited (the api's LOG_LEVEL) and the
 * loop must rewrite the twin and say so; then SIGINT stops it. What it printed, and its exit code.
 */
function devLoop(dir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    // The installed bin itself, as a terminal's Ctrl-C reaches it (npx would not pass a SIGINT on).
    const bin = path.join(dir, 'node_modules', '.bin', 'twinstack');
    const child = spawn(bin, ['dev', '--no-up', '-o', 'dev/docker-compose.yml'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let edited = false;
    let stopped = false;
    const giveUp = setTimeout(() => child.kill('SIGINT'), 120_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!edited && stdout.includes("watching the app's sources")) {
        edited = true;
        const app = path.join(dir, 'app.ts');
        fs.writeFileSync(
          app,
          fs.readFileSync(app, 'utf8').replace("LOG_LEVEL: 'info'", "LOG_LEVEL: 'debug'"),
        );
      }
      // Once: a second Ctrl-C would end the process without letting the loop stop.
      if (!stopped && stdout.includes('~ api: environment ~LOG_LEVEL')) {
        stopped = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(giveUp);
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    });
  });
}

interface ConsumerApp {
  dir: string;
  install: Result;
  tsc?: Result;
  synth?: Result;
  compose?: Result;
  status?: Result;
  imported?: Result;
  importedTsc?: Result;
  loop?: Result;
}

const apps = new Map<string, ConsumerApp>();

beforeAll(async () => {
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], PROJECT_ROOT);
  expectStatus(pack);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, packed.filename);
  files = packed.files.map((f) => f.path).sort();
  fs.mkdirSync(unpacked);
  expectStatus(await run('tar', ['xzf', tarball, '-C', unpacked], work));
  // Both apps at once: one's install waits on the disk while the other compiles.
  const installed = await Promise.all([OLDEST!, NEWEST].map(consumerApp));
  for (const [i, version] of [OLDEST!, NEWEST].entries()) apps.set(version, installed[i]);
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  test('holds the compiled library and tool with their declarations, the README and the LICENSE, nothing else', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    const outside = files.filter(
      (f) => !['LICENSE', 'README.md', 'package.json'].includes(f) && !/^dist\/(constructs|cli)\//.test(f),
    );
    expect(outside).toEqual(['dist/bin/twinstack.d.ts', 'dist/bin/twinstack.js']);
    expect(files.filter((f) => /(^|\/)(test|cdk\.out[^/]*)\/|\.test\.|tsbuildinfo/.test(f))).toEqual([]);
    for (const target of [manifest.main, manifest.types, ...Object.values(manifest.bin)]) {
      expect(files).toContain(path.normalize(target));
    }
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(50);
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  test('has no source map whose sources it does not ship', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    const without = maps.filter((f) => {
      const map = JSON.parse(fs.readFileSync(path.join(unpacked, 'package', f), 'utf8'));
      return !(map.sourcesContent?.length === map.sources.length && map.sourcesContent.every(Boolean));
    });
    expect(without).toEqual([]);
  });

  test('the LICENSE is the Apache License 2.0 that package.json names', () => {
    const license = fs.readFileSync(path.join(unpacked, 'package', 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('Copyright 2026 The twinstack authors');
    expect(JSON.parse(fs.readFileSync(path.join(unpacked, 'package', 'package.json'), 'utf8')).license).toBe(
      'Apache-2.0',
    );
  });
});

describe.each([
  ['oldest', OLDEST!],
  ['newest', NEWEST],
])('installed in a fresh CDK app with the %s supported aws-cdk-lib (%s)', (_which, version) => {
  const app = () => apps.get(version)!;

  test('installs without the optional peers, and without a peer dependency conflict', () => {
    expectStatus(app().install);
    expect(app().install.stderr).not.toMatch(/ERESOLVE|peer dep/i);
    const installedVersion = (p: string) =>
      JSON.parse(fs.readFileSync(path.join(app().dir, 'node_modules', p, 'package.json'), 'utf8')).version;
    expect(installedVersion('aws-cdk-lib')).toBe(version);
    for (const p of OPTIONAL) expect(fs.existsSync(path.join(app().dir, 'node_modules', p))).toBe(false);
  });

  test("type-checks and synthesizes the README's tour: the template and the compose file", () => {
    const { tsc, synth } = app();
    expect(tsc!.stdout + tsc!.stderr).toBe('');
    expectStatus(tsc!);
    expectStatus(synth!);
    const out = path.join(app().dir, 'cdk.out');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'Shop.template.json'), 'utf8')).Resources).toBeDefined();
    const compose = parse(fs.readFileSync(path.join(out, 'Shop.shop.compose.yaml'), 'utf8'));
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['api', 'migrate', 'site', 'worker']),
    );
  });

  test('`npx twinstack compose` writes the local twin where it runs', () => {
    expectStatus(app().compose!);
    const doc = parse(fs.readFileSync(path.join(app().dir, 'docker-compose.yml'), 'utf8'));
    expect(doc.name).toBe('shop');
    expect(Object.keys(doc.services)).toEqual(expect.arrayContaining(['api', 'migrate', 'site', 'worker']));
    expect(fs.existsSync(path.join(app().dir, '.env.example'))).toBe(true);
  });

  test('`npx twinstack import` writes a stack that type-checks against the installed package', () => {
    expectStatus(app().imported!);
    expect(app().imported!.stdout).toMatch(/wrote lib\/existing-stack\.ts: class ExistingStack/);
    const source = fs.readFileSync(path.join(app().dir, 'lib', 'existing-stack.ts'), 'utf8');
    expect(source).toContain("from 'twinstack'");
    expect(source).toContain("web.connectTo(db, { host: 'DB_HOST' })");
    expect(app().importedTsc!.stdout + app().importedTsc!.stderr).toBe('');
    expectStatus(app().importedTsc!);
  });

  test('`twinstack dev --no-up` loads the app from its TypeScript source and follows an edit', () => {
    const dev = app().loop!;
    // `node build/app.js` in cdk.json: the loop loads app.ts, the source tsc compiles it from.
    expect(dev.stdout).toContain("loading build/app.js (the app's entry module) in a warm process");
    expect(dev.stdout).toContain("wrote dev/docker-compose.yml (application 'shop')");
    expect(dev.stdout).toContain('changed: app.ts');
    expect(dev.stdout).toContain('~ api: environment ~LOG_LEVEL');
    expect(dev.stderr).toBe('');
    expect(dev.status).toBe(0);
    const doc = parse(fs.readFileSync(path.join(app().dir, 'dev', 'docker-compose.yml'), 'utf8'));
    expect(doc.services.api.environment.LOG_LEVEL).toBe('debug');
  });

  test('a command that needs an optional peer names the packages to install, exit code 2', () => {
    const status = app().status!;
    expect(status.status).toBe(2);
    expect(status.stderr).toBe(
      'twinstack: twinstack status needs @aws-sdk/client-cloudformation and @aws-sdk/client-ecs (optional peer dependencies of twinstack), not installed: npm install --save-dev @aws-sdk/client-cloudformation @aws-sdk/client-ecs\n',
    );
  });
});
