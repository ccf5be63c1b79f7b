import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, DocumentDatabase, DocumentEngine, Image, Service } from '../../constructs';
import {
  cloudEnvironment,
  cloudSecret,
  cloudVariables,
  connectedTwins,
  ConnectedTwins,
  expectValidationError,
  ingressInto,
  logicalIdOf,
  nagFindings,
  schemaErrors,
} from '../support/data-service-twins';
import { testStack } from '../support/test-app';

const VARIABLES = {
  host: 'MONGO_HOST',
  port: 'MONGO_PORT',
  database: 'MONGO_DB',
  username: 'MONGO_USER',
  password: 'MONGO_PASSWORD',
  url: 'MONGO_URL',
};
const PASSWORD = '${DOCS_PASSWORD:?set DOCS_PASSWORD in .env}';

describe('DocumentDatabase with the development defaults', () => {
  let twins: ConnectedTwins<DocumentDatabase>;
  beforeAll(() => {
    twins = connectedTwins(
      (app) =>
        new DocumentDatabase(app, 'docs', { engine: DocumentEngine.mongo('5.0'), databaseName: 'goals' }),
      VARIABLES,
    );
  });

  test('is an encrypted DocumentDB cluster of that version in the isolated subnets', () => {
    const { template, dataService } = twins;
    template.resourceCountIs('AWS::DocDB::DBCluster', 1);
    template.hasResourceProperties('AWS::DocDB::DBCluster', {
      EngineVersion: '5.0.0',
      StorageEncrypted: true,
      Port: 27017,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [logicalIdOf(dataService.securityGroup), 'GroupId'] }],
    });
    template.hasResourceProperties('AWS::DocDB::DBSubnetGroup', {
      SubnetIds: [
        { Ref: Match.stringLikeRegexp('^shopVpcdataSubnet1') },
        { Ref: Match.stringLikeRegexp('^shopVpcdataSubnet2') },
      ],
    });
    template.resourceCountIs('AWS::DocDB::DBInstance', 1);
    template.hasResourceProperties('AWS::DocDB::DBInstance', { DBInstanceClass: 'db.t4g.medium' });
  });

  test('keeps TLS on and has the audit log record authentication and DDL', () => {
    twins.template.hasResourceProperties('AWS::DocDB::DBClusterParameterGroup', {
      Family: 'docdb5.0',
      Parameters: {
        audit_logs: 'enabled',
        tls: 'enabled',
        profiler: 'enabled',
        profiler_threshold_ms: '100',
      },
    });
  });

  test('snapshots the cluster when it leaves the stack', () => {
    twins.template.hasResource('AWS::DocDB::DBCluster', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('takes its master user and password from a generated Secrets Manager secret', () => {
    const secret = logicalIdOf(twins.dataService.cluster.node.findChild('Secret'));
    twins.template.hasResourceProperties('AWS::DocDB::DBCluster', {
      MasterUsername: {
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:username::}}']],
      },
      MasterUserPassword: {
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:password::}}']],
      },
    });
    twins.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: '{"username":"docdbadmin"}',
        ExcludeCharacters: Match.stringLikeRegexp('@.*:|:.*@'),
      }),
    });
  });

  test('admits only the connected service, on 27017, and the service waits for the cluster and its instance', () => {
    const { template, dataService, api } = twins;
    expect(ingressInto(template, logicalIdOf(dataService.securityGroup))).toEqual([
      { from: logicalIdOf(api.fargateService.connections.securityGroups[0]), port: 27017 },
    ]);
    const instance = Object.keys(template.findResources('AWS::DocDB::DBInstance'))[0];
    const service = template.findResources('AWS::ECS::Service')[logicalIdOf(api.fargateService)];
    expect(service.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(dataService.cluster), instance]));
  });

  test('gives the connected service the endpoint, port and database, and the credentials and a TLS URL as secrets', () => {
    const { template, dataService, api } = twins;
    const cluster = logicalIdOf(dataService.cluster);
    const credentials = logicalIdOf(dataService.credentials.secret as never);
    expect(cloudEnvironment(template, api, 'MONGO_HOST')).toEqual({ 'Fn::GetAtt': [cluster, 'Endpoint'] });
    expect(cloudEnvironment(template, api, 'MONGO_PORT')).toBe('27017');
    expect(cloudEnvironment(template, api, 'MONGO_DB')).toBe('goals');
    expect(JSON.stringify(cloudSecret(template, api, 'MONGO_USER'))).toContain(':username::');
    expect(JSON.stringify(cloudSecret(template, api, 'MONGO_PASSWORD'))).toContain(':password::');
    const [urlId, url] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([, s]) =>
      String(s.Properties.Description).startsWith('Connection URL'),
    )!;
    expect(url.Properties.SecretString['Fn::Join'][1]).toEqual([
      'mongodb://{{resolve:secretsmanager:',
      { Ref: credentials },
      ':SecretString:username::}}:{{resolve:secretsmanager:',
      { Ref: credentials },
      ':SecretString:password::}}@',
      { 'Fn::GetAtt': [cluster, 'Endpoint'] },
      ':',
      { 'Fn::GetAtt': [cluster, 'Port'] },
      '/goals?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false',
    ]);
    expect(cloudSecret(template, api, 'MONGO_URL')).toEqual({ Ref: urlId });
  });

  test('gives the worker, which did not connect, none of it', () => {
    expect(cloudVariables(twins.template, twins.worker)).toEqual([]);
    expect(twins.compose.services.worker.environment).toBeUndefined();
  });

  test('runs mongo of the same version locally, with the same root user and the .env password', () => {
    const docs = twins.compose.services.docs;
    expect(docs.image).toBe('mongo:5.0');
    expect(docs.environment).toEqual({
      MONGO_INITDB_ROOT_PASSWORD: PASSWORD,
      MONGO_INITDB_ROOT_USERNAME: 'docdbadmin',
    });
    expect(docs.expose).toEqual(['27017']);
    expect(docs.healthcheck?.test).toEqual([
      'CMD',
      'mongosh',
      '--quiet',
      '--eval',
      "db.adminCommand('ping').ok",
    ]);
    expect(docs.volumes).toEqual([{ type: 'volume', source: 'docs-data', target: '/data/db' }]);
    expect(twins.compose.volumes).toHaveProperty('docs-data');
    expect(twins.envExample).toMatch(/^DOCS_PASSWORD=$/m);
  });

  test('hands the local service the container and a URL that authenticates against admin, without TLS', () => {
    const api = twins.compose.services.api;
    expect(api.environment).toEqual({
      MONGO_DB: 'goals',
      MONGO_HOST: 'docs',
      MONGO_PASSWORD: PASSWORD,
      MONGO_PORT: '27017',
      MONGO_URL: `mongodb://docdbadmin:${PASSWORD}@docs:27017/goals?authSource=admin`,
      MONGO_USER: 'docdbadmin',
    });
    expect(api.depends_on).toEqual({ docs: { condition: 'service_healthy' } });
  });

  test('uses the same variable names in both twins', () => {
    expect(cloudVariables(twins.template, twins.api)).toEqual(
      Object.keys(twins.compose.services.api.environment!).sort(),
    );
    expect(cloudVariables(twins.template, twins.api)).toEqual(Object.values(VARIABLES).sort());
  });

  test('describes the declared stand-in in the model', () => {
    expect(twins.dataService.toSpec().cloud).toBe(
      'DocumentDB 5.0 (db.t4g.medium x1), TLS required (Amazon RDS CA bundle); locally mongo 5.0 without TLS',
    );
  });

  test('passes cdk-nag AwsSolutions and NIST 800-53 R5, and its compose file the Compose Specification schema', () => {
    expect(nagFindings(twins.stack)).toEqual([]);
    expect(nagFindings(twins.stack, new NIST80053R5Checks())).toEqual([]);
    expect(schemaErrors(twins.compose)).toEqual([]);
  });
});

