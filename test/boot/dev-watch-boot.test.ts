import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Stack } from 'aws-cdk-lib';
import { Application, Image, Service, WarningIds } from '../../constructs';
import { composeSession, ComposeProgram, ComposeSession, findComposeV2 } from '../../cli/dev/compose-session';
import { main } from '../../cli/main';
import { freePort } from '../proxy/nginx-harness';
import { testApp } from '../support/test-app';
import { ContainerEngine, run, sleep } from './container-engine';
import { devBootTools, pollFor, runningContainer, withDiagnostics } from './boot-support';
import { BootImages, buildImages } from './images';

/**
 * The development settings of a workload at work in real containers: a twinstack application whose web
 * service is built from a directory with `development` settings, its local twin written by `twinstack
 * compose`, run by the compose session of `twinstack dev` with Compose v2 driving podman. A change under
 * the synced `www/` is served by the same container without a rebuild; a change of the rebuild trigger
 * gives a new image and container; a rewritten compose file is applied, and watching goes on after it.
 *
 * Needs podman and Compose v2 (TWINSTACK_COMPOSE_V2 or where .ci/run unpacks it): in CI (CI=true) the test
 * fails when either is missing, elsewhere it is skipped with a message.
 */

jest.setTimeout(300_000);

const PROJECT = 'twinstack-dev-watch';

const {
  tools: TOOLS,
  composeV2: COMPOSE_V2,
  missing: MISSING,
  skipped: SKIPPED,
} = devBootTools('the development watch boot test');

let workDir: string;
let engine: ContainerEngine | undefined;
let images: BootImages | undefined;
let session: ComposeSession | undefined;
let context: string;
let composeFile: string;
let port: number;
const out: string[] = [];
const err: string[] = [];

/**
 * Writes the local twin of the application with `twinstack compose`: `web`, busybox httpd serving the
 * image's /srv/www (a copy of `www/` and of the rebuild trigger `version.txt`), saying at start which
 * version and greeting it serves.
 */
async function writeTwin(greeting: string): Promise<void> {
  // A fresh assembly each time: its asset is the build context as it is now (the parity check compares them).
  const outdir = fs.mkdtempSync(path.join(workDir, 'cdk.out-'));
  const app = testApp({ outdir });
  const application = new Application(new Stack(app, 'Dev'), 'Dev', { name: PROJECT });
  const web = new Service(application, 'web', {
    image: Image.fromDirectory(context, { buildArgs: { BASE: images!.base } }),
    development: {
      sync: [{ path: 'www', target: '/srv/www' }],
      rebuild: ['version.txt'],
    },
    command: [
      '/bin/sh',
      '-c',
      'echo "serving version $(cat /srv/www/version.txt) to $GREETING"; exec httpd -f -v -p 8080 -h /srv/www',
    ],
    environment: { GREETING: greeting },
    // Read-only root by default, as in the cloud: the local twin leaves it writable for the sync.
    ports: [{ containerPort: 8080, hostPort: port, protocol: 'http' }],
  });
  Annotations.of(web).acknowledgeWarning(
    WarningIds.HEALTH_CHECK_ADJUSTED,
    'The development watch boot test needs no health check',
  );
  app.synth();
  const printed: string[] = [];
  const io = {
    cwd: workDir,
    env: process.env,
    out: { write: (t: string) => printed.push(t) },
    err: { write: (t: string) => printed.push(t) },
  };
  const code = await main(['compose', '--assembly', outdir, '-o', composeFile], io);
  if (code !== 0) throw new Error(`twinstack compose exited ${code}:\n${printed.join('')}`);
}

beforeAll(async () => {
  if (SKIPPED) return;
  if (!TOOLS || !COMPOSE_V2) throw new Error(MISSING.join('; '));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-dev-watch-'));
  engine = await ContainerEngine.start(TOOLS, workDir);
  images = await buildImages(engine, workDir, `t${process.pid}`);
  context = path.join(workDir, 'web');
  fs.mkdirSync(path.join(context, 'www'), { recursive: true });
  fs.writeFileSync(path.join(context, 'www', 'index.html'), 'first page\n');
  fs.writeFileSync(path.join(context, 'version.txt'), 'one\n');
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    'ARG BASE\nFROM ${BASE}\nCOPY www/ /srv/www/\nCOPY version.txt /srv/www/version.txt\n',
  );
  composeFile = path.join(workDir, 'docker-compose.yml');
  port = await freePort();
  await writeTwin('first');
});

