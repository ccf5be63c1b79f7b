/* eslint-disable @typescript-eslint/no-explicit-any */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, Queue, renderLocalTwin, Service, Topic } from '../../constructs';
import { validateModel } from '../../constructs/model/validate';
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

/**
 * A shop whose API publishes order events to a standard topic fanning out to the emails and audit queues
 * (audit raw, emails only for placed orders), and whose books service publishes to a FIFO ledger topic with one FIFO
 * queue; a worker consumes the emails.
 */
function shop(application: Application): void {
  const emails = new Queue(application, 'emails');
  const audit = new Queue(application, 'audit');
  const ledgerQueue = new Queue(application, 'entries', { fifo: true });
  const events = new Topic(application, 'events', {
    subscriptions: [
      { queue: emails, filterPolicy: { kind: ['placed'] } },
      { queue: audit, rawMessageDelivery: true },
    ],
  });
  const ledger = new Topic(application, 'ledger', {
    fifo: true,
    contentBasedDeduplication: true,
    subscriptions: [{ queue: ledgerQueue }],
  });
  const api = new Service(application, 'api', { image: IMAGE });
  api.connectTo(events, { access: 'publish', topicArn: 'EVENTS_TOPIC', topicName: 'EVENTS_NAME' });
  const worker = new Service(application, 'worker', { image: IMAGE });
  worker.connectTo(emails, { access: 'consume', queueUrl: 'EMAILS_URL', queueArn: 'EMAILS_ARN' });
  const books = new Service(application, 'books', { image: IMAGE });
  books.connectTo(ledger, { access: 'publish', topicArn: 'LEDGER_TOPIC' });
}

/** The template's topic tagged with the model name `name`, with its logical id. */
function topicOf(template: any, name: string): [string, any] {
  return Object.entries<any>(resourcesOf(template, 'AWS::SNS::Topic')).find(([, t]) =>
    (t.Properties.Tags ?? []).some((x: any) => x.Key === 'twinstack:topic' && x.Value === name),
  )!;
}

function queueIdOf(template: any, name: string): string {
  return Object.entries<any>(resourcesOf(template, 'AWS::SQS::Queue')).find(([, q]) =>
    (q.Properties.Tags ?? []).some((x: any) => x.Key === 'twinstack:queue' && x.Value === name),
  )![0];
}

function subscriptionsOf(template: any, topicId: string): any[] {
  return Object.values<any>(resourcesOf(template, 'AWS::SNS::Subscription'))
    .filter((s) => s.Properties.TopicArn.Ref === topicId)
    .map((s) => s.Properties);
}

const scriptOf = (t: ResourceTwins) => (t.compose.services['aws-init'] as any).command[0] as string;

