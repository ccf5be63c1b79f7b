import * as path from 'path';

/**
 * What two compose services must agree on to do the same thing, with spelling differences normalised:
 * list vs map environment, `${VAR}` vs `${VAR:?message}`, short vs long volume syntax, duplicate slashes.
 */
export interface ComparableService {
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly workingDir?: string;
  /** Literal environment values. */
  readonly literals: Record<string, string>;
  /** Environment keys filled from a variable, with the variable's name. */
  readonly variables: Record<string, string>;
  /** `host:container` for every published port. */
  readonly published: string[];
  readonly dependsOn: Record<string, string>;
  readonly healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  /** Container paths of persistent mounts (named volumes or host directories). */
  readonly mountTargets: string[];
}

const VARIABLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?[-?+])[^}]*)?\}$/;

/* eslint-disable @typescript-eslint/no-explicit-any */
export function comparable(service: any): ComparableService {
  const env: Record<string, string> = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((e: string) => e.split(/=(.*)/s).slice(0, 2)))
    : { ...(service.environment ?? {}) };
  const literals: Record<string, string> = {};
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = VARIABLE.exec(String(v));
    if (m) variables[k] = m[1];
    else literals[k] = String(v);
  }
  const dependsOn: Record<string, string> = Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((d: string) => [d, 'service_started']))
    : Object.fromEntries(
        Object.entries(service.depends_on ?? {}).map(([k, v]: [string, any]) => [k, v.condition]),
      );
  const mountTargets = (service.volumes ?? [])
    .map((v: any) => (typeof v === 'string' ? v.split(':')[1] : v.target))
    .map((t: string) => path.posix.normalize(t));
  const hc = service.healthcheck;
  return {
    ...(service.command ? { command: [].concat(service.command) } : {}),
    ...(service.entrypoint ? { entrypoint: [].concat(service.entrypoint) } : {}),
    ...(service.working_dir ? { workingDir: service.working_dir } : {}),
    literals,
    variables,
    // The address a port listens on is the local twin's choice (localHostIp, this machine by default),
    // asserted per example in all-examples.test.ts; the comparison is of host and container ports.
    published: (service.ports ?? [])
      .map((p: unknown) => String(p).replace(/^(\[[^\]]*\]|[^:]*):(?=[^:]*:)/, ''))
      .sort(),
    dependsOn,
    ...(hc
      ? { healthcheck: { test: hc.test, interval: hc.interval, timeout: hc.timeout, retries: hc.retries } }
      : {}),
    mountTargets: mountTargets.sort(),
  };
}
