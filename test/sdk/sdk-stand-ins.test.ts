/* eslint-disable @typescript-eslint/no-explicit-any */
import { Application, Bucket, Queue, Service, Table } from '../../constructs';
import { IMAGE, resourceTwins, ResourceTwins, taskRoleActions } from '../support/aws-resource-twins';
import {
  Emulators,
  initScriptSteps,
  interpolate,
  onLoopback,
  runSdk,
  SdkResult,
  SdkStep,
  startEmulators,
} from './local-aws-twin';

// `npm run test:sdk`: the AWS SDK for JavaScript talks to emulators of S3, SQS and DynamoDB with only the
// variables the local twin gives a workload. The emulators are npm packages standing in for the local
// twin's images (versitygw, ElasticMQ, DynamoDB Local), which cannot be pulled here; the README's
// "The AWS SDK against the stand-ins" says why these.

/** An API that stores uploads, sends orders and keeps carts; a worker that reads, consumes and looks up. */
function shop(application: Application): void {
  const uploads = new Bucket(application, 'uploads');
  const orders = new Queue(application, 'orders', { fifo: true, contentBasedDeduplication: true });
  const carts = new Table(application, 'carts', {
    partitionKey: { name: 'customer', type: 'string' },
    sortKey: { name: 'added', type: 'number' },
    globalSecondaryIndexes: [{ indexName: 'by-sku', partitionKey: { name: 'sku', type: 'string' } }],
    stream: true,
  });
  const api = new Service(application, 'api', { image: IMAGE });
  api.connectTo(uploads, { access: 'readWrite', bucketName: 'UPLOADS_BUCKET' });
  api.connectTo(orders, { access: 'send', queueUrl: 'ORDERS_URL' });
  api.connectTo(carts, { access: 'readWrite', tableName: 'CARTS_TABLE' });
  const worker = new Service(application, 'worker', { image: IMAGE });
  worker.connectTo(uploads, { access: 'read', bucketName: 'UPLOADS_BUCKET' });
  worker.connectTo(orders, { access: 'consume', queueUrl: 'ORDERS_URL' });
  worker.connectTo(carts, { access: 'read', tableName: 'CARTS_TABLE' });
}

/** `.env` as a developer fills it in from `.env.example`: any values (never real credentials). */
const DOTENV: Record<string, string> = {
  LOCAL_AWS_ACCESS_KEY_ID: 'local-access-key',
  LOCAL_AWS_SECRET_ACCESS_KEY: 'local-secret-key',
  LOCAL_AWS_REGION: 'us-east-1',
};

/** The compose file's services' origins: each stand-in's service name and the port it listens on. */
const STAND_IN_ORIGINS = {
  s3: 'http://aws-s3:7070',
  sqs: 'http://aws-sqs:9324',
  dynamodb: 'http://aws-dynamodb:8000',
};

let twins: ResourceTwins;
let emulators: Emulators;
let origins: Record<string, string>;
/** The init job's script read as SDK calls, and what they returned. */
let steps: SdkStep[];
let init: SdkResult[];

/** The environment the local twin gives `service`, `.env` read and the stand-ins on loopback. */
function workloadEnvironment(service: string) {
  const environment = interpolate((twins.compose.services[service] as any).environment, DOTENV);
  return onLoopback(environment, origins);
}

beforeAll(async () => {
  twins = resourceTwins(shop);
  emulators = await startEmulators({
    accessKeyId: DOTENV.LOCAL_AWS_ACCESS_KEY_ID,
    secretAccessKey: DOTENV.LOCAL_AWS_SECRET_ACCESS_KEY,
  });
  origins = {
    [STAND_IN_ORIGINS.s3]: emulators.s3,
    [STAND_IN_ORIGINS.sqs]: emulators.sqs,
    [STAND_IN_ORIGINS.dynamodb]: emulators.dynamodb,
  };
  const job = twins.compose.services['aws-init'] as any;
  expect(job.entrypoint).toEqual(['/bin/sh', '-c']);
  const { script } = interpolate({ script: job.command[0] }, DOTENV);
  steps = initScriptSteps(script);
  init = (await runSdk(onLoopback(interpolate(job.environment, DOTENV), origins).environment, steps)).results;
}, 120000);

afterAll(async () => {
  await emulators?.close();
});

/** The calls that failed, as `step <n>: <error>` (`<error> || <error>` when the alternative failed too). */
const errorsOf = (results: readonly SdkResult[]) =>
  results.flatMap((r, i) =>
    r.error && (!r.else || r.else.error)
      ? [`step ${i}: ${r.error}${r.else ? ` || ${r.else.error}` : ''}`]
      : [],
  );