describe('Topic: the cloud twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('a topic encrypted with its own rotated key, TLS only, retained with the key', () => {
    const [id, events] = topicOf(twins.template, 'events');
    expect(id).toMatch(/^shopeventsTopic[0-9A-F]{8}$/);
    expect(events.Properties.FifoTopic).toBeUndefined();
    const keyId = events.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = twins.template.Resources[keyId];
    expect(key).toMatchObject({
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    expect(events.DeletionPolicy).toBe('Retain');
    const policy = Object.values<any>(resourcesOf(twins.template, 'AWS::SNS::TopicPolicy')).find((p) =>
      p.Properties.Topics.some((t: any) => t.Ref === id),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('a FIFO topic with content-based deduplication', () => {
    const [, ledger] = topicOf(twins.template, 'ledger');
    expect(ledger.Properties).toMatchObject({ FifoTopic: true, ContentBasedDeduplication: true });
    expect(ledger.Properties.TopicName).toMatch(/\.fifo$/);
  });

  test('an SQS subscription per queue, with raw delivery and the filter policy as declared', () => {
    const [id] = topicOf(twins.template, 'events');
    const subs = subscriptionsOf(twins.template, id);
    const emails = queueIdOf(twins.template, 'emails');
    const audit = queueIdOf(twins.template, 'audit');
    expect(subs).toHaveLength(2);
    expect(subs).toContainEqual(
      expect.objectContaining({
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [emails, 'Arn'] },
        FilterPolicy: { kind: ['placed'] },
      }),
    );
    expect(subs.find((s) => s.Endpoint['Fn::GetAtt'][0] === audit)).toMatchObject({
      RawMessageDelivery: true,
    });
    // The queue's policy lets this topic, and only it, send.
    const policies = Object.values<any>(resourcesOf(twins.template, 'AWS::SQS::QueuePolicy'));
    const policy = policies.find((p) => p.Properties.Queues.some((q: any) => q.Ref === emails))!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: id } } },
      }),
    );
  });

  test("publish is grantPublish with the key's use, and nothing on the subscribed queues", () => {
    const api = taskRoleActions(twins.template, 'api');
    expect(api).toEqual(expect.arrayContaining(['sns:Publish', 'kms:Decrypt', 'kms:GenerateDataKey*']));
    expect(api.filter((a) => a.startsWith('sqs:'))).toEqual([]);
    const worker = taskRoleActions(twins.template, 'worker');
    expect(worker).not.toContain('sns:Publish');
  });

  test('the variables carry the ARN and name', () => {
    const [id] = topicOf(twins.template, 'events');
    expect(cloudEnvironment(twins.template, 'api')).toEqual({
      EVENTS_TOPIC: JSON.stringify({ Ref: id }),
      EVENTS_NAME: JSON.stringify({ 'Fn::GetAtt': [id, 'TopicName'] }),
    });
  });

  test('cdk-nag AwsSolutions, NIST 800-53 R5 and Control Tower find nothing unacknowledged', () => {
    const stack = testStack();
    shop(new Application(stack, 'shop'));
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
    expect(controlTowerFindings((s) => shop(new Application(s, 'shop')))).toEqual([]);
  });
});

