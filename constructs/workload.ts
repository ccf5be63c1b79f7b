import { Annotations, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Application } from './application';
import { checkDependencyTarget, Dependency } from './dependency';
import { describeValue, invalid, ValidationError } from './errors';
import { cloudTwinName, requiresOptionalPart } from './model/rules/dependencies';
import {
  dotSegments,
  hasDotSegment,
  mountPathProblem,
  mountPathTaken,
  normalMountPath,
  rootUserProblem,
  writablePathProblems,
} from './model/rules/workloads';
import { checkFargateSize } from './model/fargate';
import { Image } from './values/image';
import { BindMount, bindMountSpec } from './values/bind-mount';
import { DevelopmentOptions, developmentSpec } from './values/development';
import { configSource } from './values/config-source';
import { environmentFileSpecs } from './values/environment-file';
import { StartVariable } from './values/start-variable';
import { hiddenImagePaths } from './values/dockerfile-paths';
import { WarningIds } from './model/rules/problems';
import { checkContainerSettings, ContainerSettingsProps } from './values/container-settings';
import { checkEnvName, checkName, checkNonEmptyString } from './model/names';
import type {
  BindMountSpec,
  DevelopmentWatchSpec,
  EnvironmentFileSpec,
  StartVariableSpec,
  ConfigFileSpec,
  ContainerSettingsSpec,
  ConnectionTlsSpec,
  ConnectionUrlSpec,
  ConnectionValue,
  CpuArchitectureName,
  RestartPolicyName,
  ImageSpec,
  MountSpec,
  ResourceAccess,
  ResourceValue,
  WorkloadKind,
  WorkloadSpec,
} from './model/spec';
import { checkProfileName } from './model/profiles';
import { RESTART_POLICIES, restartRule } from './model/restart';
import { ConnectionOptions, DataService } from './data-service';
import { AwsResource } from './aws-resource';
import type { Bucket, BucketConnectionOptions } from './bucket';
import type { Queue, QueueConnectionOptions } from './queue';
import type { Table, TableConnectionOptions } from './table';
import type { Topic, TopicConnectionOptions } from './topic';
import type { Job } from './job';
import { SecretReference } from './secret';
import { Volume } from './volume';

/** CPU architecture of a workload's containers. */
export enum CpuArchitecture {
  /** Intel/AMD 64-bit: Fargate `X86_64`, compose `platform: linux/amd64`. */
  X86_64 = 'x86_64',
  /** ARM 64-bit (Graviton): Fargate `ARM64`, compose `platform: linux/arm64`. */
  ARM64 = 'arm64',
}

