import { ValidationError } from '../constructs/errors';
import { CliError } from './cli-error';
import { composeCommand } from './compose-command';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { loadCommand } from './optional-packages';
import { USAGE } from './usage';
import { packageVersion } from './version';

/** Runs the command-line tool; resolves to the process exit code (see ExitCode). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.err.write(USAGE);
      return ExitCode.CANNOT_RUN;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.out.write(USAGE);
      return ExitCode.OK;
    }
    if (command === '-V' || command === '--version') {
      io.out.write(`${packageVersion()}\n`);
      return ExitCode.OK;
    }
    if (command === 'compose') return await composeCommand(rest, io);
    // The other commands are loaded when run: with their AWS SDK clients and the template differ they
    // would triple the start-up time of `twinstack compose`, the command of the local inner loop.
    if (command === 'parity') return await (await import('./parity-command')).parityCommand(rest, io);
    if (command === 'diff')
      return await (await loadCommand(command, () => import('./diff-command'))).diffCommand(rest, io);
    if (command === 'status')
      return await (await loadCommand(command, () => import('./status-command'))).statusCommand(rest, io);
    if (command === 'images')
      return await (await loadCommand(command, () => import('./images-command'))).imagesCommand(rest, io);
    if (command === 'graph') return await (await import('./graph-command')).graphCommand(rest, io);
    if (command === 'dev') return await (await import('./dev/dev-command')).devCommand(rest, io);
    if (command === 'import') return await (await import('./import-command')).importCommand(rest, io);
    throw new CliError(`unknown command '${command}'\n\n${USAGE}`, ExitCode.CANNOT_RUN);
  } catch (e) {
    if (e instanceof CliError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return e.exitCode;
    }
    // The library rejecting a model the tool read: the app is wrong, so the command could not run.
    if (e instanceof ValidationError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return ExitCode.CANNOT_RUN;
    }
    // Anything else is a defect of the tool; it still must not read as a finding.
    const error = e as Error;
    io.err.write(
      `twinstack: unexpected error: ${io.env.TWINSTACK_DEBUG ? (error?.stack ?? String(e)) : (error?.message ?? String(e))}\n` +
        (io.env.TWINSTACK_DEBUG ? '' : 'run again with TWINSTACK_DEBUG=1 for the stack trace\n'),
    );
    return ExitCode.CANNOT_RUN;
  }
}
