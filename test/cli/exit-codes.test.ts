import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../cli/main';
import { packageVersion } from '../../cli/version';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { recordingIo } from '../support/cli-io';
import { applicationSpec, serviceSpec } from '../support/spec-builders';
import { PROJECT_ROOT } from '../support/test-app';

const FAKE_APP = `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`;
const COMMANDS = ['compose', 'parity', 'diff', 'status', 'images', 'graph'];

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-exit-'));
}

function model(name: string): ApplicationSpec {
  return applicationSpec([serviceSpec('web', { path: `App/web` })], { name, path: `Stack/${name}` });
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const r = recordingIo(tmp(), env);
  const code = await main(argv, r.io);
  return { code, out: r.out(), err: r.err() };
}

describe('--version', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));

  test('--version and -V print the version of package.json, exit 0', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await run(['-V'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  test('is read from the package.json above the module, as from dist/cli in an installed package', () => {
    const installed = tmp();
    fs.mkdirSync(path.join(installed, 'dist', 'cli'), { recursive: true });
    fs.writeFileSync(
      path.join(installed, 'package.json'),
      JSON.stringify({ name: 'twinstack', version: '3.2.1-rc.1' }),
    );
    // Another package's manifest on the way up is not the tool's.
    fs.writeFileSync(
      path.join(installed, 'dist', 'package.json'),
      JSON.stringify({ name: 'other', version: '9.9.9' }),
    );
    expect(packageVersion(path.join(installed, 'dist', 'cli'))).toBe('3.2.1-rc.1');
    expect(() => packageVersion(os.tmpdir())).toThrow(
      'cannot tell the version: no package.json of twinstack',
    );
  });
});

describe('help', () => {
  test('the top-level help names --version and the three exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('-V, --version');
    expect(help.out).toMatch(/Exit codes:\n {2}0 +ok.*\n {2}1 +a finding.*\n[^]*\n {2}2 +could not run/);
  });

  test.each(COMMANDS)('%s --help describes the command and lists its exit codes, exit 0', async (command) => {
    const help = await run([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^Usage: twinstack ${command} \\[options\\]\n\n[A-Z]`));
    expect(help.out).toMatch(/\nExit codes:\n {2}0 .*\n/);
    expect(help.out).toMatch(/\n {2}2 +could not run: a usage error, no app or cloud assembly/);
    const finds = ['parity', 'diff', 'status', 'images'].includes(command);
    expect(/\n {2}1 /.test(help.out)).toBe(finds);
    expect(help.out.includes('no AWS credentials or region')).toBe(
      command === 'status' || command === 'images',
    );
  });
});

describe('exit code 1: a finding', () => {
  test('synthesis stopped by a parity error is a finding, any other failure is not', async () => {
    const parity = await run(['diff', '--app', FAKE_APP], {
      FAKE_APP_FAIL: 'ParityError: application shop: service web: environment MODE differs',
    });
    expect(parity.code).toBe(1);
    expect(parity.err).toBe(
      `twinstack: synthesis failed (${FAKE_APP}):\nParityError: application shop: service web: environment MODE differs\n`,
    );
    const broken = await run(['diff', '--app', FAKE_APP], { FAKE_APP_FAIL: 'TypeError: x is undefined' });
    expect(broken.code).toBe(2);
  });
});

describe('exit code 2: the command could not run', () => {
  test('with no command, the usage goes to stderr', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain('Usage: twinstack <command>');
  });

  test.each(COMMANDS)('%s: a usage error, no app, and no such stack or application', async (command) => {
    expect((await run([command, '--bogus'])).code).toBe(2);
    const noApp = await run([command]);
    expect(noApp).toMatchObject({ code: 2, out: '' });
    expect(noApp.err).toContain('no app to synthesize');
    const noStack = await run([command, '--app', FAKE_APP, '--stack', 'Nope'], {
      FAKE_APP_MODELS: JSON.stringify([model('shop')]),
    });
    expect(noStack.code).toBe(2);
    expect(noStack.err).toMatch(/^twinstack: no (application|stack)\b.*\n$/);
  });

  test('a defect of the tool is one line, not a finding; TWINSTACK_DEBUG shows its stack', async () => {
    const broken = tmp();
    fs.writeFileSync(path.join(broken, 'manifest.json'), '{ not json');
    const plain = await run(['diff', '--assembly', broken]);
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(
      /^twinstack: unexpected error: .*JSON.*\nrun again with TWINSTACK_DEBUG=1 for the stack trace\n$/,
    );
    const debug = await run(['diff', '--assembly', broken], { TWINSTACK_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.err).toMatch(/^twinstack: unexpected error: SyntaxError: .*\n\s+at /);
  });
});

describe('progress of a synthesis', () => {
  /** An io whose stderr is a terminal (or not), with a scheduler the test drives. */
  function terminalIo(tty: boolean, fire: number) {
    const r = recordingIo(tmp(), { FAKE_APP_MODELS: JSON.stringify([model('shop')]) });
    const scheduled: number[] = [];
    let cancelled = 0;
    const io = {
      ...r.io,
      err: { write: r.io.err.write, isTTY: tty },
      // Runs each task at once, as if its time had come, the first `fire` times.
      schedule: (task: () => void, ms: number) => {
        scheduled.push(ms);
        if (scheduled.length <= fire) task();
        return () => void cancelled++;
      },
    };
    return { io, r, scheduled, cancelled: () => cancelled };
  }

  test('a synthesis that outlasts the delay says so on a terminal’s stderr; stdout is the result', async () => {
    const t = terminalIo(true, 2);
    expect(await main(['compose', '--app', FAKE_APP, '--no-env-example'], t.io)).toBe(0);
    expect(t.r.err()).toBe(
      `twinstack: synthesizing the app (${FAKE_APP})\ntwinstack: still synthesizing (18 s)\n`,
    );
    expect(t.r.out()).toBe("wrote docker-compose.yml (application 'shop')\n");
    expect(t.scheduled).toEqual([3000, 15000, 15000]);
    expect(t.cancelled()).toBe(1);
  });

  test('a quick synthesis shows nothing, and neither does one whose stderr is not a terminal', async () => {
    const quick = terminalIo(true, 0);
    expect(await main(['compose', '--app', FAKE_APP, '--no-env-example'], quick.io)).toBe(0);
    expect(quick.r.err()).toBe('');
    expect(quick.scheduled).toEqual([3000]);
    expect(quick.cancelled()).toBe(1);

    const piped = terminalIo(false, 5);
    expect(await main(['compose', '--app', FAKE_APP, '--no-env-example'], piped.io)).toBe(0);
    expect(piped.r.err()).toBe('');
    expect(piped.scheduled).toEqual([]);
  });
});
