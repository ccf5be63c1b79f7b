import { ecsHealthCheckTiming } from '../../../constructs/model/health-check-timing';

const declared = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 0 };

test('timing inside the ECS range is kept as declared', () => {
  expect(ecsHealthCheckTiming(declared)).toEqual({ timing: declared, adjustments: [] });
});

test('values outside the ECS range move to the nearest allowed value and keep the declared patience', () => {
  const { timing, adjustments } = ecsHealthCheckTiming({
    ...declared,
    intervalSeconds: 2,
    timeoutSeconds: 1,
  });
  expect(timing).toEqual({ intervalSeconds: 5, timeoutSeconds: 2, retries: 3, startPeriodSeconds: 0 });
  expect(adjustments).toEqual([
    'timeout 1s -> 2s (ECS allows 2-120 s)',
    'interval 2s -> 5s (ECS allows 5-300 s, not shorter than the timeout)',
  ]);
});

test('fewer retries than declared lengthen the start period', () => {
  const { timing, adjustments } = ecsHealthCheckTiming({ ...declared, retries: 20 });
  expect(timing).toEqual({ intervalSeconds: 30, timeoutSeconds: 5, retries: 10, startPeriodSeconds: 300 });
  expect(adjustments).toEqual([
    'retries 20 -> 10 (ECS allows 1-10)',
    'startPeriod 0s -> 300s (keeps the declared time to become healthy)',
  ]);
});

test('a start interval is dropped, and a start period of none reads as 0', () => {
  const { timing, adjustments } = ecsHealthCheckTiming({
    ...declared,
    startPeriodSeconds: -1,
    startIntervalSeconds: 2,
  });
  expect(timing.startPeriodSeconds).toBe(0);
  expect(adjustments).toEqual([
    'startInterval 2s dropped (ECS has no start interval; it probes every 30s during the start period too)',
  ]);
});

test('fractional seconds are compared as they are, never rounded', () => {
  expect(ecsHealthCheckTiming({ ...declared, timeoutSeconds: 2.5 }).timing.timeoutSeconds).toBe(2.5);
});
