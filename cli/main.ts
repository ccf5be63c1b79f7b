import { ValidationError } from '../constructs/errors';
import { CliError } from './cli-error';
import { composeCommand } from './compose-command';
import type { CliIo } from './io';
import { loadCommand } from './optional-packages';
import { USAGE } from './usage';

/** Runs the command-line tool; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.out.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'compose') return composeCommand(rest, io);
    // The other commands are loaded when run: with their AWS SDK clients and the template differ they
    // would triple the start-up time of `twinstack compose`, the command of the local inner loop.
    if (command === 'parity') return (await import('./parity-command')).parityCommand(rest, io);
    if (command === 'diff')
      return (await loadCommand(command, () => import('./diff-command'))).diffCommand(rest, io);
    if (command === 'status')
      return await (await loadCommand(command, () => import('./status-command'))).statusCommand(rest, io);
    if (command === 'images')
      return await (await loadCommand(command, () => import('./images-command'))).imagesCommand(rest, io);
    if (command === 'graph') return (await import('./graph-command')).graphCommand(rest, io);
    throw new CliError(`unknown command '${command}'\n\n${USAGE}`, 2);
  } catch (e) {
    if (e instanceof CliError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ValidationError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
