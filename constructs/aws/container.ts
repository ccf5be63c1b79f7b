import { AspectPriority, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { EcrImage, Image } from '../values/image';
import type { CpuArchitectureName, ImageSpec, WorkloadSpec } from '../model/spec';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';

/** Files of a build context that hold local secrets (`.env`, `.env.local`, ...), left out of image assets. */
export const LOCAL_SECRET_FILES: readonly string[] = ['.env', '.env.*', '!.env.example'];

/** The ECS image of a workload's image spec. */
export function containerImage(image: Image, spec: ImageSpec, arch: CpuArchitectureName): ecs.ContainerImage {
  const own = image._cloudImage(spec);
  if (own) return own;
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

/**
 * The ECS secret of a start-time variable read from an SSM parameter: the parameter imported once per
 * workload (`scope`) and name; ECS grants the task's execution role the reading of it.
 */
export function parameterSecret(scope: Construct, parameterName: string): ecs.Secret {
  // Construct ids hold no '/': the name is encoded, so that '/a-b' and '/a/b' stay two parameters.
  const id = `StartParameter:${encodeURIComponent(parameterName)}`;
  const parameter =
    (scope.node.tryFindChild(id) as ssm.IStringParameter | undefined) ??
    ssm.StringParameter.fromStringParameterName(scope, id, parameterName);
  return ecs.Secret.fromSsmParameter(parameter);
}

/** The ECS secret of a twinstack secret reference. */
export function ecsSecret(reference: SecretSource): ecs.Secret {
  return ecs.Secret.fromSecretsManager(reference.secret.secret, reference.field);
}

/**
 * Container options shared by services and jobs, from the workload's spec (environment, secrets and
 * dependencies are added by the caller as they are declared): the image, the process, its user and the
 * read-only root filesystem; the caller gives the memory (see `workloadMemory`) and adds the writable paths.
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
    readonlyRootFilesystem: spec.readOnlyRootFilesystem === true,
    logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: spec.name }),
    ...extra,
  };
}

/**
 * A container's dotenv files as S3 assets (the values stay in the file, never in the template), each an
 * asset of its own in the task definition, and the execution role's permission to fetch exactly those
 * objects, which ECS needs to start the task. aws-cdk-lib's `EnvironmentFile.fromAsset` does neither: it
 * names every asset of a container alike (two files collide) and grants nothing.
 */
export function environmentFileOptions(
  taskDefinition: ecs.TaskDefinition,
  spec: WorkloadSpec,
): Pick<ecs.ContainerDefinitionOptions, 'environmentFiles'> {
  const files = spec.environmentFiles ?? [];
  if (files.length === 0) return {};
  const role = taskDefinition.obtainExecutionRole();
  return {
    environmentFiles: files.map((f, i) => {
      const asset = new s3assets.Asset(taskDefinition, `EnvironmentFile-${spec.name}-${i}`, { path: f.file });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [asset.bucket.bucketArn] }),
      );
      return ecs.EnvironmentFile.fromBucket(asset.bucket, asset.s3ObjectKey);
    }),
  };
}

/** The built-in CloudFormation validator's rule for `${...}` outside `Fn::Sub`, as acknowledgements name it. */
const EMBEDDED_PARAMETER_RULE = 'CloudFormation-Validate::E1029';

const EMBEDDED_PARAMETER_REASON =
  "ECS passes container definitions literally: a '${...}' in a command, an entrypoint, an environment value " +
  "or a health check is a variable the container's shell expands, never one for CloudFormation to substitute, " +
  'so it must reach ECS unchanged rather than in an Fn::Sub.';

const EMBEDDED = /\$\{[^}]*\}/;

/** Whether a resolved template value holds `${...}` in a string that is not the template of an `Fn::Sub`. */
function hasEmbeddedParameter(value: unknown): boolean {
  if (typeof value === 'string') return EMBEDDED.test(value);
  if (Array.isArray(value)) return value.some(hasEmbeddedParameter);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, v]) => key !== 'Fn::Sub' && hasEmbeddedParameter(v));
  }
  return false;
}

/** Task definitions whose container definitions are already checked for `${...}`. */
const CHECKED = new WeakSet<ecs.TaskDefinition>();

/**
 * Acknowledges the built-in CloudFormation validator's finding E1029 on `taskDefinition` if, once every
 * container is added, its container definitions carry a literal `${...}` (a shell variable of the
 * container, which the local twin escapes as `$${...}`). Task definitions without one get no
 * acknowledgement, so a real embedded parameter elsewhere is still reported.
 */
export function acknowledgeShellVariables(taskDefinition: ecs.TaskDefinition): void {
  if (CHECKED.has(taskDefinition)) return;
  CHECKED.add(taskDefinition);
  Aspects.of(taskDefinition).add(
    {
      visit(node: IConstruct): void {
        if (node !== taskDefinition) return;
        const cfn = taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
        if (hasEmbeddedParameter(Stack.of(taskDefinition).resolve(cfn.containerDefinitions))) {
          Validations.of(taskDefinition).acknowledge({
            id: EMBEDDED_PARAMETER_RULE,
            reason: EMBEDDED_PARAMETER_REASON,
          });
        }
      },
    },
    // After every mutating aspect, so the container definitions are final.
    { priority: AspectPriority.READONLY },
  );
}
