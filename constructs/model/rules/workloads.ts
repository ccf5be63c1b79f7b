import { isIP } from 'net';
import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { RESTART_POLICIES, restartRule } from '../restart';
import { problem, WarningIds } from './problems';
import { isLocalNetworksMode, LOCAL_NETWORKS_RULE } from '../local-networks';

const SECRET_KEY = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/**
 * A mount path as the container reads it: without empty segments (`//`, a trailing `/`) and `.` segments,
 * so `/data`, `/data/` and `//data` are one mount point.
 */
export function normalMountPath(mountPath: string): string {
  return `/${mountPath
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/')}`;
}

/** Whether `p` has a `.` or `..` segment, which the container would resolve. */
export function hasDotSegment(p: string): boolean {
  return p.split('/').some((s) => s === '.' || s === '..');
}

/** A mount point (a mount or a config file) written with `.` or `..` segments. */
export function dotSegments(path: string, prop: string, value: string): ValidationProblem {
  return problem(
    path,
    prop,
    value,
    'must not contain "." or ".." segments: the container resolves them, so /data/../etc would mount over /etc; write the path without them',
  );
}

/** What a mount path may be; undefined when `value` is one. */
export function mountPathProblem(path: string, prop: string, value: unknown): ValidationProblem | undefined {
  if (typeof value !== 'string' || !/^\/[^\s:]*$/.test(value) || normalMountPath(value) === '/') {
    return problem(
      path,
      prop,
      value,
      'must be an absolute path inside the container, not "/" and without spaces or ":"',
    );
  }
  return hasDotSegment(value) ? dotSegments(path, prop, value) : undefined;
}

/** `mountPath` is already a mount point of the workload, written as `existing`. */
export function mountPathTaken(
  path: string,
  prop: string,
  mountPath: string,
  existing: string = mountPath,
): ValidationProblem {
  return problem(
    path,
    prop,
    mountPath,
    `is already a mount point of this workload${existing !== mountPath ? ` (as ${JSON.stringify(existing)})` : ''}; mount each path once`,
  );
}

/** The users CT.ECS.PR.3 counts as root: `root`, `0`, and either with a group (`0:0`, `root:staff`). */
export function isRootUser(user: string): boolean {
  return user === 'root' || user === '0' || /^(0|root):/.test(user);
}

/** A root user given without the opt-in; undefined when `user` is none, or not root, or the opt-in is set. */
export function rootUserProblem(
  path: string,
  user: string | undefined,
  allowRootUser: boolean | undefined,
): ValidationProblem | undefined {
  if (user === undefined || allowRootUser === true || !isRootUser(user)) return undefined;
  return problem(
    path,
    'user',
    user,
    'runs the container as root; give a non-root user (a name or uid[:gid] other than root and 0), or set allowRootUser: true with a hardeningReason',
  );
}

/** Where else a workload writes into its container: mount points and config files (and their directories). */
export interface TakenPaths {
  readonly mounts: readonly string[];
  readonly configFiles: readonly string[];
}

/**
 * What `writablePaths` may be: absolute mount points (as mounts are), each once, none of them a volume's
 * mount point, a config file or a config file's directory (in the cloud each is a task volume of its own).
 */
export function writablePathProblems(
  path: string,
  paths: readonly unknown[],
  taken: TakenPaths,
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const seen = new Map<string, string>();
  const mounts = new Set(taken.mounts.map(normalMountPath));
  const files = new Set(taken.configFiles.map(normalMountPath));
  const fileDirectories = new Set([...files].map((f) => f.slice(0, f.lastIndexOf('/'))));
  paths.forEach((p, i) => {
    const prop = `writablePaths[${i}]`;
    const bad = mountPathProblem(path, prop, p);
    if (bad) {
      out.push(bad);
      return;
    }
    const value = p as string;
    const normal = normalMountPath(value);
    const existing = seen.get(normal);
    if (existing !== undefined) {
      out.push(
        problem(
          path,
          prop,
          value,
          `is already a writable path of this workload${existing !== value ? ` (as ${JSON.stringify(existing)})` : ''}; give each path once`,
        ),
      );
      return;
    }
    seen.set(normal, value);
    if (mounts.has(normal)) {
      out.push(
        problem(
          path,
          prop,
          value,
          'is already where a volume is mounted, and a mounted volume is writable unless mounted readOnly; give a path no volume is mounted at',
        ),
      );
    } else if (files.has(normal) || fileDirectories.has(normal)) {
      out.push(
        problem(
          path,
          prop,
          value,
          "is where a config file is written (its directory is a read-only task volume in the cloud twin); give a path outside the config files' directories",
        ),
      );
    }
  });
  return out;
}

