import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import fc from 'fast-check';
import {
  Application,
  AwsResource,
  BrokerEngine,
  Bucket,
  Cache,
  CacheEngine,
  CpuArchitecture,
  Database,
  DatabaseEngine,
  DataService,
  DocumentDatabase,
  DocumentEngine,
  MessageBroker,
  SearchDomain,
  SearchEngine,
  Dependency,
  DependencyConditionName,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  Queue,
  Secret,
  SecretReference,
  Service,
  StartVariable,
  StatefulService,
  Table,
  Topic,
  Volume,
  WarningIds,
  Workload,
} from '../../constructs';
import { upperSnake } from '../../constructs/model/names';
import { RESTART_POLICIES } from '../../constructs/model/restart';
import { AWS_SDK_VARIABLES } from '../../constructs/model/rules/aws-resources';
import { isReservedLocalVariable } from '../../constructs/model/rules/local-variables';
import { normalMountPath } from '../../constructs/model/rules/workloads';
import { examplePath } from '../../lib/project-root';

/**
 * A plan of an application: plain data that `buildApplication` turns into the library's constructs. The
 * arbitraries below generate only plans the README and the props' documentation call valid; mutations
 * (see invalid-plans.ts) break exactly one rule. Values typed `unknown` are passed to the constructs as
 * they are, so a mutation can put anything there.
 */
export interface AppPlan {
  readonly name: unknown;
  /** Give the application an existing VPC instead of letting it create one. */
  readonly importedVpc: boolean;
  readonly volumes: VolumePlan[];
  readonly secrets: SecretPlan[];
  readonly workloads: WorkloadPlan[];
  readonly loadBalancers: LoadBalancerPlan[];
  /** Managed data services with local stand-ins. */
  readonly dataServices?: DataServicePlan[];
  /** Buckets, queues and tables, which workloads reach through an AWS SDK. */
  readonly resources?: ResourcePlan[];
  /** The local twin's network layout, when not the default (networks that mirror the cloud's reachability). */
  readonly localNetworks?: unknown;
  /** CDK context values given to the stack (the cloud value of required start-time variables). */
  readonly context?: Record<string, string>;
}

/** A bucket, a queue or a table. */
export type ResourcePlan =
  | { readonly kind: 'bucket'; readonly id: string; readonly name?: unknown; readonly accessLogs?: boolean }
  | {
      readonly kind: 'queue';
      readonly id: string;
      readonly name?: unknown;
      readonly fifo?: unknown;
      readonly contentBasedDeduplication?: unknown;
      readonly deadLetterQueue?: boolean;
    }
  | {
      readonly kind: 'topic';
      readonly id: string;
      readonly name?: unknown;
      readonly fifo?: unknown;
      readonly contentBasedDeduplication?: unknown;
      /** Queues (indices into AppPlan.resources) the topic delivers to. */
      readonly subscriptions?: {
        readonly queue: number;
        readonly rawMessageDelivery?: unknown;
        readonly filterPolicy?: unknown;
      }[];
    }
  | {
      readonly kind: 'table';
      readonly id: string;
      readonly name?: unknown;
      readonly partitionKey: { readonly name: unknown; readonly type: unknown };
      readonly sortKey?: { readonly name: unknown; readonly type: unknown };
      readonly timeToLiveAttribute?: unknown;
    };

/** A workload's connection to a bucket, queue or table: the access it declares and the variables. */
export interface ResourceConnectionPlan {
  /** Index into AppPlan.resources. */
  readonly resource: number;
  readonly access: unknown;
  /** Resource value (bucketName, queueUrl, ...) -> variable name. */
  readonly variables: Record<string, unknown>;
}

/** Kinds of data services, by the engine each runs. */
export type DataServiceKindPlan =
  'postgres' | 'mysql' | 'mariadb' | 'redis' | 'valkey' | 'opensearch' | 'rabbitmq' | 'mongodb';

export interface DataServicePlan {
  readonly id: string;
  readonly kind: DataServiceKindPlan;
  readonly version: unknown;
  readonly name?: unknown;
  readonly hostPort?: unknown;
  /** Databases only. */
  readonly aurora?: boolean;
  /** Caches only: an official image variant of the engine's major for the local twin. */
  readonly localImage?: unknown;
  /** The local stand-in's data volume (data services that keep data). */
  readonly localVolumeName?: unknown;
}

export interface ConnectionPlan {
  /** Index into AppPlan.dataServices, or 'foreign' for a data service of another application. */
  readonly dataService: number | 'foreign';
  /** Connection value (host, port, ...) -> variable name. */
  readonly variables: Record<string, unknown>;
  /** The variable of the connection's TLS flag (`true` in the cloud, `false` locally). */
  readonly tls?: unknown;
}

export interface VolumePlan {
  readonly id: string;
  readonly name?: unknown;
  readonly uid?: unknown;
  readonly gid?: unknown;
  readonly permissions?: unknown;
}

export interface SecretPlan {
  readonly id: string;
  readonly kind: 'imported' | 'generated';
  readonly secretName?: unknown;
  readonly length?: unknown;
  readonly localVariablePrefix?: unknown;
  readonly localVariable?: unknown;
}

export interface SecretUsePlan {
  readonly key: unknown;
  /** Index into AppPlan.secrets, or 'foreign' for a secret of another application. */
  readonly secret: number | 'foreign';
  /** JSON field; imported secrets only. */
  readonly field?: unknown;
  readonly localVariable?: unknown;
}

export type ImagePlan =
  | { readonly kind: 'registry'; readonly reference: unknown }
  | {
      readonly kind: 'directory';
      readonly directory: unknown;
      readonly file?: unknown;
      readonly target?: unknown;
      readonly buildArgs?: Record<string, unknown>;
    }
  | { readonly kind: 'ecr'; readonly repositoryName: string; readonly tagOrDigest: unknown };

export interface HealthCheckPlan {
  readonly kind: 'command' | 'shell' | 'http' | 'tcp';
  readonly command?: unknown;
  readonly script?: unknown;
  readonly port?: unknown;
  readonly path?: unknown;
  /** Durations in milliseconds. */
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly retries?: unknown;
  readonly startPeriodMs?: number;
}

export interface PortPlan {
  readonly containerPort: unknown;
  readonly hostPort?: unknown;
  readonly protocol?: unknown;
  readonly name?: unknown;
}

export interface DependencyPlan {
  /**
   * Index into AppPlan.workloads, 'foreign' for a workload of another application, or 'self' for the
   * workload itself (added with addDependency once it exists).
   */
  readonly target: number | 'foreign' | 'self';
  readonly condition: DependencyConditionName;
}

export interface MountPlan {
  /** Index into AppPlan.volumes, or 'foreign' for a volume of another application. */
  readonly volume: number | 'foreign';
  readonly path: unknown;
  readonly readOnly?: boolean;
}

export interface AutoScalePlan {
  readonly minCapacity: unknown;
  readonly maxCapacity: unknown;
  readonly cpuUtilizationPercent?: unknown;
  readonly memoryUtilizationPercent?: unknown;
  readonly requestsPerTarget?: unknown;
}

