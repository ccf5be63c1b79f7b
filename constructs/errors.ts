import * as path from 'path';
import { inspect } from 'util';

/**
 * One rejected input: where it was found, which prop, what was given and what is allowed.
 */
export interface ValidationProblem {
  /** Construct path (or model name) of the element that holds the bad input. */
  readonly path: string;
  /** The prop that holds the bad input, e.g. `cpu` or `dependsOn[0]`. */
  readonly prop: string;
  /** The value received, rendered for humans. */
  readonly value: string;
  /** What went wrong and what is allowed. */
  readonly message: string;
}

/** Renders a value for an error message without ever printing more than a short excerpt. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function formatProblem(p: ValidationProblem): string {
  return `${p.path}: ${p.prop} ${p.value} ${p.message}`;
}

/**
 * The error twinstack throws for bad input. It names the construct path, the prop, the value received and
 * what is allowed; when several whole-model rules fail at once, `problems` lists all of them.
 */
export class ValidationError extends Error {
  /** Every problem found; a single-problem error has one entry (not enumerable: the message lists them). */
  declare public readonly problems: readonly ValidationProblem[];

  constructor(problems: ValidationProblem | readonly ValidationProblem[]) {
    const list = Array.isArray(problems) ? [...problems] : [problems as ValidationProblem];
    super(
      list.length === 1
        ? formatProblem(list[0])
        : `${list.length} problems in the application model:\n${list.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ValidationError';
    Object.defineProperty(this, 'problems', { value: list, enumerable: false });
    Object.setPrototypeOf(this, ValidationError.prototype);
    shortenStack(this);
  }

  /** Printed as its message and where it was thrown, never as an object dump (see `shortenStack`). */
  public [inspect.custom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }

  /** The path of the first problem (the only one for eager, per-prop checks). */
  public get path(): string {
    return this.problems[0].path;
  }

  /** The prop of the first problem. */
  public get prop(): string {
    return this.problems[0].prop;
  }
}

/** Builds a one-problem ValidationError, describing the value for the message. */
export function invalid(path: string, prop: string, value: unknown, message: string): ValidationError {
  return new ValidationError({ path, prop, value: describeValue(value), message });
}

/** Whether a stack frame is twinstack's own, aws-cdk-lib's, constructs' or Node's: not the user's code. */
function isLibraryFrame(frame: string): boolean {
  const dependencies = ['aws-cdk-lib', 'constructs'].map(
    (d) => `${path.sep}node_modules${path.sep}${d}${path.sep}`,
  );
  return (
    frame.includes(__dirname + path.sep) ||
    dependencies.some((d) => frame.includes(d)) ||
    /\(node:|at node:/.test(frame)
  );
}

/**
 * Gives one of twinstack's errors the stack Node, the command-line tool and test runners print: its name,
 * its message and one frame, the first in the user's code (else the first). Node prints an uncaught error
 * as `util.inspect` does without custom inspection, so the stack is what keeps it short; the problems are
 * in the message already, and the library's own frames would only bury them.
 */
export function shortenStack(error: Error): void {
  const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const frame = frames.find((l) => !isLibraryFrame(l)) ?? frames[0];
  const stack = `${error.name}: ${error.message}${frame ? `\n${frame}` : ''}`;
  Object.defineProperty(error, 'stack', {
    value: stack,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
