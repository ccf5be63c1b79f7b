import { inspect } from 'util';
import { shortenStack } from '../errors';
import type { ParityDifference, ParityReport } from './parity-report';

/** Most errors a ParityError's message lists; the full report (`twinstack parity`) has the rest. */
const LISTED_ERRORS = 20;
/** Widest value a listed error shows; longer ones are shortened with `...`. */
const VALUE_WIDTH = 80;

/**
 * The error synthesis throws when the two twins of an application differ other than by a declared
 * stand-in. Each line names the service, the field and both values; a long list is cut after the first
 * errors, with counts of the rest and a pointer to `twinstack parity` for the full report.
 */
export class ParityError extends Error {
  /** The differences that are errors (not enumerable: the message lists them). */
  declare public readonly errors: readonly ParityDifference[];
  /** The whole report, stand-ins included (not enumerable: it is too big to print). */
  declare public readonly report: ParityReport;

  constructor(report: ParityReport, where?: string) {
    const n = report.errors.length;
    const listed = report.errors.slice(0, LISTED_ERRORS);
    const rest = n - listed.length;
    const restServices = new Set(report.errors.slice(LISTED_ERRORS).map((e) => e.service)).size;
    const standIns = report.differences.length - n;
    super(
      `${n} parity error${n === 1 ? '' : 's'} between the twins of application '${report.application}'${where ? ` (${where})` : ''}:\n` +
        listed.map((e) => `  - ${describe(e)}`).join('\n') +
        (rest > 0
          ? `\n  ... and ${rest} more error${rest === 1 ? '' : 's'} in ${restServices} service${restServices === 1 ? '' : 's'}`
          : '') +
        `\n(${standIns} declared stand-in${standIns === 1 ? '' : 's'}, ${report.entries.length - report.differences.length} fields the same.)` +
        '\nRun `twinstack parity` for the full report.',
    );
    this.name = 'ParityError';
    // An accessor, not a value: Node prints any array-valued `errors` of an error (as for AggregateError).
    Object.defineProperty(this, 'errors', { get: () => report.errors, enumerable: false });
    Object.defineProperty(this, 'report', { value: report, enumerable: false });
    Object.setPrototypeOf(this, ParityError.prototype);
    shortenStack(this);
  }

  /** Printed as its message and where it was thrown, never as an object dump (see `shortenStack`). */
  public [inspect.custom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }
}

function describe(e: ParityDifference): string {
  const value = (v?: string) =>
    v === undefined ? '(absent)' : v.length > VALUE_WIDTH ? `${v.slice(0, VALUE_WIDTH - 3)}...` : v;
  return `service '${e.service}': ${e.field}: cloud ${value(e.cloud)}, local ${value(e.local)}: ${e.reason}`;
}