/** A volume mounted into a workload. */
export interface Mount {
  /** The volume, from the same application. */
  readonly volume: Volume;
  /** Absolute path inside the container. */
  readonly path: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A file written into the container, e.g. an init script or a server's configuration: given inline
 * (`content`) or read from a file of the developer's machine (`source`). Exactly one of the two.
 */
export interface ConfigFile {
  /** Absolute path of the file inside the container, e.g. `/docker-entrypoint-initdb.d/init-mongo.js`. */
  readonly path: string;
  /**
   * The file's text (at most 16 KiB).
   * @default - none: `source` gives the file
   */
  readonly content?: string;
  /**
   * A text file of the developer's machine, relative to the CDK app's directory, e.g. `./nginx.conf`
   * (at most 16 KiB of UTF-8). Local twin: a compose config with `file:`, so compose reads the file as it
   * is when the containers are created (docker-compose 1.29: the file mounted read-only). Cloud twin: its
   * text as read at synth, written like inline content. This is how a compose bind mount of a single
   * configuration file comes across in both twins.
   * @default - none: `content` gives the file
   */
  readonly source?: string;
}

/**
 * Properties every workload (service or job) has; the container settings (`ulimits`, `init`,
 * `capabilities`, ...) are those of ContainerSettingsProps.
 */
export interface WorkloadProps extends ContainerSettingsProps {
  /**
   * Name in both twins: the compose service name and the name other services reach it by.
   * @default - the construct id
   */
  readonly name?: string;
  /** The container image. */
  readonly image: Image;
  /**
   * Command (arguments to the entrypoint).
   * @default - the image's CMD, in both twins
   */
  readonly command?: string[];
  /**
   * Entrypoint.
   * @default - the image's ENTRYPOINT, in both twins
   */
  readonly entrypoint?: string[];
  /**
   * Working directory of the process.
   * @default - the image's WORKDIR, in both twins
   */
  readonly workingDirectory?: string;
  /**
   * User (name or uid[:gid]) the process runs as, in both twins (ECS `User`, compose `user`). Root (`root`,
   * `0`, `0:0`, `root:<group>`) is refused unless `allowRootUser` is set. Without it the container runs as
   * its image's USER, which the library cannot see, so the Control Tower control CT.ECS.PR.3 (a non-root
   * user) is acknowledged on the task definition naming this prop.
   * @default - the image's USER, in both twins
   */
  readonly user?: string;
  /**
   * Allow `user` to be root. Needs `hardeningReason`; CT.ECS.PR.3 is then acknowledged with that reason.
   * @default false
   */
  readonly allowRootUser?: boolean;
  /**
   * Whether the container's root filesystem is read-only, in both twins (ECS `ReadonlyRootFilesystem`,
   * compose `read_only`). The process writes only to `writablePaths`, mounted volumes and `/dev/shm`. `false`
   * needs `hardeningReason`; CT.ECS.PR.6 is then acknowledged on the task definition with that reason.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Paths the process may write although the root filesystem is read-only, e.g. `['/tmp']`. Cloud: a
   * Fargate task storage volume (non-persistent, empty at each task start, owned by root with mode 0755
   * unless the image declares the path as a `VOLUME`, whose content and owner ECS then copies). Local: a
   * `tmpfs` (empty at each container start). Absolute, each once, not a volume's mount point nor a config
   * file's directory.
   * @default - none
   */
  readonly writablePaths?: string[];
  /**
   * Why this workload runs with `readOnlyRootFilesystem: false` or `allowRootUser: true`: the reason the
   * Control Tower findings are acknowledged with. Required with either.
   * @default - none
   */
  readonly hardeningReason?: string;
  /**
   * Plain environment variables. Never put a credential here: use `secrets`. A value is a string, the same
   * in both twins, or a `StartVariable`, given when the application starts: locally compose interpolates it
   * (`${LOG_LEVEL:-info}`), the cloud twin gets the stage setting, CDK context value or default found at
   * synth time (see StartVariable).
   * @default - none
   */
  readonly environment?: Record<string, string | StartVariable>;
  /**
   * dotenv files (`NAME=value` lines) the container's environment is read from, relative to the CDK app's
   * directory, e.g. `['./app.env']`. Cloud: ECS `environmentFiles`, each an S3 asset
   * (`ecs.EnvironmentFile.fromAsset`). Local: compose `env_file`, relative to the compose file. The values
   * stay in the file, never in the template or the compose file. A variable may be defined once, in one
   * file or in `environment` (both twins would give `environment` precedence; the library refuses the
   * overlap instead).
   * @default - none
   */
  readonly environmentFiles?: string[];
  /**
   * Paths of the developer's machine mounted into the container by the local twin: a source directory
   * for live reload, a single configuration file. Local: compose `volumes` of `type: bind`. Cloud: none
   * (Fargate cannot mount host paths): the container has what its image has at that path, reported by the
   * parity check as the stand-in `bind-mount`; a mount that hides files the image puts there (its WORKDIR,
   * a COPY or ADD destination) is the warning `twinstack:bind-mount-hides-image-files`.
   * @default - none
   */
  readonly bindMounts?: BindMount[];
  /**
   * What the local twin does when files change while compose watches the workload (`docker compose
   * watch`, `docker compose up --watch`): copy paths of the build context into the running container,
   * rebuild on dependency manifests, copy and restart on configuration. Only for `Image.fromDirectory`.
   * `{}` infers every setting from the Dockerfile (its build context and COPY lines, see
   * DevelopmentOptions); each list given replaces the inferred one. Local: compose `develop.watch`.
   * Cloud: nothing (the image `cdk deploy` built), reported by the parity check as the stand-in
   * `development`. Source directories mounted instead of copied are `bindMounts`.
   * @default - no development settings: the local twin runs the image as built, in both twins
   */
  readonly development?: DevelopmentOptions | false;
  /**
   * Environment variables whose values are secrets: injected by ECS from Secrets Manager in the cloud,
   * read from `.env` locally.
   * @default - none
   */
  readonly secrets?: Record<string, SecretReference>;
  /**
   * CPU units; with `memoryMiB` it must be a Fargate size. Cloud: task size (a job: its container's share of
   * the host task). Local: `deploy.resources.limits.cpus` (units / 1024), written only when this prop is given.
   * @default - Cloud: 256. Local: no CPU limit (reported by the parity check as the stand-in
   * `default-resources`)
   */
  readonly cpu?: number;
  /**
   * Memory in MiB. Cloud: task size and the container's hard limit (ECS container `Memory`; a job in its
   * dependents' tasks: its container's hard limit only). Local: `deploy.resources.limits.memory`, written
   * only when this prop is given.
   * @default - Cloud: 512. Local: no memory limit (reported by the parity check as the stand-in
   * `default-resources`)
   */
  readonly memoryMiB?: number;
  /**
   * CPU architecture. Cloud: Fargate runtime platform (and the platform images are built for).
   * Local: compose `platform`, written only when this prop is given.
   * @default - Cloud: CpuArchitecture.X86_64. Local: no `platform`, so Docker runs the machine's own
   * (reported by the parity check as the stand-in `default-platform`)
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * Workloads this one starts after, each with a condition.
   * @default - none
   */
  readonly dependsOn?: Dependency[];
  /**
   * Volumes mounted into the container.
   * @default - none
   */
  readonly mounts?: Mount[];
  /**
   * Files written into the container from inline text, e.g. an init script. Local: compose `configs` with
   * inline `content`, mounted at `path`. Cloud: a small container writes them into a task volume mounted
   * read-only at the file's directory before this container starts (that directory then holds only the
   * given files).
   * @default - none
   */
  readonly configFiles?: ConfigFile[];
  /**
   * The optional part of the application this workload belongs to (a compose profile), e.g. `'mov'`.
   * Local: compose `profiles: [<profile>]`, started with `--profile <profile>` or `COMPOSE_PROFILES`.
   * Cloud: included only when the application's stage (or its `profiles`) enables the profile. Workloads
   * that need it declare the dependency `optional`, or belong to the same profile.
   * @default - always part of both twins
   */
  readonly profile?: string;
  /**
   * How the local twin restarts the container (compose `restart`), written as given: `'always'`,
   * `'unless-stopped'`, `'on-failure'` or `'no'`; a job takes `'no'` or `'on-failure'` (it runs to
   * completion). Local only: ECS has no such setting. It replaces a service's stopped task whatever this
   * says, and runs a job once per task; the parity check reports `'on-failure'` and `'no'` on a service,
   * and `'on-failure'` on a job, as the stand-in `restart-policy`.
   * @default - Local: 'unless-stopped' for a service, 'no' for a job. Cloud: ECS replaces a service's
   * stopped tasks; a job runs once per task
   */
  readonly restart?: RestartPolicy;
}

/** How the local twin restarts a workload's container (compose `restart`); see `WorkloadProps.restart`. */
export type RestartPolicy = RestartPolicyName;

/** Extra model fields only services have; jobs have the defaults. */
export interface WorkloadExtras {
  readonly ports: WorkloadSpec['ports'];
  readonly desiredCount: number;
  readonly healthCheck?: WorkloadSpec['healthCheck'];
  readonly deployment?: WorkloadSpec['deployment'];
  readonly autoScaling?: WorkloadSpec['autoScaling'];
  readonly run?: WorkloadSpec['run'];
  readonly stateful?: WorkloadSpec['stateful'];
}

/**
 * What services and jobs share: the container, its environment, dependencies and mounts, recorded once
 * in the model. Subclasses render the cloud twin; the compose renderer reads `toSpec()`.
 */
export abstract class Workload extends Construct {
  /** Name in both twins. */
  public readonly name: string;
  /** Service or job. */
  public readonly kind: WorkloadKind;
  /** The application this workload belongs to. */
  public readonly application: Application;
  /** @internal */
  public readonly _image: Image;
  /** @internal */
  public readonly _imageSpec: ImageSpec;
  /** @internal */
  public readonly _cpu: number;
  /** @internal */
  public readonly _memoryMiB: number;
  /** @internal */
  public readonly _cpuArchitecture: CpuArchitectureName;
  /** The declared local restart policy. @internal */
  public readonly _restart?: RestartPolicyName;
  /** Whether the props name the CPU architecture (the local twin then runs its platform). @internal */
  public readonly _cpuArchitectureDeclared: boolean;
  /** The optional part (compose profile) this workload belongs to, if any. */
  public readonly profile?: string;
  /**
   * Whether the cloud twin includes this workload: true unless it belongs to a profile the application's
   * stage does not enable. A workload left out has no AWS resources; its L2 properties throw.
   */
  public readonly isDeployed: boolean;
  /** @internal */
  public readonly _configFiles: readonly ConfigFileSpec[];
  /** @internal */
  public readonly _readOnlyRootFilesystem: boolean;
  /** @internal */
  public readonly _writablePaths: readonly string[];
  /** @internal */
  public readonly _hardeningReason?: string;
  /** The container settings the props declare. @internal */
  public readonly _containerSettings: ContainerSettingsSpec;
  private readonly props: WorkloadProps;
  private readonly environment: Record<string, string> = {};
  private readonly secretRefs: Record<string, SecretReference> = {};
  private readonly dependencies: Dependency[] = [];
  private readonly mountList: Mount[] = [];
  private readonly bindMountList: BindMountSpec[] = [];
  private readonly development?: { readonly watch: readonly DevelopmentWatchSpec[] };
  private readonly startVariableList: Record<string, { spec: StartVariableSpec; cloudValue?: string }> = {};
  /** @internal */
  public readonly _environmentFiles: readonly EnvironmentFileSpec[];
  private readonly connectionList: {
    dataService: DataService;
    variables: Record<string, ConnectionValue>;
    tls?: ConnectionTlsSpec;
    urls?: Record<string, ConnectionUrlSpec>;
  }[] = [];
  private readonly resourceList: {
    resource: AwsResource;
    access: ResourceAccess;
    variables: Record<string, ResourceValue>;
  }[] = [];
  private initialised = false;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, kind: WorkloadKind) {
    super(scope, id);
    const path = this.node.path;
    if (props === undefined || props === null || typeof props !== 'object') {
      throw invalid(path, 'props', props, 'must be an object with at least `image`');
    }
    this.application = Application.of(this);
    this.kind = kind;
    this.props = props;
    this.name = checkName(path, 'name', props.name ?? id);
    if (!(props.image instanceof Image)) {
      throw invalid(
        path,
        'image',
        props.image,
        'must be an Image, e.g. Image.fromRegistry("nginx:1.27") or Image.fromDirectory("./app")',
      );
    }
    this._image = props.image;
    this._cpu = props.cpu ?? 256;
    this._memoryMiB = props.memoryMiB ?? 512;
    checkFargateSize(path, this._cpu, this._memoryMiB);
    const arch = props.cpuArchitecture ?? CpuArchitecture.X86_64;
    if (arch !== CpuArchitecture.X86_64 && arch !== CpuArchitecture.ARM64) {
      throw invalid(
        path,
        'cpuArchitecture',
        arch,
        'is not supported; use CpuArchitecture.X86_64 or CpuArchitecture.ARM64',
      );
    }
    this._cpuArchitecture = arch;
    this._cpuArchitectureDeclared = props.cpuArchitecture !== undefined;
    this._imageSpec = this.lockImage(props.image._toSpec(path, this.application._ecrRegistry()));
    const platform = arch === CpuArchitecture.ARM64 ? 'linux/arm64' : 'linux/amd64';
    if (
      this._imageSpec.kind === 'directory' &&
      this._imageSpec.platforms &&
      !this._imageSpec.platforms.includes(platform)
    ) {
      throw invalid(
        path,
        'image.platforms',
        this._imageSpec.platforms,
        `does not include ${platform}, the platform of cpuArchitecture ${arch}; the cloud twin builds the image for it`,
      );
    }
    checkStringList(path, 'command', props.command);
    checkStringList(path, 'entrypoint', props.entrypoint);
    if (props.workingDirectory !== undefined) {
      const dir = checkNonEmptyString(path, 'workingDirectory', props.workingDirectory);
      if (!dir.startsWith('/')) throw invalid(path, 'workingDirectory', dir, 'must be an absolute path');
    }
    if (props.user !== undefined) checkNonEmptyString(path, 'user', props.user);
    if (props.profile !== undefined) this.profile = checkProfileName(path, 'profile', props.profile);
    if (props.restart !== undefined) {
      if (!RESTART_POLICIES[kind].includes(props.restart))
        throw invalid(path, 'restart', props.restart, restartRule(kind));
      this._restart = props.restart;
    }
    this.isDeployed = this.application.includesProfile(this.profile);
    this._configFiles = checkConfigFiles(path, props.configFiles);
    this._environmentFiles = environmentFileSpecs(path, props.environmentFiles);
    const hardening = checkHardening(path, props, this._configFiles);
    this._readOnlyRootFilesystem = hardening.readOnlyRootFilesystem;
    this._writablePaths = hardening.writablePaths;
    if (hardening.reason !== undefined) this._hardeningReason = hardening.reason;
    this._containerSettings = checkContainerSettings(path, props);
    this.development = developmentSpec(path, props.development, this._imageSpec);
    this.application._registerWorkload(this);
  }

