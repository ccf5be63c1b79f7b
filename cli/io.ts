/** Where the command-line tool reads and writes. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}
