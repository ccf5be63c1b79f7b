import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Application } from './application';
import { Dependency } from './dependency';
import { describeValue, invalid } from './errors';
import { checkFargateSize } from './model/fargate';
import { Image } from './model/image';
import { checkEnvName, checkName, checkNonEmptyString } from './model/names';
import type {
  ConnectionValue,
  CpuArchitectureName,
  ImageSpec,
  MountSpec,
  WorkloadKind,
  WorkloadSpec,
} from './model/spec';
import { ConnectionOptions, DataService } from './data-service';
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

/** Properties every workload (service or job) has. */
export interface WorkloadProps {
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
   * User (name or uid[:gid]) the process runs as.
   * @default - the image's USER, in both twins
   */
  readonly user?: string;
  /**
   * Plain environment variables. Never put a credential here: use `secrets`.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables whose values are secrets: injected by ECS from Secrets Manager in the cloud,
   * read from `.env` locally.
   * @default - none
   */
  readonly secrets?: Record<string, SecretReference>;
  /**
   * CPU units; with `memoryMiB` it must be a Fargate size. Cloud: task size (a job: its container's share of
   * the host task). Local: `deploy.resources.limits.cpus` (units / 1024).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory in MiB. Cloud: task size (a job: its container's hard limit). Local: `deploy.resources.limits.memory`.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * CPU architecture. Cloud: Fargate runtime platform (and the platform images are built for).
   * Local: compose `platform`.
   * @default CpuArchitecture.X86_64
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
}

/** Extra model fields only services have; jobs have the defaults. */
export interface WorkloadExtras {
  readonly ports: WorkloadSpec['ports'];
  readonly desiredCount: number;
  readonly healthCheck?: WorkloadSpec['healthCheck'];
  readonly deployment?: WorkloadSpec['deployment'];
  readonly autoScaling?: WorkloadSpec['autoScaling'];
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
  private readonly props: WorkloadProps;
  private readonly environment: Record<string, string> = {};
  private readonly secretRefs: Record<string, SecretReference> = {};
  private readonly dependencies: Dependency[] = [];
  private readonly mountList: Mount[] = [];
  private readonly connectionList: {
    dataService: DataService;
    variables: Record<string, ConnectionValue>;
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
    this._imageSpec = props.image._toSpec(path, this.application._ecrRegistry());
    checkStringList(path, 'command', props.command);
    checkStringList(path, 'entrypoint', props.entrypoint);
    if (props.workingDirectory !== undefined) {
      const dir = checkNonEmptyString(path, 'workingDirectory', props.workingDirectory);
      if (!dir.startsWith('/')) throw invalid(path, 'workingDirectory', dir, 'must be an absolute path');
    }
    if (props.user !== undefined) checkNonEmptyString(path, 'user', props.user);
    this.application._registerWorkload(this);
  }

  /** Applies the dependencies, mounts, environment and secrets given as props; called once the cloud twin exists. */
  protected initialise(): void {
    this.initialised = true;
    for (const [k, v] of Object.entries(this.props.environment ?? {})) this.addEnvironment(k, v);
    for (const [k, v] of Object.entries(this.props.secrets ?? {})) this.addSecret(k, v);
    for (const m of this.props.mounts ?? []) this.addMount(m);
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
   * Connects to a data service of the same application: the workload receives the values named in
   * `options` under those variable names in both twins (secrets stay secrets), may reach the service's port
   * in the cloud, and starts after it is healthy locally (after it exists in the cloud).
   */
  public connectTo(dataService: DataService, options: ConnectionOptions): void {
    const path = this.node.path;
    if (!(dataService instanceof DataService)) {
      throw invalid(
        path,
        'connectTo',
        dataService,
        'must be a data service (Database, Cache, SearchDomain, MessageBroker, DocumentDatabase)',
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
    for (const variable of Object.keys(variables)) {
      checkEnvName(path, 'connectTo', variable);
      if (this.hasVariable(variable))
        throw invalid(path, 'connectTo', variable, 'is already set on this workload');
    }
    this.connectionList.push({ dataService, variables });
    this.onConnection(dataService, variables);
    const initJob = dataService._initJob;
    if (initJob && initJob !== this && !this.dependencies.some((d) => d.target === initJob)) {
      this.addDependency(Dependency.completedSuccessfully(initJob as Job));
    }
  }

  /** The data services this workload is connected to, with the variables it receives. */
  public get connections(): readonly {
    readonly dataService: DataService;
    readonly variables: Readonly<Record<string, ConnectionValue>>;
  }[] {
    return this.connectionList.map((c) => ({ ...c }));
  }

  private hasVariable(key: string): boolean {
    return (
      Object.hasOwn(this.environment, key) ||
      Object.hasOwn(this.secretRefs, key) ||
      this.connectionList.some((c) => Object.hasOwn(c.variables, key))
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
    if (typeof mount.path !== 'string' || !/^\/[^\s:]*$/.test(mount.path) || mount.path === '/') {
      throw invalid(
        path,
        `mounts[${i}].path`,
        mount.path,
        'must be an absolute path inside the container, not "/" and without spaces or ":"',
      );
    }
    if (this.mountList.some((m) => m.path === mount.path)) {
      throw invalid(
        path,
        `mounts[${i}].path`,
        mount.path,
        'is already a mount point of this workload; mount each path once',
      );
    }
    this.mountList.push(mount);
    this.onMount(mount);
  }

  /** Starts this workload after another workload of the same application. */
  public addDependency(dependency: Dependency): void {
    const path = this.node.path;
    const prop = `dependsOn[${this.dependencies.length}]`;
    if (!(dependency instanceof Dependency)) {
      throw invalid(path, prop, dependency, 'must be a Dependency, e.g. Dependency.healthy(api)');
    }
    const target = dependency.target;
    if (target.application !== this.application) {
      throw invalid(
        path,
        prop,
        target.node.path,
        `is part of application '${target.application.name}', not '${this.application.name}'; depend only on workloads of the same application`,
      );
    }
    if (this.dependencies.some((d) => d.target === target)) {
      throw invalid(
        path,
        prop,
        target.name,
        'is already a dependency of this workload; declare each dependency once',
      );
    }
    this.dependencies.push(dependency);
    this.onDependency(dependency);
  }

  /** The dependencies declared so far. */
  public get dependsOn(): readonly Dependency[] {
    return [...this.dependencies];
  }

  /** The mounts declared so far. */
  public get mounts(): readonly Mount[] {
    return [...this.mountList];
  }

  /** @internal */
  public get _environment(): Readonly<Record<string, string>> {
    return this.environment;
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
      environment: { ...this.environment },
      secrets: Object.fromEntries(Object.entries(this.secretRefs).map(([k, r]) => [k, r._toSpec()])),
      ports: extras.ports,
      cpu: this._cpu,
      memoryMiB: this._memoryMiB,
      desiredCount: extras.desiredCount,
      cpuArchitecture: this._cpuArchitecture,
      ...(extras.healthCheck ? { healthCheck: extras.healthCheck } : {}),
      ...(extras.deployment ? { deployment: extras.deployment } : {}),
      ...(extras.autoScaling ? { autoScaling: extras.autoScaling } : {}),
      dependsOn: this.dependencies.map((d) => ({ target: d.target.name, condition: d.condition })),
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
  protected abstract onMount(mount: Mount): void;
  protected abstract onDependency(dependency: Dependency): void;
  protected abstract onConnection(
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
  ): void;
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
