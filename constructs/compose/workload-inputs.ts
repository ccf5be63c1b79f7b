import * as path from 'path';
import type { WorkloadSpec } from '../model/spec';
import type { ComposeBindVolume, ComposeWatch } from './compose-types';

/** A path of the developer's machine as the compose file names it: relative to the compose file's directory. */
export function relativeToCompose(outputDirectory: string, file: string): string {
  const relative = path.relative(outputDirectory, file).split(path.sep).join('/');
  return relative === '' ? '.' : relative.startsWith('..') ? relative : `./${relative}`;
}

/** The compose `volumes` entries of a workload's bind mounts (`type: bind`, long syntax). */
export function bindVolumes(
  w: WorkloadSpec,
  outputDirectory: string,
  escape: (text: string) => string,
): ComposeBindVolume[] {
  return (w.bindMounts ?? []).map((m) => ({
    type: 'bind' as const,
    source: escape(relativeToCompose(outputDirectory, m.source)),
    target: m.path,
    ...(m.readOnly ? { read_only: true } : {}),
    ...(m.selinux !== undefined
      ? { bind: { selinux: m.selinux === 'shared' ? ('z' as const) : ('Z' as const) } }
      : {}),
  }));
}

/** The compose `develop.watch` rules of a workload, paths relative to the compose file; none without settings. */
export function developWatch(
  w: WorkloadSpec,
  outputDirectory: string,
  escape: (text: string) => string,
): ComposeWatch[] {
  return (w.development?.watch ?? []).map((r) => ({
    action: r.action,
    path: escape(relativeToCompose(outputDirectory, r.path)),
    ...(r.target !== undefined ? { target: escape(r.target) } : {}),
    ...(r.ignore?.length ? { ignore: r.ignore.map(escape) } : {}),
  }));
}

/** The compose `env_file` of a workload: its dotenv files, relative to the compose file, in order. */
export function environmentFiles(
  w: WorkloadSpec,
  outputDirectory: string,
  escape: (text: string) => string,
): string[] {
  return (w.environmentFiles ?? []).map((f) => escape(relativeToCompose(outputDirectory, f.file)));
}

/**
 * The compose values of a workload's start-time variables: `${VAR:-default}` (the default's `$` doubled),
 * or `${VAR:?VAR must be set}` when required, each recorded for `.env.example`.
 */
export function startVariableValues(
  w: WorkloadSpec,
  variables: Map<string, string>,
  escape: (text: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(w.startVariables ?? {})) {
    const earlier = variables.get(v.variable);
    const description =
      v.default !== undefined
        ? `start-time variable of ${w.name} (${key}), default ${JSON.stringify(v.default)}; the cloud twin's value comes from the stage setting, CDK context or default at synth`
        : `required start-time variable of ${w.name} (${key}); the cloud twin's value comes from the stage setting or CDK context at synth`;
    variables.set(v.variable, earlier === undefined ? description : `${earlier}; ${description}`);
    out[key] =
      v.default !== undefined
        ? `\${${v.variable}:-${escapeDefault(v.default, escape)}}`
        : `\${${v.variable}:?${v.variable} must be set}`;
  }
  return out;
}

/** A default inside `${VAR:-...}`: `$` doubled, and `}` (which would end the expression) is not allowed. */
function escapeDefault(text: string, escape: (text: string) => string): string {
  return escape(text);
}
