import type { ApplicationSpec, AwsResourceSpec, ResourceValue, WorkloadSpec } from '../model/spec';
import { byName } from '../model/order';
import {
  AWS_INIT_JOB,
  connectedResource,
  queueStandIn,
  S3_STAND_IN,
  S3_STAND_IN_VOLUME,
  SQS_STAND_IN,
} from '../model/rules/aws-resources';
import { DYNAMODB_STAND_IN } from '../model/rules/tables';
import { SNS_STAND_IN } from '../model/rules/topics';
import type { ComposeService } from './compose-types';

/**
 * The S3 stand-in: Versity S3 Gateway (Apache-2.0) over a POSIX directory on a named volume, answering
 * path-style and virtual-hosted-style requests (`<bucket>.aws-s3`, network aliases: see joinNetworks).
 */
export const S3_STAND_IN_IMAGE = 'versity/versitygw:v1.8.0';
const S3_PORT = 7070;
/** The SQS stand-in: ElasticMQ (Apache-2.0), its native image; queues live in memory. */
export const SQS_STAND_IN_IMAGE = 'softwaremill/elasticmq-native:1.6.15';
const SQS_PORT = 9324;
/**
 * The SNS stand-in: moto's server (Apache-2.0), topics, subscriptions and, in an application with topics, its
 * queues in memory: moto delivers a topic's messages only to queues it holds itself.
 */
export const SNS_STAND_IN_IMAGE = 'motoserver/moto:5.1.22';
const SNS_PORT = 5000;
/** The account id moto puts in its ARNs and queue URLs. */
const MOTO_ACCOUNT = '123456789012';
/**
 * The DynamoDB stand-in: DynamoDB Local, AWS's own emulator (free to use under the DynamoDB Local license
 * agreement; not open source), tables in memory.
 */
export const DYNAMODB_STAND_IN_IMAGE = 'amazon/dynamodb-local:3.3.2';
const DYNAMODB_PORT = 8000;
/** The init job's client: the AWS CLI (Apache-2.0), the same API calls as in the cloud. */
export const AWS_CLI_IMAGE = 'amazon/aws-cli:2.27.9';
/** The account id and region ElasticMQ puts in its queue ARNs. */
const SQS_STAND_IN_ARN = 'arn:aws:sqs:elasticmq:000000000000';

/**
 * Variables of `.env` the stand-ins and connected workloads read: credentials the stand-ins accept (any
 * value; never real ones) and the region the SDK signs for. Not `AWS_*` names: compose would take a real
 * `AWS_ACCESS_KEY_ID` from the developer's shell before `.env`.
 */
export const LOCAL_AWS_VARIABLES = {
  accessKeyId: 'LOCAL_AWS_ACCESS_KEY_ID',
  secretAccessKey: 'LOCAL_AWS_SECRET_ACCESS_KEY',
  region: 'LOCAL_AWS_REGION',
} as const;

const DESCRIPTIONS: Record<string, string> = {
  [LOCAL_AWS_VARIABLES.accessKeyId]:
    "access key of the local AWS stand-ins (S3, SQS, SNS, DynamoDB; any value, never a real one); the cloud twin's workloads use their task role",
  [LOCAL_AWS_VARIABLES.secretAccessKey]:
    "secret key of the local AWS stand-ins (S3, SQS, SNS, DynamoDB; any value, never a real one); the cloud twin's workloads use their task role",
  [LOCAL_AWS_VARIABLES.region]:
    'region the SDKs sign requests to the local stand-ins for, e.g. us-east-1; in the cloud twin, the region of the stack',
};

function fromEnvFile(name: string, variables: Map<string, string>): string {
  variables.set(name, DESCRIPTIONS[name]);
  return `\${${name}:?set ${name} in .env}`;
}

