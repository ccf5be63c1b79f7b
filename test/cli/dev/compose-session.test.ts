import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliError } from '../../../cli/cli-error';
import {
  composeSession,
  ComposeProgram,
  ComposeSession,
  findComposeV2,
} from '../../../cli/dev/compose-session';

/** The stand-in for Compose: records each run in calls.jsonl of FAKE_COMPOSE_DIR, behaves as files there say. */
const FAKE_COMPOSE = path.join(__dirname, 'fake-compose.js');

const COMPOSE_FILE = `name: demo
services:
  web:
    build:
      context: ./web
    develop:
      watch:
        - action: sync
          path: ./web/www
          target: /srv/www
`;

let dir: string;
const sessions: ComposeSession[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-session-'));
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop({ down: false });
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Call {
  readonly command: string;
  readonly pid: number;
  readonly argv?: string[];
  readonly cwd?: string;
  readonly event?: string;
  readonly grandchild?: number;
}

function calls(): Call[] {
  const file = path.join(dir, 'calls.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Call);
}

/** The runs of `command` (one record each, not their events). */
function runs(command: string): Call[] {
  return calls().filter((c) => c.command === command && c.argv);
}

async function waitFor<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}; calls: ${JSON.stringify(calls(), null, 1)}`);
}

/** Whether process `pid` runs (a zombie, which has exited, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function control(name: string, text = ''): void {
  fs.writeFileSync(path.join(dir, name), text);
}

/** A session of the fake compose on a compose file with watch rules (or `composeFile`). */
function session(composeFile = COMPOSE_FILE) {
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(file, composeFile);
  const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
  const out: string[] = [];
  const err: string[] = [];
  const program: ComposeProgram = { command: process.execPath, args: [FAKE_COMPOSE], version: '2.26.1' };
  const s = composeSession(program, {
    file,
    project: 'demo',
    cwd,
    env: { ...process.env, FAKE_COMPOSE_DIR: dir },
    out: { write: (t: string) => out.push(t) },
    err: { write: (t: string) => err.push(t) },
  });
  sessions.push(s);
  return { s, file, cwd, out: () => out.join(''), err: () => err.join('') };
}

/** What follows the program's own arguments: Compose's global options, then the command's. */
function composeArgs(call: Call): string[] {
  return call.argv!;
}

describe('composeSession', () => {
  test('start builds and starts the twin, then watches and follows the logs from the start, prefixed by service', async () => {
    const { s, file, cwd, out, err } = session();
    const before = new Date().toISOString();
    await s.start();
    const global = ['--ansi', 'never', '-p', 'demo', '-f', file];
    expect(runs('up').map(composeArgs)).toEqual([[...global, 'up', '--build', '-d', '--remove-orphans']]);
    const watch = await waitFor('watch', () => runs('watch')[0]);
    const logs = await waitFor('logs', () => runs('logs')[0]);
    expect(watch.argv).toEqual([...global, 'watch', '--no-up']);
    expect(logs.argv!.slice(0, -1)).toEqual([...global, 'logs', '-f', '--no-color', '--since']);
    const since = logs.argv![logs.argv!.length - 1];
    expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(since >= before).toBe(true);
    expect(since <= new Date().toISOString()).toBe(true);
    expect([watch.cwd, logs.cwd]).toEqual([fs.realpathSync(cwd), fs.realpathSync(cwd)]);
    // Compose's control sequences and carriage returns are taken out.
    await waitFor('the logs', () => out().includes('web-1  | hello from web\n'));
    expect(out()).not.toMatch(/\x1b|\r/); // eslint-disable-line no-control-regex
    await waitFor('watch output', () => err().includes('Watch enabled\n'));
    expect(err()).toContain(' Image web  Building\n Container demo-web-1  Started\n');
    expect(out()).not.toContain('Watch enabled');
  });

  test('stop ends watching and the logs, and what Compose started, without down', async () => {
    const { s, out, err } = session();
    await s.start();
    const watch = await waitFor('watch', () => runs('watch')[0]);
    const grandchild = await waitFor('the logs child', () => calls().find((c) => c.event === 'grandchild'));
    expect([alive(watch.pid), alive(grandchild.pid), alive(grandchild.grandchild!)]).toEqual([
      true,
      true,
      true,
    ]);
    await s.stop({ down: false });
    expect([alive(watch.pid), alive(grandchild.pid), alive(grandchild.grandchild!)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(runs('down')).toEqual([]);
    // Compose's "canceled" when the session ends it says nothing to the user.
    expect(calls().filter((c) => c.event === 'terminated').length).toBeGreaterThanOrEqual(2);
    expect(out() + err()).not.toContain('canceled');
  });

  test('stop with down runs `down` once, keeping the volumes; stopping again does nothing more', async () => {
    const { s, file, err } = session();
    await s.start();
    await s.stop({ down: true });
    await s.stop({ down: true });
    await s.stop({ down: false });
    expect(runs('down').map((c) => c.argv)).toEqual([
      ['--ansi', 'never', '-p', 'demo', '-f', file, 'down', '--remove-orphans'],
    ]);
    expect(err()).toContain('Container demo-web-1  Removed');
    expect(runs('up')).toHaveLength(1);
  });

  test('a twin without watch rules is started and its logs followed, without watch', async () => {
    const { s, err } = session('name: demo\nservices:\n  web:\n    image: busybox\n');
    await s.start();
    await waitFor('logs', () => runs('logs')[0]);
    await s.stop({ down: false });
    expect(runs('watch')).toEqual([]);
    expect(err()).toContain('no service of the local twin has development settings: nothing is watched\n');
  });

  test('apply runs up again and restarts watching and the logs, from where the old logs stopped', async () => {
    const { s, file } = session();
    await s.start();
    const [watch1, logs1] = await waitFor(
      'watch and logs',
      () => runs('watch').length === 1 && runs('logs').length === 1 && [runs('watch')[0], runs('logs')[0]],
    );
    await s.apply();
    expect(runs('up').map((c) => c.argv!.slice(6))).toEqual([
      ['up', '--build', '-d', '--remove-orphans'],
      ['up', '-d', '--build', '--remove-orphans'],
    ]);
    expect(runs('up')[1].argv!.slice(0, 6)).toEqual(['--ansi', 'never', '-p', 'demo', '-f', file]);
    const [watch2, logs2] = await waitFor(
      'new watch and logs',
      () => runs('watch').length === 2 && runs('logs').length === 2 && [runs('watch')[1], runs('logs')[1]],
    );
    expect([alive(watch1.pid), alive(logs1.pid), alive(watch2.pid), alive(logs2.pid)]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    const since1 = logs1.argv![logs1.argv!.length - 1];
    const since2 = logs2.argv![logs2.argv!.length - 1];
    expect(since2 > since1).toBe(true);
    // The old ones were ended before up ran again: their end is recorded before the second up.
    const order = calls().map((c) => (c.event ? `${c.event}:${c.pid}` : `${c.command}:${c.pid}`));
    expect(order.indexOf(`terminated:${watch1.pid}`)).toBeLessThan(order.indexOf(`up:${runs('up')[1].pid}`));
    expect(order.indexOf(`terminated:${logs1.pid}`)).toBeLessThan(order.indexOf(`up:${runs('up')[1].pid}`));
  });

  test('apply reads the file again: rules that appear start the watcher', async () => {
    const { s, file } = session('name: demo\nservices:\n  web:\n    image: busybox\n');
    await s.start();
    expect(runs('watch')).toEqual([]);
    fs.writeFileSync(file, COMPOSE_FILE);
    await s.apply();
    await waitFor('watch', () => runs('watch')[0]);
  });

  test("a failing up rejects with a CliError carrying Compose's last lines; nothing is watched", async () => {
    control('up.fail', 'failed to solve: COPY failed: file not found: www\nexit status 1\n');
    const { s } = session();
    const e = await s.start().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CliError);
    const message = (e as CliError).message;
    expect(message).toContain('up --build -d --remove-orphans exited 1');
    expect(message).toContain(
      "Compose's last lines:\n   Image web  Building\n  failed to solve: COPY failed",
    );
    expect(message).toContain('  exit status 1');
    await s.stop({ down: false });
    expect(runs('watch')).toEqual([]);
    expect(runs('logs')).toEqual([]);
  });

  test('a failing apply rejects, and watching and the logs go on', async () => {
    const { s } = session();
    await s.start();
    await waitFor('watch and logs', () => runs('watch').length === 1 && runs('logs').length === 1);
    control('up.fail', 'service "web" refers to undefined volume data\n');
    await expect(s.apply()).rejects.toThrow(/exited 1; Compose's last lines:\n(.|\n)*undefined volume data/);
    const [watch, logs] = await waitFor(
      'new watch and logs',
      () => runs('watch').length === 2 && runs('logs').length === 2 && [runs('watch')[1], runs('logs')[1]],
    );
    expect([alive(watch.pid), alive(logs.pid)]).toEqual([true, true]);
  });

  test('a watcher that exits unexpectedly is reported once; the session goes on', async () => {
    control('watch.exit', '1');
    const { s, err } = session();
    await s.start();
    await waitFor('the report', () => err().includes('compose watch stopped'));
    const logs = await waitFor('logs', () => runs('logs')[0]);
    expect(alive(logs.pid)).toBe(true);
    await s.stop({ down: false });
    expect(err().match(/compose watch stopped/g)).toHaveLength(1);
    expect(err()).toContain('`watch --no-up` exited 1:\n');
    expect(err()).toContain('  watch: the watcher failed\n');
    expect(err()).not.toContain('logs stopped');
  });

  test('stop during up ends it; start then resolves without watching', async () => {
    control('up.sleep');
    const { s } = session();
    const started = s.start();
    const up = await waitFor('up', () => runs('up')[0]);
    await s.stop({ down: true });
    await started;
    expect(alive(up.pid)).toBe(false);
    expect(runs('watch')).toEqual([]);
    expect(runs('logs')).toEqual([]);
    expect(runs('down')).toHaveLength(1);
    await s.apply();
    expect(runs('up')).toHaveLength(1);
  });

  test('start twice, or apply before start, is refused', async () => {
    const { s } = session();
    await expect(s.apply()).rejects.toThrow('has not started');
    await s.start();
    await expect(s.start()).rejects.toThrow('has started already');
  });
});

describe('findComposeV2', () => {
  /** An executable `name` in `bin` that prints `text` for `version` (after `compose` for docker), exits `code`. */
  function program(bin: string, name: string, text: string, code = 0): string {
    fs.mkdirSync(bin, { recursive: true });
    const file = path.join(bin, name);
    fs.writeFileSync(
      file,
      `#!${process.execPath}\n` +
        `require('fs').appendFileSync(${JSON.stringify(path.join(bin, 'argv.jsonl'))}, JSON.stringify([${JSON.stringify(name)}, ...process.argv.slice(2)]) + '\\n');\n` +
        `process.stdout.write(${JSON.stringify(text)});\nprocess.exitCode = ${code};\n`,
    );
    fs.chmodSync(file, 0o755);
    return file;
  }

  const V2 = 'Docker Compose version v2.26.1\n';
  const V1 = 'docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\n';

  test('a path given to Compose v2 2.22 or later', () => {
    const file = program(path.join(dir, 'bin'), 'docker-compose', 'Docker Compose version 2.26.1-4\n');
    expect(findComposeV2({ PATH: '' }, file)).toEqual({ command: file, args: [], version: '2.26.1-4' });
  });

  test('`docker compose` given runs the Docker CLI with compose', () => {
    const bin = path.join(dir, 'bin');
    program(bin, 'docker', 'Docker Compose version v2.29.7\n');
    expect(findComposeV2({ PATH: bin }, 'docker compose')).toEqual({
      command: 'docker',
      args: ['compose'],
      version: '2.29.7',
    });
    expect(fs.readFileSync(path.join(bin, 'argv.jsonl'), 'utf8')).toBe('["docker","compose","version"]\n');
  });

  test.each([
    ['docker-compose 1.29', V1, 0, 'it is Compose 1.29.2. twinstack dev needs Compose v2 2.22 or later'],
    ['Compose 2.21', 'Docker Compose version v2.21.0\n', 0, 'it is Compose 2.21.0'],
    ['a failing program', 'unknown command\n', 1, '`version` exited 1: unknown command'],
    ['a program without version', 'hello\n', 0, 'it printed no version: hello'],
  ])(
    'a path given to %s is a CliError saying what it is and what is needed',
    (_what, text, code, expected) => {
      const file = program(path.join(dir, 'bin'), 'compose', text, code);
      expect(() => findComposeV2({}, file)).toThrow(CliError);
      expect(() => findComposeV2({}, file)).toThrow(
        `the compose program '${file}' is not Compose v2 2.22 or later: ${expected}`,
      );
    },
  );

  test('a path given that does not exist is a CliError', () => {
    const missing = path.join(dir, 'nowhere', 'docker-compose');
    expect(() => findComposeV2({}, missing)).toThrow(/could not be run \(spawnSync .* ENOENT\)/);
  });

  test('TWINSTACK_COMPOSE when nothing is given, and named in the error; what is given comes first', () => {
    const bin = path.join(dir, 'bin');
    const v2 = program(bin, 'compose-v2', V2);
    const v1 = program(bin, 'compose-v1', V1);
    expect(findComposeV2({ TWINSTACK_COMPOSE: v2 })).toMatchObject({ command: v2, version: '2.26.1' });
    expect(() => findComposeV2({ TWINSTACK_COMPOSE: v1 })).toThrow(
      `'${v1}' (TWINSTACK_COMPOSE) is not Compose v2`,
    );
    expect(findComposeV2({ TWINSTACK_COMPOSE: v1 }, v2)).toMatchObject({ command: v2 });
  });

  test('else `docker compose`, else docker-compose when it is v2 2.22 or later, else none', () => {
    const both = path.join(dir, 'both');
    program(both, 'docker', 'Docker Compose version v2.24.0\n');
    program(both, 'docker-compose', V2);
    expect(findComposeV2({ PATH: both })).toEqual({
      command: 'docker',
      args: ['compose'],
      version: '2.24.0',
    });

    const plugin = path.join(dir, 'plugin-missing');
    program(plugin, 'docker', "docker: 'compose' is not a docker command.\n", 1);
    program(plugin, 'docker-compose', V2);
    expect(findComposeV2({ PATH: plugin })).toEqual({
      command: 'docker-compose',
      args: [],
      version: '2.26.1',
    });

    const old = path.join(dir, 'old');
    program(old, 'docker', 'Docker Compose version v2.20.2\n');
    program(old, 'docker-compose', V1);
    expect(findComposeV2({ PATH: old })).toBeUndefined();
    expect(findComposeV2({ PATH: path.join(dir, 'empty') })).toBeUndefined();
  });
});

