import * as path from 'path';
import type { StartVariableSpec, WorkloadSpec } from '../../model/spec';
import { literal, type ComposeService } from '../compose-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/**
 * Compares what a workload takes from the developer's machine or from when it starts: bind mounts (local
 * only, nothing in the cloud), start-time variables (interpolated locally, a synth-time value in the cloud)
 * and dotenv files (compose `env_file`, ECS `environmentFiles`). The model declares each; a twin that
 * lacks one, or has it in another form, is an error.
 */
export function compareLocalInputs(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const w = ctx.spec?.workloads.find((x) => x.name === name);
  if (!w) return [];
  return [
    ...compareBindMounts(ctx, name, w, i, local),
    ...compareStartVariables(name, w, i, local),
    ...compareEnvironmentFiles(ctx, name, w, i, local),
    ...compareDevelopment(ctx, name, w, local),
  ];
}

/** A watch rule in one comparable form: action, absolute host path, target, ignores. */
function describeWatch(rule: {
  action: string;
  path: string;
  target?: string;
  ignore?: readonly string[];
}): string {
  const ignore = rule.ignore?.length ? ` ignoring ${rule.ignore.join(', ')}` : '';
  return `${rule.action} ${rule.path}${rule.target !== undefined ? ` -> ${rule.target}` : ''}${ignore}`;
}

/**
 * The development settings: compose `develop.watch` must hold exactly the model's rules (the cloud twin
 * has nothing of them, which is the stand-in `development`); a watch the model does not declare is an
 * error too.
 */
function compareDevelopment(
  ctx: ParityContext,
  name: string,
  w: WorkloadSpec,
  local: ComposeService,
): ParityEntry[] {
  const wanted = (w.development?.watch ?? []).map(describeWatch);
  const here = local.watch.map((r) =>
    describeWatch({
      action: r.action,
      path: fromCompose(ctx, r.path),
      ...(r.target !== undefined ? { target: literal(r.target) } : {}),
      ignore: r.ignore.map((p) => literal(p)),
    }),
  );
  if (wanted.length === 0 && here.length === 0) return [];
  const localText = here.length ? here.join('; ') : undefined;
  const cloudText = 'the image as built';
  if (wanted.length === 0)
    return [
      problem(
        name,
        'develop.watch',
        cloudText,
        localText,
        'the local twin watches files the model declares no development settings for',
      ),
    ];
  if (JSON.stringify([...here].sort()) !== JSON.stringify([...wanted].sort()))
    return [
      problem(
        name,
        'develop.watch',
        cloudText,
        localText,
        `the model watches ${wanted.join('; ')}; the local twin's develop.watch differs`,
      ),
    ];
  return [
    standIn(
      name,
      'develop.watch',
      cloudText,
      localText,
      'development',
      'files synced, rebuilt or restarted while compose watches; the cloud runs the image as built',
    ),
  ];
}

function fromCompose(ctx: ParityContext, file: string): string {
  return path.resolve(ctx.options.composeDirectory ?? process.cwd(), literal(file));
}

function compareBindMounts(
  ctx: ParityContext,
  name: string,
  w: WorkloadSpec,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  return (w.bindMounts ?? []).map((m) => {
    const field = `volumes[${m.path}]`;
    const l = local.mounts.get(m.path);
    const cloud = i.container.mounts.find((c) => c.path === m.path);
    const cloudText = cloud ? `task volume ${cloud.volume}` : 'the image’s files';
    const localText = l ? `${l.type} ${l.source}${l.readOnly ? ' (read-only)' : ''}` : undefined;
    if (cloud)
      return problem(name, field, cloudText, localText, 'a bind mount of the model is mounted in the cloud');
    if (!l || l.type !== 'bind')
      return problem(
        name,
        field,
        cloudText,
        localText,
        `the model bind-mounts ${m.source} here; the local twin does not`,
      );
    if (fromCompose(ctx, l.source) !== m.source || l.readOnly !== m.readOnly)
      return problem(
        name,
        field,
        cloudText,
        localText,
        `the model bind-mounts ${m.source}${m.readOnly ? ' read-only' : ''}; the local twin mounts another source or mode`,
      );
    return standIn(
      name,
      field,
      cloudText,
      localText,
      'bind-mount',
      'a host path locally; Fargate has the image’s files',
    );
  });
}

