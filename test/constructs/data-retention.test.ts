import { Template } from 'aws-cdk-lib/assertions';
import {
  Application,
  BrokerEngine,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  DocumentDatabase,
  DocumentEngine,
  HealthCheck,
  Image,
  LoadBalancer,
  MessageBroker,
  SearchDomain,
  SearchEngine,
  Secret,
  Service,
  Volume,
} from '../../constructs';
import { testStack } from '../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Resource types that hold data or credentials. The instances of an Aurora or DocumentDB cluster are left
 * out: the cluster holds the storage, and its policy is what keeps it.
 */
const DATA_BEARING = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::AmazonMQ::Broker',
  'AWS::EFS::FileSystem',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
];

/** Every stateful construct of the library at its defaults, connected so that each builds all it can. */
function everyStatefulConstruct(): any {
  const stack = testStack('Data');
  const application = new Application(stack, 'shop');
  const api = new Service(application, 'api', {
    image: Image.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'),
    ports: [{ containerPort: 8000, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8000, path: '/health' }),
  });
  const dataServices = [
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16') }),
    new Database(application, 'aurora', { engine: DatabaseEngine.mysql('8.0'), aurora: true }),
    new Cache(application, 'cache', { engine: CacheEngine.valkey('8.0') }),
    new Cache(application, 'store', { engine: CacheEngine.valkey('8.0'), persistence: true }),
    new SearchDomain(application, 'search', { engine: SearchEngine.openSearch('2.17') }),
    new MessageBroker(application, 'queue', { engine: BrokerEngine.rabbitMq('3.13') }),
    new DocumentDatabase(application, 'docs', { engine: DocumentEngine.mongo('5.0') }),
  ];
  for (const [i, dataService] of dataServices.entries()) {
    api.connectTo(dataService, { url: `URL_${i}`, password: `PASSWORD_${i}` });
  }
  api.addMount({ volume: new Volume(application, 'files'), path: '/srv/files' });
  api.addSecret('TOKEN', Secret.generate(application, 'token').value());
  new LoadBalancer(application, 'web').addRoute('api', { service: api });
  return Template.fromStack(stack).toJSON();
}

/** Why a data-bearing resource may be deleted with the stack, or undefined when it may not. */
function nothingToKeep(resource: any): string | undefined {
  if (resource.Type === 'AWS::RDS::DBInstance' && resource.Properties.DBClusterIdentifier !== undefined) {
    return 'an instance of an Aurora cluster';
  }
  if (
    resource.Type === 'AWS::SecretsManager::Secret' &&
    resource.Properties.GenerateSecretString === undefined &&
    resource.Properties.SecretString !== undefined
  ) {
    return 'a connection URL assembled from other secrets';
  }
  if (
    resource.Type === 'AWS::ElastiCache::ReplicationGroup' &&
    resource.Properties.SnapshotRetentionLimit === undefined
  ) {
    return 'a cache without persistence, which starts empty after a restart in both twins';
  }
  return undefined;
}

describe('every resource holding data or credentials is retained or snapshotted by default', () => {
  const template = everyStatefulConstruct();
  const resources = Object.entries(template.Resources as Record<string, any>).filter(([, r]) =>
    DATA_BEARING.includes(r.Type),
  );
  const kept = resources.filter(([, r]) => nothingToKeep(r) === undefined);

  test('each data-bearing type is there, so none is checked vacuously', () => {
    const types = new Set(kept.map(([, r]) => r.Type));
    expect([...types].sort()).toEqual([...DATA_BEARING].sort());
    // The cache without persistence and the connection URLs are the only exemptions.
    expect(resources.length - kept.length).toBeGreaterThan(0);
  });

  test.each(kept)('%s is retained or snapshotted', (_id, resource: any) => {
    expect({
      type: resource.Type,
      DeletionPolicy: ['Retain', 'Snapshot'].includes(resource.DeletionPolicy),
      UpdateReplacePolicy: ['Retain', 'Snapshot'].includes(resource.UpdateReplacePolicy),
    }).toEqual({ type: resource.Type, DeletionPolicy: true, UpdateReplacePolicy: true });
  });
});
