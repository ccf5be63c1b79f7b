/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration, Stack } from 'aws-cdk-lib';
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, Bucket, Dependency, Job, Queue, Service } from '../../constructs';
import { controlTowerFindings } from '../support/control-tower';
import { nagFindings } from '../support/data-service-twins';
import { expectValidationError } from '../support/errors';
import {
  cloudEnvironment,
  IMAGE,
  parityErrors,
  parityOf,
  resourcesOf,
  resourceTwins,
  ResourceTwins,
  taskRoleActions,
} from '../support/aws-resource-twins';
import { testApp, testStack } from '../support/test-app';

/** An API that sends orders (FIFO) and emails, a worker that consumes both, a job that does both. */
function shop(application: Application): void {
  const orders = new Queue(application, 'orders', {
    fifo: true,
    contentBasedDeduplication: true,
    visibilityTimeout: Duration.minutes(2),
    deadLetterQueue: { maxReceiveCount: 3 },
  });
  const emails = new Queue(application, 'emails', {
    deadLetterQueue: false,
    deadLetterQueueReason:
      'A notification email that keeps failing is dropped when it expires; nobody redrives it.',
  });
  const api = new Service(application, 'api', { image: IMAGE });
  api.connectTo(orders, { access: 'send', queueUrl: 'ORDERS_URL' });
  api.connectTo(emails, { access: 'send', queueUrl: 'EMAILS_URL' });
  const worker = new Service(application, 'worker', { image: IMAGE });
  worker.connectTo(orders, { access: 'consume', queueUrl: 'ORDERS_URL', queueArn: 'ORDERS_ARN' });
  worker.connectTo(emails, { access: 'consume', queueName: 'EMAILS_QUEUE' });
  const sweeper = new Job(application, 'sweeper', { image: IMAGE });
  // The sweeper runs inside the worker's task: the task role holds both workloads' grants.
  worker.addDependency(Dependency.completedSuccessfully(sweeper));
  sweeper.connectTo(orders, { access: 'sendAndConsume', queueUrl: 'ORDERS_URL' });
}

/** The template's queue tagged with the model name `name`, with its logical id. */
function queueOf(template: any, name: string, tag = 'twinstack:queue'): [string, any] {
  return Object.entries<any>(resourcesOf(template, 'AWS::SQS::Queue')).find(([, q]) =>
    (q.Properties.Tags ?? []).some((t: any) => t.Key === tag && t.Value === name),
  )!;
}

describe('Queue: the cloud twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('a FIFO queue with its FIFO dead-letter queue, encrypted, retained, TLS only', () => {
    const [id, orders] = queueOf(twins.template, 'orders');
    expect(id).toMatch(/^shopordersQueue[0-9A-F]{8}$/);
    expect(orders.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      VisibilityTimeout: 120,
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
    });
    expect(orders.DeletionPolicy).toBe('Retain');
    const [dlqId, dlq] = queueOf(twins.template, 'orders', 'twinstack:dead-letter-queue');
    expect(orders.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(dlq.Properties).toMatchObject({ FifoQueue: true, MessageRetentionPeriod: 1209600 });
    expect(dlq.DeletionPolicy).toBe('Retain');
    const policies = Object.values<any>(resourcesOf(twins.template, 'AWS::SQS::QueuePolicy'));
    for (const target of [id, dlqId]) {
      const policy = policies.find((p) => p.Properties.Queues.some((q: any) => q.Ref === target))!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test('a standard queue without a dead-letter queue, as declared', () => {
    const [, emails] = queueOf(twins.template, 'emails');
    expect(emails.Properties.FifoQueue).toBeUndefined();
    expect(emails.Properties.RedrivePolicy).toBeUndefined();
  });

  test('each task role gets exactly the access its workloads declare, never the dead-letter queue', () => {
    const api = taskRoleActions(twins.template, 'api');
    expect(api.filter((a) => a.startsWith('sqs:'))).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']),
    );
    expect(api).not.toContain('sqs:ReceiveMessage');
    const worker = taskRoleActions(twins.template, 'worker');
    expect(worker).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage']),
    );
    const [dlqId] = queueOf(twins.template, 'orders', 'twinstack:dead-letter-queue');
    expect(JSON.stringify(resourcesOf(twins.template, 'AWS::IAM::Policy'))).not.toContain(`"${dlqId}"`);
  });

  test('the variables carry the URL, ARN and name', () => {
    const [orders] = queueOf(twins.template, 'orders');
    const [emails] = queueOf(twins.template, 'emails');
    expect(cloudEnvironment(twins.template, 'worker')).toEqual({
      ORDERS_URL: JSON.stringify({ Ref: orders }),
      ORDERS_ARN: JSON.stringify({ 'Fn::GetAtt': [orders, 'Arn'] }),
      EMAILS_QUEUE: JSON.stringify({ 'Fn::GetAtt': [emails, 'QueueName'] }),
    });
  });

  test('cdk-nag AwsSolutions, NIST 800-53 R5 and Control Tower find nothing unacknowledged', () => {
    const stack = testStack();
    shop(new Application(stack, 'shop'));
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
    expect(controlTowerFindings((s) => shop(new Application(s, 'shop')))).toEqual([]);
  });

  test('without a dead-letter queue, AwsSolutions-SQS3 is acknowledged with the reason given', () => {
    const stack = testStack();
    const reason = 'Retried until they expire on purpose.';
    const q = new Queue(new Application(stack, 'shop'), 'pings', {
      deadLetterQueue: false,
      deadLetterQueueReason: reason,
    });
    const metadata = JSON.stringify(q.queue.node.findAll().map((c) => c.node.metadata));
    expect(metadata).toContain('AwsSolutions-SQS3');
    expect(metadata).toContain(reason);
  });
});

