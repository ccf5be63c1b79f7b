import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  DescribeImagesCommand,
  DescribeRegistryCommand,
  ECRClient,
  ECRServiceException,
  ImageNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { Application, Image, Service } from '../../constructs';
import { main } from '../../cli/main';
import { recordingIo } from '../support/cli-io';
import { testApp } from '../support/test-app';

// An app with an ECR image by tag, one from an ECR registry reference by digest, a built image (a container
// asset) and a Docker Hub image (not ECR: not checked).
const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-images-build-'));
fs.writeFileSync(path.join(buildDir, 'Dockerfile'), 'FROM busybox:1.36\n');
const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-images-'));
const app = testApp({ outdir: assembly });
const stack = new Stack(app, 'Shop');
const shop = new Application(stack, 'shop');
const DIGEST = `sha256:${'e'.repeat(64)}`;
new Service(shop, 'api', {
  image: Image.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'shop/api'), 'v1'),
});
const tool = new Service(shop, 'tool', {
  image: Image.fromRegistry(`210987654321.dkr.ecr.us-east-1.amazonaws.com/tools/cli@${DIGEST}`),
});
Annotations.of(tool).acknowledgeWarning(
  '@aws-cdk/aws-ecs:ecrImageRequiresPolicy',
  'only its name is read here',
);
new Service(shop, 'web', { image: Image.fromDirectory(buildDir) });
new Service(shop, 'cache', { image: Image.fromRegistry('redis:7') });
app.synth();
const assetHash = JSON.parse(fs.readFileSync(path.join(assembly, 'Shop.assets.json'), 'utf8')).dockerImages;
const ASSET_TAG = Object.keys(assetHash)[0];

const ecrMock = mockClient(ECRClient);

async function images(...args: string[]) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-images-cwd-'));
  const run = recordingIo(cwd, { XDG_CACHE_HOME: cwd });
  const code = await main(['images', '--assembly', assembly, '--region', 'eu-west-1', ...args], run.io);
  return { code, out: run.out(), err: run.err(), cwd };
}

function found(digest: string, findings?: Record<string, number>) {
  return {
    imageDetails: [
      {
        imageDigest: digest,
        imagePushedAt: new Date('2025-02-03T04:05:06Z'),
        ...(findings
          ? {
              imageScanStatus: { status: 'COMPLETE' as const },
              imageScanFindingsSummary: { findingSeverityCounts: findings },
            }
          : {}),
      },
    ],
  };
}

beforeEach(() => {
  ecrMock.reset();
  ecrMock.on(DescribeRegistryCommand).resolves({ registryId: '123456789012' });
});

test('every ECR image exists: digests and scan findings, exit 0; --lock pins the tags to digests', async () => {
  const apiDigest = `sha256:${'1'.repeat(64)}`;
  ecrMock
    .on(DescribeImagesCommand, { repositoryName: 'shop/api' })
    .resolves(found(apiDigest, { HIGH: 2, CRITICAL: 1 }));
  ecrMock.on(DescribeImagesCommand, { repositoryName: 'tools/cli' }).resolves(found(DIGEST, {}));
  ecrMock
    .on(DescribeImagesCommand, { repositoryName: 'cdk-hnb659fds-container-assets-123456789012-eu-west-1' })
    .resolves(found(`sha256:${'2'.repeat(64)}`));
  const result = await images('--lock');
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  const lines = result.out.split('\n');
  expect(lines[0]).toMatch(/^image +digest +pushed +scan findings +used by$/);
  expect(result.out).toMatch(/shop\/api:v1 +sha256:111111111111 +2025-02-03 +CRITICAL 1, HIGH 2 +api/);
  expect(result.out).toMatch(
    new RegExp(`tools/cli@${DIGEST} +sha256:eeeeeeeeeeee +2025-02-03 +no findings +tool`),
  );
  expect(result.out).toMatch(
    new RegExp(
      `cdk-hnb659fds-container-assets-123456789012-eu-west-1:${ASSET_TAG} .* not scanned +asset ${ASSET_TAG.slice(0, 12)}`,
    ),
  );
  expect(result.out).not.toContain('redis');
  expect(
    ecrMock.commandCalls(DescribeImagesCommand, { repositoryName: 'tools/cli' })[0].args[0].input,
  ).toEqual({
    repositoryName: 'tools/cli',
    registryId: '210987654321',
    imageIds: [{ imageDigest: DIGEST }],
  });
  expect(result.out).toContain('wrote twinstack.lock.json: 1 tag resolved to digests');
  expect(JSON.parse(fs.readFileSync(path.join(result.cwd, 'twinstack.lock.json'), 'utf8'))).toEqual({
    version: 1,
    images: { 'shop/api:v1': { repository: 'shop/api', tag: 'v1', digest: apiDigest } },
  });
});

