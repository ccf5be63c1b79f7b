import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { devCommand } from '../../../cli/dev/dev-command';
import { PROJECT_ROOT } from '../../support/test-app';

/**
 * `twinstack dev --no-up` on a temporary app, edited as a developer would: each step waits for the loop's
 * summary and checks the compose file it wrote (or kept).
 */

jest.setTimeout(120000);

const CONSTRUCTS = JSON.stringify(path.join(PROJECT_ROOT, 'constructs'));

/** The app's stack module with `services` (TypeScript statements in the constructor). */
function stackModule(services: string): string {
  return `import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Application, Image, Service } from ${CONSTRUCTS};

export class ShopStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const application = new Application(this, 'App', { name: 'shop' });
    const web = Image.fromDirectory(${JSON.stringify('web')});
    ${services}
  }
}
`;
}

const WEB = `new Service(application, 'web', { image: web, environment: { GREETING: 'hello' }, ports: [{ containerPort: 8080, hostPort: 18080 }] });`;

/** A temporary CDK app in TypeScript: cdk.json, bin/app.ts, lib/stack.ts and a service's build directory. */
function writeApp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-dev-app-'));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  // No include: every file of the app is watched, and the loop tells which ones matter.
  const cdkJson = { app: 'npx ts-node --prefer-ts-exts bin/app.ts', watch: { exclude: ['README.md'] } };
  fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify(cdkJson));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'lib'));
  fs.mkdirSync(path.join(root, 'web', 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bin', 'app.ts'),
    `import { App } from 'aws-cdk-lib';\nimport { ShopStack } from '../lib/stack';\n\nconst app = new App();\nnew ShopStack(app, 'Shop');\n`,
  );
  fs.writeFileSync(path.join(root, 'lib', 'stack.ts'), stackModule(WEB));
  fs.writeFileSync(
    path.join(root, 'web', 'Dockerfile'),
    'FROM node:22\nWORKDIR /app\nCOPY src ./src\nCMD ["node", "src/index.js"]\n',
  );
  fs.writeFileSync(path.join(root, 'web', 'src', 'index.js'), 'console.log("hello");\n');
  return root;
}

/** A running `twinstack dev` and what it printed. */
class Loop {
  out = '';
  err = '';
  private stop!: () => void;
  readonly exit: Promise<number>;
  private seen = 0;

  constructor(
    readonly root: string,
    argv: string[] = ['--no-up'],
  ) {
    const stopped = new Promise<void>((resolve) => (this.stop = resolve));
    this.exit = devCommand(
      argv,
      {
        cwd: root,
        env: process.env,
        out: { write: (t: string) => (this.out += t) },
        err: { write: (t: string) => (this.err += t) },
      },
      { stopped },
    );
  }

  /** Waits until the output from here on (standard output, or errors with `err`) contains `text`. */
  async waitFor(text: string | RegExp, stream: 'out' | 'err' = 'out'): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const all = stream === 'out' ? this.out : this.err;
      const fresh = all.slice(stream === 'out' ? this.seen : 0);
      if (typeof text === 'string' ? fresh.includes(text) : text.test(fresh)) {
        if (stream === 'out') this.seen = all.length;
        return fresh;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // A loop left running would keep the test process alive: stop it before failing.
    this.stop();
    throw new Error(`timed out waiting for ${String(text)}\nout:\n${this.out}\nerr:\n${this.err}`);
  }

  compose(): { services: Record<string, { environment?: Record<string, string>; develop?: unknown }> } {
    return parse(fs.readFileSync(path.join(this.root, 'docker-compose.yml'), 'utf8'));
  }

  async stopLoop(): Promise<number> {
    this.stop();
    return this.exit;
  }
}

/** Rewrites lib/stack.ts (after a pause, so the file's modification time moves on). */
async function editStack(root: string, services: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  fs.writeFileSync(path.join(root, 'lib', 'stack.ts'), stackModule(services));
}

