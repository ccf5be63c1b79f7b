/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Application, Image, Service, Volume } from '../../constructs';
import { main } from '../../cli/main';
import { normalizeAssetHashes } from '../../cli/template-diff';
import { recordingIo } from '../support/cli-io';
import { testApp } from '../support/test-app';

// One synthesized app with a built image (an asset), a volume (EFS) and a registry image.
const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-diff-build-'));
fs.writeFileSync(path.join(buildDir, 'Dockerfile'), 'FROM busybox:1.36\n');
const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-diff-assembly-'));
const app = testApp({ outdir: assembly });
const shop = new Application(new Stack(app, 'Shop'), 'shop');
const data = new Volume(shop, 'data');
new Service(shop, 'api', {
  image: Image.fromDirectory(buildDir),
  environment: { MODE: 'production' },
  mounts: [{ volume: data, path: '/data' }],
});
new Service(shop, 'cache', { image: Image.fromRegistry('redis:7@sha256:' + 'a'.repeat(64)) });
app.synth();

function withBaseline() {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-diff-cwd-'));
  const run = recordingIo(cwd);
  return { cwd, run, baseline: path.join(cwd, 'twinstack-baseline') };
}

async function diff(cwd: string, ...args: string[]) {
  const run = recordingIo(cwd);
  const code = await main(['diff', '--assembly', assembly, ...args], run.io);
  return { code, out: run.out(), err: run.err() };
}

function editJson(file: string, edit: (t: any) => void) {
  const t = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(t);
  fs.writeFileSync(file, JSON.stringify(t, null, 1));
}

test('--update writes the baseline; an unchanged app then exits 0', async () => {
  const { cwd, baseline } = withBaseline();
  const update = await diff(cwd, '--update');
  expect(update).toEqual({ code: 0, out: 'updated twinstack-baseline: 2 files\n', err: '' });
  expect(fs.readdirSync(baseline).sort()).toEqual(['Shop.shop.compose.yaml', 'Shop.template.json']);
  // Build contexts in the baseline's compose file are relative to the baseline, not to the assembly.
  const compose = fs.readFileSync(path.join(baseline, 'Shop.shop.compose.yaml'), 'utf8');
  expect(compose).toContain(`context: ${path.relative(baseline, buildDir)}`);
  const same = await diff(cwd);
  expect(same.code).toBe(0);
  expect(same.out).toBe(
    '= Shop.shop.compose.yaml: no change\n= Shop.template.json: no change\nno change against the baseline\n',
  );
});

test('a changed template and compose file exit 1 with the differences', async () => {
  const { cwd, baseline } = withBaseline();
  await diff(cwd, '--update');
  editJson(path.join(baseline, 'Shop.template.json'), (t) => {
    for (const r of Object.values<any>(t.Resources)) {
      if (r.Type === 'AWS::ECS::TaskDefinition')
        for (const c of r.Properties.ContainerDefinitions)
          for (const e of c.Environment ?? []) if (e.Name === 'MODE') e.Value = 'staging';
    }
  });
  const compose = path.join(baseline, 'Shop.shop.compose.yaml');
  fs.writeFileSync(compose, fs.readFileSync(compose, 'utf8').replace('MODE: production', 'MODE: staging'));
  const result = await diff(cwd);
  expect(result.code).toBe(1);
  expect(result.out).toContain('~ Shop.template.json:');
  expect(result.out).toMatch(/\[~\] AWS::ECS::TaskDefinition shopapiTaskDefinition\w+ replace/);
  expect(result.out).toContain('~ Shop.shop.compose.yaml:');
  expect(result.out).toContain('-      MODE: staging\n    +      MODE: production');
  expect(result.out).toContain(
    '2 files changed against the baseline; if intended, run: twinstack diff --update',
  );
  expect(result.out).not.toContain(`${String.fromCharCode(27)}[`);
});

test('replacing a stateful resource and broadening IAM permissions are called out', async () => {
  const { cwd, baseline } = withBaseline();
  await diff(cwd, '--update');
  editJson(path.join(baseline, 'Shop.template.json'), (t) => {
    for (const r of Object.values<any>(t.Resources)) {
      if (r.Type === 'AWS::EFS::FileSystem') r.Properties.PerformanceMode = 'maxIO';
      if (r.Type === 'AWS::IAM::Policy') r.Properties.PolicyDocument.Statement = [];
    }
  });
  const result = await diff(cwd);
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/!!! shopdataFileSystem\w+ \(AWS::EFS::FileSystem\) WILL BE REPLACED/);
  expect(result.out).toContain('!!! IAM permissions or security-group access are BROADENED');
});

test('asset hashes are not a change: a rebuilt image is a note and exits 0; an image digest is a change', async () => {
  const { cwd, baseline } = withBaseline();
  await diff(cwd, '--update');
  const file = path.join(baseline, 'Shop.template.json');
  const text = fs.readFileSync(file, 'utf8');
  const hash = /container-assets[^"]*:([a-f0-9]{64})/.exec(text)![1];
  fs.writeFileSync(file, text.split(hash).join('b'.repeat(64)));
  const assetOnly = await diff(cwd);
  expect(assetOnly.code).toBe(0);
  expect(assetOnly.out).toContain('= Shop.template.json: no change except asset hashes (a build context');

  fs.writeFileSync(file, text.replace('a'.repeat(64), 'c'.repeat(64)));
  const digest = await diff(cwd);
  expect(digest.code).toBe(1);
  expect(digest.out).toContain('~ Shop.template.json:');
});

test('normalizeAssetHashes keeps image digests', () => {
  const hash = 'd'.repeat(64);
  expect(normalizeAssetHashes({ a: `repo:${hash}`, b: `img@sha256:${hash}` })).toEqual({
    a: 'repo:[asset hash]',
    b: `img@sha256:${hash}`,
  });
});

test('files only on one side are changes; --stack limits the comparison and names unknown stacks', async () => {
  const { cwd, baseline } = withBaseline();
  await diff(cwd, '--update');
  fs.writeFileSync(path.join(baseline, 'Old.template.json'), '{}');
  fs.rmSync(path.join(baseline, 'Shop.shop.compose.yaml'));
  const result = await diff(cwd);
  expect(result.code).toBe(1);
  expect(result.out).toContain('- Old.template.json: removed (in the baseline, no longer synthesized)');
  expect(result.out).toContain('+ Shop.shop.compose.yaml: new (not in the baseline)');
  expect((await diff(cwd, '--stack', 'Shop')).out).not.toContain('Old.template.json');
  const unknown = await diff(cwd, '--stack', 'Nope');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toBe("twinstack: no stack 'Nope' in the app; its stacks are Shop\n");
});
