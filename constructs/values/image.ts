import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { invalid } from '../errors';
import type { ImageSpec } from '../model/spec';
import { dockerfileStageNames } from '../model/dockerfile';
import { byKey } from '../model/order';

/** Options of an image built from a directory. */
export interface DirectoryImageOptions {
  /**
   * Dockerfile, relative to the directory and inside it (the cloud twin's image asset holds only the
   * directory).
   * @default 'Dockerfile'
   */
  readonly file?: string;
  /**
   * Multi-stage build target.
   * @default - the last stage, in both twins
   */
  readonly target?: string;
  /**
   * Build stage of the local twin, e.g. a `development` stage with dev tooling while the cloud builds
   * `production`; a declared difference between the twins.
   * @default - the same stage as the cloud twin (`target`)
   */
  readonly localTarget?: string;
  /**
   * Build arguments; never put a secret here, build arguments are stored in the image and the template.
   * @default - none
   */
  readonly buildArgs?: Record<string, string>;
  /**
   * Build the image for several platforms, e.g. `[Platform.LINUX_AMD64, Platform.LINUX_ARM64]`. Local: a
   * multi-platform build (compose `build.platforms`, with buildx), of which the container runs its own
   * `platform`. Cloud: the asset is built for the platform of the workload's `cpuArchitecture`, which must
   * be one of them (a Fargate task runs one architecture; another stage may choose the other).
   * @default - only the platform of the workload's `cpuArchitecture`, in both twins
   */
  readonly platforms?: Platform[];
}

const REFERENCE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const BUILD_TARGET = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** Whether `reference` is a registry image reference twinstack accepts (`[registry/]name[:tag][@digest]`). */
export function isImageReference(reference: unknown): reference is string {
  return typeof reference === 'string' && !Token.isUnresolved(reference) && REFERENCE.test(reference);
}

/**
 * The container image of a workload. Built from a directory, it becomes `ContainerImage.fromAsset` in the
 * cloud (built and pushed by `cdk deploy`) and `build:` locally; from a registry it is pulled by both twins.
 */
export abstract class Image {
  /** Builds the image from `directory` (relative to the working directory) with its Dockerfile. */
  public static fromDirectory(directory: string, options: DirectoryImageOptions = {}): Image {
    return new DirectoryImage(directory, options);
  }

  /**
   * Pulls `reference` (e.g. `public.ecr.aws/nginx/nginx:1.27` or `postgres:16@sha256:...`) in both twins.
   * With `credentials`, the cloud twin pulls from a private registry with them (ECS
   * `repositoryCredentials`; the task execution role may read the secret); locally the developer's own
   * `docker login` pulls it, which synthesis reminds of with the warning `twinstack:registry-login-needed`.
   */
  public static fromRegistry(reference: string, options: RegistryImageOptions = {}): Image {
    return new RegistryImage(reference, options);
  }

  /**
   * Runs an `ecs.ContainerImage` built or chosen elsewhere in the cloud twin, and `local` in the local twin
   * (a registry reference or another Image: the compose file cannot run an arbitrary ContainerImage). The
   * parity check reports the pair as the declared stand-in `container-image`.
   */
  public static fromContainerImage(image: ecs.ContainerImage, options: ContainerImageOptions): Image {
    return new ContainerImageBridge(image, options);
  }

  /**
   * Runs a `DockerImageAsset` created elsewhere: the cloud twin uses the asset as it is; the local twin
   * builds the same directory with the same Dockerfile, target and build arguments. An asset built with
   * what compose cannot reproduce (build contexts, secrets, SSH, outputs) is a ValidationError: use
   * `Image.fromContainerImage(ecs.ContainerImage.fromDockerImageAsset(asset), { local })` for it.
   */
  public static fromDockerImageAsset(asset: DockerImageAsset): Image {
    return new AssetImage(asset);
  }

