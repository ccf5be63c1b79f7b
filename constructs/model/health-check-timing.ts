import type { HealthCheckSpec } from './spec';

/** The timing of a health check, in seconds. */
export type HealthCheckTiming = Pick<
  HealthCheckSpec,
  'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'startPeriodSeconds' | 'startIntervalSeconds'
>;

/** The timing an ECS container health check gets; a start period of 0 means none. */
export interface EcsHealthCheckTiming {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** ECS container health-check limits (seconds). */
const ECS = { interval: [5, 300], timeout: [2, 120], retries: [1, 10], startPeriod: [0, 300] } as const;

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * The ECS timing of a declared health-check timing. ECS accepts a narrower range than Docker; values outside
 * it are moved to the nearest allowed value and, when that shortens the time a container may take to become
 * healthy, the start period grows to keep the declared patience. Every change is listed in `adjustments`.
 */
export function ecsHealthCheckTiming(declared: HealthCheckTiming): {
  timing: EcsHealthCheckTiming;
  adjustments: string[];
} {
  const timeout = clamp(declared.timeoutSeconds, ECS.timeout);
  const interval = clamp(Math.max(declared.intervalSeconds, timeout), ECS.interval);
  const retries = clamp(declared.retries, ECS.retries);
  const declaredPatience = declared.startPeriodSeconds + declared.intervalSeconds * declared.retries;
  let startPeriod = declared.startPeriodSeconds;
  if (startPeriod + interval * retries < declaredPatience) {
    startPeriod = clamp(declaredPatience - interval * retries, ECS.startPeriod);
  }
  const adjustments: string[] = [];
  const note = (what: string, from: number, to: number, unit: string, why: string) => {
    if (from !== to) adjustments.push(`${what} ${from}${unit} -> ${to}${unit} (${why})`);
  };
  note('timeout', declared.timeoutSeconds, timeout, 's', 'ECS allows 2-120 s');
  note(
    'interval',
    declared.intervalSeconds,
    interval,
    's',
    'ECS allows 5-300 s, not shorter than the timeout',
  );
  note('retries', declared.retries, retries, '', 'ECS allows 1-10');
  note(
    'startPeriod',
    declared.startPeriodSeconds,
    startPeriod,
    's',
    'keeps the declared time to become healthy',
  );
  if (declared.startIntervalSeconds !== undefined) {
    adjustments.push(
      `startInterval ${declared.startIntervalSeconds}s dropped (ECS has no start interval; it probes every ${interval}s during the start period too)`,
    );
  }
  return {
    timing: {
      intervalSeconds: interval,
      timeoutSeconds: timeout,
      retries,
      startPeriodSeconds: startPeriod > 0 ? startPeriod : 0,
    },
    adjustments,
  };
}
