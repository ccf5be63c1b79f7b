import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { parse } from 'yaml';
import {
  Application,
  checkParity,
  Dependency,
  HealthCheck,
  Image,
  Job,
  JobRun,
  JobSchedule,
  Service,
} from '../../../constructs';
import { readAssetManifests, readImageBuilds } from '../../../constructs/parity/image-builds';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

// One application with every new stand-in: an optional part left out of the cloud twin (and an optional
// dependency with restart on it), a deployment-time and a scheduled job, an inline config file, a health
// check with a start interval and a multi-platform build. Synthesized once; the parity check runs during
// synthesis and again below on tampered copies of the rendered twins.
const app = testApp();
const stack = new Stack(app, 'Shop');
const shop = new Application(stack, 'shop');
const mq = new Service(shop, 'mq', { image: IMAGE, profile: 'mov', healthCheck: HealthCheck.shell('true') });
const migrate = new Job(shop, 'migrate', {
  image: IMAGE,
  command: ['true'],
  runs: JobRun.oncePerDeployment(),
});
new Service(shop, 'api', {
  image: Image.fromDirectory(path.join(PROJECT_ROOT, 'lib/examples/dozer/image'), {
    platforms: [Platform.LINUX_AMD64, Platform.LINUX_ARM64],
  }),
  configFiles: [{ path: '/etc/api/settings.json', content: '{"price": "$5"}' }],
  healthCheck: HealthCheck.shell('true', {
    startPeriod: Duration.seconds(60),
    startInterval: Duration.seconds(5),
  }),
  dependsOn: [
    Dependency.completedSuccessfully(migrate),
    Dependency.healthy(mq, { optional: true, restart: true }),
  ],
});
new Job(shop, 'nightly', { image: IMAGE, runs: JobRun.onSchedule(JobSchedule.rate(Duration.hours(6))) });
const assembly = app.synth();
const template = assembly.getStackByName('Shop').template;
const compose = parse(
  fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8'),
);
const options = {
  imageBuilds: readImageBuilds(readAssetManifests(assembly.directory), assembly.directory),
  composeDirectory: assembly.directory,
};

const check = (doc: any = compose, spec = shop.toSpec()) => checkParity(template, doc, spec, options);
const copy = () => JSON.parse(JSON.stringify(compose));
const line = (d: { service: string; field: string; standIn?: string }) =>
  `${d.service} ${d.field} ${d.standIn}`;

test('every new difference is a declared stand-in', () => {
  const report = check();
  expect(report.errors).toEqual([]);
  expect(report.differences.map(line).sort()).toEqual([
    'api configFiles[/etc/api/settings.json] config-file',
    'api dependsOn.mq optional-dependency',
    'api dependsOn.mq.restart dependency-restart',
    'api healthCheck.timing health-check-adjustment',
    'api image.platforms build-platforms',
    'api memoryLimit default-resources',
    'api platform default-platform',
    'api resources default-resources',
    'migrate memoryLimit default-resources',
    'migrate platform default-platform',
    'migrate presence deployment-job',
    'migrate resources default-resources',
    'mq presence profile',
    'nightly memoryLimit default-resources',
    'nightly platform default-platform',
    'nightly presence scheduled-job',
    'nightly resources default-resources',
  ]);
  const timing = report.differences.find((d) => d.field === 'healthCheck.timing')!;
  expect(timing.local).toBe('interval 30s, timeout 5s, retries 3, start period 60s, start interval 5s');
  expect(timing.reason).toContain('startInterval 5s dropped (ECS has no start interval');
  const file = report.differences.find((d) => d.field.startsWith('configFiles'))!;
  expect(file.cloud).toBe('written by api-files into a task volume (15 bytes)');
  // The deployment-time job's dependents wait for its run in the cloud and for its completion locally.
  expect(report.entries.find((e) => e.service === 'api' && e.field === 'dependsOn.migrate')).toMatchObject({
    kind: 'same',
    cloud: 'DependsOn the deployment run of job migrate (succeeded)',
  });
});

test('a config file whose content differs between the twins is an error', () => {
  const doc = copy();
  doc.configs['api-settings.json'].content = '{"price": "$$6"}';
  expect(check(doc).errors.map((e) => `${e.field}: ${e.reason}`)).toEqual([
    'configFiles[/etc/api/settings.json]: the twins write different contents',
  ]);
});

test('an optional part that is not a compose profile locally is an error', () => {
  const doc = copy();
  delete doc.services.mq.profiles;
  expect(check(doc).errors.map((e) => `${e.service} ${e.field}: ${e.reason}`)).toEqual([
    "mq presence: the model puts it in profile 'mov', but the local twin does not",
  ]);
});

test('a scheduled job outside the jobs profile, or on another schedule, is an error', () => {
  const doc = copy();
  doc.services.nightly.profiles = ['mov'];
  expect(check(doc).errors.map((e) => `${e.service} ${e.field}: ${e.reason}`)).toContain(
    "nightly schedule: a scheduled job belongs to the local profile 'jobs'",
  );
  const spec = shop.toSpec();
  const other = {
    ...spec,
    workloads: spec.workloads.map((w) =>
      w.name === 'nightly' ? { ...w, run: { kind: 'schedule' as const, expression: 'rate(1 hour)' } } : w,
    ),
  };
  expect(check(compose, other).errors.map((e) => `${e.service} ${e.field}: ${e.reason}`)).toEqual([
    'nightly schedule: the cloud schedule is not the one the model declares',
  ]);
});

test('a dependent that does not wait for a deployment-time job locally is an error', () => {
  const doc = copy();
  delete doc.services.api.depends_on.migrate;
  expect(check(doc).errors.map((e) => `${e.service} ${e.field}: ${e.cloud} / ${e.reason}`)).toEqual([
    'api dependsOn.migrate: DependsOn the deployment run of job migrate / the local twin does not wait for it',
  ]);
});

test('a local build without the cloud platform is an error', () => {
  const doc = copy();
  doc.services.api.build.platforms = ['linux/arm64'];
  expect(check(doc).errors.map((e) => `${e.field}: ${e.reason}`)).toEqual([
    'image.platforms: the cloud builds a platform the local build does not',
  ]);
});
