import { Duration } from 'aws-cdk-lib';
import { invalid } from '../errors';
import { wholeSeconds } from './durations';
import { checkInteger } from '../model/names';
import type { HealthCheckSpec, ProbeSpec } from '../model/spec';

/** Longest start period ECS allows; a longer one could never be honoured during a rollout. */
export const MAX_START_PERIOD_SECONDS = 300;

/** Timing shared by every kind of health check. */
export interface HealthCheckOptions {
  /**
   * Time between two probes.
   * @default Duration.seconds(30) in both twins
   */
  readonly interval?: Duration;
  /**
   * Time after which one probe counts as failed.
   * @default Duration.seconds(5) in both twins
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the container is unhealthy.
   * @default 3 in both twins
   */
  readonly retries?: number;
  /**
   * Grace period after start during which failures do not count; at most 300 seconds (the ECS limit).
   * @default - no grace period in either twin
   */
  readonly startPeriod?: Duration;
  /**
   * Time between probes during the start period, so a container that starts fast is seen healthy early
   * (compose `start_interval`). ECS has no equivalent: its probes run every `interval` from the start, which
   * the cloud twin reports as an adjustment (warning `twinstack:health-check-adjusted`).
   * @default - probes run every `interval` during the start period too, in both twins
   */
  readonly startInterval?: Duration;
}

/** Options of an HTTP probe. */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /** Container port the probe calls. */
  readonly port: number;
  /**
   * Path requested; any 2xx or 3xx answer is healthy.
   * @default '/'
   */
  readonly path?: string;
}

/** Options of a TCP probe. */
export interface TcpHealthCheckOptions extends HealthCheckOptions {
  /** Container port that must accept a connection. */
  readonly port: number;
}

const HTTP_PATH = /^\/[A-Za-z0-9._~!$&()*+,;=:@%/?-]*$/;

/**
 * One health check, rendered as the ECS container health check in the cloud and as the compose
 * `healthcheck` locally. Both twins run the same test inside the container.
 */
export class HealthCheck {
  /** Runs `command` (exec form, no shell) inside the container; exit code 0 is healthy. */
  public static command(command: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'command', command: [...command] }, options);
  }

  /** Runs `script` with the container's `/bin/sh`; exit code 0 is healthy. */
  public static shell(script: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'shell', script }, options);
  }

  /**
   * Requests `http://127.0.0.1:PORT/PATH` from inside the container with `curl`, falling back to
   * `wget` (busybox has it), so the image needs one of the two. Load balancers derive their own check from it.
   */
  public static http(options: HttpHealthCheckOptions): HealthCheck {
    return new HealthCheck({ kind: 'http', port: options.port, path: options.path ?? '/' }, options);
  }

  /**
   * Opens a TCP connection to `127.0.0.1:PORT` from inside the container with `nc -z`, falling back to
   * bash's `/dev/tcp`, so the image needs one of the two.
   */
  public static tcp(options: TcpHealthCheckOptions): HealthCheck {
    return new HealthCheck({ kind: 'tcp', port: options.port }, options);
  }

  private constructor(
    private readonly probe: ProbeSpec,
    private readonly options: HealthCheckOptions,
  ) {}

  /**
   * Validates the check for the workload at `path` and records it in the model.
   * @internal
   */
  public _toSpec(path: string, prop = 'healthCheck'): HealthCheckSpec {
    const probe = this.probe;
    const test = renderTest(path, prop, probe);
    const o = this.options;
    const intervalSeconds = o.interval ? wholeSeconds(path, `${prop}.interval`, o.interval, 1, 86400) : 30;
    const timeoutSeconds = o.timeout ? wholeSeconds(path, `${prop}.timeout`, o.timeout, 1, 86400) : 5;
    const retries = o.retries === undefined ? 3 : checkInteger(path, `${prop}.retries`, o.retries, 1, 1000);
    let startPeriodSeconds = 0;
    if (o.startPeriod) {
      startPeriodSeconds = wholeSeconds(
        path,
        `${prop}.startPeriod`,
        o.startPeriod,
        0,
        Number.MAX_SAFE_INTEGER,
      );
      if (startPeriodSeconds > MAX_START_PERIOD_SECONDS) {
        throw invalid(
          path,
          `${prop}.startPeriod`,
          `${startPeriodSeconds} s`,
          `is longer than a rollout allows; ECS honours at most ${MAX_START_PERIOD_SECONDS} seconds, so use 0 to ${MAX_START_PERIOD_SECONDS}`,
        );
      }
    }
    let startIntervalSeconds: number | undefined;
    if (o.startInterval) {
      startIntervalSeconds = wholeSeconds(path, `${prop}.startInterval`, o.startInterval, 1, 86400);
      if (startPeriodSeconds === 0) {
        throw invalid(
          path,
          `${prop}.startInterval`,
          `${startIntervalSeconds} s`,
          'applies only during the start period; give a startPeriod too',
        );
      }
      if (startIntervalSeconds > intervalSeconds) {
        throw invalid(
          path,
          `${prop}.startInterval`,
          `${startIntervalSeconds} s`,
          `is longer than the interval (${intervalSeconds} s); it exists to probe more often while the container starts`,
        );
      }
    }
    return {
      probe,
      test,
      intervalSeconds,
      timeoutSeconds,
      retries,
      startPeriodSeconds,
      ...(startIntervalSeconds !== undefined ? { startIntervalSeconds } : {}),
    };
  }
}

function renderTest(path: string, prop: string, probe: ProbeSpec): string[] {
  switch (probe.kind) {
    case 'command':
      if (probe.command.length === 0 || probe.command.some((a) => typeof a !== 'string')) {
        throw invalid(path, `${prop}.command`, probe.command, 'must be a non-empty list of strings');
      }
      if (probe.command[0].trim() === '')
        throw invalid(path, `${prop}.command`, probe.command, 'must name a program');
      return ['CMD', ...probe.command];
    case 'shell':
      if (typeof probe.script !== 'string' || probe.script.trim() === '') {
        throw invalid(path, `${prop}.script`, probe.script, 'must be a non-empty shell command');
      }
      return ['CMD-SHELL', probe.script];
    case 'http': {
      checkInteger(path, `${prop}.port`, probe.port, 1, 65535);
      if (typeof probe.path !== 'string' || !HTTP_PATH.test(probe.path)) {
        throw invalid(
          path,
          `${prop}.path`,
          probe.path,
          'must start with "/" and hold only URL characters (no quotes or spaces)',
        );
      }
      const url = `'http://127.0.0.1:${probe.port}${probe.path}'`;
      return ['CMD-SHELL', `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || exit 1`];
    }
    case 'tcp':
      checkInteger(path, `${prop}.port`, probe.port, 1, 65535);
      return [
        'CMD-SHELL',
        `nc -z 127.0.0.1 ${probe.port} 2>/dev/null || bash -c ': > /dev/tcp/127.0.0.1/${probe.port}' 2>/dev/null || exit 1`,
      ];
  }
}
