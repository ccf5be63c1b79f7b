import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { ContainerSettingsSpec } from '../model/container-settings';

// The container settings of a workload in the cloud twin, where Fargate has them: ulimits, the init
// process, the stop timeout, capabilities and labels. Shared memory, the host name and extra hosts are
// local only (Fargate's awsvpc network mode has none of them): the parity check reports them as stand-ins.

/**
 * The ContainerDefinition options of a workload's settings, for its container `containerName` in
 * `taskDefinition`: `ulimits`, `stopTimeout`, `dockerLabels`, and LinuxParameters (a construct under the
 * task definition, one per container) for `init` and the capabilities.
 */
export function containerSettingsOptions(
  taskDefinition: ecs.TaskDefinition,
  containerName: string,
  spec: ContainerSettingsSpec,
): Partial<ecs.ContainerDefinitionOptions> {
  const ulimits = Object.entries(spec.ulimits ?? {}).map(([name, limit]) => ({
    name: name as ecs.UlimitName,
    softLimit: limit!.soft,
    hardLimit: limit!.hard,
  }));
  const caps = spec.capabilities;
  let linuxParameters: ecs.LinuxParameters | undefined;
  if (spec.init || caps) {
    linuxParameters = new ecs.LinuxParameters(taskDefinition, `${containerName}LinuxParameters`, {
      ...(spec.init ? { initProcessEnabled: true } : {}),
    });
    if (caps?.add.length) linuxParameters.addCapabilities(...caps.add.map((c) => c as ecs.Capability));
    if (caps?.drop.length) linuxParameters.dropCapabilities(...caps.drop.map((c) => c as ecs.Capability));
  }
  return {
    ...(ulimits.length ? { ulimits } : {}),
    ...(spec.stopGracePeriodSeconds !== undefined
      ? { stopTimeout: Duration.seconds(spec.stopGracePeriodSeconds) }
      : {}),
    ...(spec.labels ? { dockerLabels: { ...spec.labels } } : {}),
    ...(linuxParameters ? { linuxParameters } : {}),
  };
}
