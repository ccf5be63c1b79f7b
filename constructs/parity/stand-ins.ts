import { awsStandIns } from './aws-resources';

/**
 * Every way the two twins may differ on purpose, in one place. The parity check reports a difference as a
 * stand-in only when it is one of these kinds and the model (or the renderers' documented mapping)
 * declares it; any other difference is an error.
 */
export const STAND_IN_KINDS = {
  'load-balancer': {
    cloud: 'Application Load Balancer, one listener rule per route',
    local: 'reverse-proxy service (nginx) generated from the same routes',
  },
  'listener-port': {
    cloud: 'listener ports of the load balancer (HTTPS with an HTTP redirect when a certificate is given)',
    local: 'the proxy published on the model’s localPort, plain HTTP',
  },
  'task-count': {
    cloud: 'desiredCount tasks (and autoscaling)',
    local: 'one container',
  },
  'health-check-adjustment': {
    cloud: 'health-check timing moved into the range ECS accepts (see ecsHealthCheck)',
    local: 'the declared timing',
  },
  'host-port': {
    cloud: 'container port not published (routes reach it)',
    local: 'published on the developer’s machine (the model’s hostPort)',
  },
  volume: {
    cloud: 'EFS file system and access point',
    local: 'named volume',
  },
  'writable-path': {
    cloud: 'a Fargate task storage volume (empty at each task start) at the writable path',
    local: 'a tmpfs at the same path (empty at each container start)',
  },
  'bind-mount': {
    cloud: 'nothing mounted: the image’s own files at the path (Fargate cannot mount host paths)',
    local: 'the host directory or file, bind-mounted (edits are live)',
  },
  development: {
    cloud: 'nothing: the image `cdk deploy` built runs as it is',
    local: 'compose develop.watch: changed files synced into the container, rebuilt or restarted',
  },
  'start-variable': {
    cloud: 'the value found at synth time: stage setting, CDK context value or the default',
    local: '${VAR:-default} (or ${VAR:?...} when required), interpolated when compose starts',
  },
  'environment-file': {
    cloud: 'ECS environmentFiles: the file as an S3 asset',
    local: 'compose env_file: the same file, relative to the compose file',
  },
  secret: {
    cloud: 'ECS secret from Secrets Manager',
    local: '${VAR} read from .env',
  },
  'job-placement': {
    cloud: 'a non-essential container in every task of each dependent service',
    local: 'its own compose service that runs once',
  },
  'job-without-dependents': {
    cloud: 'absent: no service task to run in (warning twinstack:job-without-dependents)',
    local: 'its own compose service that runs once',
  },
  'build-stage': {
    cloud: 'the image built from the stage the model names as `target`',
    local: 'the image built from the stage the model names as `localTarget` (e.g. development tooling)',
  },
  'managed-service': {
    cloud: 'a managed AWS service declared by the model (database, cache, broker)',
    local: 'a container standing in for it',
  },
  profile: {
    cloud: 'an optional part (workload profile): included only when the stage enables the profile',
    local: 'a compose profile, started on request (--profile, COMPOSE_PROFILES)',
  },
  'optional-dependency': {
    cloud: 'no ordering: the optional target is not part of this stage',
    local: 'depends_on with required: false',
  },
  'dependency-restart': {
    cloud: 'no equivalent: ECS does not restart dependents',
    local: 'depends_on with restart: true',
  },
  'deployment-job': {
    cloud: 'its own ECS task, run by a custom resource during each deployment that changes it',
    local: 'a compose service that runs on every up',
  },
  'scheduled-job': {
    cloud: 'its own ECS task, run by an EventBridge Scheduler schedule',
    local: "a compose service in profile 'jobs', run with docker compose run",
  },
  'config-file': {
    cloud: 'written by a helper container into a task volume mounted at the file’s directory',
    local: 'an inline compose config mounted at the file’s path',
  },
  'build-platforms': {
    cloud: 'the image built for the platform the tasks run on',
    local: 'a multi-platform build (build.platforms)',
  },
  'restart-policy': {
    cloud: 'no restart policy: ECS replaces a stopped service task, and runs a job once per task',
    local: 'the compose restart the workload declares (on-failure, no)',
  },
  'default-platform': {
    cloud: 'the Fargate runtime platform of the default cpuArchitecture (X86_64)',
    local: 'no compose platform: the machine’s own (the workload declares no cpuArchitecture)',
  },
  'aws-resource': {
    cloud:
      'an S3 bucket, SQS queue, SNS topic (with its queue subscriptions) or DynamoDB table created by CloudFormation (physical name generated), reached through the SDK’s own endpoints with the task role’s grants',
    local:
      'a bucket, queue, topic (with its subscriptions) or table of the same model name on an S3-, SQS-, SNS- or DynamoDB-compatible stand-in, created by an init job, reached through AWS_ENDPOINT_URL_<SERVICE> with stand-in credentials from .env (no IAM, no encryption, no versioning)',
  },
  'default-resources': {
    cloud: 'the default Fargate size (256 CPU units, 512 MiB) and container memory limit',
    local:
      'no deploy.resources.limits: the workload declares no cpu or memoryMiB, so Docker does not limit it',
  },
  'shared-memory': {
    cloud: 'Fargate’s own /dev/shm (a Fargate task cannot size it)',
    local: 'compose shm_size: the model’s sharedMemoryMiB',
  },
  hostname: {
    cloud: 'the task’s own host name (awsvpc has no hostname setting)',
    local: 'compose hostname: the model’s hostname',
  },
  'extra-hosts': {
    cloud: 'no extra /etc/hosts entries (awsvpc has none; warning twinstack:extra-hosts-local-only)',
    local: 'compose extra_hosts: the model’s extraHosts',
  },
  'udp-port': {
    cloud:
      'a UDP port mapping without a Service Connect name (Service Connect carries TCP only; warning twinstack:udp-port)',
    local: 'a UDP port other services reach as <name>:<port> on the compose network',
  },
  'container-image': {
    cloud: 'an ecs.ContainerImage given to Image.fromContainerImage',
    local: 'the image given as its `local`',
  },
  'shared-network': {
    cloud:
      'a security-group rule per declared connection: each client reaches its target, never another client',
    local:
      'one network per target, which its clients share (a client could reach another’s ports there); with localNetworks single, one network for all',
  },
} as const;

