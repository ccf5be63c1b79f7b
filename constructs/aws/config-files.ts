import * as path from 'path';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ConfigFileSpec } from '../model/spec';
import { compareStrings } from '../model/order';
import {
  acknowledgeConfigWriter,
  CONFIG_WRITER_MEMORY,
  HELPER_IMAGE,
  HELPER_LABEL,
  reserveBeside,
} from './container-hardening';

/** Image of the container that writes a workload's config files in the cloud twin. */
export const CONFIG_WRITER_IMAGE = HELPER_IMAGE;
/** Docker label marking the config-file writer (so readers of the template can tell it from a job). */
export const CONFIG_WRITER_LABEL = HELPER_LABEL;
export const CONFIG_WRITER_ROLE = 'config-files';
/** Environment variable of the writer holding file `i`'s content. */
export const configFileVariable = (i: number) => `TWINSTACK_FILE_${i}`;

/**
 * The cloud form of inline config files (compose `configs: content:` locally): ECS cannot mount a file from
 * the template, so a small non-essential container (`<name>-files`) writes each file from an environment
 * variable into a task volume, and the workload's container mounts that volume read-only at the file's
 * directory and starts once the writer succeeded (ECS container dependency `SUCCESS`). The directory is
 * the volume: files the image has in it are hidden in the cloud twin. The writer has a read-only root
 * filesystem and a memory hard limit, and runs as root (CT.ECS.PR.3 is acknowledged for it).
 */
export function addConfigFiles(
  taskDefinition: ecs.TaskDefinition,
  container: ecs.ContainerDefinition,
  files: readonly ConfigFileSpec[],
  logGroup: logs.ILogGroup,
): ecs.ContainerDefinition | undefined {
  if (files.length === 0) return undefined;
  const directories = [...new Set(files.map((f) => path.posix.dirname(f.path)))].sort(compareStrings);
  const name = `${container.containerName}-files`;
  const environment: Record<string, string> = {};
  const script: string[] = [];
  files.forEach((f, i) => {
    const d = directories.indexOf(path.posix.dirname(f.path));
    environment[configFileVariable(i)] = f.content;
    script.push(
      `printf '%s' "$${configFileVariable(i)}" > '/twinstack-files/${d}/${path.posix.basename(f.path)}'`,
    );
  });
  const writer = taskDefinition.addContainer(name, {
    containerName: name,
    image: ecs.ContainerImage.fromRegistry(CONFIG_WRITER_IMAGE),
    essential: false,
    entryPoint: ['sh', '-c'],
    command: [script.join(' && ')],
    environment,
    dockerLabels: { [CONFIG_WRITER_LABEL]: CONFIG_WRITER_ROLE },
    cpu: 0,
    memoryReservationMiB: CONFIG_WRITER_MEMORY.reservationMiB,
    memoryLimitMiB: CONFIG_WRITER_MEMORY.limitMiB,
    // Root, to write into the task volumes (Fargate creates them owned by root, mode 0755).
    user: '0',
    readonlyRootFilesystem: true,
    logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: name }),
  });
  reserveBeside(taskDefinition, CONFIG_WRITER_MEMORY.reservationMiB);
  acknowledgeConfigWriter(taskDefinition, name);
  directories.forEach((dir, d) => {
    const volume = `${container.containerName}-files-${d}`;
    taskDefinition.addVolume({ name: volume });
    writer.addMountPoints({ sourceVolume: volume, containerPath: `/twinstack-files/${d}`, readOnly: false });
    container.addMountPoints({ sourceVolume: volume, containerPath: dir, readOnly: true });
  });
  container.addContainerDependencies({
    container: writer,
    condition: ecs.ContainerDependencyCondition.SUCCESS,
  });
  return writer;
}
