import { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { ecsHealthCheckTiming } from '../model/health-check-timing';
import type { HealthCheckSpec } from '../model/spec';

/**
 * The ECS form of a health check: its test, with the timing ECS accepts (see ecsHealthCheckTiming). Every
 * change to the declared timing is listed in `adjustments`.
 */
export function ecsHealthCheck(spec: HealthCheckSpec): {
  healthCheck: ecs.HealthCheck;
  adjustments: string[];
} {
  const { timing, adjustments } = ecsHealthCheckTiming(spec);
  return {
    healthCheck: {
      command: [...spec.test],
      interval: Duration.seconds(timing.intervalSeconds),
      timeout: Duration.seconds(timing.timeoutSeconds),
      retries: timing.retries,
      ...(timing.startPeriodSeconds > 0 ? { startPeriod: Duration.seconds(timing.startPeriodSeconds) } : {}),
    },
    adjustments,
  };
}
