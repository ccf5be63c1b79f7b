import * as path from 'path';
import { compareStrings } from '../../model/order';
import { assetHashOf, CloudContainer } from '../cloud-twin';
import { literal, type ComposeBuild, type ComposeService } from '../compose-twin';
import { buildContextDifference, CloudImageBuild } from '../image-builds';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';

/**
 * Compares the image of a workload: the registry reference both twins pull, or the asset the cloud builds
 * with the local build (Dockerfile, target, arguments, platforms, context).
 */
export function compareImage(
  ctx: ParityContext,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const hash = assetHashOf(c.image);
  const build = local.build;
  const declared = ctx.spec?.workloads.find((w) => w.name === name)?.image;
  if (declared && declared.kind !== 'ecr' && declared.cloudImage !== undefined) {
    const localText = build ? `build ${build.context}` : literal(literal(local.image ?? ''));
    return [
      standIn(
        name,
        'image',
        hash ? `asset ${hash.slice(0, 12)}` : c.image,
        localText,
        'container-image',
        `the model runs ${declared.cloudImage} in the cloud and another image locally (Image.fromContainerImage)`,
      ),
    ];
  }
  if (build) {
    const localText = `build ${build.context}${build.dockerfile ? ` -f ${build.dockerfile}` : ''}${build.target ? ` --target ${build.target}` : ''}`;
    if (!hash)
      return [
        problem(
          name,
          'image',
          c.image,
          localText,
          'the cloud twin pulls an image; the local twin builds one',
        ),
      ];
    const cloudBuild = ctx.options.imageBuilds?.get(hash);
    if (!cloudBuild) {
      ctx.notes.push(
        `${name}: the build of asset ${hash.slice(0, 12)} is not in an asset manifest; only its kind was compared`,
      );
      return [same(name, 'image', `asset ${hash.slice(0, 12)}`, localText)];
    }
    const cloudText = `asset ${hash.slice(0, 12)}${cloudBuild.file !== 'Dockerfile' ? ` -f ${cloudBuild.file}` : ''}${cloudBuild.target ? ` --target ${cloudBuild.target}` : ''}`;
    const out = _compareBuild(ctx, name, cloudBuild, cloudText, build, local);
    return out.length ? out : [same(name, 'image', cloudText, localText)];
  }
  if (local.image === undefined)
    return [problem(name, 'image', c.image, undefined, 'the local twin has neither image nor build')];
  // Decoded twice (`$$$$` reads as `$`), so that reports stay as they are.
  const localImage = literal(literal(local.image));
  if (hash)
    return [
      problem(
        name,
        'image',
        `asset ${hash.slice(0, 12)}`,
        localImage,
        'the cloud twin builds an image; the local twin pulls one',
      ),
    ];
  if (localImage === c.image) return [same(name, 'image', c.image, localImage)];
  const cloudEcr = _ecrTail(c.image);
  const localEcr = _ecrTail(localImage);
  if (cloudEcr !== undefined && cloudEcr === localEcr) return [same(name, 'image', c.image, localImage)];
  return [problem(name, 'image', c.image, localImage, 'the twins run different images')];
}

/** The differences between the cloud twin's asset build and the local build; none when they agree. */
function _compareBuild(
  ctx: ParityContext,
  name: string,
  cloudBuild: CloudImageBuild,
  cloudText: string,
  build: ComposeBuild,
  local: ComposeService,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const file = literal(build.dockerfile) ?? 'Dockerfile';
  if (file !== cloudBuild.file)
    out.push(
      problem(name, 'image.dockerfile', cloudBuild.file, file, 'the twins build different Dockerfiles'),
    );
  if (build.target !== cloudBuild.target) {
    const declared = ctx.spec?.workloads.find((w) => w.name === name)?.image;
    const declaredStages =
      declared?.kind === 'directory' &&
      declared.localTarget !== undefined &&
      declared.localTarget === build.target &&
      declared.target === cloudBuild.target;
    out.push(
      declaredStages
        ? standIn(
            name,
            'image.target',
            cloudBuild.target,
            literal(build.target),
            'build-stage',
            'the model builds another stage locally (localTarget)',
          )
        : problem(
            name,
            'image.target',
            cloudBuild.target,
            literal(build.target),
            'the twins build different stages',
          ),
    );
  }
  const args = Object.fromEntries(Object.entries(build.args).map(([k, v]) => [k, literal(v)]));
  if (_stable(args) !== _stable(cloudBuild.buildArgs))
    out.push(
      problem(
        name,
        'image.buildArgs',
        _stable(cloudBuild.buildArgs),
        _stable(args),
        'the twins build with different arguments',
      ),
    );
  if (cloudBuild.platform && local.platform && cloudBuild.platform !== local.platform)
    out.push(
      problem(
        name,
        'image.platform',
        cloudBuild.platform,
        local.platform,
        'the twins build for different platforms',
      ),
    );
  if (build.platforms !== undefined) {
    const platforms = build.platforms;
    out.push(
      cloudBuild.platform && platforms.includes(cloudBuild.platform)
        ? standIn(
            name,
            'image.platforms',
            cloudBuild.platform,
            platforms.join(', '),
            'build-platforms',
            'the local twin builds every platform; the cloud builds the one its tasks run on',
          )
        : problem(
            name,
            'image.platforms',
            cloudBuild.platform,
            platforms.join(', '),
            'the cloud builds a platform the local build does not',
          ),
    );
  }
  const context = path.resolve(ctx.options.composeDirectory ?? process.cwd(), build.context);
  const differs = buildContextDifference(cloudBuild, context);
  if (differs !== undefined)
    out.push(
      problem(
        name,
        'image.context',
        cloudText,
        `build ${build.context}`,
        `the build contexts differ (first at ${differs})`,
      ),
    );
  return out;
}

/** `repository:tag` or `repository@digest` of an ECR image reference, without the registry host. */
function _ecrTail(image: string): string | undefined {
  return /\.dkr\.ecr\.[^/]+\/(.+)$/.exec(image)?.[1];
}

function _stable(record: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(record).sort((a, b) => compareStrings(a[0], b[0]))),
  );
}
