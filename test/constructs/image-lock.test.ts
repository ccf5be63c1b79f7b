import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations as Annotations_, App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { DescribeImagesCommand, DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { Application, Image, ImageLockFile, Service, ValidationError } from '../../constructs';
import { main } from '../../cli/main';
import { recordingIo } from '../support/cli-io';
import { CDK_CONTEXT, testApp } from '../support/test-app';

const OLD = `sha256:${'0'.repeat(64)}`;
const API = `sha256:${'a'.repeat(64)}`;
const TOOL = `sha256:${'b'.repeat(64)}`;
const WORKER = `sha256:${'c'.repeat(64)}`;
const TOOL_HOST = '210987654321.dkr.ecr.us-east-1.amazonaws.com';

function writeLock(images: ImageLockFile['images'] | unknown, version: unknown = 1): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-lock-'));
  const file = path.join(dir, 'twinstack.lock.json');
  fs.writeFileSync(file, JSON.stringify({ version, images }));
  return file;
}

const LOCK: ImageLockFile['images'] = {
  'shop/api:v1': { repository: 'shop/api', tag: 'v1', digest: API },
  [`${TOOL_HOST}/tools/cli:2`]: {
    repository: 'tools/cli',
    tag: '2',
    digest: TOOL,
    registryId: '210987654321',
    region: 'us-east-1',
  },
  '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/worker:stable': {
    repository: 'shop/worker',
    tag: 'stable',
    digest: WORKER,
    registryId: '111122223333',
    region: 'eu-west-1',
  },
};

/**
 * An app with an ECR image by tag, an ECR registry reference by tag, an ECR repository of another account
 * (imported by ARN), one tag the lock does not hold, and a Docker Hub image.
 */
function shop(options: { lockFile?: string; context?: Record<string, unknown>; outdir?: string } = {}) {
  const app = new App({
    context: { ...CDK_CONTEXT, ...options.context },
    builtinCloudFormationValidation: false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stack = new Stack(app, 'Shop');
  const application = new Application(stack, 'shop', options.lockFile ? { lockFile: options.lockFile } : {});
  const api = new Service(application, 'api', {
    image: Image.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Api', 'shop/api'), 'v1'),
  });
  const tool = new Service(application, 'tool', { image: Image.fromRegistry(`${TOOL_HOST}/tools/cli:2`) });
  Annotations_.of(tool).acknowledgeWarning(
    '@aws-cdk/aws-ecs:ecrImageRequiresPolicy',
    'only how its image is referenced matters here',
  );
  const worker = new Service(application, 'worker', {
    image: Image.fromEcrRepository(
      ecr.Repository.fromRepositoryArn(
        stack,
        'Worker',
        'arn:aws:ecr:eu-west-1:111122223333:repository/shop/worker',
      ),
      'stable',
    ),
  });
  const admin = new Service(application, 'admin', {
    image: Image.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Admin', 'shop/admin'), 'v7'),
  });
  const cache = new Service(application, 'cache', { image: Image.fromRegistry('redis:7') });
  return { app, stack, application, api, tool, worker, admin, cache };
}

function containerImage(template: Template, family: string): unknown {
  const defs = template.findResources('AWS::ECS::TaskDefinition');
  const found = Object.values(defs).filter((d) => JSON.stringify(d.Properties.Family ?? '').includes(family));
  expect(found).toHaveLength(1);
  return found[0].Properties.ContainerDefinitions[0].Image;
}

describe('a lock file pins ECR tags to digests in both twins', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-lock-out-'));
  const s = shop({ lockFile: writeLock(LOCK), outdir });
  const assembly = s.app.synth();
  const template = Template.fromStack(s.stack);
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, s.application.localTwinFiles.composeFile), 'utf8'),
  );

  test('an ECR image by tag runs the locked digest', () => {
    expect(s.api._imageSpec).toEqual({
      kind: 'ecr',
      repositoryName: 'shop/api',
      digest: API,
      lockedTag: 'v1',
    });
    expect(JSON.stringify(containerImage(template, 'api'))).toContain(`shop/api@${API}`);
    expect(JSON.stringify(containerImage(template, 'api'))).not.toContain(':v1');
    expect(compose.services.api.image).toMatch(
      new RegExp(
        `^\\$\\{AWS_ACCOUNT_ID:.*\\}\\.dkr\\.ecr\\.\\$\\{AWS_REGION:.*\\}\\.amazonaws\\.com/shop/api@${API}$`,
      ),
    );
  });

  test('an ECR registry reference by tag runs the locked digest', () => {
    expect(containerImage(template, 'tool')).toBe(`${TOOL_HOST}/tools/cli@${TOOL}`);
    expect(compose.services.tool.image).toBe(`${TOOL_HOST}/tools/cli@${TOOL}`);
  });

  test("a repository of another account is looked up with its registry's host", () => {
    expect(s.worker._imageSpec).toMatchObject({ digest: WORKER, lockedTag: 'stable' });
    expect(compose.services.worker.image).toBe(
      `111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/worker@${WORKER}`,
    );
    expect(JSON.stringify(containerImage(template, 'worker'))).toContain(`@${WORKER}`);
  });

  test('a tag the lock does not hold is used by tag, with a warning naming it and the file', () => {
    expect(s.admin._imageSpec).toEqual({ kind: 'ecr', repositoryName: 'shop/admin', tag: 'v7' });
    expect(compose.services.admin.image).toMatch(/shop\/admin:v7$/);
    const annotations = Annotations.fromStack(s.stack);
    const warnings = annotations.findWarning(
      '*',
      Match.stringLikeRegexp('image shop/admin:v7 is not in the lock file .*twinstack.lock.json'),
    );
    expect(warnings.map((w) => w.id)).toEqual(['/Shop/shop/admin']);
    expect(annotations.findWarning('/Shop/shop/api', Match.anyValue())).toEqual([]);
  });

  test('an image of another registry is left alone', () => {
    expect(s.cache._imageSpec).toEqual({ kind: 'registry', reference: 'redis:7' });
    expect(compose.services.cache.image).toBe('redis:7');
  });
});