export interface WorkloadPlan {
  readonly kind: 'service' | 'job';
  readonly id: string;
  readonly name?: unknown;
  readonly image: ImagePlan;
  readonly command?: unknown;
  readonly entrypoint?: unknown;
  readonly workingDirectory?: unknown;
  readonly user?: unknown;
  /** Given with `user: 'root'` (and `hardeningReason`), and with `readOnlyRootFilesystem: false`. */
  readonly allowRootUser?: unknown;
  readonly readOnlyRootFilesystem?: unknown;
  readonly writablePaths?: unknown;
  /** Container settings props (ulimits, init, capabilities, labels, shared memory, hosts), as given. */
  readonly settings?: unknown;
  readonly hardeningReason?: unknown;
  readonly environment: Record<string, unknown>;
  /** Start-time variables: container variable to its default (the variable has the same name). */
  readonly startVariables?: Record<string, string>;
  /** Required start-time variables (no default): the cloud twin's value comes from AppPlan.context. */
  readonly requiredStartVariables?: string[];
  /** Bind mounts of the fixture's source directory, at `/twinstack-bind-<n>`. */
  readonly bindMounts?: { readonly readOnly: boolean; readonly selinux?: unknown }[];
  /** Dotenv files of the fixtures, relative to the project. */
  readonly environmentFiles?: unknown[];
  /** `stopGracePeriod`, in seconds. */
  readonly stopGracePeriodSeconds?: number;
  /** Services only: a StatefulService keeping its data at `path`. */
  readonly stateful?: { readonly path: unknown; readonly volumeName?: unknown };
  readonly resourceConnections?: ResourceConnectionPlan[];
  readonly secrets: SecretUsePlan[];
  readonly cpu?: unknown;
  readonly memoryMiB?: unknown;
  readonly arm64: boolean;
  /** Name the architecture even when it is the default, x86_64 (the local twin then writes `platform`). */
  readonly declareArchitecture?: boolean;
  /** The local restart policy. */
  readonly restart?: unknown;
  readonly dependsOn: DependencyPlan[];
  readonly mounts: MountPlan[];
  readonly connections?: ConnectionPlan[];
  // Services only.
  readonly ports: PortPlan[];
  readonly desiredCount?: unknown;
  readonly healthCheck?: HealthCheckPlan;
  readonly minHealthyPercent?: unknown;
  readonly maxHealthyPercent?: unknown;
  readonly healthCheckGracePeriodMs?: number;
  readonly autoScale?: AutoScalePlan;
}

export interface RoutePlan {
  readonly id: string;
  /** Index into AppPlan.workloads, or 'foreign' for a service of another application. */
  readonly service: number | 'foreign';
  readonly port?: unknown;
  readonly pathPatterns?: unknown;
  readonly hostHeaders?: unknown;
  readonly httpHeaders?: unknown;
  readonly queryStrings?: unknown;
  readonly priority?: unknown;
  readonly healthCheckPath?: unknown;
}