  /** Applies the dependencies, mounts, environment and secrets given as props; called once the cloud twin exists. */
  protected initialise(): void {
    this.initialised = true;
    for (const [k, v] of Object.entries(this.props.environment ?? {})) {
      if (v instanceof StartVariable) this.addStartVariable(k, v);
      else this.addEnvironment(k, v);
    }
    for (const [k, v] of Object.entries(this.props.secrets ?? {})) this.addSecret(k, v);
    for (const m of this.props.mounts ?? []) this.addMount(m);
    if (this.props.bindMounts !== undefined && !Array.isArray(this.props.bindMounts))
      throw invalid(
        this.node.path,
        'bindMounts',
        this.props.bindMounts,
        'must be a list of { source, path }',
      );
    for (const m of this.props.bindMounts ?? []) this.addBindMount(m);
    for (const d of this.props.dependsOn ?? []) this.addDependency(d);
  }

  /** Adds a plain environment variable. */
  public addEnvironment(key: string, value: string): void {
    const path = this.node.path;
    checkEnvName(path, 'environment', key);
    if (typeof value !== 'string') {
      throw invalid(path, `environment.${key}`, value, 'must be a string');
    }
    if (Token.isUnresolved(value)) {
      throw invalid(
        path,
        `environment.${key}`,
        '(a token)',
        'must be known at synth time so both twins get the same value',
      );
    }
    if (this.hasVariable(key)) throw invalid(path, 'environment', key, 'is already set on this workload');
    this.environment[key] = value;
    this.onEnvironment(key, value);
  }

