import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct, IConstruct } from 'constructs';
import { CONTROL_TOWER } from './aws/nag-findings';
import { CloudConnectionValue, DataService, DataServiceProps } from './data-service';
import { EngineRelease, checkEngineVersion } from './engine-version';
import { invalid } from './errors';
import { HealthCheck } from './values/health-check';
import { isImageReference } from './values/image';
import { checkInteger, upperSnake } from './model/names';
import type { ConnectionUrlSpec, ConnectionValue, DataServiceSpec } from './model/spec';
import { Secret } from './secret';
import { placeData, placedIn } from './aws/data-placement';

/**
 * Versions ElastiCache offers, each with the upstream image the local twin runs: ElastiCache Redis OSS 7.1
 * is its own release on the 7.x line, with no upstream 7.1 image; 7.2 is the closest compatible one.
 */
const RELEASES: Record<'redis' | 'valkey', Record<string, string>> = {
  redis: { '6.2': 'redis:6.2', '7.0': 'redis:7.0', '7.1': 'redis:7.2' },
  valkey: { '7.2': 'valkey/valkey:7.2', '8.0': 'valkey/valkey:8.0', '8.1': 'valkey/valkey:8.1' },
};

/** The official image repositories of each engine, without a registry host: Docker Hub's names for them. */
const OFFICIAL_IMAGES: Record<'redis' | 'valkey', readonly string[]> = {
  redis: ['redis', 'library/redis', 'docker/library/redis'],
  valkey: ['valkey/valkey', 'valkey', 'library/valkey', 'docker/library/valkey'],
};

/** Cache engine and version, the same in both twins. */
export class CacheEngine {
  /**
   * Redis OSS; `version` is one ElastiCache offers (`7.1`), or a major (`7`): the newest release of it that
   * ElastiCache offers (Redis OSS 7.1 for `7`), as a compose file's `redis:7` means.
   */
  public static redis(version: string): CacheEngine {
    return new CacheEngine('redis', version);
  }

  /**
   * Valkey (Redis-compatible); `version` is one ElastiCache offers (`8.0`), or a major (`8`): the newest
   * release of it that ElastiCache offers.
   */
  public static valkey(version: string): CacheEngine {
    return new CacheEngine('valkey', version);
  }

  private constructor(
    /** Engine name. */
    public readonly kind: 'redis' | 'valkey',
    /** Version as given. */
    public readonly version: string,
  ) {}

  /**
   * The release this version resolves to: a version ElastiCache offers as it is, a major the newest
   * release of it.
   * @internal
   */
  public _check(at: string): EngineRelease {
    const releases = RELEASES[this.kind];
    const supported = Object.keys(releases);
    const majors = [...new Set(supported.map((v) => v.split('.')[0]))];
    return checkEngineVersion(at, this.version, {
      supported,
      required: false,
      resolve: (version) => {
        const release = /^\d+$/.test(version)
          ? supported.filter((v) => v.startsWith(`${version}.`)).at(-1)
          : version;
        return release !== undefined && Object.prototype.hasOwnProperty.call(releases, release)
          ? { cloud: release, image: releases[release] }
          : undefined;
      },
      rejection: () =>
        `is not a ${this.kind} version ElastiCache offers; use ${supported.join(', ')} (or a major: ${majors.join(', ')})`,
    });
  }
}

/** Properties of a Cache. */
export interface CacheProps extends DataServiceProps {
  /** Engine and version (required: both twins run the same version). */
  readonly engine: CacheEngine;
  /**
   * Node type of the ElastiCache replication group.
   * @default cache.t4g.micro
   */
  readonly nodeType?: string;
  /**
   * Read replicas besides the primary; with one or more, ElastiCache fails over automatically across zones.
   * @default 0
   */
  readonly replicas?: number;
  /**
   * Keep data across restarts: daily snapshots (kept 7 days) and a final snapshot in the cloud, an
   * append-only file on a named volume locally. Without it the cache starts empty after a restart, in both twins.
   * @default false
   */
  readonly persistence?: boolean;
  /**
   * Image of the local stand-in, for an official variant of the engine's image of the same major version,
   * such as `redis:7-alpine` or `valkey/valkey:8-alpine`. The cloud twin is not affected.
   * @default - the official image of the engine's version, e.g. `redis:7.2` for Redis OSS 7.1
   */
  readonly localImage?: string;
}

