import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import { DozerStack } from '../../../lib/examples';
import { composeSchemaErrors } from '../../support/compose-schema';
import { comparable } from '../../support/compose-equivalence';
import { PROJECT_ROOT, testApp } from '../../support/test-app';
import { openWarnings } from '../../support/warnings';

const SEED = parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/seed-systems/dozer/docker-compose.yml'), 'utf8'),
  { merge: true },
);

// One synthesis shared by every test here (the validator, cdk-nag and parity run in all-examples.test.ts).
let stack: DozerStack;
let assembly: CloudAssembly;
let template: Template;
let compose: any; // eslint-disable-line @typescript-eslint/no-explicit-any
let composeText: string;

beforeAll(() => {
  const app = testApp();
  stack = new DozerStack(app, 'Dozer');
  assembly = app.synth();
  template = Template.fromJSON(assembly.getStackByName('Dozer').template);
  // The local twin as `twinstack compose` writes it to the project root.
  composeText = stack.application.renderLocalTwinFiles(PROJECT_ROOT).compose;
  compose = parse(composeText);
});

describe('Dozer local twin', () => {
  test('matches the snapshot', () => {
    expect(composeText).toMatchSnapshot();
  });

  test('is written into the cloud assembly, with build contexts relative to it', () => {
    const written = fs.readFileSync(
      path.join(assembly.directory, stack.application.localTwinFiles.composeFile),
      'utf8',
    );
    expect(written).toEqual(stack.application.renderLocalTwinFiles(assembly.directory).compose);
    const context = path.relative(assembly.directory, path.join(PROJECT_ROOT, 'lib/examples/dozer/image'));
    expect(parse(written).services['dozer-app'].build.context).toBe(context);
  });

  test('passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });

  test('has the three services of the seed compose file and nothing else', () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(SEED.services).sort());
    expect(compose.version).toBeUndefined();
  });

  test('every service runs the one image, built from the seed image with the config baked in', () => {
    const images = new Set(Object.values(compose.services).map((s: any) => s.image)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(images.size).toBe(1);
    const contexts = new Set(Object.values(compose.services).map((s: any) => s.build.context)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([...contexts]).toEqual(['./lib/examples/dozer/image']);
    const dockerfile = fs.readFileSync(
      path.join(PROJECT_ROOT, 'lib/examples/dozer/image/Dockerfile'),
      'utf8',
    );
    const seedImages = new Set(Object.values(SEED.services).map((s: any) => s.image)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(seedImages.size).toBe(1);
    expect(dockerfile).toMatch(new RegExp(`^FROM ${[...seedImages][0].replace(/[.:/]/g, '\\$&')}$`, 'm'));
    expect(dockerfile).toMatch(/^COPY dozer-config\.yaml \/usr\/local\/bin\/dozer-config\.yaml$/m);
  });

  test.each(['dozer-build', 'dozer-app', 'dozer-api'])('%s does what the seed service does', (name) => {
    const ours = comparable(compose.services[name]);
    const seed = comparable(SEED.services[name]);
    expect(ours.command).toEqual(seed.command);
    expect(ours.workingDir).toEqual(seed.workingDir);
    expect(ours.published).toEqual(seed.published);
    expect(ours.dependsOn).toEqual(seed.dependsOn);
    expect(ours.healthcheck).toEqual(seed.healthcheck);
    // Same environment keys; literal values equal; values the seed reads from variables are read from
    // the same variables (here: secrets listed in .env.example).
    expect(Object.keys({ ...ours.literals, ...ours.variables }).sort()).toEqual(
      Object.keys({ ...seed.literals, ...seed.variables }).sort(),
    );
    expect(ours.literals).toEqual(seed.literals);
    expect(ours.variables).toEqual(seed.variables);
    // The shared state directory; the seed's bind-mounted config file is part of the image instead.
    expect(ours.mountTargets).toEqual(seed.mountTargets.filter((t) => t.endsWith('.dozer')));
  });

  test('the three services share one named volume for the .dozer state', () => {
    const sources = Object.values(compose.services).map((s: any) => s.volumes.map((v: any) => v.source)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(sources).toEqual([['dozer-state'], ['dozer-state'], ['dozer-state']]);
    expect(compose.volumes).toEqual({ 'dozer-state': {} });
  });

  test('the build is a one-shot job and the api reaches the app by name', () => {
    expect(compose.services['dozer-build'].restart).toBe('no');
    expect(compose.services['dozer-api'].environment.APP_HOST).toBe('dozer-app');
    expect(compose.services['dozer-app'].ports).toEqual(['127.0.0.1:50053:50053']);
  });

  test('.env.example lists every Snowflake variable with an empty value', () => {
    const env = fs.readFileSync(
      path.join(assembly.directory, stack.application.localTwinFiles.envExampleFile),
      'utf8',
    );
    const names = [...env.matchAll(/^([A-Z_]+)=$/gm)].map((m) => m[1]);
    expect(names).toEqual(['SN_DATABASE', 'SN_PASSWORD', 'SN_ROLE', 'SN_SERVER', 'SN_USER', 'SN_WAREHOUSE']);
  });
});

describe('Dozer cloud twin', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('runs dozer-app and dozer-api as Fargate services; the build runs inside the app task', () => {
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 2);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '1024',
      Memory: '2048',
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'dozer-app',
          Essential: true,
          Command: ['/bin/sh', '-c', 'dozer run app'],
          WorkingDirectory: '/usr/local/bin',
          DependsOn: [{ ContainerName: 'dozer-build', Condition: 'SUCCESS' }],
          PortMappings: [
            Match.objectLike({ ContainerPort: 50053, Name: 'dozer-app-50053', AppProtocol: 'grpc' }),
          ],
          HealthCheck: {
            Command: ['CMD', 'curl', '0.0.0.0:50053', '--http2-prior-knowledge'],
            Interval: 20,
            Timeout: 20,
            Retries: 10,
          },
        }),
        Match.objectLike({
          Name: 'dozer-build',
          Essential: false,
          Command: ['/bin/sh', '-c', 'dozer build'],
        }),
      ]),
    });
  });

  test('Service Connect resolves dozer-app:50053 and the api waits for the app', () => {
    const services = template.findResources('AWS::ECS::Service');
    const [appId] = Object.entries(services).find(([, r]) =>
      JSON.stringify(r.Properties.ServiceConnectConfiguration.Services ?? []).includes(
        '"DnsName":"dozer-app"',
      ),
    )!;
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({
        Enabled: true,
        Services: [
          Match.objectLike({
            PortName: 'dozer-app-50053',
            ClientAliases: [{ DnsName: 'dozer-app', Port: 50053 }],
          }),
        ],
      }),
    });
    const api = Object.values(services).find((r) =>
      JSON.stringify(r.Properties.ServiceConnectConfiguration.Services ?? []).includes(
        '"DnsName":"dozer-api"',
      ),
    )!;
    expect(api.DependsOn).toContain(appId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 50053,
      ToPort: 50053,
      IpProtocol: 'tcp',
    });
  });

  test('the .dozer state is one encrypted, retained EFS file system mounted by all three containers', () => {
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ Encrypted: true }),
    });
    const mounts = Object.values(template.findResources('AWS::ECS::TaskDefinition')).flatMap((t) =>
      t.Properties.ContainerDefinitions.map(
        (c: { Name: string; MountPoints: { ContainerPath: string }[] }) => [
          c.Name,
          c.MountPoints.map((m) => m.ContainerPath),
        ],
      ),
    );
    expect(Object.fromEntries(mounts)).toEqual({
      'dozer-app': ['/usr/local/bin/.dozer'],
      'dozer-build': ['/usr/local/bin/.dozer'],
      'dozer-api': ['/usr/local/bin/.dozer'],
    });
  });

  test('Snowflake settings come from Secrets Manager, never as values', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).toContain(':secret:dozer/snowflake:password::');
    for (const td of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
      for (const c of td.Properties.ContainerDefinitions) {
        expect((c.Secrets ?? []).map((s: { Name: string }) => s.Name).sort()).toEqual([
          'SN_DATABASE',
          'SN_PASSWORD',
          'SN_ROLE',
          'SN_SERVER',
          'SN_USER',
          'SN_WAREHOUSE',
        ]);
        expect((c.Environment ?? []).map((e: { Name: string }) => e.Name)).toEqual(['APP_HOST']);
      }
    }
  });

  test('leaves no unacknowledged warning (the example acknowledges the ECS health-check adjustment)', () => {
    expect(openWarnings(assembly, stack.stackName)).toEqual([]);
  });
});
