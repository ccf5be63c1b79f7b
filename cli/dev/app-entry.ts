import * as path from 'path';
import { CliError } from '../cli-error';
import { shellWords } from '../import/shell-words';

/** Files Node loads as the app's entry module: JavaScript, or TypeScript through a loader. */
const ENTRY = /\.(c?[jt]s)$/;

/**
 * The entry module of the app `command` runs (cdk.json's `app`), as an absolute path: the last file of a
 * JavaScript or TypeScript module named in its last command, which is how every form the CDK templates
 * and users write names it (`npx ts-node --prefer-ts-exts bin/app.ts`, `npx tsx bin/app.ts`,
 * `node dist/bin/app.js`, `tsc && node dist/bin/app.js`). Undefined when it names none.
 */
export function entryOfCommand(command: string, cwd: string): string | undefined {
  const segments = command.split(/&&|\|\||;/);
  for (let i = segments.length - 1; i >= 0; i--) {
    const words = shellWords(segments[i].trim())?.words ?? [];
    const file = [...words].reverse().find((w) => ENTRY.test(w) && !w.startsWith('-'));
    if (file) return path.resolve(cwd, file);
  }
  return undefined;
}

/**
 * The app's entry module: `--entry` when given, else the one cdk.json's app command names; an error that
 * says how to name it otherwise. Whether it exists is the warm process's to say: a compiled `.js` that is
 * not built yet is fine when its TypeScript source is there (see TypeScriptLoader.sourceOf).
 */
export function appEntry(cwd: string, command: string, explicit: string | undefined): string {
  const entry = explicit !== undefined ? path.resolve(cwd, explicit) : entryOfCommand(command, cwd);
  if (entry === undefined)
    throw new CliError(
      `cannot tell the app's entry module from its command "${command}"; name it with --entry FILE (e.g. --entry bin/app.ts)`,
    );
  if (!ENTRY.test(entry))
    throw new CliError(`--entry ${explicit}: give a .ts or .js module (the file that creates the CDK App)`);
  return entry;
}
