/**
 * The messages between `twinstack dev` and its warm app process (see warm-app.ts): one request per
 * regeneration, one reply each.
 */

/** Evaluate the app once more: its changed modules and what imports them are loaded again. */
export interface EvaluateRequest {
  readonly id: number;
  /** Files that changed since the last evaluation (absolute paths). */
  readonly changed: readonly string[];
  /** Environment of this evaluation (the synthesis variables: output directory, context, local twin only). */
  readonly env: Readonly<Record<string, string>>;
}

/** The app was evaluated and its models written into the output directory. */
export interface EvaluatedReply {
  readonly id: number;
  readonly ok: true;
  /** The app's own modules loaded in this process (absolute paths): edits to them regenerate the twin. */
  readonly modules: readonly string[];
  /** Modules loaded again for this evaluation. */
  readonly reloaded: number;
  /** Resident set size of the process after the evaluation, in bytes. */
  readonly rss: number;
  /** V8 heap in use after the evaluation, in bytes (after a full collection under --expose-gc). */
  readonly heapUsed: number;
}

/** The app failed: what it printed as its error (a ValidationError's message, a transpile error, ...). */
export interface FailedReply {
  readonly id: number;
  readonly ok: false;
  readonly message: string;
  /** The process's state cannot be trusted any more: the next evaluation starts a fresh one. */
  readonly restart?: boolean;
  /** The app cannot be loaded at all (no entry module, no TypeScript compiler): the loop cannot go on. */
  readonly fatal?: boolean;
}

export type EvaluateReply = EvaluatedReply | FailedReply;

/** What the warm process is started with (its argument, as JSON). */
export interface WarmAppOptions {
  /** The app's directory: its modules are the ones under it, outside node_modules. */
  readonly root: string;
  /** The app's entry module (absolute path), e.g. bin/app.ts. */
  readonly entry: string;
}
