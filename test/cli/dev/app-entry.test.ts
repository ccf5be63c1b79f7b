import { appEntry, entryOfCommand } from '../../../cli/dev/app-entry';
import { CliError } from '../../../cli/cli-error';

describe("the app's entry module, from cdk.json's app command", () => {
  const cwd = '/project';
  test.each([
    ['npx ts-node --prefer-ts-exts bin/app.ts', '/project/bin/app.ts'],
    ['npx tsx bin/shop.ts', '/project/bin/shop.ts'],
    ['node dist/bin/app.js', '/project/dist/bin/app.js'],
    [
      'node node_modules/typescript/bin/tsc -p tsconfig.build.json && node dist/bin/app.js',
      '/project/dist/bin/app.js',
    ],
    ['node -r ts-node/register "bin/my app.ts"', '/project/bin/my app.ts'],
    ['node --enable-source-maps bin/app.cjs', '/project/bin/app.cjs'],
  ])('%s', (command, entry) => {
    expect(entryOfCommand(command, cwd)).toBe(entry);
  });

  test('a command that names no module asks for --entry', () => {
    expect(entryOfCommand('make synth', cwd)).toBeUndefined();
    expect(() => appEntry(cwd, 'make synth', undefined)).toThrow(CliError);
    expect(() => appEntry(cwd, 'make synth', undefined)).toThrow(/name it with --entry FILE/);
  });

  test('--entry wins, and must be a module', () => {
    expect(appEntry(cwd, 'npx ts-node bin/app.ts', 'src/main.ts')).toBe('/project/src/main.ts');
    expect(() => appEntry(cwd, 'npx ts-node bin/app.ts', 'Makefile')).toThrow(/give a \.ts or \.js module/);
  });
});
