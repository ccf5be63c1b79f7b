import * as fs from 'fs';
import * as path from 'path';
import { invalid } from '../errors';
import type { ImageSpec } from './spec';

/** One tag of an ECR repository resolved to the digest it pointed at. */
export interface ImageLockEntry {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** Account of the registry; absent for the deploying account's own registry. */
  readonly registryId?: string;
  /** Region of the registry; absent for the deploying region. */
  readonly region?: string;
}

/**
 * The lock file `twinstack images --lock` writes (`twinstack.lock.json`) and synthesis reads: every ECR
 * tag an application uses, resolved to a digest, so that the stages deploy exactly the images that were
 * checked (an immutable promote) even when the tag moves on.
 */
export interface ImageLockFile {
  readonly version: 1;
  /** `[registry/]repository:tag` to the digest it pointed at. */
  readonly images: Readonly<Record<string, ImageLockEntry>>;
}

/** The lock file's name in the working directory, read by default when it exists. */
export const DEFAULT_LOCK_FILE = 'twinstack.lock.json';

/** Context key naming the lock file (`cdk synth -c twinstack:lockFile=prod.lock.json`); `none` reads none. */
export const LOCK_FILE_CONTEXT = 'twinstack:lockFile';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The registry host of an ECR registry. */
export function ecrRegistryHost(registryId: string, region: string): string {
  return `${registryId}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** The lock file key of an ECR tag: `repository:tag`, prefixed by `host/` for a named registry. */
export function imageLockKey(ref: { registry?: string; repositoryName: string; tag: string }): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.repositoryName}:${ref.tag}`;
}

/** A lock file, read and checked: the digest of each locked tag. */
export class ImageLock {
  /** Reads and checks `file`; errors name `at` (the application's path) and the file. */
  public static read(at: string, file: string): ImageLock {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw invalid(
        at,
        'lockFile',
        file,
        `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); write it with \`twinstack images --lock\``,
      );
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (e) {
      throw invalid(at, 'lockFile', file, `is not JSON (${(e as Error).message})`);
    }
    const doc = content as Partial<ImageLockFile> | null;
    if (typeof doc !== 'object' || doc === null || doc.version !== 1) {
      throw invalid(
        at,
        'lockFile',
        file,
        'is not a twinstack lock file of version 1 ({"version": 1, "images": {...}}); write it again with `twinstack images --lock`',
      );
    }
    if (typeof doc.images !== 'object' || doc.images === null || Array.isArray(doc.images)) {
      throw invalid(at, 'lockFile', file, 'has no "images" object');
    }
    const digests = new Map<string, string>();
    for (const [key, entry] of Object.entries(doc.images)) {
      const digest = (entry as Partial<ImageLockEntry> | null)?.digest;
      if (typeof digest !== 'string' || !DIGEST.test(digest)) {
        throw invalid(
          at,
          `lockFile.images["${key}"].digest`,
          digest,
          `is not a sha256 digest (sha256: and 64 hex digits); in ${file}`,
        );
      }
      const tag = key.lastIndexOf(':');
      if (tag <= 0 || key.slice(tag + 1).includes('/')) {
        throw invalid(
          at,
          `lockFile.images["${key}"]`,
          key,
          `is not a [registry/]repository:tag key; in ${file}`,
        );
      }
      digests.set(key, digest);
    }
    return new ImageLock(path.resolve(file), digests);
  }

  private constructor(
    /** Absolute path of the lock file. */
    public readonly file: string,
    private readonly digests: ReadonlyMap<string, string>,
  ) {}

  /**
   * The image `spec` pinned to the digest the lock file holds for its tag, for an ECR image by tag or a
   * registry reference to an ECR repository by tag (`key` is then its lock file key, `pinned` whether the
   * file holds it). Any other image is returned as it is, without a key.
   */
  public pin(spec: ImageSpec): { readonly spec: ImageSpec; readonly key?: string; readonly pinned: boolean } {
    if (spec.kind === 'ecr' && spec.tag !== undefined && spec.digest === undefined) {
      const key = imageLockKey({
        registry: spec.registry,
        repositoryName: spec.repositoryName,
        tag: spec.tag,
      });
      const digest = this.digests.get(key);
      if (!digest) return { spec, key, pinned: false };
      const pinned: ImageSpec = {
        kind: 'ecr',
        repositoryName: spec.repositoryName,
        digest,
        lockedTag: spec.tag,
        ...(spec.registry ? { registry: spec.registry } : {}),
      };
      return { spec: pinned, key, pinned: true };
    }
    if (spec.kind === 'registry') {
      const m = /^([^/]+)\/([^:@]+)(?::([^@]+))?$/.exec(spec.reference);
      if (!m || !ECR_HOST.test(m[1])) return { spec, pinned: false };
      const tag = m[3] ?? 'latest';
      const key = imageLockKey({ registry: m[1], repositoryName: m[2], tag });
      const digest = this.digests.get(key);
      if (!digest) return { spec, key, pinned: false };
      return {
        spec: { ...spec, kind: 'registry', reference: `${m[1]}/${m[2]}@${digest}`, lockedTag: tag },
        key,
        pinned: true,
      };
    }
    return { spec, pinned: false };
  }
}
