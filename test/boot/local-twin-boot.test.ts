import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, renderLocalTwinFiles } from '../../constructs';
import { main } from '../../cli/main';
import { addExamples } from '../../lib/examples';
import { freePort } from '../proxy/nginx-harness';
import { testApp } from '../support/test-app';
import { addBootApplication, BootVariant, SEED_TEXT, TOKEN_VARIABLE, WEB_INDEX } from './boot-app';
import { CommandResult, ContainerEngine, findBootTools, run, sleep } from './container-engine';
import { BootImages, buildImages } from './images';

/**
 * Boots the local twin of a real twinstack application in real containers: podman, driven by
 * docker-compose 1.29 through podman's Docker API, with the compose file written by `twinstack compose
 * --compat docker-compose-1.29`. Checks start order, health checks, a job's output in a volume, a secret
 * from `.env` and the proxy's routes; and that a dependent never starts when what it waits for fails.
 */

// Minutes, not seconds: building images and starting containers on a 2-core machine.
jest.setTimeout(300_000);

let workDir: string;
let engine: ContainerEngine | undefined;
let images: BootImages | undefined;
const booted: Booted[] = [];

interface Booted {
  readonly variant: BootVariant;
  readonly project: string;
  readonly directory: string;
  readonly composeFile: string;
  readonly proxyPort: number;
  readonly token: string;
  readonly up: CommandResult;
}

beforeAll(async () => {
  const tools = findBootTools();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-boot-'));
  engine = await ContainerEngine.start(tools, workDir);
  images = await buildImages(engine, workDir, `t${process.pid}`);
});

