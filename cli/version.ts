import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './cli-error';

/**
 * The version of the installed package, read from its package.json when asked: the file is found by
 * climbing from this module's directory, so it is the same from the sources (`cli/`) and from the build
 * (`dist/cli/`).
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'twinstack' && typeof manifest.version === 'string') return manifest.version;
    }
    if (path.dirname(dir) === dir) {
      throw new CliError(`cannot tell the version: no package.json of twinstack above ${from}`);
    }
  }
}
