import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SourceWatcher, sourceFilter } from '../../../cli/dev/source-watcher';

describe("the app's sources: cdk.json's watch", () => {
  const root = '/app';
  const repoWatch = { include: ['bin/**', 'lib/**'], exclude: ['**/*.d.ts', 'test'] };

  test('include and exclude globs, relative to the app', () => {
    const isSource = sourceFilter(root, repoWatch, []);
    expect(isSource('/app/bin/app.ts')).toBe(true);
    expect(isSource('/app/lib/stack.ts')).toBe(true);
    expect(isSource('/app/lib/types.d.ts')).toBe(false);
    expect(isSource('/app/README.md')).toBe(false);
    expect(isSource('/elsewhere/lib/stack.ts')).toBe(false);
  });

  test('everything when there is no watch setting, except what is never a source', () => {
    const isSource = sourceFilter(root, undefined, ['/app/docker-compose.yml']);
    expect(isSource('/app/lib/stack.ts')).toBe(true);
    expect(isSource('/app/docker-compose.yml')).toBe(false);
    for (const never of [
      '/app/cdk.out/manifest.json',
      '/app/node_modules/x/index.js',
      '/app/.env',
      '/app/.git/HEAD',
    ])
      expect(isSource(never)).toBe(false);
  });

  test('a single glob string is a list of one', () => {
    expect(sourceFilter(root, { include: 'lib/**' }, [])('/app/lib/a.ts')).toBe(true);
  });

  test.each([
    [['lib/**'], 'watch is ["lib/**"]'],
    [{ include: 3 }, 'watch.include is 3'],
    [{ exclude: ['a', 1] }, 'watch.exclude is ["a",1]'],
  ])('a watch setting that is not globs is an error naming it: %j', (setting, message) => {
    expect(() => sourceFilter(root, setting, [])).toThrow(message);
  });
});

describe('SourceWatcher', () => {
  test('reports changed sources once per save, and nothing for files that are not sources', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-watch-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'stack.ts'), 'a');
    const batches: string[][] = [];
    const watcher = new SourceWatcher(dir, sourceFilter(dir, { include: ['lib/**'] }, []), (f) =>
      batches.push(f),
    );
    await watcher.ready();
    fs.writeFileSync(path.join(dir, 'README.md'), 'x');
    fs.writeFileSync(path.join(dir, 'lib', 'stack.ts'), 'b');
    fs.writeFileSync(path.join(dir, 'lib', 'stack.ts'), 'c');
    fs.writeFileSync(path.join(dir, 'lib', 'new.ts'), 'd');
    for (let i = 0; i < 50 && batches.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    await watcher.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(batches.flat().sort()).toEqual([
      path.join(dir, 'lib', 'new.ts'),
      path.join(dir, 'lib', 'stack.ts'),
    ]);
  });
});
