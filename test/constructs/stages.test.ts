import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import {
  Application,
  HealthCheck,
  Image,
  Service,
  SettingsOf,
  StageStackProps,
  Stages,
} from '../../constructs';
import { asStage, stageDifferences, withoutIdHashes } from '../support/stage-diff';
import { CDK_CONTEXT, testApp } from '../support/test-app';
import { expectValidationError } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

const SHOP_STAGES = new Stages({
  settings: {
    desiredCount: 1,
    cpu: 256,
    memoryMiB: 512,
    logLevel: 'debug',
    domain: 'shop.example',
    apiUrl: 'https://api.{stage}.{domain}',
  },
  stages: {
    dev: {},
    prod: {
      settings: {
        desiredCount: 3,
        cpu: 1024,
        memoryMiB: 2048,
        logLevel: 'warn',
        apiUrl: 'https://api.{domain}',
      },
      profiles: ['tools'],
      terminationProtection: true,
    },
  },
});

type ShopSettings = SettingsOf<typeof SHOP_STAGES>;

/** A stage's stack: what differs between stages comes from the stage's settings and profiles only. */
class ShopStack extends Stack {
  public readonly application: Application;
  constructor(scope: Construct, id: string, props: StageStackProps<ShopSettings>) {
    super(scope, id, props);
    const s = props.stage.settings;
    this.application = new Application(this, 'shop', { stage: props.stage });
    new Service(this.application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }],
      desiredCount: s.desiredCount,
      cpu: s.cpu,
      memoryMiB: s.memoryMiB,
      environment: { LOG_LEVEL: s.logLevel, API_URL: s.apiUrl },
      healthCheck: HealthCheck.tcp({ port: 8080 }),
    });
    new Service(this.application, 'admin', { image: IMAGE, profile: 'tools' });
  }
}

function appWithContext(context: Record<string, unknown> = {}): App {
  const app = testApp();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  return app;
}

describe('settings', () => {
  test('each stage has the shared settings with its overrides, placeholders replaced', () => {
    expect(SHOP_STAGES.stage('dev').settings).toEqual({
      desiredCount: 1,
      cpu: 256,
      memoryMiB: 512,
      logLevel: 'debug',
      domain: 'shop.example',
      apiUrl: 'https://api.dev.shop.example',
    });
    expect(SHOP_STAGES.stage('prod').settings).toMatchObject({
      desiredCount: 3,
      logLevel: 'warn',
      apiUrl: 'https://api.shop.example',
    });
  });

  test('placeholders chain, and {account} and {region} come from the stage env; {{ }} are literal braces', () => {
    const stages = new Stages({
      settings: { project: 'shop', bucket: '{project}-{stage}-{account}-{region}', template: '{{stage}}' },
      stages: { prod: { env: { account: '123456789012', region: 'eu-west-1' } } },
    });
    expect(stages.stage('prod').settings).toEqual({
      project: 'shop',
      bucket: 'shop-prod-123456789012-eu-west-1',
      template: '{stage}',
    });
  });

  test('an override of a setting that does not exist is a ValidationError naming the settings', () => {
    const e = expectValidationError(
      () =>
        new Stages({
          settings: { desiredCount: 1, logLevel: 'info' },
          // A typo TypeScript also rejects; JavaScript callers and computed objects reach the check.
          stages: { prod: { settings: { desiredCont: 3 } as never } },
        }),
      'Stages.prod: settings.desiredCont 3 overrides a setting that does not exist; the settings are desiredCount, logLevel',
    );
    expect(e.path).toBe('Stages.prod');
  });

  test('an override of another type is refused', () => {
    expectValidationError(
      () =>
        new Stages({
          settings: { desiredCount: 1 },
          stages: { prod: { settings: { desiredCount: '3' as never } } },
        }),
      'settings.desiredCount "3" is a string, but the shared setting is a number (1)',
    );
  });

  test('an unknown placeholder is reported with the settings it could have named', () => {
    expectValidationError(
      () => new Stages({ settings: { domain: 'x', url: 'https://{domian}' }, stages: { dev: {} } }),
      'Stages.dev: settings.url "https://{domian}" refers to {domian}, which is not a setting; use one of {domain}, {url}, {stage}, {account}, {region}',
    );
  });

  test('a circular reference is reported once, with its cycle', () => {
    const e = expectValidationError(
      () => new Stages({ settings: { a: '{b}', b: '{c}', c: '{a}', d: '{d}' }, stages: { dev: {} } }),
      'is a circular reference (a -> b -> c -> a)',
      'is a circular reference (d -> d)',
    );
    expect(e.problems).toHaveLength(2);
  });

  test('a circular reference introduced by one stage is that stage’s error', () => {
    expectValidationError(
      () =>
        new Stages({ settings: { a: 'x', b: '{a}' }, stages: { dev: {}, prod: { settings: { a: '{b}' } } } }),
      'Stages.prod: settings.',
      'circular reference',
    );
  });

  test('{account} needs a stage env with a concrete account', () => {
    expectValidationError(
      () => new Stages({ settings: { bucket: 'data-{account}' }, stages: { dev: {} } }),
      'uses {account}, which this stage does not know: give the stage an env with a concrete account',
    );
  });

  test('built-in placeholder names, bad setting names and values are refused', () => {
    expectValidationError(
      () => new Stages({ settings: { stage: 'x' }, stages: { dev: {} } }),
      'settings.stage',
      'built-in',
    );
    expectValidationError(
      () => new Stages({ settings: { 'a-b': 'x' }, stages: { dev: {} } }),
      'is not a valid setting name',
    );
    expectValidationError(
      () => new Stages({ settings: { list: ['x'] as never }, stages: { dev: {} } }),
      'must be a string, number or boolean',
    );
  });
});

