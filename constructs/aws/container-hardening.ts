import { AspectPriority, Aspects, Lazy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import type { WorkloadSpec } from '../model/spec';
import { MIN_CONTAINER_MIB } from '../model/rules/task-hosts';
import { CONTROL_TOWER } from './nag-findings';

// The hardened container of a workload in the cloud twin: a read-only root filesystem with task volumes at
// the declared writable paths, the declared user, and a memory hard limit. Where a workload leaves one of
// AWS Control Tower's proactive controls unmet (by its own choice, or because the library cannot know), the
// control is acknowledged on the task definition, with the reason (listed in the README's security section).

/** CT.ECS.PR.3: every container names a user that is not root. */
export const NON_ROOT_USER_RULE = `${CONTROL_TOWER}::ecs_task_definition_nonroot_user_check`;
/** CT.ECS.PR.6: every container has a read-only root filesystem. */
export const READ_ONLY_ROOT_RULE = `${CONTROL_TOWER}::ecs_containers_readonly_access_check`;

/** Memory (MiB) a helper container (config-file writer, writable-path preparer) reserves, and its hard limit. */
export const CONFIG_WRITER_MEMORY = { reservationMiB: 16, limitMiB: 32 } as const;

/** Image of the helper containers that prepare a workload's task volumes (busybox: sh, printf, chmod). */
export const HELPER_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37';
/** Docker label marking a helper container, and the role of the writable-path preparer. */
export const HELPER_LABEL = 'twinstack.role';
export const WRITABLE_PATHS_ROLE = 'writable-paths';
/** Mode of every writable path in both twins: world-writable with the sticky bit, as /tmp. */
export const WRITABLE_PATH_MODE = '1777';

/** The name of the task volume mounted at a workload's `index`th writable path. */
export function writableVolumeName(containerName: string, index: number): string {
  return `${containerName}-writable-${index}`;
}

/**
 * Mounts a task storage volume of its own (non-persistent, empty at each task start) at each of the
 * workload's writable paths: the only places besides its volumes that a read-only container writes to.
 * Fargate creates such a volume owned by root with mode 0755, so a small non-essential container
 * (`<name>-writable`, root, read-only root filesystem) sets each to mode 1777 first, as the local twin's
 * tmpfs is, and the workload starts once it succeeded: a non-root user can write there in both twins.
 */
export function addWritablePaths(
  taskDefinition: ecs.TaskDefinition,
  container: ecs.ContainerDefinition,
  paths: readonly string[],
  logGroup: logs.ILogGroup,
): void {
  if (paths.length === 0) return;
  const name = `${container.containerName}-writable`;
  const preparer = taskDefinition.addContainer(name, {
    containerName: name,
    image: ecs.ContainerImage.fromRegistry(HELPER_IMAGE),
    essential: false,
    entryPoint: ['sh', '-c'],
    command: [paths.map((_, i) => `chmod ${WRITABLE_PATH_MODE} /twinstack-writable/${i}`).join(' && ')],
    dockerLabels: { [HELPER_LABEL]: WRITABLE_PATHS_ROLE },
    cpu: 0,
    memoryReservationMiB: CONFIG_WRITER_MEMORY.reservationMiB,
    memoryLimitMiB: CONFIG_WRITER_MEMORY.limitMiB,
    user: '0',
    readonlyRootFilesystem: true,
    logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: name }),
  });
  paths.forEach((containerPath, i) => {
    const sourceVolume = writableVolumeName(container.containerName, i);
    taskDefinition.addVolume({ name: sourceVolume });
    preparer.addMountPoints({ sourceVolume, containerPath: `/twinstack-writable/${i}`, readOnly: false });
    container.addMountPoints({ sourceVolume, containerPath, readOnly: false });
  });
  container.addContainerDependencies({
    container: preparer,
    condition: ecs.ContainerDependencyCondition.SUCCESS,
  });
  reserveBeside(taskDefinition, CONFIG_WRITER_MEMORY.reservationMiB);
  addReason(
    taskDefinition,
    NON_ROOT_USER_RULE,
    `The writable-path preparer ${name} runs as root: Fargate creates the task volumes at the workload's writable paths owned by root with mode 0755, and it sets them to mode ${WRITABLE_PATH_MODE} (as the local twin's tmpfs) so that a non-root workload can write there; it runs only chmod, with a read-only root filesystem, and exits before the workload starts. The acknowledgement covers the task definition, so the workload's own container is held to a non-root user by twinstack's rule (root needs allowRootUser) instead.`,
  );
}

/** Memory reserved in each task definition by containers other than its workload's own. */
const RESERVED_BESIDE = new WeakMap<ecs.TaskDefinition, { readonly job?: string; readonly mib: number }[]>();

/**
 * Records that a container beside the workload's own reserves `mib`: a helper (config-file writer,
 * writable-path preparer), or the hosted job named `job`, whose reservation may shrink to fit the task.
 */
export function reserveBeside(taskDefinition: ecs.TaskDefinition, mib: number, job?: string): void {
  RESERVED_BESIDE.set(taskDefinition, [
    ...(RESERVED_BESIDE.get(taskDefinition) ?? []),
    { ...(job !== undefined ? { job } : {}), mib },
  ]);
}

/**
 * What each container of a task reserves, so that the reservations add up to no more than the task's
 * memory, as Fargate requires: helpers their fixed share, the task's own container at least
 * MIN_CONTAINER_MIB, and the hosted jobs their memoryMiB, less what they must give up when the jobs fill
 * the task (they run before the workload's container starts, so they rarely need it at the same time).
 */
