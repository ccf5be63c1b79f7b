/**
 * The application model: plain, validated, JSON-serialisable data. Both renderers read these specs and
 * nothing else; no CDK token ever appears in them. Every default is applied once, when a construct records
 * its spec, so a renderer never invents a value of its own.
 */

import type { ContainerSettingsSpec } from './container-settings';
import type { LocalNetworksMode } from './local-networks';

export type {
  ContainerSettingsSpec,
  LinuxCapabilityName,
  UlimitName,
  UlimitSpec,
} from './container-settings';

/** When a dependent may start, relative to the workload it depends on. */
export type DependencyConditionName = 'started' | 'healthy' | 'completed-successfully';

/**
 * Protocol spoken on a container port; used for Service Connect metrics and by the local proxy. `udp` is
 * the one datagram transport: an ECS port mapping of protocol UDP, which Service Connect does not carry.
 */
export type PortProtocol = 'tcp' | 'http' | 'http2' | 'grpc' | 'udp';

/**
 * How the local twin restarts a workload's container (compose `restart`). ECS has its own rule: a
 * service's stopped task is replaced, a job runs once per task.
 */
export type RestartPolicyName = 'always' | 'unless-stopped' | 'on-failure' | 'no';

/** CPU architecture of the containers. */
export type CpuArchitectureName = 'x86_64' | 'arm64';

export interface PortSpec {
  /** Name of the port mapping (unique within the workload); Service Connect uses it. */
  readonly name: string;
  readonly containerPort: number;
  /** Published on the developer's machine only; never in the cloud. */
  readonly hostPort?: number;
  readonly protocol: PortProtocol;
}

export type ProbeSpec =
  | { readonly kind: 'command'; readonly command: readonly string[] }
  | { readonly kind: 'shell'; readonly script: string }
  | { readonly kind: 'http'; readonly port: number; readonly path: string }
  | { readonly kind: 'tcp'; readonly port: number };

export interface HealthCheckSpec {
  /** What the probe checks; the HTTP form is kept so load balancers can derive their own check from it. */
  readonly probe: ProbeSpec;
  /** The exact test both twins run, in Docker form (`CMD ...` or `CMD-SHELL ...`). */
  readonly test: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
  /** Time between probes during the start period (compose `start_interval`); ECS has no equivalent. */
  readonly startIntervalSeconds?: number;
}

export type ImageSpec =
  | {
      readonly kind: 'directory';
      /** Absolute path of the build context. */
      readonly directory: string;
      /** Dockerfile, relative to the context. */
      readonly file: string;
      readonly target?: string;
      /** Build stage of the local twin when it differs from `target`. */
      readonly localTarget?: string;
      readonly buildArgs: Readonly<Record<string, string>>;
      /**
       * Platforms the local twin builds the image for (compose `build.platforms`); the cloud twin builds
       * the one its tasks run on. Absent: only the workload's own platform.
       */
      readonly platforms?: readonly string[];
      /** The cloud twin runs another image, described here (Image.fromContainerImage); locally this build. */
      readonly cloudImage?: string;
    }
  | {
      readonly kind: 'registry';
      readonly reference: string;
      /** The tag the lock file resolved to the digest `reference` now names. */
      readonly lockedTag?: string;
      /** Pulled with registry credentials in the cloud (ECS repositoryCredentials); locally `docker login`. */
      readonly credentials?: boolean;
      /** The cloud twin runs another image, described here (Image.fromContainerImage); locally `reference`. */
      readonly cloudImage?: string;
    }
  | {
      readonly kind: 'ecr';
      readonly repositoryName: string;
      readonly tag?: string;
      readonly digest?: string;
      /** The tag the lock file resolved to `digest`. */
      readonly lockedTag?: string;
      /** Registry host when the account and region are known at synth time. */
      readonly registry?: string;
    };

export interface SecretReferenceSpec {
  /** Name of the secret in the model. */
  readonly secret: string;
  /** JSON key inside the secret value; absent for the whole value. */
  readonly field?: string;
  /** Variable the local twin reads from `.env`. */
  readonly localVariable: string;
}

export interface SecretSpec {
  readonly name: string;
  readonly source:
    | { readonly kind: 'imported'; readonly secretName: string }
    | { readonly kind: 'generated'; readonly length: number; readonly excludePunctuation: boolean }
    | { readonly kind: 'managed'; readonly service: string };
  readonly description?: string;
}

