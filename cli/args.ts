import { parseArgs, ParseArgsConfig } from 'util';
import { CliError } from './cli-error';

/** Parses a command's options strictly; a bad option is a usage error (exit code 2) that shows `usage`. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${usage}`, 2);
  }
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
    throw new CliError(`--${name} ${value} is not a number of seconds\n\n${usage}`, 2);
  return n;
}
