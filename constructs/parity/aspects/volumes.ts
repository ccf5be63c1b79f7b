import { compareStrings } from '../../model/order';
import { writableMounts } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/**
 * Compares the volumes a workload mounts, by path: EFS in the cloud and a declared named volume locally, with
 * the same name and mode. Volumes a config-file helper writes are compared as config files, task volumes at
 * writable paths with the hardening.
 */
export function compareVolumes(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  // Bind mounts the model declares are compared with the local inputs (see compareBindMounts).
  const binds = new Set(ctx.spec?.workloads.find((w) => w.name === name)?.bindMounts?.map((m) => m.path));
  const localMounts = new Map([...local.mounts].filter(([p, m]) => !(m.type === 'bind' && binds.has(p))));
  const helperVolumes = new Set(
    i.host.containers.filter((c) => c.role !== undefined).flatMap((c) => c.mounts.map((m) => m.volume)),
  );
  // Task storage volumes at writable paths are compared with the hardening (see compareHardening).
  const writable = new Set(writableMounts(i.host, i.container).map((m) => m.volume));
  const cloudMounts = new Map(
    i.container.mounts
      .filter((m) => !helperVolumes.has(m.volume) && !writable.has(m.volume))
      .map((m) => [m.path, m]),
  );
  for (const p of [...new Set([...cloudMounts.keys(), ...localMounts.keys()])].sort(compareStrings)) {
    const field = `volumes[${p}]`;
    const c = cloudMounts.get(p);
    const l = localMounts.get(p);
    const efs = c ? i.host.volumes.get(c.volume)?.efs === true : false;
    const cloudText = c
      ? `${efs ? 'EFS' : 'task volume'} ${c.volume}${c.readOnly ? ' (read-only)' : ''}`
      : undefined;
    const localText = l
      ? `${l.type === 'volume' ? 'named volume' : l.type} ${l.source}${l.readOnly ? ' (read-only)' : ''}`
      : undefined;
    if (!c || !l) out.push(problem(name, field, cloudText, localText, 'mounted in one twin only'));
    else if (c.volume !== l.source || c.readOnly !== l.readOnly)
      out.push(problem(name, field, cloudText, localText, 'the twins mount different volumes or modes'));
    else if (!efs || l.type !== 'volume' || !ctx.local.namedVolumes.has(l.source))
      out.push(
        problem(
          name,
          field,
          cloudText,
          localText,
          'expected an EFS volume in the cloud and a declared named volume locally',
        ),
      );
    else
      out.push(
        standIn(name, field, cloudText, localText, 'volume', 'EFS in the cloud, a named volume locally'),
      );
  }
  return out;
}
