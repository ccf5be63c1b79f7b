import { Duration } from 'aws-cdk-lib';
import { JobRun, JobSchedule, ValidationError } from '../../../constructs';

const spec = (schedule: JobSchedule) => schedule._toSpec('App/shop/nightly', 'runs.schedule');

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).message;
  }
  throw new Error('expected a ValidationError');
}

describe('cron schedules', () => {
  test.each([
    ['0 3 * * ? *', 'cron(0 3 * * ? *)'],
    ['cron(0 3 * * ? *)', 'cron(0 3 * * ? *)'],
    ['  15   */2 ? * MON-FRI  * ', 'cron(15 */2 ? * MON-FRI *)'],
    ['0 8 1,15 JAN-JUN ? 2026-2030', 'cron(0 8 1,15 JAN-JUN ? 2026-2030)'],
    ['0 10 L * ? *', 'cron(0 10 L * ? *)'],
    ['0 10 15W * ? *', 'cron(0 10 15W * ? *)'],
    ['0 10 ? * 6L *', 'cron(0 10 ? * 6L *)'],
    ['0 10 ? * MON#2 *', 'cron(0 10 ? * MON#2 *)'],
    ['0/5 9-17 ? * 2-6 *', 'cron(0/5 9-17 ? * 2-6 *)'],
  ])('%s is the EventBridge expression %s', (given, expression) => {
    expect(spec(JobSchedule.cron(given))).toEqual({ expression });
  });

  test.each([
    ['0 3 * * *', 'it has 5 fields, not 6'],
    ['', 'it has 0 fields, not 6'],
    ['60 3 * * ? *', "minutes '60' is out of range 0-59"],
    ['0 24 * * ? *', "hours '24' is out of range 0-23"],
    ['0 3 0 * ? *', "day-of-month '0' is out of range 1-31"],
    ['0 3 * 13 ? *', "month '13' is out of range 1-12"],
    ['0 3 ? * 8 *', "day-of-week '8' is out of range 1-7"],
    ['0 3 ? * FUN *', "day-of-week 'FUN' has 'FUN'; use 1-7 or SUN-SAT"],
    ['0 3 * * * *', "exactly one of day-of-month and day-of-week must be '?'"],
    ['0 3 ? * ? *', "exactly one of day-of-month and day-of-week must be '?'"],
    ['? 3 * * ? *', "minutes '?' may not be '?'"],
    ['*/0 3 * * ? *', "minutes '*/0' has step 0"],
    ['0 3 * * ? 1969', "year '1969' is out of range 1970-2199"],
    ['0 3 ? * MON#6 *', "day-of-week 'MON#6' uses #6; use #1 to #5"],
    ['0 3,,4 * * ? *', "hours '3,,4' has an empty list item"],
  ])('%s is an invalid cron expression: %s', (given, reason) => {
    const message = problem(() => spec(JobSchedule.cron(given)));
    expect(message).toContain('App/shop/nightly: runs.schedule');
    expect(message).toContain(`is not a valid cron expression: ${reason}`);
    expect(message).toContain("'minutes hours day-of-month month day-of-week year'");
  });

  test('a time zone is an IANA name', () => {
    expect(spec(JobSchedule.cron('0 3 * * ? *', { timeZone: 'Europe/Madrid' }))).toEqual({
      expression: 'cron(0 3 * * ? *)',
      timeZone: 'Europe/Madrid',
    });
    expect(problem(() => spec(JobSchedule.cron('0 3 * * ? *', { timeZone: 'Mars/Olympus' })))).toContain(
      'runs.schedule.timeZone "Mars/Olympus" is not an IANA time zone',
    );
  });
});

describe('rate schedules', () => {
  test.each([
    [Duration.minutes(1), 'rate(1 minute)'],
    [Duration.minutes(15), 'rate(15 minutes)'],
    [Duration.hours(2), 'rate(2 hours)'],
    [Duration.minutes(90), 'rate(90 minutes)'],
    [Duration.days(1), 'rate(1 day)'],
  ])('%s is %s', (interval, expression) => {
    expect(spec(JobSchedule.rate(interval))).toEqual({ expression });
  });

  test('a rate is whole minutes, at least one', () => {
    expect(problem(() => spec(JobSchedule.rate(Duration.seconds(30))))).toContain('is not a valid rate');
    expect(problem(() => spec(JobSchedule.rate(Duration.seconds(90))))).toContain('whole number of minutes');
  });
});

describe('job runs', () => {
  test('a deployment-time run has a timeout of at most 55 minutes and an optional trigger', () => {
    expect(JobRun.oncePerDeployment()._toSpec('J')).toEqual({ kind: 'deployment', timeoutSeconds: 1800 });
    expect(JobRun.oncePerDeployment({ timeout: Duration.minutes(5), trigger: 'r42' })._toSpec('J')).toEqual({
      kind: 'deployment',
      timeoutSeconds: 300,
      trigger: 'r42',
    });
    expect(problem(() => JobRun.oncePerDeployment({ timeout: Duration.hours(1) })._toSpec('J'))).toContain(
      'runs.timeout "3600 s" is out of range; use 60 to 3300 seconds',
    );
  });

  test('a scheduled run carries its expression', () => {
    expect(JobRun.onSchedule(JobSchedule.rate(Duration.hours(1)))._toSpec('J')).toEqual({
      kind: 'schedule',
      expression: 'rate(1 hour)',
    });
    expect(JobRun.inDependentTasks()._toSpec('J')).toEqual({ kind: 'dependents' });
  });
});
