/** An error the command-line tool reports as one line, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code. */
    public readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
    Object.setPrototypeOf(this, CliError.prototype);
  }
}
