import * as fs from 'fs';
import * as path from 'path';
import { describeValue, invalid, ValidationError } from '../errors';
import type { BindMountSpec } from '../model/spec';
import { mountPathProblem } from '../model/rules/workloads';

/**
 * A path of the developer's machine mounted into a workload's container by the local twin: a source
 * directory for live reload, or a single configuration file. Fargate cannot mount host paths: the cloud
 * twin's container has what its image has at `path` (the parity check reports the stand-in `bind-mount`).
 */
export interface BindMount {
  /**
   * The host path, relative to the directory the CDK app runs in (like `Image.fromDirectory`), e.g.
   * `'./src'` or `'./nginx.conf'`. It must exist at synth time. Local: compose `source`, relative to the
   * compose file. Cloud: nothing.
   */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly path: string;
  /**
   * Mount read-only (compose `read_only`).
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * SELinux relabelling of the source on hosts that enforce SELinux (compose `bind.selinux`): `'shared'`
   * (`:z`, other containers may mount it too) or `'private'` (`:Z`, this container only).
   * @default - no relabelling
   */
  readonly selinux?: 'shared' | 'private';
}

/** Checks one bind mount of the workload at `at` (`prop` names it) and records its spec. */
export function bindMountSpec(at: string, prop: string, mount: unknown): BindMountSpec {
  if (typeof mount !== 'object' || mount === null || Array.isArray(mount)) {
    throw invalid(
      at,
      prop,
      mount,
      "must be an object { source, path }, e.g. { source: './src', path: '/app/src' }",
    );
  }
  const m = mount as Partial<BindMount>;
  if (typeof m.source !== 'string' || m.source.trim() === '') {
    throw invalid(at, `${prop}.source`, m.source, 'must be a host path relative to the CDK app, e.g. ./src');
  }
  if (path.isAbsolute(m.source)) {
    throw invalid(
      at,
      `${prop}.source`,
      m.source,
      "must be relative to the CDK app's directory, so the compose file works on every machine",
    );
  }
  const source = path.resolve(m.source);
  if (!fs.existsSync(source)) {
    throw invalid(at, `${prop}.source`, m.source, `does not exist (looked for ${source})`);
  }
  const stat = fs.statSync(source);
  if (!stat.isDirectory() && !stat.isFile()) {
    throw invalid(at, `${prop}.source`, m.source, 'must be a directory or a regular file');
  }
  const bad = mountPathProblem(at, `${prop}.path`, m.path);
  if (bad) throw new ValidationError(bad);
  if (m.readOnly !== undefined && typeof m.readOnly !== 'boolean') {
    throw invalid(at, `${prop}.readOnly`, m.readOnly, 'must be true or false');
  }
  if (m.selinux !== undefined && m.selinux !== 'shared' && m.selinux !== 'private') {
    throw invalid(at, `${prop}.selinux`, describeValue(m.selinux), "must be 'shared' (:z) or 'private' (:Z)");
  }
  return {
    source,
    sourceKind: stat.isDirectory() ? 'directory' : 'file',
    path: m.path as string,
    readOnly: m.readOnly ?? false,
    ...(m.selinux !== undefined ? { selinux: m.selinux } : {}),
  };
}
