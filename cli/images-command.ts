import * as fs from 'fs';
import * as path from 'path';
import { DescribeImagesCommand, DescribeRegistryCommand, ECRClient, ImageDetail } from '@aws-sdk/client-ecr';
import {
  DEFAULT_LOCK_FILE,
  ecrRegistryHost,
  ImageLockFile,
  imageLockKey,
} from '../constructs/model/image-lock';
import { compareStrings } from '../constructs/model/order';
import {
  ASSEMBLY_OPTIONS,
  ASSEMBLY_USAGE,
  AWS_OPTIONS,
  AWS_USAGE,
  commandOptions,
  SELECTION_OPTIONS,
} from './args';
import { AssemblyApplication, matchingApplications, readApplications, withAssembly } from './assembly';
import { applicationEnvironment, StackEnvironment } from './assembly-files';
import { awsError, clientConfig, clientRegion } from './aws';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { withSdkWarningOnce } from './sdk-warning';
import { ExitCode, exitCodesUsage } from './exit-codes';

const USAGE = `Usage: twinstack images [options]

Checks that every ECR image the application references exists (images pulled from ECR repositories and
the container assets cdk deploy pushes) and shows each one's digest and scan findings. With --lock,
writes the digest of every tag to a lock file, so a later synthesis can pin exactly these images (with
--stack or --application, the entries the file holds for other applications are kept). The region is
the stack's (from its environment) unless --region names one.

Options:
  -s, --stack ID           only the applications of this stack (artifact id)
  -a, --application NAME   only this application
      --lock               write the digests of the tagged images to the lock file
      --lock-file FILE     the lock file (default: twinstack.lock.json)
${AWS_USAGE}
${ASSEMBLY_USAGE}
  -h, --help               show this help

${exitCodesUsage({ ok: 'every image exists', finding: 'an image is missing', aws: true })}`;

/** One ECR image an application references. */
export interface EcrImageReference {
  /** Account of the registry; the caller's own when absent. */
  readonly registryId?: string;
  /** Region of the registry; the client's when absent. */
  readonly region?: string;
  readonly repositoryName: string;
  readonly tag?: string;
  readonly digest?: string;
  /** The tag a lock file pinned to `digest`. */
  readonly lockedTag?: string;
  /** Workloads (or assets) that use it. */
  readonly usedBy: readonly string[];
  /** A container asset (content-addressed, built by cdk deploy). */
  readonly asset: boolean;
}