export interface LoadBalancerPlan {
  readonly id: string;
  readonly name?: unknown;
  readonly httpPort?: unknown;
  readonly localPort?: unknown;
  readonly certificate: boolean;
  readonly httpsPort?: unknown;
  readonly internetFacing?: boolean;
  readonly accessLogs?: boolean;
  readonly routes: RoutePlan[];
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries of valid plans.

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** Names both twins accept. */
export const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,62}$/);
/** Names of workloads, whose default port names `<name>-<port>` must stay within 64 characters. */
const workloadNameArb = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/) },
  { weight: 1, arbitrary: nameArb },
);
const envNameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,20}$/);
/** Any text a setting may hold, with the characters that could confuse a renderer made likely. */
const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('$', '{', '}', '"', "'", '\\', '\n', ' ', ':', '#', '%', 'a', 'é', '€', '\t', '`'),
    maxLength: 12,
  }),
);
const fargateSizes: [number, number][] = [
  [256, 512],
  [256, 1024],
  [256, 2048],
  [512, 1024],
  [512, 4096],
  [1024, 2048],
  [1024, 8192],
  [2048, 4096],
  [2048, 16384],
  [4096, 8192],
  [4096, 30720],
  [8192, 16384],
  [8192, 61440],
  [16384, 32768],
  [16384, 122880],
];
const secondsMs = (min: number, max: number) => fc.integer({ min, max }).map((s) => s * 1000);
// Without "." and ".." segments, which a mount path may not have (the container would read them).
const absolutePathArb = fc
  .array(
    fc.stringMatching(/^[A-Za-z0-9._@+-]{1,8}$/).filter((p) => p !== '.' && p !== '..'),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => `/${parts.join('/')}`);
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
const imageReferenceArb = fc
  .record({
    registry: fc.option(
      fc.constantFrom('public.ecr.aws', 'localhost:5000', 'ghcr.io', 'registry.example.com'),
    ),
    path: fc.array(fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)?$/), { minLength: 1, maxLength: 3 }),
    tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/)),
    digest: fc.boolean(),
  })
  .map(
    (r) =>
      `${r.registry ? `${r.registry}/` : ''}${r.path.join('/')}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${digest}` : ''}`,
  );
const imageArb: fc.Arbitrary<ImagePlan> = fc.oneof(
  { weight: 6, arbitrary: imageReferenceArb.map((reference) => ({ kind: 'registry' as const, reference })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('directory' as const),
        directory: fc.constant(examplePath('goals', 'backend')),
        buildArgs: fc.dictionary(envNameArb, textArb, { maxKeys: 2 }),
      }),
      fc.constant({
        kind: 'directory' as const,
        directory: examplePath('goals', 'frontend'),
        file: 'Dockerfile.prod',
        target: 'production',
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('ecr' as const),
      repositoryName: fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+)?$/),
      tagOrDigest: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), fc.constant(digest)),
    }),
  },
);
const healthCheckArb: fc.Arbitrary<HealthCheckPlan> = fc.record(
  {
    kind: fc.constantFrom('command' as const, 'shell' as const, 'http' as const, 'tcp' as const),
    command: fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.array(textArb, { maxLength: 3 })),
    script: fc.stringMatching(/^[a-z][ a-z0-9$|&;.'"/-]{0,30}$/),
    port: fc.integer({ min: 1, max: 65535 }),
    path: fc.stringMatching(/^\/[A-Za-z0-9._~!$&()*+,;=:@%/?-]{0,20}$/),
    intervalMs: secondsMs(1, 400),
    timeoutMs: secondsMs(1, 130),
    retries: fc.integer({ min: 1, max: 1000 }),
    startPeriodMs: secondsMs(0, 300),
  },
  { requiredKeys: ['kind', 'command', 'script', 'port', 'path'] },
);

/** Start-time variables of a raw workload: names its environment does not use, each with a default. */
function startVariables(w: {
  environment: Record<string, unknown>;
  startDefaults: string[];
}): [string, string][] {
  return w.startDefaults
    .map((d, j): [string, string] => [`START_VAR_${j}`, d])
    .filter(([k]) => !Object.hasOwn(w.environment, k));
}

/** Dotenv files a workload may read (fixtures, relative to the project), and the variables they define. */
export const ENVIRONMENT_FILES = [
  'test/fixtures/properties/first.env',
  'test/fixtures/properties/second.env',
];
export const ENVIRONMENT_FILE_VARIABLES = ['PROPERTY_FILE_ONE', 'PROPERTY_FILE_TWO', 'PROPERTY_FILE_THREE'];

/** Raw material of one workload; `validPlan` makes it consistent with the rest of the application. */
const rawWorkloadArb = fc.record({
  kind: fc.constantFrom('service' as const, 'service' as const, 'job' as const),
  image: imageArb,
  command: fc.option(fc.array(textArb, { minLength: 1, maxLength: 4 }), { nil: undefined }),
  entrypoint: fc.option(fc.array(textArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  workingDirectory: fc.option(absolutePathArb, { nil: undefined }),
  user: fc.option(fc.oneof(fc.constantFrom('1000', '1000:1000', 'node', 'root')), { nil: undefined }),
  writableRoot: fc.boolean(),
  writablePaths: fc.array(absolutePathArb, { maxLength: 2 }),
  settings: fc.option(
    fc.record(
      {
        ulimits: fc.constant({ nofile: { soft: 1024, hard: 65536 } }),
        init: fc.boolean(),
        capabilities: fc.constantFrom({ drop: ['ALL'] }, { add: ['SYS_PTRACE'], drop: ['NET_RAW'] }),
        labels: fc.dictionary(fc.stringMatching(/^com\.example\.[a-z]{1,8}$/), textArb, { maxKeys: 2 }),
        sharedMemoryMiB: fc.integer({ min: 1, max: 1024 }),
        hostname: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
        extraHosts: fc.constantFrom({ 'host.docker.internal': 'host-gateway' }, { 'db.example': '10.0.0.2' }),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
  environment: fc.dictionary(envNameArb, textArb, { maxKeys: 4 }),
  secretKeys: fc.array(envNameArb, { maxLength: 3 }),
  secretPicks: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  secretFields: fc.array(fc.option(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { nil: undefined }), {
    minLength: 3,
    maxLength: 3,
  }),
  size: fc.nat({ max: fargateSizes.length - 1 }),
  arm64: fc.boolean(),
  declareArchitecture: fc.boolean(),
  restartPick: fc.option(fc.nat(), { nil: undefined }),
  dependencies: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 3 }),
  mounts: fc.array(fc.tuple(fc.nat(), absolutePathArb, fc.boolean()), { maxLength: 3 }),
  startDefaults: fc.array(fc.stringMatching(/^[a-z0-9 $.:-]{0,8}$/), { maxLength: 2 }),
  requiredStart: fc.array(fc.stringMatching(/^[a-z0-9 $.:-]{0,8}$/), { maxLength: 1 }),
  bindReadOnly: fc.array(
    fc.tuple(fc.boolean(), fc.option(fc.constantFrom('shared', 'private'), { nil: undefined })),
    { maxLength: 2 },
  ),
  environmentFiles: fc.subarray(ENVIRONMENT_FILES),
  stopGracePeriodSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  stateful: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.boolean() },
  ),
  resourceConnections: fc.array(
    fc.record({
      pick: fc.nat(),
      accessPick: fc.nat(),
      values: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    }),
    { maxLength: 2 },
  ),
  ports: fc.uniqueArray(
    fc.record({
      containerPort: fc.integer({ min: 1, max: 65535 }),
      hostPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      protocol: fc.option(fc.constantFrom('tcp', 'http', 'http2', 'grpc', 'udp'), { nil: undefined }),
    }),
    { selector: (p) => p.containerPort, maxLength: 3 },
  ),
  desiredCount: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  healthCheck: fc.option(healthCheckArb, { nil: undefined }),
  deployment: fc.option(
    fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 200 }), secondsMs(0, 600)),
    { nil: undefined },
  ),
  connections: fc.array(
    fc.record({
      pick: fc.nat(),
      values: fc.subarray(['host', 'port', 'database', 'username', 'password', 'url'] as const, {
        minLength: 1,
      }),
      tls: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  autoScale: fc.option(
    fc.record({
      extra: fc.integer({ min: 0, max: 20 }),
      cpu: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      memory: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      requests: fc.integer({ min: 1, max: 1000000 }),
    }),
    { nil: undefined },
  ),
});

const conditionValuesArb = fc.record(
  {
    pathPatterns: fc.uniqueArray(fc.stringMatching(/^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,20}$/), {
      minLength: 1,
      maxLength: 2,
    }),
    hostHeaders: fc.uniqueArray(fc.stringMatching(/^[a-z0-9\-.*?]{1,20}$/), { minLength: 1, maxLength: 2 }),
    httpHeaders: fc
      .tuple(
        fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/),
        fc.uniqueArray(fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,10}[\x21-\x7e])?$/), {
          minLength: 1,
          maxLength: 2,
        }),
      )
      .map(([name, values]) => ({ [name]: values })),
    queryStrings: fc.array(
      fc.record(
        {
          key: fc.stringMatching(/^[A-Za-z0-9_\-.$/~"'@:+*?%]{1,10}$/),
          value: fc.stringMatching(/^[A-Za-z0-9_\-.$/~"'@:+*?%]{1,10}$/),
        },
        { requiredKeys: ['value'] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const rawLoadBalancerArb = fc.record({
  httpPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  localPort: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
  certificate: fc.boolean(),
  internetFacing: fc.option(fc.boolean(), { nil: undefined }),
  accessLogs: fc.option(fc.boolean(), { nil: undefined }),
  routes: fc.array(
    fc.record({
      service: fc.nat(),
      conditions: conditionValuesArb,
      portPick: fc.option(fc.nat(), { nil: undefined }),
      priority: fc.option(fc.integer({ min: 1, max: 50000 }), { nil: undefined }),
    }),
    { maxLength: 4 },
  ),
  catchAll: fc.option(fc.nat(), { nil: undefined }),
});

const rawAppArb = fc.record({
  name: nameArb,
  importedVpc: fc.oneof(
    { weight: 3, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  singleNetwork: fc.oneof(
    { weight: 5, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  // Unique also as Service Connect reads the default port names: `my-api` and `my_api` share `my-api-<port>`.
  names: fc.uniqueArray(workloadNameArb, {
    minLength: 10,
    maxLength: 10,
    selector: (n) => n.replace(/_/g, '-'),
  }),
  volumes: fc.uniqueArray(
    fc.record({
      name: nameArb,
      uid: fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
      gid: fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
      permissions: fc.option(fc.stringMatching(/^[0-7]{3,4}$/), { nil: undefined }),
    }),
    { selector: (v) => v.name, maxLength: 3 },
  ),
  secrets: fc.uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/),
      imported: fc.boolean(),
      secretName: fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,30}$/),
      length: fc.option(fc.integer({ min: 8, max: 4096 }), { nil: undefined }),
    }),
    { selector: (s) => s.id.toUpperCase(), maxLength: 3 },
  ),
  workloads: fc.array(rawWorkloadArb, { minLength: 1, maxLength: 6 }),
  loadBalancers: fc.array(rawLoadBalancerArb, { maxLength: 2 }),
  dataServices: fc.array(
    fc.record({
      kind: fc.constantFrom<DataServiceKindPlan>(
        'postgres',
        'mysql',
        'mariadb',
        'redis',
        'valkey',
        'opensearch',
        'rabbitmq',
        'mongodb',
      ),
      versionPick: fc.nat(),
      aurora: fc.boolean(),
      alpine: fc.boolean(),
      keepVolume: fc.boolean(),
      hostPort: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  resources: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('bucket' as const),
        name: fc
          .stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/)
          .filter((n) => !/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(n)),
        accessLogs: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('queue' as const),
        name: fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/),
        fifo: fc.boolean(),
        contentBasedDeduplication: fc.boolean(),
        deadLetterQueue: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('topic' as const),
        name: fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/),
        fifo: fc.boolean(),
        contentBasedDeduplication: fc.boolean(),
        subscriptions: fc.array(
          fc.record({
            pick: fc.nat(),
            raw: fc.boolean(),
            filter: fc.option(
              fc.dictionary(
                fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/),
                // SNS takes filter values without control characters.
                fc.array(
                  // eslint-disable-next-line no-control-regex
                  textArb.filter((t) => t.length > 0 && !/[\u0000-\u001f\u007f]/.test(t)),
                  { minLength: 1, maxLength: 3 },
                ),
                { minKeys: 1, maxKeys: 3 },
              ),
              { nil: undefined },
            ),
          }),
          { maxLength: 2 },
        ),
      }),
      fc.record({
        kind: fc.constant('table' as const),
        name: fc.stringMatching(/^[A-Za-z0-9_.-]{3,30}$/),
        keys: fc.uniqueArray(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/), { minLength: 3, maxLength: 3 }),
        types: fc.array(fc.constantFrom('string', 'number', 'binary'), { minLength: 2, maxLength: 2 }),
        sortKey: fc.boolean(),
        ttl: fc.boolean(),
      }),
    ),
    { maxLength: 3 },
  ),
});

/** The values each kind of AWS resource hands to connected workloads, in the order ResourceConnectionPlan picks. */
export const RESOURCE_VALUES = {
  bucket: ['bucketName', 'bucketArn'],
  queue: ['queueUrl', 'queueArn', 'queueName'],
  topic: ['topicArn', 'topicName', 'topicArn'],
  table: ['tableName', 'tableArn'],
} as const;
export const RESOURCE_ACCESS = {
  bucket: ['read', 'write', 'readWrite'],
  queue: ['send', 'consume', 'sendAndConsume'],
  topic: ['publish'],
  table: ['read', 'write', 'readWrite'],
} as const;
/** Services the local twin runs for buckets, queues, topics and tables. */
export const AWS_STAND_IN_NAMES = ['aws-s3', 'aws-sqs', 'aws-sns', 'aws-dynamodb', 'aws-init'];

/** Engine versions each kind of data service runs in both twins (a sample of those the constructs accept). */
export const DATA_SERVICE_VERSIONS: Record<DataServiceKindPlan, readonly string[]> = {
  postgres: ['13', '16', '17', '18'],
  mysql: ['8.0', '8.4'],
  mariadb: ['10.11', '11.4', '11.8.3'],
  redis: ['6.2', '7.1', '7'],
  valkey: ['7.2', '8.0', '8'],
  opensearch: ['2.19', '3.1'],
  rabbitmq: ['3.13', '4.2'],
  mongodb: ['4.0', '5.0', '8.0'],
};

/** The connection values each kind of data service hands to connected workloads. */
export const CONNECTION_VALUES: Record<DataServiceKindPlan, readonly string[]> = {
  postgres: ['host', 'port', 'database', 'username', 'password', 'url'],
  mysql: ['host', 'port', 'database', 'username', 'password', 'url'],
  mariadb: ['host', 'port', 'database', 'username', 'password', 'url'],
  redis: ['host', 'port', 'password', 'url'],
  valkey: ['host', 'port', 'password', 'url'],
  opensearch: ['host', 'port', 'username', 'password', 'url'],
  rabbitmq: ['host', 'port', 'username', 'password', 'url'],
  mongodb: ['host', 'port', 'username', 'password', 'url'],
};

/** Smallest Fargate size at least `cpu` and `memory`, preferring `preferred` when it is enough. */
function sizeFor(preferred: [number, number], cpu: number, memory: number): [number, number] {
  if (preferred[0] >= cpu && preferred[1] >= memory) return preferred;
  return fargateSizes.find(([c, m]) => c >= cpu && m >= memory)!;
}

/** Turns raw material into a valid plan: references point backwards (no cycles), every rule holds. */
function validPlan(raw: ValueOf<typeof rawAppArb>, maxLoadBalancers: number): AppPlan {
  const volumes: VolumePlan[] = raw.volumes.map((v, i) => ({
    id: `v${i}`,
    name: v.name,
    ...(v.uid !== undefined ? { uid: v.uid, ...(v.gid !== undefined ? { gid: v.gid } : {}) } : {}),
    ...(v.permissions !== undefined ? { permissions: v.permissions } : {}),
  }));
  const secrets: SecretPlan[] = raw.secrets.map((s) =>
    s.imported
      ? { id: s.id, kind: 'imported', secretName: s.secretName }
      : { id: s.id, kind: 'generated', ...(s.length !== undefined ? { length: s.length } : {}) },
  );
  const names = raw.names.slice(0, raw.workloads.length);
  const usedHostPorts = new Set<number>();
  // Data services: named after names no workload or load balancer takes, `data-` first so that their
  // local variables (DATA_<NAME>_PASSWORD, ...) are none of the application's secrets'.
  // Trimming can make two names equal (`i` and `i-`), so a clash takes a numbered suffix instead.
  const sameName = (n: string) => n.replace(/_/g, '-');
  const taken = new Set(raw.names.slice(0, names.length + 2).map(sameName));
  const dataServiceName = (i: number): string => {
    const trim = (n: string) => n.slice(0, 63).replace(/[-_]+$/, '');
    const base = trim(`data-${raw.names[names.length + 2 + i]}`);
    let name = base;
    for (let k = 0; taken.has(sameName(name)); k++) name = `${base.slice(0, 56)}-${i}-${k}`;
    taken.add(sameName(name));
    return name;
  };
  const dataServices: DataServicePlan[] = raw.dataServices.map((d, i) => {
    const versions = DATA_SERVICE_VERSIONS[d.kind];
    const hostPort = d.hostPort !== undefined && !usedHostPorts.has(d.hostPort) ? d.hostPort : undefined;
    if (hostPort !== undefined) usedHostPorts.add(hostPort);
    const version = versions[d.versionPick % versions.length];
    const cache = d.kind === 'redis' || d.kind === 'valkey';
    const major = version.split('.')[0];
    return {
      id: `d${i}`,
      kind: d.kind,
      name: dataServiceName(i),
      version,
      ...(hostPort !== undefined ? { hostPort } : {}),
      ...((d.kind === 'postgres' || d.kind === 'mysql') && d.aurora ? { aurora: true } : {}),
      ...(cache && d.alpine
        ? { localImage: `${d.kind === 'redis' ? 'redis' : 'valkey/valkey'}:${major}-alpine` }
        : {}),
      // Not a name any volume or default data volume has: those start with a lowercase letter.
      ...(!cache && d.keepVolume ? { localVolumeName: `Kept.${i}_data` } : {}),
    };
  });
  const resources = validResources(raw, names, dataServices);
  const context: Record<string, string> = {};
  const workloads: WorkloadPlan[] = [];
  const fieldsByVariable: Map<string, string>[] = [];
  /** Local variable -> the secret it is read for. */
  const variables = new Map<string, number>();
  raw.workloads.forEach((w, i) => {
    const kind = w.kind;
    const service = kind === 'service';
    // Secrets: keys distinct from the plain environment; fields only of imported secrets, and two fields
    // of one secret never share a local variable (`a-b` and `a_b`: an invalid plan).
    const secretUses: SecretUsePlan[] = [];
    if (secrets.length > 0) {
      for (const [k, key] of [...new Set(w.secretKeys)].entries()) {
        if (Object.hasOwn(w.environment, key)) continue;
        const secret = w.secretPicks[k] % secrets.length;
        let field = secrets[secret].kind === 'imported' ? w.secretFields[k] : undefined;
        if (field !== undefined) {
          const fields = (fieldsByVariable[secret] ??= new Map());
          field = fields.get(upperSnake(field)) ?? field;
          fields.set(upperSnake(field), field);
        }
        // Nor do two secrets (secret `AbC`, and field `c` of secret `Ab`, are both AB_C locally).
        const stem = upperSnake(secrets[secret].id);
        const variable = field === undefined ? stem : `${stem}_${upperSnake(field)}`;
        const owner = variables.get(variable);
        if (owner !== undefined && owner !== secret) continue;
        // Nor one the shell or the local twin sets (secret `User` is ${USER}: an invalid plan).
        if (isReservedLocalVariable(variable)) continue;
        variables.set(variable, secret);
        secretUses.push({ key, secret, ...(field !== undefined ? { field } : {}) });
      }
    }
    // Dependencies on earlier workloads only, once each, with a condition that fits the target.
    const dependsOn: DependencyPlan[] = [];
    for (const [pick, healthy] of w.dependencies) {
      if (i === 0) break;
      const target = pick % i;
      if (dependsOn.some((d) => d.target === target)) continue;
      const t = workloads[target];
      const condition: DependencyConditionName =
        t.kind === 'job'
          ? service || healthy
            ? 'completed-successfully'
            : 'started'
          : healthy && t.healthCheck
            ? 'healthy'
            : 'started';
      dependsOn.push({ target, condition });
    }
    const mounts: MountPlan[] = [];
    if (volumes.length > 0) {
      for (const [pick, path, readOnly] of w.mounts) {
        if (mounts.some((m) => m.path === path)) continue;
        mounts.push({ volume: pick % volumes.length, path, readOnly });
      }
    }
    // Writable paths: each once, none where a volume is mounted (the rule in model/rules/workloads.ts).
    const taken = new Set(mounts.map((m) => normalMountPath(String(m.path))));
    const writablePaths: string[] = [];
    for (const p of w.writablePaths) {
      if (taken.has(normalMountPath(p))) continue;
      taken.add(normalMountPath(p));
      writablePaths.push(p);
    }
    const healthCheck = service ? w.healthCheck : undefined;
    // A health check of the container's port over HTTP or TCP cannot probe a UDP port.
    const probed =
      healthCheck && (healthCheck.kind === 'http' || healthCheck.kind === 'tcp')
        ? healthCheck.port
        : undefined;
    const ports: PortPlan[] = service
      ? w.ports.map((p) => {
          const hostPort =
            p.hostPort !== undefined && !usedHostPorts.has(p.hostPort) ? p.hostPort : undefined;
          if (hostPort !== undefined) usedHostPorts.add(hostPort);
          const protocol = p.protocol === 'udp' && p.containerPort === probed ? undefined : p.protocol;
          return {
            containerPort: p.containerPort,
            ...(hostPort !== undefined ? { hostPort } : {}),
            ...(protocol !== undefined ? { protocol } : {}),
          };
        })
      : [];
    // A stateful service runs one task, never two at once, and does not scale.
    const stateful = service && w.stateful !== undefined;
    // Jobs stay small enough that any service can host all of them (see the sizes below).
    const [cpu, memoryMiB] = fargateSizes[service ? w.size : w.size % 5];
    const desiredCount = service && !stateful ? w.desiredCount : undefined;
    // Required start-time variables take their cloud value from the CDK context.
    const required = w.requiredStart
      .map((value, j): [string, string] => [`REQUIRED_VAR_${i}_${j}`, value])
      .filter(([k]) => !Object.hasOwn(w.environment, k));
    for (const [k, value] of required) context[k] = value;
    // Environment files define their own variables, which nothing else may set.
    const environmentFiles =
      w.environmentFiles.length &&
      !ENVIRONMENT_FILE_VARIABLES.some(
        (v) => Object.hasOwn(w.environment, v) || secretUses.some((u) => u.key === v),
      )
        ? w.environmentFiles
        : [];
    const plan: WorkloadPlan = {
      kind,
      id: `w${i}`,
      name: names[i],
      image: w.image,
      ...(w.command ? { command: w.command } : {}),
      ...(w.entrypoint ? { entrypoint: w.entrypoint } : {}),
      ...(w.workingDirectory ? { workingDirectory: w.workingDirectory } : {}),
      ...(w.user ? { user: w.user } : {}),
      ...(w.user === 'root' ? { allowRootUser: true } : {}),
      ...(w.writableRoot ? { readOnlyRootFilesystem: false } : {}),
      ...(w.user === 'root' || w.writableRoot ? { hardeningReason: 'generated opt-out' } : {}),
      ...(writablePaths.length ? { writablePaths } : {}),
      ...(w.settings ? { settings: w.settings } : {}),
      environment: w.environment,
      ...(startVariables(w).length ? { startVariables: Object.fromEntries(startVariables(w)) } : {}),
      ...(required.length ? { requiredStartVariables: required.map(([k]) => k) } : {}),
      ...(w.bindReadOnly.length &&
      ![...writablePaths, ...mounts.map((m) => String(m.path))].some((p) => p.startsWith('/twinstack-bind'))
        ? {
            bindMounts: w.bindReadOnly.map(([readOnly, selinux]) => ({
              readOnly,
              ...(selinux !== undefined ? { selinux } : {}),
            })),
          }
        : {}),
      ...(environmentFiles.length ? { environmentFiles } : {}),
      ...(w.stopGracePeriodSeconds !== undefined ? { stopGracePeriodSeconds: w.stopGracePeriodSeconds } : {}),
      ...(stateful
        ? {
            stateful: {
              path: '/twinstack-data',
              ...(w.stateful ? { volumeName: `stateful-${i}-data` } : {}),
            },
          }
        : {}),
      secrets: secretUses,
      cpu,
      memoryMiB,
      arm64: w.arm64,
      ...(w.declareArchitecture ? { declareArchitecture: true } : {}),
      ...(w.restartPick !== undefined
        ? { restart: RESTART_POLICIES[kind][w.restartPick % RESTART_POLICIES[kind].length] }
        : {}),
      dependsOn,
      mounts,
      ports,
      ...(desiredCount !== undefined ? { desiredCount } : {}),
      ...(healthCheck ? { healthCheck } : {}),
      ...(service && !stateful && w.deployment
        ? {
            minHealthyPercent: w.deployment[0],
            // 100 and 100 leave a deployment no room to replace a task.
            maxHealthyPercent: w.deployment[0] === 100 && w.deployment[1] === 100 ? 200 : w.deployment[1],
            healthCheckGracePeriodMs: Math.max(w.deployment[2], healthCheck?.startPeriodMs ?? 0),
          }
        : {}),
      ...(service && !stateful && w.autoScale
        ? {
            autoScale: {
              minCapacity: Math.min(desiredCount ?? 1, w.autoScale.extra),
              maxCapacity: Math.min(1000, Math.max(1, desiredCount ?? 1) + w.autoScale.extra),
              ...(w.autoScale.cpu !== undefined ? { cpuUtilizationPercent: w.autoScale.cpu } : {}),
              ...(w.autoScale.memory !== undefined ? { memoryUtilizationPercent: w.autoScale.memory } : {}),
              ...(w.autoScale.cpu === undefined && w.autoScale.memory === undefined
                ? { cpuUtilizationPercent: 50 }
                : {}),
            },
          }
        : {}),
    };
    // Connections: to each data service once, with the values it has, under variables nothing else sets.
    const connections: ConnectionPlan[] = [];
    for (const c of dataServices.length ? w.connections : []) {
      const index = c.pick % dataServices.length;
      if (connections.some((x) => x.dataService === index)) continue;
      const ds = dataServices[index];
      const values = c.values.filter((v) => CONNECTION_VALUES[ds.kind].includes(v));
      const connected = Object.fromEntries(
        values.map((v) => [v, `${upperSnake(ds.name as string)}_${v.toUpperCase()}`]),
      );
      const taken = (variable: string) =>
        Object.hasOwn(plan.environment, variable) || plan.secrets.some((u) => u.key === variable);
      if (values.length === 0 || Object.values(connected).some(taken)) continue;
      // A TLS flag where the cloud's service speaks TLS (not a database: RDS's TLS is the client's choice).
      const tls = `${upperSnake(ds.name as string)}_TLS`;
      const withTls = c.tls && ds.kind !== 'postgres' && ds.kind !== 'mysql' && ds.kind !== 'mariadb';
      connections.push({
        dataService: index,
        variables: connected,
        ...(withTls && !taken(tls) && !Object.values(connected).includes(tls) ? { tls } : {}),
      });
    }
    // Connections to buckets, queues and tables: each once, with the access of its kind, under variables
    // nothing else sets, by a workload that sets none of the AWS SDK's own variables.
    const resourceConnections: ResourceConnectionPlan[] = [];
    const sdkVariableSet = [
      ...Object.keys(plan.environment),
      ...plan.secrets.map((u) => u.key as string),
    ].some((k) => (AWS_SDK_VARIABLES as readonly string[]).includes(k));
    for (const c of resources.length && !sdkVariableSet ? w.resourceConnections : []) {
      const index = c.pick % resources.length;
      if (resourceConnections.some((x) => x.resource === index)) continue;
      const kind = resources[index].kind;
      const values = [...new Set(RESOURCE_VALUES[kind].filter((_, k) => c.values[k]))];
      const chosen = values.length ? values : [RESOURCE_VALUES[kind][0]];
      const variables = Object.fromEntries(chosen.map((v) => [v, `RESOURCE_${index}_${upperSnake(v)}`]));
      if (Object.values(variables).some((v) => Object.hasOwn(plan.environment, v))) continue;
      resourceConnections.push({
        resource: index,
        access: RESOURCE_ACCESS[kind][c.accessPick % RESOURCE_ACCESS[kind].length],
        variables,
      });
    }
    workloads.push({
      ...plan,
      ...(connections.length ? { connections } : {}),
      ...(resourceConnections.length ? { resourceConnections } : {}),
    });
  });
  // In the cloud a service's tasks also run the jobs it waits for: make room for them.
  const hosted = (w: WorkloadPlan, found = new Set<number>()): Set<number> => {
    for (const d of w.dependsOn) {
      const t = d.target as number;
      if (workloads[t].kind === 'job' && !found.has(t)) {
        found.add(t);
        hosted(workloads[t], found);
      }
    }
    return found;
  };
  workloads.forEach((w, i) => {
    if (w.kind !== 'service') return;
    const jobs = [...hosted(w)].map((j) => workloads[j]);
    const cpu = jobs.reduce((sum, j) => sum + (j.cpu as number), 0);
    const memory = jobs.reduce((sum, j) => sum + (j.memoryMiB as number), 0);
    const [c, m] = sizeFor([w.cpu as number, w.memoryMiB as number], cpu, memory);
    workloads[i] = { ...w, cpu: c, memoryMiB: m };
    // A job's container runs in its host's task, so a job must have its hosts' architecture (breaking that
    // is an invalid plan): every service that runs jobs, and those jobs, are x86_64.
    if (jobs.length) {
      workloads[i] = { ...workloads[i], arm64: false };
      for (const j of hosted(w)) workloads[j] = { ...workloads[j], arm64: false };
    }
  });

  const loadBalancers: LoadBalancerPlan[] = [];
  // No route targets a UDP port (the load balancer speaks HTTP); one without `port` targets the first.
  const routePorts = (w: WorkloadPlan) => w.ports.filter((p) => p.protocol !== 'udp');
  const routable = workloads
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.kind === 'service' && routePorts(w).length);
  const routePort = (w: WorkloadPlan, pick: number | undefined) =>
    pick !== undefined
      ? { port: routePorts(w)[pick % routePorts(w).length].containerPort }
      : w.ports[0].protocol === 'udp'
        ? { port: routePorts(w)[0].containerPort }
        : {};
  raw.loadBalancers.slice(0, maxLoadBalancers).forEach((lb, l) => {
    const name = names.length + l < raw.names.length ? raw.names[names.length + l] : `lb${l}`;
    let localPort = lb.localPort ?? lb.httpPort ?? 80;
    while (usedHostPorts.has(localPort)) localPort = (localPort % 65535) + 1;
    usedHostPorts.add(localPort);
    const routes: RoutePlan[] = [];
    const conditionKeys = new Set<string>();
    const priorities = new Set<number>();
    if (routable.length > 0) {
      lb.routes.forEach((r, k) => {
        const { w, i } = routable[r.service % routable.length];
        const key = JSON.stringify(conditionKey(r.conditions));
        const values =
          (r.conditions.pathPatterns?.length ?? 0) +
          (r.conditions.hostHeaders?.length ?? 0) +
          Object.values(r.conditions.httpHeaders ?? {}).reduce((n, v) => n + v.length, 0) +
          (r.conditions.queryStrings?.length ?? 0);
        // A rule has at least one condition value and at most 5 (the ALB limit).
        if (values === 0 || values > 5 || conditionKeys.has(key)) return;
        const defaultPriority = 10 * (routes.length + 1);
        const priority =
          r.priority !== undefined && !priorities.has(r.priority) && r.priority % 10 !== 0
            ? r.priority
            : undefined;
        if (priorities.has(priority ?? defaultPriority)) return;
        priorities.add(priority ?? defaultPriority);
        conditionKeys.add(key);
        routes.push({
          id: `r${k}`,
          service: i,
          ...routePort(w, r.portPick),
          ...r.conditions,
          ...(priority !== undefined ? { priority } : {}),
          ...(w.healthCheck?.kind === 'http' ? {} : { healthCheckPath: '/health' }),
        });
      });
      if (lb.catchAll !== undefined) {
        const { w, i } = routable[lb.catchAll % routable.length];
        routes.push({
          id: 'fallback',
          service: i,
          ...routePort(w, undefined),
          ...(w.healthCheck?.kind === 'http' ? {} : { healthCheckPath: '/' }),
        });
      }
    }
    const httpPort = lb.httpPort ?? 80;
    loadBalancers.push({
      id: `lb${l}`,
      name,
      ...(lb.httpPort !== undefined ? { httpPort: lb.httpPort } : {}),
      localPort,
      certificate: lb.certificate,
      ...(lb.certificate && httpPort === 443 ? { httpsPort: 8443 } : {}),
      ...(lb.internetFacing !== undefined ? { internetFacing: lb.internetFacing } : {}),
      ...(lb.accessLogs !== undefined ? { accessLogs: lb.accessLogs } : {}),
      routes,
    });
  });
  // Request-count scaling needs a route to the service.
  raw.workloads.forEach((w, i) => {
    const autoScale = workloads[i].autoScale;
    const routed = loadBalancers.some((lb) => lb.routes.some((r) => r.service === i));
    if (autoScale && routed && w.autoScale!.requests % 2 === 0) {
      workloads[i] = {
        ...workloads[i],
        autoScale: { ...autoScale, requestsPerTarget: w.autoScale!.requests },
      };
    }
  });
  return {
    name: raw.name,
    importedVpc: raw.importedVpc,
    volumes,
    secrets,
    workloads,
    loadBalancers,
    dataServices,
    ...(resources.length ? { resources } : {}),
    ...(Object.keys(context).length ? { context } : {}),
    ...(raw.singleNetwork ? { localNetworks: 'single' } : {}),
  };
}

/**
 * Buckets, queues and tables with names AWS accepts and no two alike (a queue's dead-letter queue takes
 * `<name>-dlq` too), in an application where no service or volume has a name their stand-ins take.
 */
function validResources(
  raw: ValueOf<typeof rawAppArb>,
  names: readonly string[],
  dataServices: readonly DataServicePlan[],
): ResourcePlan[] {
  const owners = [...names, ...raw.names.slice(names.length), ...dataServices.map((d) => d.name as string)];
  if (owners.some((n) => AWS_STAND_IN_NAMES.includes(n)) || raw.volumes.some((v) => v.name === 'aws-s3-data'))
    return [];
  const taken = new Set<string>();
  const resources: ResourcePlan[] = [];
  raw.resources.forEach((r, i) => {
    const id = `res${i}`;
    if (r.kind === 'bucket') {
      if (taken.has(`bucket:${r.name}`)) return;
      taken.add(`bucket:${r.name}`);
      resources.push({ kind: 'bucket', id, name: r.name, ...(r.accessLogs ? {} : { accessLogs: false }) });
    } else if (r.kind === 'queue') {
      const suffix = r.fifo ? '.fifo' : '';
      const queueNames = [`${r.name}${suffix}`, ...(r.deadLetterQueue ? [`${r.name}-dlq${suffix}`] : [])];
      // The declared name is unique among queues whatever the type (the library refuses a standard and a
      // FIFO queue both named `orders`), and so is each name the queues have on SQS.
      if (taken.has(`queue-name:${r.name}`) || queueNames.some((n) => taken.has(`queue:${n}`))) return;
      taken.add(`queue-name:${r.name}`);
      for (const n of queueNames) taken.add(`queue:${n}`);
      resources.push({
        kind: 'queue',
        id,
        name: r.name,
        ...(r.fifo
          ? { fifo: true, ...(r.contentBasedDeduplication ? { contentBasedDeduplication: true } : {}) }
          : {}),
        ...(r.deadLetterQueue ? {} : { deadLetterQueue: false }),
      });
    } else if (r.kind === 'topic') {
      if (taken.has(`topic:${r.name}`)) return;
      taken.add(`topic:${r.name}`);
      // Queues declared before it, of its type, each once.
      const queues = resources
        .map((q, k) => ({ q, k }))
        .filter(({ q }) => q.kind === 'queue' && (q.fifo === true) === r.fifo);
      const subscriptions: NonNullable<Extract<ResourcePlan, { kind: 'topic' }>['subscriptions']> = [];
      for (const s of queues.length ? r.subscriptions : []) {
        const queue = queues[s.pick % queues.length].k;
        if (subscriptions.some((x) => x.queue === queue)) continue;
        subscriptions.push({
          queue,
          ...(s.raw ? { rawMessageDelivery: true } : {}),
          ...(s.filter ? { filterPolicy: s.filter } : {}),
        });
      }
      resources.push({
        kind: 'topic',
        id,
        name: r.name,
        ...(r.fifo
          ? { fifo: true, ...(r.contentBasedDeduplication ? { contentBasedDeduplication: true } : {}) }
          : {}),
        ...(subscriptions.length ? { subscriptions } : {}),
      });
    } else {
      if (taken.has(`table:${r.name}`)) return;
      taken.add(`table:${r.name}`);
      resources.push({
        kind: 'table',
        id,
        name: r.name,
        partitionKey: { name: r.keys[0], type: r.types[0] },
        ...(r.sortKey ? { sortKey: { name: r.keys[1], type: r.types[1] } } : {}),
        ...(r.ttl ? { timeToLiveAttribute: r.keys[2] } : {}),
      });
    }
  });
  return resources;
}

/** What makes two routes' conditions the same for the load balancer (case-insensitive where ALB is). */
function conditionKey(c: ValueOf<typeof conditionValuesArb>): unknown {
  const lower = (v: string) => v.toLowerCase();
  return {
    p: [...(c.pathPatterns ?? [])].sort(),
    h: [...(c.hostHeaders ?? [])].map(lower).sort(),
    H: Object.entries(c.httpHeaders ?? {}).map(([k, v]) => [lower(k), v.map(lower).sort()]),
    q: (c.queryStrings ?? [])
      .map((q) => `${q.key === undefined ? '' : lower(q.key)}=${lower(q.value)}`)
      .sort(),
  };
}

/** Plans of valid applications, with up to two load balancers. */
export const validPlanArb: fc.Arbitrary<AppPlan> = rawAppArb.map((raw) => validPlan(raw, 2));

// ---------------------------------------------------------------------------------------------------------
// From plan to constructs.

/** The constructs built from a plan. */
export interface Built {
  readonly stack: Stack;
  readonly application: Application;
  readonly workloads: Workload[];
}

const duration = (ms: number | undefined) => (ms === undefined ? undefined : Duration.millis(ms));

/* eslint-disable @typescript-eslint/no-explicit-any */
function healthCheckOf(h: HealthCheckPlan): HealthCheck {
  const timing: any = {
    ...(h.intervalMs !== undefined ? { interval: duration(h.intervalMs) } : {}),
    ...(h.timeoutMs !== undefined ? { timeout: duration(h.timeoutMs) } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
    ...(h.startPeriodMs !== undefined ? { startPeriod: duration(h.startPeriodMs) } : {}),
  };
  switch (h.kind) {
    case 'command': {
      const c = h.command as [string, string[]] | string[];
      const list = Array.isArray(c) && Array.isArray(c[1]) ? [c[0] as string, ...(c[1] as string[])] : c;
      return HealthCheck.command(list as string[], timing);
    }
    case 'shell':
      return HealthCheck.shell(h.script as string, timing);
    case 'http':
      return HealthCheck.http({
        port: h.port as number,
        ...(h.path !== undefined ? { path: h.path } : {}),
        ...timing,
      });
    case 'tcp':
      return HealthCheck.tcp({ port: h.port as number, ...timing });
  }
}

/**
 * Builds the plan's application in a new stack of `app`, with the library's constructs, in the order a user
 * would write it. 'foreign' references point at parts of a second application in the same stack.
 */
export function buildApplication(stack: Stack, plan: AppPlan): Built {
  for (const [key, value] of Object.entries(plan.context ?? {})) stack.node.setContext(key, value);
  const vpc = plan.importedVpc
    ? ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: ['subnet-0a', 'subnet-0b'],
        publicSubnetRouteTableIds: ['rtb-0a', 'rtb-0b'],
        privateSubnetIds: ['subnet-1a', 'subnet-1b'],
        privateSubnetRouteTableIds: ['rtb-1a', 'rtb-1b'],
      })
    : undefined;
  const application = new Application(stack, 'App', {
    name: plan.name as string,
    ...(vpc ? { vpc } : {}),
    ...(plan.localNetworks !== undefined ? { localNetworks: plan.localNetworks } : {}),
  } as any);
  // Random models earn every warning there is; they are documented behaviour, not what is checked here.
  for (const id of Object.values(WarningIds)) {
    Annotations.of(stack).acknowledgeWarning(id, 'random models of the property tests');
  }
  let foreign:
    | { app: Application; service: Service; volume: Volume; secret: Secret; dataService: DataService }
    | undefined;
  const other = () => {
    if (!foreign) {
      const app = new Application(stack, 'Other', { name: 'other-application', ...(vpc ? { vpc } : {}) });
      foreign = {
        app,
        service: new Service(app, 'other-service', {
          image: Image.fromRegistry('nginx:1.27'),
          ports: [{ containerPort: 80 }],
          healthCheck: HealthCheck.http({ port: 80 }),
        }),
        volume: new Volume(app, 'other-volume'),
        secret: Secret.fromSecretName(app, 'OtherSecret', 'other/secret'),
        dataService: new Cache(app, 'other-cache', { engine: CacheEngine.redis('7.1') }),
      };
    }
    return foreign;
  };
  const volumes = plan.volumes.map(
    (v) =>
      new Volume(application, v.id, {
        ...(v.name !== undefined ? { name: v.name as string } : {}),
        ...(v.uid !== undefined ? { uid: v.uid as number } : {}),
        ...(v.gid !== undefined ? { gid: v.gid as number } : {}),
        ...(v.permissions !== undefined ? { permissions: v.permissions as string } : {}),
      }),
  );
  const secrets = plan.secrets.map((s) => {
    const options: any = {
      ...(s.localVariablePrefix !== undefined ? { localVariablePrefix: s.localVariablePrefix } : {}),
      ...(s.localVariable !== undefined ? { localVariable: s.localVariable } : {}),
    };
    return s.kind === 'imported'
      ? Secret.fromSecretName(application, s.id, s.secretName as string, options)
      : Secret.generate(application, s.id, {
          ...options,
          ...(s.length !== undefined ? { length: s.length } : {}),
        });
  });
  const dataServices = (plan.dataServices ?? []).map((d) => dataServiceOf(application, d));
  const resources: AwsResource[] = [];
  for (const r of plan.resources ?? []) resources.push(resourceOf(application, r, resources));
  const workloads: Workload[] = [];
  for (const w of plan.workloads) {
    const image = imageOf(stack, w);
    const secretRefs: Record<string, SecretReference> = {};
    for (const use of w.secrets) {
      const secret = use.secret === 'foreign' ? other().secret : secrets[use.secret];
      const options = use.localVariable !== undefined ? { localVariable: use.localVariable as string } : {};
      secretRefs[use.key as string] =
        use.field !== undefined ? secret.field(use.field as string, options) : secret.value(options);
    }
    const props: any = {
      ...(w.name !== undefined ? { name: w.name } : {}),
      image,
      ...(w.command !== undefined ? { command: w.command } : {}),
      ...(w.entrypoint !== undefined ? { entrypoint: w.entrypoint } : {}),
      ...(w.workingDirectory !== undefined ? { workingDirectory: w.workingDirectory } : {}),
      ...(w.user !== undefined ? { user: w.user } : {}),
      ...(w.allowRootUser !== undefined ? { allowRootUser: w.allowRootUser } : {}),
      ...(w.readOnlyRootFilesystem !== undefined ? { readOnlyRootFilesystem: w.readOnlyRootFilesystem } : {}),
      ...(w.writablePaths !== undefined ? { writablePaths: w.writablePaths } : {}),
      ...(w.hardeningReason !== undefined ? { hardeningReason: w.hardeningReason } : {}),
      ...(typeof w.settings === 'object' && w.settings !== null ? w.settings : {}),
      environment: {
        ...w.environment,
        ...Object.fromEntries(
          Object.entries(w.startVariables ?? {}).map(([k, d]) => [k, StartVariable.named(k, { default: d })]),
        ),
        ...Object.fromEntries((w.requiredStartVariables ?? []).map((k) => [k, StartVariable.named(k)])),
      },
      ...(w.bindMounts
        ? {
            bindMounts: w.bindMounts.map((b, j) => ({
              source: 'test/fixtures/mounts-variables/app/src',
              path: `/twinstack-bind-${j}`,
              readOnly: b.readOnly,
              ...(b.selinux !== undefined ? { selinux: b.selinux } : {}),
            })),
          }
        : {}),
      ...(w.environmentFiles !== undefined ? { environmentFiles: w.environmentFiles } : {}),
      ...(w.stopGracePeriodSeconds !== undefined
        ? { stopGracePeriod: Duration.seconds(w.stopGracePeriodSeconds) }
        : {}),
      secrets: secretRefs,
      ...(w.cpu !== undefined ? { cpu: w.cpu } : {}),
      ...(w.memoryMiB !== undefined ? { memoryMiB: w.memoryMiB } : {}),
      ...(w.arm64
        ? { cpuArchitecture: CpuArchitecture.ARM64 }
        : w.declareArchitecture
          ? { cpuArchitecture: CpuArchitecture.X86_64 }
          : {}),
      ...(w.restart !== undefined ? { restart: w.restart } : {}),
      dependsOn: w.dependsOn
        .filter(
          (d) => d.target === 'foreign' || (typeof d.target === 'number' && d.target < workloads.length),
        )
        .map((d) => {
          const target = d.target === 'foreign' ? other().service : workloads[d.target as number];
          if (d.condition === 'healthy') return Dependency.healthy(target as Service);
          if (d.condition === 'completed-successfully')
            return Dependency.completedSuccessfully(target as Job);
          return Dependency.started(target);
        }),
      mounts: w.mounts.map((m) => ({
        volume: m.volume === 'foreign' ? other().volume : volumes[m.volume],
        path: m.path,
        ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
      })),
    };
    if (w.kind === 'job') {
      workloads.push(new Job(application, w.id, props));
      continue;
    }
    const serviceProps = {
      ...props,
      ports: w.ports,
      ...(w.desiredCount !== undefined ? { desiredCount: w.desiredCount } : {}),
      ...(w.healthCheck ? { healthCheck: healthCheckOf(w.healthCheck) } : {}),
      ...(w.minHealthyPercent !== undefined ? { minHealthyPercent: w.minHealthyPercent } : {}),
      ...(w.maxHealthyPercent !== undefined ? { maxHealthyPercent: w.maxHealthyPercent } : {}),
      ...(w.healthCheckGracePeriodMs !== undefined
        ? { healthCheckGracePeriod: duration(w.healthCheckGracePeriodMs) }
        : {}),
    };
    const service = w.stateful
      ? new StatefulService(application, w.id, { ...serviceProps, data: w.stateful })
      : new Service(application, w.id, serviceProps);
    if (w.autoScale) service.autoScale(w.autoScale as any);
    workloads.push(service);
  }
  plan.workloads.forEach((w, i) => {
    for (const c of w.connections ?? []) {
      const dataService = c.dataService === 'foreign' ? other().dataService : dataServices[c.dataService];
      workloads[i].connectTo(dataService, {
        ...c.variables,
        ...(c.tls !== undefined ? { tls: c.tls } : {}),
      } as any);
    }
    for (const c of w.resourceConnections ?? []) {
      workloads[i].connectTo(resources[c.resource] as any, { access: c.access, ...c.variables } as any);
    }
  });
  // Dependencies on itself or on workloads declared later are added once those exist, with addDependency.
  plan.workloads.forEach((w, i) => {
    for (const d of w.dependsOn) {
      if (d.target === 'foreign' || (typeof d.target === 'number' && d.target < i)) continue;
      const target = d.target === 'self' ? workloads[i] : workloads[d.target];
      workloads[i].addDependency(
        d.condition === 'healthy'
          ? Dependency.healthy(target as Service)
          : d.condition === 'completed-successfully'
            ? Dependency.completedSuccessfully(target as Job)
            : Dependency.started(target),
      );
    }
  });
  for (const lb of plan.loadBalancers) {
    const loadBalancer = new LoadBalancer(application, lb.id, {
      ...(lb.name !== undefined ? { name: lb.name as string } : {}),
      ...(lb.httpPort !== undefined ? { httpPort: lb.httpPort as number } : {}),
      ...(lb.localPort !== undefined ? { localPort: lb.localPort as number } : {}),
      ...(lb.httpsPort !== undefined ? { httpsPort: lb.httpsPort as number } : {}),
      ...(lb.internetFacing !== undefined ? { internetFacing: lb.internetFacing } : {}),
      ...(lb.accessLogs !== undefined ? { accessLogs: lb.accessLogs } : {}),
      ...(lb.certificate
        ? {
            certificate: acm.Certificate.fromCertificateArn(
              stack,
              `${lb.id}Certificate`,
              'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
            ),
          }
        : {}),
    });
    for (const r of lb.routes) {
      const service = r.service === 'foreign' ? other().service : (workloads[r.service] as Service);
      loadBalancer.addRoute(r.id, {
        service,
        ...(r.port !== undefined ? { port: r.port } : {}),
        ...(r.pathPatterns !== undefined ? { pathPatterns: r.pathPatterns } : {}),
        ...(r.hostHeaders !== undefined ? { hostHeaders: r.hostHeaders } : {}),
        ...(r.httpHeaders !== undefined ? { httpHeaders: r.httpHeaders } : {}),
        ...(r.queryStrings !== undefined ? { queryStrings: r.queryStrings } : {}),
        ...(r.priority !== undefined ? { priority: r.priority } : {}),
        ...(r.healthCheckPath !== undefined ? { healthCheck: { path: r.healthCheckPath } } : {}),
      } as any);
    }
  }
  return { stack, application, workloads };
}

function dataServiceOf(application: Application, d: DataServicePlan): DataService {
  const common: any = {
    ...(d.name !== undefined ? { name: d.name } : {}),
    ...(d.hostPort !== undefined ? { hostPort: d.hostPort } : {}),
    ...(d.localVolumeName !== undefined ? { localVolumeName: d.localVolumeName } : {}),
  };
  const version = d.version as string;
  switch (d.kind) {
    case 'postgres':
    case 'mysql':
    case 'mariadb':
      return new Database(application, d.id, {
        ...common,
        engine: DatabaseEngine[d.kind](version),
        ...(d.aurora !== undefined ? { aurora: d.aurora } : {}),
      });
    case 'redis':
    case 'valkey':
      return new Cache(application, d.id, {
        ...common,
        engine: d.kind === 'redis' ? CacheEngine.redis(version) : CacheEngine.valkey(version),
        ...(d.localImage !== undefined ? { localImage: d.localImage } : {}),
      });
    case 'opensearch':
      return new SearchDomain(application, d.id, { ...common, engine: SearchEngine.openSearch(version) });
    case 'rabbitmq':
      return new MessageBroker(application, d.id, { ...common, engine: BrokerEngine.rabbitMq(version) });
    case 'mongodb':
      return new DocumentDatabase(application, d.id, { ...common, engine: DocumentEngine.mongo(version) });
  }
}

function resourceOf(application: Application, r: ResourcePlan, built: readonly AwsResource[]): AwsResource {
  const name = r.name !== undefined ? { name: r.name } : {};
  switch (r.kind) {
    case 'bucket':
      return new Bucket(application, r.id, {
        ...name,
        ...(r.accessLogs !== undefined
          ? { accessLogs: r.accessLogs, accessLogsReason: 'random models of the property tests' }
          : {}),
      } as any);
    case 'queue':
      return new Queue(application, r.id, {
        ...name,
        ...(r.fifo !== undefined ? { fifo: r.fifo } : {}),
        ...(r.contentBasedDeduplication !== undefined
          ? { contentBasedDeduplication: r.contentBasedDeduplication }
          : {}),
        ...(r.deadLetterQueue === false
          ? { deadLetterQueue: false, deadLetterQueueReason: 'random models of the property tests' }
          : {}),
      } as any);
    case 'topic':
      return new Topic(application, r.id, {
        ...name,
        ...(r.fifo !== undefined ? { fifo: r.fifo } : {}),
        ...(r.contentBasedDeduplication !== undefined
          ? { contentBasedDeduplication: r.contentBasedDeduplication }
          : {}),
        ...(r.subscriptions
          ? {
              subscriptions: r.subscriptions.map((s) => ({
                queue: built[s.queue],
                ...(s.rawMessageDelivery !== undefined ? { rawMessageDelivery: s.rawMessageDelivery } : {}),
                ...(s.filterPolicy !== undefined ? { filterPolicy: s.filterPolicy } : {}),
              })),
            }
          : {}),
      } as any);
    case 'table':
      return new Table(application, r.id, {
        ...name,
        partitionKey: r.partitionKey,
        ...(r.sortKey !== undefined ? { sortKey: r.sortKey } : {}),
        ...(r.timeToLiveAttribute !== undefined ? { timeToLiveAttribute: r.timeToLiveAttribute } : {}),
      } as any);
  }
}

function imageOf(stack: Stack, w: WorkloadPlan): Image {
  const image = w.image;
  switch (image.kind) {
    case 'registry':
      return Image.fromRegistry(image.reference as string);
    case 'directory':
      return Image.fromDirectory(image.directory as string, {
        ...(image.file !== undefined ? { file: image.file as string } : {}),
        ...(image.target !== undefined ? { target: image.target as string } : {}),
        ...(image.buildArgs !== undefined ? { buildArgs: image.buildArgs as Record<string, string> } : {}),
      });
    case 'ecr':
      return Image.fromEcrRepository(
        ecr.Repository.fromRepositoryName(stack, `${w.id}Repository`, image.repositoryName),
        image.tagOrDigest as string,
      );
  }
}
