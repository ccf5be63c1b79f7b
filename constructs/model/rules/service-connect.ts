import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { problem } from './problems';

/** The service and port that hold a Service Connect discovery name. */
export interface DiscoveryNameOwner {
  /** Name of the service. */
  readonly service: string;
  /** Construct path of the service. */
  readonly path: string;
  readonly containerPort: number;
}

/**
 * The one text of the rule: port `name` at `path` (under `prop`) is the discovery name `owner` already has.
 * Without an owner, the name is another port's of the same service.
 */
export function portNameTaken(
  path: string,
  prop: string,
  name: string,
  owner?: DiscoveryNameOwner,
): ValidationProblem {
  if (owner === undefined)
    return problem(path, prop, name, 'is already the name of another port of this service');
  return problem(
    path,
    prop,
    name,
    `is also the Service Connect discovery name of port ${owner.containerPort} of service '${owner.service}' (${owner.path}); the cloud twin registers each port in the application's Cloud Map namespace under its name, which must be unique there, so one of the services could not be created; give one of the ports another name (the port's name option) or rename one of the services so the default names (<service>-<port>, "_" read as "-") differ`,
  );
}

/**
 * Each port name of the application's services is a discovery name no other port has. Names are compared as
 * written: ECS takes only lowercase discovery names, and the application's HTTP namespace tells apart names
 * that differ in case.
 */
export function checkServiceConnect(ctx: RuleContext): void {
  const owners = new Map<string, DiscoveryNameOwner>();
  for (const w of ctx.app.workloads) {
    if (w.kind !== 'service') continue;
    w.ports.forEach((p, i) => {
      const owner = owners.get(p.name);
      if (owner === undefined)
        owners.set(p.name, { service: w.name, path: w.path, containerPort: p.containerPort });
      else
        ctx.errors.push(
          portNameTaken(w.path, `ports[${i}].name`, p.name, owner.path === w.path ? undefined : owner),
        );
    });
  }
}