  /**
   * Pulls a tag or digest (`sha256:...`) of an ECR repository; the task execution role is granted pull.
   * Locally the image is pulled from the same repository (log in with `aws ecr get-login-password` first).
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest = 'latest'): Image {
    return new EcrImage(repository, tagOrDigest);
  }

  /**
   * Validates the image for the workload at `path` and records it in the model.
   * @internal
   */
  public abstract _toSpec(path: string, registry?: string): ImageSpec;

  /**
   * The cloud twin's image when it is not the one the spec describes alone (credentials, a given
   * ContainerImage or asset); undefined for the others.
   * @internal
   */
  public _cloudImage(_spec: ImageSpec): ecs.ContainerImage | undefined {
    return undefined;
  }
}

/** Options of a registry image. */
export interface RegistryImageOptions {
  /**
   * Secret with the registry's user name and password (JSON `{"username": ..., "password": ...}`): a
   * Secrets Manager secret or a twinstack Secret (e.g. `Secret.fromSecretName`).
   * @default - pulled anonymously
   */
  readonly credentials?: secretsmanager.ISecret | { readonly secret: secretsmanager.ISecret };
}

/** Options of `Image.fromContainerImage`. */
export interface ContainerImageOptions {
  /** The image of the local twin: a registry reference (`"nginx:1.27"`) or an Image. */
  readonly local: string | Image;
  /**
   * How reports name the cloud image.
   * @default 'an ecs.ContainerImage'
   */
  readonly description?: string;
}

/** The Secrets Manager secret of registry credentials given as an ISecret or a twinstack Secret. */
function credentialsSecret(at: string, given: unknown): secretsmanager.ISecret {
  const isSecret = (x: unknown): x is secretsmanager.ISecret =>
    typeof x === 'object' && x !== null && typeof (x as { secretArn?: unknown }).secretArn === 'string';
  if (isSecret(given)) return given;
  const inner = (given as { secret?: unknown } | null)?.secret;
  if (isSecret(inner)) return inner;
  throw invalid(
    at,
    'image.credentials',
    given,
    'must be a secretsmanager.ISecret or a twinstack Secret holding the registry user name and password',
  );
}

/**
 * The path of the Dockerfile `file` inside the build context `directory` (as given: `given`), normalised
 * (`docker/Dockerfile`, never `../app/docker/Dockerfile`): the cloud twin stages only the directory as its
 * image asset, so a Dockerfile outside it, or a path that leaves it, would be missing there.
 */
function dockerfilePath(at: string, given: string, directory: string, file: string): string {
  if (typeof file !== 'string' || path.isAbsolute(file)) {
    throw invalid(
      at,
      'image.file',
      file,
      `is not a path relative to ${given}; give the Dockerfile's path relative to the directory`,
    );
  }
  const resolved = path.resolve(directory, file);
  const relative = path.relative(directory, resolved);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw invalid(
      at,
      'image.file',
      file,
      `is outside the build context ${given}: the cloud twin's image asset holds only the directory, so its ` +
        `build would find no Dockerfile; move the Dockerfile into the directory, or make the directory its ` +
        `parent and give the Dockerfile's path from there`,
    );
  }
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    throw invalid(
      at,
      'image.file',
      file,
      `is not a file inside ${given}; give the Dockerfile's path relative to the directory`,
    );
  }
  return relative.split(path.sep).join('/');
}

class DirectoryImage extends Image {
  constructor(
    private readonly directory: string,
    private readonly options: DirectoryImageOptions,
  ) {
    super();
  }

