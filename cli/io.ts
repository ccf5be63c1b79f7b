/** Where the command-line tool reads and writes. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: { write(text: string): unknown };
  /** Errors, and progress when it is a terminal (`isTTY`): standard output stays the command's result. */
  readonly err: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Runs `task` once after `ms`; returns what cancels it. setTimeout when absent; tests replace it. */
  readonly schedule?: (task: () => void, ms: number) => () => void;
}
