import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { problem, WarningIds } from './problems';

const SECRET_KEY = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** `mountPath` is already a mount point of the workload. */
export function mountPathTaken(path: string, prop: string, mountPath: string): ValidationProblem {
  return problem(path, prop, mountPath, 'is already a mount point of this workload; mount each path once');
}

/**
 * Within each workload: mounts name volumes of the application, each path once and clear of config files;
 * plain variables that look like credentials are warned about; request scaling needs a route.
 */
export function checkWorkloads(ctx: RuleContext): void {
  const { app, errors } = ctx;
  const volumes = new Set(app.volumes.map((v) => v.name));
  const routed = new Set(app.loadBalancers.flatMap((lb) => lb.routes.map((r) => r.service)));
  for (const w of app.workloads) {
    const mountPaths = new Set<string>();
    w.mounts.forEach((m, i) => {
      if (!volumes.has(m.volume))
        errors.push(
          problem(w.path, `mounts[${i}].volume`, m.volume, `is not a volume of application '${app.name}'`),
        );
      if (mountPaths.has(m.path)) errors.push(mountPathTaken(w.path, `mounts[${i}].path`, m.path));
      mountPaths.add(m.path);
    });
    const files = new Set((w.configFiles ?? []).map((f) => f.path));
    const fileDirectories = new Set(
      (w.configFiles ?? []).map((f) => f.path.slice(0, f.path.lastIndexOf('/'))),
    );
    w.mounts.forEach((m, i) => {
      if (files.has(m.path) || fileDirectories.has(m.path)) {
        errors.push(
          problem(
            w.path,
            `mounts[${i}].path`,
            m.path,
            'is also where a config file is written (its directory is a task volume in the cloud twin); mount the volume elsewhere',
          ),
        );
      }
    });
    for (const [key, value] of Object.entries(w.environment)) {
      if (SECRET_KEY.test(key) && value !== '') {
        ctx.warnings.push({
          id: WarningIds.ENV_LOOKS_LIKE_SECRET,
          path: w.path,
          message: `environment.${key} holds a literal value and its name looks like a credential; pass it with Secret so it stays out of the template and the compose file`,
        });
      }
    }
    if (w.autoScaling?.requestsPerTarget !== undefined && !routed.has(w.name)) {
      errors.push(
        problem(
          w.path,
          'autoScale.requestsPerTarget',
          w.autoScaling.requestsPerTarget,
          'needs a route to the service: requests are counted per load-balancer target',
        ),
      );
    }
  }
}

/** Each host port is published once locally, by a workload, a data service's stand-in or a load balancer. */
export function checkHostPorts(ctx: RuleContext): void {
  const owners = new Map<number, string>();
  const publish = (port: number, path: string, prop: string, value: unknown) => {
    const owner = owners.get(port);
    if (owner)
      ctx.errors.push(
        problem(
          path,
          prop,
          value,
          `is already published by ${owner}; each host port can be published once locally`,
        ),
      );
    else owners.set(port, path);
  };
  for (const w of ctx.app.workloads) {
    for (const p of w.ports)
      if (p.hostPort !== undefined) publish(p.hostPort, w.path, 'ports', `host port ${p.hostPort}`);
  }
  for (const ds of ctx.app.dataServices ?? []) {
    if (ds.local.hostPort !== undefined) publish(ds.local.hostPort, ds.path, 'hostPort', ds.local.hostPort);
  }
  for (const lb of ctx.app.loadBalancers) publish(lb.localPort, lb.path, 'localPort', lb.localPort);
}
