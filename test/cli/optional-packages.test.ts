import * as fs from 'fs';
import * as path from 'path';
import { CliError } from '../../cli/cli-error';
import { main } from '../../cli/main';
import { COMMAND_PACKAGES, loadCommand } from '../../cli/optional-packages';
import { recordingIo } from '../support/cli-io';
import { PROJECT_ROOT } from '../support/test-app';

/** What `require` throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/cli/x.js`), {
    code: 'MODULE_NOT_FOUND',
  });
}

const resolveOnly =
  (...installed: string[]) =>
  (name: string) => {
    if (installed.includes(name)) return `/app/node_modules/${name}/index.js`;
    throw notFound(name);
  };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

test('a missing optional package is a CliError with exit code 2 naming every missing package of the command', async () => {
  const e = await failure(
    loadCommand('status', () => Promise.reject(notFound('@aws-sdk/client-cloudformation')), resolveOnly()),
  );
  expect(e).toBeInstanceOf(CliError);
  expect((e as CliError).exitCode).toBe(2);
  expect((e as CliError).message).toBe(
    'twinstack status needs @aws-sdk/client-cloudformation and @aws-sdk/client-ecs (optional peer dependencies of twinstack), not installed: npm install --save-dev @aws-sdk/client-cloudformation @aws-sdk/client-ecs',
  );
});

test('only the packages that are missing are named', async () => {
  const e = await failure(
    loadCommand(
      'status',
      () => Promise.reject(notFound('@aws-sdk/client-ecs')),
      resolveOnly('@aws-sdk/client-cloudformation'),
    ),
  );
  expect((e as CliError).message).toBe(
    'twinstack status needs @aws-sdk/client-ecs (an optional peer dependency of twinstack), not installed: npm install --save-dev @aws-sdk/client-ecs',
  );
});

test('any other failure to load, a missing module the command does not name among them, is thrown as it is', async () => {
  const other = notFound('@smithy/some-internal');
  expect(await failure(loadCommand('images', () => Promise.reject(other), resolveOnly()))).toBe(other);
  const broken = new SyntaxError('Unexpected token');
  expect(await failure(loadCommand('diff', () => Promise.reject(broken), resolveOnly()))).toBe(broken);
});

test('the commands that use optional packages load with them installed, and name only packages the package declares optional', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    devDependencies: Record<string, string>;
  };
  const named = [...new Set(Object.values(COMMAND_PACKAGES).flat())].sort();
  const optional = Object.keys(pkg.peerDependenciesMeta).filter((p) => pkg.peerDependenciesMeta[p].optional);
  expect(optional.sort()).toEqual(named);
  for (const p of named) {
    expect(pkg.peerDependencies[p]).toBeDefined();
    expect(pkg.devDependencies[p]).toBeDefined();
  }
  const run = recordingIo(process.cwd());
  for (const command of Object.keys(COMMAND_PACKAGES)) {
    expect(await main([command, '--help'], run.io)).toBe(0);
  }
  expect(run.err()).toBe('');
});