export interface MountSpec {
  readonly volume: string;
  readonly path: string;
  readonly readOnly: boolean;
}

export interface DependencySpec {
  readonly target: string;
  readonly condition: DependencyConditionName;
  /**
   * The dependent starts without the target when the target is not part of the running twin (an optional
   * part that is disabled): compose `required: false`; in the cloud no ordering when the target's profile
   * is off in the stage.
   */
  readonly optional?: boolean;
  /** Restart the dependent when the target restarts (compose `restart: true`); local only. */
  readonly restart?: boolean;
}

export type WorkloadKind = 'service' | 'job';

/**
 * When a job runs. `dependents`: inside the tasks of the services that wait for it (before their main
 * container), locally once per `up`; `deployment`: once per deployment as its own ECS task, before the
 * workloads that wait for it roll out; `schedule`: on a schedule (EventBridge Scheduler), locally on demand
 * with `docker compose run` (compose profile `jobs`).
 */
export type JobRunSpec =
  | { readonly kind: 'dependents' }
  | {
      readonly kind: 'deployment';
      /** Longest time the deployment waits for the task to finish. */
      readonly timeoutSeconds: number;
      /** A value whose change runs the job again although nothing else changed. */
      readonly trigger?: string;
    }
  | {
      readonly kind: 'schedule';
      /** EventBridge Scheduler expression: `cron(...)` or `rate(...)`. */
      readonly expression: string;
      /** IANA time zone of a cron expression. */
      readonly timeZone?: string;
    };

/** A file written into a workload's container from inline content. */
export interface ConfigFileSpec {
  /** Absolute path of the file inside the container. */
  readonly path: string;
  /** The text, as given or as read from `source` at synth. */
  readonly content: string;
  /** Absolute path of the developer's file the text was read from, when it was given as a file. */
  readonly source?: string;
}

/** Scaling on a metric the user gives (e.g. the depth of the queue a worker reads). */
export interface MetricScalingSpec {
  /** The metric, for reports: `namespace/name` and its dimensions. */
  readonly metric: string;
  /** Target tracking: the value of the metric per task the service keeps. */
  readonly targetValue?: number;
  /** Step scaling: task-count changes by metric range. */
  readonly steps?: readonly { readonly lower?: number; readonly upper?: number; readonly change: number }[];
}