test('without a lock file (and none in the working directory) every tag is used as it is', () => {
  const s = shop();
  expect(s.api._imageSpec).toEqual({ kind: 'ecr', repositoryName: 'shop/api', tag: 'v1' });
  expect(Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp('lock file'))).toEqual([]);
});

describe('the lock file to read', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  test('twinstack.lock.json in the working directory is read by default', () => {
    process.chdir(path.dirname(writeLock(LOCK)));
    expect(shop().api._imageSpec).toMatchObject({ digest: API });
  });

  test('the context value twinstack:lockFile names another file, and "none" reads none', () => {
    const prod = writeLock({ 'shop/api:v1': { repository: 'shop/api', tag: 'v1', digest: OLD } });
    process.chdir(path.dirname(writeLock(LOCK)));
    expect(shop({ context: { 'twinstack:lockFile': prod } }).api._imageSpec).toMatchObject({ digest: OLD });
    expect(shop({ context: { 'twinstack:lockFile': 'none' } }).api._imageSpec).toMatchObject({ tag: 'v1' });
  });

  test('the lockFile prop wins over the context', () => {
    const prod = writeLock({ 'shop/api:v1': { repository: 'shop/api', tag: 'v1', digest: OLD } });
    const s = shop({ lockFile: prod, context: { 'twinstack:lockFile': writeLock(LOCK) } });
    expect(s.api._imageSpec).toMatchObject({ digest: OLD });
  });
});