/** The SDK's credentials and region, read from `.env`. */
function sdkEnvironment(variables: Map<string, string>): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: fromEnvFile(LOCAL_AWS_VARIABLES.accessKeyId, variables),
    AWS_SECRET_ACCESS_KEY: fromEnvFile(LOCAL_AWS_VARIABLES.secretAccessKey, variables),
    AWS_REGION: fromEnvFile(LOCAL_AWS_VARIABLES.region, variables),
  };
}

const S3_ENDPOINT = `http://${S3_STAND_IN}:${S3_PORT}`;
const SQS_ENDPOINT = `http://${SQS_STAND_IN}:${SQS_PORT}`;
const SNS_ENDPOINT = `http://${SNS_STAND_IN}:${SNS_PORT}`;
const DYNAMODB_ENDPOINT = `http://${DYNAMODB_STAND_IN}:${DYNAMODB_PORT}`;
/** The account id and region DynamoDB Local puts in its table ARNs. */
const DYNAMODB_STAND_IN_ARN = 'arn:aws:dynamodb:ddblocal:000000000000';

/**
 * The local value of one of a resource's values. moto's ARNs carry the region the SDKs sign for, so they
 * name the `.env` region; ElasticMQ's and DynamoDB Local's carry fixed ones.
 */
export function localResourceValue(
  app: ApplicationSpec,
  r: AwsResourceSpec,
  value: ResourceValue,
  variables: Map<string, string>,
): string {
  const onMoto = queueStandIn(app.awsResources) === SNS_STAND_IN;
  const motoArn = (service: string) =>
    `arn:aws:${service}:${fromEnvFile(LOCAL_AWS_VARIABLES.region, variables)}:${MOTO_ACCOUNT}:${r.localName}`;
  switch (value) {
    case 'bucketName':
    case 'queueName':
    case 'tableName':
    case 'topicName':
      return r.localName;
    case 'tableArn':
      return `${DYNAMODB_STAND_IN_ARN}:table/${r.localName}`;
    case 'bucketArn':
      return `arn:aws:s3:::${r.localName}`;
    case 'topicArn':
      return motoArn('sns');
    case 'queueArn':
      return onMoto ? motoArn('sqs') : `${SQS_STAND_IN_ARN}:${r.localName}`;
    case 'queueUrl':
      return onMoto
        ? `${SNS_ENDPOINT}/${MOTO_ACCOUNT}/${r.localName}`
        : `${SQS_ENDPOINT}/000000000000/${r.localName}`;
  }
}

/** The SQS endpoint of the application's queues: ElasticMQ's, or moto's in an application with topics. */
function sqsEndpoint(app: ApplicationSpec): string {
  return queueStandIn(app.awsResources) === SNS_STAND_IN ? SNS_ENDPOINT : SQS_ENDPOINT;
}

/**
 * What a workload connected to buckets or queues gets locally: the values it names, the SDK's endpoint of
 * each service it uses, credentials and region from `.env`; and it starts once the init job has created
 * them. Empty for a workload without such connections.
 */
export function resourceConnectionEnvironment(
  app: ApplicationSpec,
  w: WorkloadSpec,
  variables: Map<string, string>,
): { environment: Record<string, string>; initJob?: string } {
  const connections = w.resourceConnections ?? [];
  if (connections.length === 0) return { environment: {} };
  const environment: Record<string, string> = {};
  const kinds = new Set<string>();
  for (const c of connections) {
    const r = connectedResource(app.awsResources, c)!;
    kinds.add(r.kind);
    for (const [variable, value] of Object.entries(c.variables))
      environment[variable] = localResourceValue(app, r, value, variables);
  }
  if (kinds.has('bucket')) environment.AWS_ENDPOINT_URL_S3 = S3_ENDPOINT;
  if (kinds.has('queue')) environment.AWS_ENDPOINT_URL_SQS = sqsEndpoint(app);
  if (kinds.has('topic')) environment.AWS_ENDPOINT_URL_SNS = SNS_ENDPOINT;
  if (kinds.has('table')) environment.AWS_ENDPOINT_URL_DYNAMODB = DYNAMODB_ENDPOINT;
  return { environment: { ...environment, ...sdkEnvironment(variables) }, initJob: AWS_INIT_JOB };
}

