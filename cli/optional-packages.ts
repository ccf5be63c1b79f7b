import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

/**
 * The packages each command loads beyond the library's own dependencies: optional peer dependencies of
 * twinstack (package.json), so that a project using only the constructs and `twinstack compose` does not
 * install them.
 */
export const COMMAND_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  diff: ['@aws-cdk/cloudformation-diff'],
  images: ['@aws-sdk/client-ecr'],
  status: ['@aws-sdk/client-cloudformation', '@aws-sdk/client-ecs'],
};

/** The package a failed `require` looked for, when the error is a missing module. */
function missingModule(e: unknown): string | undefined {
  const err = e as { code?: string; message?: string };
  if (err?.code !== 'MODULE_NOT_FOUND') return undefined;
  return /Cannot find module '([^']+)'/.exec(err.message ?? '')?.[1];
}

function installed(name: string, resolve: (name: string) => string): boolean {
  try {
    resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the module of `command`. When a package it needs is not installed, throws a CliError (exit code
 * 2) naming every package of the command that is missing and how to install them; any other failure is
 * thrown as it is.
 */
export async function loadCommand<T>(
  command: string,
  load: () => Promise<T>,
  resolve: (name: string) => string = require.resolve,
): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const packages = COMMAND_PACKAGES[command] ?? [];
    const name = missingModule(e);
    if (name === undefined || !packages.includes(name)) throw e;
    const missing = packages.filter((p) => p === name || !installed(p, resolve));
    const what = missing.length === 1 ? 'an optional peer dependency' : 'optional peer dependencies';
    throw new CliError(
      `twinstack ${command} needs ${missing.join(' and ')} (${what} of twinstack), not installed: npm install --save-dev ${missing.join(' ')}`,
      ExitCode.CANNOT_RUN,
    );
  }
}
