import { Template } from 'aws-cdk-lib/assertions';
import { LangfuseStack } from '../../../lib/examples';
import { environmentOf, synthesizeExample, taskContainers } from './example-twins';
import { composeSchemaErrors } from '../../support/compose-schema';

/* eslint-disable @typescript-eslint/no-explicit-any */

// One synthesis (the validator, cdk-nag, Control Tower and parity run in all-examples.test.ts).
let template: Template;
let composeText: string;
let compose: any;

beforeAll(() => {
  ({ template, composeText, compose } = synthesizeExample((app) => new LangfuseStack(app, 'Langfuse')));
});

const containers = (): Record<string, any> => taskContainers(template);

describe('Langfuse local twin', () => {
  test('matches the snapshot', () => {
    expect(composeText).toMatchSnapshot();
  });

  test('passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });

  test("has the original's services, MinIO replaced by the S3 stand-in and the init job creating the bucket", () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'aws-init',
        'aws-s3',
        'clickhouse',
        'langfuse-web',
        'langfuse-worker',
        'postgres',
        'public',
        'redis',
      ].sort(),
    );
  });

  test('published ports listen on 127.0.0.1 only, as in the original', () => {
    const published = Object.values(compose.services)
      .flatMap((s: any) => s.ports ?? [])
      .map((p: any) => (typeof p === 'string' ? p : p.host_ip));
    expect(published.length).toBeGreaterThan(4);
    for (const p of published) expect(String(p)).toMatch(/^127\.0\.0\.1/);
  });

  test('settings read as ${VAR:-default} in the original stay start-time variables', () => {
    const web = compose.services['langfuse-web'].environment;
    expect(web.TELEMETRY_ENABLED).toBe('${TELEMETRY_ENABLED:-true}');
    expect(web.NEXTAUTH_URL).toBe('${NEXTAUTH_URL:-http://localhost:3000}');
    expect(compose.services['langfuse-worker'].environment.LANGFUSE_S3_BATCH_EXPORT_ENABLED).toBe(
      '${LANGFUSE_S3_BATCH_EXPORT_ENABLED:-false}',
    );
    expect(compose.services['langfuse-worker'].environment.NEXTAUTH_URL).toBeUndefined();
  });

  test('the Redis TLS flag is false against the plain local stand-in', () => {
    expect(compose.services['langfuse-web'].environment.REDIS_TLS_ENABLED).toBe('false');
  });

  test('secrets come from .env, never as values', () => {
    const web = compose.services['langfuse-web'].environment;
    expect(web.SALT).toBe('${SALT:?set SALT in .env}');
    expect(web.ENCRYPTION_KEY).toBe('${ENCRYPTION_KEY:?set ENCRYPTION_KEY in .env}');
    expect(web.NEXTAUTH_SECRET).toBe('${NEXTAUTH_SECRET:?set NEXTAUTH_SECRET in .env}');
    expect(web.CLICKHOUSE_PASSWORD).toBe('${CLICKHOUSE_PASSWORD:?set CLICKHOUSE_PASSWORD in .env}');
  });

  test('ClickHouse keeps its data in the named volume of the original, with its open-files limit and user', () => {
    const clickhouse = compose.services.clickhouse;
    expect(clickhouse.volumes).toContainEqual(
      expect.objectContaining({
        type: 'volume',
        source: 'langfuse_clickhouse_data',
        target: '/var/lib/clickhouse',
      }),
    );
    expect(clickhouse.ulimits).toEqual({ nofile: { soft: 262144, hard: 262144 } });
    expect(clickhouse.user).toBe('101:101');
    expect(compose.services['langfuse-web'].depends_on.clickhouse).toEqual({ condition: 'service_healthy' });
  });
});

describe('Langfuse cloud twin', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('ClickHouse runs as one task whose deployments never overlap, its data on a retained EFS volume', () => {
    const services = Object.values(template.findResources('AWS::ECS::Service')).filter((s: any) =>
      JSON.stringify(s.Properties.ServiceConnectConfiguration ?? {}).includes('clickhouse'),
    );
    expect(services).toHaveLength(1);
    expect((services[0] as any).Properties).toMatchObject({
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
    });
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Retain' });
    expect(containers().clickhouse.Ulimits).toEqual([
      { Name: 'nofile', SoftLimit: 262144, HardLimit: 262144 },
    ]);
  });

  test('the Redis TLS flag is true against ElastiCache, which speaks only TLS', () => {
    for (const name of ['langfuse-web', 'langfuse-worker']) {
      expect(environmentOf(containers()[name]).REDIS_TLS_ENABLED).toBe('true');
    }
  });

  test('start-time variables take their defaults, and secrets come from Secrets Manager', () => {
    const web = containers()['langfuse-web'];
    expect(environmentOf(web)).toMatchObject({
      TELEMETRY_ENABLED: 'true',
      NEXTAUTH_URL: 'http://localhost:3000',
    });
    const secretNames = (web.Secrets ?? []).map((s: any) => s.Name).sort();
    expect(secretNames).toEqual(
      expect.arrayContaining([
        'CLICKHOUSE_PASSWORD',
        'DATABASE_URL',
        'ENCRYPTION_KEY',
        'NEXTAUTH_SECRET',
        'REDIS_AUTH',
        'SALT',
      ]),
    );
  });

  test('the uploads bucket is S3, read and written by the web application and the worker only', () => {
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: { Tags: [{ Key: 'twinstack:bucket', Value: 'langfuse' }] },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    const [bucketId] = Object.keys(buckets);
    for (const name of ['langfuse-web', 'langfuse-worker']) {
      expect(environmentOf(containers()[name]).LANGFUSE_S3_EVENT_UPLOAD_BUCKET).toEqual({ Ref: bucketId });
    }
    expect(environmentOf(containers().clickhouse).LANGFUSE_S3_EVENT_UPLOAD_BUCKET).toBeUndefined();
  });
});
