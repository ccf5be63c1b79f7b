import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import {
  NONPROD_ENV,
  PROD_ENV,
  WORKFLOWS_IMAGE_DIGEST_CONTEXT,
  WORKFLOWS_STAGES,
  WorkflowsStack,
} from '../../../lib/examples';
import { composeSchemaErrors } from '../../support/compose-schema';
import { asStage, stageDifferences, withoutIdHashes } from '../../support/stage-diff';
import { PROJECT_ROOT, testApp } from '../../support/test-app';
import { openWarnings } from '../../support/warnings';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The three stages, synthesized once, into one cloud assembly (what a pipeline deploys stage by stage).
// aws-cdk-lib's built-in CloudFormation validation stays off here: it would cost three runs; `npm run synth`
// runs it on every stage, and all-examples.test.ts checks every stage with cdk-nag.
let stacks: Record<string, WorkflowsStack>;
let assembly: CloudAssembly;
const template = (stage: string): any => assembly.getStackByName(`${stage}-Workflows`).template;
const resources = (stage: string): Record<string, any> => template(stage).Resources;
const ofType = (stage: string, type: string) =>
  Object.entries(resources(stage)).filter(([, r]) => r.Type === type);
const compose = (stage: string) =>
  parse(stacks[stage].application.renderLocalTwinFiles(PROJECT_ROOT).compose);

beforeAll(() => {
  const app = testApp();
  stacks = Object.fromEntries(
    WORKFLOWS_STAGES.createStacks(
      app,
      'Workflows',
      (scope, id, props) => new WorkflowsStack(scope, id, props),
    ).map((s) => [s.application.stage!.name, s]),
  );
  assembly = app.synth();
});

