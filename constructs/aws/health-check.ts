import { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { HealthCheckSpec } from '../model/spec';

/** ECS container health-check limits (seconds). */
const ECS = { interval: [5, 300], timeout: [2, 120], retries: [1, 10], startPeriod: [0, 300] } as const;

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * The ECS form of a health check. ECS accepts a narrower range than Docker; values outside it are moved to
 * the nearest allowed value and, when that shortens the time a container may take to become healthy, the
 * start period grows to keep the declared patience. Every change is listed in `adjustments`.
 */
export function ecsHealthCheck(spec: HealthCheckSpec): {
  healthCheck: ecs.HealthCheck;
  adjustments: string[];
} {
  const timeout = clamp(spec.timeoutSeconds, ECS.timeout);
  const interval = clamp(Math.max(spec.intervalSeconds, timeout), ECS.interval);
  const retries = clamp(spec.retries, ECS.retries);
  const declaredPatience = spec.startPeriodSeconds + spec.intervalSeconds * spec.retries;
  let startPeriod = spec.startPeriodSeconds;
  if (startPeriod + interval * retries < declaredPatience) {
    startPeriod = clamp(declaredPatience - interval * retries, ECS.startPeriod);
  }
  const adjustments: string[] = [];
  const note = (what: string, from: number, to: number, unit: string, why: string) => {
    if (from !== to) adjustments.push(`${what} ${from}${unit} -> ${to}${unit} (${why})`);
  };
  note('timeout', spec.timeoutSeconds, timeout, 's', 'ECS allows 2-120 s');
  note('interval', spec.intervalSeconds, interval, 's', 'ECS allows 5-300 s, not shorter than the timeout');
  note('retries', spec.retries, retries, '', 'ECS allows 1-10');
  note('startPeriod', spec.startPeriodSeconds, startPeriod, 's', 'keeps the declared time to become healthy');
  if (spec.startIntervalSeconds !== undefined) {
    adjustments.push(
      `startInterval ${spec.startIntervalSeconds}s dropped (ECS has no start interval; it probes every ${interval}s during the start period too)`,
    );
  }
  return {
    healthCheck: {
      command: [...spec.test],
      interval: Duration.seconds(interval),
      timeout: Duration.seconds(timeout),
      retries,
      ...(startPeriod > 0 ? { startPeriod: Duration.seconds(startPeriod) } : {}),
    },
    adjustments,
  };
}
