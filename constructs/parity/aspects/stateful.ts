import type { CloudService } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same } from '../parity-report';

/**
 * Compares a self-hosted stateful service (StatefulService): in the cloud one task, deployments that never
 * overlap (minimum healthy 0 %, maximum 100 %), no autoscaling and its data on EFS at the declared path;
 * locally one container with the declared named volume at that path. Either twin running the data twice,
 * or elsewhere, is an error.
 */
export function compareStateful(
  ctx: ParityContext,
  name: string,
  service: CloudService | undefined,
  local: ComposeService,
): ParityEntry[] {
  const stateful = ctx.spec?.workloads.find((w) => w.name === name)?.stateful;
  if (!stateful || !service) return [];
  const { volume, path } = stateful;
  const expected = `one task, deployments stop the old task first, data on EFS ${volume} at ${path}`;
  const container = service.containers.find((c) => c.name === name);
  const mount = container?.mounts.find((m) => m.path === path);
  const cloudProblems: string[] = [];
  if (service.desiredCount !== 1) cloudProblems.push(`desiredCount ${service.desiredCount ?? '(unset)'}`);
  const d = service.deployment;
  if (d?.minimumHealthyPercent !== 0 || d?.maximumPercent !== 100) {
    cloudProblems.push(
      `deployments between ${d?.minimumHealthyPercent ?? '(unset)'} % and ${d?.maximumPercent ?? '(unset)'} %`,
    );
  }
  if (service.autoScaled) cloudProblems.push('autoscaled');
  if (
    !mount ||
    mount.readOnly ||
    service.volumes.get(mount.volume)?.efs !== true ||
    mount.volume !== volume
  ) {
    cloudProblems.push(
      mount ? `mounts ${mount.volume}${mount.readOnly ? ' read-only' : ''} at ${path}` : `nothing at ${path}`,
    );
  }
  const localMount = local.mounts.get(path);
  const localProblems: string[] = [];
  if (local.replicas !== 1) localProblems.push(`${local.replicas} replicas`);
  if (!localMount || localMount.type !== 'volume' || localMount.source !== volume || localMount.readOnly) {
    localProblems.push(
      localMount ? `mounts ${localMount.type} ${localMount.source} at ${path}` : `nothing at ${path}`,
    );
  }
  const cloudText = cloudProblems.length ? cloudProblems.join('; ') : expected;
  const localText = localProblems.length
    ? localProblems.join('; ')
    : `one container, data in named volume ${volume} at ${path}`;
  if (cloudProblems.length || localProblems.length) {
    return [
      problem(
        name,
        'stateful',
        cloudText,
        localText,
        `the model declares a stateful service: ${expected}, one container with the named volume locally`,
      ),
    ];
  }
  return [same(name, 'stateful', cloudText, localText)];
}