function reservations(
  taskDefinition: ecs.TaskDefinition,
  taskMiB: number,
): { readonly own?: number; readonly jobs: ReadonlyMap<string, number> } {
  const beside = RESERVED_BESIDE.get(taskDefinition) ?? [];
  if (beside.length === 0) return { jobs: new Map() };
  const helpers = beside.filter((b) => b.job === undefined).reduce((a, b) => a + b.mib, 0);
  const jobs = beside.filter((b): b is { job: string; mib: number } => b.job !== undefined);
  const jobTotal = jobs.reduce((a, b) => a + b.mib, 0);
  const overflow = Math.max(0, helpers + jobTotal + MIN_CONTAINER_MIB - taskMiB);
  const shrunk = new Map(
    jobs.map((j) => [
      j.job,
      overflow > 0 ? Math.max(MIN_CONTAINER_MIB, j.mib - Math.ceil((overflow * j.mib) / jobTotal)) : j.mib,
    ]),
  );
  const reserved = helpers + [...shrunk.values()].reduce((a, b) => a + b, 0);
  return { own: Math.max(MIN_CONTAINER_MIB, taskMiB - reserved), jobs: shrunk };
}

/** The memory settings of a hosted job's container: its memoryMiB as hard limit, a reservation that fits. */
export function hostedJobMemory(
  taskDefinition: ecs.TaskDefinition,
  taskMiB: number,
  job: string,
  memoryMiB: number,
): Pick<ecs.ContainerDefinitionOptions, 'memoryLimitMiB' | 'memoryReservationMiB'> {
  return {
    memoryLimitMiB: memoryMiB,
    memoryReservationMiB: Lazy.number({ produce: () => reservations(taskDefinition, taskMiB).jobs.get(job) }),
  };
}

/**
 * The memory settings of a task's own workload container: a hard limit of the task's whole size (the
 * workload's `memoryMiB`), and, when other containers share the task, a reservation of what they leave,
 * since Fargate counts every container's reservation (its hard limit when it has none) against the task.
 */
export function workloadMemory(
  taskDefinition: ecs.TaskDefinition,
  memoryMiB: number,
): Pick<ecs.ContainerDefinitionOptions, 'memoryLimitMiB' | 'memoryReservationMiB'> {
  return {
    memoryLimitMiB: memoryMiB,
    memoryReservationMiB: Lazy.number({ produce: () => reservations(taskDefinition, memoryMiB).own }),
  };
}

/** Reasons per rule for each task definition, acknowledged once every container is added. */
const REASONS = new WeakMap<ecs.TaskDefinition, Map<string, string[]>>();

function addReason(taskDefinition: ecs.TaskDefinition, rule: string, reason: string): void {
  let reasons = REASONS.get(taskDefinition);
  if (!reasons) {
    reasons = new Map();
    REASONS.set(taskDefinition, reasons);
    const all = reasons;
    Aspects.of(taskDefinition).add(
      {
        visit(node: IConstruct): void {
          if (node !== taskDefinition) return;
          for (const [id, list] of all)
            Validations.of(taskDefinition).acknowledge({ id, reason: list.join(' ') });
        },
      },
      { priority: AspectPriority.READONLY },
    );
  }
  const list = reasons.get(rule) ?? [];
  if (!list.includes(reason)) list.push(reason);
  reasons.set(rule, list);
}

/**
 * Acknowledges, on the task definition that runs it, what the workload's container leaves of CT.ECS.PR.3
 * and CT.ECS.PR.6: no `user` (the image's USER, unknown to the library), a root user it opted into, or a
 * writable root filesystem it opted into; each reason names the workload and the prop.
 */
export function acknowledgeContainerChoices(
  taskDefinition: ecs.TaskDefinition,
  spec: WorkloadSpec,
  hardeningReason: string | undefined,
): void {
  if (spec.user === undefined) {
    addReason(
      taskDefinition,
      NON_ROOT_USER_RULE,
      `Workload ${spec.path} gives no \`user\`, so its container runs as its image's USER, which twinstack cannot see when it renders the task definition; set \`user\` to a non-root name or uid[:gid] to meet the control.`,
    );
  } else if (spec.allowRootUser) {
    addReason(
      taskDefinition,
      NON_ROOT_USER_RULE,
      `Workload ${spec.path} runs as ${spec.user} (allowRootUser: true): ${hardeningReason ?? ''}`.trim(),
    );
  }
  if (spec.readOnlyRootFilesystem === false) {
    addReason(
      taskDefinition,
      READ_ONLY_ROOT_RULE,
      `Workload ${spec.path} chose readOnlyRootFilesystem: false: ${hardeningReason ?? ''}`.trim(),
    );
  }
}

/**
 * Acknowledges CT.ECS.PR.3 for the config-file writer `writer` of a task definition: it runs as root.
 */
export function acknowledgeConfigWriter(taskDefinition: ecs.TaskDefinition, writer: string): void {
  addReason(
    taskDefinition,
    NON_ROOT_USER_RULE,
    `The config-file writer ${writer} runs as root: it writes the workload's inline config files into task volumes, which Fargate creates owned by root with mode 0755, and exits before the workload starts; it runs only printf, with a read-only root filesystem. The acknowledgement covers the task definition, so the workload's own container is held to a non-root user by twinstack's rule (root needs allowRootUser) instead.`,
  );
}