afterAll(async () => {
  if (engine) {
    for (const b of booted) {
      engine.stopTicking(b.project);
      const down = await compose(b, ['down', '--volumes', '--remove-orphans', '--timeout', '1']);
      if (down.status !== 0) console.log(`docker-compose down of ${b.project} failed:\n${down.stderr}`);
    }
    const built = booted.flatMap((b) => builtImages(b.composeFile));
    const ours = [...built, ...(images ? [images.base, images.proxy] : [])];
    if (ours.length) await engine.podman(['rmi', '--force', '--ignore', ...ours]);
    await engine.stop();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Images docker-compose built for the compose file: every service with `build:` has an `image:` name. */
function builtImages(composeFile: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc: any = parse(fs.readFileSync(composeFile, 'utf8'));
  return Object.values(doc.services)
    .filter((s: any) => s.build) // eslint-disable-line @typescript-eslint/no-explicit-any
    .map((s: any) => String(s.image)); // eslint-disable-line @typescript-eslint/no-explicit-any
}

function compose(b: Pick<Booted, 'project' | 'composeFile'>, args: string[], timeoutMs = 240_000) {
  return run(
    engine!.tools.dockerCompose,
    ['--ansi', 'never', '-p', b.project, '-f', b.composeFile, ...args],
    { env: engine!.composeEnv, cwd: path.dirname(b.composeFile), timeoutMs },
  );
}

/**
 * Synthesizes the boot application into a cloud assembly, writes its local twin with the command-line tool
 * for docker-compose 1.29, a `.env` with the secret, and runs `docker-compose up -d`.
 */
async function boot(variant: BootVariant): Promise<Booted> {
  const project = `twinstack-boot-${variant}`;
  const directory = path.join(workDir, variant);
  const outdir = path.join(directory, 'cdk.out');
  const proxyPort = await freePort();
  const app = testApp({ outdir });
  addBootApplication(new Stack(app, 'Boot'), project, {
    variant,
    images: images!,
    buildDirectory: path.join(directory, 'web'),
    proxyPort,
  });
  app.synth();

  const composeFile = path.join(directory, 'docker-compose.yml');
  const out: string[] = [];
  const code = await main(
    ['compose', '--assembly', outdir, '-o', composeFile, '--compat', 'docker-compose-1.29'],
    {
      cwd: directory,
      env: process.env,
      out: { write: (t: string) => out.push(t) },
      err: { write: (t: string) => out.push(t) },
    },
  );
  if (code !== 0) throw new Error(`twinstack compose exited ${code}:\n${out.join('')}`);
  const token = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(directory, '.env'), `${TOKEN_VARIABLE}=${token}\n`);

  const b = { variant, project, directory, composeFile, proxyPort, token };
  engine!.startTicking(project);
  const up = await compose(b, ['up', '--detach']);
  const result = { ...b, up };
  booted.push(result);
  return result;
}

/** Runs `check`; when it throws, adds what the containers said to the error. */
async function withDiagnostics(b: Booted, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (e) {
    const logs = await compose(b, ['logs', '--no-color', '--timestamps'], 60_000);
    const ps = await compose(b, ['ps', '--all'], 60_000);
    const error = e as Error;
    error.message += [
      '',
      `--- docker-compose up (exit ${b.up.status})`,
      b.up.stdout + b.up.stderr,
      '--- docker-compose ps --all',
      ps.stdout + ps.stderr,
      '--- docker-compose logs',
      logs.stdout + logs.stderr,
      '--- podman system service (last lines)',
      engine!.serviceLog(),
    ].join('\n');
    throw error;
  }
}

/** The `marks` volume's files: when each workload started, and what it saw. */
async function marks(b: Booted): Promise<Record<string, string>> {
  const inspect = await engine!.podman([
    'volume',
    'inspect',
    '--format',
    '{{.Mountpoint}}',
    `${b.project.replace(/[^-_a-z0-9]/g, '')}_marks`,
  ]);
  if (inspect.status !== 0) throw new Error(`no marks volume:\n${inspect.stderr}`);
  const dir = inspect.stdout.trim();
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** The container of `service`, as podman inspects it; undefined when compose never created it. */
async function container(b: Booted, service: string) {
  const ps = await engine!.podman([
    'ps',
    '--all',
    '--filter',
    `label=com.docker.compose.project=${b.project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--format',
    '{{.ID}}',
  ]);
  const id = ps.stdout.trim().split('\n')[0];
  if (!id) return undefined;
  const inspect = await engine!.podman(['inspect', id]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const [info] = JSON.parse(inspect.stdout) as any[];
  return {
    running: info.State.Running as boolean,
    status: info.State.Status as string,
    exitCode: info.State.ExitCode as number,
    health: (info.State.Health?.Status ?? info.State.Healthcheck?.Status) as string | undefined,
  };
}

/** Polls until `service` reports `status` for its health, at most `attempts` times. */
async function waitForHealth(b: Booted, service: string, status: string, attempts = 120): Promise<string> {
  let last: string | undefined;
  for (let i = 0; i < attempts; i++) {
    last = (await container(b, service))?.health;
    if (last === status) return last;
    await sleep(500);
  }
  return String(last);
}

function get(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${target}: no answer`)));
  });
}

/** GET through the proxy, retried while the proxy is still coming up (connection refused, 502). */
async function getThroughProxy(port: number, target: string): Promise<{ status: number; body: string }> {
  let last: unknown;
  for (let i = 0; i < 60; i++) {
    try {
      const res = await get(port, target);
      if (res.status !== 502) return res;
      last = res;
    } catch (e) {
      last = e;
    }
    await sleep(500);
  }
  throw new Error(`GET http://127.0.0.1:${port}${target} never answered: ${String(last)}`);
}

