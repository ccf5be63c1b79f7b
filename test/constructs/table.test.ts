/* eslint-disable @typescript-eslint/no-explicit-any */
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, Service, Table } from '../../constructs';
import { controlTowerFindings } from '../support/control-tower';
import { nagFindings } from '../support/data-service-twins';
import { expectValidationError } from '../support/errors';
import {
  IMAGE,
  parityErrors,
  parityOf,
  resourcesOf,
  resourceTwins,
  ResourceTwins,
  taskRoleActions,
} from '../support/aws-resource-twins';
import { testStack } from '../support/test-app';

/** An API that reads and writes orders, a reporter that only reads them. */
function shop(application: Application): void {
  const orders = new Table(application, 'orders', {
    partitionKey: { name: 'customer', type: 'string' },
    sortKey: { name: 'placed', type: 'number' },
    globalSecondaryIndexes: [{ indexName: 'by-status', partitionKey: { name: 'status', type: 'string' } }],
    timeToLiveAttribute: 'expires',
    stream: true,
  });
  const api = new Service(application, 'api', { image: IMAGE });
  api.connectTo(orders, { access: 'readWrite', tableName: 'ORDERS_TABLE', tableArn: 'ORDERS_ARN' });
  const reporter = new Service(application, 'reporter', { image: IMAGE });
  reporter.connectTo(orders, { access: 'read', tableName: 'ORDERS_TABLE' });
}

let twins: ResourceTwins;
beforeAll(() => {
  twins = resourceTwins(shop);
});

const tableOf = (t: ResourceTwins) =>
  Object.values<any>(resourcesOf(t.template, 'AWS::DynamoDB::GlobalTable'))[0];
const initScriptOf = (t: ResourceTwins) => (t.compose.services['aws-init'] as any).command[0] as string;

describe('Table, cloud twin', () => {
  test('a retained on-demand table with the keys, index, TTL, stream, PITR and deletion protection', () => {
    const table = tableOf(twins);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const p = table.Properties;
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.KeySchema).toEqual([
      { AttributeName: 'customer', KeyType: 'HASH' },
      { AttributeName: 'placed', KeyType: 'RANGE' },
    ]);
    expect(p.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'placed', AttributeType: 'N' },
        { AttributeName: 'status', AttributeType: 'S' },
      ]),
    );
    expect(p.GlobalSecondaryIndexes[0]).toMatchObject({
      IndexName: 'by-status',
      Projection: { ProjectionType: 'ALL' },
    });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expires', Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(p.Replicas[0]).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('task roles get exactly the declared access: the reader no write action', () => {
    const reader = taskRoleActions(twins.template, 'reporter');
    expect(reader).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(reader.filter((a) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(a))).toEqual([]);
    expect(taskRoleActions(twins.template, 'api')).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
    );
  });

  test('cdk-nag AwsSolutions, NIST 800-53 R5 and Control Tower find nothing unacknowledged', () => {
    const stack = testStack();
    shop(new Application(stack, 'shop'));
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
    expect(controlTowerFindings((s) => shop(new Application(s, 'shop')))).toEqual([]);
  });
});