/** The named volumes the stand-ins keep data in. */
export function standInVolumes(app: ApplicationSpec): string[] {
  return (app.awsResources ?? []).some((r) => r.kind === 'bucket') ? [S3_STAND_IN_VOLUME] : [];
}

/**
 * The stand-ins of the application's buckets and queues, and the job that creates them: the S3 stand-in
 * when there is a bucket, the SQS stand-in when there is a queue, and the init job, which waits until each
 * answers and creates every bucket and queue (with the queue's attributes and dead-letter queue) before any
 * connected workload starts. Empty without buckets and queues.
 */
export function renderAwsStandIns(
  app: ApplicationSpec,
  variables: Map<string, string>,
  escape: (text: string) => string,
): Record<string, ComposeService> {
  const resources = [...(app.awsResources ?? [])].sort(byName);
  if (resources.length === 0) return {};
  const buckets = resources.filter((r) => r.kind === 'bucket');
  const queues = resources.filter((r) => r.kind === 'queue');
  const tables = resources.filter((r) => r.kind === 'table');
  const topics = resources.filter((r) => r.kind === 'topic');
  const queuesOnMoto = topics.length > 0;
  const services: Record<string, ComposeService> = {};
  const credentials = sdkEnvironment(variables);
  if (buckets.length > 0) {
    services[S3_STAND_IN] = {
      image: S3_STAND_IN_IMAGE,
      // The gateway checks the region of each request's signature: the one the SDKs sign for.
      command: [
        '--port',
        `:${S3_PORT}`,
        '--region',
        credentials.AWS_REGION,
        '--virtual-domain',
        S3_STAND_IN,
        'posix',
        '/data',
      ],
      environment: {
        ROOT_ACCESS_KEY: credentials.AWS_ACCESS_KEY_ID,
        ROOT_SECRET_KEY: credentials.AWS_SECRET_ACCESS_KEY,
      },
      expose: [String(S3_PORT)],
      volumes: [{ type: 'volume', source: S3_STAND_IN_VOLUME, target: '/data' }],
      restart: 'unless-stopped',
    };
  }
  if (queues.length > 0 && !queuesOnMoto) {
    services[SQS_STAND_IN] = {
      image: SQS_STAND_IN_IMAGE,
      expose: [String(SQS_PORT)],
      restart: 'unless-stopped',
    };
  }
  if (topics.length > 0) {
    // moto's image runs its server on 0.0.0.0:5000; it accepts any credentials.
    services[SNS_STAND_IN] = {
      image: SNS_STAND_IN_IMAGE,
      expose: [String(SNS_PORT)],
      restart: 'unless-stopped',
    };
  }
  if (tables.length > 0) {
    services[DYNAMODB_STAND_IN] = {
      image: DYNAMODB_STAND_IN_IMAGE,
      command: ['-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb', '-port', String(DYNAMODB_PORT)],
      expose: [String(DYNAMODB_PORT)],
      restart: 'unless-stopped',
    };
  }
  const script = initScript(buckets, queues, tables, topics);
  services[AWS_INIT_JOB] = {
    image: AWS_CLI_IMAGE,
    entrypoint: ['/bin/sh', '-c'],
    command: [escape(script)],
    environment: {
      ...credentials,
      ...(buckets.length ? { AWS_ENDPOINT_URL_S3: S3_ENDPOINT } : {}),
      ...(queues.length ? { AWS_ENDPOINT_URL_SQS: sqsEndpoint(app) } : {}),
      ...(topics.length ? { AWS_ENDPOINT_URL_SNS: SNS_ENDPOINT } : {}),
      ...(tables.length ? { AWS_ENDPOINT_URL_DYNAMODB: DYNAMODB_ENDPOINT } : {}),
    },
    depends_on: Object.fromEntries(
      [
        ...(buckets.length ? [S3_STAND_IN] : []),
        ...(queues.length && !queuesOnMoto ? [SQS_STAND_IN] : []),
        ...(topics.length ? [SNS_STAND_IN] : []),
        ...(tables.length ? [DYNAMODB_STAND_IN] : []),
      ].map((s) => [s, { condition: 'service_started' as const }]),
    ),
    restart: 'no',
  };
  return services;
}