describe('Queue: the local twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('the SQS stand-in, and no S3 stand-in without buckets', () => {
    expect(twins.compose.services['aws-sqs']).toMatchObject({
      image: 'softwaremill/elasticmq-native:1.6.15',
      expose: ['9324'],
    });
    expect(twins.compose.services['aws-s3']).toBeUndefined();
    expect(twins.compose.volumes?.['aws-s3-data']).toBeUndefined();
  });

  test('the init job creates each dead-letter queue before its queue, with the same attributes', () => {
    const init = twins.compose.services['aws-init'];
    expect(init.depends_on).toEqual({ 'aws-sqs': { condition: 'service_started' } });
    const script = init.command![0];
    const lines = script.split('\n');
    const dlq = lines.findIndex((l) => l.includes('--queue-name orders-dlq.fifo '));
    const main = lines.findIndex((l) => l.includes('--queue-name orders.fifo '));
    expect(dlq).toBeGreaterThan(0);
    expect(main).toBeGreaterThan(dlq);
    const attributes = (line: string) => JSON.parse(/--attributes '(.*)'$/.exec(line)![1]);
    expect(attributes(lines[dlq])).toEqual({ FifoQueue: 'true', MessageRetentionPeriod: '1209600' });
    expect(attributes(lines[main])).toEqual({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '120',
      MessageRetentionPeriod: '345600',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:elasticmq:000000000000:orders-dlq.fifo',
        maxReceiveCount: '3',
      }),
    });
    const emails = lines.find((l) => l.includes('--queue-name emails '))!;
    expect(attributes(emails)).toEqual({ VisibilityTimeout: '30', MessageRetentionPeriod: '345600' });
    expect(script.indexOf('until aws sqs list-queues')).toBeLessThan(script.indexOf('create-queue'));
  });

  test('connected workloads get the same variable names, the SQS endpoint, and start after the init job', () => {
    const worker = twins.compose.services.worker;
    expect(worker.environment).toMatchObject({
      ORDERS_URL: 'http://aws-sqs:9324/000000000000/orders.fifo',
      ORDERS_ARN: 'arn:aws:sqs:elasticmq:000000000000:orders.fifo',
      EMAILS_QUEUE: 'emails',
      AWS_ENDPOINT_URL_SQS: 'http://aws-sqs:9324',
    });
    expect(worker.environment).not.toHaveProperty('AWS_ENDPOINT_URL_S3');
    expect(worker.depends_on?.['aws-init']).toEqual({ condition: 'service_completed_successfully' });
  });

  test('with buckets and queues, one init job serves both stand-ins', () => {
    const t = resourceTwins((application) => {
      const q = new Queue(application, 'jobs');
      const b = new Bucket(application, 'files');
      const api = new Service(application, 'api', { image: IMAGE });
      api.connectTo(q, { access: 'send', queueUrl: 'JOBS' });
      api.connectTo(b, { access: 'write', bucketName: 'FILES' });
    });
    expect(t.compose.services['aws-init'].depends_on).toEqual({
      'aws-s3': { condition: 'service_started' },
      'aws-sqs': { condition: 'service_started' },
    });
    expect(t.compose.services.api.environment).toMatchObject({
      AWS_ENDPOINT_URL_S3: 'http://aws-s3:7070',
      AWS_ENDPOINT_URL_SQS: 'http://aws-sqs:9324',
    });
    expect(parityErrors(parityOf(t))).toEqual([]);
  });
});