describe('Workflows local twin', () => {
  test('matches the snapshot (the development stage)', () => {
    expect(stacks.dev.application.renderLocalTwinFiles(PROJECT_ROOT).compose).toMatchSnapshot();
  });

  test('every stage’s compose file passes the Compose Specification schema', () => {
    for (const stage of ['dev', 'test', 'prod']) {
      expect(
        composeSchemaErrors(stacks[stage].application.renderLocalTwinFiles(PROJECT_ROOT).compose),
      ).toEqual([]);
    }
  });

  test('one image for every role, built from one directory', () => {
    const services = compose('dev').services;
    const images = new Set(
      ['api', 'worker', 'migrate', 'daily'].map((n) =>
        JSON.stringify([services[n].image, services[n].build]),
      ),
    );
    expect([...images]).toEqual([
      JSON.stringify(['workflows-image:local', { context: './lib/examples/workflows/image' }]),
    ]);
    expect(['api', 'worker', 'migrate', 'daily'].map((n) => services[n].command)).toEqual([
      ['api'],
      ['worker'],
      ['migrate'],
      ['run', 'daily'],
    ]);
  });

  test('each stage’s local twin has its settings; the tools part and the scheduled job are profiles', () => {
    const dev = compose('dev');
    const prod = compose('prod');
    expect(dev.name).toBe('workflows-dev');
    expect(dev.services.api.environment).toMatchObject({
      LOG_LEVEL: 'DEBUG',
      API_URL: 'https://api.dev.workflows.example.com',
      RESULTS_URI: 's3://workflows-results-111111111111/dev/',
    });
    expect(prod.services.api.environment).toMatchObject({
      LOG_LEVEL: 'WARNING',
      API_URL: 'https://api.workflows.example.com',
      RESULTS_URI: 's3://workflows-results-222222222222/prod/',
    });
    for (const c of [dev, prod]) {
      expect(c.services['db-browser'].profiles).toEqual(['tools']);
      // pgweb's driver asks for TLS by default; the local stand-in is plain.
      expect(c.services['db-browser'].environment.PGWEB_DATABASE_URL).toBe(
        'postgres://postgres:${DB_PASSWORD:?set DB_PASSWORD in .env}@db:5432/workflows?sslmode=disable',
      );
      expect(c.services.daily.profiles).toEqual(['jobs']);
      expect(c.services.api.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });
});

describe('Workflows cloud twin', () => {
  test('matches the snapshot (the production stage)', () => {
    expect(template('prod')).toMatchSnapshot();
  });

  test('no stage has an open warning', () => {
    for (const stack of Object.values(stacks)) expect(openWarnings(assembly, stack.stackName)).toEqual([]);
  });

  test('one stack per stage, with stable stage-prefixed names, in the stage’s account and region', () => {
    expect(
      Object.values(stacks).map((s) => [s.stackName, s.account, s.region, s.terminationProtection]),
    ).toEqual([
      ['dev-Workflows', NONPROD_ENV.account, NONPROD_ENV.region, false],
      ['test-Workflows', NONPROD_ENV.account, NONPROD_ENV.region, false],
      ['prod-Workflows', PROD_ENV.account, PROD_ENV.region, true],
    ]);
  });

  test('build once, promote everywhere: every stage deploys the same image asset', () => {
    const images = ['dev', 'test', 'prod'].map((stage) => {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(assembly.directory, `${stage}-Workflows.assets.json`), 'utf8'),
      );
      const entries = Object.entries(manifest.dockerImages) as [string, any][];
      expect(entries).toHaveLength(1);
      const [hash, image] = entries[0];
      return {
        hash,
        directory: image.source.directory,
        destinations: Object.values(image.destinations) as any[],
      };
    });
    expect(new Set(images.map((i) => i.hash)).size).toBe(1);
    expect(new Set(images.map((i) => i.directory)).size).toBe(1);
    // Each destination is tagged with the content hash: the same immutable image in every account.
    for (const i of images) for (const d of i.destinations) expect(d.imageTag).toBe(i.hash);
    expect(images[2].destinations[0].repositoryName).toBe(
      'cdk-hnb659fds-container-assets-222222222222-eu-central-1',
    );
  });

  test('a release promotes one digest from the shared repository to every stage, in both twins', () => {
    const digest = `sha256:${'a1'.repeat(32)}`;
    const release = testApp();
    release.node.setContext(WORKFLOWS_IMAGE_DIGEST_CONTEXT, digest);
    const released = ['dev', 'prod'].map((name) => {
      const stage = WORKFLOWS_STAGES.stage(name);
      return new WorkflowsStack(release, stage.stackId('Workflows'), { stage, env: stage.env });
    });
    const out = release.synth();
    for (const stack of released) {
      const t = out.getStackByName(stack.stackName);
      const api = Object.values(t.template.Resources as Record<string, any>).find(
        (r) => r.Type === 'AWS::ECS::TaskDefinition' && r.Properties.ContainerDefinitions[0].Name === 'api',
      );
      expect(api.Properties.ContainerDefinitions[0].Image).toEqual({
        'Fn::Join': [
          '',
          ['333333333333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, `/workflows@${digest}`],
        ],
      });
      const local = parse(stack.application.renderLocalTwinFiles(PROJECT_ROOT).compose).services.api;
      expect(local.image).toBe(`333333333333.dkr.ecr.eu-west-1.amazonaws.com/workflows@${digest}`);
      expect(local.build).toBeUndefined();
      const manifest = JSON.parse(
        fs.readFileSync(path.join(out.directory, `${stack.stackName}.assets.json`), 'utf8'),
      );
      expect(manifest.dockerImages).toEqual({});
    }
  });

  test('migrations run once per deployment before the API and the workers roll out', () => {
    const [[runId, run]] = ofType('prod', 'Custom::TwinstackJobRun');
    expect(run.Properties).toMatchObject({ Container: 'migrate', TimeoutSeconds: '900' });
    for (const [, service] of ofType('prod', 'AWS::ECS::Service')) expect(service.DependsOn).toContain(runId);
  });

  test('the daily workflow is a schedule, at the time each stage sets, in Warsaw time', () => {
    const schedules = (stage: string) =>
      ofType(stage, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules('dev').map((p) => [p.ScheduleExpression, p.ScheduleExpressionTimezone])).toEqual([
      ['cron(0 6 ? * MON-FRI *)', 'Europe/Warsaw'],
    ]);
    expect(schedules('prod').map((p) => p.ScheduleExpression)).toEqual(['cron(0 3 * * ? *)']);
  });

  test("the database browser's URL asks RDS for TLS", () => {
    const browser = ofType('dev', 'AWS::ECS::TaskDefinition')
      .map(([, r]) => r.Properties.ContainerDefinitions[0])
      .find((c) => c.Name === 'db-browser');
    const ref = browser.Secrets.find((x: any) => x.Name === 'PGWEB_DATABASE_URL').ValueFrom.Ref;
    const parts = template('dev').Resources[ref].Properties.SecretString['Fn::Join'][1] as any[];
    expect(parts[0]).toMatch(/^postgres:\/\/postgres:/);
    expect(parts[parts.length - 1]).toBe('/workflows?sslmode=require');
  });

  test('the tools part is deployed where the stage enables it: development only', () => {
    const names = (stage: string) =>
      ofType(stage, 'AWS::ECS::TaskDefinition')
        .map(([, r]) => r.Properties.ContainerDefinitions[0].Name)
        .sort();
    expect(names('dev')).toEqual(['api', 'daily', 'db-browser', 'migrate', 'worker']);
    expect(names('test')).toEqual(['api', 'daily', 'migrate', 'worker']);
    expect(names('prod')).toEqual(['api', 'daily', 'migrate', 'worker']);
  });

  test('development and test differ exactly where the test overrides and the stage name say', () => {
    const differences = stageDifferences(
      withoutIdHashes(template('dev')),
      asStage(template('test'), { 'test-Workflows': 'dev-Workflows' }),
    );
    const removed = differences.filter((d) => d.startsWith('- ')).map((d) => d.split(' ')[2]);
    // The tools part, and the URL with its own query it alone connects with.
    expect(removed.every((id) => /dbbrowser|dbConnectionUrl[0-9a-f]{8}$/.test(id))).toBe(true);
    const environment = ['api', 'daily', 'migrate', 'worker'].flatMap((n) => {
      const task =
        n === 'api' || n === 'worker' ? `Workflows${n}TaskDefinition` : `Workflows${n}TaskTaskDefinition`;
      return [
        `AWS::ECS::TaskDefinition ${task} ContainerDefinitions[${n}].Environment.API_URL`, // {stage}
        `AWS::ECS::TaskDefinition ${task} ContainerDefinitions[${n}].Environment.LOG_LEVEL`, // logLevel
        `AWS::ECS::TaskDefinition ${task} ContainerDefinitions[${n}].Environment.RESULTS_URI`, // {stage}
        `AWS::ECS::TaskDefinition ${task} Family`, // derived from the stack's path
      ];
    });
    expect(differences.filter((d) => !d.startsWith('- '))).toEqual(
      [
        ...environment,
        // The queue metric is per stage.
        'AWS::CloudWatch::Alarm WorkflowsworkerServiceTaskCountTargetMetricLowerAlarm Dimensions',
        'AWS::CloudWatch::Alarm WorkflowsworkerServiceTaskCountTargetMetricUpperAlarm Dimensions',
        'AWS::ApplicationAutoScaling::ScalingPolicy WorkflowsworkerServiceTaskCountTargetMetricLowerPolicy PolicyName',
        'AWS::ApplicationAutoScaling::ScalingPolicy WorkflowsworkerServiceTaskCountTargetMetricUpperPolicy PolicyName',
        // dailySchedule (development runs on weekdays), and the schedule's description names the stage.
        'AWS::Scheduler::Schedule WorkflowsdailySchedule Description',
        'AWS::Scheduler::Schedule WorkflowsdailySchedule ScheduleExpression',
        'AWS::ServiceDiscovery::HttpNamespace WorkflowsNamespace Name',
      ].sort(),
    );
  });

  test('production differs from development where its overrides say, once its account and region are set aside', () => {
    const differences = stageDifferences(
      withoutIdHashes(template('dev')),
      asStage(template('prod'), {
        'prod-Workflows': 'dev-Workflows',
        [PROD_ENV.account]: NONPROD_ENV.account,
        [PROD_ENV.region]: NONPROD_ENV.region,
      }),
    );
    const overrides = [
      'AWS::ECS::Service WorkflowsapiService DesiredCount', // apiTasks
      'AWS::ECS::TaskDefinition WorkflowsapiTaskDefinition Cpu', // apiCpu
      'AWS::ECS::TaskDefinition WorkflowsapiTaskDefinition Memory', // apiMemoryMiB
      'AWS::ECS::TaskDefinition WorkflowsapiTaskDefinition ContainerDefinitions[api].Memory', // apiMemoryMiB, the container's limit
      'AWS::ApplicationAutoScaling::ScalableTarget WorkflowsworkerServiceTaskCountTarget MaxCapacity', // workerMaxTasks
      'AWS::RDS::DBInstance WorkflowsdbInstance DBInstanceClass', // databaseInstance
      'AWS::RDS::DBInstance WorkflowsdbInstance MultiAZ', // databaseMultiAz
      'AWS::RDS::DBInstance WorkflowsdbInstance DeletionProtection', // deletionProtection
      'AWS::Scheduler::Schedule WorkflowsdailySchedule ScheduleExpression', // dev's own dailySchedule
      'AWS::ECS::TaskDefinition WorkflowsapiTaskDefinition ContainerDefinitions[api].Environment.API_URL', // apiUrl
      'AWS::ECS::TaskDefinition WorkflowsapiTaskDefinition ContainerDefinitions[api].Environment.LOG_LEVEL', // logLevel
    ];
    for (const line of overrides) expect(differences).toContain(line);
    // Nothing else but what the stage name changes (as between development and test) and the tools part.
    const byName = stageDifferences(
      withoutIdHashes(template('dev')),
      asStage(template('test'), { 'test-Workflows': 'dev-Workflows' }),
    );
    const unexplained = differences.filter(
      (d) =>
        !overrides.includes(d) &&
        !byName.includes(d) &&
        !/ContainerDefinitions\[\w+\]\.Environment\./.test(d),
    );
    expect(unexplained).toEqual([]);
  });
});
