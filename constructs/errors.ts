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
  /** Every problem found; a single-problem error has one entry. */
  public readonly problems: readonly ValidationProblem[];

  constructor(problems: ValidationProblem | readonly ValidationProblem[]) {
    const list = Array.isArray(problems) ? [...problems] : [problems as ValidationProblem];
    super(
      list.length === 1
        ? formatProblem(list[0])
        : `${list.length} problems in the application model:\n${list.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ValidationError';
    this.problems = list;
    Object.setPrototypeOf(this, ValidationError.prototype);
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
