/** Where a key or value of a compose file was written: the file, and its 1-based line and column. */
export interface Location {
  /** The file's path, as given to `loadCompose` (or resolved beside it for `extends.file` and env files). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** `file:line` of a location, as messages print it. */
export function at(location: Location): string {
  return `${location.file}:${location.line}`;
}

/**
 * A compose file `twinstack import` cannot read: not YAML, not a compose file, an undefined required
 * variable, a reference to a service that does not exist, a cycle in depends_on, a bad duration or port.
 * The message starts with `file:line:` and is meant to be printed alone, without a stack trace.
 */
export class ComposeImportError extends Error {
  constructor(
    /** What is wrong, without the location. */
    public readonly reason: string,
    /** Where, when the error is about one place of a file. */
    public readonly location?: Location,
  ) {
    super(location ? `${at(location)}: ${reason}` : reason);
    this.name = 'ComposeImportError';
    Object.setPrototypeOf(this, ComposeImportError.prototype);
  }
}