describe('the local twin boots in real containers (podman, docker-compose 1.29)', () => {
  test('every service starts in dependency order, becomes healthy, and the proxy routes to it', async () => {
    const b = await boot('healthy');
    await withDiagnostics(b, async () => {
      expect(b.up.status).toBe(0);
      const m = await marks(b);
      const at = (mark: string) => {
        expect(m).toHaveProperty([mark]);
        return Number(m[mark]);
      };
      // Dependency.healthy(web): client started only after web passed its health check, which it can
      // only pass once it is serving, after its warm-up.
      expect(at('client-start')).toBeGreaterThanOrEqual(at('web-ready'));
      expect(at('web-ready')).toBeGreaterThan(at('web-start'));
      expect(m['client-fetched']).toBe(WEB_INDEX);
      // Dependency.completedSuccessfully(seed): reader started after the job finished, and saw its output
      // in the shared volume, `$` and all.
      expect(at('reader-start')).toBeGreaterThanOrEqual(at('seed-done'));
      expect(m['reader-saw']).toBe(`${SEED_TEXT}\n`);
      // The secret came from .env, and only from there.
      expect(m['client-token']).toBe(b.token);
      expect(fs.readFileSync(b.composeFile, 'utf8')).not.toContain(b.token);

      const seed = await container(b, 'seed');
      expect(seed).toMatchObject({ running: false, exitCode: 0 });
      expect(await waitForHealth(b, 'web', 'healthy')).toBe('healthy');
      expect(await waitForHealth(b, 'reader', 'healthy')).toBe('healthy');
      expect(await container(b, 'client')).toMatchObject({ running: true });

      // The load balancer's routes, through the nginx proxy on the published port.
      expect(await getThroughProxy(b.proxyPort, '/seed.txt')).toEqual({
        status: 200,
        body: `${SEED_TEXT}\n`,
      });
      expect(await getThroughProxy(b.proxyPort, '/index.html')).toEqual({ status: 200, body: WEB_INDEX });
      // web has no seed.txt and reader no index.html: each answer proves which service routed it.
      expect((await getThroughProxy(b.proxyPort, '/seed-nothing-here')).status).toBe(404);
    });
  });

  test('a service waiting for a health check that never passes never starts', async () => {
    const b = await boot('never-healthy');
    await withDiagnostics(b, async () => {
      expect(b.up.status).not.toBe(0);
      expect(b.up.stdout + b.up.stderr).toMatch(/unhealthy/i);
      expect(await container(b, 'web')).toMatchObject({ running: true, health: 'unhealthy' });
      const client = await container(b, 'client');
      expect(client?.running ?? false).toBe(false);
      expect(await marks(b)).not.toHaveProperty(['client-start']);
    });
  });

  test('a service waiting for a job that fails never starts', async () => {
    const b = await boot('failing-job');
    await withDiagnostics(b, async () => {
      expect(b.up.status).not.toBe(0);
      expect(await container(b, 'seed')).toMatchObject({ running: false, exitCode: 3 });
      const reader = await container(b, 'reader');
      expect(reader?.running ?? false).toBe(false);
      const m = await marks(b);
      expect(m).toHaveProperty(['seed-start']);
      expect(m).not.toHaveProperty(['reader-start']);
    });
  });
});

describe('docker-compose 1.29 reads the local twin of every example', () => {
  const app = testApp();
  const stacks = addExamples(app);

  test.each(stacks.map((s) => [s.stackName, s] as const))(
    '%s: the --compat docker-compose-1.29 output passes `docker-compose config`; the default output is refused',
    async (_name, stack) => {
      const application = stack.node.findAll().find(Application.isApplication);
      const spec = application!.toSpec();
      const directory = fs.mkdtempSync(path.join(workDir, 'config-'));
      const compat = renderLocalTwinFiles(spec, {
        outputDirectory: directory,
        compatibility: 'docker-compose-1.29',
      });
      const plain = renderLocalTwinFiles(spec, { outputDirectory: directory });
      fs.writeFileSync(path.join(directory, 'compat.yml'), compat.compose);
      fs.writeFileSync(path.join(directory, 'plain.yml'), plain.compose);
      for (const [file, text] of Object.entries(compat.files))
        fs.writeFileSync(path.join(directory, file), text);
      // Every variable of .env.example, set, as a developer's .env would.
      const variables = [...compat.envExample.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=$/gm)].map((m) => m[1]);
      const env = { ...engine!.composeEnv, ...Object.fromEntries(variables.map((v) => [v, 'placeholder'])) };
      const config = (file: string) =>
        run(engine!.tools.dockerCompose, ['-f', file, 'config', '--quiet'], { env, cwd: directory });
      const good = await config('compat.yml');
      expect(good).toMatchObject({ status: 0, stderr: '' });
      const refused = await config('plain.yml');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("'name' does not match");
    },
  );
});