describe('the logs follower', () => {
  const sinceOf = (c: Call) => c.argv![c.argv!.length - 1];

  test('ended while containers run (podman, a container replaced) starts again from its last line, unreported', async () => {
    control('logs.exit-once');
    const { s, err, out } = session();
    await s.start();
    const [first, second] = await waitFor('the logs again', () => runs('logs').length === 2 && runs('logs'));
    expect(runs('ps').map((c) => c.argv!.slice(6))).toEqual([['ps', '--status', 'running', '--quiet']]);
    expect(sinceOf(second) > sinceOf(first)).toBe(true);
    expect(alive(second.pid)).toBe(true);
    await waitFor('the second logs', () => out().split('hello from web').length === 3);
    expect(out()).toContain('web-1 exited with code 137\n');
    expect(out()).toContain('no such container\n');
    expect(err()).not.toContain('logs stopped');
  });

  test('follows again from its last line of a container when Compose says a container was recreated', async () => {
    control('logs.recreate-once');
    const { s, err, out } = session();
    await s.start();
    const [first, second] = await waitFor('the logs again', () => runs('logs').length === 2 && runs('logs'));
    expect(sinceOf(second) > sinceOf(first)).toBe(true);
    expect(calls().some((c) => c.event === 'terminated' && c.pid === first.pid)).toBe(true);
    expect(alive(second.pid)).toBe(true);
    expect(runs('ps')).toEqual([]);
    await waitFor('the second logs', () => out().split('hello from web').length === 3);
    expect(out()).toContain(
      'web-1  | hello from web\nweb-1 exited with code 137\nweb-1 has been recreated\n',
    );
    expect(err()).not.toContain('logs stopped');
  });

  test('ended when no container runs is reported once and not started again', async () => {
    control('logs.exit-always');
    control('ps.txt', '');
    const { s, err } = session();
    await s.start();
    await waitFor('the report', () => err().includes('compose logs stopped'));
    await s.stop({ down: false });
    expect(runs('logs')).toHaveLength(1);
    expect(err().match(/compose logs stopped/g)).toHaveLength(1);
    expect(err()).toContain('`logs -f --no-color --since ');
    expect(err()).toContain(
      ':\n  web-1 exited with code 0\nit starts again when the compose file is next applied\n',
    );
  });

  test('ending again and again without a line of a container is started again three times, then reported', async () => {
    control('logs.exit-always');
    const { s, err } = session();
    await s.start();
    await waitFor('the report', () => err().includes('compose logs stopped'));
    await s.stop({ down: false });
    expect(runs('logs')).toHaveLength(4);
    expect(err().match(/compose logs stopped/g)).toHaveLength(1);
  });
});