describe('Topic: the local twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test("moto stands in for SNS and holds the queues too, so that a topic's messages reach them", () => {
    expect(twins.compose.services['aws-sns']).toMatchObject({
      image: 'motoserver/moto:5.1.22',
      expose: ['5000'],
    });
    expect(twins.compose.services['aws-sqs']).toBeUndefined();
    const init = twins.compose.services['aws-init'];
    expect(init.depends_on).toEqual({ 'aws-sns': { condition: 'service_started' } });
    expect(init.environment).toMatchObject({
      AWS_ENDPOINT_URL_SNS: 'http://aws-sns:5000',
      AWS_ENDPOINT_URL_SQS: 'http://aws-sns:5000',
    });
  });

  test('the init job creates the queues, then the topics, then the subscriptions', () => {
    const lines = scriptOf(twins).split('\n');
    const index = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(index('until aws sns list-topics')).toBeGreaterThan(0);
    expect(lines[index('create-topic --name ledger.fifo')]).toBe(
      `aws sns create-topic --name ledger.fifo --attributes '{"FifoTopic":"true","ContentBasedDeduplication":"true"}'`,
    );
    expect(lines[index('create-topic --name events')]).toBe('aws sns create-topic --name events');
    const subscribe = lines.filter((l) => l.startsWith('aws sns subscribe '));
    expect(subscribe).toEqual([
      `aws sns subscribe --topic-arn "arn:aws:sns:$$AWS_REGION:123456789012:events" --protocol sqs --notification-endpoint "arn:aws:sqs:$$AWS_REGION:123456789012:emails" --attributes '{"FilterPolicy":"{\\"kind\\":[\\"placed\\"]}"}'`,
      `aws sns subscribe --topic-arn "arn:aws:sns:$$AWS_REGION:123456789012:events" --protocol sqs --notification-endpoint "arn:aws:sqs:$$AWS_REGION:123456789012:audit" --attributes '{"RawMessageDelivery":"true"}'`,
      `aws sns subscribe --topic-arn "arn:aws:sns:$$AWS_REGION:123456789012:ledger.fifo" --protocol sqs --notification-endpoint "arn:aws:sqs:$$AWS_REGION:123456789012:entries.fifo"`,
    ]);
    expect(index('--queue-name emails ')).toBeLessThan(index('create-topic'));
    expect(index('create-topic --name events')).toBeLessThan(index('aws sns subscribe'));
  });

  test("a dead-letter queue on moto is named by moto's ARN, with the job's region", () => {
    const t = resourceTwins((application) => {
      const jobs = new Queue(application, 'jobs');
      new Topic(application, 'events', { subscriptions: [{ queue: jobs }] });
    });
    const line = scriptOf(t)
      .split('\n')
      .find((l) => l.startsWith('aws sqs create-queue --queue-name jobs '))!;
    expect(line).toContain(
      `"RedrivePolicy":"{\\"deadLetterTargetArn\\":\\"arn:aws:sqs:'"$$AWS_REGION"':123456789012:jobs-dlq\\",\\"maxReceiveCount\\":\\"5\\"}"`,
    );
    expect(parityErrors(parityOf(t))).toEqual([]);
  });

  test('a filter value with a quote reaches the stand-in as one shell word, and parity reads it back', () => {
    const t = resourceTwins((application) => {
      const queue = new Queue(application, 'emails');
      new Topic(application, 'events', {
        subscriptions: [{ queue, filterPolicy: { note: ["it's $HOME"] } }],
      });
    });
    const line = scriptOf(t)
      .replace(/\$\$/g, '$')
      .split('\n')
      .find((l) => l.startsWith('aws sns subscribe '))!;
    const word = line.slice(line.indexOf('--attributes ') + '--attributes '.length);
    const printed = execFileSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
    expect(JSON.parse(JSON.parse(printed).FilterPolicy)).toEqual({ note: ["it's $HOME"] });
    expect(parityErrors(parityOf(t))).toEqual([]);
  });

  test('a topic and its queue may share a name: each connection reaches the one of its kind', () => {
    const t = resourceTwins((application) => {
      const queue = new Queue(application, 'orders');
      const topic = new Topic(application, 'ordersTopic', { name: 'orders', subscriptions: [{ queue }] });
      const api = new Service(application, 'api', { image: IMAGE });
      api.connectTo(topic, { access: 'publish', topicArn: 'ORDERS_TOPIC' });
      const worker = new Service(application, 'worker', { image: IMAGE });
      worker.connectTo(queue, { access: 'consume', queueUrl: 'ORDERS_URL' });
    });
    expect(t.compose.services.api.environment).toMatchObject({
      ORDERS_TOPIC: 'arn:aws:sns:${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}:123456789012:orders',
    });
    expect(t.compose.services.worker.environment).toMatchObject({
      ORDERS_URL: 'http://aws-sns:5000/123456789012/orders',
    });
    const report = parityOf(t);
    expect(parityErrors(report)).toEqual([]);
    expect(
      report.entries.filter((e) => e.field === 'access.orders').map((e) => [e.service, e.local]),
    ).toEqual(
      expect.arrayContaining([
        ['api', 'declared publish'],
        ['worker', 'declared consume'],
      ]),
    );
  });

  test('a model written before connections named their kind renders the same local twin', () => {
    const spec: any = structuredClone(twins.spec);
    for (const w of spec.workloads) for (const c of w.resourceConnections ?? []) delete c.kind;
    expect(renderLocalTwin(spec, { outputDirectory: os.tmpdir() }).compose).toEqual(twins.compose);
  });

  test('publishers get the same variable names, the SNS endpoint, and start after the init job', () => {
    const api = twins.compose.services.api;
    expect(api.environment).toMatchObject({
      EVENTS_TOPIC: 'arn:aws:sns:${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}:123456789012:events',
      EVENTS_NAME: 'events',
      AWS_ENDPOINT_URL_SNS: 'http://aws-sns:5000',
      AWS_REGION: '${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}',
    });
    expect(api.environment).not.toHaveProperty('AWS_ENDPOINT_URL_SQS');
    expect(api.depends_on?.['aws-init']).toEqual({ condition: 'service_completed_successfully' });
    const worker = twins.compose.services.worker;
    expect(worker.environment).toMatchObject({
      EMAILS_URL: 'http://aws-sns:5000/123456789012/emails',
      EMAILS_ARN: 'arn:aws:sqs:${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}:123456789012:emails',
      AWS_ENDPOINT_URL_SQS: 'http://aws-sns:5000',
    });
    expect(twins.envExample).toContain('LOCAL_AWS_REGION');
  });
});

