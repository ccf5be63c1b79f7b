import type { ParityDifference, ParityReport } from './parity-report';

/**
 * The error synthesis throws when the two twins of an application differ other than by a declared
 * stand-in. Each line names the service, the field and both values.
 */
export class ParityError extends Error {
  /** The differences that are errors. */
  public readonly errors: readonly ParityDifference[];
  /** The whole report, stand-ins included. */
  public readonly report: ParityReport;

  constructor(report: ParityReport, where?: string) {
    const n = report.errors.length;
    super(
      `${n} parity error${n === 1 ? '' : 's'} between the twins of application '${report.application}'${where ? ` (${where})` : ''}:\n` +
        report.errors.map((e) => `  - ${describe(e)}`).join('\n') +
        '\nRun `twinstack parity` for the full report.',
    );
    this.name = 'ParityError';
    this.errors = report.errors;
    this.report = report;
    Object.setPrototypeOf(this, ParityError.prototype);
  }
}

function describe(e: ParityDifference): string {
  const value = (v?: string) => (v === undefined ? '(absent)' : v);
  return `service '${e.service}': ${e.field}: cloud ${value(e.cloud)}, local ${value(e.local)}: ${e.reason}`;
}
