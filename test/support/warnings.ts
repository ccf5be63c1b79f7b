import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * The warnings synthesis recorded for a stack, as `path: message` lines, read from the cloud assembly it
 * already wrote. `Annotations.fromStack` synthesizes the whole app again to find them (with every
 * policy-validation plugin and, where on, the CloudFormation validator), which costs seconds per stack.
 */
export function openWarnings(assembly: CloudAssembly, stackName: string): string[] {
  return assembly
    .getStackByName(stackName)
    .messages.filter((m) => m.level === 'warning')
    .map((m) => `${m.id}: ${String(m.entry.data)}`);
}