export interface WorkloadSpec extends ContainerSettingsSpec {
  readonly kind: WorkloadKind;
  /** Name in both twins: compose service name and Service Connect DNS name. */
  readonly name: string;
  /** Construct path, for messages. */
  readonly path: string;
  readonly image: ImageSpec;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly workingDirectory?: string;
  /** User (name or uid[:gid]) the process runs as; absent: the image's USER. */
  readonly user?: string;
  /** The workload chose to run as root (`user` root, 0 or 0:...); otherwise such a user is refused. */
  readonly allowRootUser?: boolean;
  /**
   * The container's root filesystem is read-only (compose `read_only`, ECS `ReadonlyRootFilesystem`). The
   * constructs always record it; a model written before it existed has none, and means writable.
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Paths the container may write although its root filesystem is read-only: Fargate task storage volumes
   * in the cloud, `tmpfs` locally. Both start empty with every task or container.
   */
  readonly writablePaths?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretReferenceSpec>>;
  readonly ports: readonly PortSpec[];
  readonly cpu: number;
  /** Memory in MiB: the task size (a hosted job: its share) and the container's hard limit, in both twins. */
  readonly memoryMiB: number;
  /**
   * Which of `cpu` and `memoryMiB` the workload declares: the local twin limits only those
   * (`deploy.resources.limits`), the cloud twin always has a Fargate size. Absent (a model written before
   * it existed): both, as the local twin limited both then.
   */
  readonly resourcesDeclared?: { readonly cpu: boolean; readonly memoryMiB: boolean };
  readonly desiredCount: number;
  readonly cpuArchitecture: CpuArchitectureName;
  /**
   * The compose `platform` of the local twin, when the workload declares its CPU architecture; absent, the
   * local twin runs the machine's own platform while the cloud twin runs `cpuArchitecture` (x86_64).
   */
  readonly localPlatform?: 'linux/amd64' | 'linux/arm64';
  /**
   * The compose `restart` the workload declares; absent, `unless-stopped` for a service and `no` for a job.
   */
  readonly restart?: RestartPolicyName;
  readonly healthCheck?: HealthCheckSpec;
  readonly dependsOn: readonly DependencySpec[];
  readonly mounts: readonly MountSpec[];
  /** How the cloud twin replaces tasks; the local twin runs one container and restarts it in place. */
  readonly deployment?: DeploymentSpec;
  /** Task-count scaling of the cloud twin; the local twin runs one container. */
  readonly autoScaling?: AutoScalingSpec;
  /** Data services this workload connects to, and the variables it receives from each. */
  readonly connections?: readonly ConnectionSpec[];
  /**
   * The optional part (compose profile) this workload belongs to: locally it starts only with the profile;
   * the cloud twin includes it only when the application's stage enables the profile.
   */
  readonly profile?: string;
  /** When a job runs; absent for services and for jobs that run inside their dependents' tasks. */
  readonly run?: JobRunSpec;
  /** Files written into the container from inline content. */
  readonly configFiles?: readonly ConfigFileSpec[];
  /** Application AWS resources (buckets, queues, topics, tables) this workload may use, and the variables naming them. */
  readonly resourceConnections?: readonly ResourceConnectionSpec[];
  /**
   * A self-hosted stateful service (StatefulService): one task whose deployments never overlap, its data
   * on a volume of its own mounted at `path`.
   */
  readonly stateful?: { readonly volume: string; readonly path: string };
  /** Host paths the local twin mounts into the container; the cloud twin has the image's files there. */
  readonly bindMounts?: readonly BindMountSpec[];
  /**
   * What the local twin does when files of the build context change while compose watches it (compose
   * `develop.watch`); the cloud twin has nothing of it. Only for an image built from a directory.
   */
  readonly development?: { readonly watch: readonly DevelopmentWatchSpec[] };
  /** Environment variables whose values are given when the application starts, by container variable. */
  readonly startVariables?: Readonly<Record<string, StartVariableSpec>>;
  /** dotenv files the container's environment is read from, absolute, in the order given. */
  readonly environmentFiles?: readonly EnvironmentFileSpec[];
}

/** A host path mounted into a container by the local twin (compose `type: bind`); none in the cloud. */
/** One rule of compose `develop.watch`. */
export interface DevelopmentWatchSpec {
  /** `sync`: copy into the container; `rebuild`: rebuild the image; `sync+restart`: copy, then restart. */
  readonly action: 'sync' | 'rebuild' | 'sync+restart';
  /** Absolute path of the watched file or directory, inside the build context. */
  readonly path: string;
  /** Absolute path in the container (sync actions). */
  readonly target?: string;
  /** Patterns relative to `path` (`.dockerignore` syntax) whose changes are not acted on. */
  readonly ignore?: readonly string[];
}

export interface BindMountSpec {
  /** Absolute path on the host (resolved from the CDK app's directory). */
  readonly source: string;
  /** Whether the source is a directory or a single file. */
  readonly sourceKind: 'directory' | 'file';
  /** Absolute path inside the container. */
  readonly path: string;
  readonly readOnly: boolean;
  /** SELinux relabelling: `shared` (`:z`) or `private` (`:Z`). */
  readonly selinux?: 'shared' | 'private';
}

/**
 * An environment variable whose value is given when the application starts: locally compose interpolates
 * `variable` from the shell or `.env`; the cloud twin gets the value found at synth time.
 */
export interface StartVariableSpec {
  /** The variable the value is read from when the local twin starts. */
  readonly variable: string;
  /** The value when none is given; absent: the variable is required. */
  readonly default?: string;
  /**
   * Where the cloud twin's value comes from: found at synth time (a stage setting, the CDK context, the
   * default), or read by ECS from an SSM parameter when each task starts.
   */
  readonly cloudSource: 'stage-setting' | 'context' | 'default' | 'ssm-parameter';
  /** The SSM Parameter Store parameter the cloud twin reads, with `cloudSource: 'ssm-parameter'`. */
  readonly parameterName?: string;
}

