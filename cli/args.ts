import { parseArgs, ParseArgsConfig } from 'util';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { ExitCode } from './exit-codes';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type OptionValues<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'];

/** `-h`/`--help`, which every command takes. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** `--app` and `--assembly`: where a command gets its cloud assembly (see `withAssembly`). */
export const ASSEMBLY_OPTIONS = { app: { type: 'string' }, assembly: { type: 'string' } } as const;

/** The help lines of ASSEMBLY_OPTIONS. */
export const ASSEMBLY_USAGE = `      --app COMMAND        command that runs the CDK app (default: "app" in cdk.json)
      --assembly DIR       read an existing cloud assembly (cdk.out) instead of synthesizing`;

/** `-a`/`--application` and `-s`/`--stack`: which applications of the assembly a command works on. */
export const SELECTION_OPTIONS = {
  application: { type: 'string', short: 'a' },
  stack: { type: 'string', short: 's' },
} as const;

/** `--region` and `--profile`, of the commands that call AWS (see `clientConfig`). */
export const AWS_OPTIONS = { region: { type: 'string' }, profile: { type: 'string' } } as const;

/** The help lines of AWS_OPTIONS. */
export const AWS_USAGE = `      --region REGION      AWS region (default: the stack's environment, else the
                           SDK's chain, e.g. AWS_REGION)
      --profile NAME       AWS profile (default: the SDK's chain, e.g. AWS_PROFILE)`;

/**
 * Parses a command's options strictly, with `-h`/`--help` added; a bad option is a usage error (exit code
 * 2) that shows `usage`. With `--help` it writes `usage` and returns undefined: the command then exits 0.
 */
export function commandOptions<T extends OptionsConfig>(
  argv: string[],
  options: T,
  usage: string,
  io: CliIo,
): OptionValues<T & typeof HELP_OPTION> | undefined {
  const all: T & typeof HELP_OPTION = { ...options, ...HELP_OPTION };
  let values: OptionValues<T & typeof HELP_OPTION>;
  try {
    values = parseArgs({ args: argv, options: all, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${usage}`, ExitCode.CANNOT_RUN);
  }
  if ((values as { help?: boolean }).help) {
    io.out.write(usage);
    return undefined;
  }
  return values;
}

/** A whole number option, or the fallback; anything else is a usage error. */
export function numberOption(
  value: string | undefined,
  name: string,
  fallback: number,
  usage: string,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError(`--${name} ${value} is not a number of seconds\n\n${usage}`, ExitCode.CANNOT_RUN);
  return n;
}