describe('the local twin, read as a workload reads it', () => {
  test('.env.example lists what DOTENV fills in: the stand-ins take any credentials', () => {
    const listed = twins.envExample.match(/^[A-Z_]+(?==)/gm);
    expect(listed?.sort()).toEqual(Object.keys(DOTENV).sort());
  });

  test("only the stand-ins' origins are changed: the endpoints and the queue URL, which names the host", () => {
    const { environment, rewritten } = workloadEnvironment('api');
    expect(rewritten).toEqual([
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_SQS',
      'ORDERS_URL',
    ]);
    expect(environment).toEqual({
      AWS_ACCESS_KEY_ID: 'local-access-key',
      AWS_SECRET_ACCESS_KEY: 'local-secret-key',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: emulators.s3,
      AWS_ENDPOINT_URL_SQS: emulators.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb,
      UPLOADS_BUCKET: 'uploads',
      ORDERS_URL: `${emulators.sqs}/000000000000/orders.fifo`,
      CARTS_TABLE: 'carts',
    });
  });
});

describe('the init job, its rendered commands made with the SDK', () => {
  test('a line of a form not read here fails the test instead of being skipped', () => {
    const ttl =
      'aws dynamodb describe-time-to-live --table-name carts --query TimeToLiveDescription.TimeToLiveStatus --output text | grep -q ENABLED || aws dynamodb update-time-to-live --table-name carts --time-to-live-specification Enabled=true,AttributeName=expires';
    expect(() => initScriptSteps(ttl)).toThrow('a line the SDK tests do not interpret');
    expect(() => initScriptSteps('aws s3api create-bucket --bucket "$NAME"')).toThrow('shell expansion');
  });

  test('reads every line: three waits, then the bucket, both queues and the table', () => {
    const summary = (s: SdkStep): string => `${s.command}${s.orElse ? ` || ${summary(s.orElse)}` : ''}`;
    expect(steps.map(summary)).toEqual([
      'ListBuckets',
      'ListQueues',
      'ListTables',
      'HeadBucket || CreateBucket',
      'CreateQueue',
      'CreateQueue',
      'DescribeTable || CreateTable',
    ]);
    expect(steps.slice(0, 3).map((s) => s.attempts)).toEqual([60, 60, 60]);
    // The AWS CLI's shorthand, as the CLI reads it.
    expect(steps[6].orElse?.input.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  test('every call succeeds against the emulators', () => {
    expect(errorsOf(init)).toEqual([]);
    // The first run finds nothing, so each check fails and the creation runs.
    expect(init[3].error).toBeDefined();
    expect(init[3].else?.output).toBeDefined();
  });

  test('the queues have the model attributes: FIFO, deduplication, the redrive policy to the DLQ', async () => {
    const { environment } = workloadEnvironment('api');
    const [attributes] = (
      await runSdk(environment, [
        {
          client: 'sqs',
          command: 'GetQueueAttributes',
          input: { QueueUrl: { $env: 'ORDERS_URL' }, AttributeNames: ['All'] },
        },
      ])
    ).results;
    expect(attributes.output?.Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '30',
      MessageRetentionPeriod: '345600',
    });
    expect(JSON.parse(attributes.output.Attributes.RedrivePolicy)).toMatchObject({
      deadLetterTargetArn: 'arn:aws:sqs:elasticmq:000000000000:orders-dlq.fifo',
    });
  });

  // dynalite accepts a stream specification but keeps no stream, and DescribeTable does not show one.
  test('the table has the model keys and index', async () => {
    const [table] = (
      await runSdk(workloadEnvironment('api').environment, [
        { client: 'dynamodb', command: 'DescribeTable', input: { TableName: { $env: 'CARTS_TABLE' } } },
      ])
    ).results;
    expect(table.output.Table).toMatchObject({
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'added', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'by-sku' })],
    });
  });
});

/** The variable a workload names a resource by, as the runner reads it. */
const UPLOADS = { $env: 'UPLOADS_BUCKET' };
const ORDERS = { $env: 'ORDERS_URL' };
const CARTS = { $env: 'CARTS_TABLE' };
const KEY = 'invoices/1.txt';
const CART_KEY = { customer: { S: 'c-1' }, added: { N: '1700000000' } };

