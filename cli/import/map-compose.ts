import * as fs from 'fs';
import * as path from 'path';
import type { PortConfig, VolumeMount } from './compose-values';
import type { LoadedCompose, ServiceDefinition } from './load-compose';
import type {
  DataServiceEngine,
  ImportPlan,
  PlanConnection,
  PlanDataService,
  PlanHealthCheck,
  PlanSecret,
  PlanValue,
  PlanVolume,
  PlanWorkload,
} from './plan';
import {
  FARGATE_MAX_NOFILE,
  HOST_NAME_PATTERN,
  LINUX_CAPABILITIES,
  ULIMIT_NAMES,
} from '../../constructs/model/container-settings';
import { FARGATE_SIZES } from '../../constructs/model/fargate';
import { camelCase } from './generate';
import { upperSnake } from '../../constructs/model/names';
import { FidelityEntry, specKey } from './report';

/** How a compose service is brought across: as a managed data service of an engine, or as a container. */
export type ManagedChoice = 'database' | 'cache' | 'search' | 'broker' | 'document' | 'container';

/** Options of the mapping. */
export interface MapComposeOptions {
  /** The generated class's name stem: `<name>Stack`. */
  readonly name: string;
  /** Per service, how to bring it across, overriding what its image suggests (`--managed`). */
  readonly managed?: Readonly<Record<string, ManagedChoice>>;
  /**
   * The directory the generated stack's paths are relative to: the CDK app's directory, where `cdk synth`
   * runs (build contexts, bind mounts, env files and config files are found from there).
   * @default - the current directory
   */
  readonly appDirectory?: string;
}

/** The plan of the generated stack and the fidelity of every key of the project. */
export interface MappedCompose {
  readonly plan: ImportPlan;
  readonly entries: FidelityEntry[];
}

/** Engines the importer knows by image, with the managed construct each maps to by default. */
const KNOWN_ENGINES: readonly {
  readonly engine: DataServiceEngine;
  readonly choice: ManagedChoice;
  readonly images: RegExp;
}[] = [
  { engine: 'postgres', choice: 'database', images: /^(library\/)?postgres$/ },
  { engine: 'mysql', choice: 'database', images: /^(library\/)?mysql$|^mysql\/mysql-server$/ },
  { engine: 'mariadb', choice: 'database', images: /^(library\/)?mariadb$/ },
  { engine: 'redis', choice: 'cache', images: /^(library\/)?redis$|^redis\/redis-stack-server$/ },
  { engine: 'valkey', choice: 'cache', images: /^valkey\/valkey$/ },
  {
    engine: 'opensearch',
    choice: 'search',
    images: /^opensearchproject\/opensearch$|^(library\/)?elasticsearch$|^elasticsearch\/elasticsearch$/,
  },
  { engine: 'rabbitmq', choice: 'broker', images: /^(library\/)?rabbitmq$/ },
  { engine: 'mongo', choice: 'document', images: /^(library\/)?mongo$/ },
];

/** The engine each `--managed` choice runs when the image names none the importer knows. */
const CHOICE_ENGINES: Readonly<Record<Exclude<ManagedChoice, 'container'>, readonly DataServiceEngine[]>> = {
  database: ['postgres', 'mysql', 'mariadb'],
  cache: ['redis', 'valkey'],
  search: ['opensearch'],
  broker: ['rabbitmq'],
  document: ['mongo'],
};

/** The version each engine gets when the image's tag names none (`latest`, or no tag). */
const DEFAULT_VERSIONS: Readonly<Record<DataServiceEngine, string>> = {
  postgres: '17',
  mysql: '8.4',
  mariadb: '11.4',
  redis: '7',
  valkey: '8',
  opensearch: '2.19',
  rabbitmq: '3.13',
  mongo: '8.0',
};

/** Images of self-hosted stores that keep their own data: a StatefulService when they have a volume. */
const STATEFUL_IMAGES =
  /(^|\/)(clickhouse(-server)?|minio|meilisearch|typesense|qdrant|weaviate|etcd|zookeeper|kafka|cp-kafka|cassandra|scylla|influxdb|nats|couchdb|neo4j|memcached|solr|seaweedfs|garage|questdb|timescaledb|cockroach)$/;

/** Environment names that hold credentials: a literal under one becomes a Secret. */
const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** The variables of each engine's official image that set its credentials and database. */
const CREDENTIAL_KEYS: Readonly<
  Record<DataServiceEngine, Partial<Record<'password' | 'username' | 'database', readonly string[]>>>
