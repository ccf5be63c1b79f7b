import { compareStrings } from '../../model/order';
import { writableMounts } from '../cloud-twin';
import { literal, type ComposeService } from '../compose-twin';
import type { WorkloadInstance } from '../parity-context';
import { compareValue, ParityEntry, problem, standIn } from '../parity-report';
import { compareLimit } from './container-settings';

/** Mode of a Fargate task storage volume as ECS creates it (owned by root). */
const FARGATE_VOLUME_MODE = '0755';
/** Mode of a tmpfs Docker and podman create without a `mode` option. */
const DOCKER_TMPFS_MODE = '1777';

/**
 * The hardening of one container: the user it runs as, whether its root filesystem is read-only, the paths
 * it may write although it is (Fargate task storage volumes in the cloud, `tmpfs` locally) and its memory
 * hard limit (container `Memory` in the cloud, `deploy.resources.limits.memory` locally, which it has
 * only when `memoryDeclared`: otherwise the stand-in `default-resources`).
 */
export function compareHardening(
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
  memoryDeclared = true,
): ParityEntry[] {
  const c = i.container;
  const out: ParityEntry[] = [];
  out.push(compareValue(name, 'user', c.user, literal(local.user)));
  const mode = (readOnly: boolean) => (readOnly ? 'read-only' : 'writable');
  // Compose watch syncs files into the container: the local twin leaves its root writable for that.
  const synced = local.watch.some((r) => r.action === 'sync' || r.action === 'sync+restart');
  if (c.readOnlyRootFilesystem && !local.readOnly && synced)
    out.push(
      standIn(
        name,
        'readOnlyRootFilesystem',
        mode(true),
        mode(false),
        'development',
        "compose watch copies synced files into the container's filesystem, which a read-only root refuses",
      ),
    );
  else
    out.push(
      compareValue(name, 'readOnlyRootFilesystem', mode(c.readOnlyRootFilesystem), mode(local.readOnly)),
    );
  const cloudPaths = new Map(writableMounts(i.host, c).map((m) => [m.path, m]));
  const localPaths = new Map(local.tmpfs.map((t) => [literal(t.path), t.mode ?? DOCKER_TMPFS_MODE]));
  // The mode the preparer gives each volume, by volume.
  const preparer = i.host.containers.find(
    (h) => h.role === 'writable-paths' && h.name === `${name}-writable`,
  );
  const cloudModes = new Map<string, string>();
  for (const o of preparer?.opens ?? []) {
    const mount = preparer!.mounts.find((m) => m.path === o.path);
    if (mount) cloudModes.set(mount.volume, o.mode);
  }
  for (const p of [...new Set([...cloudPaths.keys(), ...localPaths.keys()])].sort(compareStrings)) {
    const field = `writablePaths[${p}]`;
    const m = cloudPaths.get(p);
    const cloudMode = m ? (cloudModes.get(m.volume) ?? FARGATE_VOLUME_MODE) : undefined;
    const cloudText = m
      ? `task volume ${m.volume}, mode ${cloudMode}${m.readOnly ? ' (read-only)' : ''}`
      : undefined;
    const localMode = localPaths.get(p);
    const localText = localMode !== undefined ? `tmpfs, mode ${localMode}` : undefined;
    if (!m || localMode === undefined)
      out.push(problem(name, field, cloudText, localText, 'writable in one twin only'));
    else if (m.readOnly)
      out.push(problem(name, field, cloudText, localText, 'the cloud twin mounts it read-only'));
    else if (Number.parseInt(cloudMode!, 8) !== Number.parseInt(localMode, 8))
      out.push(problem(name, field, cloudText, localText, 'the twins give it different modes'));
    else
      out.push(
        standIn(
          name,
          field,
          cloudText,
          localText,
          'writable-path',
          'empty at each start in both twins: a Fargate task storage volume in the cloud, a tmpfs locally',
        ),
      );
  }
  const memory = local.limits.memoryMiB;
  out.push(
    compareLimit(
      name,
      'memoryLimit',
      c.memoryMiB === undefined ? undefined : `${c.memoryMiB} MiB`,
      memory === undefined ? undefined : `${memory} MiB`,
      memoryDeclared,
      'memoryMiB',
    ),
  );
  return out;
}