describe('twinstack dev --no-up', () => {
  let root: string;
  let loop: Loop;

  beforeAll(async () => {
    root = writeApp();
    loop = new Loop(root);
    await loop.waitFor("watching the app's sources");
  });

  afterAll(async () => {
    if (loop) expect(await loop.stopLoop()).toBe(0);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('writes the local twin and says what it holds', () => {
    expect(loop.out).toContain("loading bin/app.ts (the app's entry module)");
    expect(loop.out).toContain("wrote docker-compose.yml (application 'shop')");
    expect(loop.out).toContain('local twin: 1 service (web)');
    expect(loop.compose().services.web.environment).toMatchObject({ GREETING: 'hello' });
    expect(fs.existsSync(path.join(root, '.env.example'))).toBe(true);
    // The development rules inferred from the Dockerfile are not on: none were asked for.
    expect(loop.compose().services.web.develop).toBeUndefined();
  });

  test('adding a service writes it and names it', async () => {
    await editStack(
      root,
      `${WEB}\n    new Service(application, 'worker', { image: web, command: ['node', 'src/worker.js'] });`,
    );
    const printed = await loop.waitFor('+ service worker');
    expect(printed).toContain('changed: lib/stack.ts');
    expect(Object.keys(loop.compose().services).sort()).toEqual(['web', 'worker']);
  });

  test('changing an environment value names the key, not the value', async () => {
    await editStack(
      root,
      `${WEB.replace("'hello'", "'bonjour'")}\n    new Service(application, 'worker', { image: web, command: ['node', 'src/worker.js'] });`,
    );
    const printed = await loop.waitFor('~ web: environment ~GREETING');
    expect(printed).not.toContain('bonjour');
    expect(loop.compose().services.web.environment).toMatchObject({ GREETING: 'bonjour' });
  });

  test('an edit the library rejects prints its error and keeps the last good twin', async () => {
    const before = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    await editStack(root, WEB.replace('containerPort: 8080', 'containerPort: 70000'));
    await loop.waitFor(/ValidationError: [\s\S]*containerPort/, 'err');
    expect(loop.err).toContain('the last good local twin stays');
    expect(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')).toBe(before);
  });

  test('an edit that does not compile names the file and line', async () => {
    loop.err = '';
    await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(
      path.join(root, 'lib', 'stack.ts'),
      stackModule(WEB).replace('super(scope, id);', 'super(scope, id;'),
    );
    const err = await loop.waitFor(/lib\/stack\.ts:\d+:\d+: /, 'err');
    expect(err).toContain("')' expected");
  });

  test('fixing the edit writes the twin again, with what changed since the last good one', async () => {
    await editStack(root, WEB);
    const printed = await loop.waitFor('- service worker');
    expect(printed).toContain('~ web: environment ~GREETING');
    expect(Object.keys(loop.compose().services)).toEqual(['web']);
  });

  test("a service's own code is Compose's to sync: editing it does not regenerate", async () => {
    const before = loop.out.length;
    fs.writeFileSync(path.join(root, 'web', 'src', 'index.js'), 'console.log("hi");\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(loop.out.slice(before)).not.toContain('changed:');
  });

  test("a file the app does not read (a log of the loop's own output) changes nothing", async () => {
    const before = loop.out.length;
    for (let i = 0; i < 3; i++) {
      fs.appendFileSync(path.join(root, 'dev.log'), `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(loop.out.slice(before)).not.toContain('changed:');
  });

  test("a build's Dockerfile is read by the model: editing it regenerates", async () => {
    fs.appendFileSync(path.join(root, 'web', 'Dockerfile'), 'ENV MODE=dev\n');
    const printed = await loop.waitFor('local twin unchanged');
    expect(printed).toContain('changed: web/Dockerfile');
  });

  test('an error thrown by the app names the line of the TypeScript source', async () => {
    loop.err = '';
    await editStack(root, `${WEB}\n    throw new TypeError('no stock');`);
    const err = await loop.waitFor('TypeError: no stock', 'err');
    const line = stackModule(`${WEB}\n    throw new TypeError('no stock');`)
      .split('\n')
      .findIndex((l) => l.includes('no stock'));
    expect(err).toContain(`lib/stack.ts:${line + 1}:`);
  });
});

describe('twinstack dev, without Compose', () => {
  test('says Compose v2 is missing and offers --no-up', async () => {
    const root = writeApp();
    const err: string[] = [];
    const code = await devCommand(
      [],
      {
        cwd: root,
        env: { PATH: '/nonexistent' },
        out: { write: () => true },
        err: { write: (t: string) => err.push(t) },
      },
      { stopped: Promise.resolve() },
    ).catch((e: Error) => e);
    fs.rmSync(root, { recursive: true, force: true });
    expect(code).toBeInstanceOf(Error);
    expect((code as Error).message).toMatch(/--no-up/);
  });

  test('an entry module that does not exist, nor a source of it, is an error that ends the loop', async () => {
    const root = writeApp();
    fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify({ app: 'node build/app.js' }));
    const result = await devCommand(
      ['--no-up'],
      { cwd: root, env: process.env, out: { write: () => true }, err: { write: () => true } },
      { stopped: new Promise(() => {}) },
    ).catch((e: Error) => e);
    fs.rmSync(root, { recursive: true, force: true });
    expect((result as Error).message).toBe(
      "the app's entry module build/app.js does not exist, nor a TypeScript source it is compiled from; name it with --entry FILE",
    );
  });

  test('a compiled entry is loaded from its TypeScript source, built or not', async () => {
    const root = writeApp();
    fs.mkdirSync(path.join(root, 'src'));
    fs.renameSync(path.join(root, 'bin'), path.join(root, 'src', 'bin'));
    fs.renameSync(path.join(root, 'lib'), path.join(root, 'src', 'lib'));
    fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify({ app: 'tsc && node build/bin/app.js' }));
    fs.writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { outDir: 'build', rootDir: 'src', strict: true } }),
    );
    const loop = new Loop(root);
    try {
      await loop.waitFor("watching the app's sources");
      expect(loop.out).toContain("wrote docker-compose.yml (application 'shop')");
    } finally {
      expect(await loop.stopLoop()).toBe(0);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('an app command that names no module asks for --entry', async () => {
    const root = writeApp();
    fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify({ app: 'make synth' }));
    const result = await devCommand(
      ['--no-up'],
      { cwd: root, env: process.env, out: { write: () => true }, err: { write: () => true } },
      { stopped: Promise.resolve() },
    ).catch((e: Error) => e);
    fs.rmSync(root, { recursive: true, force: true });
    expect((result as Error).message).toContain('name it with --entry FILE');
  });
});
