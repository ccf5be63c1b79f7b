import { Duration, Token } from 'aws-cdk-lib';
import { invalid } from '../errors';

/** Options of a cron schedule. */
export interface CronScheduleOptions {
  /**
   * IANA time zone the expression is read in, e.g. `Europe/Madrid` (EventBridge Scheduler follows its
   * daylight-saving changes).
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];

const CRON_HELP =
  "use six fields 'minutes hours day-of-month month day-of-week year' with '?' in day-of-month or day-of-week, e.g. '0 3 * * ? *' (03:00 every day)";

/**
 * When a scheduled job runs: an EventBridge Scheduler expression, checked when the job is declared. Cloud:
 * an EventBridge Scheduler schedule that runs the job's ECS task. Local: the job is a compose service
 * under the `jobs` profile that `docker compose run --rm <job>` starts on demand; the schedule is in the
 * compose file's header.
 */
export class JobSchedule {
  /**
   * A cron expression in EventBridge's six-field form (`minutes hours day-of-month month day-of-week year`),
   * with or without the surrounding `cron(...)`, e.g. `'0 3 * * ? *'`.
   */
  public static cron(expression: string, options: CronScheduleOptions = {}): JobSchedule {
    return new JobSchedule('cron', expression, options.timeZone);
  }

  /** Every `interval`: whole minutes, at least one (`rate(15 minutes)`, `rate(1 day)`). */
  public static rate(interval: Duration): JobSchedule {
    return new JobSchedule('rate', interval);
  }

  private constructor(
    private readonly kind: 'cron' | 'rate',
    private readonly value: string | Duration,
    private readonly timeZone?: string,
  ) {}

  /**
   * Validates the schedule for the job at `path` and returns the expression and time zone.
   * @internal
   */
  public _toSpec(path: string, prop: string): { expression: string; timeZone?: string } {
    if (this.kind === 'rate') return { expression: rateExpression(path, prop, this.value) };
    const raw = this.value;
    if (typeof raw !== 'string' || Token.isUnresolved(raw)) {
      throw invalid(path, prop, raw, `is not a cron expression; ${CRON_HELP}`);
    }
    const inner = /^\s*cron\((.*)\)\s*$/.exec(raw)?.[1] ?? raw;
    const problem = cronProblem(inner);
    if (problem) throw invalid(path, prop, raw, `is not a valid cron expression: ${problem}; ${CRON_HELP}`);
    const expression = `cron(${inner.trim().split(/\s+/).join(' ')})`;
    if (this.timeZone === undefined) return { expression };
    if (!isTimeZone(this.timeZone)) {
      throw invalid(
        path,
        `${prop}.timeZone`,
        this.timeZone,
        "is not an IANA time zone; use a name such as 'UTC' or 'Europe/Madrid'",
      );
    }
    return { expression, timeZone: this.timeZone };
  }
}

function rateExpression(path: string, prop: string, interval: unknown): string {
  if (!(interval instanceof Duration)) {
    throw invalid(path, prop, interval, 'must be a Duration, e.g. Duration.hours(1)');
  }
  const ms = interval.toMilliseconds();
  if (Token.isUnresolved(ms) || ms < 60000 || ms % 60000 !== 0) {
    throw invalid(
      path,
      prop,
      interval.toString(),
      'is not a valid rate; use a whole number of minutes, at least 1 (EventBridge Scheduler counts in minutes)',
    );
  }
  const minutes = ms / 60000;
  const [value, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
}

function isTimeZone(name: string): boolean {
  if (typeof name !== 'string' || name === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with a six-field EventBridge cron expression, or undefined when it is valid. */
function cronProblem(expression: string): string | undefined {
  const parts = expression.trim() === '' ? [] : expression.trim().split(/\s+/);
  if (parts.length !== 6) return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 6`;
  for (let i = 0; i < 6; i++) {
    const problem = fieldProblem(FIELDS[i], parts[i]);
    if (problem) return `${FIELDS[i].name} '${parts[i]}' ${problem}`;
  }
  const dom = parts[2];
  const dow = parts[4];
  if ((dom === '?') === (dow === '?')) {
    return "exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot combine them)";
  }
  return undefined;
}

function fieldProblem(field: Field, text: string): string | undefined {
  if (text === '?') {
    return field.name === 'day-of-month' || field.name === 'day-of-week'
      ? undefined
      : "may not be '?' (only day-of-month and day-of-week may)";
  }
  for (const item of text.split(',')) {
    const problem = itemProblem(field, item);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(field: Field, item: string): string | undefined {
  if (item === '') return 'has an empty list item';
  if (field.name === 'day-of-month') {
    if (item === 'L' || item === 'LW') return undefined;
    const w = /^(\d+)W$/.exec(item);
    if (w) return inRange(field, Number(w[1])) ? undefined : `is out of range ${field.min}-${field.max}`;
  }
  if (field.name === 'day-of-week') {
    if (item === 'L') return undefined;
    const last = /^([A-Za-z]{3}|\d+)L$/.exec(item);
    if (last) return valueProblem(field, last[1]);
    const nth = /^([A-Za-z]{3}|\d+)#(\d+)$/.exec(item);
    if (nth) {
      const n = Number(nth[2]);
      return valueProblem(field, nth[1]) ?? (n >= 1 && n <= 5 ? undefined : `uses #${n}; use #1 to #5`);
    }
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return "has more than one '/'";
  if (step !== undefined && !/^\d+$/.test(step)) return `has step '${step}'; use a whole number`;
  if (step !== undefined && Number(step) < 1) return 'has step 0';
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return "has more than one '-'";
  for (const b of bounds) {
    const problem = valueProblem(field, b);
    if (problem) return problem;
  }
  return undefined;
}

function valueProblem(field: Field, value: string): string | undefined {
  if (/^\d+$/.test(value)) {
    return inRange(field, Number(value)) ? undefined : `is out of range ${field.min}-${field.max}`;
  }
  if (field.names?.includes(value.toUpperCase())) return undefined;
  return field.names
    ? `has '${value}'; use ${field.min}-${field.max} or ${field.names[0]}-${field.names[field.names.length - 1]}`
    : `has '${value}'; use ${field.min}-${field.max}, '*', ',', '-' or '/'`;
}

function inRange(field: Field, n: number): boolean {
  return n >= field.min && n <= field.max;
}
