import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  Application,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  HealthCheck,
  Image,
  LoadBalancer,
  Service,
  Volume,
} from '../../../constructs';
import { addExamples } from '../../../lib/examples';
import { testApp } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Resource types that hold data: a refactor must never replace or delete them. */
const STATEFUL = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::EFS::FileSystem',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::OpenSearchService::Domain',
  'AWS::AmazonMQ::Broker',
  'AWS::DocDB::DBCluster',
];

/** One application, declared in two orders and with the worker under two names. */
function shop(options: { workerName: string; dataFirst: boolean }): any {
  const stack = new Stack(testApp(), 'Shop');
  const application = new Application(stack, 'shop');
  const image = Image.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
  const data = () => ({
    db: new Database(application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      extraDatabases: ['reports'],
    }),
    cache: new Cache(application, 'cache', { engine: CacheEngine.valkey('8.0'), persistence: true }),
    files: new Volume(application, 'files'),
  });
  let stores = options.dataFirst ? data() : undefined;
  const api = new Service(application, 'api', {
    image,
    ports: [{ containerPort: 8000, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8000, path: '/health' }),
  });
  const worker = new Service(application, options.workerName, { image, command: ['python', '-m', 'worker'] });
  stores ??= data();
  for (const s of [api, worker]) {
    s.connectTo(stores.db, { url: 'DATABASE_URL' });
    s.connectTo(stores.cache, { url: 'CACHE_URL' });
    s.addMount({ volume: stores.files, path: '/srv/files' });
  }
  new LoadBalancer(application, 'web').addRoute('api', { service: api });
  return Template.fromStack(stack).toJSON();
}

function statefulResources(template: any): [string, any][] {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) =>
    STATEFUL.includes(r.Type),
  );
}

describe('stateful resources survive refactors', () => {
  const before = shop({ workerName: 'worker', dataFirst: true });

  test.each([
    ['renaming a service', { workerName: 'jobs', dataFirst: true }],
    ['reordering declarations', { workerName: 'worker', dataFirst: false }],
    ['both', { workerName: 'jobs', dataFirst: false }],
  ])('%s replaces or deletes no stateful resource', (_name, options) => {
    const after = shop(options);
    const diff = fullDiff(before, after);
    const touched = Object.entries(diff.resources.changes)
      .filter(([, change]) => STATEFUL.includes(change.resourceType ?? ''))
      .filter(([, change]) =>
        [
          ResourceImpact.WILL_REPLACE,
          ResourceImpact.MAY_REPLACE,
          ResourceImpact.WILL_DESTROY,
          ResourceImpact.WILL_ORPHAN,
        ].includes(change.changeImpact),
      )
      .map(([id, change]) => `${id} (${change.resourceType}): ${change.changeImpact}`);
    expect(touched).toEqual([]);
    // The data itself is the same set of resources, under the same logical ids.
    expect(
      statefulResources(after)
        .map(([id]) => id)
        .sort(),
    ).toEqual(
      statefulResources(before)
        .map(([id]) => id)
        .sort(),
    );
  });

  test('the comparison can fail: a renamed data service is reported as replaced', () => {
    const renamed = JSON.parse(JSON.stringify(before).replace(/shopdb/g, 'shopdatabase'));
    const diff = fullDiff(before, renamed);
    const replaced = Object.values(diff.resources.changes).filter(
      (c) => c.resourceType === 'AWS::RDS::DBInstance' && c.changeImpact === ResourceImpact.WILL_DESTROY,
    );
    expect(replaced.length).toBeGreaterThan(0);
  });
});

describe('stateful resources of every example keep their data on removal', () => {
  const app = testApp();
  const stacks = addExamples(app);
  const assembly = app.synth();
  const cases = stacks.flatMap((s) =>
    statefulResources(assembly.getStackByName(s.stackName).template).map(
      ([id, r]) => [`${s.stackName}/${id}`, r] as const,
    ),
  );

  test('the examples have stateful resources', () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  test.each(cases)('%s is retained or snapshotted', (_id, resource: any) => {
    if (
      resource.Type === 'AWS::SecretsManager::Secret' &&
      !resource.Properties.GenerateSecretString &&
      resource.Properties.SecretString
    ) {
      // A connection URL assembled from other secrets: nothing of its own to keep.
      expect(resource.DeletionPolicy).toBe('Delete');
      return;
    }
    if (
      resource.Type === 'AWS::ElastiCache::ReplicationGroup' &&
      resource.Properties.SnapshotRetentionLimit === undefined
    ) {
      // A cache without persistence holds nothing to keep.
      expect(resource.DeletionPolicy).toBe('Delete');
      return;
    }
    expect(['Retain', 'Snapshot']).toContain(resource.DeletionPolicy);
    expect(['Retain', 'Snapshot']).toContain(resource.UpdateReplacePolicy);
  });
});