/**
 * Within each workload: mounts name volumes of the application, each path once and clear of config files;
 * writable paths are mount points of their own; a root user needs the opt-in; plain variables that look like credentials are warned about; request scaling needs a route.
 */
export function checkWorkloads(ctx: RuleContext): void {
  const { app, errors } = ctx;
  const volumes = new Set(app.volumes.map((v) => v.name));
  const routed = new Set(app.loadBalancers.flatMap((lb) => lb.routes.map((r) => r.service)));
  for (const w of app.workloads) {
    if (w.restart !== undefined && !RESTART_POLICIES[w.kind].includes(w.restart))
      errors.push(problem(w.path, 'restart', w.restart, restartRule(w.kind)));
    const mountPaths = new Map<string, string>();
    const mounted: { readonly index: number; readonly path: string }[] = [];
    w.mounts.forEach((m, i) => {
      if (!volumes.has(m.volume))
        errors.push(
          problem(w.path, `mounts[${i}].volume`, m.volume, `is not a volume of application '${app.name}'`),
        );
      const bad = mountPathProblem(w.path, `mounts[${i}].path`, m.path);
      if (bad) {
        errors.push(bad);
        return;
      }
      const normal = normalMountPath(m.path);
      const existing = mountPaths.get(normal);
      if (existing !== undefined) errors.push(mountPathTaken(w.path, `mounts[${i}].path`, m.path, existing));
      else mountPaths.set(normal, m.path);
      mounted.push({ index: i, path: normal });
    });
    (w.configFiles ?? []).forEach((f, i) => {
      if (hasDotSegment(f.path)) errors.push(dotSegments(w.path, `configFiles[${i}].path`, f.path));
    });
    const files = new Set((w.configFiles ?? []).map((f) => normalMountPath(f.path)));
    const fileDirectories = new Set([...files].map((f) => f.slice(0, f.lastIndexOf('/'))));
    for (const m of mounted) {
      if (files.has(m.path) || fileDirectories.has(m.path)) {
        errors.push(
          problem(
            w.path,
            `mounts[${m.index}].path`,
            w.mounts[m.index].path,
            'is also where a config file is written (its directory is a task volume in the cloud twin); mount the volume elsewhere',
          ),
        );
      }
    }
    errors.push(
      ...writablePathProblems(w.path, w.writablePaths ?? [], {
        mounts: w.mounts.map((m) => m.path),
        configFiles: (w.configFiles ?? []).map((f) => f.path),
      }),
    );
    const root = rootUserProblem(w.path, w.user, w.allowRootUser);
    if (root) errors.push(root);
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

/** What the application's `localHostIp` must be: the one text of the rule, for the construct and the model. */
export const LOCAL_HOST_IP_RULE =
  "must be an IPv4 or IPv6 address literal, e.g. '127.0.0.1' (this machine only) or '0.0.0.0' (every interface)";

/**
 * Each host port is published once locally, by a workload, a data service's stand-in or a load balancer,
 * on an address the local twin can publish on; its network layout is one it knows.
 */
export function checkHostPorts(ctx: RuleContext): void {
  const ip = ctx.app.localHostIp;
  if (ip !== undefined && (typeof ip !== 'string' || isIP(ip) === 0))
    ctx.errors.push(problem(ctx.app.path, 'localHostIp', ip, LOCAL_HOST_IP_RULE));
  const networks = ctx.app.localNetworks;
  if (networks !== undefined && !isLocalNetworksMode(networks))
    ctx.errors.push(problem(ctx.app.path, 'localNetworks', networks, LOCAL_NETWORKS_RULE));
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