describe('workloads call S3, SQS and DynamoDB with the declared access', () => {
  let api: { results: SdkResult[]; stderr: string };
  let worker: { results: SdkResult[]; stderr: string };
  beforeAll(async () => {
    // api: readWrite on the bucket, send on the queue, readWrite on the table.
    api = await runSdk(workloadEnvironment('api').environment, [
      { client: 's3', command: 'PutObject', input: { Bucket: UPLOADS, Key: KEY, Body: 'invoice 1' } },
      { client: 's3', command: 'GetObject', input: { Bucket: UPLOADS, Key: KEY } },
      {
        client: 'sqs',
        command: 'SendMessage',
        input: { QueueUrl: ORDERS, MessageBody: '{"order":1}', MessageGroupId: 'c-1' },
      },
      {
        client: 'dynamodb',
        command: 'PutItem',
        input: { TableName: CARTS, Item: { ...CART_KEY, sku: { S: 'sku-9' } } },
      },
      { client: 'dynamodb', command: 'GetItem', input: { TableName: CARTS, Key: CART_KEY } },
    ]);
    // worker: read on the bucket, consume on the queue, read on the table.
    worker = await runSdk(workloadEnvironment('worker').environment, [
      { client: 's3', command: 'GetObject', input: { Bucket: UPLOADS, Key: KEY } },
      {
        client: 'sqs',
        command: 'ReceiveMessage',
        input: { QueueUrl: ORDERS, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 },
      },
      {
        client: 'sqs',
        command: 'DeleteMessage',
        input: { QueueUrl: ORDERS, ReceiptHandle: { $result: [1, 'Messages', 0, 'ReceiptHandle'] } },
      },
      { client: 'dynamodb', command: 'GetItem', input: { TableName: CARTS, Key: CART_KEY } },
      {
        client: 'dynamodb',
        command: 'Query',
        input: {
          TableName: CARTS,
          IndexName: 'by-sku',
          KeyConditionExpression: 'sku = :sku',
          ExpressionAttributeValues: { ':sku': { S: 'sku-9' } },
        },
      },
    ]);
  });

  test('the api writes and reads an object, sends a message, writes and reads an item', () => {
    expect(errorsOf(api.results)).toEqual([]);
    expect(api.results[1].output.Body).toBe('invoice 1');
    expect(api.results[2].output.MessageId).toEqual(expect.any(String));
    expect(api.results[4].output.Item).toEqual({ ...CART_KEY, sku: { S: 'sku-9' } });
  });

  test('the worker reads the object, receives and deletes the message, reads the item and the index', () => {
    expect(errorsOf(worker.results)).toEqual([]);
    expect(worker.results[0].output.Body).toBe('invoice 1');
    expect(worker.results[1].output.Messages.map((m: any) => m.Body)).toEqual(['{"order":1}']);
    expect(worker.results[3].output.Item.sku).toEqual({ S: 'sku-9' });
    expect(worker.results[4].output.Items).toHaveLength(1);
  });

  test('the SQS client sends to the endpoint the variables name, the queue URL agreeing with it', () => {
    for (const { stderr } of [api, worker])
      expect(stderr).not.toMatch(/differs from SQSClient resolved endpoint/);
  });

  // s3rver knows the access key .env names and no other; it does not check SigV4 signatures, so a wrong
  // secret goes unnoticed (versitygw checks both).
  test('the S3 emulator refuses an access key other than the one .env names', async () => {
    const { environment } = workloadEnvironment('api');
    const { results } = await runSdk({ ...environment, AWS_ACCESS_KEY_ID: 'another-key' }, [
      { client: 's3', command: 'GetObject', input: { Bucket: UPLOADS, Key: KEY } },
    ]);
    expect(results[0].error).toBe('InvalidAccessKeyId');
  });
});

describe('what the declared access leaves out', () => {
  // The emulators, like the local twin's stand-ins, enforce no IAM: they take an undeclared call as any
  // other. The cloud twin refuses it: its task roles are granted the declared access only.
  test('locally nothing refuses it: the worker writes, sends and puts', async () => {
    const { results } = await runSdk(workloadEnvironment('worker').environment, [
      { client: 's3', command: 'PutObject', input: { Bucket: UPLOADS, Key: 'not-declared', Body: 'x' } },
      {
        client: 'sqs',
        command: 'SendMessage',
        input: { QueueUrl: ORDERS, MessageBody: 'x', MessageGroupId: 'x' },
      },
      {
        client: 'dynamodb',
        command: 'PutItem',
        input: { TableName: CARTS, Item: { ...CART_KEY, sku: { S: 'x' } } },
      },
    ]);
    expect(errorsOf(results)).toEqual([]);
  });

  test("in the cloud the worker's task role may not write, send or put", () => {
    const actions = taskRoleActions(twins.template, 'worker');
    expect(actions).toEqual(
      expect.arrayContaining([
        's3:GetObject*',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'dynamodb:GetItem',
      ]),
    );
    expect(
      actions.filter((a) =>
        /^s3:(PutObject|DeleteObject)|^sqs:SendMessage|^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(
          a,
        ),
      ),
    ).toEqual([]);
  });

  test("in the cloud the api's task role may not receive or delete messages", () => {
    const actions = taskRoleActions(twins.template, 'api');
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 'sqs:SendMessage', 'dynamodb:PutItem']));
    expect(
      actions.filter((a) => /^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility)/.test(a)),
    ).toEqual([]);
  });
});
