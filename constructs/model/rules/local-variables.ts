import type { ValidationProblem } from '../../errors';
import type { SecretReferenceSpec } from '../spec';
import type { RuleContext } from './context';
import { problem } from './problems';

/**
 * Variables the local twin reads from `.env` for itself: the ECR registry of its images
 * (`${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com`) when the stack's account and region are not
 * known at synth time. A secret read from one of them would share its value.
 */
export const LOCAL_TWIN_VARIABLES: readonly string[] = ['AWS_ACCOUNT_ID', 'AWS_REGION'];

/**
 * Variables a user's shell (or the session, terminal and login that start it) exports. Compose takes a
 * variable from the shell's environment before `.env`, so a secret read from one of them would silently get
 * the shell's value: `USER` is the login name, not the secret.
 */
export const SHELL_VARIABLES: readonly string[] = [
  // POSIX and login: who and where.
  'USER',
  'LOGNAME',
  'HOME',
  'PATH',
  'PWD',
  'OLDPWD',
  'SHELL',
  'SHLVL',
  'HOSTNAME',
  'MAIL',
  'TMPDIR',
  'TZ',
  // Locale.
  'LANG',
  'LANGUAGE',
  // Terminal and display.
  'TERM',
  'COLORTERM',
  'TERM_PROGRAM',
  'TERM_PROGRAM_VERSION',
  'COLUMNS',
  'LINES',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'DBUS_SESSION_BUS_ADDRESS',
  'LS_COLORS',
  'TMUX',
  // Preferences many shells export.
  'EDITOR',
  'VISUAL',
  'PAGER',
  'MANPATH',
  // The shell's own (bash, zsh): prompt, ids, the last command.
  'PS1',
  'UID',
  'EUID',
  'GID',
  'PPID',
  'IFS',
  '_',
];

/**
 * Families of variables set by the shell's session or read by the tools the local twin runs with: `LC_*`
 * (locale), `XDG_*` (desktop session), `SSH_*` (an SSH login or agent), `SUDO_*` (a shell under sudo),
 * `COMPOSE_*` (Compose's own settings), `DOCKER_*` and `BUILDKIT_*`/`BUILDX_*` (the Docker CLI and its
 * builder) and `AWS_*` (the AWS CLI and SDKs, which twinstack users have configured in their shell).
 */
export const SHELL_VARIABLE_PREFIXES: readonly string[] = [
  'LC_',
  'XDG_',
  'SSH_',
  'SUDO_',
  'COMPOSE_',
  'DOCKER_',
  'BUILDKIT_',
  'BUILDX_',
  'AWS_',
];

/** What Compose can interpolate as `${NAME}`: a `.` ends the name, and `-` starts a default value. */
const COMPOSE_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Which reservation `variable` falls under: the local twin's own variables, or the name or family (`DOCKER_*`)
 * of the shell's. Compared in upper case: on Windows the environment ignores case.
 */
function reservation(
  variable: string,
): { readonly by: 'local twin' | 'shell'; readonly entry: string } | undefined {
  const name = variable.toUpperCase();
  if (LOCAL_TWIN_VARIABLES.includes(name)) return { by: 'local twin', entry: name };
  if (SHELL_VARIABLES.includes(name)) return { by: 'shell', entry: name };
  const family = SHELL_VARIABLE_PREFIXES.find((p) => name.startsWith(p));
  return family !== undefined ? { by: 'shell', entry: `${family}*` } : undefined;
}

/** Whether the local twin cannot read a secret from `variable` as the user's own. */
export function isReservedLocalVariable(variable: string): boolean {
  return !COMPOSE_VARIABLE.test(variable) || reservation(variable) !== undefined;
}

/** How to read the secret from a variable of its own instead. */
function remedy(suggestion: string): string {
  return `read it from another variable with the localVariable option, e.g. secret.value({ localVariable: '${suggestion}' }) or Secret.fromSecretName(scope, id, name, { localVariable: '${suggestion}' }) (a data service's variables follow its name: rename it)`;
}

/**
 * The one text of the rule: a secret at `path` read locally from `variable` (under `prop`) would not get
 * the value the user puts in `.env`. Undefined when the variable is the application's own.
 */
export function localVariableProblem(
  path: string,
  prop: string,
  variable: string,
): ValidationProblem | undefined {
  if (!COMPOSE_VARIABLE.test(variable)) {
    return problem(
      path,
      prop,
      variable,
      `is a local variable Compose cannot interpolate (\${A.B} is invalid, \${A-B} reads A with the default "B"); use letters, digits and "_" only: ${remedy(variable.replace(/[^A-Za-z0-9_]/g, '_'))}`,
    );
  }
  const reserved = reservation(variable);
  if (reserved === undefined) return undefined;
  const suggestion = `APP_${variable.toUpperCase()}`;
  return problem(
    path,
    prop,
    variable,
    reserved.by === 'local twin'
      ? `is read from .env by the local twin itself (its ECR images come from \${AWS_ACCOUNT_ID}.dkr.ecr.\${AWS_REGION}.amazonaws.com), so the secret would share that value; ${remedy(suggestion)}`
      : `is set in the environment Compose runs in (${reserved.entry}: by the shell and its session, or for Compose, Docker or the AWS tools), and Compose prefers that value to .env, so the secret would silently get it; ${remedy(suggestion)}`,
  );
}

/**
 * The one text of the rule for a prefix of local variables: with `prefix`, every field of the secret would
 * be read from a variable of a shell, Compose or the AWS tools.
 */
export function localVariablePrefixProblem(path: string, prefix: string): ValidationProblem | undefined {
  const family = SHELL_VARIABLE_PREFIXES.find((p) => prefix.toUpperCase().startsWith(p));
  if (family === undefined) return undefined;
  return problem(
    path,
    'localVariablePrefix',
    prefix,
    `makes every field's local variable a ${family}* variable, set in the environment Compose runs in (by the shell and its session, or for Compose, Docker or the AWS tools), which Compose prefers to .env; choose a prefix of the application's own, e.g. 'APP_${prefix.toUpperCase()}'`,
  );
}

/** Every secret the local twin reads from `.env` is read from a variable only the application sets. */
export function checkLocalVariables(ctx: RuleContext): void {
  const reported = new Set<string>();
  const check = (path: string, prop: string, ref: SecretReferenceSpec) => {
    const key = `${path}\0${ref.localVariable}`;
    const found = reported.has(key) ? undefined : localVariableProblem(path, prop, ref.localVariable);
    if (!found) return;
    reported.add(key);
    ctx.errors.push(found);
  };
  for (const ds of ctx.app.dataServices ?? []) {
    for (const [key, ref] of Object.entries(ds.local.secrets)) check(ds.path, `local.secrets.${key}`, ref);
    if (ds.values.password) check(ds.path, 'values.password', ds.values.password);
  }
  for (const w of ctx.app.workloads) {
    for (const [key, ref] of Object.entries(w.secrets)) check(w.path, `secrets.${key}`, ref);
  }
}