describe('Table, local twin', () => {
  test('DynamoDB Local runs, the init job waits for it and creates the table with keys, index, stream and TTL', () => {
    const s = twins.compose.services as any;
    expect(s['aws-dynamodb'].image).toMatch(/^amazon\/dynamodb-local:\d+\.\d+\.\d+$/);
    expect(s['aws-init'].depends_on).toEqual({ 'aws-dynamodb': { condition: 'service_started' } });
    expect(s['aws-init'].environment.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://aws-dynamodb:8000');
    const script = initScriptOf(twins);
    const create = script.split('\n').find((l) => l.includes('create-table --table-name orders '))!;
    expect(create).toContain(
      `--key-schema '[{"AttributeName":"customer","KeyType":"HASH"},{"AttributeName":"placed","KeyType":"RANGE"}]'`,
    );
    expect(create).toContain('"IndexName":"by-status"');
    expect(create).toContain('"AttributeName":"placed","AttributeType":"N"');
    expect(create).toContain('StreamEnabled=true');
    expect(script).toContain('AttributeName=expires');
    expect(script.indexOf('list-tables')).toBeLessThan(script.indexOf('create-table'));
  });

  test('connected workloads get the variables and endpoint and start after the init job', () => {
    const api = twins.compose.services.api as any;
    expect(api.environment).toMatchObject({
      ORDERS_TABLE: 'orders',
      ORDERS_ARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/orders',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://aws-dynamodb:8000',
    });
    expect(api.environment.AWS_ENDPOINT_URL_SQS).toBeUndefined();
    expect(api.depends_on['aws-init']).toEqual({ condition: 'service_completed_successfully' });
  });
});

describe('Table: parity', () => {
  test('the twins agree', () => {
    expect(parityErrors(parityOf(twins))).toEqual([]);
  });

  test('a table missing from the init job is reported', () => {
    const report = parityOf(twins, (_t, compose) => {
      const init = compose.services['aws-init'];
      init.command[0] = init.command[0].replace(
        /create-table --table-name orders /,
        'create-table --table-name other ',
      );
    });
    expect(parityErrors(report)).toEqual(expect.arrayContaining([expect.stringMatching(/^orders: table: /)]));
  });

  test('a different key or a missing index in the cloud is reported', () => {
    const report = parityOf(twins, (template) => {
      const t = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::DynamoDB::GlobalTable');
      t.Properties.KeySchema = [{ AttributeName: 'customer', KeyType: 'HASH' }];
      delete t.Properties.GlobalSecondaryIndexes;
    });
    expect(parityErrors(report)).toEqual([
      expect.stringMatching(/^orders: table\.keys: /),
      expect.stringMatching(/^orders: table\.indexes: /),
    ]);
  });

  test('a write grant added on the L2 behind the model is reported', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    shop(application);
    const orders = application.node.findChild('orders') as Table;
    const reporter = application.node.findChild('reporter') as Service;
    orders.table.grantWriteData(reporter.taskDefinition.taskRole);
    // Synthesis runs the parity check, which refuses the twins.
    const { Template } = jest.requireActual('aws-cdk-lib/assertions');
    expect(() => Template.fromStack(stack)).toThrow(
      /reporter'?: access\.orders: cloud task role granted readWrite, local declared read/,
    );
  });
});

describe('Table: validation', () => {
  const app = () => new Application(testStack(), 'shop');
  const pk = { name: 'id', type: 'string' as const };

  test('names: 3 to 255 of [a-zA-Z0-9_.-]', () => {
    expectValidationError(
      () => new Table(app(), 't', { name: 'ab', partitionKey: pk }),
      'Test/shop/t',
      'name',
      'table name',
    );
    expectValidationError(() => new Table(app(), 't', { name: 'a b c', partitionKey: pk }), 'table name');
    expectValidationError(
      () => new Table(app(), 't', { name: 'x'.repeat(256), partitionKey: pk }),
      'table name',
    );
    expect(new Table(app(), 't', { name: 'Orders_v2.eu-1', partitionKey: pk }).name).toBe('Orders_v2.eu-1');
  });

  test('key attribute types and a missing partition key', () => {
    expectValidationError(() => new Table(app(), 'orders', {} as any), 'partitionKey', 'is required');
    expectValidationError(
      () => new Table(app(), 'orders', { partitionKey: { name: 'id', type: 'boolean' as any } }),
      'partitionKey.type',
      "'string', 'number' or 'binary'",
    );
  });

  test('index names, duplicate indexes, an attribute with two types', () => {
    expectValidationError(
      () =>
        new Table(app(), 'orders', {
          partitionKey: pk,
          globalSecondaryIndexes: [{ indexName: 'x', partitionKey: pk }],
        }),
      'globalSecondaryIndexes[0].indexName',
      'index name',
    );
    expectValidationError(
      () =>
        new Table(app(), 'orders', {
          partitionKey: pk,
          globalSecondaryIndexes: [
            { indexName: 'by-a', partitionKey: { name: 'a', type: 'string' } },
            { indexName: 'by-a', partitionKey: { name: 'b', type: 'string' } },
          ],
        }),
      'globalSecondaryIndexes[1].indexName',
      'already',
    );
    expectValidationError(
      () =>
        new Table(app(), 'orders', {
          partitionKey: pk,
          globalSecondaryIndexes: [{ indexName: 'by-id', partitionKey: { name: 'id', type: 'number' } }],
        }),
      'globalSecondaryIndexes[0].partitionKey.type',
      "type 'string'",
    );
  });

  test('connectTo: access levels of a table only', () => {
    const application = app();
    const t = new Table(application, 'orders', { partitionKey: pk });
    const s = new Service(application, 'api', { image: IMAGE });
    expectValidationError(
      () => s.connectTo(t, { access: 'send' as any, tableName: 'T' }),
      'connectTo.access',
      "'read'",
    );
    expectValidationError(() => s.connectTo(t, { access: 'read' }), 'names no variable');
  });
});
