import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { devCommand } from '../../cli/dev/dev-command';
import { freePort } from '../proxy/nginx-harness';
import { PROJECT_ROOT } from '../support/test-app';
import { ContainerEngine, run, sleep } from './container-engine';
import { devBootTools, pollFor, runningContainer, withDiagnostics } from './boot-support';
import { BootImages, buildImages } from './images';

/**
 * `twinstack dev` end to end in real containers: a TypeScript CDK app written here, loaded by the loop in
 * its warm process, its local twin started by Compose v2 driving podman. An edit under the synced `www/` is
 * served by the same container; an edit of the app's stack that changes an environment value is listed and
 * recreates the container with it; an edit that breaks the app prints the error and leaves the running twin
 * alone; stopping the loop with --down removes the twin.
 *
 * Needs podman and Compose v2 (TWINSTACK_COMPOSE_V2 or where .ci/run unpacks it): in CI (CI=true) the test
 * fails when either is missing, elsewhere it is skipped with a message.
 */

jest.setTimeout(300_000);

const PROJECT = 'twinstack-dev-loop';
const CONSTRUCTS = JSON.stringify(path.join(PROJECT_ROOT, 'constructs'));

const {
  tools: TOOLS,
  composeV2: COMPOSE_V2,
  missing: MISSING,
  skipped: SKIPPED,
} = devBootTools('the dev loop boot test');

/** What the web service of the app's stack is given. */
interface Web {
  readonly greeting: string;
  readonly containerPort: number;
}

/**
 * The app's stack module: `web`, built from `web/` on the locally built base image, busybox httpd serving
 * the image's /srv/www (a copy of `www/` and of the rebuild trigger `version.txt`), saying at start which
 * version and greeting it serves.
 */
function stackModule(base: string, hostPort: number, web: Web): string {
  const command = [
    '/bin/sh',
    '-c',
    'echo "serving version $(cat /srv/www/version.txt) to $GREETING"; exec httpd -f -p 8080 -h /srv/www',
  ];
  return `import { Annotations, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Application, Image, Service, WarningIds } from ${CONSTRUCTS};

export class DevStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const application = new Application(this, 'App', { name: ${JSON.stringify(PROJECT)} });
    const web = new Service(application, 'web', {
      image: Image.fromDirectory('web', { buildArgs: { BASE: ${JSON.stringify(base)} } }),
      development: {
        sync: [{ path: 'www', target: '/srv/www' }],
        rebuild: ['version.txt'],
      },
      command: ${JSON.stringify(command)},
      environment: { GREETING: ${JSON.stringify(web.greeting)} },
      ports: [{ containerPort: ${web.containerPort}, hostPort: ${hostPort}, protocol: 'http' }],
    });
    Annotations.of(web).acknowledgeWarning(WarningIds.HEALTH_CHECK_ADJUSTED, 'httpd needs no health check here');
  }
}
`;
}

/** A temporary CDK app in TypeScript: cdk.json (watching bin/ and lib/), bin/app.ts, lib/stack.ts and web/. */
function writeApp(root: string, base: string, hostPort: number): void {
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const cdkJson = {
    app: 'npx ts-node --prefer-ts-exts bin/app.ts',
    watch: { include: ['bin/**', 'lib/**'] },
  };
  fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify(cdkJson));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'lib'));
  fs.writeFileSync(
    path.join(root, 'bin', 'app.ts'),
    `import { App } from 'aws-cdk-lib';\nimport { DevStack } from '../lib/stack';\n\nconst app = new App();\nnew DevStack(app, 'Dev');\n`,
  );
  fs.writeFileSync(
    path.join(root, 'lib', 'stack.ts'),
    stackModule(base, hostPort, { greeting: 'first', containerPort: 8080 }),
  );
  const web = path.join(root, 'web');
  fs.mkdirSync(path.join(web, 'www'), { recursive: true });
  fs.writeFileSync(path.join(web, 'www', 'index.html'), 'first page\n');
  fs.writeFileSync(path.join(web, 'version.txt'), 'one\n');
  fs.writeFileSync(
    path.join(web, 'Dockerfile'),
    'ARG BASE\nFROM ${BASE}\nCOPY www/ /srv/www/\nCOPY version.txt /srv/www/version.txt\n',
  );
}