  /**
   * Adds an environment variable whose value is given when the application starts (see StartVariable):
   * locally interpolated by compose, in the cloud the value found at synth time.
   */
  public addStartVariable(key: string, variable: StartVariable): void {
    const path = this.node.path;
    checkEnvName(path, 'environment', key);
    if (!(variable instanceof StartVariable))
      throw invalid(
        path,
        `environment.${key}`,
        variable,
        "must be a StartVariable, e.g. StartVariable.named('LOG_LEVEL')",
      );
    if (this.hasVariable(key)) throw invalid(path, 'environment', key, 'is already set on this workload');
    const settings = this.application.stage?.settings as Readonly<Record<string, unknown>> | undefined;
    const resolved = variable._resolve(path, `environment.${key}`, {
      stageSetting: (name) => (settings && Object.hasOwn(settings, name) ? settings[name] : undefined),
      context: (name) => this.node.tryGetContext(name),
    });
    this.startVariableList[key] = resolved;
    if (resolved.cloudValue !== undefined) this.onEnvironment(key, resolved.cloudValue);
    else this.onParameterVariable(key, resolved.spec.parameterName!);
  }

  /**
   * Mounts a path of the developer's machine into the container, in the local twin only (see
   * `WorkloadProps.bindMounts`).
   */
  public addBindMount(mount: BindMount): void {
    const path = this.node.path;
    const prop = `bindMounts[${this.bindMountList.length}]`;
    const spec = bindMountSpec(path, prop, mount);
    const taken = [...this.mountList.map((m) => m.path), ...this.bindMountList.map((m) => m.path)].find(
      (p) => normalMountPath(p) === normalMountPath(spec.path),
    );
    if (taken !== undefined)
      throw new ValidationError(mountPathTaken(path, `${prop}.path`, spec.path, taken));
    const writable = writablePathProblems(path, this._writablePaths, {
      mounts: [...this.mountList.map((m) => m.path), ...this.bindMountList.map((m) => m.path), spec.path],
      configFiles: [],
    });
    if (writable.length > 0) throw new ValidationError(writable);
    if (this._configFiles.some((f) => normalMountPath(f.path) === normalMountPath(spec.path))) {
      throw invalid(
        path,
        `${prop}.path`,
        spec.path,
        'is a config file of this workload; mount each path once',
      );
    }
    this.bindMountList.push(spec);
    if (spec.sourceKind === 'directory' && this._imageSpec.kind === 'directory') {
      const hidden = hiddenImagePaths(this._imageSpec, spec.path);
      if (hidden.length > 0) {
        Annotations.of(this).addWarningV2(
          WarningIds.BIND_MOUNT_HIDES_IMAGE_FILES,
          `bind mount of ${mount.source} at ${spec.path} hides what the image puts there (${hidden.join(', ')}): the local twin runs the host's files at that path, the cloud twin the image's`,
        );
      }
    }
  }