const ECR_HOST =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** `twinstack images`: existence, digests and scan findings of the application's ECR images. */
export async function imagesCommand(argv: string[], io: CliIo): Promise<number> {
  const values = commandOptions(
    argv,
    {
      ...SELECTION_OPTIONS,
      lock: { type: 'boolean' },
      'lock-file': { type: 'string' },
      ...AWS_OPTIONS,
      ...ASSEMBLY_OPTIONS,
    },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const { references, environment, stacks } = await withAssembly(io, values, (assembly) => {
    const apps = matchingApplications(readApplications(assembly), values.application, values.stack);
    if (apps.length === 0) throw new CliError('no application matches; check --stack and --application');
    return {
      references: ecrReferences(apps),
      environment: sharedEnvironment(apps, values.region === undefined),
      stacks: [...new Set(apps.map((a) => a.stack))].map((s) => `stack ${s}`).join(', '),
    };
  });
  if (references.length === 0) {
    io.out.write('the application references no ECR image\n');
    return ExitCode.OK;
  }

  // The stacks' own region unless --region names another; the SDK's chain for environment-agnostic stacks.
  const config = clientConfig({ region: values.region ?? environment.region, profile: values.profile });
  const clients = new Map<string, ECRClient>();
  const clientFor = (region?: string) => {
    const key = region ?? '';
    if (!clients.has(key)) {
      const client = withSdkWarningOnce(io.env, () => new ECRClient(region ? { ...config, region } : config));
      clients.set(key, client);
    }
    return clients.get(key)!;
  };
  if (references.some((r) => r.region === undefined || r.repositoryName.includes('${AWS::Region}')))
    await clientRegion(clientFor(), stacks);
  let account: string | undefined = environment.account;
  const rows: string[][] = [];
  const lock: Record<string, ImageLockFile['images'][string]> = {};
  let missing = 0;
  for (const ref of references) {
    let repositoryName = ref.repositoryName;
    if (repositoryName.includes('${AWS::')) {
      account ??= await registryAccount(clientFor());
      const region = await clientFor().config.region();
      repositoryName = repositoryName.replace('${AWS::AccountId}', account).replace('${AWS::Region}', region);
    }
    // A tag pinned by the lock file is checked by its digest; `--lock` resolves the tag again.
    const tag = ref.tag ?? ref.lockedTag;
    const byTag = ref.tag !== undefined || (values.lock === true && tag !== undefined);
    const name = byTag
      ? `${repositoryName}:${tag}`
      : `${repositoryName}@${ref.digest}${ref.lockedTag ? ` (${ref.lockedTag})` : ''}`;
    const query = byTag
      ? { repositoryName, tag, registryId: ref.registryId }
      : { repositoryName, digest: ref.digest, registryId: ref.registryId };
    const detail = await describeImage(clientFor(ref.region), query, name);
    if (!detail) {
      missing++;
      rows.push([name, 'MISSING', '-', '-', ref.usedBy.join(', ')]);
      continue;
    }
    rows.push([
      name,
      detail.imageDigest?.slice(0, 19) ?? '-',
      detail.imagePushedAt?.toISOString().slice(0, 10) ?? '-',
      scanSummary(detail),
      ref.usedBy.join(', '),
    ]);
    if (tag !== undefined && !ref.asset && detail.imageDigest) {
      const registry = ref.registryId
        ? ecrRegistryHost(ref.registryId, ref.region ?? (await clientFor().config.region()))
        : undefined;
      lock[imageLockKey({ registry, repositoryName, tag })] = {
        repository: repositoryName,
        tag,
        digest: detail.imageDigest,
        ...(ref.registryId ? { registryId: ref.registryId } : {}),
        ...(ref.region ? { region: ref.region } : {}),
      };
    }
  }
  io.out.write(table(['image', 'digest', 'pushed', 'scan findings', 'used by'], rows));
  if (values.lock) {
    const file = path.resolve(io.cwd, values['lock-file'] ?? DEFAULT_LOCK_FILE);
    // Locking one stack or application keeps what the file holds for the others.
    const partial = values.stack !== undefined || values.application !== undefined;
    const kept = partial ? readLockEntries(file) : {};
    const images = { ...kept, ...lock };
    const content: ImageLockFile = {
      version: 1,
      images: Object.fromEntries(Object.entries(images).sort((a, b) => compareStrings(a[0], b[0]))),
    };
    fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
    const others = Object.keys(kept).filter((k) => !(k in lock)).length;
    io.out.write(
      `wrote ${path.relative(io.cwd, file) || file}: ${Object.keys(lock).length} tag${Object.keys(lock).length === 1 ? '' : 's'} resolved to digests${others ? `, ${others} of other applications kept` : ''}\n`,
    );
  }
  if (missing > 0) {
    io.err.write(
      `twinstack: ${missing} image${missing === 1 ? '' : 's'} missing from ECR; push ${missing === 1 ? 'it' : 'them'} (cdk deploy pushes container assets)\n`,
    );
    return ExitCode.FINDING;
  }
  return ExitCode.OK;
}

/**
 * The environment the stacks of `apps` share: their account and region where every stack names the same
 * (none where one is environment-agnostic). Stacks in different regions are an error unless `--region`
 * chose one (`needRegion` false), since the images are looked up in one region.
 */
function sharedEnvironment(apps: readonly AssemblyApplication[], needRegion: boolean): StackEnvironment {
  const environments = new Map(apps.map((a) => [a.stack, applicationEnvironment(a)]));
  const only = (key: 'account' | 'region') => {
    const values = new Set([...environments.values()].map((e) => e[key]));
    return values.size === 1 ? [...values][0] : undefined;
  };
  const regions = new Set([...environments.values()].map((e) => e.region));
  if (needRegion && regions.size > 1) {
    const each = [...environments].map(([stack, e]) => `${stack}: ${e.region ?? "the SDK's default"}`);
    throw new CliError(
      `the selected stacks deploy to different regions (${each.join(', ')}); choose one with --stack, or pass --region`,
    );
  }
  const account = only('account');
  const region = only('region');
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** The entries of an existing lock file, to keep them; none when there is no file. */
function readLockEntries(file: string): ImageLockFile['images'] {
  if (!fs.existsSync(file)) return {};
  let content: Partial<ImageLockFile>;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file} is not JSON (${(e as Error).message}); remove it or fix it, then lock again`);
  }
  if (content?.version !== 1 || typeof content.images !== 'object' || content.images === null) {
    throw new CliError(`${file} is not a twinstack lock file of version 1; remove it, then lock again`);
  }
  return content.images;
}

/** Every ECR image the applications reference: their ECR images, ECR registry references and container assets. */
export function ecrReferences(apps: readonly AssemblyApplication[]): EcrImageReference[] {
  const found = new Map<string, EcrImageReference>();
  const add = (ref: Omit<EcrImageReference, 'usedBy'>, user: string) => {
    const key = JSON.stringify([
      ref.registryId,
      ref.region,
      ref.repositoryName,
      ref.tag,
      ref.digest,
      ref.lockedTag,
    ]);
    const prev = found.get(key);
    found.set(key, { ...ref, usedBy: [...new Set([...(prev?.usedBy ?? []), user])] });
  };
  for (const app of apps) {
    for (const w of app.spec.workloads) {
      const image = w.image;
      if (image.kind === 'ecr') {
        const host = image.registry ? /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\./.exec(image.registry) : null;
        add(
          {
            repositoryName: image.repositoryName,
            ...(image.tag ? { tag: image.tag } : {}),
            ...(image.digest ? { digest: image.digest } : {}),
            ...(image.lockedTag ? { lockedTag: image.lockedTag } : {}),
            ...(host ? { registryId: host[1], region: host[2] } : {}),
            asset: false,
          },
          w.name,
        );
      } else if (image.kind === 'registry') {
        const m = ECR_HOST.exec(image.reference);
        if (m) {
          add(
            {
              registryId: m[1],
              region: m[2],
              repositoryName: m[3],
              ...(m[5] ? { digest: m[5] } : { tag: m[4] ?? 'latest' }),
              ...(image.lockedTag ? { lockedTag: image.lockedTag } : {}),
              asset: false,
            },
            w.name,
          );
        }
      }
    }
    // The stack's own asset manifest; an app's container assets are the images of its stack.
    const manifestFile = path.join(path.dirname(app.file), `${app.stack}.assets.json`);
    const manifest = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : {};
    const assets: Record<
      string,
      { destinations?: Record<string, { repositoryName: string; imageTag: string }> }
    > = manifest.dockerImages ?? {};
    for (const [hash, image] of Object.entries(assets)) {
      for (const d of Object.values(image.destinations ?? {})) {
        add({ repositoryName: d.repositoryName, tag: d.imageTag, asset: true }, `asset ${hash.slice(0, 12)}`);
      }
    }
  }
  return [...found.values()].sort((a, b) =>
    compareStrings(`${a.repositoryName}:${a.tag}`, `${b.repositoryName}:${b.tag}`),
  );
}

async function registryAccount(client: ECRClient): Promise<string> {
  try {
    const res = await client.send(new DescribeRegistryCommand({}));
    if (!res.registryId) throw new CliError('ECR did not name the registry account');
    return res.registryId;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw awsError(e, 'read the ECR registry id (ecr:DescribeRegistry)');
  }
}

async function describeImage(
  client: ECRClient,
  ref: { repositoryName: string; registryId?: string; tag?: string; digest?: string },
  name: string,
): Promise<ImageDetail | undefined> {
  try {
    const res = await client.send(
      new DescribeImagesCommand({
        repositoryName: ref.repositoryName,
        ...(ref.registryId ? { registryId: ref.registryId } : {}),
        imageIds: [ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag }],
      }),
    );
    return res.imageDetails?.[0];
  } catch (e) {
    const code = (e as { name?: string }).name;
    if (code === 'ImageNotFoundException' || code === 'RepositoryNotFoundException') return undefined;
    throw awsError(e, `describe image ${name} (ecr:DescribeImages)`);
  }
}

function scanSummary(detail: ImageDetail): string {
  const counts = detail.imageScanFindingsSummary?.findingSeverityCounts;
  if (counts && Object.keys(counts).length) {
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'];
    return Object.entries(counts)
      .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  }
  const status = detail.imageScanStatus?.status;
  return status === 'COMPLETE' ? 'no findings' : status ? `scan ${status}` : 'not scanned';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