const PORT = 6379;

/**
 * A Redis or Valkey cache. Cloud: an ElastiCache replication group in the application's isolated subnets (private ones, with a warning, in a VPC without any),
 * encrypted in transit (TLS) and at rest, with an AUTH token generated into Secrets Manager; only connected
 * services may reach its port. Local: the official image of the same version, the same password from
 * `.env`, plain TCP (connection URLs use `rediss://` in the cloud and `redis://` locally).
 */
export class Cache extends DataService {
  /** The ElastiCache replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Security group of the cache. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The AUTH token. */
  public readonly credentials: Secret;
  public readonly kind: 'redis' | 'valkey';
  protected readonly supportedValues: readonly ConnectionValue[] = ['host', 'port', 'password', 'url'];
  /** @internal */
  public readonly _resource: IConstruct;
  /** @internal */
  public readonly _cloudPort = ec2.Port.tcp(PORT);
  private readonly spec: DataServiceSpec;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id, props);
    const at = this.node.path;
    if (!props || !(props.engine instanceof CacheEngine)) {
      throw invalid(
        at,
        'engine',
        props?.engine,
        'is required; use CacheEngine.redis("7.1") or CacheEngine.valkey("8.0")',
      );
    }
    this.kind = props.engine.kind;
    const { cloud: version, image: defaultImage } = props.engine._check(at);
    const image =
      props.localImage === undefined
        ? defaultImage
        : checkLocalImage(at, this.kind, version.split('.')[0], props.localImage);
    const replicas = props.replicas === undefined ? 0 : checkInteger(at, 'replicas', props.replicas, 0, 5);
    const nodeType = props.nodeType ?? 'cache.t4g.micro';
    if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType))
      throw invalid(at, 'nodeType', nodeType, 'is not an ElastiCache node type, e.g. "cache.t4g.micro"');
    const persistence = props.persistence ?? false;
    const variable = `${upperSnake(this.name)}_PASSWORD`;
    this.credentials = Secret.generate(this, `${this.name}-auth-token`, {
      localVariable: variable,
      length: 64,
      description: `AUTH token of cache ${this.name}`,
    });

    const vpc = this.application.vpc;
    const subnets = vpc.selectSubnets({
      subnetType: placeData(this, vpc, `cache '${this.name}'`).subnetType,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Cache ${this.name}: connected services only`,
    });
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of cache ${this.name}`,
      subnetIds: subnets.subnetIds,
    });
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Cache ${this.name} of application ${this.application.name}`,
      engine: this.kind,
      engineVersion: version,
      cacheNodeType: nodeType,
      numCacheClusters: 1 + replicas,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: replicas > 0,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: this.credentials.secret.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: PORT,
      autoMinorVersionUpgrade: true,
      ...(persistence ? { snapshotRetentionLimit: 7 } : {}),
    });
    this.replicationGroup.applyRemovalPolicy(persistence ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY);
    this._resource = this.replicationGroup;
    Validations.of(this.replicationGroup).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason: `The engine's standard port keeps both twins alike; the cache sits in ${placedIn(this)} and admits only connected services.`,
    });
    Validations.of(this.replicationGroup).acknowledge({
      id: 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
      reason: persistence
        ? 'With persistence the cache keeps daily snapshots for 7 days, as databases keep their automated backups by default, and a final snapshot on deletion.'
        : 'Without persistence the cache holds only data the application can rebuild and starts empty after a restart in both twins; set persistence for daily snapshots.',
    });
    Validations.of(this.replicationGroup).acknowledge({
      id: `${CONTROL_TOWER}::elasticache_repl_grp_rbac_auth_enabled_check`,
      reason:
        'Clients authenticate with the AUTH token generated into Secrets Manager, over TLS, as they authenticate against the local stand-in (requirepass); role-based access control would need an ElastiCache user and user group per client, which the local stand-in cannot mirror.',
    });
    if (replicas === 0) {
      const singleNode =
        'A single node by default keeps development stages cheap; production stages set replicas for Multi-AZ failover.';
      Validations.of(this.replicationGroup).acknowledge(
        { id: 'AwsSolutions-AEC4', reason: singleNode },
        { id: `${CONTROL_TOWER}::elasticache_repl_grp_auto_failover_enabled_check`, reason: singleNode },
      );
    }

    const password = this.credentials.value({ localVariable: variable });
    const server = this.kind === 'redis' ? 'redis-server' : 'valkey-server';
    const cli = this.kind === 'redis' ? 'redis-cli' : 'valkey-cli';
    this.spec = {
      name: this.name,
      path: at,
      kind: this.kind,
      version,
      cloud: `ElastiCache ${this.kind === 'redis' ? 'Redis OSS' : 'Valkey'} ${version} (${nodeType} x${1 + replicas}, TLS)`,
      local: {
        image,
        port: PORT,
        ...(this.hostPort !== undefined ? { hostPort: this.hostPort } : {}),
        command: [
          'sh',
          '-c',
          `exec ${server} --requirepass "$CACHE_PASSWORD" ${persistence ? '--appendonly yes' : '--save ""'}`,
        ],
        environment: {},
        secrets: { CACHE_PASSWORD: password._toSpec() },
        healthCheck: HealthCheck.shell(`${cli} --no-auth-warning -a "$CACHE_PASSWORD" ping | grep -q PONG`, {
          interval: Duration.seconds(5),
          timeout: Duration.seconds(3),
          retries: 20,
        })._toSpec(at, 'local.healthCheck'),
        ...this._localData(persistence ? '/data' : undefined),
      },
      values: { host: this.name, port: PORT, password: password._toSpec(), scheme: 'redis' },
    };
  }

  /** The model of this cache. */
  public toSpec(): DataServiceSpec {
    return this.spec;
  }

  /** @internal */
  protected _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue {
    const rg = this.replicationGroup;
    switch (value) {
      case 'host':
        return { environment: rg.attrPrimaryEndPointAddress };
      case 'port':
        return { environment: Token.asString(rg.attrPrimaryEndPointPort) };
      default:
        return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret) };
    }
  }

  /** `rediss` in the cloud, where ElastiCache speaks only TLS, and `redis` for the plain stand-in. @internal */
  public _ownUrl(): ConnectionUrlSpec {
    return {
      cloud: { scheme: 'rediss', path: '', query: '' },
      local: { scheme: this.spec.values.scheme, path: '', query: '' },
    };
  }

  /** The AUTH token as the password, no user name. @internal */
  protected _cloudUrlEndpoint() {
    const rg = this.replicationGroup;
    return {
      credentials: [':', this.credentials.secret.secretValue.unsafeUnwrap()],
      host: rg.attrPrimaryEndPointAddress,
      port: Token.asString(rg.attrPrimaryEndPointPort),
      after: rg,
    };
  }
}

