import { ExitCode } from './exit-codes';

/**
 * An error the command-line tool reports as one line, without a stack trace. It means the command could
 * not run (exit code 2) unless it says otherwise: a finding is a result, returned as ExitCode.FINDING.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code. */
    public readonly exitCode: ExitCode = ExitCode.CANNOT_RUN,
  ) {
    super(message);
    this.name = 'CliError';
    Object.setPrototypeOf(this, CliError.prototype);
  }
}