  public _toSpec(at: string): ImageSpec {
    if (typeof this.directory !== 'string' || this.directory.trim() === '') {
      throw invalid(
        at,
        'image.directory',
        this.directory,
        'must be the path of a directory with a Dockerfile',
      );
    }
    const directory = path.resolve(this.directory);
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
      throw invalid(at, 'image.directory', this.directory, `does not exist (looked for ${directory})`);
    }
    const file = dockerfilePath(at, this.directory, directory, this.options.file ?? 'Dockerfile');
    const dockerfile = fs.readFileSync(path.join(directory, file), 'utf8');
    const target = this.options.target;
    const localTarget = this.options.localTarget;
    const stages = dockerfileStageNames(dockerfile);
    for (const [prop, stage] of [
      ['image.target', target],
      ['image.localTarget', localTarget],
    ] as const) {
      if (stage === undefined) continue;
      if (!BUILD_TARGET.test(stage)) throw invalid(at, prop, stage, 'is not a valid build stage name');
      if (!stages.includes(stage.toLowerCase())) {
        throw invalid(
          at,
          prop,
          stage,
          `is not a stage of ${file}; its stages are ${stages.length ? stages.join(', ') : '(none named)'}`,
        );
      }
    }
    const buildArgs = this.options.buildArgs ?? {};
    for (const [key, value] of Object.entries(buildArgs)) {
      if (typeof value !== 'string' || Token.isUnresolved(value)) {
        throw invalid(at, `image.buildArgs.${key}`, value, 'must be a plain string known at synth time');
      }
    }
    let platforms: string[] | undefined;
    if (this.options.platforms !== undefined) {
      if (!Array.isArray(this.options.platforms) || this.options.platforms.length === 0) {
        throw invalid(
          at,
          'image.platforms',
          this.options.platforms,
          'must be a non-empty list of Platform values',
        );
      }
      platforms = this.options.platforms.map((p, i) => {
        const name = (p as { platform?: unknown })?.platform;
        if (typeof name !== 'string' || !PLATFORMS.includes(name)) {
          throw invalid(
            at,
            `image.platforms[${i}]`,
            name ?? p,
            `is not a platform Fargate runs; use Platform.LINUX_AMD64 or Platform.LINUX_ARM64`,
          );
        }
        return name;
      });
      platforms = [...new Set(platforms)].sort();
    }
    return {
      kind: 'directory',
      directory,
      file,
      ...(target !== undefined ? { target } : {}),
      ...(localTarget !== undefined && localTarget !== target ? { localTarget } : {}),
      buildArgs: Object.fromEntries(Object.entries(buildArgs).sort(byKey)),
      ...(platforms ? { platforms } : {}),
    };
  }
}

class RegistryImage extends Image {
  constructor(
    private readonly reference: string,
    private readonly options: RegistryImageOptions = {},
  ) {
    super();
  }

  public _cloudImage(spec: ImageSpec): ecs.ContainerImage | undefined {
    if (this.options.credentials === undefined || spec.kind !== 'registry') return undefined;
    return ecs.ContainerImage.fromRegistry(spec.reference, {
      credentials: credentialsSecret('', this.options.credentials),
    });
  }

  public _toSpec(at: string): ImageSpec {
    if (
      typeof this.reference !== 'string' ||
      Token.isUnresolved(this.reference) ||
      !REFERENCE.test(this.reference)
    ) {
      throw invalid(
        at,
        'image',
        this.reference,
        'is not an image reference; use [registry/]name[:tag][@sha256:digest], e.g. "postgres:16"',
      );
    }
    if (this.options.credentials !== undefined) credentialsSecret(at, this.options.credentials);
    return {
      kind: 'registry',
      reference: this.reference,
      ...(this.options.credentials !== undefined ? { credentials: true } : {}),
    };
  }
}

class ContainerImageBridge extends Image {
  constructor(
    private readonly image: ecs.ContainerImage,
    private readonly options: ContainerImageOptions,
  ) {
    super();
  }

  public _toSpec(at: string, registry?: string): ImageSpec {
    if (!(this.image instanceof ecs.ContainerImage)) {
      throw invalid(at, 'image', this.image, 'must be an ecs.ContainerImage');
    }
    const local = this.options?.local;
    const localImage =
      typeof local === 'string' ? Image.fromRegistry(local) : local instanceof Image ? local : undefined;
    if (localImage === undefined || localImage instanceof ContainerImageBridge) {
      throw invalid(
        at,
        'image.local',
        local,
        'is needed: the local twin cannot run an arbitrary ecs.ContainerImage; give a registry reference or an Image (Image.fromDirectory, Image.fromRegistry) it runs instead',
      );
    }
    const spec = localImage._toSpec(at, registry);
    if (spec.kind === 'ecr') {
      throw invalid(
        at,
        'image.local',
        local,
        'is an ECR image; give the ECR image itself to the workload (Image.fromEcrRepository), or a registry reference as local',
      );
    }
    return { ...spec, cloudImage: this.options.description ?? 'an ecs.ContainerImage' };
  }

