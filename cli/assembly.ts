import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCAL_TWIN_ONLY_CONTEXT, LOCAL_TWIN_ONLY_ENV } from '../constructs/synthesis/local-twin-only';
import { modelFromJson } from '../constructs/model/model-file';
import type { ApplicationSpec } from '../constructs/model/spec';
import { byName } from '../constructs/model/order';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { progress, SYNTHESIS_PROGRESS_DELAY_MS, SYNTHESIS_PROGRESS_INTERVAL_MS } from './progress';

/** One application model found in a cloud assembly. */
export interface AssemblyApplication {
  readonly spec: ApplicationSpec;
  /** The model file it was read from. */
  readonly file: string;
  /** Artifact id of the stack that holds it. */
  readonly stack: string;
}

/**
 * What a failed app printed, for the user: an uncaught ValidationError or ParityError is the library telling
 * what in the app is wrong, so only its message is shown (not the source line and stack Node prints with
 * it); anything else is shown whole.
 */
export function synthesisFailure(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /^(ValidationError|ParityError): /.test(l));
  if (start < 0) return output;
  const end = lines.findIndex((l, i) => i > start && /^\s+at /.test(l));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .join('\n')
    .trimEnd();
}

/**
 * The error of a failed synthesis, with what the app printed (see synthesisFailure). A ParityError is a
 * finding (the twins disagree), exit code 1; any other failure means the command could not run.
 */
export function synthesisError(command: string, output: string): CliError {
  const shown = synthesisFailure(output.trim());
  const parity = /^ParityError: /m.test(shown);
  return new CliError(
    `synthesis failed (${command}):\n${shown}`,
    parity ? ExitCode.FINDING : ExitCode.CANNOT_RUN,
  );
}

/** The command, output directory and environment of one synthesis (see synthesize). */
interface SynthesisRun {
  readonly command: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The app's `cdk.json` (none: `{}`), as the CDK CLI reads it. */
export function readCdkJson(cwd: string): {
  app?: string;
  context?: Record<string, unknown>;
  watch?: unknown;
} {
  const cdkJsonPath = path.join(cwd, 'cdk.json');
  return fs.existsSync(cdkJsonPath) ? JSON.parse(fs.readFileSync(cdkJsonPath, 'utf8')) : {};
}

/** The command that runs the app: `appCommand`, else the `app` entry of `cdk.json`. */
export function appCommandOf(cwd: string, appCommand: string | undefined): string {
  const command = appCommand ?? readCdkJson(cwd).app;
  if (!command)
    throw new CliError(
      `no app to synthesize: pass --app "<command>" or --assembly <dir>, or run in a directory with a cdk.json`,
    );
  return command;
}

/**
 * The variables a synthesis into `outdir` gives the app, as the CDK CLI does: the output directory and the
 * context (committed lookups of `cdk.context.json`, then `cdk.json`'s context, then `context`), with the
 * built-in CloudFormation validation off, and local-twin-only synthesis when asked for.
 */
export function synthesisVariables(
  cwd: string,
  outdir: string,
  context: Record<string, unknown>,
  options: { readonly localTwinOnly?: boolean },
): Record<string, string> {
  // Committed lookups (e.g. availability zones of stacks with an account and region), as `cdk synth` reads them.
  const cdkContextPath = path.join(cwd, 'cdk.context.json');
  const lookups = fs.existsSync(cdkContextPath) ? JSON.parse(fs.readFileSync(cdkContextPath, 'utf8')) : {};
  return {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({
      ...lookups,
      ...(readCdkJson(cwd).context ?? {}),
      ...(options.localTwinOnly ? LOCAL_TWIN_ONLY_CONTEXT : {}),
      ...context,
    }),
    CDK_VALIDATION: 'false',
    [LOCAL_TWIN_ONLY_ENV]: options.localTwinOnly ? '1' : '',
  };
}

function synthesisRun(
  cwd: string,
  env: NodeJS.ProcessEnv,
  appCommand: string | undefined,
  context: Record<string, unknown>,
  options: { readonly localTwinOnly?: boolean },
): SynthesisRun {
  const command = appCommandOf(cwd, appCommand);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-'));
  return { command, outdir, env: { ...env, ...synthesisVariables(cwd, outdir, context, options) } };
}

/**
 * Synthesises the CDK app into a temporary cloud assembly, as `cdk synth` would: the app command comes from
 * `appCommand` or the `app` entry of `cdk.json`, the context from `cdk.json` and `context`. The built-in
 * CloudFormation validation is skipped because only the model is read. With `localTwinOnly`, the app writes
 * only the model files (see LOCAL_TWIN_ONLY_ENV): no templates, no parity check.
 */
export function synthesize(
  cwd: string,
  env: NodeJS.ProcessEnv,
  appCommand?: string,
  context: Record<string, unknown> = {},
  options: { readonly localTwinOnly?: boolean } = {},
): string {
  const run = synthesisRun(cwd, env, appCommand, context, options);
  const result = spawnSync(run.command, { cwd, shell: true, encoding: 'utf8', env: run.env });
  if (result.status !== 0) throw synthesisError(run.command, result.stderr || result.stdout || '');
  return run.outdir;
}

/**
 * `synthesize`, without blocking: a synthesis that takes more than a few seconds says so on standard
 * error when it is a terminal (see progress).
 */
export async function synthesizeWithProgress(
  io: CliIo,
  appCommand?: string,
  context: Record<string, unknown> = {},
  options: { readonly localTwinOnly?: boolean } = {},
): Promise<string> {
  const run = synthesisRun(io.cwd, io.env, appCommand, context, options);
  const stop = progress(io).whileRunning(
    `synthesizing the app (${run.command})`,
    (seconds) => `still synthesizing (${seconds} s)`,
    SYNTHESIS_PROGRESS_DELAY_MS,
    SYNTHESIS_PROGRESS_INTERVAL_MS,
  );
  try {
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(run.command, { cwd: io.cwd, shell: true, env: run.env });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      },
    );
    if (result.status !== 0) throw synthesisError(run.command, result.stderr || result.stdout || '');
    return run.outdir;
  } catch (e) {
    fs.rmSync(run.outdir, { recursive: true, force: true });
    if (e instanceof CliError) throw e;
    throw new CliError(`synthesis failed (${run.command}): ${(e as Error).message}`);
  } finally {
    stop();
  }
}

