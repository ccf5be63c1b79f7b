import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, Image, renderLocalTwinFiles, Service } from '../../constructs';
import { main } from '../../cli/main';
import { addExamples } from '../../lib/examples';
import { freePort } from '../proxy/nginx-harness';
import { composeLiteral, HOSTILE_CHARS, HOSTILE_WORDS } from '../support/hostile-values';
import { loadWithPyYaml, PyYamlResults } from '../support/pyyaml';
import { testApp } from '../support/test-app';
import {
  addBootApplication,
  BootVariant,
  SANDBOX_USER,
  SEED_TEXT,
  TOKEN_VARIABLE,
  WEB_INDEX,
} from './boot-app';
import {
  COMPOSE_V2_HINT,
  CommandResult,
  ContainerEngine,
  findBootTools,
  findComposeV2,
  run,
  sleep,
} from './container-engine';
import { get } from './boot-support';
import { BootImages, buildImages } from './images';

/**
 * Boots the local twin of a real twinstack application in real containers, podman driven through its
 * Docker API by each compose implementation: docker-compose 1.29 with the compose file written by
 * `twinstack compose --compat docker-compose-1.29`, and Compose v2 with the default `twinstack compose`
 * output. Checks start order, health checks, a job's output in a volume, a secret from `.env` and the
 * proxy's routes; that a dependent never starts when what it waits for fails; and that hostile literal
 * values reach the containers exactly.
 *
 * Compose v2 comes from TWINSTACK_COMPOSE_V2 or where .ci/run unpacks it: in CI (CI=true) its tests fail
 * when it is missing, elsewhere they are skipped with a message.
 */

/** A compose implementation, and the form of the local twin it is given. */
interface ComposeTool {
  /** Short name, used in project and directory names. */
  readonly id: 'v1' | 'v2';
  readonly label: string;
  /** The compose program; undefined when it is not installed. */
  readonly binary: string | undefined;
  /** `--compat` of `twinstack compose` for it, if any. */
  readonly compat?: 'docker-compose-1.29';
}

const COMPOSE_V2 = findComposeV2();
const V1: ComposeTool = {
  id: 'v1',
  label: 'docker-compose 1.29',
  binary: undefined,
  compat: 'docker-compose-1.29',
};
const V2: ComposeTool = { id: 'v2', label: 'Compose v2', binary: COMPOSE_V2 };
const TOOLS: readonly ComposeTool[] = [V1, V2];
const versions: string[] = [];

/** The program of `tool`: docker-compose 1.29 from the boot tools, Compose v2 found at load time. */
function binaryOf(tool: ComposeTool): string {
  const binary = tool.id === 'v1' ? engine!.tools.dockerCompose : tool.binary;
  if (!binary) throw new Error(COMPOSE_V2_HINT);
  return binary;
}

/** Environment of `tool`: the podman socket; Compose v2 builds with the engine's own builder (no buildx here). */
function envOf(tool: ComposeTool): NodeJS.ProcessEnv {
  return tool.id === 'v2' ? { ...engine!.composeEnv, DOCKER_BUILDKIT: '0' } : engine!.composeEnv;
}

/** Whether the tests of `tool` are skipped: only outside CI, when it is missing (in CI they fail). */
function skipped(tool: ComposeTool): boolean {
  if (tool.id === 'v1' || tool.binary || process.env.CI === 'true') return false;
  console.warn(`${COMPOSE_V2_HINT}; its tests are skipped here (they fail in CI).`);
  return true;
}

// Minutes, not seconds: building images and starting containers on a 2-core machine.
jest.setTimeout(300_000);

let workDir: string;
let engine: ContainerEngine | undefined;
let images: BootImages | undefined;
const booted: Booted[] = [];

interface Booted {
  readonly tool: ComposeTool;
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
  for (const tool of TOOLS) {
    if (tool.id === 'v2' && !tool.binary) {
      versions.push(`${tool.label}: not found`);
      continue;
    }
    const version = await run(binaryOf(tool), ['version'], { env: envOf(tool) });
    versions.push(`${tool.label}: ${(version.stdout + version.stderr).trim().split('\n')[0]}`);
  }
  process.stdout.write(`boot test compose versions:\n${versions.map((v) => `  ${v}\n`).join('')}`);
});

