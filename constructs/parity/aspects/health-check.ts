import { ecsHealthCheckTiming } from '../../model/health-check-timing';
import type { CloudHealthCheck } from '../cloud-twin';
import { literal, type ComposeHealthCheck } from '../compose-twin';
import { describeList, ParityEntry, problem, same, standIn } from '../parity-report';

/**
 * Compares the health checks: the test both twins run, and the timing. The one accepted difference in
 * timing is exactly what the cloud renderer makes of the local (declared) values to fit ECS.
 */
export function compareHealthCheck(
  name: string,
  cloud: CloudHealthCheck | undefined,
  local: ComposeHealthCheck | undefined,
): ParityEntry[] {
  if (!cloud && !local) return [];
  if (!cloud || !local) {
    return [
      problem(
        name,
        'healthCheck',
        cloud ? describeList(cloud.test) : undefined,
        local ? describeList(local.test?.map((t) => literal(t))) : undefined,
        'only one twin checks the container’s health',
      ),
    ];
  }
  const out: ParityEntry[] = [];
  // A check without a test (it inherits the image's) compares as the text `undefined`.
  const test = (local.test ?? [String(undefined)]).map((t) => literal(t));
  if (describeList(test) !== describeList(cloud.test))
    out.push(
      problem(
        name,
        'healthCheck.test',
        describeList(cloud.test),
        describeList(test),
        'the twins run different tests',
      ),
    );
  const localTiming = `${_timing(local)}${local.startIntervalSeconds !== undefined ? `, start interval ${local.startIntervalSeconds}s` : ''}`;
  if (localTiming === _timing(cloud)) {
    out.push(same(name, 'healthCheck.timing', _timing(cloud), localTiming));
    return out;
  }
  const adjusted = ecsHealthCheckTiming(local);
  const expected = adjusted.timing;
  out.push(
    _timing(expected) === _timing(cloud) && adjusted.adjustments.length > 0
      ? standIn(
          name,
          'healthCheck.timing',
          _timing(cloud),
          localTiming,
          'health-check-adjustment',
          `adjusted for ECS: ${adjusted.adjustments.join('; ')}`,
        )
      : problem(
          name,
          'healthCheck.timing',
          _timing(cloud),
          localTiming,
          `the timing differs and is not the ECS adjustment of the local values (${_timing(expected)})`,
        ),
  );
  return out;
}

function _timing(h: Omit<CloudHealthCheck, 'test'>): string {
  return `interval ${h.intervalSeconds}s, timeout ${h.timeoutSeconds}s, retries ${h.retries}, start period ${h.startPeriodSeconds}s`;
}
