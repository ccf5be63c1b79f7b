import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { parse } from 'yaml';
import { Application, checkParity, Image, Secret, Service } from '../../../constructs';
import { readAssetManifests, readImageBuilds } from '../../../constructs/parity/image-builds';
import { expectValidationError, logicalId } from '../../support/errors';
import { openWarnings } from '../../support/warnings';
import { PROJECT_ROOT, testApp, testStack } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const DOZER_IMAGE = path.join(PROJECT_ROOT, 'lib/examples/dozer/image');

function container(template: Template): any {
  const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return td.Properties.ContainerDefinitions[0];
}

function synthesized(app: ReturnType<typeof testApp>, application: Application) {
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8'),
  );
  const options = {
    imageBuilds: readImageBuilds(readAssetManifests(assembly.directory), assembly.directory),
    composeDirectory: assembly.directory,
  };
  return {
    assembly,
    template,
    compose,
    report: checkParity(template, compose, application.toSpec(), options),
  };
}

describe('Image.fromRegistry with credentials', () => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const application = new Application(stack, 'shop');
  const login = secretsmanager.Secret.fromSecretNameV2(stack, 'Login', 'registry/login');
  const api = new Service(application, 'api', {
    image: Image.fromRegistry('registry.example.org/team/api:1.4', { credentials: login }),
  });
  const wrapped = Secret.fromSecretName(application, 'WorkerLogin', 'registry/worker');
  new Service(application, 'worker', {
    image: Image.fromRegistry('registry.example.org/team/worker:2', { credentials: wrapped }),
  });
  const { assembly, compose, report } = synthesized(app, application);
  const template = Template.fromJSON(assembly.getStackByName('Shop').template);

  test('the cloud twin pulls with repositoryCredentials, and the execution role may read them', () => {
    const containers = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map(
      (td: any) => td.Properties.ContainerDefinitions[0],
    );
    const credentials = containers.map((c) => JSON.stringify(c.RepositoryCredentials?.CredentialsParameter));
    expect(credentials.every((c) => c.includes(':secret:registry/'))).toBe(true);
    const role = logicalId(api.taskDefinition.obtainExecutionRole());
    const reads = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Resource).includes(':secret:registry/login'));
    expect(reads).toHaveLength(1);
  });

  test('the local twin pulls the same reference, and synthesis warns that docker login is needed', () => {
    expect(compose.services.api.image).toBe('registry.example.org/team/api:1.4');
    expect(
      openWarnings(assembly, 'Shop').filter((w) => w.includes('twinstack:registry-login-needed')),
    ).toHaveLength(2);
    expect(openWarnings(assembly, 'Shop').join('\n')).toContain('`docker login registry.example.org`');
    expect(report.errors).toEqual([]);
  });

  test('credentials that are not a secret', () => {
    const other = new Application(testStack(), 'shop');
    expectValidationError(
      () =>
        new Service(other, 'api', { image: Image.fromRegistry('nginx:1.27', { credentials: 'x' as any }) }),
      'Test/shop/api: image.credentials "x"',
      'must be a secretsmanager.ISecret or a twinstack Secret',
    );
  });
});

describe('Image.fromContainerImage', () => {
  test('the cloud twin runs the given image, the local twin its local image; parity reports the stand-in', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const application = new Application(stack, 'shop');
    new Service(application, 'api', {
      image: Image.fromContainerImage(ecs.ContainerImage.fromRegistry('registry.example.org/api:7'), {
        local: 'nginx:1.27',
        description: 'the platform build of api',
      }),
    });
    const { template, compose, report } = synthesized(app, application);
    expect(container(Template.fromJSON(template)).Image).toBe('registry.example.org/api:7');
    expect(compose.services.api.image).toBe('nginx:1.27');
    expect(report.errors).toEqual([]);
    expect(report.differences.map((d) => `${d.service} ${d.field} ${d.standIn}`)).toEqual([
      'api image container-image',
      'api platform default-platform',
      'api resources default-resources',
      'api memoryLimit default-resources',
    ]);
  });

  test('without a local image it is a ValidationError', () => {
    const application = new Application(testStack(), 'shop');
    expectValidationError(
      () =>
        new Service(application, 'api', {
          image: Image.fromContainerImage(ecs.ContainerImage.fromRegistry('x:1'), {} as any),
        }),
      'Test/shop/api: image.local undefined',
      'cannot run an arbitrary ecs.ContainerImage',
    );
  });
});

describe('Image.fromDockerImageAsset', () => {
  test('the cloud twin uses the asset, the local twin builds the same directory; the twins agree', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const application = new Application(stack, 'shop');
    const asset = new DockerImageAsset(stack, 'Built', {
      directory: DOZER_IMAGE,
      buildArgs: { FLAVOUR: 'lite' },
    });
    new Service(application, 'api', { image: Image.fromDockerImageAsset(asset) });
    const { assembly, compose, report } = synthesized(app, application);
    expect(compose.services.api.build.args).toEqual({ FLAVOUR: 'lite' });
    expect(path.resolve(assembly.directory, compose.services.api.build.context)).toBe(DOZER_IMAGE);
    expect(report.errors).toEqual([]);
    expect(report.entries.find((e) => e.service === 'api' && e.field === 'image')?.kind).toBe('same');
  });

  test('an asset built with build secrets is a ValidationError', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const asset = new DockerImageAsset(stack, 'Built', {
      directory: DOZER_IMAGE,
      buildSecrets: { token: 'env=TOKEN' },
    });
    expectValidationError(
      () => new Service(application, 'api', { image: Image.fromDockerImageAsset(asset) }),
      'Test/shop/api: image "Test/Built"',
      "is built with buildSecrets, which the local twin's compose build cannot reproduce",
    );
  });
});