/** `${VAR:-default}` or `${VAR:?message}` as the local twin writes it: the variable and its default. */
const INTERPOLATION = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*)|:\?.*)\}$/s;

/** A start-time variable the cloud twin reads from an SSM parameter: an ECS secret from that parameter. */
function compareParameterVariable(
  name: string,
  field: string,
  v: StartVariableSpec,
  i: WorkloadInstance,
  here: string,
): ParityEntry {
  const key = field.slice('environment.'.length);
  const source = i.container.secretSources[key];
  const parameter = v.parameterName!;
  const arnSuffix = `:parameter${parameter.startsWith('/') ? parameter : `/${parameter}`}`;
  if (i.container.environment[key] !== undefined)
    return problem(
      name,
      field,
      i.container.environment[key],
      here,
      `the cloud twin should read it from the SSM parameter ${parameter} when a task starts, not set it at synth`,
    );
  if (source === undefined || !source.endsWith(arnSuffix))
    return problem(
      name,
      field,
      source,
      here,
      `the cloud twin should read it from the SSM parameter ${parameter} when a task starts`,
    );
  return standIn(
    name,
    field,
    `SSM parameter ${parameter} (when a task starts)`,
    here,
    'start-variable',
    'given when the application starts',
  );
}

function compareStartVariables(
  name: string,
  w: WorkloadSpec,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  return Object.entries(w.startVariables ?? {}).map(([key, v]) => {
    const field = `environment.${key}`;
    const cloud = i.container.environment[key];
    const here = local.environment[key];
    const m = here === undefined ? null : INTERPOLATION.exec(here);
    const localDefault = m?.[2] === undefined ? undefined : literal(m[2]);
    const want = v.default !== undefined ? `\${${v.variable}:-${v.default}}` : `\${${v.variable}} (required)`;
    if (!m || m[1] !== v.variable || localDefault !== v.default)
      return problem(
        name,
        field,
        cloud,
        here,
        `the model reads ${want} when the application starts; the local twin does not`,
      );
    if (v.cloudSource === 'ssm-parameter') return compareParameterVariable(name, field, v, i, here!);
    if (cloud === undefined) return problem(name, field, undefined, here, 'the cloud twin does not set it');
    if (v.cloudSource === 'default' && cloud !== v.default)
      return problem(
        name,
        field,
        cloud,
        here,
        `the cloud twin should have the default ${JSON.stringify(v.default)}`,
      );
    return standIn(
      name,
      field,
      `${cloud} (${v.cloudSource} at synth)`,
      here,
      'start-variable',
      'given when the application starts',
    );
  });
}

function compareEnvironmentFiles(
  ctx: ParityContext,
  name: string,
  w: WorkloadSpec,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const files = w.environmentFiles ?? [];
  const cloud = i.container.environmentFiles ?? [];
  const here = local.environmentFiles ?? [];
  if (files.length === 0 && cloud.length === 0 && here.length === 0) return [];
  const describe = (list: readonly string[]) => (list.length ? list.join(', ') : undefined);
  const wanted = files.map((f) => f.file);
  const localFiles = here.map((f) => fromCompose(ctx, f));
  if (JSON.stringify(localFiles) !== JSON.stringify(wanted))
    return [
      problem(
        name,
        'environmentFiles',
        describe(cloud),
        describe(here),
        `the model reads ${describe(wanted) ?? 'no files'}; the local twin's env_file differs`,
      ),
    ];
  if (
    cloud.length !== files.length ||
    cloud.some((c) => !c.endsWith(path.extname(files[cloud.indexOf(c)]?.file ?? '')))
  )
    return [
      problem(
        name,
        'environmentFiles',
        describe(cloud),
        describe(here),
        `the model reads ${files.length} file(s); the cloud twin's environmentFiles differ`,
      ),
    ];
  return [
    standIn(
      name,
      'environmentFiles',
      describe(cloud),
      describe(here),
      'environment-file',
      'the same dotenv file: an S3 asset in the cloud, env_file locally',
    ),
  ];
}
