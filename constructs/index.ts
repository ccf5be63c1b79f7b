// The public API of twinstack, chosen by name: what a module exports for the library's own use is not
// part of it unless it is listed here.

// Errors.
export { ValidationError } from './errors';
export type { ValidationProblem } from './errors';
export { ParityError } from './parity/parity-error';

// Constructs and their props.
export { Application } from './application';
export type { ApplicationProps, LocalTwinFiles } from './application';
export { CpuArchitecture, Workload } from './workload';
export type { ConfigFile, Mount, RestartPolicy, WorkloadProps } from './workload';
export { Service } from './service';
export type { AutoScalingOptions, MetricScalingOptions, PortOptions, ServiceProps } from './service';
export { StatefulService } from './stateful-service';
export type { StatefulData, StatefulServiceProps } from './stateful-service';
export { Job } from './job';
export type { JobProps } from './job';
export type { JobTask } from './aws/job-task';
export type { JobRunner } from './aws/job-runner';
export { Volume } from './volume';
export type { VolumeProps } from './volume';
export { Secret, SecretReference } from './secret';
export type { GeneratedSecretOptions, SecretOptions, SecretReferenceOptions } from './secret';
export { Dependency } from './dependency';
export type { DependencyOptions, DependencyTarget } from './dependency';
export { DEFAULT_LOCAL_PROXY_IMAGE, LoadBalancer } from './load-balancer';
export type { LoadBalancerProps } from './load-balancer';
export { Route } from './route';
export type { RouteOptions, RouteProps, TargetHealthCheckOptions } from './route';
export { MAX_CONDITION_VALUES } from './model/route-conditions';
export type { RouteConditions } from './model/route-conditions';
export { DataService } from './data-service';
export type {
  ConnectionOptions,
  ConnectionUrl,
  DataServiceProps,
  PerTwin,
  TlsFlag,
  TwinValues,
  UrlQueryParameter,
} from './data-service';
export { Database, DatabaseEngine } from './database';
export type { DatabaseEngineKind } from './database';
export type { DatabaseProps } from './database';
export { Cache, CacheEngine } from './cache';
export type { CacheProps } from './cache';
export { SearchDomain, SearchEngine } from './search-domain';
export type { SearchDomainProps } from './search-domain';
export { MessageBroker, BrokerEngine } from './message-broker';
export type { MessageBrokerProps } from './message-broker';
export { DocumentDatabase, DocumentEngine } from './document-database';
export type { DocumentDatabaseProps } from './document-database';
export { AwsResource } from './aws-resource';
export type { AwsResourceProps } from './aws-resource';
export { Bucket } from './bucket';
export type { BucketAccess, BucketConnectionOptions, BucketProps } from './bucket';
export { Queue } from './queue';
export type { DeadLetterQueueOptions, QueueAccess, QueueConnectionOptions, QueueProps } from './queue';
export { Topic } from './topic';
export type { TopicAccess, TopicConnectionOptions, TopicProps, TopicSubscription } from './topic';
export { Table } from './table';
export type {
  GlobalSecondaryIndexOptions,
  TableAccess,
  TableAttribute,
  TableConnectionOptions,
  TableProps,
} from './table';
export { DeploymentStage, Stages } from './stages';
export type {
  SettingsOf,
  SettingTypes,
  StageOptions,
  StageSettings,
  StagesProps,
  StageStackProps,
} from './stages';

// Value classes.
export { HealthCheck, MAX_START_PERIOD_SECONDS } from './values/health-check';
export type {
  HealthCheckOptions,
  HttpHealthCheckOptions,
  TcpHealthCheckOptions,
} from './values/health-check';
export { EcrImage, Image } from './values/image';
export { StartVariable } from './values/start-variable';
export type { StartVariableOptions } from './values/start-variable';
export type { BindMount } from './values/bind-mount';
export type { DevelopmentOptions, DevelopmentRestart, DevelopmentSync } from './values/development';
export type { ContainerImageOptions, DirectoryImageOptions, RegistryImageOptions } from './values/image';
export { JobRun, MAX_DEPLOYMENT_JOB_SECONDS } from './values/job-run';
export type { DeploymentRunOptions } from './values/job-run';
export { JobSchedule } from './values/job-schedule';
export { LogEncryption } from './values/log-encryption';
export type { CronScheduleOptions } from './values/job-schedule';
export { BUILT_IN_SETTINGS } from './values/settings';
export type { SettingValue, SettingValues } from './values/settings';
export { DEFAULT_LOCK_FILE, LOCK_FILE_CONTEXT } from './model/image-lock';
export type { ImageLockEntry, ImageLockFile } from './model/image-lock';

// The model both twins are rendered from, and its rules.
export type * from './model/spec';
export { validateModel, WarningIds } from './model/validate';
export type { ModelReport, ModelWarning } from './model/validate';
export { modelFromJson, modelToJson, MODEL_FILE_VERSION } from './model/model-file';
export { LOCAL_NETWORKS_MODES } from './model/local-networks';
export type { LocalNetworksMode } from './model/local-networks';

// The local twin's renderer.
export type * from './compose/compose-types';
export {
  composeToYaml,
  renderEnvExample,
  renderLocalTwin,
  renderLocalTwinFiles,
} from './compose/compose-renderer';
export type {
  ComposeRenderOptions,
  LocalTwin,
  LocalTwinTexts,
  LocalVariable,
} from './compose/compose-renderer';
export { COMPOSE_COMPATIBILITIES, forDockerCompose129 } from './compose/compatibility';
export type {
  ComposeBindMount,
  ComposeCompatibility,
  DockerCompose129Document,
  DockerCompose129Service,
  DockerCompose129Twin,
} from './compose/compatibility';
export { renderNginxConfig } from './compose/proxy-config';
export type { ProxyConfigOptions } from './compose/proxy-config';

// The parity check.
export { checkParity } from './parity/check-parity';
export type {
  ParityDifference,
  ParityEntry,
  ParityKind,
  ParityOptions,
  ParityReport,
} from './parity/check-parity';
export { formatParityReport } from './parity/format-report';
export type { FormatParityReportOptions } from './parity/format-report';
export { STAND_IN_KINDS } from './parity/stand-ins';
export type { StandInKind } from './parity/stand-ins';
export { PARITY_CONTEXT_KEY } from './synthesis/parity-on-synth';
export type {
  Capability,
  CapabilityOptions,
  ContainerSettingsProps,
  UlimitKind,
  UlimitOptions,
} from './values/container-settings';
export { LINUX_CAPABILITIES, ULIMIT_NAMES } from './model/container-settings';