let workDir: string;
let root: string;
let engine: ContainerEngine | undefined;
let images: BootImages | undefined;
let port: number;
let stop: () => void = () => undefined;
let exit: Promise<number> | undefined;
let out = '';
let err = '';
/** The images web ran: each rebuild leaves the one before untagged, for afterAll to remove. */
const webImages = new Set<string>();

beforeAll(async () => {
  if (SKIPPED) return;
  if (!TOOLS || !COMPOSE_V2) throw new Error(MISSING.join('; '));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-dev-loop-'));
  engine = await ContainerEngine.start(TOOLS, workDir);
  images = await buildImages(engine, workDir, `t${process.pid}`);
  root = path.join(workDir, 'app');
  fs.mkdirSync(root);
  port = await freePort();
  writeApp(root, images.base, port);
});

afterAll(async () => {
  stop();
  // The loop removes the twin itself when stopped (--down); a failed step may have left it running.
  await exit?.catch(() => undefined);
  if (engine) {
    const left = await engine.podman([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
    ]);
    const ids = left.stdout.split('\n').filter(Boolean);
    if (ids.length) await engine.podman(['rm', '--force', ...ids]);
    const networks = await engine.podman([
      'network',
      'ls',
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
    ]);
    const nets = networks.stdout.split('\n').filter(Boolean);
    if (nets.length) await engine.podman(['network', 'rm', '--force', ...nets]);
    const ours = [`${PROJECT}-web`, ...(images ? [images.base, images.proxy] : [])];
    const built = await engine.podman(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    const tags = built.stdout.split('\n').filter((t) => ours.some((o) => t.includes(o)));
    if (tags.length) await engine.podman(['rmi', '--force', '--ignore', ...tags]);
    // Removing an untagged image removes its build's intermediate images too.
    if (webImages.size) await engine.podman(['rmi', '--force', '--ignore', ...webImages]);
    await engine.stop();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/**
 * Polls until the loop's output (`out`: its own lines and the services' logs; `err`: Compose and errors)
 * from offset `from` holds `text` `times` times; whether it did.
 */
async function says(
  stream: 'out' | 'err',
  text: string | RegExp,
  options: { from?: number; times?: number; attempts?: number } = {},
): Promise<boolean> {
  const { from = 0, times = 1, attempts = 240 } = options;
  const count = (printed: string) =>
    typeof text === 'string'
      ? printed.split(text).length - 1
      : (printed.match(new RegExp(text.source, `${text.flags.replace('g', '')}g`)) ?? []).length;
  for (let i = 0; i < attempts; i++) {
    const printed = (stream === 'out' ? out : err).slice(from);
    if (count(printed) >= times) return true;
    await sleep(500);
  }
  return false;
}

/** The running container of web: its id and the id of its image. */
async function web(): Promise<{ id: string; image: string }> {
  const c = await runningContainer(engine!, PROJECT, 'web');
  if (c.image) webImages.add(c.image);
  return c;
}

/** The environment of container `id`, as podman inspects it. */
async function environmentOf(id: string): Promise<string[]> {
  const inspected = await engine!.podman(['inspect', '--format', '{{json .Config.Env}}', id]);
  return JSON.parse(inspected.stdout) as string[];
}

/** The command lines of the processes that name `directory`, once none does or after a while. */
async function processesOf(directory: string, attempts = 20): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const processes = await run('ps', ['-eo', 'args']);
    found = processes.stdout.split('\n').filter((p) => p.includes(directory));
    if (found.length === 0) break;
    await sleep(500);
  }
  return found;
}

/** Rewrites lib/stack.ts with `change` (after a pause, so that its modification time moves on). */
async function editStack(change: Web): Promise<void> {
  await sleep(50);
  fs.writeFileSync(path.join(root, 'lib', 'stack.ts'), stackModule(images!.base, port, change));
}

/** What the loop and podman said, for a failing step. */
function diagnostics(): string {
  return [
    '--- out',
    out,
    '--- err',
    err,
    '--- podman system service (last lines)',
    engine?.serviceLog() ?? '',
  ].join('\n');
}

function step(check: () => Promise<void>): Promise<void> {
  return withDiagnostics(check, diagnostics);
}

(SKIPPED ? describe.skip : describe)(
  'twinstack dev on a TypeScript app in real containers (podman, Compose v2)',
  () => {
    let started: { id: string; image: string };

    test('the loop writes and starts the twin, names its watch rules, and the page is served', async () => {
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      exit = devCommand(
        ['--compose', COMPOSE_V2!, '--down'],
        {
          cwd: root,
          env: { ...engine!.composeEnv, DOCKER_BUILDKIT: '0' },
          out: { write: (t: string) => (out += t) },
          err: { write: (t: string) => (err += t) },
        },
        { stopped },
      );
      await step(async () => {
        expect(
          await says('out', "watching the app's sources for changes; Ctrl-C stops the loop and the twin"),
        ).toBe(true);
        expect(out).toContain(`wrote docker-compose.yml (application '${PROJECT}')`);
        expect(out).toMatch(/starting the local twin with Compose 2\.\d+/);
        expect(err).toContain(`Container ${PROJECT}-web-1  Started`);
        expect(out).toContain('watching web: rebuild ./web/version.txt, sync ./web/www -> /srv/www');
        expect(await pollFor(port, '/index.html', 'first page\n')).toBe('first page\n');
        expect(await says('out', 'web-1  | serving version one to first')).toBe(true);
        started = await web();
        expect(started.id).toMatch(/^[0-9a-f]{12,}$/);
        expect(started.image).toMatch(/^[0-9a-f]{12,}$/);
        // Compose says when it watches: changes made before that are not seen.
        expect(await says('err', 'Watch enabled')).toBe(true);
      });
    });

    test('a changed file under the synced www/ is served by the same container, without a rebuild', async () => {
      await step(async () => {
        const from = out.length;
        fs.writeFileSync(path.join(root, 'web', 'www', 'index.html'), 'second page\n');
        expect(await pollFor(port, '/index.html', 'second page\n')).toBe('second page\n');
        expect(await web()).toEqual(started);
        expect(err).toContain('Syncing "web" after changes were detected');
        // A service's code is Compose's to sync: the app is not evaluated again for it.
        expect(out.slice(from)).not.toContain('changed:');
      });
    });

    test('a changed environment value in the stack is listed and recreates the container with it', async () => {
      await step(async () => {
        const from = out.length;
        const watches = (err.match(/Watch enabled/g) ?? []).length;
        await editStack({ greeting: 'second', containerPort: 8080 });
        expect(await says('out', '~ web: environment ~GREETING', { from })).toBe(true);
        expect(out.slice(from)).toContain('changed: lib/stack.ts');
        expect(await says('out', 'web-1  | serving version one to second', { from })).toBe(true);
        const recreated = await web();
        expect(recreated.id).not.toBe(started.id);
        expect(await environmentOf(recreated.id)).toContain('GREETING=second');
        // The new container is served, and watched: Compose started watching again on the new file.
        expect(await says('err', 'Watch enabled', { times: watches + 1 })).toBe(true);
        fs.writeFileSync(path.join(root, 'web', 'www', 'index.html'), 'third page\n');
        expect(await pollFor(port, '/index.html', 'third page\n')).toBe('third page\n');
        expect(await web()).toEqual(recreated);
        started = recreated;
      });
    });

    test('an edit that breaks the app prints the error and leaves the running container alone', async () => {
      await step(async () => {
        const from = err.length;
        await editStack({ greeting: 'third', containerPort: 70000 });
        expect(
          await says('err', /the app failed; the last good local twin stays:[\s\S]*containerPort/, { from }),
        ).toBe(true);
        expect(await web()).toEqual(started);
        expect(await environmentOf(started.id)).toContain('GREETING=second');
        expect(await pollFor(port, '/index.html', 'third page\n')).toBe('third page\n');
      });
    });

    test('stopping the loop returns 0 and, with --down, removes the containers of the twin', async () => {
      await step(async () => {
        stop();
        expect(await exit).toBe(0);
        expect(out).toContain('stopping');
        const ps = await engine!.podman([
          'ps',
          '--all',
          '--filter',
          `label=com.docker.compose.project=${PROJECT}`,
          '--format',
          '{{.ID}}',
        ]);
        expect(ps).toMatchObject({ status: 0, stdout: '' });
        // Neither Compose nor the warm app process outlives the loop (both name the app's directory).
        expect(await processesOf(root)).toEqual([]);
      });
    });
  },
);