describe('stages', () => {
  test('stage names are checked, and at least one is needed', () => {
    expectValidationError(() => new Stages({ stages: {} }), 'must name at least one stage');
    expectValidationError(
      () => new Stages({ stages: { Prod: {} } }),
      'stages.Prod "Prod" is not a valid stage name',
    );
    expectValidationError(
      () => new Stages({ stages: { dev: { profiles: ['jobs'] } } }),
      'profiles "jobs" is reserved',
    );
  });

  test('an unknown stage is a ValidationError listing the stages', () => {
    expectValidationError(
      () => SHOP_STAGES.stage('qa'),
      "stage \"qa\" is not a stage; the stages are 'dev' or 'prod'",
    );
    expectValidationError(
      () => SHOP_STAGES.selected(appWithContext({ stage: 'qa' })),
      "context stage \"qa\" is not a stage of this app; use 'dev' or 'prod' (or leave it out to synthesize every stage)",
    );
  });

  test('the context selects one stage; without it every stage is synthesized', () => {
    expect(SHOP_STAGES.selected(appWithContext()).map((s) => s.name)).toEqual(['dev', 'prod']);
    expect(SHOP_STAGES.selected(appWithContext({ stage: 'prod' })).map((s) => s.name)).toEqual(['prod']);
    const custom = new Stages({ contextKey: 'shop:stage', stages: { a: {}, b: {} } });
    expect(custom.selected(appWithContext({ 'shop:stage': 'b', stage: 'x' })).map((s) => s.name)).toEqual([
      'b',
    ]);
  });

  test('select() picks the value of the stage, checking the stage names', () => {
    const prod = SHOP_STAGES.stage('prod');
    expect(prod.select({ dev: 1, prod: 3 })).toBe(3);
    expect(SHOP_STAGES.stage('dev').select({ prod: 3 }, 1)).toBe(1);
    expectValidationError(
      () => prod.select({ dev: 1, prd: 3 }),
      'select.prd "prd" is not a stage; the stages are dev, prod',
    );
    expectValidationError(
      () => SHOP_STAGES.stage('dev').select({ prod: 3 }),
      "has no value for stage 'dev' and no fallback",
    );
  });

  test('createStacks makes one stack per stage, named <stage>-<id>, with the stage’s env and protection', () => {
    const stages = new Stages({
      stages: {
        dev: { env: { account: '111111111111', region: 'eu-west-1' } },
        prod: { env: { account: '222222222222', region: 'eu-central-1' }, terminationProtection: true },
      },
    });
    const app = appWithContext();
    const stacks = stages.createStacks(app, 'Shop', (scope, id, props) => new Stack(scope, id, props));
    expect(stacks.map((s) => [s.stackName, s.account, s.region, s.terminationProtection])).toEqual([
      ['dev-Shop', '111111111111', 'eu-west-1', false],
      ['prod-Shop', '222222222222', 'eu-central-1', true],
    ]);
    const one = stages.createStacks(
      appWithContext({ stage: 'prod' }),
      'Shop',
      (s, id, p) => new Stack(s, id, p),
    );
    expect(one.map((s) => s.stackName)).toEqual(['prod-Shop']);
  });
});

