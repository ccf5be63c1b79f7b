import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WarmAppProcess } from '../../../cli/dev/warm-process';
import { PROJECT_ROOT } from '../../support/test-app';

jest.setTimeout(60000);

/** A small app of TypeScript modules: the entry imports a and b, a imports c; each records its load. */
function writeApp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-warm-'));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const record = (name: string) =>
    `import * as fs from 'fs';\nfs.appendFileSync(${JSON.stringify(path.join(root, 'loads.txt'))}, '${name}\\n');\n`;
  fs.writeFileSync(path.join(root, 'app.ts'), `${record('app')}import './a';\nimport './b';\n`);
  fs.writeFileSync(
    path.join(root, 'a.ts'),
    `${record('a')}import { c } from './c';\nexport const a: string = c;\n`,
  );
  fs.writeFileSync(path.join(root, 'b.ts'), `${record('b')}export const b = 1;\n`);
  fs.writeFileSync(path.join(root, 'c.ts'), `${record('c')}export const c = 'c';\n`);
  return root;
}

describe('the warm app process', () => {
  let root: string;
  let warm: WarmAppProcess;
  const loads = () => {
    const text = fs.readFileSync(path.join(root, 'loads.txt'), 'utf8');
    fs.writeFileSync(path.join(root, 'loads.txt'), '');
    return text.trim().split('\n').filter(Boolean).sort();
  };

  beforeAll(() => {
    root = writeApp();
    warm = new WarmAppProcess({ root, entry: path.join(root, 'app.ts'), env: process.env, output: () => {} });
  });
  afterAll(() => {
    warm.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the first evaluation loads every module of the app', async () => {
    const reply = await warm.evaluate([], {});
    expect(reply.ok).toBe(true);
    expect(loads()).toEqual(['a', 'app', 'b', 'c']);
    if (reply.ok)
      expect([...reply.modules].sort()).toEqual(
        ['a.ts', 'app.ts', 'b.ts', 'c.ts'].map((f) => path.join(root, f)),
      );
  });

  test('a change loads again the changed module and what imports it, nothing else', async () => {
    const reply = await warm.evaluate([path.join(root, 'c.ts')], {});
    expect(reply).toMatchObject({ ok: true, reloaded: 3 });
    expect(loads()).toEqual(['a', 'app', 'c']);
    await warm.evaluate([path.join(root, 'b.ts')], {});
    expect(loads()).toEqual(['app', 'b']);
    // Nothing changed: the entry alone runs again (it creates the App).
    await warm.evaluate([], {});
    expect(loads()).toEqual(['app']);
  });

  test("the environment of the request is the app's", async () => {
    fs.writeFileSync(
      path.join(root, 'b.ts'),
      `if (process.env.TWINSTACK_TEST_MARK !== 'on') throw new Error('no mark');\n`,
    );
    expect(await warm.evaluate([path.join(root, 'b.ts')], { TWINSTACK_TEST_MARK: 'on' })).toMatchObject({
      ok: true,
    });
  });

  test('an app that exits is a failed evaluation, and the next one starts a fresh process', async () => {
    fs.writeFileSync(path.join(root, 'b.ts'), 'process.exit(3);\n');
    const failed = await warm.evaluate([path.join(root, 'b.ts')], {});
    expect(failed).toMatchObject({ ok: false });
    if (!failed.ok) expect(failed.message).toContain('exited (code 3)');
    fs.writeFileSync(path.join(root, 'b.ts'), 'export const b = 2;\n');
    loads();
    expect(await warm.evaluate([path.join(root, 'b.ts')], {})).toMatchObject({ ok: true });
    expect(warm.starts).toBe(2);
    expect(loads()).toEqual(['a', 'app', 'c']);
  });

  test('an error of the app names its TypeScript line', async () => {
    fs.writeFileSync(
      path.join(root, 'b.ts'),
      `type T = string;\nconst t: T = 'x';\n\nthrow new RangeError('bad ' + t);\n`,
    );
    const failed = await warm.evaluate([path.join(root, 'b.ts')], {});
    expect(failed).toMatchObject({ ok: false });
    if (!failed.ok) {
      expect(failed.message).toContain('RangeError: bad x');
      expect(failed.message).toMatch(/b\.ts:4:\d+/);
    }
  });
});
