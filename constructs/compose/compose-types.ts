/** The part of the Compose Specification twinstack writes. Field names are the specification's own. */

export interface ComposeBuild {
  readonly context: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly args?: Readonly<Record<string, string>>;
  /** Platforms of a multi-platform build. */
  readonly platforms?: readonly string[];
}

export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period?: string;
  readonly start_interval?: string;
}

export type ComposeDependsOnCondition =
  'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeDependsOn {
  readonly condition: ComposeDependsOnCondition;
  /** Restart this service when the dependency restarts. */
  readonly restart?: boolean;
  /** `false`: start without the dependency when it is not part of the project (e.g. its profile is off). */
  readonly required?: boolean;
}

export interface ComposeVolumeMount {
  readonly type: 'volume';
  readonly source: string;
  readonly target: string;
  readonly read_only?: boolean;
}

/** A host path mounted into a service (long syntax), relative to the compose file. */
export interface ComposeBindVolume {
  readonly type: 'bind';
  readonly source: string;
  readonly target: string;
  readonly read_only?: boolean;
  /** SELinux relabelling: `z` shared, `Z` private. */
  readonly bind?: { readonly selinux: 'z' | 'Z' };
}

/** One rule of `develop.watch`: what compose does when the watched path changes. */
export interface ComposeWatch {
  readonly action: 'sync' | 'rebuild' | 'sync+restart';
  /** Path relative to the compose file. */
  readonly path: string;
  /** Path in the container (sync actions). */
  readonly target?: string;
  /** Patterns relative to `path` whose changes are not acted on. */
  readonly ignore?: readonly string[];
}

export interface ComposeService {
  /** Profiles the service belongs to; without one it always starts. */
  readonly profiles?: readonly string[];
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly platform?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly working_dir?: string;
  readonly user?: string;
  /** The container's root filesystem is read-only. */
  readonly read_only?: boolean;
  /** Paths mounted as temporary file systems (empty at each start). */
  readonly tmpfs?: readonly string[];
  /** Run an init process as PID 1. */
  readonly init?: boolean;
  readonly cap_add?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly ulimits?: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  /** Size of /dev/shm, e.g. `256m`. */
  readonly shm_size?: string;
  readonly hostname?: string;
  /** More /etc/hosts entries, `name:address`. */
  readonly extra_hosts?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Time between SIGTERM and SIGKILL, e.g. `30s`. */
  readonly stop_grace_period?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly expose?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly depends_on?: Readonly<Record<string, ComposeDependsOn>>;
  readonly volumes?: readonly (ComposeVolumeMount | ComposeBindVolume)[];
  /** dotenv files the environment is read from, relative to the compose file. */
  readonly env_file?: readonly string[];
  readonly configs?: readonly { readonly source: string; readonly target: string }[];
  /** Networks the service joins, with more host names it answers to there. */
  readonly networks?: Readonly<Record<string, { readonly aliases?: readonly string[] }>>;
  readonly restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** What `docker compose watch` does when files of the build context change. */
  readonly develop?: { readonly watch: readonly ComposeWatch[] };
  readonly deploy?: {
    /** Each limit only when the workload declares it. */
    readonly resources: { readonly limits: { readonly cpus?: string; readonly memory?: string } };
  };
}

/** A network of the project. */
export interface ComposeNetwork {
  /** No route out of the engine: its members reach each other only. */
  readonly internal?: boolean;
}

export interface ComposeDocument {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks?: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes?: Readonly<Record<string, Record<string, never>>>;
  /** Top-level configs: inline `content`, or a `file` relative to the compose file. */
  readonly configs?: Readonly<Record<string, { readonly content: string } | { readonly file: string }>>;
}