/** How long the init job waits for a stand-in to answer, in seconds. */
const STAND_IN_WAIT_SECONDS = 60;

/**
 * The init job's shell script: wait for each stand-in, then create each bucket, queue, table and topic,
 * then each topic's subscriptions (its queues exist by then). Creating an existing bucket or an identical
 * queue, topic or subscription again is accepted, so the job can run on every `up`.
 */
export function initScript(
  buckets: readonly AwsResourceSpec[],
  queues: readonly AwsResourceSpec[],
  tables: readonly AwsResourceSpec[] = [],
  topics: readonly AwsResourceSpec[] = [],
): string {
  const onMoto = topics.length > 0;
  const lines = ['set -e'];
  const wait = (probe: string, what: string) =>
    `i=0; until ${probe} >/dev/null 2>&1; do i=$((i+1)); if [ "$i" -ge ${STAND_IN_WAIT_SECONDS} ]; then echo "${what} did not answer" >&2; exit 1; fi; sleep 1; done`;
  if (buckets.length) lines.push(wait('aws s3api list-buckets', `S3 stand-in ${S3_STAND_IN}`));
  if (queues.length)
    lines.push(wait('aws sqs list-queues', `SQS stand-in ${onMoto ? SNS_STAND_IN : SQS_STAND_IN}`));
  if (topics.length) lines.push(wait('aws sns list-topics', `SNS stand-in ${SNS_STAND_IN}`));
  if (tables.length) lines.push(wait('aws dynamodb list-tables', `DynamoDB stand-in ${DYNAMODB_STAND_IN}`));
  for (const b of buckets) {
    lines.push(
      `aws s3api head-bucket --bucket ${b.localName} >/dev/null 2>&1 || aws s3api create-bucket --bucket ${b.localName}`,
    );
  }
  // moto's queue ARNs carry the region of the requests, the job's AWS_REGION, spliced into the quoted JSON.
  const deadLetterArn = (localName: string) =>
    onMoto ? `arn:aws:sqs:${REGION_MARK}:${MOTO_ACCOUNT}:${localName}` : `${SQS_STAND_IN_ARN}:${localName}`;
  for (const q of queues) {
    const spec = q.queue!;
    const common: Record<string, string> = {
      ...(spec.fifo ? { FifoQueue: 'true' } : {}),
    };
    if (spec.deadLetter) {
      lines.push(
        `aws sqs create-queue --queue-name ${spec.deadLetter.localName} --attributes ${shellQuote(
          JSON.stringify({
            ...common,
            MessageRetentionPeriod: String(spec.deadLetter.retentionSeconds),
          }),
        )}`,
      );
    }
    const attributes: Record<string, string> = {
      ...common,
      ...(spec.contentBasedDeduplication ? { ContentBasedDeduplication: 'true' } : {}),
      VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(spec.retentionSeconds),
      ...(spec.deadLetter
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: deadLetterArn(spec.deadLetter.localName),
              maxReceiveCount: String(spec.deadLetter.maxReceiveCount),
            }),
          }
        : {}),
    };
    lines.push(
      `aws sqs create-queue --queue-name ${q.localName} --attributes ${shellQuote(JSON.stringify(attributes))}`,
    );
  }
  for (const t of tables) lines.push(...createTable(t));
  for (const t of topics) lines.push(...createTopic(t, queues));
  return lines.join('\n');
}

