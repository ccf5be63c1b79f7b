import type { ValidationProblem } from '../../errors';
import type { AwsResourceSpec, ResourceAccess, ResourceConnectionSpec, WorkloadSpec } from '../spec';
import type { RuleContext } from './context';
import { problem } from './problems';
import { DYNAMODB_STAND_IN, tableNameProblem } from './tables';
import { filterPolicyProblem, SNS_STAND_IN, subscriptionTypeProblem, topicNameProblem } from './topics';

/** Names of the local twin's services that stand in for S3 and SQS and create their buckets and queues. */
export const S3_STAND_IN = 'aws-s3';
export const SQS_STAND_IN = 'aws-sqs';
export const AWS_INIT_JOB = 'aws-init';
/** The named volume the S3 stand-in keeps its objects in. */
export const S3_STAND_IN_VOLUME = 'aws-s3-data';

/** Variables the local twin sets on every workload connected to a bucket or queue (the SDK reads them). */
export const AWS_SDK_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;

/** Access levels of each kind of resource. */
export const ACCESS_LEVELS: Readonly<Record<AwsResourceSpec['kind'], readonly ResourceAccess[]>> = {
  bucket: ['read', 'write', 'readWrite'],
  queue: ['send', 'consume', 'sendAndConsume'],
  table: ['read', 'write', 'readWrite'],
  topic: ['publish'],
};

/** The resource a workload's connection names: of its kind, when the connection says. */
export function connectedResource<R extends Pick<AwsResourceSpec, 'kind' | 'name'>>(
  resources: readonly R[] | undefined,
  c: Pick<ResourceConnectionSpec, 'target' | 'kind'>,
): R | undefined {
  return (resources ?? []).find((r) => r.name === c.target && (c.kind === undefined || r.kind === c.kind));
}

/**
 * The local service that holds the application's queues: the SQS stand-in, or, in an application with
 * topics, the SNS stand-in, which delivers a topic's messages only to queues it holds itself.
 */
export function queueStandIn(resources: readonly Pick<AwsResourceSpec, 'kind'>[] | undefined): string {
  return (resources ?? []).some((r) => r?.kind === 'topic') ? SNS_STAND_IN : SQS_STAND_IN;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'];

/**
 * A bucket's model name is its name on the local stand-in, so it follows S3's rules for bucket names:
 * 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without S3's
 * reserved prefixes and suffixes. Dots are left out: they break virtual-hosted-style addressing over TLS.
 */
export function bucketNameProblem(path: string, name: string): ValidationProblem | undefined {
  if (!BUCKET_NAME.test(name))
    return problem(
      path,
      'name',
      name,
      'is not a valid bucket name; use 3 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit (no dots, no uppercase)',
    );
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix)
    return problem(path, 'name', name, `starts with "${prefix}", which S3 reserves; choose another name`);
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix)
    return problem(path, 'name', name, `ends with "${suffix}", which S3 reserves; choose another name`);
  return undefined;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;
/** Longest SQS queue name, `.fifo` included. */
const MAX_QUEUE_NAME = 80;
/** Suffix of a queue's dead-letter queue. */
export const DEAD_LETTER_SUFFIX = '-dlq';

/**
 * A queue's model name, without `.fifo` (the library adds it to a FIFO queue's names in both twins):
 * letters, digits, "-" and "_", short enough for SQS's 80 characters with the suffixes it gets.
 */
export function queueNameProblem(
  path: string,
  name: string,
  fifo: boolean,
  deadLetter: boolean,
): ValidationProblem | undefined {
  if (name.endsWith('.fifo'))
    return problem(
      path,
      'name',
      name,
      fifo
        ? 'ends with ".fifo"; give the name without it: fifo: true adds ".fifo" to the queue\'s names in both twins'
        : 'ends with ".fifo", which SQS allows only for FIFO queues; set fifo: true and give the name without ".fifo"',
    );
  if (!QUEUE_NAME.test(name))
    return problem(path, 'name', name, 'is not a valid queue name; use letters, digits, "-" or "_"');
  const room = MAX_QUEUE_NAME - (fifo ? '.fifo'.length : 0) - (deadLetter ? DEAD_LETTER_SUFFIX.length : 0);
  if (name.length > room)
    return problem(
      path,
      'name',
      name,
      `is ${name.length} characters long; SQS allows ${MAX_QUEUE_NAME} with the suffixes this queue's names get (${[fifo ? '".fifo"' : '', deadLetter ? `"${DEAD_LETTER_SUFFIX}" for its dead-letter queue` : ''].filter(Boolean).join(' and ') || 'none'}), so at most ${room}`,
    );
  return undefined;
}

/**
 * The model's buckets, queues, topics and tables: names unique per kind and valid, topics subscribing queues
 * of their type, connections naming one of them with an access level of its kind, local service names and
 * variables the stand-ins need left free.
 */
/** The names a queue has on SQS: its own and its dead-letter queue's. */
function queueLocalNames(r: AwsResourceSpec): string[] {
  return [r.localName, ...(r.queue?.deadLetter ? [r.queue.deadLetter.localName] : [])];
}