  /** The bind mounts declared so far (local twin only), with their sources resolved. */
  public get bindMounts(): readonly BindMountSpec[] {
    return this.bindMountList.map((m) => ({ ...m }));
  }

  /** Adds an environment variable whose value is a secret. */
  public addSecret(key: string, reference: SecretReference): void {
    const path = this.node.path;
    checkEnvName(path, 'secrets', key);
    if (!(reference instanceof SecretReference)) {
      throw invalid(
        path,
        `secrets.${key}`,
        reference,
        "must be a secret reference, e.g. secret.field('password') or secret.value()",
      );
    }
    if (reference.secret.application !== this.application) {
      throw invalid(
        path,
        `secrets.${key}`,
        reference.secret.node.path,
        `belongs to another application; use a secret of '${this.application.name}'`,
      );
    }
    if (this.hasVariable(key)) throw invalid(path, 'secrets', key, 'is already set on this workload');
    this.secretRefs[key] = reference;
    this.onSecret(key, reference);
  }

  /**
   * Connects to a bucket of the same application: the workload may do exactly `options.access` with its
   * objects (IAM grants to its task role in the cloud) and receives the values named in `options` under those
   * variable names in both twins; locally also the stand-in's `AWS_ENDPOINT_URL_S3`, `AWS_REGION` and
   * credentials, and it starts after the bucket is created.
   */
  public connectTo(bucket: Bucket, options: BucketConnectionOptions): void;
  /**
   * Connects to a queue of the same application: the workload may do exactly `options.access` (send,
   * consume or both; IAM grants to its task role in the cloud) and receives the values named in `options`
   * under those variable names in both twins; locally also the stand-in's `AWS_ENDPOINT_URL_SQS`,
   * `AWS_REGION` and credentials, and it starts after the queue is created.
   */
  public connectTo(queue: Queue, options: QueueConnectionOptions): void;
  /**
   * Connects to a DynamoDB table of the same application: the workload may do exactly `options.access`
   * with its items (IAM grants to its task role in the cloud) and receives the values named in `options`
   * under those variable names in both twins; locally also the stand-in's `AWS_ENDPOINT_URL_DYNAMODB`,
   * `AWS_REGION` and credentials, and it starts after the table is created.
   */
  public connectTo(table: Table, options: TableConnectionOptions): void;
  /**
   * Connects to an SNS topic of the same application: the workload may publish to it (IAM grants to its
   * task role in the cloud) and receives the values named in `options` under those variable names in both
   * twins; locally also the stand-in's `AWS_ENDPOINT_URL_SNS`, `AWS_REGION` and credentials, and it starts
   * after the topic and its subscriptions are created.
   */
  public connectTo(topic: Topic, options: TopicConnectionOptions): void;
  /**
   * Connects to a data service of the same application: the workload receives the values named in
   * `options` under those variable names in both twins (secrets stay secrets), may reach the service's port
   * in the cloud, and starts after it is healthy locally (after it exists in the cloud).
   */
  public connectTo(dataService: DataService, options: ConnectionOptions): void;
  public connectTo(
    target: DataService | AwsResource,
    options:
      | ConnectionOptions
      | BucketConnectionOptions
      | QueueConnectionOptions
      | TableConnectionOptions
      | TopicConnectionOptions,
  ): void {
    if (target instanceof AwsResource) {
      this.connectToResource(target, options);
      return;
    }
    const dataService = target;
    options = options as ConnectionOptions;
    const path = this.node.path;
    if (!(dataService instanceof DataService)) {
      throw invalid(
        path,
        'connectTo',
        dataService,
        'must be a data service (Database, Cache, SearchDomain, MessageBroker, DocumentDatabase), a Bucket, a Queue, a Topic or a Table',
      );
    }
    if (dataService.application !== this.application) {
      throw invalid(
        path,
        'connectTo',
        dataService.node.path,
        `belongs to application '${dataService.application.name}', not '${this.application.name}'; connect only to data services of the same application`,
      );
    }
    if (this.connectionList.some((c) => c.dataService === dataService)) {
      throw invalid(
        path,
        'connectTo',
        dataService.name,
        'is already connected; give all variables in one connectTo call',
      );
    }
    const variables = dataService._connectionVariables(path, options ?? {});
    const tls = dataService._connectionTls(path, options ?? {});
    const urls = dataService._connectionUrls(path, options ?? {});
    const typed = Object.keys(urls).length > 0;
    for (const variable of Object.keys(variables)) {
      checkEnvName(path, 'connectTo', variable);
      if (this.hasVariable(variable))
        throw invalid(path, 'connectTo', variable, 'is already set on this workload');
    }
    if (tls) {
      checkEnvName(path, 'connectTo.tls', tls.variable);
      if (this.hasVariable(tls.variable) || Object.hasOwn(variables, tls.variable))
        throw invalid(path, 'connectTo.tls', tls.variable, 'is already set on this workload');
    }
    this.connectionList.push({
      dataService,
      variables,
      ...(tls ? { tls } : {}),
      ...(typed ? { urls } : {}),
    });
    this.onConnection(dataService, variables, urls);
    if (tls) this.onEnvironment(tls.variable, tls.cloud);
    const initJob = dataService._initJob;
    if (initJob && initJob !== this && !this.dependencies.some((d) => d.target === initJob)) {
      this.addDependency(Dependency.completedSuccessfully(initJob as Job));
    }
  }