/**
 * The cloud assembly directory given with `--assembly`, resolved against `cwd`: it must exist and hold a
 * `manifest.json` (what `cdk synth` writes) or a twinstack model (what `twinstack compose` synthesizes).
 */
export function existingAssembly(cwd: string, dir: string): string {
  const full = path.resolve(cwd, dir);
  if (!fs.existsSync(full) || !fs.statSync(full).isDirectory()) {
    throw new CliError(
      `cloud assembly ${dir} does not exist; give the directory cdk synth wrote (e.g. cdk.out)`,
    );
  }
  const hasModel = () => fs.readdirSync(full).some((f) => f.endsWith('.twinstack.json'));
  if (!fs.existsSync(path.join(full, 'manifest.json')) && !hasModel()) {
    throw new CliError(
      `${dir} is not a cloud assembly: it has no manifest.json; give the directory cdk synth wrote (e.g. cdk.out)`,
    );
  }
  return full;
}

/** Where a command gets its cloud assembly: the values of its `--app` and `--assembly` options. */
export interface AssemblySource {
  /** Command that runs the CDK app; the `app` entry of `cdk.json` when absent. */
  readonly app?: string;
  /** An existing cloud assembly to read instead of synthesizing. */
  readonly assembly?: string;
}

/** How `withAssembly` synthesizes, when it does (see `synthesize`). */
export interface SynthesisOptions {
  /** Context for the app, over `cdk.json`'s. */
  readonly context?: Record<string, unknown>;
  /** Write only the model files: no templates, no parity check. */
  readonly localTwinOnly?: boolean;
}

/**
 * Runs `read` on a command's cloud assembly: the existing one given with `--assembly`, or the app
 * synthesized into a temporary assembly, removed once `read` returns or throws.
 */
export async function withAssembly<T>(
  io: CliIo,
  source: AssemblySource,
  read: (assembly: string) => T | Promise<T>,
  synthesis: SynthesisOptions = {},
): Promise<T> {
  const assembly = source.assembly
    ? existingAssembly(io.cwd, source.assembly)
    : await synthesizeWithProgress(io, source.app, synthesis.context, synthesis);
  try {
    return await read(assembly);
  } finally {
    if (!source.assembly) fs.rmSync(assembly, { recursive: true, force: true });
  }
}

/** Every application model in the assembly at `dir`, including nested stage assemblies. */
export function readApplications(dir: string): AssemblyApplication[] {
  if (!fs.existsSync(dir)) throw new CliError(`cloud assembly ${dir} does not exist`);
  const found: AssemblyApplication[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort(byName)) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && entry.name.startsWith('assembly-')) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.twinstack.json')) {
        const spec = modelFromJson(fs.readFileSync(full, 'utf8'), d);
        const stack = entry.name.slice(0, -`.${spec.name}.twinstack.json`.length);
        found.push({ spec, file: full, stack });
      }
    }
  };
  walk(dir);
  return found;
}

/** Picks the application named `name` in stack `stack` (either may be omitted), or the only one. */
export function selectApplication(
  apps: readonly AssemblyApplication[],
  name?: string,
  stack?: string,
): AssemblyApplication {
  const label = (a: AssemblyApplication) => `${a.spec.name} (stack ${a.stack})`;
  if (apps.length === 0) throw new CliError('the app defines no twinstack Application');
  const matches = matchingApplications(apps, name, stack);
  if (matches.length === 1) return matches[0];
  const wanted = [
    name !== undefined ? `named '${name}'` : '',
    stack !== undefined ? `in stack '${stack}'` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (matches.length === 0) {
    throw new CliError(`no application ${wanted}; the app defines ${apps.map(label).join(', ')}`);
  }
  throw new CliError(
    `the app defines several applications${wanted ? ` ${wanted}` : ''} (${matches.map(label).join(', ')}); choose one with --application or --stack`,
  );
}

/** The applications named `name` in stack `stack`; either may be omitted. */
export function matchingApplications(
  apps: readonly AssemblyApplication[],
  name?: string,
  stack?: string,
): AssemblyApplication[] {
  return apps.filter(
    (a) => (name === undefined || a.spec.name === name) && (stack === undefined || a.stack === stack),
  );
}