describe('Topic: parity', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('the twins agree on topics, their type, subscriptions and the publishers’ access', () => {
    const report = parityOf(twins);
    expect(parityErrors(report)).toEqual([]);
    const entry = (service: string, field: string) =>
      report.entries.find((e) => e.service === service && e.field === field);
    expect(entry('events', 'topic')).toMatchObject({ kind: 'stand-in', local: 'events on aws-sns' });
    expect(entry('emails', 'queue')).toMatchObject({ kind: 'stand-in', local: 'emails on aws-sns' });
    expect(entry('ledger', 'topic.fifo')).toMatchObject({ kind: 'same', cloud: 'true', local: 'true' });
    expect(entry('events', 'topic.subscriptions')).toMatchObject({
      kind: 'same',
      cloud: 'audit (raw), emails filter {"kind":["placed"]}',
    });
    expect(entry('api', 'access.events')).toMatchObject({ kind: 'same', local: 'declared publish' });
    expect(entry('books', 'access.ledger')).toMatchObject({ kind: 'same' });
  });

  test('synthesis runs the parity check and passes', () => {
    const app = testApp();
    shop(new Application(new Stack(app, 'Shop'), 'shop'));
    expect(() => app.synth()).not.toThrow();
  });

  test('a topic the init job does not create is an error', () => {
    const report = parityOf(twins, (_t, c) => {
      c.services['aws-init'].command = [
        c.services['aws-init'].command[0].replace('create-topic --name events', 'create-topic --name other'),
      ];
    });
    expect(parityErrors(report)).toContainEqual(
      "events: topic: the model declares topic 'events'; the local twin's aws-init does not create it on aws-sns",
    );
  });

  test('a standard topic locally for a FIFO one is an error', () => {
    const report = parityOf(twins, (_t, c) => {
      c.services['aws-init'].command = [c.services['aws-init'].command[0].replace('"FifoTopic":"true",', '')];
    });
    expect(parityErrors(report)).toEqual(['ledger: topic.fifo: the model declares fifo: true']);
  });

  test('a subscription missing in the cloud twin, or raw only locally, is an error', () => {
    const [id] = topicOf(twins.template, 'events');
    const missing = parityOf(twins, (t) => {
      const [subId] = Object.entries<any>(resourcesOf(t, 'AWS::SNS::Subscription')).find(
        ([, s]) => s.Properties.TopicArn.Ref === id && s.Properties.FilterPolicy,
      )!;
      delete t.Resources[subId];
    });
    expect(parityErrors(missing)).toEqual([
      'events: topic.subscriptions: the model subscribes audit (raw), emails filter {"kind":["placed"]}',
    ]);
    const raw = parityOf(twins, (_t, c) => {
      c.services['aws-init'].command = [
        c.services['aws-init'].command[0].replace(
          `'{"FilterPolicy"`,
          `'{"RawMessageDelivery":"true","FilterPolicy"`,
        ),
      ];
    });
    expect(parityErrors(raw)).toEqual([expect.stringMatching(/^events: topic\.subscriptions: /)]);
  });

  test('a publish grant added on the L2 behind the model’s back fails synthesis', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    shop(application);
    const worker = application.node.findChild('worker') as Service;
    const events = application.node.findChild('events') as Topic;
    events.topic.grantPublish(worker.fargateService.taskDefinition.taskRole);
    expect(() => Template.fromStack(stack)).toThrow(
      /service 'worker': access\.events: cloud task role granted publish, local declared none/,
    );
  });
});