  private connectToResource(resource: AwsResource, options: unknown): void {
    const path = this.node.path;
    if (resource.application !== this.application) {
      throw invalid(
        path,
        'connectTo',
        resource.node.path,
        `belongs to application '${resource.application.name}', not '${this.application.name}'; connect only to buckets and queues of the same application`,
      );
    }
    if (this.resourceList.some((c) => c.resource === resource)) {
      throw invalid(
        path,
        'connectTo',
        resource.name,
        'is already connected; give the access and all variables in one connectTo call',
      );
    }
    const { access, variables } = resource._connection(path, options);
    for (const variable of Object.keys(variables)) {
      checkEnvName(path, 'connectTo', variable);
      if (this.hasVariable(variable))
        throw invalid(path, 'connectTo', variable, 'is already set on this workload');
    }
    this.resourceList.push({ resource, access, variables });
    this.onResourceConnection(resource, access, variables);
  }

  /** The buckets and queues this workload is connected to, with its access and the variables it receives. */
  public get resourceConnections(): readonly {
    readonly resource: AwsResource;
    readonly access: ResourceAccess;
    readonly variables: Readonly<Record<string, ResourceValue>>;
  }[] {
    return this.resourceList.map((c) => ({ ...c }));
  }

  /** The data services this workload is connected to, with the variables it receives. */
  public get connections(): readonly {
    readonly dataService: DataService;
    readonly variables: Readonly<Record<string, ConnectionValue>>;
    /** The TLS flag the connection gives, with each twin's value. */
    readonly tls?: ConnectionTlsSpec;
    /** The URLs the connection gives with their own scheme, path or query: each twin's parts, by variable. */
    readonly urls?: Readonly<Record<string, ConnectionUrlSpec>>;
  }[] {
    return this.connectionList.map((c) => ({ ...c }));
  }

  private hasVariable(key: string): boolean {
    return (
      Object.hasOwn(this.environment, key) ||
      Object.hasOwn(this.secretRefs, key) ||
      Object.hasOwn(this.startVariableList, key) ||
      this._environmentFiles.some((f) => f.variables.includes(key)) ||
      this.connectionList.some((c) => Object.hasOwn(c.variables, key) || c.tls?.variable === key) ||
      this.resourceList.some((c) => Object.hasOwn(c.variables, key))
    );
  }

  /** Mounts a volume of the same application. */
  public addMount(mount: Mount): void {
    const path = this.node.path;
    const i = this.mountList.length;
    if (!mount || !(mount.volume instanceof Volume))
      throw invalid(path, `mounts[${i}].volume`, mount?.volume, 'must be a Volume');
    if (mount.volume.application !== this.application) {
      throw invalid(
        path,
        `mounts[${i}].volume`,
        mount.volume.node.path,
        `belongs to another application; use a volume of '${this.application.name}'`,
      );
    }
    const bad = mountPathProblem(path, `mounts[${i}].path`, mount.path);
    if (bad) throw new ValidationError(bad);
    if (mount.volume.profile !== undefined && mount.volume.profile !== this.profile) {
      throw invalid(
        path,
        `mounts[${i}].volume`,
        mount.volume.name,
        `belongs to profile '${mount.volume.profile}'; only workloads of that profile may mount it`,
      );
    }
    const taken = [...this.mountList, ...this.bindMountList].find(
      (m) => normalMountPath(m.path) === normalMountPath(mount.path),
    );
    if (taken) throw new ValidationError(mountPathTaken(path, `mounts[${i}].path`, mount.path, taken.path));
    const writable = writablePathProblems(path, this._writablePaths, {
      mounts: [...this.mountList.map((m) => m.path), mount.path],
      configFiles: [],
    });
    if (writable.length > 0) throw new ValidationError(writable);
    this.mountList.push(mount);
    this.onMount(mount);
  }

  /** Starts this workload after another workload, or a data service, of the same application. */
  public addDependency(dependency: Dependency): void {
    const path = this.node.path;
    const prop = `dependsOn[${this.dependencies.length}]`;
    if (!(dependency instanceof Dependency)) {
      throw invalid(path, prop, dependency, 'must be a Dependency, e.g. Dependency.healthy(api)');
    }
    const target = dependency.target;
    if (!(target instanceof Workload) && !(target instanceof DataService)) {
      throw invalid(path, prop, target, 'must be a Service, Job or data service (e.g. a Database)');
    }
    if (this.dependencies.some((d) => d.target === target)) {
      throw invalid(
        path,
        prop,
        target.name,
        'is already a dependency of this workload; declare each dependency once',
      );
    }
    if (!checkDependencyTarget(path, prop, this.application, dependency)) {
      this.checkWorkloadDependency(prop, target as Workload, dependency);
    }
    this.dependencies.push(dependency);
    this.onDependency(dependency);
  }

  private checkWorkloadDependency(prop: string, target: Workload, dependency: Dependency): void {
    const path = this.node.path;
    if (!dependency.optional && target.profile !== undefined && target.profile !== this.profile) {
      const stage = this.application.stage;
      const twin = cloudTwinName({ name: this.application.name, stage: stage?.name });
      throw new ValidationError(
        requiresOptionalPart(
          path,
          prop,
          { name: target.name, profile: target.profile },
          this.isDeployed && !target.isDeployed ? twin : undefined,
        ),
      );
    }
  }

