import { compareStrings } from '../../model/order';
import { writableMounts } from '../cloud-twin';
import { literal, type ComposeService } from '../compose-twin';
import type { WorkloadInstance } from '../parity-context';
import { compareValue, ParityEntry, problem, standIn } from '../parity-report';

/**
 * The hardening of one container: the user it runs as, whether its root filesystem is read-only, the paths
 * it may write although it is (Fargate task storage volumes in the cloud, `tmpfs` locally) and its memory
 * hard limit (container `Memory` in the cloud, `deploy.resources.limits.memory` locally).
 */
export function compareHardening(name: string, i: WorkloadInstance, local: ComposeService): ParityEntry[] {
  const c = i.container;
  const out: ParityEntry[] = [];
  out.push(compareValue(name, 'user', c.user, literal(local.user)));
  const mode = (readOnly: boolean) => (readOnly ? 'read-only' : 'writable');
  out.push(
    compareValue(name, 'readOnlyRootFilesystem', mode(c.readOnlyRootFilesystem), mode(local.readOnly)),
  );
  const cloudPaths = new Map(writableMounts(i.host, c).map((m) => [m.path, m]));
  const localPaths = new Set(local.tmpfs.map((p) => literal(p)));
  for (const p of [...new Set([...cloudPaths.keys(), ...localPaths])].sort(compareStrings)) {
    const field = `writablePaths[${p}]`;
    const m = cloudPaths.get(p);
    const cloudText = m ? `task volume ${m.volume}${m.readOnly ? ' (read-only)' : ''}` : undefined;
    const localText = localPaths.has(p) ? 'tmpfs' : undefined;
    if (!m || !localPaths.has(p))
      out.push(problem(name, field, cloudText, localText, 'writable in one twin only'));
    else if (m.readOnly)
      out.push(problem(name, field, cloudText, localText, 'the cloud twin mounts it read-only'));
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
    compareValue(
      name,
      'memoryLimit',
      c.memoryMiB === undefined ? undefined : `${c.memoryMiB} MiB`,
      memory === undefined ? undefined : `${memory} MiB`,
    ),
  );
  return out;
}
