import type { ApplicationSpec, WorkloadSpec } from './spec';
import { checkAwsResources } from './rules/aws-resources';
import { checkConnections } from './rules/data-services';
import { checkContainerSettings } from './rules/container-settings';
import { checkDependencies, checkDependencyCycles } from './rules/dependencies';
import { checkLoadBalancers } from './rules/load-balancers';
import { checkLocalVariables } from './rules/local-variables';
import { checkNames } from './rules/naming';
import { checkOptionalParts } from './rules/optional-parts';
import type { ModelReport } from './rules/problems';
import { checkSecrets } from './rules/secrets';
import { checkServiceConnect } from './rules/service-connect';
import { checkTaskHosts } from './rules/task-hosts';
import { checkHostPorts, checkWorkloads } from './rules/workloads';
import { checkRegistryCredentials } from './rules/images';
import { checkEndpointReach } from './rules/reachability';
import type { RuleContext } from './rules/context';

export type { ModelReport, ModelWarning } from './rules/problems';
export { WarningIds } from './rules/problems';
export { jobsWithoutHost } from './rules/task-hosts';

/** The whole-model rules, by concern; each has one text, which the constructors' eager checks share. */
const RULES: readonly ((ctx: RuleContext) => void)[] = [
  checkNames,
  checkOptionalParts,
  checkTaskHosts,
  checkDependencies,
  checkWorkloads,
  checkSecrets,
  checkLocalVariables,
  checkHostPorts,
  checkServiceConnect,
  checkConnections,
  checkAwsResources,
  checkLoadBalancers,
  checkDependencyCycles,
  checkRegistryCredentials,
  checkContainerSettings,
  checkEndpointReach,
];

/**
 * Whole-model rules: unknown references, wrong conditions, cycles, port clashes. All problems are collected
 * so one run reports every one of them.
 */
export function validateModel(app: ApplicationSpec): ModelReport {
  const workloads = new Map<string, WorkloadSpec>();
  for (const w of app.workloads) if (!workloads.has(w.name)) workloads.set(w.name, w);
  const ctx: RuleContext = { app, workloads, errors: [], warnings: [] };
  for (const rule of RULES) rule(ctx);
  return { errors: ctx.errors, warnings: ctx.warnings };
}