describe('Topic: validation', () => {
  const app = () => new Application(testStack(), 'shop');

  test('names: without .fifo, characters, 256 characters with the suffix', () => {
    expectValidationError(
      () => new Topic(app(), 't', { name: 'events.fifo', fifo: true }),
      'Test/shop/t',
      'name',
      'give the name without it',
    );
    expectValidationError(
      () => new Topic(app(), 't', { name: 'events.fifo' }),
      'which SNS allows only for FIFO topics',
    );
    expectValidationError(() => new Topic(app(), 't', { name: 'ev ents' }), 'is not a valid topic name');
    expect(() => new Topic(app(), 't', { name: 'a'.repeat(256) })).not.toThrow();
    expectValidationError(() => new Topic(app(), 't', { name: 'a'.repeat(252), fifo: true }), 'at most 251');
  });

  test('content-based deduplication needs FIFO', () => {
    expectValidationError(
      () => new Topic(app(), 't', { contentBasedDeduplication: true }),
      'contentBasedDeduplication',
      'applies only to FIFO topics',
    );
  });

  test('a FIFO queue on a standard topic, a standard queue on a FIFO topic', () => {
    const a = app();
    const fifo = new Queue(a, 'orders', { fifo: true });
    const standard = new Queue(a, 'emails');
    expectValidationError(
      () => new Topic(a, 't1', { subscriptions: [{ queue: fifo }] }),
      'subscriptions[0].queue',
      'is a FIFO queue',
    );
    expectValidationError(
      () => new Topic(a, 't2', { fifo: true, subscriptions: [{ queue: standard }] }),
      'subscriptions[0].queue',
      'is a standard queue',
    );
  });

  test('subscriptions: a Queue of the same application, once; simple filter policies', () => {
    const a = app();
    const q = new Queue(a, 'emails');
    const other = new Queue(new Application(testStack(), 'other'), 'emails');
    expectValidationError(
      () => new Topic(a, 't1', { subscriptions: [{ queue: 'emails' as any }] }),
      'must be a Queue',
    );
    expectValidationError(
      () => new Topic(a, 't2', { subscriptions: [{ queue: other }] }),
      "belongs to application 'other'",
    );
    expectValidationError(
      () => new Topic(a, 't3', { subscriptions: [{ queue: q }, { queue: q }] }),
      'subscriptions[1].queue',
      'already subscribed',
    );
    expectValidationError(
      () => new Topic(a, 't4', { subscriptions: [{ queue: q, filterPolicy: { kind: [] } }] }),
      'subscriptions[0].filterPolicy.kind',
      'non-empty list',
    );
    expectValidationError(
      () =>
        new Topic(a, 't5', {
          subscriptions: [
            { queue: q, filterPolicy: { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] } },
          ],
        }),
      'must name 1 to 5 message attributes',
    );
    const many = Array.from({ length: 13 }, (_, i) => String(i));
    expectValidationError(
      () => new Topic(a, 't6', { subscriptions: [{ queue: q, filterPolicy: { a: many, b: many } }] }),
      'has 169 combinations',
    );
    expectValidationError(
      () => new Topic(a, 't7', { subscriptions: [{ queue: q, filterPolicy: { 'AWS.kind': ['x'] } }] }),
      'is not a message attribute name',
    );
  });

  test('connectTo: only publish; access without a variable', () => {
    const a = app();
    const t = new Topic(a, 'events');
    const api = new Service(a, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(t, { access: 'send' as any, topicArn: 'T' }),
      'connectTo.access',
      "use 'publish'",
    );
    expectValidationError(
      () => api.connectTo(t, { access: 'publish' }),
      "grants 'publish' access to topic 'events'",
    );
  });

  test('the whole-model rule finds a subscription to a queue of the wrong type or of no application', () => {
    const a = app();
    new Queue(a, 'emails');
    new Topic(a, 'events');
    const spec: any = structuredClone(a.toSpec());
    const topic = spec.awsResources.find((r: any) => r.kind === 'topic');
    topic.topic.subscriptions = [
      { queue: 'nowhere', rawMessageDelivery: false },
      { queue: 'emails', rawMessageDelivery: false },
    ];
    topic.topic.fifo = true;
    topic.name = 'events';
    const result = validateModel(spec);
    expect(result.errors.map((e) => `${e.prop}: ${e.message}`)).toEqual([
      "subscriptions[0].queue: is not a queue of application 'shop'",
      expect.stringMatching(/^subscriptions\[1\]\.queue: is a standard queue/),
    ]);
  });

  test("aws-sns is a name the local twin's stand-in takes", () => {
    const a = app();
    new Topic(a, 'events');
    new Service(a, 'aws-sns', { image: IMAGE });
    expect(validateModel(a.toSpec()).errors.map((e) => `${e.path} ${e.prop}: ${e.message}`)).toEqual([
      expect.stringMatching(
        /^Test\/shop\/aws-sns name: is the name of a service the local twin runs .*aws-sns/,
      ),
    ]);
  });
});
