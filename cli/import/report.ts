import { at, type Location } from './compose-import-error';

/**
 * What became of one key of the compose project: `mapped` (both twins say what it says), `approximated`
 * (it became something close, said how and why) or `dropped` (nothing says it; why, and what to do).
 */
export type Fidelity = 'mapped' | 'approximated' | 'dropped';

/** One key of one definition (service, volume, network, secret, config) or of the top level. */
export interface FidelityEntry {
  /** The key's path in the compose model, e.g. `['services', 'db', 'environment', 'POSTGRES_PASSWORD']`. */
  readonly path: readonly (string | number)[];
  /** The key as the Compose Specification names it, e.g. `services.environment`. */
  readonly key: string;
  readonly fidelity: Fidelity;
  /** What it became, in twinstack's terms. */
  readonly became?: string;
  /** Why it was approximated or dropped. */
  readonly why?: string;
  /** What to do about a dropped or approximated key. */
  readonly action?: string;
  /** Where it was written. */
  readonly location: Location;
}

/** The fidelity report of one import: every key of the project, each with its fidelity. */
export interface ImportReport {
  /** The compose files read, as given. */
  readonly files: readonly string[];
  /** The generated file. */
  readonly output?: string;
  readonly entries: readonly FidelityEntry[];
  /** What Compose itself would have warned about while reading the files. */
  readonly warnings: readonly { readonly message: string; readonly location: Location }[];
  readonly counts: Readonly<Record<Fidelity, number>>;
}

/** The report of `entries`, with its counts. */
export function importReport(
  files: readonly string[],
  entries: readonly FidelityEntry[],
  warnings: ImportReport['warnings'],
  output?: string,
): ImportReport {
  const counts = { mapped: 0, approximated: 0, dropped: 0 };
  for (const e of entries) counts[e.fidelity]++;
  return { files, ...(output ? { output } : {}), entries, warnings, counts };
}

/** The key's name in Compose Specification terms: `services.ports`, `volumes.driver`, `x-*`, `name`. */
export function specKey(path: readonly (string | number)[]): string {
  const [section, , ...rest] = path;
  if (typeof section === 'string' && section.startsWith('x-')) return 'x-*';
  if (rest.length === 0) return String(section);
  const key = rest.find((p) => typeof p === 'string');
  return key === undefined ? String(section) : `${String(section)}.${key}`;
}

/** The path as a reader finds it in the file: `services.db.environment.POSTGRES_PASSWORD`. */
export function dotted(path: readonly (string | number)[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * The report for a terminal: a summary line, then the approximated and dropped keys grouped by
 * definition, each with `file:line`, what it became and why; mapped keys only as a count per definition
 * unless `verbose`.
 */
export function formatReport(report: ImportReport, options: { readonly verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const { mapped, approximated, dropped } = report.counts;
  lines.push(
    `${report.entries.length} keys: ${mapped} mapped, ${approximated} approximated, ${dropped} dropped` +
      (report.output ? ` -> ${report.output}` : ''),
  );
  const groups = new Map<string, FidelityEntry[]>();
  for (const e of report.entries) {
    const group =
      e.path.length >= 2 && typeof e.path[0] === 'string' && !e.path[0].startsWith('x-')
        ? `${e.path[0]}.${e.path[1]}`
        : String(e.path[0]);
    const list = groups.get(group) ?? [];
    list.push(e);
    groups.set(group, list);
  }
  for (const [group, entries] of groups) {
    const shown = entries.filter((e) => options.verbose || e.fidelity !== 'mapped');
    const mappedHere = entries.length - entries.filter((e) => e.fidelity !== 'mapped').length;
    lines.push('', `${group} (${mappedHere} of ${entries.length} mapped)`);
    for (const e of shown) {
      const what = [e.became, e.why && `(${e.why})`, e.action && `-> ${e.action}`].filter(Boolean).join(' ');
      lines.push(
        `  ${e.fidelity.padEnd(12)} ${dotted(e.path.slice(2)) || '(itself)'}  ${at(e.location)}  ${what}`,
      );
    }
  }
  if (report.warnings.length) {
    lines.push('', 'compose warnings');
    for (const w of report.warnings) lines.push(`  ${at(w.location)}  ${w.message}`);
  }
  return `${lines.join('\n')}\n`;
}
