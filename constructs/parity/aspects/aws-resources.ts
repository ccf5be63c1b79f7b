/* eslint-disable @typescript-eslint/no-explicit-any */
import { compareStrings } from '../../model/order';
import { AWS_INIT_JOB, connectedResource, queueStandIn, S3_STAND_IN } from '../../model/rules/aws-resources';
import type { AwsResourceSpec, ResourceAccess } from '../../model/spec';
import { CloudAwsResource, CloudTaskAccess, sortedJson, unionAccess } from '../aws-resources';
import { DYNAMODB_STAND_IN } from '../../model/rules/tables';
import { SNS_STAND_IN } from '../../model/rules/topics';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';

/**
 * Compares the application's buckets, queues, topics and tables: each model resource is a tagged resource
 * of the template (FIFO, dead-letter queue, keys and subscriptions as declared) and is created by the local
 * twin's init job on its stand-in; and each task role is granted exactly the access its workloads declare,
 * no more, no less.
 */
export function compareAwsResources(
  ctx: ParityContext,
  cloud: readonly CloudAwsResource[],
  tasks: readonly CloudTaskAccess[],
): ParityEntry[] {
  const resources = [...(ctx.spec?.awsResources ?? [])].sort((a, b) => compareStrings(a.name, b.name));
  const out: ParityEntry[] = [];
  const init = ctx.local.services.get(AWS_INIT_JOB);
  // The script as the shell runs it: compose turns each `$$` into `$`.
  const script = [...(init?.entrypoint ?? []), ...(init?.command ?? [])].join(' ').replace(/\$\$/g, '$');
  const queues = queueStandIn(resources);
  for (const r of resources) {
    const found = cloud.find((c) => c.kind === r.kind && c.name === r.name);
    const field = r.kind;
    const stand =
      r.kind === 'bucket'
        ? S3_STAND_IN
        : r.kind === 'table'
          ? DYNAMODB_STAND_IN
          : r.kind === 'topic'
            ? SNS_STAND_IN
            : queues;
    const created =
      r.kind === 'bucket'
        ? script.includes(`--bucket ${r.localName}`)
        : r.kind === 'table'
          ? script.includes(`create-table --table-name ${r.localName} `)
          : r.kind === 'topic'
            ? topicLine(script, r.localName) !== undefined
            : script.includes(`--queue-name ${r.localName}`);
    const localText = ctx.local.services.has(stand) && created ? `${r.localName} on ${stand}` : undefined;
    const cloudText = found ? `${CLOUD_KINDS[r.kind]} ${found.logicalId}` : undefined;
    if (!cloudText || !localText) {
      out.push(
        problem(
          r.name,
          field,
          cloudText,
          localText,
          !cloudText
            ? `the model declares ${r.kind} '${r.name}'; the cloud twin has none tagged with that name`
            : `the model declares ${r.kind} '${r.name}'; the local twin's ${AWS_INIT_JOB} does not create it on ${stand}`,
        ),
      );
      continue;
    }
    out.push(standIn(r.name, field, cloudText, localText, 'aws-resource', r.cloud));
    if (r.kind === 'queue') out.push(...compareQueue(r, found!, script));
    if (r.kind === 'table') out.push(...compareTable(r, found!, script));
    if (r.kind === 'topic') out.push(...compareTopic(r, found!, script, resources, cloud));
  }
  for (const c of cloud) {
    if (!resources.some((r) => r.kind === c.kind && r.name === c.name))
      out.push(
        problem(
          c.name,
          c.kind,
          `${c.kind} ${c.logicalId}`,
          undefined,
          `the model has no ${c.kind} of that name`,
        ),
      );
  }
  out.push(...compareAccess(ctx, resources, cloud, tasks));
  return out;
}

const CLOUD_KINDS = {
  bucket: 'S3 bucket',
  queue: 'SQS queue',
  table: 'DynamoDB table',
  topic: 'SNS topic',
} as const;

/** The init job's line creating topic `localName`, if any. */
function topicLine(script: string, localName: string): string | undefined {
  const create = `aws sns create-topic --name ${localName}`;
  return script.split('\n').find((l) => l === create || l.startsWith(`${create} `));
}

/** The text of a subscription in the report: the queue's model name, raw delivery, the filter policy. */
function subscriptionText(queue: string, raw: boolean, filterPolicy: string | undefined): string {
  return `${queue}${raw ? ' (raw)' : ''}${filterPolicy !== undefined ? ` filter ${filterPolicy}` : ''}`;
}