/**
 * A cache's `localImage`: a valid image reference to an official image of `kind` (any registry), tagged
 * with the `major` version or a variant of it (`7`, `7.2`, `7-alpine`, `7.2-bookworm`).
 */
function checkLocalImage(at: string, kind: 'redis' | 'valkey', major: string, reference: string): string {
  if (!isImageReference(reference)) {
    throw invalid(
      at,
      'localImage',
      reference,
      'is not an image reference; use [registry/]name[:tag][@sha256:digest], e.g. "redis:7-alpine"',
    );
  }
  const [withoutDigest] = reference.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : '';
  const parts = (colon > slash ? withoutDigest.slice(0, colon) : withoutDigest).split('/');
  // A first component with a "." or ":" (or localhost) is a registry host.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  const official = OFFICIAL_IMAGES[kind].includes(parts.join('/'));
  if (!official || !(tag === major || tag.startsWith(`${major}.`) || tag.startsWith(`${major}-`))) {
    const example = kind === 'redis' ? `redis:${major}-alpine` : `valkey/valkey:${major}-alpine`;
    throw invalid(
      at,
      'localImage',
      reference,
      `must be an official ${kind} image of major version ${major} (${OFFICIAL_IMAGES[kind][0]}, from any registry), e.g. "${example}"`,
    );
  }
  return reference;
}
