/**
 * What `twinstack import` makes of a compose project, as plain data: one entry per construct the generated
 * stack declares, in the order it declares them, with the props it gives. The mapper (map-compose.ts)
 * builds it from a LoadedCompose; the code generator (generate.ts) writes it as TypeScript; nothing in it
 * is TypeScript text, so each part can be tested alone.
 */
export interface ImportPlan {
  /** The generated class: `<Name>Stack`. */
  readonly className: string;
  /** The application's name in both twins (the compose project's name). */
  readonly applicationName: string;
  /** The compose files read, as given, for the header comment. */
  readonly files: readonly string[];
  readonly volumes: readonly PlanVolume[];
  readonly secrets: readonly PlanSecret[];
  readonly dataServices: readonly PlanDataService[];
  /** In declaration order: every workload comes after those its props name (dependencies). */
  readonly workloads: readonly PlanWorkload[];
  /** Connections to data services, made once every workload exists. */
  readonly connections: readonly PlanConnection[];
  /** Notes for the header comment: decisions that concern the whole application. */
  readonly notes: readonly string[];
}

/** A Volume construct. */
export interface PlanVolume {
  /** Construct id and variable name stem. */
  readonly id: string;
  /** The compose volume's name (the construct's `name`). */
  readonly name: string;
  readonly comment?: string;
}

/** A Secret construct: generated for a data service's password, or read from a secret created beforehand. */
export interface PlanSecret {
  readonly id: string;
  readonly kind: 'generated' | 'imported';
  /** For an imported secret: its name in Secrets Manager. */
  readonly secretName?: string;
  /** The variable the local twin reads it from (`.env`), when not the default. */
  readonly localVariable?: string;
  readonly comment?: string;
}

/** The engines the importer maps to managed constructs, with the construct and engine factory each uses. */
export type DataServiceEngine =
  'postgres' | 'mysql' | 'mariadb' | 'redis' | 'valkey' | 'opensearch' | 'rabbitmq' | 'mongo';

/** A managed data service (Database, Cache, SearchDomain, MessageBroker, DocumentDatabase). */
export interface PlanDataService {
  /** Construct id: the compose service's name. */
  readonly id: string;
  readonly engine: DataServiceEngine;
  /** Engine version as the engine factory takes it (e.g. `16`, `7.1`). */
  readonly version: string;
  /** Databases: the database the application uses (`POSTGRES_DB`, `MYSQL_DATABASE`, ...). */
  readonly databaseName?: string;
  /** Databases: the user the application connects as (`POSTGRES_USER`, ...). */
  readonly username?: string;
  /** The compose volume the original kept its data in: the local stand-in keeps using it. */
  readonly localVolumeName?: string;
  /** The host port the original published. */
  readonly hostPort?: number;
  /** Caches: the original's image, when it is an official variant the construct accepts. */
  readonly localImage?: string;
  readonly comment?: string;
}

/** A value of an environment variable. */
export type PlanValue =
  | { readonly kind: 'literal'; readonly value: string }
  | {
      /** A start-time variable: `${NAME:-default}` in compose. */
      readonly kind: 'start';
      readonly variable: string;
      readonly default?: string;
    };

/** A Service, Job or StatefulService. */
export interface PlanWorkload {
  readonly construct: 'Service' | 'Job' | 'StatefulService';
  /** Construct id: the compose service's name. */
  readonly id: string;
  readonly image:
    | { readonly kind: 'registry'; readonly reference: string }
    | {
        readonly kind: 'directory';
        /** Relative to the generated file's directory, as `Image.fromDirectory` takes it. */
        readonly directory: string;
        readonly file?: string;
        readonly target?: string;
        readonly buildArgs?: Readonly<Record<string, string>>;
      };
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  /** The original runs as root: `allowRootUser` with a reason. */
  readonly allowRootUser?: boolean;
  /** The original's root filesystem is writable (no `read_only: true`). */
  readonly writableRoot?: boolean;
  readonly writablePaths?: readonly string[];
  readonly environment: Readonly<Record<string, PlanValue>>;
  /** Secrets by variable: a PlanSecret's id, and a JSON field of it. */
  readonly secrets: Readonly<Record<string, { readonly secret: string; readonly field?: string }>>;
  /** Relative to the generated file's directory. */
  readonly environmentFiles?: readonly string[];
  readonly ports: readonly {
    readonly containerPort: number;
    readonly hostPort?: number;
    readonly protocol?: 'udp';
  }[];
  readonly healthCheck?: PlanHealthCheck;
  readonly dependsOn: readonly {
    readonly target: string;
    readonly condition: 'started' | 'healthy' | 'completed-successfully';
    /** The target may be left out (a profile that is not enabled): `{ optional: true }`. */
    readonly optional?: boolean;
  }[];
  readonly mounts: readonly { readonly volume: string; readonly path: string; readonly readOnly?: boolean }[];
  readonly bindMounts: readonly {
    readonly source: string;
    readonly path: string;
    readonly readOnly?: boolean;
    readonly selinux?: 'shared' | 'private';
  }[];
  /**
   * What the local twin does when files change (compose `develop.watch`), paths relative to the build
   * context; every list given, so that nothing is inferred beyond what the original watched.
   */
  readonly development?: {
    readonly sync: readonly {
      readonly path: string;
      readonly target: string;
      readonly ignore?: readonly string[];
    }[];
    readonly rebuild: readonly string[];
    readonly restart: readonly { readonly path: string; readonly target: string }[];
  };
  /** Single configuration files the original bind-mounted read-only: the file in both twins. */
  readonly configFiles: readonly { readonly path: string; readonly source: string }[];
  readonly restart?: 'always' | 'unless-stopped' | 'on-failure' | 'no';
  readonly profile?: string;
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly cpuArchitecture?: 'arm64' | 'x86_64';
  readonly desiredCount?: number;
  /** StatefulService: where it keeps its data, and the compose volume that keeps it. */
  readonly stateful?: { readonly path: string; readonly volumeName: string };
  readonly settings: {
    readonly ulimits?: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
    readonly init?: boolean;
    readonly stopGracePeriodSeconds?: number;
    readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
    readonly labels?: Readonly<Record<string, string>>;
    readonly sharedMemoryMiB?: number;
    readonly hostname?: string;
    readonly extraHosts?: Readonly<Record<string, string>>;
  };
  /** Comments above the construct: the decisions made for it. */
  readonly comments: readonly string[];
}

/** A health check: the test as compose runs it, with its timings (compose's defaults made explicit). */
export interface PlanHealthCheck {
  readonly kind: 'command' | 'shell';
  /** `command`: the words (`CMD`); `shell`: one script (`CMD-SHELL`). */
  readonly command?: readonly string[];
  readonly script?: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** `workload.connectTo(dataService, options)`: the variables the workload receives, by connection value. */
export interface PlanConnection {
  readonly workload: string;
  readonly dataService: string;
  readonly variables: Readonly<
    Partial<Record<'host' | 'port' | 'database' | 'username' | 'password', string>>
  >;
  /** Typed URLs: each variable with the scheme and path its client expects. */
  readonly urls?: readonly { readonly variable: string; readonly scheme?: string; readonly path?: string }[];
  /** The variable of a TLS flag (`true` in the cloud, `false` locally). */
  readonly tls?: string;
}