/** A subscription's attributes as the init job gives them; an unreadable text as an attribute of its own. */
function subscriptionAttributes(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { unreadable: json };
  } catch {
    return { unreadable: json };
  }
}

/** The single-quoted shell word at the start of `text`, unquoted. */
function unquote(text: string): string {
  const m = /^'((?:[^']|'\\'')*)'/.exec(text);
  return m ? m[1].replace(/'\\''/g, "'") : '';
}

/** A topic's type and subscriptions: the template's against the init job's create-topic and subscribe. */
function compareTopic(
  r: AwsResourceSpec,
  found: CloudAwsResource,
  script: string,
  resources: readonly AwsResourceSpec[],
  cloud: readonly CloudAwsResource[],
): ParityEntry[] {
  const t = r.topic!;
  const localFifo = (topicLine(script, r.localName) ?? '').includes('"FifoTopic":"true"');
  const out: ParityEntry[] = [
    found.fifo === t.fifo && localFifo === t.fifo
      ? same(r.name, 'topic.fifo', String(found.fifo), String(localFifo))
      : problem(
          r.name,
          'topic.fifo',
          String(found.fifo),
          String(localFifo),
          `the model declares fifo: ${t.fifo}`,
        ),
  ];
  const list = (texts: string[]) => texts.sort(compareStrings).join(', ') || 'none';
  const want = list(
    t.subscriptions.map((s) =>
      subscriptionText(
        s.queue,
        s.rawMessageDelivery,
        s.filterPolicy ? sortedJson(s.filterPolicy) : undefined,
      ),
    ),
  );
  const cloudText = list(
    (found.subscriptions ?? []).map((s) => {
      const queue = cloud.find((c) => c.kind === 'queue' && c.logicalId === s.queue);
      return subscriptionText(queue ? queue.name : s.queue, s.rawMessageDelivery, s.filterPolicy);
    }),
  );
  const subscribe = `aws sns subscribe --topic-arn "arn:aws:sns:$AWS_REGION:`;
  const localText = list(
    script
      .split('\n')
      .filter((l) => l.startsWith(subscribe) && l.includes(`:${r.localName}" --protocol sqs `))
      .map((l) => {
        const endpoint = /--notification-endpoint "[^"]*:([^":]+)"/.exec(l)?.[1] ?? '';
        const queue = resources.find((q) => q.kind === 'queue' && q.localName === endpoint);
        const at = l.indexOf('--attributes ');
        const attributes = subscriptionAttributes(
          at < 0 ? '{}' : unquote(l.slice(at + '--attributes '.length)),
        );
        if (attributes.unreadable !== undefined)
          return `${queue ? queue.name : endpoint} (unreadable attributes)`;
        return subscriptionText(
          queue ? queue.name : endpoint,
          attributes.RawMessageDelivery === 'true',
          attributes.FilterPolicy !== undefined ? sortedJson(attributes.FilterPolicy) : undefined,
        );
      }),
  );
  out.push(
    cloudText === want && localText === want
      ? same(r.name, 'topic.subscriptions', cloudText, localText)
      : problem(
          r.name,
          'topic.subscriptions',
          cloudText,
          localText,
          `the model subscribes ${want === 'none' ? 'no queue' : want}`,
        ),
  );
  return out;
}

/** A table's keys and indexes: the template's against the init job's create-table. */
function compareTable(r: AwsResourceSpec, found: CloudAwsResource, script: string): ParityEntry[] {
  const t = r.table!;
  const line = script.split('\n').find((l) => l.includes(`create-table --table-name ${r.localName} `)) ?? '';
  const keyText = (schema: any): string =>
    (Array.isArray(schema) ? schema : []).map((k: any) => `${k?.AttributeName}:${k?.KeyType}`).join(',');
  const schema = [
    { AttributeName: t.partitionKey.name, KeyType: 'HASH' },
    ...(t.sortKey ? [{ AttributeName: t.sortKey.name, KeyType: 'RANGE' }] : []),
  ];
  const want = keyText(schema);
  const cloudKeys = keyText(found.properties.KeySchema);
  const localKeys = line.includes(`--key-schema '${JSON.stringify(schema)}'`) ? want : 'other';
  const indexes = (x: any): string =>
    (Array.isArray(x) ? x : [])
      .map((g: any) => String(g?.IndexName))
      .sort(compareStrings)
      .join(',') || 'none';
  const wantIndexes =
    t.globalSecondaryIndexes
      .map((g) => g.indexName)
      .sort(compareStrings)
      .join(',') || 'none';
  const cloudIndexes = indexes(found.properties.GlobalSecondaryIndexes);
  const localIndexes =
    t.globalSecondaryIndexes.every((g) => line.includes(`"IndexName":"${g.indexName}"`)) &&
    t.globalSecondaryIndexes.length > 0 === line.includes('--global-secondary-indexes')
      ? wantIndexes
      : 'other';
  return [
    cloudKeys === want && localKeys === want
      ? same(r.name, 'table.keys', cloudKeys, localKeys)
      : problem(r.name, 'table.keys', cloudKeys, localKeys, `the model declares keys ${want}`),
    cloudIndexes === wantIndexes && localIndexes === wantIndexes
      ? same(r.name, 'table.indexes', cloudIndexes, localIndexes)
      : problem(
          r.name,
          'table.indexes',
          cloudIndexes,
          localIndexes,
          `the model declares global secondary indexes ${wantIndexes}`,
        ),
  ];
}

function compareQueue(r: AwsResourceSpec, found: CloudAwsResource, script: string): ParityEntry[] {
  const q = r.queue!;
  const out: ParityEntry[] = [];
  const line = script.split('\n').find((l) => l.includes(`--queue-name ${r.localName} `)) ?? '';
  const localFifo = line.includes('"FifoQueue":"true"');
  out.push(
    found.fifo === q.fifo && localFifo === q.fifo
      ? same(r.name, 'queue.fifo', String(found.fifo), String(localFifo))
      : problem(
          r.name,
          'queue.fifo',
          String(found.fifo),
          String(localFifo),
          `the model declares fifo: ${q.fifo}`,
        ),
  );
  const dlq = found.deadLetterQueue;
  const localDlq =
    q.deadLetter !== undefined &&
    line.includes('deadLetterTargetArn') &&
    line.includes(`:${q.deadLetter.localName}`) &&
    script.includes(`--queue-name ${q.deadLetter.localName} `);
  const declared = q.deadLetter !== undefined;
  out.push(
    (dlq !== undefined) === declared && Boolean(localDlq) === declared
      ? same(
          r.name,
          'queue.deadLetterQueue',
          dlq ? String(dlq) : 'none',
          localDlq ? q.deadLetter!.localName : 'none',
        )
      : problem(
          r.name,
          'queue.deadLetterQueue',
          dlq ? String(dlq) : 'none',
          localDlq ? q.deadLetter!.localName : 'none',
          declared ? 'the model declares a dead-letter queue' : 'the model declares no dead-letter queue',
        ),
  );
  return out;
}

/** Each task role's grants against the access its workloads declare. */
function compareAccess(
  ctx: ParityContext,
  resources: readonly AwsResourceSpec[],
  cloud: readonly CloudAwsResource[],
  tasks: readonly CloudTaskAccess[],
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const workloads = ctx.spec?.workloads ?? [];
  for (const task of tasks) {
    const members = workloads.filter((w) => task.containers.includes(w.name));
    if (members.length === 0) continue;
    const owner = task.containers.find((c) => members.some((m) => m.name === c)) ?? members[0].name;
    const declared = new Map<string, ResourceAccess>();
    for (const m of members)
      for (const c of m.resourceConnections ?? []) {
        const target = connectedResource(resources, c);
        if (!target) continue;
        const key = `${target.kind}:${target.name}`;
        declared.set(key, unionAccess(declared.get(key), c.access));
      }
    for (const r of resources) {
      const found = cloud.find((c) => c.kind === r.kind && c.name === r.name);
      if (!found) continue;
      const want = declared.get(`${r.kind}:${r.name}`);
      const granted = task.access.get(found.logicalId);
      if (want === undefined && granted === undefined) continue;
      const field = `access.${r.name}`;
      const local = want ?? 'none';
      out.push(
        want === granted
          ? same(owner, field, `task role granted ${granted}`, `declared ${local}`)
          : problem(
              owner,
              field,
              granted ? `task role granted ${granted}` : 'no grant',
              `declared ${local}`,
              `the task role's grants on ${r.kind} '${r.name}' differ from the access its workloads declare (${members.map((m) => m.name).join(', ')})`,
            ),
      );
    }
  }
  return out;
}