/** A dotenv file a container's environment is read from, in both twins. */
export interface EnvironmentFileSpec {
  /** Absolute path of the file. */
  readonly file: string;
  /** The variables it defines, by name, in file order (values are not kept in the model). */
  readonly variables: readonly string[];
}

export interface DeploymentSpec {
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  /** Time ECS ignores failing load-balancer health checks of a new task. */
  readonly healthCheckGracePeriodSeconds?: number;
}

export interface AutoScalingSpec {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly cpuUtilizationPercent?: number;
  readonly memoryUtilizationPercent?: number;
  /** Target of ALB requests per task per minute, over the service's routes. */
  readonly requestsPerTarget?: number;
  /** Scaling on a user-given CloudWatch metric, such as a queue's depth. */
  readonly metric?: MetricScalingSpec;
}

export interface VolumeSpec {
  readonly name: string;
  readonly path: string;
  /** Owner of the volume's root directory and identity of every NFS call when set. */
  readonly uid?: number;
  readonly gid?: number;
  /** Octal permissions of the root directory, e.g. `755`. */
  readonly permissions: string;
  /** The optional part (profile) the volume belongs to: the cloud twin has it only with that profile. */
  readonly profile?: string;
}

export interface ApplicationSpec {
  readonly name: string;
  readonly path: string;
  readonly workloads: readonly WorkloadSpec[];
  readonly volumes: readonly VolumeSpec[];
  readonly secrets: readonly SecretSpec[];
  readonly loadBalancers: readonly LoadBalancerSpec[];
  /** Managed data services with local stand-ins; absent in models written before they existed. */
  readonly dataServices?: readonly DataServiceSpec[];
  /**
   * The stage (environment) this model was rendered for, e.g. `dev`; the compose project and the Service
   * Connect namespace are then named `<name>-<stage>`.
   */
  readonly stage?: string;
  /** Optional parts (profiles) the cloud twin includes; every profile is in the local twin. */
  readonly profiles?: readonly string[];
  /**
   * Name of the existing Service Connect namespace the cloud twin's services register in, when it is not
   * the application's own and its name is known at synth time.
   */
  readonly namespace?: string;
  /** Application AWS resources (S3 buckets, SQS queues, SNS topics, DynamoDB tables); absent in models written before they existed. */
  readonly awsResources?: readonly AwsResourceSpec[];
  /**
   * The address the local twin's published ports listen on; absent means `127.0.0.1` (models written
   * before it existed published on every interface).
   */
  readonly localHostIp?: string;
  /**
   * How the local twin lays out its networks (see LocalNetworksMode); absent means `mirror-cloud`.
   */
  readonly localNetworks?: LocalNetworksMode;
}

/** The address published ports listen on locally unless the application chooses another. */
export const DEFAULT_LOCAL_HOST_IP = '127.0.0.1';

/** Conditions of a route; all given kinds must match (AND), any value within a kind may match (OR). */
export interface RouteConditionsSpec {
  /** URL path patterns, ALB syntax: case-sensitive, `*` any characters, `?` one character. */
  readonly pathPatterns: readonly string[];
  /** Host names, case-insensitive, `*` and `?` wildcards, without port. */
  readonly hostHeaders: readonly string[];
  /** Header name (case-insensitive) to accepted values (case-insensitive, wildcards). */
  readonly httpHeaders: Readonly<Record<string, readonly string[]>>;
  /** Query-string pairs; a pair without key matches any key. Case-insensitive, wildcards. */
  readonly queryStrings: readonly { readonly key?: string; readonly value: string }[];
}