  /** The dependencies declared so far. */
  public get dependsOn(): readonly Dependency[] {
    return [...this.dependencies];
  }

  /** The image spec pinned by the application's lock file, if it has one (see `ApplicationProps.lockFile`). */
  private lockImage(spec: ImageSpec): ImageSpec {
    const lock = this.application._imageLock();
    if (!lock) return spec;
    const result = lock.pin(spec);
    if (result.key !== undefined && !result.pinned) {
      Annotations.of(this).addWarningV2(
        'twinstack:image-not-locked',
        `image ${result.key} is not in the lock file ${lock.file}, so both twins use the tag as it is; run \`twinstack images --lock\` to pin it`,
      );
    }
    return result.spec;
  }

  /** The mounts declared so far. */
  public get mounts(): readonly Mount[] {
    return [...this.mountList];
  }

  /** @internal */
  public get _environment(): Readonly<Record<string, string>> {
    const start = Object.entries(this.startVariableList).flatMap(([k, v]) =>
      v.cloudValue === undefined ? [] : [[k, v.cloudValue]],
    );
    return start.length ? { ...this.environment, ...Object.fromEntries(start) } : this.environment;
  }

  /** Start-time variables the cloud twin reads from SSM parameters when a task starts, by key. @internal */
  public get _parameterVariables(): Readonly<Record<string, string>> {
    return Object.fromEntries(
      Object.entries(this.startVariableList).flatMap(([k, v]) =>
        v.spec.parameterName !== undefined ? [[k, v.spec.parameterName]] : [],
      ),
    );
  }

  /** @internal */
  public get _secrets(): Readonly<Record<string, SecretReference>> {
    return this.secretRefs;
  }

  /** The model of this workload. */
  public toSpec(): WorkloadSpec {
    const p = this.props;
    const extras = this.extras();
    return {
      kind: this.kind,
      name: this.name,
      path: this.node.path,
      image: this._imageSpec,
      ...(p.command ? { command: [...p.command] } : {}),
      ...(p.entrypoint ? { entrypoint: [...p.entrypoint] } : {}),
      ...(p.workingDirectory ? { workingDirectory: p.workingDirectory } : {}),
      ...(p.user ? { user: p.user } : {}),
      ...(p.allowRootUser === true ? { allowRootUser: true } : {}),
      readOnlyRootFilesystem: this._readOnlyRootFilesystem,
      ...(this._writablePaths.length ? { writablePaths: [...this._writablePaths] } : {}),
      environment: { ...this.environment },
      secrets: Object.fromEntries(Object.entries(this.secretRefs).map(([k, r]) => [k, r._toSpec()])),
      ports: extras.ports,
      cpu: this._cpu,
      memoryMiB: this._memoryMiB,
      resourcesDeclared: { cpu: p.cpu !== undefined, memoryMiB: p.memoryMiB !== undefined },
      ...this._containerSettings,
      desiredCount: extras.desiredCount,
      cpuArchitecture: this._cpuArchitecture,
      ...(this._cpuArchitectureDeclared
        ? { localPlatform: this._cpuArchitecture === 'arm64' ? 'linux/arm64' : 'linux/amd64' }
        : {}),
      ...(this._restart !== undefined ? { restart: this._restart } : {}),
      ...(extras.healthCheck ? { healthCheck: extras.healthCheck } : {}),
      ...(extras.deployment ? { deployment: extras.deployment } : {}),
      ...(extras.autoScaling ? { autoScaling: extras.autoScaling } : {}),
      dependsOn: this.dependencies.map((d) => ({
        target: d.target.name,
        condition: d.condition,
        ...(d.optional ? { optional: true } : {}),
        ...(d.restart ? { restart: true } : {}),
      })),
      mounts: this.mountList.map((m): MountSpec => ({
        volume: m.volume.name,
        path: m.path,
        readOnly: m.readOnly ?? false,
      })),
      ...(this.connectionList.length
        ? {
            connections: this.connectionList.map((c) => ({
              target: c.dataService.name,
              variables: { ...c.variables },
              ...(c.tls ? { tls: { ...c.tls } } : {}),
              ...(c.urls ? { urls: structuredClone(c.urls) } : {}),
            })),
          }
        : {}),
      ...(this.profile !== undefined ? { profile: this.profile } : {}),
      ...(extras.run ? { run: extras.run } : {}),
      ...(extras.stateful ? { stateful: extras.stateful } : {}),
      ...(this._configFiles.length ? { configFiles: this._configFiles.map((f) => ({ ...f })) } : {}),
      ...(this.resourceList.length
        ? {
            resourceConnections: this.resourceList.map((c) => ({
              target: c.resource.name,
              kind: c.resource.kind,
              access: c.access,
              variables: { ...c.variables },
            })),
          }
        : {}),
      ...(this.bindMountList.length ? { bindMounts: this.bindMountList.map((m) => ({ ...m })) } : {}),
      ...(this.development ? { development: structuredClone(this.development) } : {}),
      ...(Object.keys(this.startVariableList).length
        ? {
            startVariables: Object.fromEntries(
              Object.entries(this.startVariableList).map(([k, v]) => [k, { ...v.spec }]),
            ),
          }
        : {}),
      ...(this._environmentFiles.length
        ? {
            environmentFiles: this._environmentFiles.map((f) => ({
              file: f.file,
              variables: [...f.variables],
            })),
          }
        : {}),
    };
  }