test('a missing image is listed and exits 1', async () => {
  ecrMock.on(DescribeImagesCommand).resolves(found(`sha256:${'3'.repeat(64)}`));
  ecrMock
    .on(DescribeImagesCommand, { repositoryName: 'shop/api' })
    .rejects(new ImageNotFoundException({ $metadata: {}, message: 'not found' }));
  const result = await images();
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/shop\/api:v1 +MISSING/);
  expect(result.err).toBe(
    'twinstack: 1 image missing from ECR; push it (cdk deploy pushes container assets)\n',
  );
});

test('throttling after the retries is a clear error, exit 2', async () => {
  ecrMock.on(DescribeImagesCommand).rejects(
    new ECRServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { attempts: 5 },
      message: 'Rate exceeded',
    }),
  );
  const result = await images();
  expect(result.code).toBe(2);
  expect(result.err).toMatch(
    /^twinstack: AWS kept throttling describe image .* \(ecr:DescribeImages\) \(5 attempts\); wait a minute and run again\n$/,
  );
});

describe('the region', () => {
  // Two stacks whose environments name their region, each with a built image: a container asset, pushed
  // to the asset repository of the stack's account and region (an ECR repository names its own region).
  const placed = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-images-env-'));
  const placedApp = testApp({ outdir: placed });
  for (const [id, region] of [
    ['Shop', 'eu-central-1'],
    ['Blog', 'us-west-2'],
  ]) {
    const s = new Stack(placedApp, id, { env: { account: '123456789012', region } });
    new Service(new Application(s, id.toLowerCase()), 'api', { image: Image.fromDirectory(buildDir) });
  }
  placedApp.synth();

  async function placedImages(...args: string[]) {
    const run = recordingIo(os.tmpdir(), { XDG_CACHE_HOME: placed });
    const code = await main(['images', '--assembly', placed, ...args], run.io);
    return { code, out: run.out(), err: run.err() };
  }

  /** The region of each DescribeImages call, by the region the repository name ends with. */
  function recordRegions(): Record<string, string> {
    const regions: Record<string, string> = {};
    ecrMock.on(DescribeImagesCommand).callsFake(async (input, getClient) => {
      regions[input.repositoryName.replace(/^cdk-hnb659fds-container-assets-123456789012-/, '')] =
        await getClient().config.region();
      return found(`sha256:${'4'.repeat(64)}`);
    });
    return regions;
  }

  test('is the one the stack’s environment names; --region overrides it', async () => {
    const regions = recordRegions();
    const blog = await placedImages('--stack', 'Blog');
    expect(blog.err).toBe('');
    expect(blog.code).toBe(0);
    expect(regions).toEqual({ 'us-west-2': 'us-west-2' });
    expect(await placedImages('--stack', 'Shop', '--region', 'ap-south-1')).toMatchObject({ code: 0 });
    expect(regions).toEqual({ 'us-west-2': 'us-west-2', 'eu-central-1': 'ap-south-1' });
  });

  test('stacks in different regions need --stack or --region, exit 2', async () => {
    const regions = recordRegions();
    expect(await placedImages()).toEqual({
      code: 2,
      out: '',
      err: 'twinstack: the selected stacks deploy to different regions (Blog: us-west-2, Shop: eu-central-1); choose one with --stack, or pass --region\n',
    });
    expect(regions).toEqual({});
    expect((await placedImages('--region', 'eu-west-3')).code).toBe(0);
    expect(regions).toEqual({ 'us-west-2': 'eu-west-3', 'eu-central-1': 'eu-west-3' });
  });
});
