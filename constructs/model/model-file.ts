import * as path from 'path';
import type { ApplicationSpec, WorkloadSpec } from './spec';

/** Version of the model file format written into the cloud assembly. */
export const MODEL_FILE_VERSION = 1;

/**
 * Serialises the model for the command-line tool. Build contexts are stored relative to `directory` (the
 * cloud assembly), so the file is free of machine-specific paths.
 */
export function modelToJson(app: ApplicationSpec, directory: string): string {
  const relocate = (w: WorkloadSpec): WorkloadSpec =>
    w.image.kind === 'directory'
      ? {
          ...w,
          image: {
            ...w.image,
            directory: path.relative(directory, w.image.directory).split(path.sep).join('/') || '.',
          },
        }
      : w;
  return `${JSON.stringify({ version: MODEL_FILE_VERSION, application: { ...app, workloads: app.workloads.map(relocate) } }, null, 2)}\n`;
}

/** Reads a model file written by `modelToJson` from `directory`, making build contexts absolute again. */
export function modelFromJson(json: string, directory: string): ApplicationSpec {
  const parsed = JSON.parse(json) as { version: number; application: ApplicationSpec };
  if (parsed.version !== MODEL_FILE_VERSION) {
    throw new Error(
      `model file version ${parsed.version} is not supported; this twinstack reads version ${MODEL_FILE_VERSION}`,
    );
  }
  const app = parsed.application;
  return {
    ...app,
    loadBalancers: app.loadBalancers ?? [],
    workloads: app.workloads.map((w) =>
      w.image.kind === 'directory'
        ? { ...w, image: { ...w.image, directory: path.resolve(directory, w.image.directory) } }
        : w,
    ),
  };
}
