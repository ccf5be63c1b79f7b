import * as fs from 'fs';
import * as path from 'path';

/**
 * The twinstack project root, found from this file whether it runs from TypeScript sources or from the
 * compiled `dist/` tree, so example build contexts resolve the same way in both.
 */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'twinstack')
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`cannot find the twinstack project root above ${__dirname}`);
  }
}

/** Absolute path of a file or directory under `lib/examples/`. */
export function examplePath(...parts: string[]): string {
  return path.join(projectRoot(), 'lib', 'examples', ...parts);
}
