import { Duration } from 'aws-cdk-lib';
import { ValidationError } from '../../../constructs/errors';
import { HealthCheck, MAX_START_PERIOD_SECONDS } from '../../../constructs/values/health-check';
import type { HealthCheckSpec } from '../../../constructs/model/spec';

const PATH = 'Stack/Shop/Api';

/** Runs `fn`, expects a ValidationError and returns it. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Expects `fn` to throw a ValidationError naming the path, the prop and the value. */
function expectRejected(
  fn: () => unknown,
  prop: string,
  value: string,
  rule: RegExp | string,
): ValidationError {
  const error = validationError(fn);
  expect(error.name).toBe('ValidationError');
  expect(error.path).toBe(PATH);
  expect(error.prop).toBe(prop);
  expect(error.problems).toHaveLength(1);
  expect(error.message).toContain(PATH);
  expect(error.message).toContain(prop);
  expect(error.message).toContain(value);
  if (typeof rule === 'string') expect(error.message).toContain(rule);
  else expect(error.message).toMatch(rule);
  return error;
}

describe('HealthCheck._toSpec', () => {
  test('command runs the exec form with CMD', () => {
    const spec = HealthCheck.command(['/bin/check', '--ready'])._toSpec(PATH);
    expect(spec.test).toEqual(['CMD', '/bin/check', '--ready']);
    expect(spec.probe).toEqual({ kind: 'command', command: ['/bin/check', '--ready'] });
  });

  test('command copies its arguments, so later changes to the array do not leak in', () => {
    const command = ['/bin/check'];
    const check = HealthCheck.command(command);
    command.push('--changed');
    expect(check._toSpec(PATH).test).toEqual(['CMD', '/bin/check']);
  });

  test('shell runs the script with CMD-SHELL', () => {
    const spec = HealthCheck.shell('pg_isready -U app')._toSpec(PATH);
    expect(spec.test).toEqual(['CMD-SHELL', 'pg_isready -U app']);
    expect(spec.probe).toEqual({ kind: 'shell', script: 'pg_isready -U app' });
  });

  test('http requests the path on localhost with curl, falling back to wget', () => {
    const spec = HealthCheck.http({ port: 8080, path: '/healthz?full=1' })._toSpec(PATH);
    const url = "'http://127.0.0.1:8080/healthz?full=1'";
    expect(spec.test).toEqual([
      'CMD-SHELL',
      `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || exit 1`,
    ]);
    expect(spec.probe).toEqual({ kind: 'http', port: 8080, path: '/healthz?full=1' });
  });

  test('http requests / by default', () => {
    const spec = HealthCheck.http({ port: 80 })._toSpec(PATH);
    expect(spec.probe).toEqual({ kind: 'http', port: 80, path: '/' });
    expect(spec.test[0]).toBe('CMD-SHELL');
    expect(spec.test[1]).toContain("curl -fsS -o /dev/null 'http://127.0.0.1:80/'");
    expect(spec.test[1]).toContain("wget -q -O /dev/null 'http://127.0.0.1:80/'");
  });

  test('tcp connects with nc, falling back to bash /dev/tcp', () => {
    const spec = HealthCheck.tcp({ port: 5432 })._toSpec(PATH);
    expect(spec.test).toEqual([
      'CMD-SHELL',
      "nc -z 127.0.0.1 5432 2>/dev/null || bash -c ': > /dev/tcp/127.0.0.1/5432' 2>/dev/null || exit 1",
    ]);
    expect(spec.probe).toEqual({ kind: 'tcp', port: 5432 });
  });

  test('defaults: 30 s interval, 5 s timeout, 3 retries, no start period', () => {
    const checks = [
      HealthCheck.command(['true']),
      HealthCheck.shell('true'),
      HealthCheck.http({ port: 8080 }),
      HealthCheck.tcp({ port: 8080 }),
    ];
    for (const check of checks) {
      const spec: HealthCheckSpec = check._toSpec(PATH);
      expect(spec).toMatchObject({
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 0,
      });
    }
  });

  test('timing given as options is recorded in whole seconds', () => {
    const spec = HealthCheck.http({
      port: 8080,
      interval: Duration.minutes(1),
      timeout: Duration.seconds(10),
      retries: 5,
      startPeriod: Duration.seconds(120),
    })._toSpec(PATH);
    expect(spec).toMatchObject({
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 5,
      startPeriodSeconds: 120,
    });
  });

  test('a start period of exactly 300 s (the ECS limit) is accepted', () => {
    const spec = HealthCheck.shell('true', { startPeriod: Duration.minutes(5) })._toSpec(PATH);
    expect(spec.startPeriodSeconds).toBe(MAX_START_PERIOD_SECONDS);
    expect(MAX_START_PERIOD_SECONDS).toBe(300);
  });

  test('a start period of 0 is accepted and recorded as 0', () => {
    const spec = HealthCheck.shell('true', { startPeriod: Duration.seconds(0) })._toSpec(PATH);
    expect(spec.startPeriodSeconds).toBe(0);
  });

  test('a start period longer than 300 s is rejected as longer than a rollout allows', () => {
    const error = expectRejected(
      () => HealthCheck.shell('true', { startPeriod: Duration.seconds(301) })._toSpec(PATH),
      'healthCheck.startPeriod',
      '301 s',
      'longer than a rollout allows',
    );
    expect(error.message).toContain('0 to 300');
  });

  test('the prop in messages follows the prop given to toSpec', () => {
    expectRejected(
      () => HealthCheck.shell('true', { startPeriod: Duration.minutes(10) })._toSpec(PATH, 'check'),
      'check.startPeriod',
      '600 s',
      'longer than a rollout allows',
    );
  });

  test.each([
    ['interval', { interval: Duration.millis(1500) }, '1500 ms'],
    ['timeout', { timeout: Duration.millis(2500) }, '2500 ms'],
    ['startPeriod', { startPeriod: Duration.millis(10500) }, '10500 ms'],
  ])('a fractional %s is rejected: both twins count in whole seconds', (prop, options, value) => {
    expectRejected(
      () => HealthCheck.shell('true', options)._toSpec(PATH),
      `healthCheck.${prop}`,
      value,
      'whole number of seconds',
    );
  });

  test('an interval of 0 s is out of range', () => {
    expectRejected(
      () => HealthCheck.shell('true', { interval: Duration.seconds(0) })._toSpec(PATH),
      'healthCheck.interval',
      '0 s',
      'out of range',
    );
  });

  test.each([0, 1.5, 1001])('retries %p is rejected', (retries) => {
    expectRejected(
      () => HealthCheck.shell('true', { retries })._toSpec(PATH),
      'healthCheck.retries',
      String(retries),
      'from 1 to 1000',
    );
  });

  test('an empty command is rejected', () => {
    expectRejected(
      () => HealthCheck.command([])._toSpec(PATH),
      'healthCheck.command',
      '[]',
      'must be a non-empty list of strings',
    );
  });

  test('a command whose program is blank is rejected', () => {
    expectRejected(
      () => HealthCheck.command(['  ', '--ready'])._toSpec(PATH),
      'healthCheck.command',
      '["  ","--ready"]',
      'must name a program',
    );
  });

  test('an empty shell script is rejected', () => {
    expectRejected(
      () => HealthCheck.shell('   ')._toSpec(PATH),
      'healthCheck.script',
      '"   "',
      'must be a non-empty shell command',
    );
  });

  test.each([
    ["/health'; rm -rf /", "/health'; rm -rf /"],
    ['/health check', '/health check'],
    ['/say"hi"', '/say\\"hi\\"'],
    ['health', 'health'],
  ])('the http path %p is rejected', (path, shown) => {
    expectRejected(
      () => HealthCheck.http({ port: 8080, path })._toSpec(PATH),
      'healthCheck.path',
      shown,
      'no quotes or spaces',
    );
  });

  test.each([0, 65536, 80.5])('the http port %p is rejected', (port) => {
    expectRejected(
      () => HealthCheck.http({ port })._toSpec(PATH),
      'healthCheck.port',
      String(port),
      'from 1 to 65535',
    );
  });

  test.each([0, -1, 70000])('the tcp port %p is rejected', (port) => {
    expectRejected(
      () => HealthCheck.tcp({ port })._toSpec(PATH),
      'healthCheck.port',
      String(port),
      'from 1 to 65535',
    );
  });

  test('ports 1 and 65535 are accepted', () => {
    expect(HealthCheck.tcp({ port: 1 })._toSpec(PATH).probe).toEqual({ kind: 'tcp', port: 1 });
    expect(HealthCheck.http({ port: 65535 })._toSpec(PATH).probe).toEqual({
      kind: 'http',
      port: 65535,
      path: '/',
    });
  });
});
