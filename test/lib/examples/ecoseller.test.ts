import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import { EcosellerStack } from '../../../lib/examples';
import { synthesizeExample, taskContainers } from './example-twins';
import { composeSchemaErrors } from '../../support/compose-schema';
import { comparable } from '../../support/compose-equivalence';
import { cloudRouteTables } from '../../support/route-tables';
import { PROJECT_ROOT } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SEED = parse(
  fs.readFileSync(
    path.join(PROJECT_ROOT, 'test/fixtures/seed-systems/ecoseller/docker-compose.prod.yaml'),
    'utf8',
  ),
  { merge: true },
);

// One synthesis (the validator, cdk-nag and parity run in all-examples.test.ts).
let assembly: CloudAssembly;
let template: Template;
let composeText: string;
let compose: any;

beforeAll(() => {
  ({ assembly, template, composeText, compose } = synthesizeExample(
    (app) => new EcosellerStack(app, 'Ecoseller'),
  ));
});

const containers = (): Record<string, any> => taskContainers(template);

const LOCAL_SDK_VARIABLE = /^AWS_(ENDPOINT_URL_[A-Z0-9_]+|REGION|ACCESS_KEY_ID|SECRET_ACCESS_KEY)$/;

describe('Ecoseller local twin', () => {
  test('matches the snapshot', () => {
    expect(composeText).toMatchSnapshot();
  });

  test('passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });

  test('has every service of the production compose file, plus the init job of the recommender database and the S3 and SNS stand-ins with their init job', () => {
    const ours = Object.keys(compose.services).sort();
    // With a topic, the SNS stand-in holds the e-mail queue too, so that the topic's events reach it.
    expect(ours).toEqual(
      [...Object.keys(SEED.services), 'postgres_rs-init', 'aws-init', 'aws-s3', 'aws-sns'].sort(),
    );
  });

  test('waits in the order the original does', () => {
    const conditions = (name: string) => comparable(compose.services[name]).dependsOn;
    expect(conditions('backend')).toMatchObject({ postgres_backend: 'service_healthy' });
    expect(conditions('recommender_system')).toMatchObject({ postgres_rs: 'service_healthy' });
    expect(conditions('recommender_system_trainer')).toMatchObject({ recommender_system: 'service_healthy' });
    expect(conditions('rq-worker')).toMatchObject({ backend: 'service_started', redis: 'service_healthy' });
    expect(conditions('frontend_dashboard')).toMatchObject({ backend: 'service_started' });
  });

  test('builds the development stage of each component locally, from one Dockerfile per component', () => {
    for (const name of ['backend', 'frontend_dashboard', 'frontend_storefront', 'recommender_system']) {
      expect(compose.services[name].build.target).toBe('development');
    }
    expect(compose.services['rq-worker'].build).toEqual({
      context: './lib/examples/ecoseller/backend',
      target: 'rq-worker',
    });
    expect(compose.services.recommender_system_trainer.entrypoint).toEqual([
      'sh',
      '/usr/src/app/run_trainer.sh',
    ]);
  });

  test('the databases run the same major version as the original, with its data on named volumes', () => {
    expect(compose.services.postgres_backend.image).toBe('postgres:13-alpine');
    expect(compose.services.postgres_backend.ports).toEqual(['127.0.0.1:5433:5432']);
    expect(compose.services.postgres_backend.healthcheck.test).toEqual([
      'CMD-SHELL',
      'pg_isready -h 127.0.0.1 -U postgres -d ecoseller',
    ]);
    expect(compose.services.postgres_rs.volumes).toEqual([
      { type: 'volume', source: 'postgres_rs-data', target: '/var/lib/postgresql/data' },
    ]);
    expect(compose.services['postgres_rs-init'].environment.TWINSTACK_INIT_SQL).toContain(
      'CREATE DATABASE similarity;',
    );
  });

  test('the recommender and its trainer share one volume', () => {
    const mounts = (name: string) => compose.services[name].volumes;
    expect(mounts('recommender_system')).toEqual(mounts('recommender_system_trainer'));
    expect(mounts('recommender_system')[0].source).toBe('shared-volume');
  });

  test('no credential sits in the compose file: connection values read from .env', () => {
    const env = compose.services.backend.environment;
    expect(env.POSTGRES_PASSWORD).toBe('${POSTGRES_BACKEND_PASSWORD:?set POSTGRES_BACKEND_PASSWORD in .env}');
    expect(env.REDIS_URL).toBe('redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}@redis:6379');
    expect(env.SECRET_KEY).toBe('${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY in .env}');
    expect(composeText).not.toMatch(/POSTGRES_PASSWORD: postgres\b/);
  });
});

describe('Ecoseller cloud twin', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the two PostgreSQL databases are managed, private, encrypted and kept on deletion', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.allResourcesProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: '13',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      DeletionProtection: true,
    });
    for (const r of Object.values(template.findResources('AWS::RDS::DBInstance'))) {
      expect(r.DeletionPolicy).toBe('Snapshot');
    }
  });

  test('Redis is ElastiCache with TLS and an AUTH token from Secrets Manager', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
    });
    const token = JSON.stringify(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(token).toContain('"AuthToken":{"Fn::Join":["",["{{resolve:secretsmanager:"');
  });

  test('each connected service receives the same variable names in both twins', () => {
    const cloud = containers();
    for (const name of ['backend', 'rq-worker', 'recommender_system']) {
      const c = cloud[name];
      const cloudNames = [...(c.Environment ?? []), ...(c.Secrets ?? [])].map((e: any) => e.Name).sort();
      const localNames = Object.keys(compose.services[name].environment);
      // Locally only: where the SDK finds the stand-ins, and their credentials.
      const sdkOnly = localNames.filter((n) => LOCAL_SDK_VARIABLE.test(n));
      expect(cloudNames.filter((n) => LOCAL_SDK_VARIABLE.test(n))).toEqual([]);
      expect(cloudNames).toEqual(localNames.filter((n) => !sdkOnly.includes(n)).sort());
    }
  });

  test('product images are in a bucket the backend reads and writes, named in AWS_STORAGE_BUCKET_NAME', () => {
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: { Tags: [{ Key: 'twinstack:bucket', Value: 'media' }] },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    const [bucketId] = Object.keys(buckets);
    const backend = containers().backend;
    expect(backend.Environment).toContainEqual({ Name: 'AWS_STORAGE_BUCKET_NAME', Value: { Ref: bucketId } });
    expect(compose.services.backend.environment).toMatchObject({
      AWS_STORAGE_BUCKET_NAME: 'media',
      AWS_ENDPOINT_URL_S3: 'http://aws-s3:7070',
    });
    expect(Object.values(buckets)[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the backend only sends e-mails to the queue and the worker only consumes them', () => {
    const queues = template.findResources('AWS::SQS::Queue', {
      Properties: { Tags: [{ Key: 'twinstack:queue', Value: 'emails' }] },
    });
    const emails = Object.entries(queues)[0];
    expect(emails).toBeDefined();
    const actionsOf = (service: string): string[] =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p: any) =>
          JSON.stringify(p.Properties.Roles).includes(`Ecoseller${service}TaskDefinitionTaskRole`),
        )
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => JSON.stringify(st.Resource).includes(emails![0]))
        .flatMap((st: any) => ([] as string[]).concat(st.Action))
        .sort();
    expect(actionsOf('backend')).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(actionsOf('backend')).not.toContain('sqs:ReceiveMessage');
    expect(actionsOf('rqworker')).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actionsOf('rqworker')).not.toContain('sqs:SendMessage');
    expect(compose.services['rq-worker'].depends_on['aws-init']).toEqual({
      condition: 'service_completed_successfully',
    });
  });

  test('the backend publishes order events to a topic whose e-mail queue takes the placed and shipped ones', () => {
    const topics = template.findResources('AWS::SNS::Topic', {
      Properties: { Tags: [{ Key: 'twinstack:topic', Value: 'orders' }] },
    });
    const [topicId] = Object.keys(topics);
    expect(topicId).toBeDefined();
    const [queueId] = Object.keys(
      template.findResources('AWS::SQS::Queue', {
        Properties: { Tags: [{ Key: 'twinstack:queue', Value: 'emails' }] },
      }),
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: topicId },
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FilterPolicy: { event: ['placed', 'shipped'] },
    });
    expect(containers().backend.Environment).toContainEqual({
      Name: 'ORDER_EVENTS_TOPIC_ARN',
      Value: { Ref: topicId },
    });
    expect(containers()['rq-worker'].Environment ?? []).not.toContainEqual(
      expect.objectContaining({ Name: 'ORDER_EVENTS_TOPIC_ARN' }),
    );
    expect(compose.services.backend.environment).toMatchObject({
      ORDER_EVENTS_TOPIC_ARN:
        'arn:aws:sns:${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}:123456789012:orders',
      AWS_ENDPOINT_URL_SNS: 'http://aws-sns:5000',
      EMAIL_QUEUE_URL: 'http://aws-sns:5000/123456789012/emails',
    });
    expect(compose.services['aws-init'].command[0]).toContain(
      `aws sns subscribe --topic-arn "arn:aws:sns:$$AWS_REGION:123456789012:orders" --protocol sqs --notification-endpoint "arn:aws:sqs:$$AWS_REGION:123456789012:emails"`,
    );
  });

  test('the reverse proxy is one load balancer: API paths, the dashboard host, the storefront otherwise', () => {
    const [table] = cloudRouteTables(template.toJSON());
    expect(
      table.rows.map((r) => [r.priority, r.conditions.pathPatterns, r.conditions.hostHeaders, r.target]),
    ).toEqual([
      [10, ['/api/*', '/admin*', '/static/*', '/media/*'], [], 'backend:8000'],
      [20, [], ['dashboard.*'], 'frontend_dashboard:3000'],
      [undefined, [], [], 'frontend_storefront:3000'],
    ]);
    expect(compose.services['reverse-proxy'].ports).toEqual(['127.0.0.1:80:80']);
  });

  test('builds the production stage in the cloud', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'Ecoseller.assets.json'), 'utf8'),
    );
    const targets = Object.values(manifest.dockerImages)
      .map((i: any) => i.source.dockerBuildTarget)
      .sort();
    // The dashboard and storefront directories hold the same Dockerfile, so they share one asset.
    expect(targets).toEqual(['production', 'production', 'production', 'rq-worker']);
  });

  test('the trainer runs once per deployment, in its own task, after the recommender is healthy', () => {
    const resources = template.toJSON().Resources as Record<string, any>;
    const [runId, run] = Object.entries(resources).find(([, r]) => r.Type === 'Custom::TwinstackJobRun')!;
    expect(run.Properties.Container).toBe('recommender_system_trainer');
    const recommender = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::ECS::Service' &&
        resources[r.Properties.TaskDefinition.Ref].Properties.ContainerDefinitions[0].Name ===
          'recommender_system',
    )![0];
    expect(run.DependsOn).toEqual(expect.arrayContaining([recommender]));
    // Its task: the trainer itself, preceded by the init job of the recommender database it connects to.
    const task = resources[run.Properties.TaskDefinition.Ref].Properties;
    expect(task.ContainerDefinitions.map((c: any) => [c.Name, c.Essential])).toEqual([
      ['recommender_system_trainer', true],
      ['recommender_system_trainer-writable', false],
      ['postgres_rs-init', false],
    ]);
    expect(task.ContainerDefinitions[0].DependsOn).toEqual([
      { ContainerName: 'recommender_system_trainer-writable', Condition: 'SUCCESS' },
      { ContainerName: 'postgres_rs-init', Condition: 'SUCCESS' },
    ]);
    expect(task.Volumes.map((v: any) => v.Name)).toEqual([
      'recommender_system_trainer-writable-0',
      'shared-volume',
    ]);
    // No service task runs it any more, and nothing waits for it.
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::ECS::Service') continue;
      const names = resources[r.Properties.TaskDefinition.Ref].Properties.ContainerDefinitions.map(
        (c: any) => c.Name,
      );
      expect(names).not.toContain('recommender_system_trainer');
      expect([].concat(r.DependsOn ?? [])).not.toContain(runId);
    }
  });
});