export function checkAwsResources(ctx: RuleContext): void {
  const { app } = ctx;
  const resources = app.awsResources ?? [];
  const byName = new Map<string, AwsResourceSpec>();
  const queueNames = new Map<string, AwsResourceSpec>();
  for (const r of resources) {
    const key = `${r.kind}:${r.name}`;
    if (byName.has(key)) {
      ctx.errors.push(
        problem(
          r.path,
          'name',
          r.name,
          `is already the name of ${r.kind} ${byName.get(key)!.path}; ${r.kind} names must be unique in an application`,
        ),
      );
      continue;
    }
    byName.set(key, r);
    if (r.kind === 'queue') {
      // A queue's dead-letter queue is a queue too: `orders-dlq` is taken by `orders` with its dead-letter
      // queue, and the stand-in would create one queue for both.
      for (const local of queueLocalNames(r)) {
        const owner = queueNames.get(local);
        if (owner) {
          ctx.errors.push(
            problem(
              r.path,
              'name',
              r.name,
              `makes a queue named '${local}', which is already a name of queue ${owner.path} (a queue with a dead-letter queue takes '<name>${DEAD_LETTER_SUFFIX}' too); choose another name`,
            ),
          );
          break;
        }
      }
      for (const local of queueLocalNames(r)) if (!queueNames.has(local)) queueNames.set(local, r);
    }
    const bad =
      r.kind === 'bucket'
        ? bucketNameProblem(r.path, r.name)
        : r.kind === 'table'
          ? tableNameProblem(r.path, 'name', r.name)
          : r.kind === 'topic'
            ? topicNameProblem(r.path, r.name, r.topic?.fifo ?? false)
            : queueNameProblem(r.path, r.name, r.queue?.fifo ?? false, r.queue?.deadLetter !== undefined);
    if (bad) ctx.errors.push(bad);
  }
  for (const t of resources) if (t.kind === 'topic') checkSubscriptions(ctx, t, resources);
  if (resources.length > 0) {
    const reserved = [S3_STAND_IN, SQS_STAND_IN, SNS_STAND_IN, DYNAMODB_STAND_IN, AWS_INIT_JOB];
    for (const owner of [...app.workloads, ...(app.dataServices ?? []), ...app.loadBalancers]) {
      if (reserved.includes(owner.name))
        ctx.errors.push(
          problem(
            owner.path,
            'name',
            owner.name,
            `is the name of a service the local twin runs for the application's buckets, queues, topics and tables (${reserved.join(', ')}); choose another name`,
          ),
        );
    }
    for (const v of app.volumes) {
      if (v.name === S3_STAND_IN_VOLUME)
        ctx.errors.push(
          problem(
            v.path,
            'name',
            v.name,
            `is the volume the local twin's S3 stand-in keeps its objects in; choose another name`,
          ),
        );
    }
  }
  for (const w of app.workloads) checkResourceConnections(ctx, w, resources);
}

/** A topic's subscriptions: each names a queue of the application, once, of the topic's type. */
function checkSubscriptions(
  ctx: RuleContext,
  t: AwsResourceSpec,
  resources: readonly AwsResourceSpec[],
): void {
  const seen = new Set<string>();
  (t.topic?.subscriptions ?? []).forEach((s, i) => {
    const prop = `subscriptions[${i}].queue`;
    const queue = resources.find((r) => r.kind === 'queue' && r.name === s.queue);
    if (!queue) {
      ctx.errors.push(problem(t.path, prop, s.queue, `is not a queue of application '${ctx.app.name}'`));
      return;
    }
    if (seen.has(s.queue)) {
      ctx.errors.push(
        problem(t.path, prop, s.queue, 'is already subscribed to this topic; subscribe a queue once'),
      );
      return;
    }
    seen.add(s.queue);
    const wrongType = subscriptionTypeProblem(t.path, prop, t.topic?.fifo ?? false, queue);
    if (wrongType) ctx.errors.push(wrongType);
    if (s.filterPolicy !== undefined) {
      const bad = filterPolicyProblem(t.path, `subscriptions[${i}].filterPolicy`, s.filterPolicy);
      if (bad) ctx.errors.push(bad);
    }
  });
}

function checkResourceConnections(
  ctx: RuleContext,
  w: WorkloadSpec,
  resources: readonly AwsResourceSpec[],
): void {
  const connections = w.resourceConnections ?? [];
  for (const c of connections) {
    const target = connectedResource(resources, c);
    if (!target) {
      ctx.errors.push(
        problem(
          w.path,
          'connectTo',
          c.target,
          `is not a bucket, queue, topic or table of application '${ctx.app.name}'`,
        ),
      );
      continue;
    }
    if (!ACCESS_LEVELS[target.kind].includes(c.access))
      ctx.errors.push(
        problem(
          w.path,
          'connectTo.access',
          c.access,
          `is not an access level of ${target.kind} '${target.name}'; use ${ACCESS_LEVELS[target.kind].join(', ')}`,
        ),
      );
    if (Object.keys(c.variables).length === 0)
      ctx.errors.push(
        problem(
          w.path,
          'connectTo',
          c.target,
          `grants '${c.access}' access but names no variable to find ${target.kind} '${target.name}' by`,
        ),
      );
  }
  if (connections.length === 0) return;
  const where = new Map<string, string>();
  for (const k of Object.keys(w.environment)) where.set(k, `environment.${k}`);
  for (const k of Object.keys(w.secrets)) where.set(k, `secrets.${k}`);
  for (const c of [...(w.connections ?? []), ...connections])
    for (const k of Object.keys(c.variables)) where.set(k, `connectTo.${c.target}`);
  for (const variable of AWS_SDK_VARIABLES) {
    const prop = where.get(variable);
    if (prop !== undefined)
      ctx.errors.push(
        problem(
          w.path,
          prop,
          variable,
          'is set by the twins on a workload connected to a bucket, queue, topic or table (the task role and region in the cloud, the stand-ins locally); use another name',
        ),
      );
  }
}