afterAll(async () => {
  await session?.stop({ down: true });
  if (engine) {
    const ours = [`${PROJECT}-web`, ...(images ? [images.base, images.proxy] : [])];
    const built = await engine.podman(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    const tags = built.stdout.split('\n').filter((t) => ours.some((o) => t.includes(o)));
    if (tags.length) await engine.podman(['rmi', '--force', '--ignore', ...tags]);
    await engine.stop();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Polls until the session's logs (on `out`) contain `text`; whether they did. */
async function logsSay(text: string, attempts = 120): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (out.join('').includes(text)) return true;
    await sleep(500);
  }
  return false;
}

/** Polls until Compose said `text` on `err` `times` times; whether it did. */
async function waitForErr(text: string, times: number, attempts = 120): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (err.join('').split(text).length - 1 >= times) return true;
    await sleep(500);
  }
  return false;
}

/** The running container of web: its id and the id of its image. */
async function web(): Promise<{ id: string; image: string }> {
  const c = await runningContainer(engine!, PROJECT, 'web');
  return c;
}

/** What the session and podman said, for a failing step. */
function diagnostics(): string {
  return [
    '--- logs (out)',
    out.join(''),
    '--- compose (err)',
    err.join(''),
    '--- podman system service (last lines)',
    engine?.serviceLog() ?? '',
  ].join('\n');
}

function step(check: () => Promise<void>): Promise<void> {
  return withDiagnostics(check, diagnostics);
}

(SKIPPED ? describe.skip : describe)(
  'twinstack dev watches the local twin in real containers (podman, Compose v2)',
  () => {
    let program: ComposeProgram;
    let started: { id: string; image: string };

    test('the session starts the twin and streams its logs, prefixed by service', async () => {
      program = findComposeV2(process.env, COMPOSE_V2)!;
      expect(program.version).toMatch(/^2\./);
      session = composeSession(program, {
        file: composeFile,
        project: PROJECT,
        cwd: workDir,
        env: { ...engine!.composeEnv, DOCKER_BUILDKIT: '0' },
        out: { write: (t: string) => out.push(t) },
        err: { write: (t: string) => err.push(t) },
      });
      await step(async () => {
        await session!.start();
        expect(await pollFor(port, '/index.html', 'first page\n')).toBe('first page\n');
        expect(await logsSay('web-1  | serving version one to first')).toBe(true);
        started = await web();
        expect(started.image).toMatch(/^[0-9a-f]{12,}$/);
        // Compose says when it watches: changes made before that are not seen.
        expect(await waitForErr('Watch enabled', 1)).toBe(true);
      });
    });

    test('a changed file under the synced www/ is served by the same container, without a rebuild', async () => {
      await step(async () => {
        fs.writeFileSync(path.join(context, 'www', 'index.html'), 'second page\n');
        expect(await pollFor(port, '/index.html', 'second page\n')).toBe('second page\n');
        expect(await web()).toEqual(started);
        expect(err.join('')).toContain('Syncing "web" after changes were detected');
      });
    });

    test('a changed rebuild trigger gives a new image and container, which serve it', async () => {
      await step(async () => {
        fs.writeFileSync(path.join(context, 'version.txt'), 'two\n');
        expect(await pollFor(port, '/version.txt', 'two\n')).toBe('two\n');
        const rebuilt = await web();
        expect(rebuilt.image).not.toBe(started.image);
        expect(rebuilt.id).not.toBe(started.id);
        // The logs follow the new container.
        expect(await logsSay('web-1  | serving version two to first')).toBe(true);
        started = rebuilt;
      });
    });

    test('a rewritten compose file is applied, its recreated container logged, and watching goes on', async () => {
      await step(async () => {
        await writeTwin('second');
        await session!.apply();
        // The watcher is started again, on the new file: a change made before it watches is not seen.
        expect(await waitForErr('Watch enabled', 2)).toBe(true);
        expect(await logsSay('web-1  | serving version two to second')).toBe(true);
        const applied = await web();
        expect(applied.id).not.toBe(started.id);
        expect(applied.image).toBe(started.image);
        const syncs = (err.join('').match(/Syncing "web"/g) ?? []).length;
        fs.writeFileSync(path.join(context, 'www', 'index.html'), 'third page\n');
        expect(await pollFor(port, '/index.html', 'third page\n')).toBe('third page\n');
        expect((err.join('').match(/Syncing "web"/g) ?? []).length).toBe(syncs + 1);
        expect(await web()).toEqual(applied);
      });
    });

    test('stop with down removes the containers and leaves no Compose process behind', async () => {
      await step(async () => {
        await session!.stop({ down: true });
        const ps = await engine!.podman([
          'ps',
          '--all',
          '--filter',
          `label=com.docker.compose.project=${PROJECT}`,
          '--format',
          '{{.ID}}',
        ]);
        expect(ps).toMatchObject({ status: 0, stdout: '' });
        const processes = await run('ps', ['-eo', 'args']);
        expect(processes.stdout.split('\n').filter((p) => p.includes(composeFile))).toEqual([]);
      });
    });
  },
);
