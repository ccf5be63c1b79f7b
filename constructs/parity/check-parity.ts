import type { ApplicationSpec } from '../model/spec';
import { compareStrings } from '../model/order';
import { compareAwsResources } from './aspects/aws-resources';
import { compareLoadBalancers, proxyNames } from './aspects/load-balancers';
import { missingStandIns } from './aspects/presence';
import { readCloudAwsResources, readCloudTaskAccess } from './aws-resources';
import { compareWorkload } from './aspects/workload';
import { dataServiceOf } from './aspects/dependencies';
import { compareNetworks } from './aspects/networks';
import { readCloudReachability } from './security-groups';
import { readCloudTwin } from './cloud-twin';
import { readComposeTwin } from './compose-twin';
import { parityContext, ParityOptions } from './parity-context';
import { ParityEntry, parityReport, ParityReport } from './parity-report';

export type { ParityOptions } from './parity-context';
export type { ParityDifference, ParityEntry, ParityKind, ParityReport } from './parity-report';

/**
 * Compares the two rendered twins of one application: the synthesized CloudFormation template and the
 * compose document (parsed YAML), never the model with itself. For each service and job: presence, image
 * (registry reference, or asset vs build context, Dockerfile, target, arguments), platform, resources,
 * command, entrypoint, working directory, user, environment names and literal values, secret names, ports,
 * health check, dependencies and their conditions, volumes and mount paths, task count, who may reach it
 * (compose networks against security-group rules) and its way out; for each load
 * balancer: the proxy service, its published port, its configuration and the listener rules.
 *
 * `spec` (the model both were rendered from) declares what may differ: load balancers and their routes
 * (the proxy's configuration is rendered from them), host ports, data services that are managed in the
 * cloud and containers locally, jobs without dependents. Every difference is reported as one of the
 * {@link STAND_IN_KINDS} it declares, or as an error.
 *
 * @param template - the stack's synthesized CloudFormation template, parsed from JSON
 * @param compose - the local twin's compose document, parsed from YAML
 * @param spec - the model both were rendered from (`Application.toSpec()`, or `modelFromJson` of a model
 *   file); it declares what may differ
 * @param options - the cloud twin's image builds and the compose file's directory
 */
export function checkParity(
  template: unknown,
  compose: unknown,
  spec?: ApplicationSpec,
  options: ParityOptions = {},
): ParityReport {
  const local = readComposeTwin(compose);
  const application = local.name ?? spec?.name ?? '';
  const ctx = parityContext(
    readCloudTwin(template, application, spec?.namespace ?? application),
    local,
    spec,
    options,
  );
  const proxies = proxyNames(ctx);
  const names = [
    ...new Set([
      ...ctx.cloud.services.keys(),
      ...ctx.cloud.hostedJobs.keys(),
      ...ctx.cloud.jobTasks.keys(),
      ...local.services.keys(),
    ]),
  ]
    .filter((n) => !proxies.has(n))
    .sort(compareStrings);
  const entries: ParityEntry[] = names.flatMap((name) => compareWorkload(ctx, name));
  entries.push(...missingStandIns(ctx));
  entries.push(...compareLoadBalancers(ctx, proxies));
  const resources = readCloudAwsResources(template);
  entries.push(...compareAwsResources(ctx, resources, readCloudTaskAccess(template, resources)));
  const reachability = readCloudReachability(template, ctx.cloud.twin, (id) =>
    spec ? dataServiceOf(spec, id) : undefined,
  );
  entries.push(...compareNetworks(ctx, reachability));
  return parityReport(application, entries, ctx.notes);
}