  public _cloudImage(): ecs.ContainerImage {
    return this.image;
  }
}

/** Asset options compose cannot reproduce locally (private fields of DockerImageAsset, read at synth). */
const UNREPRODUCIBLE = ['dockerBuildContexts', 'dockerBuildSecrets', 'dockerBuildSsh', 'dockerOutputs'];

class AssetImage extends Image {
  constructor(private readonly asset: DockerImageAsset) {
    super();
  }

  public _toSpec(at: string): ImageSpec {
    const asset = this.asset as unknown as Record<string, unknown>;
    const node = this.asset?.node;
    const staging = (node?.tryFindChild('Staging') as { sourcePath?: unknown } | undefined)?.sourcePath;
    if (typeof staging !== 'string' || typeof asset.imageUri !== 'string') {
      throw invalid(
        at,
        'image',
        node?.path ?? asset,
        'is not a DockerImageAsset built from a directory; the local twin builds the same directory, so give one (or use Image.fromContainerImage with a local image)',
      );
    }
    for (const option of UNREPRODUCIBLE) {
      const value = asset[option];
      if (value !== undefined && !(typeof value === 'object' && Object.keys(value as object).length === 0)) {
        throw invalid(
          at,
          'image',
          node.path,
          `is built with ${option.replace(/^docker/, '').replace(/^./, (c) => c.toLowerCase())}, which the local twin's compose build cannot reproduce; use Image.fromContainerImage(ecs.ContainerImage.fromDockerImageAsset(asset), { local }) with an image it can run`,
        );
      }
    }
    const file = typeof asset.dockerfilePath === 'string' ? asset.dockerfilePath : 'Dockerfile';
    const target = typeof asset.dockerBuildTarget === 'string' ? asset.dockerBuildTarget : undefined;
    const args = (asset.dockerBuildArgs ?? {}) as Record<string, string>;
    return {
      ...new DirectoryImage(staging, {
        file,
        ...(target !== undefined ? { target } : {}),
        buildArgs: args,
      })._toSpec(at),
    };
  }

  public _cloudImage(): ecs.ContainerImage {
    return ecs.ContainerImage.fromDockerImageAsset(this.asset);
  }
}

/** An image in an ECR repository; the cloud renderer needs the repository itself for the pull grant. */
export class EcrImage extends Image {
  constructor(
    public readonly repository: ecr.IRepository,
    public readonly tagOrDigest: string,
  ) {
    super();
  }

  /** @internal */
  public _toSpec(at: string, registry?: string): ImageSpec {
    const name = this.repository.repositoryName;
    if (Token.isUnresolved(name)) {
      throw invalid(
        at,
        'image.repository',
        '(a token)',
        'must have a name known at synth time so the local twin can pull it; import it with Repository.fromRepositoryName',
      );
    }
    const ref = this.tagOrDigest;
    // A repository of another account or region (imported by ARN) is pulled from its own registry.
    const host = this.ownRegistry() ?? registry;
    if (DIGEST.test(ref))
      return { kind: 'ecr', repositoryName: name, digest: ref, ...(host ? { registry: host } : {}) };
    if (!TAG.test(ref)) throw invalid(at, 'image.tag', ref, 'is not a valid tag or sha256 digest');
    return { kind: 'ecr', repositoryName: name, tag: ref, ...(host ? { registry: host } : {}) };
  }

  /** The registry host of the repository's own account and region, when both are known at synth time. */
  private ownRegistry(): string | undefined {
    const env = (this.repository as { env?: { account?: string; region?: string } }).env;
    const account = env?.account;
    const region = env?.region;
    if (!account || !region || Token.isUnresolved(account) || Token.isUnresolved(region)) return undefined;
    return `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  }
}
