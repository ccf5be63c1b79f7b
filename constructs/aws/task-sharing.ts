import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { invalid } from '../errors';
import type { Job } from '../job';
import type { Volume } from '../volume';
import type { Mount } from '../workload';

/**
 * Checks that a task of `cpu` and `memoryMiB` has room for `jobs` running inside it (ECS adds the
 * container-level sizes of a task's jobs up against the task's size); the error is reported at `path`.
 * `tasks` names the task(s) in the message, `remedy` what to change.
 */
export function checkRoomForJobs(
  path: string,
  size: { readonly cpu: number; readonly memoryMiB: number },
  jobs: readonly Job[],
  tasks: string,
  remedy: string,
): void {
  const cpu = jobs.reduce((sum, j) => sum + j._cpu, 0);
  const memory = jobs.reduce((sum, j) => sum + j._memoryMiB, 0);
  if (cpu > size.cpu || memory > size.memoryMiB) {
    throw invalid(
      path,
      'cpu',
      `${size.cpu} (memoryMiB ${size.memoryMiB})`,
      `is less than the job${jobs.length > 1 ? 's' : ''} ${jobs
        .map((j) => j.name)
        .sort()
        .join(', ')} running inside ${tasks} in the cloud need (cpu ${cpu}, memoryMiB ${memory}); ${remedy}`,
    );
  }
}

/**
 * Mounts `mount.volume` into `container` of `taskDefinition`: the EFS volume on the task (once), NFS from
 * `connectable`, and IAM client access for the task role (read-write once any mount writes). `mounted`
 * records, per volume, whether the task may already write to it.
 */
export function mountVolume(
  taskDefinition: ecs.TaskDefinition,
  mounted: Map<Volume, boolean>,
  connectable: ec2.IConnectable,
  name: string,
  container: ecs.ContainerDefinition,
  mount: Mount,
): void {
  const volume = mount.volume;
  const readOnly = mount.readOnly ?? false;
  if (!mounted.has(volume)) {
    taskDefinition.addVolume({
      name: volume.name,
      efsVolumeConfiguration: {
        fileSystemId: volume.fileSystem.fileSystemId,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: volume.accessPoint.accessPointId, iam: 'ENABLED' },
      },
    });
    volume.fileSystem.connections.allowDefaultPortFrom(connectable, `NFS from ${name}`);
  }
  const writable = mounted.get(volume) ?? false;
  if (!readOnly && !writable) volume.fileSystem.grantReadWrite(taskDefinition.taskRole);
  else if (!mounted.has(volume)) volume.fileSystem.grantRead(taskDefinition.taskRole);
  mounted.set(volume, writable || !readOnly);
  container.addMountPoints({ sourceVolume: volume.name, containerPath: mount.path, readOnly });
}