/** A kind of declared stand-in. */
export type StandInKind = keyof typeof STAND_IN_KINDS;

/** Whether `kind` is one of STAND_IN_KINDS. */
export function isStandInKind(kind: string): kind is StandInKind {
  return Object.prototype.hasOwnProperty.call(STAND_IN_KINDS, kind);
}

/**
 * A part of the model that runs as a managed service in the cloud and as a container locally, as the model
 * declares it: an entry of `dataServices` (`cloud` describes the managed service, `local.image` the
 * container). Read structurally so the parity check follows any model entry of that shape.
 */
export interface ManagedStandIn {
  readonly name: string;
  /** What runs in the cloud, for the report. */
  readonly cloud: string;
  /** What runs locally, for the report. */
  readonly local: string;
  /** The kind of stand-in it is. @default 'managed-service' */
  readonly kind?: StandInKind;
}

interface DataServiceLike {
  readonly name?: unknown;
  readonly cloud?: unknown;
  readonly local?: { readonly image?: unknown; readonly volumeName?: unknown };
}

interface WorkloadConnectionsLike {
  readonly name?: unknown;
  readonly connections?: readonly { readonly target?: unknown; readonly variables?: unknown }[];
}

/** The managed stand-ins an application model declares, by name. */
export function managedStandIns(spec: unknown): Map<string, ManagedStandIn> {
  const found = new Map<string, ManagedStandIn>();
  const entries = (spec as { dataServices?: readonly DataServiceLike[] } | undefined)?.dataServices ?? [];
  for (const e of entries) {
    if (typeof e?.name !== 'string') continue;
    found.set(e.name, {
      name: e.name,
      cloud: typeof e.cloud === 'string' ? e.cloud : 'managed service',
      local: `${typeof e.local?.image === 'string' ? `container ${e.local.image}` : 'container'}${
        typeof e.local?.volumeName === 'string' ? `, data in volume ${e.local.volumeName}` : ''
      }`,
    });
  }
  for (const s of awsStandIns(spec)) found.set(s.name, s);
  return found;
}

/**
 * Environment variables a workload receives from a connection to a managed stand-in (its endpoint, port,
 * credentials): their values differ between the twins by design. Workload name -> variable -> data service.
 */
export function connectionVariables(spec: unknown): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const workloads = (spec as { workloads?: readonly WorkloadConnectionsLike[] } | undefined)?.workloads ?? [];
  for (const w of workloads) {
    if (typeof w?.name !== 'string') continue;
    for (const c of w.connections ?? []) {
      if (typeof c?.target !== 'string' || typeof c.variables !== 'object' || c.variables === null) continue;
      const vars = out.get(w.name) ?? new Map<string, string>();
      for (const v of Object.keys(c.variables)) vars.set(v, c.target);
      out.set(w.name, vars);
    }
  }
  return out;
}