describe('an application per stage', () => {
  // Both stages in one app, synthesized once.
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const [dev, prod] = SHOP_STAGES.createStacks(
    app,
    'Shop',
    (scope, id, props) => new ShopStack(scope, id, props),
  );
  const assembly = app.synth();
  const template = (stack: Stack) => assembly.getStackByName(stack.stackName).template;
  const compose = (stack: ShopStack) =>
    parse(
      fs.readFileSync(path.join(assembly.directory, stack.application.localTwinFiles.composeFile), 'utf8'),
    );

  test('the compose project and the Service Connect namespace are named after the stage', () => {
    expect(compose(dev).name).toBe('shop-dev');
    expect(compose(prod).name).toBe('shop-prod');
    const namespaces = (stack: Stack) =>
      Object.values(
        template(stack).Resources as Record<string, { Type: string; Properties: { Name: string } }>,
      )
        .filter((r) => r.Type === 'AWS::ServiceDiscovery::HttpNamespace')
        .map((r) => r.Properties.Name);
    expect(namespaces(dev)).toEqual(['shop-dev']);
    expect(namespaces(prod)).toEqual(['shop-prod']);
    expect(dev.application.toSpec()).toMatchObject({ name: 'shop', stage: 'dev' });
    expect(prod.application.toSpec().profiles).toEqual(['tools']);
  });

  test('the local twins differ only in the settings the stage overrides', () => {
    const d = compose(dev).services.api;
    const p = compose(prod).services.api;
    expect(d.environment).toEqual({ API_URL: 'https://api.dev.shop.example', LOG_LEVEL: 'debug' });
    expect(p.environment).toEqual({ API_URL: 'https://api.shop.example', LOG_LEVEL: 'warn' });
    expect(p.deploy.resources.limits).toEqual({ cpus: '1', memory: '2048M' });
    // Optional parts are in every local twin; the stage decides only about the cloud.
    expect(compose(dev).services.admin.profiles).toEqual(['tools']);
    expect(compose(prod).services.admin.profiles).toEqual(['tools']);
  });

  test('the cloud twins differ exactly where the overrides say (cloudformation-diff)', () => {
    // Names derived from the stack name (`dev-Shop`, `prod-Shop`) are stable per stage, and set aside here.
    const differences = stageDifferences(
      withoutIdHashes(template(dev)),
      asStage(template(prod), { 'prod-Shop': 'dev-Shop' }),
    );
    const ids = (stack: Stack, type: string) =>
      Object.entries(withoutIdHashes(template(stack)).Resources as Record<string, { Type: string }>)
        .filter(([, r]) => r.Type === type)
        .map(([id]) => id);
    const [taskDefinition] = ids(dev, 'AWS::ECS::TaskDefinition');
    const [service] = ids(dev, 'AWS::ECS::Service');
    const [namespace] = ids(dev, 'AWS::ServiceDiscovery::HttpNamespace');
    // The admin service of the `tools` part exists only in prod, which enables it.
    const added = differences.filter((d) => d.startsWith('+ ')).map((d) => d.split(' ')[2]);
    expect(added.every((id) => id.startsWith('shopadmin'))).toBe(true);
    expect(added.length).toBeGreaterThan(0);
    expect(differences.filter((d) => !d.startsWith('+ '))).toEqual(
      [
        `AWS::ECS::Service ${service} DesiredCount`,
        `AWS::ECS::TaskDefinition ${taskDefinition} ContainerDefinitions[api].Environment.API_URL`,
        `AWS::ECS::TaskDefinition ${taskDefinition} ContainerDefinitions[api].Environment.LOG_LEVEL`,
        // The container's memory limit is the stage's memoryMiB, as the task's size is.
        `AWS::ECS::TaskDefinition ${taskDefinition} ContainerDefinitions[api].Memory`,
        `AWS::ECS::TaskDefinition ${taskDefinition} Cpu`,
        // The family is derived from the stack's path, with a hash of it: stable per stage.
        `AWS::ECS::TaskDefinition ${taskDefinition} Family`,
        `AWS::ECS::TaskDefinition ${taskDefinition} Memory`,
        `AWS::ServiceDiscovery::HttpNamespace ${namespace} Name`,
      ].sort(),
    );
  });
});
