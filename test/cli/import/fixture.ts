import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComposeImportError, loadCompose, LoadComposeOptions, LoadedCompose } from '../../../cli/import';

/** Writes `files` (name → text) into a new temporary directory and returns it. */
export function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-import-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Loads `compose.yaml` (and any other files listed in `options.files`) of a project written from `files`. */
export function load(
  files: Record<string, string>,
  options: Partial<LoadComposeOptions> & { names?: string[] } = {},
): LoadedCompose & { dir: string } {
  const dir = project(files);
  const names = options.names ?? ['compose.yaml'];
  const loaded = loadCompose({
    ...options,
    files: names.map((n) => path.join(dir, n)),
    ...(options.envFile !== undefined && { envFile: path.join(dir, options.envFile) }),
  });
  return Object.assign(loaded, { dir });
}

/** The ComposeImportError loading a project throws, with its location relative to the project. */
export function loadError(
  files: Record<string, string>,
  options: Partial<LoadComposeOptions> & { names?: string[] } = {},
): {
  message: string;
  file?: string;
  line?: number;
} {
  try {
    load(files, options);
  } catch (e) {
    if (!(e instanceof ComposeImportError)) throw e;
    const file = e.location ? path.basename(e.location.file) : undefined;
    return { message: e.reason, file, line: e.location?.line };
  }
  throw new Error('expected a ComposeImportError');
}
