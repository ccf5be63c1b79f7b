import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { EcrImage, Image } from '../values/image';
import type { CpuArchitectureName, ImageSpec, WorkloadSpec } from '../model/spec';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** Files of a build context that hold local secrets (`.env`, `.env.local`, ...), left out of image assets. */
export const LOCAL_SECRET_FILES: readonly string[] = ['.env', '.env.*', '!.env.example'];

/** The ECS image of a workload's image spec. */
export function containerImage(image: Image, spec: ImageSpec, arch: CpuArchitectureName): ecs.ContainerImage {
  switch (spec.kind) {
    case 'directory':
      return ecs.ContainerImage.fromAsset(spec.directory, {
        // The local twin's secrets live in .env files; the cloud assembly's copy of the context must not.
        exclude: [...LOCAL_SECRET_FILES],
        file: spec.file,
        ...(spec.target ? { target: spec.target } : {}),
        buildArgs: { ...spec.buildArgs },
        platform: arch === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
      });
    case 'registry':
      return ecs.ContainerImage.fromRegistry(spec.reference);
    case 'ecr':
      return ecs.ContainerImage.fromEcrRepository((image as EcrImage).repository, spec.digest ?? spec.tag);
  }
}

/** A secret as a container reads it: the Secrets Manager secret, and the JSON key inside it, if any. */
export interface SecretSource {
  readonly secret: { readonly secret: secretsmanager.ISecret };
  readonly field: string | undefined;
}

/** The ECS secret of a twinstack secret reference. */
export function ecsSecret(reference: SecretSource): ecs.Secret {
  return ecs.Secret.fromSecretsManager(reference.secret.secret, reference.field);
}

/**
 * Container options shared by services and jobs, from the workload's spec (environment, secrets and
 * dependencies are added by the caller as they are declared).
 */
export function containerOptions(
  image: Image,
  spec: WorkloadSpec,
  logGroup: logs.ILogGroup,
  extra: Partial<ecs.ContainerDefinitionOptions>,
): ecs.ContainerDefinitionOptions {
  return {
    containerName: spec.name,
    image: containerImage(image, spec.image, spec.cpuArchitecture),
    ...(spec.command ? { command: [...spec.command] } : {}),
    ...(spec.entrypoint ? { entryPoint: [...spec.entrypoint] } : {}),
    ...(spec.workingDirectory ? { workingDirectory: spec.workingDirectory } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: spec.name }),
    ...extra,
  };
}