afterAll(async () => {
  if (engine) {
    for (const b of booted) {
      engine.stopTicking(b.project);
      const down = await compose(b, ['down', '--volumes', '--remove-orphans', '--timeout', '1']);
      if (down.status !== 0) console.log(`compose down of ${b.project} failed:\n${down.stderr}`);
    }
    const built = booted.flatMap((b) => builtImages(b.composeFile));
    const ours = [...built, ...(images ? [images.base, images.proxy] : [])];
    if (ours.length) await engine.podman(['rmi', '--force', '--ignore', ...ours]);
    await engine.stop();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(`booted with:\n${versions.map((v) => `  ${v}\n`).join('')}`);
});

/** Images docker-compose built for the compose file: every service with `build:` has an `image:` name. */
function builtImages(composeFile: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc: any = parse(fs.readFileSync(composeFile, 'utf8'));
  return Object.values(doc.services)
    .filter((s: any) => s.build) // eslint-disable-line @typescript-eslint/no-explicit-any
    .map((s: any) => String(s.image)); // eslint-disable-line @typescript-eslint/no-explicit-any
}

function compose(b: Pick<Booted, 'tool' | 'project' | 'composeFile'>, args: string[], timeoutMs = 240_000) {
  return run(binaryOf(b.tool), ['--ansi', 'never', '-p', b.project, '-f', b.composeFile, ...args], {
    env: envOf(b.tool),
    cwd: path.dirname(b.composeFile),
    timeoutMs,
  });
}

/**
 * Synthesizes the boot application into a cloud assembly, writes its local twin with the command-line tool
 * in the form `tool` reads, a `.env` with the secret, and runs `up --detach` with `tool`.
 */
async function boot(tool: ComposeTool, variant: BootVariant): Promise<Booted> {
  const project = `twinstack-boot-${tool.id}-${variant}`;
  const directory = path.join(workDir, `${tool.id}-${variant}`);
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
    ['compose', '--assembly', outdir, '-o', composeFile, ...(tool.compat ? ['--compat', tool.compat] : [])],
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

  const b = { tool, variant, project, directory, composeFile, proxyPort, token };
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
      `--- ${b.tool.label} up (exit ${b.up.status})`,
      b.up.stdout + b.up.stderr,
      `--- ${b.tool.label} ps --all`,
      ps.stdout + ps.stderr,
      `--- ${b.tool.label} logs`,
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
    user: info.Config.User as string,
    readOnlyRootFilesystem: info.HostConfig.ReadonlyRootfs as boolean,
    tmpfs: Object.keys(info.HostConfig.Tmpfs ?? {}) as string[],
    memoryBytes: info.HostConfig.Memory as number,
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

/** One `describe` per compose version (`%s` in `title` is its name); skipped as `skipped` says. */
function describeEachTool(title: string, body: (tool: ComposeTool) => void): void {
  describe.each(TOOLS.map((tool) => [tool.label, tool] as const))(title, (_label, tool) => {
    if (skipped(tool)) {
      test.skip(`needs ${tool.label}`, () => undefined);
      return;
    }
    body(tool);
  });
}

describeEachTool('the local twin boots in real containers (podman, %s)', (tool) => {
  test('every service starts in dependency order, becomes healthy, and the proxy routes to it', async () => {
    const b = await boot(tool, 'healthy');
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
      // Hardened containers: the client's root filesystem is read-only and only /scratch takes its writes;
      // the sandbox job, a non-root user, wrote to its writable path and could not write elsewhere.
      expect(m['client-root']).toBe('read-only\n');
      expect(m['client-scratch']).toBe('scratch\n');
      // podman adds tmpfs mounts of its own (/run, /tmp, /var/tmp) to a read-only container.
      expect(await container(b, 'client')).toMatchObject({
        readOnlyRootFilesystem: true,
        tmpfs: expect.arrayContaining(['/scratch']),
        memoryBytes: 512 * 1024 * 1024,
      });
      expect(await container(b, 'sandbox')).toMatchObject({
        running: false,
        exitCode: 0,
        user: SANDBOX_USER,
        readOnlyRootFilesystem: true,
        tmpfs: expect.arrayContaining(['/scratch']),
      });
      expect(await container(b, 'web')).toMatchObject({ readOnlyRootFilesystem: false });
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
    const b = await boot(tool, 'never-healthy');
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
    const b = await boot(tool, 'failing-job');
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

describe('both compose versions read the local twin of every example', () => {
  const app = testApp();
  const stacks = addExamples(app);

  /** Writes both forms of the example's local twin and runs `config --quiet` of `tool` on `file`. */
  async function config(stack: Stack, tool: ComposeTool, file: 'compat.yml' | 'plain.yml') {
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
    for (const [name, text] of Object.entries(compat.files))
      fs.writeFileSync(path.join(directory, name), text);
    // Every variable of .env.example, set, as a developer's .env would.
    const variables = [...compat.envExample.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=$/gm)].map((m) => m[1]);
    const env = { ...envOf(tool), ...Object.fromEntries(variables.map((v) => [v, 'placeholder'])) };
    return run(binaryOf(tool), ['-f', file, 'config', '--quiet'], { env, cwd: directory });
  }

  test.each(stacks.map((s) => [s.stackName, s] as const))(
    '%s: the --compat docker-compose-1.29 output passes `docker-compose config`; the default output is refused',
    async (_name, stack) => {
      expect(await config(stack, V1, 'compat.yml')).toMatchObject({ status: 0, stderr: '' });
      const refused = await config(stack, V1, 'plain.yml');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("'name' does not match");
    },
  );

  (skipped(V2) ? test.skip : test).each(stacks.map((s) => [s.stackName, s] as const))(
    '%s: the default output passes Compose v2 `config`',
    async (_name, stack) => {
      expect(await config(stack, V2, 'plain.yml')).toMatchObject({ status: 0, stderr: '' });
    },
  );
});

describeEachTool('hostile literal values, read by %s', (tool) => {
  // Every regression case and troublesome character class; no NUL, which no process environment holds.
  const values = [
    ...HOSTILE_WORDS,
    ...HOSTILE_CHARS.filter((c) => c !== '\0').map((c) => `a${c}b`),
    'a\u2028b\u2029c\x85d\x7fe\ufffef',
  ];
  let directory: string;
  let composeFile: string;
  const project = `twinstack-hostile-${tool.id}`;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(workDir, `hostile-${tool.id}-`));
    const application = new Application(new Stack(testApp(), 'Hostile'), 'hostile');
    new Service(application, 'api', {
      image: Image.fromRegistry(images!.base),
      // podman prepares the container when compose creates it: the command must exist (true ignores its arguments).
      command: ['/bin/true', ...values],
      environment: Object.fromEntries(values.map((v, i) => [`V${i}`, v])),
    });
    const twin = renderLocalTwinFiles(application.toSpec(), {
      outputDirectory: directory,
      ...(tool.compat ? { compatibility: tool.compat } : {}),
    });
    composeFile = path.join(directory, 'docker-compose.yml');
    fs.writeFileSync(composeFile, twin.compose);
  });

  afterAll(async () => {
    await compose({ tool, project, composeFile }, ['down', '--timeout', '1'], 60_000);
  });

  test('`config` prints every value as written ($ still escaped)', async () => {
    const args = tool.id === 'v2' ? ['config', '--format', 'json'] : ['config'];
    const printed = await compose({ tool, project, composeFile }, args, 60_000);
    expect(printed).toMatchObject({ status: 0 });
    // 1.29 prints YAML with PyYAML (read back with PyYAML); v2 prints JSON.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc: any =
      tool.id === 'v2' ? JSON.parse(printed.stdout) : pyYamlValue(loadWithPyYaml([printed.stdout])[0]);
    const api = doc.services.api;
    // 1.29 prints U+0085, U+2028 and U+2029 raw, and so its own YAML reads them back as line breaks: what
    // it took from the file is checked on the container below.
    const printable = (v: string) => tool.id === 'v2' || !/[\x85\u2028\u2029]/.test(v);
    values.forEach((v, i) => {
      if (printable(v))
        expect({ i, value: api.environment[`V${i}`] }).toEqual({ i, value: composeLiteral(v) });
    });
    expect(api.command.slice(1).filter((_: string, i: number) => printable(values[i]))).toEqual(
      values.filter(printable).map(composeLiteral),
    );
  });

  test('the container gets every value exactly', async () => {
    const created = await compose({ tool, project, composeFile }, ['up', '--no-start']);
    if (created.status !== 0) throw new Error(`up --no-start exited ${created.status}:\n${created.stderr}`);
    const ps = await engine!.podman([
      'ps',
      '--all',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.ID}}',
    ]);
    const id = ps.stdout.trim().split('\n')[0];
    const inspect = await engine!.podman(['inspect', id]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const [info] = JSON.parse(inspect.stdout) as any[];
    const env = new Map<string, string>(
      (info.Config.Env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    values.forEach((v, i) => expect({ i, value: env.get(`V${i}`) }).toEqual({ i, value: v }));
    expect(info.Config.Cmd).toEqual(['/bin/true', ...values]);
  });
});

/** The one value PyYAML's loaders agree on; throws with their errors otherwise. */
function pyYamlValue(results: PyYamlResults): unknown {
  const outcomes = Object.values(results);
  const first = outcomes[0];
  if (!('value' in first)) throw new Error(`PyYAML: ${first.error}`);
  for (const o of outcomes) expect(o).toEqual(first);
  return first.value;
}