> = {
  postgres: { password: ['POSTGRES_PASSWORD'], username: ['POSTGRES_USER'], database: ['POSTGRES_DB'] },
  mysql: {
    password: ['MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    username: ['MYSQL_USER'],
    database: ['MYSQL_DATABASE'],
  },
  mariadb: {
    password: ['MARIADB_PASSWORD', 'MYSQL_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    username: ['MARIADB_USER', 'MYSQL_USER'],
    database: ['MARIADB_DATABASE', 'MYSQL_DATABASE'],
  },
  redis: { password: ['REDIS_PASSWORD'] },
  valkey: { password: ['VALKEY_PASSWORD', 'REDIS_PASSWORD'] },
  opensearch: { password: ['OPENSEARCH_INITIAL_ADMIN_PASSWORD', 'ELASTIC_PASSWORD'] },
  rabbitmq: { password: ['RABBITMQ_DEFAULT_PASS'], username: ['RABBITMQ_DEFAULT_USER'] },
  mongo: { password: ['MONGO_INITDB_ROOT_PASSWORD'], username: ['MONGO_INITDB_ROOT_USERNAME'] },
};

/** Default ports of each engine, as connections name them. */
const ENGINE_PORTS: Readonly<Record<DataServiceEngine, number>> = {
  postgres: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  valkey: 6379,
  opensearch: 9200,
  rabbitmq: 5672,
  mongo: 27017,
};

/** The URL scheme each engine's own connection URL has (a typed URL is needed for another). */
const ENGINE_SCHEMES: Readonly<Record<DataServiceEngine, readonly string[]>> = {
  postgres: ['postgres'],
  mysql: ['mysql'],
  mariadb: ['mysql'],
  // Redis and Valkey URLs are rediss:// in the cloud (ElastiCache is TLS only) and redis:// locally.
  redis: ['redis', 'rediss'],
  valkey: ['redis', 'rediss', 'valkey', 'valkeys'],
  opensearch: ['https', 'http'],
  rabbitmq: ['amqp'],
  mongo: ['mongodb'],
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Names of workloads, data services and volumes in twinstack (the constructs' NAME_PATTERN). */
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const START_VARIABLE =
  /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Maps a compose project read by `loadCompose` to the plan of a twinstack stack, and reports every key:
 * `mapped`, `approximated` (with what it became and why) or `dropped` (why, and what to do). Nothing is
 * left out of the report: a key the mapper does not know is reported dropped.
 */
export function mapCompose(model: LoadedCompose, options: MapComposeOptions): MappedCompose {
  return new Mapper(model, options).map();
}

interface DataServiceInfo {
  readonly plan: PlanDataService;
  /** Credentials the original's environment set, to recognise them in the clients' variables. */
  readonly password?: string;
  readonly username?: string;
  readonly databaseName?: string;
  /** The shell variables the original fed each credential from (`- POSTGRES_PASSWORD`, `${DB_PASS}`). */
  readonly credentialVariables: Readonly<Partial<Record<'password' | 'username' | 'database', string>>>;
  readonly port: number;
}

class Mapper {
  private readonly entries: FidelityEntry[] = [];
  private readonly appDirectory: string;
  private readonly dataServices = new Map<string, DataServiceInfo>();
  private readonly volumes = new Map<string, PlanVolume>();
  private readonly secrets = new Map<string, PlanSecret>();
  /** Generated secrets by the literal they replace, so that services sharing a value share the secret. */
  private readonly secretsByValue = new Map<string, string>();
  private readonly connections: PlanConnection[] = [];
  private readonly notes: string[] = [];
  /** Per service, the variables each interpolated value was read from, by its path. */
  private readonly interpolations = new Map<string, Map<string, string[]>>();
  /** Host ports published so far, by the service that publishes each. */
  private readonly hostPorts = new Map<number, string>();

  constructor(
    private readonly model: LoadedCompose,
    private readonly options: MapComposeOptions,
  ) {
    this.appDirectory = path.resolve(options.appDirectory ?? process.cwd());
  }

  map(): MappedCompose {
    const m = this.model;
    for (const [name, s] of Object.entries(m.services)) {
      const ds = this.dataServiceOf(name, s);
      if (ds) this.dataServices.set(name, ds);
    }
    this.topLevel();
    const jobs = this.jobNames();
    const workloads: PlanWorkload[] = [];
    for (const [name, s] of Object.entries(m.services)) {
      if (this.dataServices.has(name)) continue;
      workloads.push(this.workload(name, s, jobs.has(name), jobs));
    }
    // A connection waits for its data service to be healthy: a dependency the original may not have had.
    for (const c of this.connections) {
      if (Object.hasOwn(m.services[c.workload].depends_on ?? {}, c.dataService)) continue;
      this.report(
        ['services', c.workload, 'depends_on', c.dataService],
        'approximated',
        `a dependency on '${c.dataService}' being healthy`,
        'the connection to the data service waits until it is healthy, where the original started at once',
      );
    }
    // Names twinstack does not take (upper case, dots, a leading digit) are renamed in both twins.
    const rename = this.renames();
    const volumeName = this.volumeRenames();
    const plan: ImportPlan = {
      className: `${pascal(this.options.name)}Stack`,
      applicationName: applicationName(m.name ?? this.options.name),
      files: m.files,
      volumes: [...this.volumes.values()].map((v) => ({ ...v, name: volumeName(v.name) })),
      secrets: [...this.secrets.values()],
      dataServices: [...this.dataServices.values()].map((d) => ({ ...d.plan, id: rename(d.plan.id) })),
      workloads: orderWorkloads(workloads).map((w) => ({
        ...w,
        id: rename(w.id),
        dependsOn: w.dependsOn.map((d) => ({ ...d, target: rename(d.target) })),
        ...(w.stateful ? { stateful: { ...w.stateful, volumeName: volumeName(w.stateful.volumeName) } } : {}),
      })),
      connections: this.connections.map((c) => ({
        ...c,
        workload: rename(c.workload),
        dataService: rename(c.dataService),
      })),
      notes: this.notes,
    };
    return { plan, entries: this.entries };
  }

  // ---------------------------------------------------------------------------------------------------
  // Reporting.

  private report(
    p: readonly (string | number)[],
    fidelity: FidelityEntry['fidelity'],
    became?: string,
    why?: string,
    action?: string,
  ): void {
    // A value read from variables when it was imported is frozen in the stack: what Compose reads when the
    // application starts, the stack has as it was then (only StartVariable keeps reading it).
    const variables =
      fidelity === 'mapped' && !became?.startsWith('StartVariable') ? this.interpolated(p) : [];
    const frozen = variables.length > 0;
    this.entries.push({
      path: [...p],
      key: specKey(p),
      fidelity: frozen ? 'approximated' : fidelity,
      ...(became !== undefined ? { became } : {}),
      ...(frozen
        ? {
            why: `the value of ${variables.join(', ')} when it was imported, which Compose would read at each start`,
          }
        : why !== undefined
          ? { why }
          : {}),
      ...(frozen
        ? { action: 'import again with the variables set as the cloud twin needs them' }
        : action !== undefined
          ? { action }
          : {}),
      location: this.model.locationOf(p),
    });
  }

  /** The variables the values at `p` and below were interpolated from, as written. */
  private interpolated(p: readonly (string | number)[]): string[] {
    if (p[0] !== 'services' || p.length < 3) return [];
    const service = String(p[1]);
    let byPath = this.interpolations.get(service);
    if (!byPath) {
      byPath = new Map();
      for (const e of this.model.entries('services', service)) {
        const written = this.model.writtenAt(e.path);
        if (written === undefined) continue;
        const names = [...written.replace(/\$\$/g, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(
          (m) => m[1],
        );
        if (names.length) byPath.set(JSON.stringify(e.path.map(String)), names);
      }
      this.interpolations.set(service, byPath);
    }
    const prefix = JSON.stringify(p.map(String)).slice(0, -1);
    const out = new Set<string>();
    for (const [key, names] of byPath)
      if (key === `${prefix}]` || key.startsWith(`${prefix},`)) names.forEach((n) => out.add(n));
    return [...out].map((n) => `\${${n}}`);
  }

  /** Each service's name in twinstack, which takes lowercase letters, digits, `_` and `-`, first a letter. */
  private renames(): (name: string) => string {
    const names = new Map<string, string>();
    const taken = new Set(Object.keys(this.model.services).filter((n) => NAME.test(n)));
    for (const name of Object.keys(this.model.services)) {
      if (NAME.test(name)) {
        names.set(name, name);
        continue;
      }
      const renamed = identifierFor(validName(name), taken);
      taken.add(renamed);
      names.set(name, renamed);
      this.report(
        ['services', name],
        'approximated',
        `the service '${renamed}'`,
        `twinstack names take lowercase letters, digits, "_" and "-", starting with a letter; other services reach it as ${renamed}`,
        `rename it in the values that name ${name}`,
      );
    }
    return (name) => names.get(name) ?? name;
  }

  /** Each Volume's name in twinstack, by the same rule. */
  private volumeRenames(): (name: string) => string {
    const names = new Map<string, string>();
    const taken = new Set([...this.volumes.values()].map((v) => v.name).filter((n) => NAME.test(n)));
    for (const v of this.volumes.values()) {
      if (NAME.test(v.name)) continue;
      const renamed = identifierFor(validName(v.name), taken);
      taken.add(renamed);
      names.set(v.name, renamed);
      this.report(
        ['volumes', v.name],
        'approximated',
        `the volume '${renamed}'`,
        'twinstack names take lowercase letters, digits, "_" and "-", starting with a letter',
      );
    }
    return (name) => names.get(name) ?? name;
  }

  // ---------------------------------------------------------------------------------------------------
  // The top level.

  private topLevel(): void {
    const m = this.model;
    if (m.name !== undefined)
      this.report(['name'], 'mapped', `the application's name '${applicationName(m.name)}'`);
    for (const key of Object.keys(m.extensions))
      this.report(
        [key],
        'mapped',
        'expanded where the file uses it (anchors and merge keys), as Compose does',
      );
    for (const [name, v] of Object.entries(m.volumes)) {
      // Construct ids are unique in the application: a volume named like a service takes a suffix.
      const taken = new Set([...Object.keys(m.services), ...[...this.volumes.values()].map((x) => x.id)]);
      const id = identifierFor(taken.has(name) ? `${name}-volume` : name, taken);
      const mountedBy = Object.entries(m.services).filter(([, s]) =>
        (s.volumes ?? []).some((x) => x.type === 'volume' && x.source === name),
      );
      if (mountedBy.length === 0) {
        this.report(['volumes', name], 'dropped', undefined, 'no service mounts it', 'nothing to do');
        continue;
      }
      if (mountedBy.every(([service]) => this.dataServices.has(service))) {
        this.report(
          ['volumes', name],
          'mapped',
          `the local data volume of ${mountedBy.map(([service]) => `'${service}'`).join(', ')}; the managed service's storage in the cloud`,
        );
        continue;
      }
      this.volumes.set(name, { id, name: volumeName(name) });
      this.report(
        ['volumes', name],
        'mapped',
        `Volume '${volumeName(name)}': EFS in the cloud, a named volume locally`,
      );
      for (const key of Object.keys(v)) {
        if (key === 'name') {
          this.report(
            ['volumes', name, 'name'],
            'approximated',
            `the volume '${name}' of the project`,
            `the engine's volume is the project's '${name}', not '${String(v.name)}': data kept under that name is not reused`,
            'copy the data across, or rename the volume',
          );
          continue;
        }
        this.report(
          ['volumes', name, key],
          'dropped',
          undefined,
          key === 'external'
            ? 'an external volume is one the project does not own; the cloud twin creates its own file system'
            : 'the cloud twin keeps the data on EFS, the local twin on a default named volume',
          'set up the driver by hand where you need it',
        );
      }
    }
    for (const name of Object.keys(m.networks)) {
      this.report(
        ['networks', name],
        'approximated',
        'networks derived from who connects to whom',
        'twinstack gives each service a network that exactly what may reach it in the cloud joins; declared networks are not kept',
        'declare the connections (connectTo, dependsOn) that the network allowed',
      );
    }
    for (const name of Object.keys(m.secrets)) {
      this.report(
        ['secrets', name],
        'approximated',
        'a Secret created beforehand (Secret.fromSecretName) where a service reads it',
        'compose reads a secret from a file or the environment; the cloud twin reads it from Secrets Manager',
        `create the secret '${name}' in Secrets Manager before deploying`,
      );
    }
    for (const name of Object.keys(m.configs)) {
      this.report(
        ['configs', name],
        'approximated',
        'a config file of the services that use it',
        'compose configs become configFiles where a service mounts them',
      );
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Data services.

  private dataServiceOf(name: string, s: ServiceDefinition): DataServiceInfo | undefined {
    const choice = this.options.managed?.[name];
    if (choice === 'container') return undefined;
    const repository = s.image ? imageRepository(s.image) : undefined;
    const known = repository ? KNOWN_ENGINES.find((e) => e.images.test(repository)) : undefined;
    if (s.build !== undefined && choice === undefined) return undefined;
    let engine: DataServiceEngine | undefined = known?.engine;
    if (choice !== undefined) {
      const engines = CHOICE_ENGINES[choice];
      if (!known || !engines.includes(known.engine)) engine = engines[0];
    }
    if (engine === undefined) return undefined;
    const p = ['services', name];
    const tag = s.image ? imageTag(s.image) : undefined;
    const version = engineVersion(engine, tag);
    const construct = constructOf(engine);
    const environment = s.environment ?? {};
    const credentials = engineCredentials(engine, environment, s);
    // A user or database the managed service refuses (DocumentDB's `root`, RDS's `rdsadmin`) is left to
    // the construct's default, said at the variable that gave it.
    const accepted = {
      username: credentials.username === undefined || userAccepted(engine, credentials.username),
      databaseName:
        credentials.databaseName === undefined || databaseAccepted(engine, credentials.databaseName),
    };
    const volume = (s.volumes ?? []).find((v) => v.type === 'volume' && v.source);
    const published = (s.ports ?? []).find((x) => x.published !== undefined && !x.published.includes('-'));
    // An official image variant of the version's major stays the local image, as the construct accepts.
    const localImage =
      (engine === 'redis' || engine === 'valkey') &&
      s.image &&
      /alpine/.test(tag ?? '') &&
      (tag ?? '').split(/[.-]/)[0] === version.version.split('.')[0]
        ? s.image
        : undefined;
    const plan: PlanDataService = {
      id: name,
      engine,
      version: version.version,
      ...(credentials.databaseName !== undefined && accepted.databaseName
        ? { databaseName: credentials.databaseName }
        : {}),
      ...(credentials.username !== undefined && accepted.username ? { username: credentials.username } : {}),
      ...(volume?.source ? { localVolumeName: volumeName(volume.source) } : {}),
      ...(published ? { hostPort: Number(published.published) } : {}),
      ...(localImage ? { localImage } : {}),
      comment: `${s.image ?? name} in the original: ${managedName(engine)} in the cloud, ${engineImage(engine)} locally`,
    };
    this.report(
      p,
      'approximated',
      `${construct} '${name}' (${managedName(engine)} ${version.version})`,
      `${s.image ?? 'the service'} becomes a managed ${managedName(engine)} in the cloud and its stand-in locally${
        choice !== undefined ? ' (--managed)' : ''
      }`,
      `use --managed ${name}=container to keep it a container`,
    );
    if (s.image)
      this.report(
        [...p, 'image'],
        version.exact ? 'mapped' : 'approximated',
        `engine ${engine} ${version.version}`,
        version.exact ? undefined : version.why,
      );
    for (const key of Object.keys(environment)) {
      const refused =
        (!accepted.username && environment[key] === credentials.username) ||
        (!accepted.databaseName && environment[key] === credentials.databaseName);
      if (refused) {
        this.report(
          [...p, 'environment', key],
          'approximated',
          "the construct's default",
          `${managedName(engine)} does not take '${environment[key]}' here (a reserved or too long name)`,
          'connect with the variables connectTo gives, which name the actual user and database',
        );
        continue;
      }
      const why = credentials.used.has(key)
        ? 'the managed service has its own credentials: a generated password (Secrets Manager in the cloud, .env locally)'
        : "the managed service is configured by twinstack, not by the image's variables";
      this.report(
        [...p, 'environment', key],
        'approximated',
        credentials.used.has(key) ? "the data service's credentials" : 'not set',
        why,
      );
    }
    for (const [i, v] of (s.volumes ?? []).entries()) {
      if (v === volume)
        this.report(
          [...p, 'volumes', i],
          'mapped',
          `the stand-in's data volume '${volumeName(v.source!)}'; storage of the managed service in the cloud`,
        );
      else
        this.report(
          [...p, 'volumes', i],
          'dropped',
          undefined,
          'a managed data service has no other mounts',
          'put init scripts in the database construct (initScript) or a job',
        );
    }
    if (published) this.hostPorts.set(Number(published.published), name);
    for (const [i, x] of (s.ports ?? []).entries()) {
      if (x === published)
        this.report(
          [...p, 'ports', i],
          published.host_ip === '127.0.0.1' ? 'mapped' : 'approximated',
          `hostPort ${x.published} of the local stand-in, on 127.0.0.1`,
          published.host_ip === '127.0.0.1' ? undefined : 'twinstack publishes on 127.0.0.1 only by default',
        );
      else
        this.report(
          [...p, 'ports', i],
          'dropped',
          undefined,
          'the stand-in publishes one port',
          'connect through the data service',
        );
    }
    const handled = new Set(['image', 'environment', 'volumes', 'ports']);
    for (const key of Object.keys(s)) {
      if (handled.has(key) || s[key] === undefined) continue;
      const why =
        key === 'healthcheck'
          ? "each data service's stand-in has its engine's own health check"
          : key === 'command'
            ? 'the managed service is configured by twinstack (the stand-in requires the generated password)'
            : key === 'restart' || key === 'container_name' || key === 'networks'
              ? 'twinstack runs the stand-in its own way'
              : 'a managed data service has no such setting';
      this.report(
        [...p, key],
        key === 'restart' || key === 'healthcheck' ? 'approximated' : 'dropped',
        key === 'healthcheck' ? "the engine's health check" : undefined,
        why,
      );
    }
    return {
      plan,
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      ...(credentials.username !== undefined ? { username: credentials.username } : {}),
      ...(credentials.databaseName !== undefined ? { databaseName: credentials.databaseName } : {}),
      credentialVariables: this.credentialVariables(name, engine, environment),
      port: ENGINE_PORTS[engine],
    };
  }

  /** The shell variables a data service's credentials come from: a pass-through, or exactly `${X}`. */
  private credentialVariables(
    name: string,
    engine: DataServiceEngine,
    environment: Readonly<Record<string, string | null>>,
  ): DataServiceInfo['credentialVariables'] {
    const keys = CREDENTIAL_KEYS[engine];
    const out: { -readonly [K in keyof DataServiceInfo['credentialVariables']]: string } = {};
    for (const kind of ['password', 'username', 'database'] as const) {
      for (const key of keys[kind] ?? []) {
        if (!Object.hasOwn(environment, key)) continue;
        if (environment[key] === null) out[kind] = key;
        else {
          const written = this.model.writtenAt(['services', name, 'environment', key]);
          const m =
            written === undefined
              ? null
              : /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(written.replace(`${key}=`, ''));
          if (m) out[kind] = m[1];
        }
        if (out[kind]) break;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------
  // Workloads.

  /** Services that run to completion: those another service waits for to complete successfully. */
  private jobNames(): Set<string> {
    const jobs = new Set<string>();
    for (const s of Object.values(this.model.services))
      for (const [target, d] of Object.entries(s.depends_on ?? {}))
        if (d.condition === 'service_completed_successfully' && !this.dataServices.has(target))
          jobs.add(target);
    return jobs;
  }

  private workload(
    name: string,
    s: ServiceDefinition,
    job: boolean,
    jobs: ReadonlySet<string>,
  ): PlanWorkload {
    const p = ['services', name];
    const comments: string[] = [];
    const done = new Set<string>();
    const handle = (key: string) => done.add(key);

    // The image.
    let image: PlanWorkload['image'];
    const buildContext = s.build ? path.resolve(this.model.projectDir, s.build.context) : undefined;
    const buildHere =
      buildContext !== undefined &&
      fs.existsSync(path.resolve(buildContext, s.build?.dockerfile ?? 'Dockerfile'));
    if (s.build !== undefined && !buildHere && s.image !== undefined) {
      // The sources are not here, but the image the build tags is named: the stack pulls that image.
      handle('build');
      handle('image');
      image = { kind: 'registry', reference: s.image };
      this.report(
        [...p, 'build'],
        'approximated',
        `Image.fromRegistry('${s.image}')`,
        `the build's Dockerfile is not in ${relativeTo(this.appDirectory, buildContext!)}, so the image it tags is pulled instead`,
        'import where the sources are, to build them in both twins',
      );
      this.report([...p, 'image'], 'mapped', `Image.fromRegistry('${s.image}')`);
    } else if (s.build !== undefined) {
      handle('build');
      const context = path.resolve(this.model.projectDir, s.build.context);
      const directory = relativeTo(this.appDirectory, context);
      const file = s.build.dockerfile && s.build.dockerfile !== 'Dockerfile' ? s.build.dockerfile : undefined;
      const args: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.build.args ?? {})) {
        if (v === null)
          this.report(
            [...p, 'build', 'args', k],
            'dropped',
            undefined,
            "an argument without a value takes the shell's, which the cloud build does not see",
            'give it a value',
          );
        else {
          args[k] = v;
          this.report([...p, 'build', 'args', k], 'mapped', 'a build argument in both twins');
        }
      }
      image = {
        kind: 'directory',
        directory,
        ...(file ? { file } : {}),
        ...(s.build.target ? { target: s.build.target } : {}),
        ...(Object.keys(args).length ? { buildArgs: args } : {}),
      };
      this.report(
        [...p, 'build'],
        buildHere ? 'mapped' : 'approximated',
        `Image.fromDirectory('${directory}')`,
        buildHere ? undefined : `its Dockerfile is not in ${directory} here`,
        buildHere ? undefined : 'the build context must hold its Dockerfile when cdk synth runs',
      );
      for (const key of Object.keys(s.build)) {
        if (['context', 'dockerfile', 'target', 'args'].includes(key)) continue;
        this.report(
          [...p, 'build', key],
          'dropped',
          undefined,
          'the cloud build (a CDK image asset) has no such option',
          'set it in the Dockerfile',
        );
      }
      if (s.image !== undefined) {
        handle('image');
        this.report(
          [...p, 'image'],
          'approximated',
          'the build',
          'twinstack names the image it builds itself',
        );
      }
    } else {
      handle('image');
      image = { kind: 'registry', reference: s.image ?? name };
      this.report([...p, 'image'], 'mapped', `Image.fromRegistry('${s.image}')`);
    }

    // Process.
    const command = s.command ?? undefined;
    const entrypoint = s.entrypoint ?? undefined;
    for (const [key, value] of [
      ['command', command],
      ['entrypoint', entrypoint],
    ] as const) {
      handle(key);
      if (value === undefined) continue;
      if (value.length === 0) {
        this.report(
          [...p, key],
          'dropped',
          undefined,
          `an empty ${key} clears the image's; twinstack needs at least one word`,
          `give the ${key} in full`,
        );
        continue;
      }
      this.report(
        [...p, key],
        'mapped',
        `${key} ${JSON.stringify(value)}${this.model.shellForms[name]?.[key] ? ' (split as Compose splits the string)' : ''}`,
      );
    }
    for (const key of ['working_dir', 'user', 'hostname', 'init', 'labels'] as const) handle(key);
    const workingDirectory =
      typeof s.working_dir === 'string' && s.working_dir.startsWith('/') ? s.working_dir : undefined;
    if (s.working_dir !== undefined)
      this.report(
        [...p, 'working_dir'],
        workingDirectory ? 'mapped' : 'dropped',
        workingDirectory ? 'workingDirectory' : undefined,
        workingDirectory ? undefined : 'the working directory is not an absolute path',
        workingDirectory ? undefined : 'give an absolute path',
      );
    // A user made of unset variables (`${UID}:${GID}`) reads `:`; the image's own user is kept instead.
    const written = typeof s.user === 'string' ? s.user : undefined;
    const user = written !== undefined && /^[^:]+(:[^:]+)?$/.test(written) ? written : undefined;
    if (written !== undefined && user === undefined) {
      handle('user');
      this.report(
        [...p, 'user'],
        'dropped',
        undefined,
        `the user read '${written}' when it was imported: its variables were not set`,
        'import again with them set, or give user a uid:gid',
      );
    }
    const root = user !== undefined && /^(root|0)(:.*)?$/.test(user);
    if (user !== undefined)
      this.report([...p, 'user'], 'mapped', root ? 'user root, with allowRootUser and a reason' : 'user');

    // Environment.
    const environment: Record<string, PlanValue> = {};
    const secretRefs: Record<string, { secret: string; field?: string }> = {};
    handle('environment');
    handle('env_file');
    const envFiles = this.environmentFiles(name, s, comments);
    const fromFiles = new Set(envFiles.variables);
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      const ep = [...p, 'environment', key];
      if (fromFiles.has(key)) continue;
      if (!ENV_NAME.test(key) || key === '__proto__') {
        this.report(
          ep,
          'dropped',
          undefined,
          'twinstack takes variable names of letters, digits, "_", "." and "-"',
          'rename it',
        );
        continue;
      }
      if (value === null) {
        environment[key] = { kind: 'start', variable: key, default: '' };
        this.report(
          ep,
          'approximated',
          `StartVariable.named('${key}', { default: '' })`,
          'the value comes from the shell when the application starts; unset, it is empty instead of absent',
        );
        continue;
      }
      const text = this.model.writtenAt(ep);
      // The list form `- NAME=value` was read as one text.
      const written = text?.startsWith(`${key}=`) ? text.slice(key.length + 1) : text;
      if (this.connectionValue(name, key, value, written)) continue;
      const start = written !== undefined ? startVariableOf(written, key) : undefined;
      if (start) {
        environment[key] = start;
        this.report(
          ep,
          'mapped',
          `StartVariable.named('${start.kind === 'start' ? start.variable : key}'${start.kind === 'start' && start.default !== undefined ? `, { default: ${JSON.stringify(start.default)} }` : ''})`,
        );
        continue;
      }
      if (CREDENTIAL_NAME.test(key) && value !== '') {
        const secret = this.generatedSecret(key, value);
        secretRefs[key] = { secret };
        this.report(
          ep,
          'approximated',
          `the generated Secret '${secret}'`,
          "a literal under a credential's name stays out of the template: a generated value per stage replaces it (locally from .env)",
          'if the application needs this exact value or format, create the secret beforehand and use Secret.fromSecretName',
        );
        continue;
      }
      environment[key] = { kind: 'literal', value };
      this.report(
        ep,
        written !== undefined ? 'approximated' : 'mapped',
        'a literal in both twins',
        written !== undefined ? `the value interpolated when it was imported (${written})` : undefined,
        written !== undefined
          ? 'use StartVariable if it must be read when the application starts'
          : undefined,
      );
    }

    // Secrets of compose.
    handle('secrets');
    for (const [i, secretUse] of (s.secrets ?? []).entries()) {
      const id = identifierFor(`${secretUse.source}-secret`, new Set(this.secrets.keys()));
      if (!this.secrets.has(secretUse.source))
        this.secrets.set(secretUse.source, {
          id,
          kind: 'imported',
          secretName: secretUse.source,
          comment: `compose secret '${secretUse.source}': create it in Secrets Manager`,
        });
      // The library's own stem of variable names, which a variable may not start with a digit of.
      const variable = upperSnake(secretUse.source).replace(/^(\d)/, '_$1');
      secretRefs[variable] = { secret: this.secrets.get(secretUse.source)!.id };
      this.report(
        [...p, 'environment', variable],
        'approximated',
        `the variable ${variable}, from the secret '${secretUse.source}'`,
        'added: twinstack passes a secret as a variable, where compose mounted it as a file',
      );
      this.report(
        [...p, 'secrets', i],
        'approximated',
        `the variable ${variable} from the secret '${secretUse.source}'`,
        `compose mounts the secret as /run/secrets/${secretUse.target ?? secretUse.source}; twinstack passes it as a variable`,
        'read the variable instead of the file, or keep the file in the image',
      );
    }

    // Ports.
    handle('ports');
    handle('expose');
    const ports: PlanWorkload['ports'][number][] = [];
    for (const [i, x] of (s.ports ?? []).entries()) this.port([...p, 'ports', i], x, ports);
    for (const [i, e] of (s.expose ?? []).entries()) {
      const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(String(e));
      if (!m) {
        this.report([...p, 'expose', i], 'dropped', undefined, 'a range of ports', 'give each port');
        continue;
      }
      const containerPort = Number(m[1]);
      if (!ports.some((x) => x.containerPort === containerPort))
        ports.push({ containerPort, ...(m[2] === 'udp' ? { protocol: 'udp' as const } : {}) });
      this.report(
        [...p, 'expose', i],
        'mapped',
        `port ${containerPort}, reachable by the services that depend on this one`,
      );
    }

    // Health check.
    handle('healthcheck');
    const healthCheck = s.healthcheck ? this.healthCheck([...p, 'healthcheck'], s.healthcheck) : undefined;

    // Dependencies.
    handle('depends_on');
    handle('links');
    const dependsOn: {
      target: string;
      condition: 'started' | 'healthy' | 'completed-successfully';
      optional?: boolean;
    }[] = [];
    for (const [target, d] of Object.entries(s.depends_on ?? {})) {
      const dp = [...p, 'depends_on', target];
      if (this.dataServices.has(target)) {
        const connected = this.connections.some((c) => c.workload === name && c.dataService === target);
        const healthy = d.condition === 'service_healthy';
        this.report(
          dp,
          connected ? (healthy ? 'mapped' : 'approximated') : 'dropped',
          connected ? 'the connection, which waits for the data service to be healthy' : undefined,
          connected
            ? healthy
              ? undefined
              : `the original waited for ${d.condition}; a connection waits until the data service is healthy`
            : `no variable of '${name}' names '${target}', so there is no connection to wait for`,
          connected
            ? undefined
            : `connect it: ${camelCase(name)}.connectTo(${camelCase(target)}, { host: '...' })`,
        );
        continue;
      }
      const written =
        d.condition === 'service_healthy'
          ? 'healthy'
          : d.condition === 'service_completed_successfully'
            ? 'completed-successfully'
            : 'started';
      const t = this.model.services[target];
      const targetIsJob = jobs.has(target);
      const targetChecked =
        t?.healthcheck !== undefined && t.healthcheck.disable !== true && t.healthcheck.test?.[0] !== 'NONE';
      // What the target can give: a job completes (it is never healthy), a service without a health check
      // only starts.
      const condition: 'started' | 'healthy' | 'completed-successfully' = targetIsJob
        ? written === 'healthy'
          ? 'completed-successfully'
          : written
        : written === 'healthy' && !targetChecked
          ? 'started'
          : written;
      // A target in a profile this service is not in runs only when that profile is asked for.
      const ownProfiles = s.profiles ?? [];
      const elsewhere =
        (t?.profiles ?? []).length > 0 && !(t?.profiles ?? []).some((x) => ownProfiles.includes(x));
      const optional = d.required === false || elsewhere;
      dependsOn.push({ target, condition, ...(optional ? { optional: true } : {}) });
      const whys = [
        condition !== written
          ? targetIsJob
            ? `'${target}' runs to completion (a Job): the dependency waits for it to complete`
            : `'${target}' has no health check: the dependency waits for it to start`
          : undefined,
        elsewhere && d.required !== false
          ? `'${target}' is in profile ${(t?.profiles ?? []).join(', ')}: the dependency is optional, as Compose starts it only with that profile`
          : undefined,
      ].filter((w): w is string => w !== undefined);
      this.report(
        dp,
        whys.length ? 'approximated' : 'mapped',
        `Dependency.${condition === 'completed-successfully' ? 'completedSuccessfully' : condition}(${camelCase(target)}${optional ? ', { optional: true }' : ''})`,
        whys.length ? whys.join('; ') : undefined,
      );
    }
    for (const [i] of (Array.isArray(s.links) ? s.links : []).entries())
      this.report(
        [...p, 'links', i],
        'approximated',
        'nothing: services reach each other by name',
        'links are legacy; the name resolves on the networks twinstack gives',
      );

    // Volumes and mounts.
    handle('volumes');
    handle('tmpfs');
    handle('read_only');
    const mounts: { volume: string; path: string; readOnly?: boolean }[] = [];
    const bindMounts: PlanWorkload['bindMounts'][number][] = [];
    const configFiles: { path: string; source: string }[] = [];
    const writablePaths: string[] = [];
    let stateful: PlanWorkload['stateful'];
    const statefulImage =
      !job && s.build === undefined && STATEFUL_IMAGES.test(imageRepository(s.image ?? '') ?? '');
    for (const [i, v] of (s.volumes ?? []).entries()) {
      const vp = [...p, 'volumes', i];
      const r = this.mount(
        vp,
        v,
        { mounts, bindMounts, configFiles, writablePaths },
        statefulImage && !stateful,
      );
      if (r) stateful = r;
    }
    // Compose configs of a file: the same config files in both twins.
    handle('configs');
    for (const [i, c] of (s.configs ?? []).entries()) {
      const cp = [...p, 'configs', i];
      const definition = this.model.configs[c.source] ?? {};
      const target = c.target ?? `/${c.source}`;
      const file =
        typeof definition.file === 'string'
          ? path.resolve(this.model.projectDir, definition.file)
          : undefined;
      const fits =
        file !== undefined &&
        fs.existsSync(file) &&
        fs.statSync(file).isFile() &&
        fs.statSync(file).size <= 16384 &&
        isText(file) &&
        /^(\/[A-Za-z0-9._-]+){2,}$/.test(target) &&
        !relativeTo(this.appDirectory, file).startsWith('..');
      if (fits) {
        configFiles.push({ path: target, source: relativeTo(this.appDirectory, file) });
        this.report(
          cp,
          'mapped',
          `configFiles: the file ${relativeTo(this.appDirectory, file)} at ${target} in both twins`,
        );
      } else
        this.report(
          cp,
          'dropped',
          undefined,
          file === undefined
            ? `config '${c.source}' is not a file (inline content or an environment variable)`
            : `config '${c.source}' is not a text file of at most 16 KiB inside the CDK app, at a path below a directory`,
          'give it as configFiles with its content',
        );
    }
    for (const [i, t] of (s.tmpfs ?? []).entries()) {
      const target = String(t).split(':')[0];
      writablePaths.push(target);
      this.report(
        [...p, 'tmpfs', i],
        'approximated',
        `writablePaths: ['${target}']`,
        'a writable task volume in the cloud, tmpfs locally; its size and mode are not kept',
      );
    }
    const readOnly = s.read_only === true;
    if (s.read_only !== undefined)
      this.report([...p, 'read_only'], 'mapped', `readOnlyRootFilesystem: ${readOnly}`);

    // Settings.
    const ulimits: Record<string, { soft: number; hard: number }> = {};
    const extraHosts: Record<string, string> = {};
    const settings: { -readonly [K in keyof PlanWorkload['settings']]: PlanWorkload['settings'][K] } = {};
    handle('ulimits');
    for (const [k, u] of Object.entries(s.ulimits ?? {})) {
      if (!(ULIMIT_NAMES as readonly string[]).includes(k)) {
        this.report(
          [...p, 'ulimits', k],
          'dropped',
          undefined,
          `ECS sets no ${k} limit`,
          `use one of ${ULIMIT_NAMES.join(', ')}`,
        );
        continue;
      }
      // Fargate allows at most FARGATE_MAX_NOFILE open files.
      const cap = (n: number) => (k === 'nofile' ? Math.min(n, FARGATE_MAX_NOFILE) : n);
      const limit = { soft: cap(u.soft), hard: cap(u.hard) };
      ulimits[k] = limit;
      settings.ulimits = ulimits;
      const capped = limit.soft !== u.soft || limit.hard !== u.hard;
      this.report(
        [...p, 'ulimits', k],
        capped ? 'approximated' : 'mapped',
        `ulimits.${k}`,
        capped ? `Fargate allows at most ${FARGATE_MAX_NOFILE} open files` : undefined,
      );
    }
    if (s.init !== undefined) {
      if (s.init === true) settings.init = true;
      this.report([...p, 'init'], 'mapped', `init: ${String(s.init)}`);
    }
    handle('stop_grace_period');
    if (s.stop_grace_period !== undefined) {
      const seconds = Math.ceil(s.stop_grace_period / 1000);
      settings.stopGracePeriodSeconds = Math.min(seconds, 120);
      this.report(
        [...p, 'stop_grace_period'],
        seconds > 120 || seconds * 1000 !== s.stop_grace_period ? 'approximated' : 'mapped',
        `stopGracePeriod: Duration.seconds(${settings.stopGracePeriodSeconds})`,
        seconds > 120
          ? 'Fargate stops a container after at most 120 seconds'
          : seconds * 1000 !== s.stop_grace_period
            ? 'rounded up to whole seconds'
            : undefined,
      );
    }
    handle('cap_add');
    handle('cap_drop');
    const add: string[] = [];
    for (const [i, c] of (Array.isArray(s.cap_add) ? (s.cap_add as string[]) : []).entries()) {
      const cap = String(c).replace(/^CAP_/, '');
      if (cap === 'SYS_PTRACE') {
        add.push(cap);
        this.report([...p, 'cap_add', i], 'mapped', `capabilities.add ${cap}`);
      } else
        this.report(
          [...p, 'cap_add', i],
          'dropped',
          undefined,
          `Fargate adds no capability but SYS_PTRACE, so ${cap} cannot be given in the cloud`,
          'run without it, or on a platform that allows it',
        );
    }
    const drop: string[] = [];
    (Array.isArray(s.cap_drop) ? (s.cap_drop as string[]) : []).forEach((c, i) => {
      const cap = String(c).toUpperCase().replace(/^CAP_/, '');
      if (cap !== 'ALL' && !(LINUX_CAPABILITIES as readonly string[]).includes(cap)) {
        this.report(
          [...p, 'cap_drop', i],
          'dropped',
          undefined,
          `${String(c)} is no Linux capability ECS knows`,
          'drop it',
        );
        return;
      }
      drop.push(cap);
      this.report([...p, 'cap_drop', i], 'mapped', `capabilities.drop ${cap}`);
    });
    if (add.length || drop.length)
      settings.capabilities = { ...(add.length ? { add } : {}), ...(drop.length ? { drop } : {}) };
    if (s.labels && Object.keys(s.labels).length) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.labels)) {
        if (/^(twinstack\.|com\.docker\.compose\.)/.test(k))
          this.report(
            [...p, 'labels', k],
            'dropped',
            undefined,
            'a label of a prefix twinstack or compose reserves',
            'rename it',
          );
        else {
          labels[k] = v;
          this.report([...p, 'labels', k], 'mapped', 'a label in both twins');
        }
      }
      if (Object.keys(labels).length) settings.labels = labels;
    }
    handle('shm_size');
    if (s.shm_size !== undefined) {
      const mib = Math.max(1, Math.ceil(bytesOf(s.shm_size) / 1048576));
      settings.sharedMemoryMiB = mib;
      this.report(
        [...p, 'shm_size'],
        'approximated',
        `sharedMemoryMiB: ${mib}`,
        'Fargate has no shared-memory size: local only (stand-in container-settings)',
      );
    }
    if (typeof s.hostname === 'string' && !(HOST_NAME_PATTERN.test(s.hostname) && s.hostname.length <= 63)) {
      this.report(
        [...p, 'hostname'],
        'dropped',
        undefined,
        `'${s.hostname}' is no host name twinstack takes`,
        'give a host name of letters, digits and "-"',
      );
    } else if (typeof s.hostname === 'string') {
      settings.hostname = s.hostname;
      this.report(
        [...p, 'hostname'],
        'approximated',
        `hostname '${s.hostname}'`,
        'Fargate sets no hostname: local only',
      );
    }
    handle('extra_hosts');
    for (const [host, addresses] of Object.entries(s.extra_hosts ?? {})) {
      extraHosts[host] = addresses[0];
      settings.extraHosts = extraHosts;
      this.report(
        [...p, 'extra_hosts', host],
        'approximated',
        `extraHosts '${host}'`,
        'Fargate takes no extra hosts: local only',
      );
    }

    // What the local twin does when files change: compose's develop.watch, relative to the build context.
    handle('develop');
    const development = this.development(p, s, image);

    // Restart, profiles, platform, resources.
    handle('restart');
    const restart = this.restart([...p, 'restart'], s.restart, job);
    handle('profiles');
    let profile: string | undefined;
    for (const [i, pr] of (s.profiles ?? []).entries()) {
      if (i === 0) {
        profile = pr;
        this.report([...p, 'profiles', i], 'mapped', `profile '${pr}'`);
      } else
        this.report(
          [...p, 'profiles', i],
          'dropped',
          undefined,
          'a workload is an optional part of one profile',
          'keep one profile',
        );
    }
    handle('platform');
    let cpuArchitecture: 'arm64' | 'x86_64' | undefined;
    if (typeof s.platform === 'string') {
      cpuArchitecture = /arm64|aarch64/.test(s.platform) ? 'arm64' : 'x86_64';
      this.report([...p, 'platform'], 'mapped', `cpuArchitecture ${cpuArchitecture}`);
    }
    handle('deploy');
    handle('mem_limit');
    handle('cpus');
    const size = this.resources(p, s);

    // Everything else.
    const ignoredLocally: Readonly<Record<string, string>> = {
      container_name: 'twinstack names containers after the project and the service',
      networks: "twinstack derives each service's networks from the connections the model declares",
      logging: "the cloud twin logs to CloudWatch; locally the engine's default driver",
      stdin_open: 'a service of the cloud twin has no terminal',
      tty: 'a service of the cloud twin has no terminal',
      pull_policy: 'the engine pulls as it does by default',
      privileged: 'Fargate runs no privileged container',
      devices: 'Fargate gives no device of the host',
      network_mode: 'Fargate tasks use awsvpc networking',
      pid: 'Fargate gives no host PID namespace',
      ipc: 'Fargate gives no host IPC namespace',
      security_opt: 'Fargate takes no security options',
      sysctls: 'twinstack passes no kernel parameters',
      volumes_from: 'twinstack mounts volumes by name',
      domainname: 'Fargate sets no domain name',
      mac_address: 'Fargate sets no MAC address',
      dns: 'the VPC resolves names in the cloud',
      dns_search: 'the VPC resolves names in the cloud',
      stop_signal: 'ECS sends SIGTERM',
      attach: "twinstack attaches to every service's logs",
      scale: 'use desiredCount',
      oom_score_adj: 'Fargate takes no OOM score',
      group_add: 'Fargate takes no additional groups',
      userns_mode: 'Fargate takes no user namespace mode',
      cgroup_parent: 'Fargate takes no cgroup parent',
      runtime: 'Fargate runs its own runtime',
      isolation: 'Fargate runs its own isolation',
    };
    for (const key of Object.keys(s)) {
      if (done.has(key) || s[key] === undefined) continue;
      if (key === 'networks') {
        this.report(
          [...p, key],
          'approximated',
          'the networks of the connections it declares',
          ignoredLocally.networks,
        );
        continue;
      }
      this.report(
        [...p, key],
        'dropped',
        undefined,
        ignoredLocally[key] ?? 'twinstack does not read this key',
        'nothing says it in either twin; drop it or set it by hand on the L2 (e.g. fargateService)',
      );
    }

    const construct: PlanWorkload['construct'] = job ? 'Job' : stateful ? 'StatefulService' : 'Service';
    if (job) comments.push('Others wait for it to complete: a Job, run once per deployment in the cloud.');
    if (stateful)
      comments.push(
        `Keeps its own data: one task whose deployments never overlap, its data on EFS at ${stateful.path}.`,
      );
    if (!readOnly && construct !== 'Job')
      comments.push('The original writes to its root filesystem: kept writable.');
    return {
      construct,
      id: name,
      image,
      ...(command?.length ? { command } : {}),
      ...(entrypoint?.length ? { entrypoint } : {}),
      ...(workingDirectory ? { workingDirectory } : {}),
      ...(user !== undefined ? { user } : {}),
      ...(root ? { allowRootUser: true } : {}),
      ...(!readOnly ? { writableRoot: true } : {}),
      ...(writablePaths.length && readOnly ? { writablePaths } : {}),
      environment,
      secrets: secretRefs,
      ...(envFiles.files.length ? { environmentFiles: envFiles.files } : {}),
      ports: job ? [] : ports,
      ...(healthCheck && !job ? { healthCheck } : {}),
      dependsOn,
      mounts,
      bindMounts,
      configFiles,
      ...(restart ? { restart } : {}),
      ...(profile ? { profile } : {}),
      ...size,
      ...(cpuArchitecture ? { cpuArchitecture } : {}),
      ...(stateful ? { stateful } : {}),
      ...(development ? { development } : {}),
      settings,
      comments,
    };
  }

  private development(
    p: (string | number)[],
    s: ServiceDefinition,
    image: PlanWorkload['image'],
  ): PlanWorkload['development'] {
    const develop = (s.develop ?? {}) as { watch?: unknown };
    const watch = Array.isArray(develop.watch) ? (develop.watch as Record<string, unknown>[]) : [];
    for (const key of Object.keys(develop))
      if (key !== 'watch')
        this.report(
          [...p, 'develop', key],
          'dropped',
          undefined,
          'twinstack reads develop.watch only',
          'drop it',
        );
    if (watch.length === 0) return undefined;
    if (image.kind !== 'directory' || !s.build) {
      this.report(
        [...p, 'develop'],
        'dropped',
        undefined,
        'watch rules need an image built from a directory',
        'build the image',
      );
      return undefined;
    }
    const context = path.resolve(this.model.projectDir, s.build.context);
    const out = {
      sync: [] as { path: string; target: string; ignore?: string[] }[],
      rebuild: [] as string[],
      restart: [] as { path: string; target: string }[],
    };
    watch.forEach((w, i) => {
      const wp = [...p, 'develop', 'watch', i];
      const file = path.resolve(this.model.projectDir, String(w.path ?? ''));
      const relative = path.relative(context, file).split(path.sep).join('/') || '.';
      const target = typeof w.target === 'string' ? w.target : undefined;
      const ignore = Array.isArray(w.ignore) ? w.ignore.map(String) : undefined;
      const inside = !relative.startsWith('..') && !path.isAbsolute(relative) && fs.existsSync(file);
      if (!inside) {
        this.report(
          wp,
          'dropped',
          undefined,
          `${String(w.path)} is not a path of the build context here`,
          'watch a path of the build context',
        );
        return;
      }
      if (w.action === 'rebuild') {
        out.rebuild.push(relative);
        this.report(wp, 'mapped', `development.rebuild '${relative}'`);
      } else if ((w.action === 'sync' || w.action === 'sync+restart') && target?.startsWith('/')) {
        if (w.action === 'sync')
          out.sync.push({ path: relative, target, ...(ignore?.length ? { ignore } : {}) });
        else out.restart.push({ path: relative, target });
        this.report(
          wp,
          w.action === 'sync+restart' && ignore?.length ? 'approximated' : 'mapped',
          `development.${w.action === 'sync' ? 'sync' : 'restart'} '${relative}' to ${target}`,
          w.action === 'sync+restart' && ignore?.length ? 'a restart rule keeps no ignores' : undefined,
        );
      } else
        this.report(
          wp,
          'dropped',
          undefined,
          `a ${String(w.action)} rule${target ? '' : ' without an absolute target'}`,
          'use sync, rebuild or sync+restart',
        );
    });
    return out.sync.length || out.rebuild.length || out.restart.length ? out : undefined;
  }

  private environmentFiles(
    name: string,
    s: ServiceDefinition,
    comments: string[],
  ): { files: string[]; variables: string[] } {
    const files: string[] = [];
    const variables: string[] = [];
    for (const [i, f] of (s.env_file ?? []).entries()) {
      const ep = ['services', name, 'env_file', i];
      const file = path.resolve(this.model.projectDir, f.path);
      if (!fs.existsSync(file)) {
        this.report(
          ep,
          'dropped',
          undefined,
          `${f.path} does not exist${f.required ? '' : ' (required: false)'}`,
          'create it, or drop the key',
        );
        continue;
      }
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      const names = lines.map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l.trim()));
      const plain = names.every((m) => m !== null && !/^["']/.test(m[2]) && !m[2].includes('$'));
      if (!plain) {
        this.report(
          ep,
          'approximated',
          'its variables inline in environment',
          'ECS reads a dotenv file literally, while compose strips quotes and interpolates "$"; the values were read as compose reads them',
          'write the file plain (NAME=value) to keep it a file',
        );
        continue;
      }
      files.push(relativeTo(this.appDirectory, file));
      for (const m of names) if (m) variables.push(m[1]);
      this.report(ep, 'mapped', `environmentFiles: ['${relativeTo(this.appDirectory, file)}']`);
    }
    if (files.length)
      comments.push('Reads its settings from environment files, which stay files in both twins.');
    return { files, variables };
  }

  private port(p: (string | number)[], x: PortConfig, ports: PlanWorkload['ports'][number][]): void {
    if (x.protocol !== 'tcp' && x.protocol !== 'udp') {
      this.report(
        p,
        'dropped',
        undefined,
        `${x.protocol} ports are not carried by either twin`,
        'use TCP or UDP',
      );
      return;
    }
    const published = x.published;
    if (published !== undefined && published.includes('-')) {
      this.report(p, 'dropped', undefined, 'a range of host ports', 'publish each port');
      return;
    }
    const hostPort = published !== undefined && published !== '' ? Number(published) : undefined;
    // Services of different profiles may publish one host port in compose; twinstack publishes each once.
    const owner = hostPort !== undefined ? this.hostPorts.get(hostPort) : undefined;
    if (owner !== undefined) {
      this.report(
        p,
        'approximated',
        `port ${x.target}, not published`,
        `host port ${hostPort} is already published by '${owner}'; twinstack publishes each host port once`,
        'publish it on another host port',
      );
      if (!ports.some((q) => q.containerPort === x.target)) ports.push({ containerPort: x.target });
      this.report(
        [...p.slice(0, 2), 'expose'],
        'approximated',
        `port ${x.target}, reachable by the services that depend on this one`,
        `the port is exposed, not published: host port ${owner === undefined ? '' : `${String(published)} is '${owner}''s`}`,
      );
      return;
    }
    if (hostPort !== undefined) this.hostPorts.set(hostPort, String(p[1]));
    const existing = ports.find((q) => q.containerPort === x.target);
    if (existing) {
      this.report(
        p,
        'dropped',
        undefined,
        `container port ${x.target} is published twice`,
        'publish it once',
      );
      return;
    }
    ports.push({
      containerPort: x.target,
      ...(hostPort !== undefined ? { hostPort } : {}),
      ...(x.protocol === 'udp' ? { protocol: 'udp' as const } : {}),
    });
    const allInterfaces =
      hostPort !== undefined && (x.host_ip === undefined || x.host_ip === '0.0.0.0' || x.host_ip === '::');
    this.report(
      p,
      allInterfaces || (x.host_ip !== undefined && x.host_ip !== '127.0.0.1') ? 'approximated' : 'mapped',
      `port ${x.target}${hostPort !== undefined ? `, published on 127.0.0.1:${hostPort}` : ''}`,
      allInterfaces
        ? 'twinstack publishes on 127.0.0.1 only by default, where the original listened on every interface'
        : x.host_ip !== undefined && x.host_ip !== '127.0.0.1'
          ? `published on 127.0.0.1, not ${x.host_ip}`
          : undefined,
      allInterfaces
        ? "set the application's localHostIp to '0.0.0.0' to listen on every interface"
        : undefined,
    );
  }

  private healthCheck(
    p: (string | number)[],
    h: NonNullable<ServiceDefinition['healthcheck']>,
  ): PlanHealthCheck | undefined {
    const test = h.test;
    if (h.disable === true || !test || test[0] === 'NONE') {
      this.report(p, 'dropped', undefined, 'the health check is disabled', 'nothing to do');
      return undefined;
    }
    const seconds = (ms: number | undefined, fallback: number) =>
      ms === undefined ? fallback : Math.max(1, Math.round(ms / 1000));
    const timing = {
      intervalSeconds: seconds(h.interval, 30),
      timeoutSeconds: seconds(h.timeout, 30),
      retries: h.retries ?? 3,
      // ECS honours a start period of at most 300 seconds.
      startPeriodSeconds: h.start_period === undefined ? 0 : Math.min(300, Math.round(h.start_period / 1000)),
    };
    const exact =
      [h.interval, h.timeout, h.start_period].every((ms) => ms === undefined || ms % 1000 === 0) &&
      (h.start_period ?? 0) <= 300000;
    const plan: PlanHealthCheck =
      test[0] === 'CMD-SHELL'
        ? { kind: 'shell', script: test.slice(1).join(' '), ...timing }
        : { kind: 'command', command: test.slice(1), ...timing };
    this.report(
      p,
      exact ? 'mapped' : 'approximated',
      `HealthCheck.${plan.kind}(...) with compose's defaults made explicit`,
      exact ? undefined : 'timings rounded to whole seconds',
    );
    if (h.start_interval !== undefined)
      this.report(
        [...p, 'start_interval'],
        'dropped',
        undefined,
        'ECS probes at the interval while a task starts',
        'nothing to do',
      );
    return plan;
  }

  private restart(
    p: (string | number)[],
    restart: string | undefined,
    job: boolean,
  ): PlanWorkload['restart'] {
    if (restart === undefined) return job ? undefined : 'no';
    const policy = restart.startsWith('on-failure') ? 'on-failure' : restart;
    if (!['always', 'unless-stopped', 'on-failure', 'no'].includes(policy)) {
      this.report(
        p,
        'dropped',
        undefined,
        `restart policy ${restart}`,
        'use always, unless-stopped, on-failure or no',
      );
      return undefined;
    }
    if (job && (policy === 'always' || policy === 'unless-stopped')) {
      this.report(p, 'approximated', 'restart: no', 'a job runs to completion; its dependents wait for it');
      return 'no';
    }
    this.report(
      p,
      policy !== restart ? 'approximated' : 'mapped',
      `restart: '${policy}' locally (ECS replaces a stopped task whatever it says)`,
      policy !== restart ? 'the retry count is not kept' : undefined,
    );
    return policy as PlanWorkload['restart'];
  }

  private resources(
    p: (string | number)[],
    s: ServiceDefinition,
  ): { cpu?: number; memoryMiB?: number; desiredCount?: number } {
    const deploy = (s.deploy ?? {}) as {
      readonly replicas?: number;
      readonly resources?: { readonly limits?: { readonly cpus?: unknown; readonly memory?: unknown } };
      readonly [key: string]: unknown;
    };
    const limits = deploy.resources?.limits ?? {};
    const cpus = limits.cpus ?? s.cpus;
    const memory = limits.memory ?? s.mem_limit;
    const out: { cpu?: number; memoryMiB?: number; desiredCount?: number } = {};
    if (cpus !== undefined || memory !== undefined) {
      const wantCpu = cpus !== undefined ? Number(cpus) * 1024 : 256;
      const wantMemory = memory !== undefined ? Math.ceil(bytesOf(memory) / 1048576) : 512;
      const size = fargateSize(wantCpu, wantMemory);
      if (size) {
        out.cpu = size[0];
        out.memoryMiB = size[1];
      }
      const exact =
        size &&
        (cpus === undefined || size[0] === wantCpu) &&
        (memory === undefined || size[1] === wantMemory);
      const at =
        limits.cpus !== undefined || limits.memory !== undefined
          ? [...p, 'deploy', 'resources', 'limits']
          : [...p, cpus !== undefined ? 'cpus' : 'mem_limit'];
      this.report(
        at,
        size ? (exact ? 'mapped' : 'approximated') : 'dropped',
        size ? `cpu ${size[0]}, memoryMiB ${size[1]}` : undefined,
        size ? (exact ? undefined : 'the next size Fargate runs') : 'larger than any Fargate size',
        size ? undefined : 'split the service',
      );
    }
    for (const key of Object.keys(deploy)) {
      if (key === 'replicas') {
        out.desiredCount = Number(deploy.replicas);
        this.report([...p, 'deploy', 'replicas'], 'mapped', `desiredCount ${deploy.replicas}`);
      } else if (key === 'resources') {
        for (const k of Object.keys(deploy.resources ?? {}))
          if (k !== 'limits')
            this.report(
              [...p, 'deploy', 'resources', k],
              'dropped',
              undefined,
              'Fargate reserves the task size; there is nothing else to reserve',
              'nothing to do',
            );
      } else
        this.report(
          [...p, 'deploy', key],
          'dropped',
          undefined,
          'a Swarm deployment setting',
          'use the ECS service (fargateService) for deployment settings',
        );
    }
    return out;
  }

  /** One volume entry of a workload: a named volume, a bind mount, a config file, or a writable path. */
  private mount(
    p: (string | number)[],
    v: VolumeMount,
    into: {
      mounts: { volume: string; path: string; readOnly?: boolean }[];
      bindMounts: PlanWorkload['bindMounts'][number][];
      configFiles: { path: string; source: string }[];
      writablePaths: string[];
    },
    statefulCandidate: boolean,
  ): PlanWorkload['stateful'] | undefined {
    if (v.type === 'volume' && v.source) {
      const volume = this.volumes.get(v.source);
      if (!volume) {
        this.report(p, 'dropped', undefined, `volume '${v.source}' is not declared`, 'declare it');
        return undefined;
      }
      // What the definition says beyond the name (its driver, a name of its own) is not kept.
      const definition = Object.keys(this.model.volumes[v.source] ?? {});
      if (definition.length)
        this.report(
          [...p, 'volume'],
          'approximated',
          `the volume '${volume.name}' as twinstack declares it`,
          `its definition (${definition.join(', ')}) is not kept`,
        );
      if (statefulCandidate && !v.read_only) {
        this.volumes.delete(v.source);
        this.report(
          p,
          'mapped',
          `the StatefulService's data at ${v.target}, on EFS in the cloud and the volume '${volume.name}' locally`,
        );
        return { path: v.target, volumeName: volume.name };
      }
      into.mounts.push({ volume: volume.id, path: v.target, ...(v.read_only ? { readOnly: true } : {}) });
      this.report(p, 'mapped', `the volume '${volume.name}' at ${v.target}`);
      return undefined;
    }
    if (v.type === 'volume' || v.type === 'tmpfs') {
      into.writablePaths.push(v.target);
      this.report(
        p,
        'approximated',
        `writablePaths: ['${v.target}']`,
        'an anonymous volume keeps nothing between tasks: a task volume in the cloud, tmpfs locally',
      );
      return undefined;
    }
    if (v.type === 'bind' && v.source) {
      const source = path.resolve(this.model.projectDir, v.source);
      if (/^\/var\/run\/docker\.sock$|^\/run\/docker\.sock$/.test(source) || !fs.existsSync(source)) {
        this.report(
          p,
          'dropped',
          undefined,
          fs.existsSync(source)
            ? "the engine's socket: Fargate gives none"
            : `${v.source} does not exist here`,
          fs.existsSync(source)
            ? 'nothing in the cloud can do this'
            : 'create it beside the compose file, or drop the mount',
        );
        return undefined;
      }
      const stat = fs.statSync(source);
      const relative = relativeTo(this.appDirectory, source);
      const selinux = v.bind?.selinux === 'z' ? 'shared' : v.bind?.selinux === 'Z' ? 'private' : undefined;
      if (
        stat.isFile() &&
        v.read_only &&
        stat.size <= 16384 &&
        isText(source) &&
        /^(\/[A-Za-z0-9._-]+){2,}$/.test(v.target)
      ) {
        into.configFiles.push({ path: v.target, source: relative });
        this.report(p, 'mapped', `configFiles: the file ${relative} at ${v.target} in both twins`);
        return undefined;
      }
      if (relative.startsWith('../') || path.isAbsolute(relative)) {
        this.report(
          p,
          'dropped',
          undefined,
          `${v.source} is outside the CDK app's directory; twinstack mounts paths inside it only`,
          'move it inside, or run twinstack import from a parent directory',
        );
        return undefined;
      }
      into.bindMounts.push({
        source: relative,
        path: v.target,
        ...(v.read_only ? { readOnly: true } : {}),
        ...(selinux ? { selinux } : {}),
      });
      this.report(
        p,
        'approximated',
        `bindMounts: ${relative} at ${v.target}, locally`,
        "Fargate mounts no host path: the cloud twin has the image's files there",
        stat.isFile()
          ? 'give a configuration file as configFiles (read-only, at most 16 KiB of text) to have it in both twins'
          : 'put what the cloud twin needs into the image',
      );
      return undefined;
    }
    this.report(p, 'dropped', undefined, `a ${v.type} mount`, 'nothing carries it in the cloud twin');
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------
  // Connections and secrets.

  /**
   * Whether `value` of `workload`'s variable `key` names a data service (its host, port, credentials or a
   * URL to it): the variable then comes from a connection (`connectTo`), recorded and reported here.
   */
  private connectionValue(workload: string, key: string, value: string, written?: string): boolean {
    const ep = ['services', workload, 'environment', key];
    const fromShell =
      written === undefined ? undefined : /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(written)?.[1];
    for (const [name, ds] of this.dataServices) {
      const connection = (): { -readonly [K in keyof PlanConnection]: PlanConnection[K] } => {
        let c = this.connections.find((x) => x.workload === workload && x.dataService === name);
        if (!c) {
          c = { workload, dataService: name, variables: {} };
          this.connections.push(c);
        }
        return c as { -readonly [K in keyof PlanConnection]: PlanConnection[K] };
      };
      const url = parseUrl(value);
      if (url && url.host === name) {
        const c = connection();
        const own = ENGINE_SCHEMES[ds.plan.engine].includes(url.scheme);
        const pathPart = url.path && url.path !== '/' ? url.path : undefined;
        const typed = !own || (pathPart !== undefined && pathPart !== `/${ds.databaseName ?? ''}`);
        c.urls = [
          ...(c.urls ?? []),
          {
            variable: key,
            ...(!own ? { scheme: url.scheme } : {}),
            ...(pathPart && typed && (ds.plan.engine === 'redis' || ds.plan.engine === 'valkey')
              ? { path: pathPart }
              : {}),
          },
        ];
        this.report(
          ep,
          'approximated',
          `connectTo(${camelCase(name)}, { url: '${key}' }) (${url.scheme}://)`,
          "the URL of the managed service in the cloud and of its stand-in locally, with the data service's own credentials",
          undefined,
        );
        return true;
      }
      const setVariable = (kind: keyof PlanConnection['variables'], why: string) => {
        const c = connection();
        if (c.variables[kind] !== undefined) return false;
        c.variables = { ...c.variables, [kind]: key };
        this.report(ep, 'approximated', `connectTo(${camelCase(name)}, { ${kind}: '${key}' })`, why);
        return true;
      };
      if (value === name)
        return setVariable(
          'host',
          "the managed service's endpoint in the cloud, the stand-in's name locally",
        );
      const mentions = Object.keys(this.model.services[workload].environment ?? {}).some(
        (k) => (this.model.services[workload].environment ?? {})[k] === name,
      );
      if (!mentions) continue;
      // The variable the data service's own credential came from (`${POSTGRES_PASSWORD}` in both).
      for (const kind of ['password', 'username', 'database'] as const) {
        if (fromShell !== undefined && ds.credentialVariables[kind] === fromShell)
          return setVariable(
            kind,
            `the ${kind} of the data service, which the original read from ${fromShell} too`,
          );
      }
      if (value === String(ds.port) && /PORT/i.test(key))
        return setVariable('port', 'the engine port of the managed service');
      if (ds.password !== undefined && value === ds.password && /PASS/i.test(key))
        return setVariable('password', 'the generated password of the data service');
      if (ds.username !== undefined && value === ds.username && /USER/i.test(key))
        return setVariable('username', 'the user of the data service');
      if (ds.databaseName !== undefined && value === ds.databaseName && /DB|DATABASE|NAME/i.test(key))
        return setVariable('database', 'the database of the data service');
    }
    return false;
  }

  private generatedSecret(key: string, value: string): string {
    const existing = this.secretsByValue.get(value);
    if (existing) return existing;
    const id = identifierFor(
      key.toLowerCase().replace(/_/g, '-'),
      new Set([...this.secrets.values()].map((s) => s.id)),
    );
    this.secrets.set(`generated:${id}`, { id, kind: 'generated', comment: `replaces the literal of ${key}` });
    this.secretsByValue.set(value, id);
    return id;
  }
}

// -----------------------------------------------------------------------------------------------------
// Helpers.

/** The workloads in an order where each comes after those it depends on (compose forbids cycles). */
function orderWorkloads(workloads: readonly PlanWorkload[]): PlanWorkload[] {
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const out: PlanWorkload[] = [];
  const seen = new Set<string>();
  const visit = (w: PlanWorkload) => {
    if (seen.has(w.id)) return;
    seen.add(w.id);
    for (const d of w.dependsOn) {
      const t = byId.get(d.target);
      if (t) visit(t);
    }
    out.push(w);
  };
  workloads.forEach(visit);
  return out;
}

function constructOf(engine: DataServiceEngine): string {
  switch (engine) {
    case 'postgres':
    case 'mysql':
    case 'mariadb':
      return 'Database';
    case 'redis':
    case 'valkey':
      return 'Cache';
    case 'opensearch':
      return 'SearchDomain';
    case 'rabbitmq':
      return 'MessageBroker';
    case 'mongo':
      return 'DocumentDatabase';
  }
}

function managedName(engine: DataServiceEngine): string {
  return {
    postgres: 'RDS for PostgreSQL',
    mysql: 'RDS for MySQL',
    mariadb: 'RDS for MariaDB',
    redis: 'ElastiCache for Redis',
    valkey: 'ElastiCache for Valkey',
    opensearch: 'OpenSearch Service',
    rabbitmq: 'Amazon MQ for RabbitMQ',
    mongo: 'DocumentDB',
  }[engine];
}

function engineImage(engine: DataServiceEngine): string {
  return {
    postgres: 'the postgres image',
    mysql: 'the mysql image',
    mariadb: 'the mariadb image',
    redis: 'the redis image',
    valkey: 'the valkey image',
    opensearch: 'the opensearch image',
    rabbitmq: 'the rabbitmq image',
    mongo: 'the mongo image',
  }[engine];
}

/**
 * The versions each managed service runs in both twins, oldest first, as the constructs accept them (a
 * test checks each against the constructs). An image's version maps to the same one, or to the next one
 * the service offers.
 */
export const OFFERED_VERSIONS: Readonly<Record<DataServiceEngine, readonly string[]>> = {
  postgres: ['13', '14', '15', '16', '17', '18'],
  mysql: ['8.0', '8.4'],
  mariadb: ['10.11', '11.4', '11.8'],
  redis: ['6.2', '7.0', '7.1'],
  valkey: ['7.2', '8.0', '8.1'],
  opensearch: ['2.13', '2.15', '2.17', '2.19', '3.1'],
  rabbitmq: ['3.13', '4.2'],
  mongo: ['4.0', '5.0', '8.0'],
};

/** The engine version of an image tag: `16-alpine` → 16, `7.2.4` → 7.2, the next offered where it is not. */
function engineVersion(
  engine: DataServiceEngine,
  tag: string | undefined,
): { version: string; exact: boolean; why?: string } {
  const offered = OFFERED_VERSIONS[engine];
  const m = tag ? /^v?(\d+)(?:\.(\d+))?/.exec(tag) : null;
  if (!m) {
    const version = DEFAULT_VERSIONS[engine];
    return { version, exact: false, why: `the tag ${tag ?? '(none)'} names no version; ${version} is taken` };
  }
  const major = Number(m[1]);
  const minor = m[2] === undefined ? undefined : Number(m[2]);
  const key = (v: string) => v.split('.').map(Number);
  const atLeast = (v: string) => {
    const [a, b = 0] = key(v);
    return a > major || (a === major && b >= (minor ?? 0));
  };
  // A major alone (postgres:16, redis:7) is the newest minor of it the service offers.
  const sameMajor = offered.filter((v) => key(v)[0] === major);
  const exactly =
    minor === undefined
      ? sameMajor.at(-1)
      : (offered.find((v) => key(v)[0] === major && (key(v)[1] ?? 0) === minor) ??
        (engine === 'postgres' ? sameMajor.at(-1) : undefined));
  if (exactly) return { version: exactly, exact: true };
  const next = offered.find(atLeast) ?? offered.at(-1)!;
  return {
    version: next,
    exact: false,
    why: `${managedName(engine)} does not run ${tag}; ${next} is the ${offered.find(atLeast) ? 'next version' : 'newest version'} it offers`,
  };
}

/** The credentials and database the original's environment gives the engine. */
function engineCredentials(
  engine: DataServiceEngine,
  env: Readonly<Record<string, string | null>>,
  s: ServiceDefinition,
): { password?: string; username?: string; databaseName?: string; used: Set<string> } {
  const used = new Set<string>();
  const pick = (...keys: string[]) => {
    for (const k of keys) {
      const v = env[k];
      if (typeof v === 'string') {
        used.add(k);
        return v;
      }
    }
    return undefined;
  };
  switch (engine) {
    case 'postgres': {
      const password = pick('POSTGRES_PASSWORD');
      const username = pick('POSTGRES_USER');
      const databaseName = pick('POSTGRES_DB') ?? username;
      return {
        ...(password !== undefined && { password }),
        ...(username !== undefined && { username }),
        ...(databaseName !== undefined && { databaseName }),
        used,
      };
    }
    case 'mysql':
    case 'mariadb': {
      const password = pick(
        'MYSQL_PASSWORD',
        'MARIADB_PASSWORD',
        'MYSQL_ROOT_PASSWORD',
        'MARIADB_ROOT_PASSWORD',
      );
      const username = pick('MYSQL_USER', 'MARIADB_USER');
      const databaseName = pick('MYSQL_DATABASE', 'MARIADB_DATABASE');
      return {
        ...(password !== undefined && { password }),
        ...(username !== undefined && { username }),
        ...(databaseName !== undefined && { databaseName }),
        used,
      };
    }
    case 'mongo': {
      const password = pick('MONGO_INITDB_ROOT_PASSWORD');
      const username = pick('MONGO_INITDB_ROOT_USERNAME');
      return {
        ...(password !== undefined && { password }),
        ...(username !== undefined && { username }),
        used,
      };
    }
    case 'rabbitmq': {
      const password = pick('RABBITMQ_DEFAULT_PASS');
      const username = pick('RABBITMQ_DEFAULT_USER');
      return {
        ...(password !== undefined && { password }),
        ...(username !== undefined && { username }),
        used,
      };
    }
    case 'redis':
    case 'valkey': {
      const words = s.command ?? [];
      const i = words.indexOf('--requirepass');
      const password = i >= 0 ? words[i + 1] : pick('REDIS_PASSWORD');
      return { ...(password !== undefined && { password }), used };
    }
    default:
      return { used };
  }
}

/** Whether the managed service of `engine` takes `username` as its user (the constructs' rules). */
function userAccepted(engine: DataServiceEngine, username: string): boolean {
  switch (engine) {
    case 'postgres':
    case 'mysql':
    case 'mariadb': {
      const reserved = ['rdsadmin', 'rdsrepladmin', 'root', ...(engine === 'postgres' ? ['admin'] : [])];
      return (
        /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username) &&
        !reserved.includes(username.toLowerCase()) &&
        !username.startsWith('pg_')
      );
    }
    case 'mongo':
      return (
        /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(username) &&
        !['admin', 'root', 'serviceadmin'].includes(username.toLowerCase())
      );
    case 'rabbitmq':
      return /^[A-Za-z0-9._~-]{2,100}$/.test(username) && username.toLowerCase() !== 'guest';
    default:
      return false;
  }
}

/** Whether the managed service of `engine` takes `name` as its database's name. */
function databaseAccepted(engine: DataServiceEngine, name: string): boolean {
  if (engine === 'mongo') return /^[A-Za-z0-9_-]{1,63}$/.test(name);
  return /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name);
}

/** `scheme://[user[:password]@]host[:port][/path][?query]`, when `value` is such a URL. */
function parseUrl(value: string): { scheme: string; host: string; port?: string; path?: string } | undefined {
  const m =
    /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/]*@)?([A-Za-z0-9_.-]+)(?::(\d+))?(\/[^?#]*)?(?:[?#].*)?$/.exec(
      value,
    );
  if (!m) return undefined;
  return {
    scheme: m[1].toLowerCase(),
    host: m[2],
    ...(m[3] ? { port: m[3] } : {}),
    ...(m[4] ? { path: m[4] } : {}),
  };
}

/** A start-time variable, when the value as written is exactly one interpolation. */
function startVariableOf(written: string, key: string): PlanValue | undefined {
  const m = START_VARIABLE.exec(written);
  if (!m) return undefined;
  const variable = m[1] ?? m[5];
  // A default over several lines is no default compose interpolates in one piece: kept a literal.
  if (m[2] !== undefined && /[\r\n]/.test(m[3])) return undefined;
  if (m[2] !== undefined) return { kind: 'start', variable, default: m[3].replace(/\$\$/g, '$') };
  void key;
  // `${X:?message}` is required; plain `${X}` is empty when unset, as Compose gives it.
  return m[4] !== undefined ? { kind: 'start', variable } : { kind: 'start', variable, default: '' };
}

function imageRepository(image: string): string | undefined {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  let repository = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  repository = repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return repository || undefined;
}

function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? noDigest.slice(colon + 1) : undefined;
}

/** A compose byte size (`64m`, `1g`, `512000`) in bytes. */
function bytesOf(size: unknown): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(String(size).trim());
  if (!m) return 0;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  return Math.ceil(Number(m[1]) * unit);
}

/** The smallest Fargate size with at least `cpu` units and `memory` MiB. */
function fargateSize(cpu: number, memory: number): [number, number] | undefined {
  for (const [c, memories] of FARGATE_SIZES) {
    if (c < cpu) continue;
    const mem = memories.find((m) => m >= memory);
    if (mem !== undefined) return [c, mem];
  }
  return undefined;
}

function isText(file: string): boolean {
  const bytes = fs.readFileSync(file);
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes) && !bytes.includes(0);
}

/** A path relative to `from`, in the `./x` form the constructs take. */
function relativeTo(from: string, to: string): string {
  const r = path.relative(from, to).split(path.sep).join('/');
  return r === '' ? '.' : r.startsWith('..') ? r : `./${r}`;
}

/** A compose volume's name as twinstack takes it (lowercase letters, digits, `_` and `-`). */
function volumeName(name: string): string {
  return name;
}

/** An application name twinstack takes: lowercase letters, digits, `-` and `_`, starting with a letter. */
function applicationName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  return n.slice(0, 63) || 'app';
}

/** A name twinstack takes, made of one it does not. */
function validName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, (lead) => `s-${lead.replace(/^-+/, '')}`);
  return n.slice(0, 60).replace(/[-_]+$/, '') || 'service';
}

function identifierFor(name: string, taken: ReadonlySet<string>): string {
  let id = name;
  for (let i = 2; taken.has(id); i++) id = `${name}-${i}`;
  return id;
}

/** `my-shop` → `MyShop`. */
function pascal(name: string): string {
  const c = camelCase(name);
  return /^[0-9]/.test(c) ? `_${c}` : c.charAt(0).toUpperCase() + c.slice(1);
}