/** Where the init job's AWS_REGION goes in a quoted argument. */
const REGION_MARK = '@@AWS_REGION@@';

/** `text` as one single-quoted shell word, the job's AWS_REGION spliced in where REGION_MARK is. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`).split(REGION_MARK).join(`'"$AWS_REGION"'`)}'`;
}

/** The init job's lines creating topic `t` with its attributes, then subscribing its queues. */
function createTopic(t: AwsResourceSpec, queues: readonly AwsResourceSpec[]): string[] {
  const spec = t.topic!;
  const attributes: Record<string, string> = {
    ...(spec.fifo ? { FifoTopic: 'true' } : {}),
    ...(spec.contentBasedDeduplication ? { ContentBasedDeduplication: 'true' } : {}),
  };
  const lines = [
    `aws sns create-topic --name ${t.localName}${Object.keys(attributes).length ? ` --attributes ${shellQuote(JSON.stringify(attributes))}` : ''}`,
  ];
  for (const s of spec.subscriptions) {
    const queue = queues.find((q) => q.name === s.queue)!;
    const subscription: Record<string, string> = {
      ...(s.rawMessageDelivery ? { RawMessageDelivery: 'true' } : {}),
      ...(s.filterPolicy ? { FilterPolicy: JSON.stringify(s.filterPolicy) } : {}),
    };
    lines.push(
      [
        `aws sns subscribe --topic-arn "arn:aws:sns:$AWS_REGION:${MOTO_ACCOUNT}:${t.localName}"`,
        `--protocol sqs --notification-endpoint "arn:aws:sqs:$AWS_REGION:${MOTO_ACCOUNT}:${queue.localName}"`,
        ...(Object.keys(subscription).length
          ? [`--attributes ${shellQuote(JSON.stringify(subscription))}`]
          : []),
      ].join(' '),
    );
  }
  return lines;
}

const DYNAMODB_TYPES = { string: 'S', number: 'N', binary: 'B' } as const;

/** The init job's lines creating `t` with its keys and indexes (when missing), then setting its TTL. */
function createTable(t: AwsResourceSpec): string[] {
  const spec = t.table!;
  const attributes = new Map<string, string>();
  const keys = (pk: { name: string; type: keyof typeof DYNAMODB_TYPES }, sk?: typeof pk) => {
    for (const a of [pk, ...(sk ? [sk] : [])]) attributes.set(a.name, DYNAMODB_TYPES[a.type]);
    return [
      { AttributeName: pk.name, KeyType: 'HASH' },
      ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' }] : []),
    ];
  };
  const keySchema = keys(spec.partitionKey, spec.sortKey);
  const indexes = spec.globalSecondaryIndexes.map((g) => ({
    IndexName: g.indexName,
    KeySchema: keys(g.partitionKey, g.sortKey),
    Projection: { ProjectionType: 'ALL' },
  }));
  const definitions = [...attributes].map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  }));
  const create = [
    `aws dynamodb create-table --table-name ${t.localName}`,
    `--billing-mode PAY_PER_REQUEST`,
    `--attribute-definitions '${JSON.stringify(definitions)}'`,
    `--key-schema '${JSON.stringify(keySchema)}'`,
    ...(indexes.length ? [`--global-secondary-indexes '${JSON.stringify(indexes)}'`] : []),
    ...(spec.stream ? ['--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES'] : []),
  ].join(' ');
  const lines = [`aws dynamodb describe-table --table-name ${t.localName} >/dev/null 2>&1 || ${create}`];
  if (spec.timeToLiveAttribute)
    lines.push(
      `aws dynamodb describe-time-to-live --table-name ${t.localName} --query TimeToLiveDescription.TimeToLiveStatus --output text | grep -q ENABLED || aws dynamodb update-time-to-live --table-name ${t.localName} --time-to-live-specification Enabled=true,AttributeName=${spec.timeToLiveAttribute}`,
    );
  return lines;
}
