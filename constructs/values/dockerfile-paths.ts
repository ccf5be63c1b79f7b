import * as fs from 'fs';
import * as path from 'path';
import { dockerfileStageInstructions } from '../model/dockerfile';
import type { ImageSpec } from '../model/spec';

/**
 * The paths of the image built from `image` that a mount at `mountPath` hides: the WORKDIR and the COPY
 * and ADD destinations of the stage the local twin builds (its `localTarget`, `target`, or the last stage)
 * that are `mountPath` or below it. Empty when the Dockerfile cannot be read.
 */
export function hiddenImagePaths(
  image: Extract<ImageSpec, { kind: 'directory' }>,
  mountPath: string,
): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(image.directory, image.file), 'utf8');
  } catch {
    return [];
  }
  const stage = dockerfileStageInstructions(text, image.localTarget ?? image.target);
  const found: string[] = [];
  let workdir = '/';
  for (const instruction of stage) {
    const [keyword, ...rest] = instruction.split(/[ \t]+/);
    const kind = keyword.toUpperCase();
    if (kind === 'WORKDIR' && rest.length > 0) {
      workdir = path.posix.resolve(workdir, rest.join(' '));
      found.push(`WORKDIR ${workdir}`);
    } else if (kind === 'COPY' || kind === 'ADD') {
      const args = rest.filter((w) => !w.startsWith('--'));
      let destination: string | undefined;
      const json = args.join(' ');
      if (json.startsWith('[')) {
        try {
          const list = JSON.parse(json) as unknown[];
          destination =
            typeof list[list.length - 1] === 'string' ? (list[list.length - 1] as string) : undefined;
        } catch {
          destination = undefined;
        }
      } else if (args.length >= 2) destination = args[args.length - 1];
      if (destination !== undefined && !destination.includes('$'))
        found.push(`${kind} ${path.posix.resolve(workdir, destination)}`);
    }
  }
  const mount = path.posix.resolve(mountPath);
  return [
    ...new Set(
      found.filter((f) => {
        const p = f.slice(f.indexOf(' ') + 1);
        return p === mount || p.startsWith(`${mount === '/' ? '' : mount}/`);
      }),
    ),
  ];
}