  /** Whether `initialise()` has run (hooks fire for props only after the cloud twin exists). */
  protected get isInitialised(): boolean {
    return this.initialised;
  }

  protected abstract extras(): WorkloadExtras;
  protected abstract onEnvironment(key: string, value: string): void;
  protected abstract onSecret(key: string, reference: SecretReference): void;
  /** A start-time variable the cloud twin reads from the SSM parameter `parameterName`. */
  protected abstract onParameterVariable(key: string, parameterName: string): void;
  protected abstract onMount(mount: Mount): void;
  protected abstract onDependency(dependency: Dependency): void;
  protected abstract onConnection(
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
    urls: Readonly<Record<string, ConnectionUrlSpec>>,
  ): void;
  protected abstract onResourceConnection(
    resource: AwsResource,
    access: ResourceAccess,
    variables: Readonly<Record<string, ResourceValue>>,
  ): void;
}

const FILE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** The hardening props, checked: read-only root (default), writable paths, the user, and the reason. */
function checkHardening(
  path: string,
  props: WorkloadProps,
  configFiles: readonly ConfigFileSpec[],
): { readOnlyRootFilesystem: boolean; writablePaths: string[]; reason?: string } {
  const readOnly = props.readOnlyRootFilesystem ?? true;
  if (typeof readOnly !== 'boolean')
    throw invalid(path, 'readOnlyRootFilesystem', readOnly, 'must be true or false');
  if (props.allowRootUser !== undefined && typeof props.allowRootUser !== 'boolean')
    throw invalid(path, 'allowRootUser', props.allowRootUser, 'must be true or false');
  const paths = props.writablePaths ?? [];
  if (!Array.isArray(paths))
    throw invalid(path, 'writablePaths', paths, "must be a list of absolute paths, e.g. ['/tmp']");
  const problems = writablePathProblems(path, paths, {
    mounts: (props.mounts ?? []).map((m) => m?.path).filter((p): p is string => typeof p === 'string'),
    configFiles: configFiles.map((f) => f.path),
  });
  if (problems.length > 0) throw new ValidationError(problems);
  const root = rootUserProblem(path, props.user, props.allowRootUser);
  if (root) throw new ValidationError(root);
  let reason: string | undefined;
  if (props.hardeningReason !== undefined) {
    reason = checkNonEmptyString(path, 'hardeningReason', props.hardeningReason);
    if (Token.isUnresolved(reason))
      throw invalid(path, 'hardeningReason', '(a token)', 'must be plain text known at synth time');
  }
  const optOut = !readOnly ? 'readOnlyRootFilesystem' : props.allowRootUser ? 'allowRootUser' : undefined;
  if (optOut !== undefined && reason === undefined) {
    throw invalid(
      path,
      'hardeningReason',
      undefined,
      `is required with ${optOut}: ${optOut === 'allowRootUser' ? 'true' : 'false'}; say why the workload needs it (the Control Tower finding is acknowledged with it)`,
    );
  }
  return {
    readOnlyRootFilesystem: readOnly,
    writablePaths: [...(paths as string[])],
    ...(reason ? { reason } : {}),
  };
}

function checkConfigFiles(path: string, files: unknown): ConfigFileSpec[] {
  if (files === undefined) return [];
  if (!Array.isArray(files)) throw invalid(path, 'configFiles', files, 'must be a list of { path, content }');
  const seen = new Set<string>();
  return files.map((f, i) => {
    const prop = `configFiles[${i}]`;
    const file = (f ?? {}) as Partial<ConfigFile>;
    if (typeof file.path !== 'string' || !FILE_PATH.test(file.path) || file.path.split('/').length < 3) {
      throw invalid(
        path,
        `${prop}.path`,
        file.path,
        'must be an absolute file path below a directory (not directly in "/"), of letters, digits, ".", "_" and "-"',
      );
    }
    if (hasDotSegment(file.path)) throw new ValidationError(dotSegments(path, `${prop}.path`, file.path));
    if (seen.has(file.path))
      throw invalid(path, `${prop}.path`, file.path, 'is given twice; give each file once');
    seen.add(file.path);
    if ((file.content === undefined) === (file.source === undefined)) {
      throw invalid(
        path,
        prop,
        file.content === undefined ? 'neither content nor source' : 'both content and source',
        "must give exactly one of content (the text) and source (a file relative to the CDK app, e.g. './nginx.conf')",
      );
    }
    const source = file.source === undefined ? undefined : configSource(path, `${prop}.source`, file.source);
    const content = source?.content ?? file.content;
    if (typeof content !== 'string' || Token.isUnresolved(content)) {
      throw invalid(path, `${prop}.content`, content, 'must be a plain string known at synth time');
    }
    if (Buffer.byteLength(content) > 16384) {
      throw invalid(
        path,
        source ? `${prop}.source` : `${prop}.content`,
        `${Buffer.byteLength(content)} bytes`,
        'is larger than 16 KiB; the cloud twin carries it in the task definition',
      );
    }
    return { path: file.path, content, ...(source ? { source: source.file } : {}) };
  });
}

function checkStringList(path: string, prop: string, list: unknown): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string')) {
    throw invalid(path, prop, list, 'must be a non-empty list of strings (exec form)');
  }
  if (list.some((a) => Token.isUnresolved(a))) {
    throw invalid(
      path,
      prop,
      describeValue(list),
      'must be known at synth time so both twins run the same command',
    );
  }
}
