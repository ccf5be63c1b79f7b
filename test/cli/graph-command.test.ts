import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../cli/main';
import { Application, Bucket, Image, Queue, Service, Table, Topic } from '../../constructs';
import { renderGraph } from '../../cli/graph';
import { GoalsStack } from '../../lib/examples';
import { recordingIo } from '../support/cli-io';
import { testApp, testStack } from '../support/test-app';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-graph-'));
const app = testApp({ outdir });
const goals = new GoalsStack(app, 'Goals', { database: 'container' });
app.synth();
const spec = goals.application.toSpec();

test('Mermaid: every part of the application, routes and dependencies with their conditions', () => {
  const text = renderGraph(spec, 'mermaid');
  expect(text.split('\n')[0]).toBe('flowchart LR');
  expect(text).toContain('  lb_web{{"web<br/>load balancer, HTTP 80<br/>locally: proxy on localhost:80"}}');
  expect(text).toContain('  w_backend("backend<br/>service, 2-6 tasks<br/>ports 80")');
  expect(text).toContain('  vol_data[("data<br/>volume: EFS / named volume")]');
  expect(text).toContain('  lb_web -->|"10: /goals* :80"| w_backend');
  expect(text).toContain('  lb_web -->|"default :80"| w_frontend');
  expect(text).toContain('  w_backend -->|"healthy"| w_mongodb');
  expect(text).toContain('  w_mongodb -.->|"/data/db"| vol_data');
  expect(text).toContain('  sec_MongoPassword -.->|"MONGODB_PASSWORD"| w_backend');
  expect(renderGraph(spec, 'mermaid')).toBe(text);
});

test('DOT: the same graph for Graphviz', () => {
  const text = renderGraph(spec, 'dot');
  expect(text.startsWith('digraph "goals" {\n  rankdir=LR;')).toBe(true);
  expect(text).toContain('  w_backend -> w_mongodb [label="healthy"];');
  expect(text).toContain('  w_mongodb -> vol_data [label="/data/db", style=dashed];');
  expect(text).toContain(
    '  lb_web [label="web\\nload balancer, HTTP 80\\nlocally: proxy on localhost:80", shape=hexagon];',
  );
  expect(text.trimEnd().endsWith('}')).toBe(true);
});

test('twinstack graph writes the file it is given, and rejects an unknown format', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-graph-cwd-'));
  const run = recordingIo(cwd);
  expect(await main(['graph', '--assembly', outdir, '--format', 'dot', '-o', 'docs/goals.dot'], run.io)).toBe(
    0,
  );
  expect(fs.readFileSync(path.join(cwd, 'docs/goals.dot'), 'utf8')).toBe(renderGraph(spec, 'dot'));
  expect(run.out()).toBe("wrote docs/goals.dot (application 'goals', dot)\n");
  const bad = recordingIo(cwd);
  expect(await main(['graph', '--assembly', outdir, '--format', 'svg'], bad.io)).toBe(2);
  expect(bad.err()).toContain('--format svg is not supported; use mermaid or dot');
});

test('jobs show how they run, optional parts their profile, optional dependencies are dotted', () => {
  const job = (name: string, run?: (typeof spec.workloads)[number]['run']) => ({
    ...spec.workloads[0],
    name,
    kind: 'job' as const,
    ports: [],
    dependsOn: [],
    ...(run ? { run } : {}),
  });
  const text = renderGraph(
    {
      ...spec,
      profiles: [],
      workloads: [
        ...spec.workloads.map((w) =>
          w.name === 'mongodb'
            ? { ...w, profile: 'db' }
            : w.name === 'backend'
              ? {
                  ...w,
                  dependsOn: [
                    { target: 'mongodb', condition: 'healthy' as const, optional: true, restart: true },
                  ],
                }
              : w,
        ),
        job('migrate', { kind: 'deployment', timeoutSeconds: 600 }),
        job('nightly', { kind: 'schedule', expression: 'cron(0 3 * * ? *)' }),
      ],
    },
    'mermaid',
  );
  expect(text).toContain('  w_migrate[/"migrate<br/>job, once per deployment"/]');
  expect(text).toContain('  w_nightly[/"nightly<br/>job, cron(0 3 * * ? *)"/]');
  expect(text).toContain('profile db (not deployed)")');
  expect(text).toContain('  w_backend -.->|"healthy, optional, restart"| w_mongodb');
});

test('buckets, queues and tables are nodes; connections to them are edges labelled with the access', () => {
  const application = new Application(testStack(), 'shop');
  const image = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
  const uploads = new Bucket(application, 'uploads');
  const jobs = new Queue(application, 'jobs');
  const orders = new Table(application, 'orders', { partitionKey: { name: 'id', type: 'string' } });
  const api = new Service(application, 'api', { image });
  api.connectTo(uploads, { access: 'readWrite', bucketName: 'UPLOADS_BUCKET' });
  api.connectTo(jobs, { access: 'send', queueUrl: 'JOBS_URL' });
  api.connectTo(orders, { access: 'read', tableName: 'ORDERS_TABLE' });
  const text = renderGraph(application.toSpec(), 'mermaid');
  expect(text).toContain('  bucket_uploads[["uploads<br/>bucket: ');
  expect(text).toContain('  queue_jobs[["jobs<br/>queue: ');
  expect(text).toContain('  table_orders[["orders<br/>table: DynamoDB table');
  expect(text).toContain('  w_api -->|"readWrite: UPLOADS_BUCKET"| bucket_uploads');
  expect(text).toContain('  w_api -->|"send: JOBS_URL"| queue_jobs');
  expect(text).toContain('  w_api -->|"read: ORDERS_TABLE"| table_orders');
  expect(renderGraph(application.toSpec(), 'dot')).toContain(
    'w_api -> table_orders [label="read: ORDERS_TABLE"];',
  );
});

test('topics are nodes with their deliveries to queues; a topic and a queue may share a name', () => {
  const application = new Application(testStack(), 'shop');
  const image = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
  const orders = new Queue(application, 'orders');
  const audit = new Queue(application, 'audit');
  const events = new Topic(application, 'ordersTopic', {
    name: 'orders',
    subscriptions: [
      { queue: orders, filterPolicy: { kind: ['placed'] } },
      { queue: audit, rawMessageDelivery: true },
    ],
  });
  const api = new Service(application, 'api', { image });
  api.connectTo(events, { access: 'publish', topicArn: 'ORDERS_TOPIC' });
  api.connectTo(orders, { access: 'consume', queueUrl: 'ORDERS_URL' });
  const text = renderGraph(application.toSpec(), 'mermaid');
  expect(text).toContain(
    '  topic_orders[["orders<br/>topic: SNS standard topic (SSE-KMS, 2 queues subscribed)',
  );
  expect(text).toContain('  topic_orders -->|"delivers, filtered on kind"| queue_orders');
  expect(text).toContain('  topic_orders -->|"delivers raw"| queue_audit');
  expect(text).toContain('  w_api -->|"publish: ORDERS_TOPIC"| topic_orders');
  expect(text).toContain('  w_api -->|"consume: ORDERS_URL"| queue_orders');
});
