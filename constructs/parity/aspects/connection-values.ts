import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/** A connection value the model declares with a value per twin (a TLS flag). */
export interface DeclaredConnectionValue {
  /** The data service connected to. */
  readonly target: string;
  readonly cloud: string;
  readonly local: string;
}

/**
 * The variables of `workload`'s connections whose value the model declares per twin: variable -> values.
 * Read defensively, as the model may come from a file.
 */
export function declaredConnectionValues(
  ctx: ParityContext,
  workload: string,
): ReadonlyMap<string, DeclaredConnectionValue> {
  const out = new Map<string, DeclaredConnectionValue>();
  const w = ctx.spec?.workloads.find((x) => x.name === workload);
  for (const c of w?.connections ?? []) {
    const tls = c.tls as Partial<Record<string, unknown>> | undefined;
    if (
      !tls ||
      typeof tls.variable !== 'string' ||
      typeof tls.cloud !== 'string' ||
      typeof tls.local !== 'string'
    )
      continue;
    out.set(tls.variable, { target: c.target, cloud: tls.cloud, local: tls.local });
  }
  return out;
}

/**
 * Compares a variable whose value the model declares per twin: each twin must hold exactly its own value
 * (`cloud` and `local` are the literal values found, undefined where a twin does not set it as a literal).
 */
export function compareDeclaredValue(
  name: string,
  variable: string,
  declared: DeclaredConnectionValue,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  const field = `environment.${variable}`;
  if (cloud === declared.cloud && local === declared.local) {
    return standIn(
      name,
      field,
      cloud,
      local,
      'managed-service',
      `TLS flag of the connection to '${declared.target}': TLS to the managed service in the cloud, plain to the container locally`,
    );
  }
  return problem(
    name,
    field,
    cloud,
    local,
    `the model declares the TLS flag of the connection to '${declared.target}' as '${declared.cloud}' in the cloud and '${declared.local}' locally`,
  );
}