describe('DocumentDatabase options', () => {
  test('without a database name, both URLs end in /?<options>', () => {
    const twins = connectedTwins(
      (app) =>
        new DocumentDatabase(app, 'docs', {
          engine: DocumentEngine.mongo('4.0'),
          instances: 2,
          instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
          backupRetentionDays: 14,
          deletionProtection: false,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      { url: 'MONGO_URL' },
    );
    expect(twins.compose.services.api.environment?.MONGO_URL).toBe(
      `mongodb://docdbadmin:${PASSWORD}@docs:27017/?authSource=admin`,
    );
    const url = Object.values(twins.template.findResources('AWS::SecretsManager::Secret')).find((s) =>
      String(s.Properties.Description).startsWith('Connection URL'),
    )!;
    const parts = url.Properties.SecretString['Fn::Join'][1];
    expect(parts[parts.length - 1]).toBe(
      '/?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false',
    );
    twins.template.hasResourceProperties('AWS::DocDB::DBCluster', {
      EngineVersion: '4.0.0',
      BackupRetentionPeriod: 14,
      DeletionProtection: false,
    });
    twins.template.hasResource('AWS::DocDB::DBCluster', { DeletionPolicy: 'Delete' });
    twins.template.resourceCountIs('AWS::DocDB::DBInstance', 2);
    twins.template.hasResourceProperties('AWS::DocDB::DBInstance', { DBInstanceClass: 'db.r6g.large' });
    twins.template.hasResourceProperties('AWS::DocDB::DBClusterParameterGroup', { Family: 'docdb4.0' });
    // MongoDB 4.0 images have the legacy shell only.
    expect(twins.compose.services.docs.image).toBe('mongo:4.0');
    expect(twins.compose.services.docs.healthcheck?.test).toEqual([
      'CMD',
      'mongo',
      '--quiet',
      '--eval',
      "db.adminCommand('ping').ok",
    ]);
    expect(nagFindings(twins.stack)).toEqual([]);
  });

  test('runs mongo 8.0 for DocumentDB 8.0', () => {
    const app = new Application(testStack(), 'shop');
    const docs = new DocumentDatabase(app, 'docs', {
      engine: DocumentEngine.mongo('8.0'),
      username: 'goals',
    });
    expect(docs.toSpec().local.image).toBe('mongo:8.0');
    expect(docs.toSpec().local.environment).toEqual({ MONGO_INITDB_ROOT_USERNAME: 'goals' });
  });

  test.each([
    [{ engine: undefined }, 'engine', 'DocumentEngine.mongo'],
    [{ engine: DocumentEngine.mongo('') }, 'engine.version', 'is required'],
    [{ engine: DocumentEngine.mongo('3.6') }, 'engine.version', '4.0, 5.0, 8.0'],
    [{ engine: DocumentEngine.mongo('6.0') }, 'engine.version', 'is not a DocumentDB engine version'],
    [{ engine: DocumentEngine.mongo('5') }, 'engine.version', 'is not a DocumentDB engine version'],
    [{ username: 'admin' }, 'username', 'reserves'],
    [{ username: '1user' }, 'username', 'starting with a letter'],
    [{ username: 'app-user' }, 'username', 'letters or digits'],
    [{ databaseName: 'a b' }, 'databaseName', '1 to 63'],
    [{ instances: 0 }, 'instances', 'from 1 to 16'],
    [{ backupRetentionDays: 0 }, 'backupRetentionDays', 'from 1 to 35'],
  ])('rejects %j', (props, prop, fragment) => {
    const app = new Application(testStack(), 'shop');
    expectValidationError(
      () => new DocumentDatabase(app, 'docs', { engine: DocumentEngine.mongo('5.0'), ...props } as never),
      'Test/shop/docs',
      prop,
      fragment,
    );
  });

  test('offers a database value only when it has a database name', () => {
    const app = new Application(testStack(), 'shop');
    const docs = new DocumentDatabase(app, 'docs', { engine: DocumentEngine.mongo('5.0') });
    const api = new Service(app, 'api', {
      image: Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'),
    });
    expectValidationError(
      () => api.connectTo(docs, { database: 'MONGO_DB' }),
      'connectTo.database',
      'host, port, username, password, url',
    );
  });

  test('refuses a connection from a service of another application', () => {
    const stack = testStack();
    const docs = new DocumentDatabase(new Application(stack, 'shop'), 'docs', {
      engine: DocumentEngine.mongo('5.0'),
    });
    const other = new Service(new Application(stack, 'other'), 'api', {
      image: Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'),
    });
    expectValidationError(() => other.connectTo(docs, { url: 'MONGO_URL' }), "belongs to application 'shop'");
  });
});
