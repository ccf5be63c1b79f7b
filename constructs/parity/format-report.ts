import type { ParityEntry, ParityReport } from './parity-report';

/** Options of the report formatter. */
export interface FormatParityReportOptions {
  /**
   * Widest a value column may be; longer values are shortened with `...`.
   * @default 48
   */
  readonly maxValueWidth?: number;
  /**
   * Show fields where the twins agree, not only the differences.
   * @default true
   */
  readonly showSame?: boolean;
}

const VERDICT = { same: 'same', 'stand-in': 'stand-in', error: 'ERROR' } as const;

/**
 * A parity report as text: a summary line, then one table per service, job and load balancer with the
 * compared field, the cloud and local values and the verdict; stand-ins and errors say why below the
 * table.
 */
export function formatParityReport(report: ParityReport, options: FormatParityReportOptions = {}): string {
  const width = options.maxValueWidth ?? 48;
  const showSame = options.showSame ?? true;
  const standIns = report.differences.length - report.errors.length;
  const lines: string[] = [
    `parity of application '${report.application}': ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}, ${standIns} declared stand-in${standIns === 1 ? '' : 's'}, ${report.entries.length - report.differences.length} fields the same`,
  ];
  const services = [...new Set(report.entries.map((e) => e.service))];
  for (const service of services) {
    const all = report.entries.filter((e) => e.service === service);
    const rows = showSame ? all : all.filter((e) => e.kind !== 'same');
    const errors = all.filter((e) => e.kind === 'error').length;
    lines.push('', `${service}${errors ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`);
    if (rows.length === 0) {
      lines.push('  (no differences)');
      continue;
    }
    const cells = rows.map((e) => [
      e.field,
      cut(e.cloud ?? '-', width),
      cut(e.local ?? '-', width),
      verdict(e),
    ]);
    const header = ['field', 'cloud', 'local', 'verdict'];
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => `  ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')}`.trimEnd();
    lines.push(line(header), `  ${widths.map((w) => '-'.repeat(w)).join('-+-')}`, ...cells.map(line));
    for (const e of rows) if (e.reason) lines.push(`    ${e.field}: ${e.reason}`);
  }
  if (report.notes.length) lines.push('', 'notes:', ...report.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

function verdict(e: ParityEntry): string {
  return e.kind === 'stand-in' ? `stand-in (${e.standIn})` : VERDICT[e.kind];
}

function cut(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 3)}...` : flat;
}
