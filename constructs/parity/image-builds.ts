import * as fs from 'fs';
import * as path from 'path';

/** How the cloud twin builds one container-image asset, as its asset manifest records it. */
export interface CloudImageBuild {
  /** Absolute path of the directory `cdk deploy` builds from (the staged copy inside the assembly, usually). */
  readonly directory: string;
  /** Whether `directory` is the copy staged into the cloud assembly rather than the source itself. */
  readonly staged: boolean;
  readonly file: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platform?: string;
}

/**
 * The container-image assets of asset manifests (`<stack>.assets.json`), by content hash. Staged
 * directories (`asset.<hash>`) are resolved against `assemblyDirectory`.
 */
export function readImageBuilds(
  manifests: readonly unknown[],
  assemblyDirectory: string,
): Map<string, CloudImageBuild> {
  const builds = new Map<string, CloudImageBuild>();
  for (const manifest of manifests) {
    const images = (manifest as { dockerImages?: Record<string, { source?: Record<string, unknown> }> })
      ?.dockerImages;
    for (const [hash, entry] of Object.entries(images ?? {})) {
      const source = entry.source ?? {};
      if (typeof source.directory !== 'string') continue;
      const staged = !path.isAbsolute(source.directory);
      builds.set(hash, {
        directory: path.resolve(assemblyDirectory, source.directory),
        staged,
        file: typeof source.dockerFile === 'string' ? source.dockerFile : 'Dockerfile',
        ...(typeof source.dockerBuildTarget === 'string' ? { target: source.dockerBuildTarget } : {}),
        buildArgs: (source.dockerBuildArgs as Record<string, string> | undefined) ?? {},
        ...(typeof source.platform === 'string' ? { platform: source.platform } : {}),
      });
    }
  }
  return builds;
}

/** Reads every `*.assets.json` in a cloud assembly directory (not nested assemblies). */
export function readAssetManifests(assemblyDirectory: string): unknown[] {
  if (!fs.existsSync(assemblyDirectory)) return [];
  return fs
    .readdirSync(assemblyDirectory)
    .filter((f) => f.endsWith('.assets.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(assemblyDirectory, f), 'utf8')));
}

/**
 * Whether the local build context is the directory the cloud image is built from. A staged asset is a copy
 * of its source without the files `.dockerignore` excludes, so every staged file must exist in the local
 * context with the same bytes; an unstaged asset names its source directory, which must be the same path.
 * Returns the first file that differs, or undefined when they agree.
 */
export function buildContextDifference(cloud: CloudImageBuild, localContext: string): string | undefined {
  const local = path.resolve(localContext);
  if (!cloud.staged) return path.resolve(cloud.directory) === local ? undefined : cloud.directory;
  if (!fs.existsSync(cloud.directory)) return undefined; // the staged copy is gone: nothing to compare with
  if (!fs.existsSync(local) || !fs.statSync(local).isDirectory()) return '.';
  const walk = (relative: string): string | undefined => {
    const from = path.join(cloud.directory, relative);
    for (const entry of fs
      .readdirSync(from, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const there = path.join(local, rel);
      if (entry.isDirectory()) {
        if (!fs.existsSync(there) || !fs.statSync(there).isDirectory()) return rel;
        const inner = walk(rel);
        if (inner) return inner;
      } else {
        if (!fs.existsSync(there) || !fs.statSync(there).isFile()) return rel;
        if (!fs.readFileSync(path.join(cloud.directory, rel)).equals(fs.readFileSync(there))) return rel;
      }
    }
    return undefined;
  };
  return walk('');
}