describe('Queue: parity', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('the twins agree; the task that runs a hosted job has the union of the access', () => {
    const report = parityOf(twins);
    expect(parityErrors(report)).toEqual([]);
    const entry = (service: string, field: string) =>
      report.entries.find((e) => e.service === service && e.field === field);
    expect(entry('worker', 'access.orders')).toMatchObject({
      kind: 'same',
      local: 'declared sendAndConsume',
    });
    expect(entry('orders', 'queue.fifo')).toMatchObject({ kind: 'same' });
    expect(entry('orders', 'queue.deadLetterQueue')).toMatchObject({ kind: 'same' });
  });

  test('synthesis runs the parity check and passes', () => {
    const app = testApp();
    shop(new Application(new Stack(app, 'Shop'), 'shop'));
    expect(() => app.synth()).not.toThrow();
  });

  test('a standard queue locally for a FIFO one is an error', () => {
    const report = parityOf(twins, (_t, c) => {
      c.services['aws-init'].command = [
        c.services['aws-init'].command[0].replace(/"FifoQueue":"true",/g, ''),
      ];
    });
    expect(parityErrors(report)).toContainEqual(
      expect.stringMatching(/^orders: queue\.fifo: the model declares fifo: true/),
    );
  });

  test('a dead-letter queue missing in the cloud twin is an error', () => {
    const report = parityOf(twins, (t) => {
      delete queueOf(t, 'orders')[1].Properties.RedrivePolicy;
    });
    expect(parityErrors(report)).toEqual([
      'orders: queue.deadLetterQueue: the model declares a dead-letter queue',
    ]);
  });

  test('a consumer whose role may also send is an error', () => {
    const report = parityOf(twins, (_t, _c, s) => {
      // The model says the API only consumes emails; its role may send them.
      const api = s.workloads.find((w: any) => w.name === 'api');
      api.resourceConnections.find((c: any) => c.target === 'emails').access = 'consume';
    });
    expect(parityErrors(report)).toEqual([expect.stringMatching(/^api: access\.emails: /)]);
  });
});

describe('Queue: validation', () => {
  const app = () => new Application(testStack(), 'shop');

  test('FIFO names: give them without .fifo; .fifo on a standard queue', () => {
    expectValidationError(
      () => new Queue(app(), 'q', { name: 'orders.fifo', fifo: true }),
      'Test/shop/q',
      'name',
      'give the name without it',
    );
    expectValidationError(
      () => new Queue(app(), 'q', { name: 'orders.fifo' }),
      'which SQS allows only for FIFO queues',
    );
  });

  test('names: characters and the 80-character limit with the suffixes', () => {
    expectValidationError(() => new Queue(app(), 'q', { name: 'or ders' }), 'is not a valid queue name');
    expect(
      () =>
        new Queue(app(), 'q', { name: 'a'.repeat(77), deadLetterQueue: false, deadLetterQueueReason: 'x' }),
    ).not.toThrow();
    expectValidationError(() => new Queue(app(), 'q', { name: 'a'.repeat(77) }), 'at most 76');
    expectValidationError(() => new Queue(app(), 'q', { name: 'a'.repeat(72), fifo: true }), 'at most 71');
  });

  test('content-based deduplication needs FIFO; durations in range', () => {
    expectValidationError(
      () => new Queue(app(), 'q', { contentBasedDeduplication: true }),
      'contentBasedDeduplication',
      'applies only to FIFO queues',
    );
    expectValidationError(
      () => new Queue(app(), 'q', { visibilityTimeout: Duration.hours(13) }),
      'visibilityTimeout',
      'from 0 to 43200',
    );
    expectValidationError(
      () => new Queue(app(), 'q', { deadLetterQueue: { retentionPeriod: Duration.days(15) } }),
      'deadLetterQueue.retentionPeriod',
    );
    expectValidationError(
      () => new Queue(app(), 'q', { deadLetterQueue: { maxReceiveCount: 0 } }),
      'deadLetterQueue.maxReceiveCount',
    );
  });

  test('no dead-letter queue needs a reason', () => {
    expectValidationError(
      () => new Queue(app(), 'q', { deadLetterQueue: false }),
      'deadLetterQueueReason',
      'is required',
    );
    expectValidationError(
      () => new Queue(app(), 'q', { deadLetterQueueReason: 'x' }),
      'applies only with deadLetterQueue: false',
    );
  });

  test('connectTo: a bucket access level on a queue; access without a variable', () => {
    const a = app();
    const q = new Queue(a, 'jobs');
    const api = new Service(a, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(q, { access: 'read' as any, queueUrl: 'Q' }),
      'connectTo.access',
      "use 'send', 'consume', 'sendAndConsume'",
    );
    expectValidationError(
      () => api.connectTo(q, { access: 'consume' }),
      "grants 'consume' access to queue 'jobs'",
    );
  });

  test('a bucket and a queue may share a name; two queues may not', () => {
    const a = app();
    new Queue(a, 'files');
    expect(() => new Bucket(a, 'bucket', { name: 'files' })).not.toThrow();
    expectValidationError(() => new Queue(a, 'again', { name: 'files' }), 'queue names must be unique');
  });

  test("a queue named like another's dead-letter queue is refused: the stand-in would make one queue of both", () => {
    const a = app();
    new Queue(a, 'orders');
    new Queue(a, 'late', { name: 'orders-dlq' });
    new Queue(a, 'jobs', { fifo: true });
    // A FIFO queue's names end in .fifo: `jobs-dlq.fifo` is not the standard `jobs-dlq`.
    new Queue(a, 'standard', { name: 'jobs-dlq' });
    const errors = a.validate().errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'Test/shop/late', prop: 'name', value: '"orders-dlq"' });
    expect(errors[0].message).toContain('already a name of queue Test/shop/orders');
  });
});
