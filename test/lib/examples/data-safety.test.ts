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
import { testApp } from '../../support/test-app';
import { STATEFUL, statefulResources } from './stateful-suite';

/* eslint-disable @typescript-eslint/no-explicit-any */

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