describe('a bad lock file is a ValidationError naming the application, the file and what is wrong', () => {
  const error = (lockFile: string) => {
    try {
      shop({ lockFile });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  test('a missing file', () => {
    expect(error('/nonexistent/prod.lock.json')).toMatch(
      /^Shop\/shop: lockFile "\/nonexistent\/prod.lock.json" cannot be read \(ENOENT\); write it with `twinstack images --lock`/,
    );
  });

  test('not JSON', () => {
    const file = writeLock({});
    fs.writeFileSync(file, '{ "version": 1,');
    expect(error(file)).toMatch(/^Shop\/shop: lockFile ".*" is not JSON/);
  });

  test('another version', () => {
    expect(error(writeLock({}, 2))).toMatch(/is not a twinstack lock file of version 1/);
  });

  test('a digest that is not a sha256 digest', () => {
    expect(
      error(writeLock({ 'shop/api:v1': { repository: 'shop/api', tag: 'v1', digest: 'sha256:abc' } })),
    ).toMatch(/^Shop\/shop: lockFile.images\["shop\/api:v1"\].digest "sha256:abc" is not a sha256 digest/);
  });

  test('a key without a tag', () => {
    expect(error(writeLock({ 'shop/api': { repository: 'shop/api', tag: 'v1', digest: API } }))).toMatch(
      /lockFile.images\["shop\/api"\] "shop\/api" is not a \[registry\/\]repository:tag key/,
    );
  });

  test('an empty lockFile prop', () => {
    expect(() => new Application(new Stack(testApp(), 'S'), 'shop', { lockFile: '' })).toThrow(
      /^S\/shop: lockFile "" must be the path of a lock file/,
    );
  });
});

describe('twinstack images with a lock file in use', () => {
  const ecrMock = mockClient(ECRClient);
  const NEW = `sha256:${'d'.repeat(64)}`;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-lock-images-'));
  const lockFile = writeLock(LOCK);
  shop({ lockFile, outdir }).app.synth();

  beforeEach(() => {
    ecrMock.reset();
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: '123456789012' });
    ecrMock.on(DescribeImagesCommand).callsFake((input) => ({
      imageDetails: [{ imageDigest: input.imageIds[0].imageDigest ?? NEW }],
    }));
  });

  async function images(...args: string[]) {
    const cwd = path.dirname(lockFile);
    const run = recordingIo(cwd, { XDG_CACHE_HOME: cwd });
    const code = await main(['images', '--assembly', outdir, '--region', 'eu-west-1', ...args], run.io);
    return { code, out: run.out(), err: run.err() };
  }

  test('checks the locked digests, which are what the stages deploy', async () => {
    const result = await images();
    expect(result.code).toBe(0);
    expect(result.out).toContain(`shop/api@${API} (v1)`);
    expect(
      ecrMock.commandCalls(DescribeImagesCommand, { repositoryName: 'shop/api' })[0].args[0].input.imageIds,
    ).toEqual([{ imageDigest: API }]);
  });

  test('--lock resolves the locked tags again and rewrites the file', async () => {
    const result = await images('--lock');
    expect(result.code).toBe(0);
    expect(
      ecrMock.commandCalls(DescribeImagesCommand, { repositoryName: 'shop/api' })[0].args[0].input.imageIds,
    ).toEqual([{ imageTag: 'v1' }]);
    const written: ImageLockFile = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    expect(Object.keys(written.images)).toEqual([
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/worker:stable',
      `${TOOL_HOST}/tools/cli:2`,
      'shop/admin:v7',
      'shop/api:v1',
    ]);
    expect(written.images['shop/api:v1']).toEqual({ repository: 'shop/api', tag: 'v1', digest: NEW });
    expect(written.images[`${TOOL_HOST}/tools/cli:2`]).toMatchObject({
      digest: NEW,
      registryId: '210987654321',
    });
    // The rewritten file pins the next synthesis to the new digests.
    expect(shop({ lockFile }).api._imageSpec).toMatchObject({ digest: NEW, lockedTag: 'v1' });
  });
  test('--lock for one stack keeps the entries of other applications; for the whole app it prunes them', async () => {
    const other = { repository: 'blog/web', tag: 'v3', digest: OLD };
    const file = writeLock({ ...LOCK, 'blog/web:v3': other });
    const read = (): ImageLockFile => JSON.parse(fs.readFileSync(file, 'utf8'));

    const one = await images('--lock', '--lock-file', file, '--stack', 'Shop');
    expect(one.code).toBe(0);
    expect(one.out).toContain('4 tags resolved to digests, 1 of other applications kept');
    expect(read().images['blog/web:v3']).toEqual(other);
    expect(read().images['shop/api:v1'].digest).toBe(NEW);

    const all = await images('--lock', '--lock-file', file);
    expect(all.code).toBe(0);
    expect(read().images['blog/web:v3']).toBeUndefined();
  });

  test('--lock for one stack over a file that is not a lock file is a clear error', async () => {
    const file = writeLock({});
    fs.writeFileSync(file, '{"version": 2}');
    const result = await images('--lock', '--lock-file', file, '--stack', 'Shop');
    expect(result.code).toBe(2);
    expect(result.err).toContain('is not a twinstack lock file of version 1; remove it, then lock again');
  });
});