export interface TargetHealthCheckSpec {
  readonly path: string;
  /** Container port probed. */
  readonly port: number;
  /** Success codes, ALB syntax: "200", "200-299" or "200,302". */
  readonly healthyHttpCodes: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface RouteSpec {
  /** Name of the route, unique within its load balancer. */
  readonly name: string;
  /** Construct path, for messages. */
  readonly path: string;
  /** The service traffic goes to. */
  readonly service: string;
  /** Container port of that service. */
  readonly port: number;
  readonly conditions: RouteConditionsSpec;
  /** Listener-rule priority; lower is evaluated first. Absent for the catch-all (the default action). */
  readonly priority?: number;
  readonly healthCheck: TargetHealthCheckSpec;
  readonly deregistrationDelaySeconds: number;
}

export interface LoadBalancerSpec {
  /** Name in both twins; locally the reverse-proxy service's name. */
  readonly name: string;
  readonly path: string;
  readonly internetFacing: boolean;
  /** Port of the HTTP listener (a redirect to HTTPS when `httpsPort` is set). */
  readonly httpPort: number;
  /** Port of the HTTPS listener, when a certificate is given. */
  readonly httpsPort?: number;
  /** Port the local proxy is published on. */
  readonly localPort: number;
  /** Image of the local proxy (nginx). */
  readonly localProxyImage: string;
  /** Routes in evaluation order: by priority, the catch-all last. */
  readonly routes: readonly RouteSpec[];
  /**
   * The routes are rules of an existing listener: its load balancer, ports and default action are not the
   * application's (locally the proxy answers what no route matches with 404).
   */
  readonly existingListener?: boolean;
}

/** Kinds of managed data services, each with a managed cloud service and a local container stand-in. */
export type DataServiceKind =
  'postgres' | 'mysql' | 'mariadb' | 'redis' | 'valkey' | 'opensearch' | 'rabbitmq' | 'mongodb';

/** A value a data service hands to the workloads that connect to it. */
export type ConnectionValue = 'host' | 'port' | 'database' | 'username' | 'password' | 'url';

export interface DataServiceSpec {
  /** Name in both twins: the local container's service name (and host name). */
  readonly name: string;
  readonly path: string;
  readonly kind: DataServiceKind;
  /** Engine version as declared, e.g. `16` or `8.0`. */
  readonly version: string;
  /** What runs in the cloud, e.g. `RDS PostgreSQL 16 (db.t4g.micro)`; for messages and reports. */
  readonly cloud: string;
  /** The local stand-in, rendered as a compose service. */
  readonly local: {
    readonly image: string;
    readonly port: number;
    readonly hostPort?: number;
    readonly command?: readonly string[];
    readonly environment: Readonly<Record<string, string>>;
    /** Environment variables the container reads from secrets (local `.env`). */
    readonly secrets: Readonly<Record<string, SecretReferenceSpec>>;
    readonly healthCheck: HealthCheckSpec;
    /** Path of the data directory, kept in a named volume: `volumeName`, or `<name>-data`. */
    readonly dataPath?: string;
    /** The named volume keeping the data, when the model declares one (`localVolumeName`). */
    readonly volumeName?: string;
  };
  /** Values connected workloads receive; secret values refer to secrets of the model. */
  readonly values: {
    readonly host: string;
    readonly port: number;
    readonly database?: string;
    readonly username?: string;
    readonly password?: SecretReferenceSpec;
    /** Scheme of connection URLs (`postgres`, `mysql`, `redis`, `rediss`, `https`, `amqps`, `mongodb`). */
    readonly scheme: string;
    /** Query string the local twin's connection URL ends with, without `?` (e.g. `authSource=admin`). */
    readonly urlQuery?: string;
  };
}

export interface ConnectionSpec {
  /** Name of the data service. */
  readonly target: string;
  /** Environment variable name to the value it receives. */
  readonly variables: Readonly<Record<string, ConnectionValue>>;
  /** A variable telling whether the connection is TLS, with its value in each twin (`connectTo`'s `tls`). */
  readonly tls?: ConnectionTlsSpec;
  /**
   * The URLs of `variables` the connection declares the parts of (`connectTo`'s typed `url`), by variable;
   * a `url` variable not listed has the data service's own URL.
   */
  readonly urls?: Readonly<Record<string, ConnectionUrlSpec>>;
}

/** A connection URL's declared parts in each twin. */
export interface ConnectionUrlSpec {
  readonly cloud: UrlPartsSpec;
  readonly local: UrlPartsSpec;
}

/**
 * The parts of a connection URL a connection declares, in one twin: `<scheme>://<credentials>@<host>:<port><path>[?<query>]`.
 * The credentials, host and port are the data service's.
 */
export interface UrlPartsSpec {
  /** RFC 3986 scheme, e.g. `postgresql+psycopg2`. */
  readonly scheme: string;
  /** Empty, or starting with `/`; without `?` or `#`. */
  readonly path: string;
  /** The encoded query string without `?`, e.g. `sslmode=require`; empty for none. */
  readonly query: string;
}

/** A TLS flag: a variable that is `cloud` where the connection is TLS (the cloud) and `local` where it is plain. */
export interface ConnectionTlsSpec {
  readonly variable: string;
  readonly cloud: string;
  readonly local: string;
}

/** Kinds of application AWS resources: called through an AWS SDK, a stand-in behind the same API locally. */
export type AwsResourceKind = 'bucket' | 'queue' | 'table' | 'topic';

/**
 * What a workload may do with a bucket or table (`read`, `write`, `readWrite`), a queue (`send`, `consume`,
 * `sendAndConsume`) or a topic (`publish`).
 */
export type ResourceAccess =
  'read' | 'write' | 'readWrite' | 'send' | 'consume' | 'sendAndConsume' | 'publish';

/** A value an AWS resource hands to the workloads that connect to it. */
export type ResourceValue =
  | 'bucketName'
  | 'bucketArn'
  | 'queueUrl'
  | 'queueArn'
  | 'queueName'
  | 'tableName'
  | 'tableArn'
  | 'topicArn'
  | 'topicName';

/** Type of a DynamoDB key attribute. */
export type TableAttributeType = 'string' | 'number' | 'binary';

/** A DynamoDB key attribute. */
export interface TableAttributeSpec {
  readonly name: string;
  readonly type: TableAttributeType;
}

export interface AwsResourceSpec {
  /** Name in the model; locally also the bucket's or queue's name on the stand-in (a FIFO queue's plus `.fifo`). */
  readonly name: string;
  readonly path: string;
  readonly kind: AwsResourceKind;
  /** What runs in the cloud, e.g. `S3 bucket (SSE-KMS, versioned, access logs)`; for messages and reports. */
  readonly cloud: string;
  /** The bucket's or queue's name on the local stand-in. */
  readonly localName: string;
  /** A bucket's settings. */
  readonly bucket?: {
    /** Days a noncurrent object version is kept in the cloud twin. */
    readonly noncurrentVersionDays: number;
    /** Server access logs in the cloud twin. */
    readonly accessLogs: boolean;
  };
  /** A queue's settings, the same in both twins. */
  readonly queue?: {
    readonly fifo: boolean;
    readonly contentBasedDeduplication: boolean;
    readonly visibilityTimeoutSeconds: number;
    readonly retentionSeconds: number;
    /** The dead-letter queue messages move to after `maxReceiveCount` receives. */
    readonly deadLetter?: {
      readonly localName: string;
      readonly maxReceiveCount: number;
      readonly retentionSeconds: number;
    };
  };
  /** A table's settings, the same in both twins. */
  readonly table?: {
    readonly partitionKey: TableAttributeSpec;
    readonly sortKey?: TableAttributeSpec;
    readonly globalSecondaryIndexes: readonly {
      readonly indexName: string;
      readonly partitionKey: TableAttributeSpec;
      readonly sortKey?: TableAttributeSpec;
    }[];
    readonly timeToLiveAttribute?: string;
    readonly stream: boolean;
  };
  /** A topic's settings and the queues subscribed to it, the same in both twins. */
  readonly topic?: {
    readonly fifo: boolean;
    readonly contentBasedDeduplication: boolean;
    readonly subscriptions: readonly TopicSubscriptionSpec[];
  };
}

/** A queue subscribed to a topic. */
export interface TopicSubscriptionSpec {
  /** Model name of the queue. */
  readonly queue: string;
  /** The message body as published, without SNS's JSON envelope. */
  readonly rawMessageDelivery: boolean;
  /** Message attribute name to the string values a message must have one of to be delivered. */
  readonly filterPolicy?: Readonly<Record<string, readonly string[]>>;
}

export interface ResourceConnectionSpec {
  /** Name of the bucket, queue, topic or table. */
  readonly target: string;
  /**
   * Kind of the target: names are unique per kind only (a topic and its queue may share one). Absent in
   * models written before topics existed, where the target is the resource of that name.
   */
  readonly kind?: AwsResourceKind;
  readonly access: ResourceAccess;
  /** Environment variable name to the value it receives. */
  readonly variables: Readonly<Record<string, ResourceValue>>;
}
