import { CfnResource, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeSecretFindings } from './aws/nag-findings';
import { CloudConnectionValue, DataService, DataServiceProps } from './data-service';
import { EngineRelease, checkEngineVersion } from './engine-version';
import { invalid } from './errors';
import { HealthCheck } from './values/health-check';
import { checkInteger, upperSnake } from './model/names';
import type { ConnectionUrlSpec, ConnectionValue, DataServiceSpec } from './model/spec';
import { Secret } from './secret';
import { placeData, placedIn } from './aws/data-placement';

/**
 * DocumentDB engine versions (4.0, 5.0 and 8.0 are in standard support; 3.6 has left it), each implementing
 * the MongoDB API of the same version, which the local `mongo` image of that version runs.
 */
const SUPPORTED: readonly string[] = ['4.0', '5.0', '8.0'];
const PORT = 27017;
/** What DocumentDB asks of MongoDB clients: TLS, its replica set name, and no retryable writes. */
const CLOUD_URL_OPTIONS = 'tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false';
/** The local root user is created in the `admin` database, so clients authenticate there. */
const LOCAL_URL_OPTIONS = 'authSource=admin';

/** Document database engine and version, the same MongoDB API in both twins. */
export class DocumentEngine {
  /** MongoDB-compatible; `version` is the DocumentDB (and MongoDB API) version: `4.0`, `5.0` or `8.0`. */
  public static mongo(version: string): DocumentEngine {
    return new DocumentEngine('mongodb', version);
  }

  private constructor(
    /** Engine name. */
    public readonly kind: 'mongodb',
    /** Version as given. */
    public readonly version: string,
  ) {}

  /**
   * The DocumentDB version (`5.0`), the engine version the cluster states (`5.0.0`) and the local image.
   * @internal
   */
  public _check(at: string): EngineRelease & { version: string } {
    return checkEngineVersion(at, this.version, {
      supported: SUPPORTED,
      resolve: (version) =>
        SUPPORTED.includes(version)
          ? { version, cloud: `${version}.0`, image: `mongo:${version}` }
          : undefined,
      rejection: () => `is not a DocumentDB engine version in standard support; use ${SUPPORTED.join(', ')}`,
    });
  }
}

/** Properties of a DocumentDatabase. */
export interface DocumentDatabaseProps extends DataServiceProps {
  /** Engine and version (required: both twins speak the same MongoDB API version). */
  readonly engine: DocumentEngine;
  /**
   * Name of the administrative user.
   * @default 'docdbadmin'
   */
  readonly username?: string;
  /**
   * Database connected workloads receive as `database` (and in the URL); created on first write, in both
   * twins.
   * @default - none: clients choose the database themselves
   */
  readonly databaseName?: string;
  /**
   * Instance class of the cluster's instances.
   * @default db.t4g.medium
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Instances in the cluster; more than one adds replicas in other availability zones, one of which takes
   * over when the primary fails.
   * @default 1
   */
  readonly instances?: number;
  /**
   * Days automated backups are kept.
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Refuse deletion of the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}

const USERNAME = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * A MongoDB-compatible document database. Cloud: an Amazon DocumentDB cluster in the application's isolated
 * subnets, storage encrypted, TLS required (clients need the Amazon RDS CA bundle), automated backups,
 * deletion protection and a snapshot on deletion, master credentials generated into Secrets Manager, audit
 * and profiler logs in CloudWatch Logs; only connected services may reach port 27017. Local: the official
 * `mongo` image of the same version with the same root user and the password from `.env`, without TLS
 * (connection URLs carry each twin's options: `tls=true&replicaSet=rs0&...` in the cloud,
 * `authSource=admin` locally).
 */
export class DocumentDatabase extends DataService {
  /** The DocumentDB cluster. */
  public readonly cluster: docdb.DatabaseCluster;
  /** Security group of the cluster. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The generated credentials (JSON: username, password, host, port, ...). */
  public readonly credentials: Secret;
  public readonly kind = 'mongodb' as const;
  protected readonly supportedValues: readonly ConnectionValue[] = [
    'host',
    'port',
    'username',
    'password',
    'url',
  ];
  /** @internal */
  public readonly _resource: IConstruct;
  /** @internal */
  public readonly _cloudPort = ec2.Port.tcp(PORT);
  private readonly spec: DataServiceSpec;
  private readonly databaseName?: string;

  constructor(scope: Construct, id: string, props: DocumentDatabaseProps) {
    super(scope, id, props);
    const at = this.node.path;
    if (!props || !(props.engine instanceof DocumentEngine)) {
      throw invalid(at, 'engine', props?.engine, 'is required; use DocumentEngine.mongo("5.0")');
    }
    const { version, cloud, image } = props.engine._check(at);
    const username = props.username ?? 'docdbadmin';
    if (!USERNAME.test(username) || ['admin', 'root', 'serviceadmin'].includes(username.toLowerCase())) {
      throw invalid(
        at,
        'username',
        username,
        'must be 1 to 63 letters or digits starting with a letter, and not a name DocumentDB reserves (admin, root, serviceadmin)',
      );
    }
    if (props.databaseName !== undefined && !DATABASE_NAME.test(props.databaseName)) {
      throw invalid(at, 'databaseName', props.databaseName, 'must be 1 to 63 letters, digits, "_" or "-"');
    }
    this.databaseName = props.databaseName;
    if (this.databaseName !== undefined) this.supportedValues = [...this.supportedValues, 'database'];
    const instances =
      props.instances === undefined ? 1 : checkInteger(at, 'instances', props.instances, 1, 16);
    const backupRetention =
      props.backupRetentionDays === undefined
        ? 7
        : checkInteger(at, 'backupRetentionDays', props.backupRetentionDays, 1, 35);
    const instanceType =
      props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM);

    // Cloud twin.
    const vpc = this.application.vpc;
    const subnetType = placeData(this, vpc, `document database '${this.name}'`).subnetType;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Document database ${this.name}: connected services only`,
    });
    // Audit logs record authentication and DDL (e.g. createIndex, dropCollection); the profiler logs
    // operations slower than 100 ms. TLS stays required (the parameter's default).
    const parameters = new docdb.ClusterParameterGroup(this, 'Parameters', {
      family: `docdb${version}`,
      description: `Parameters of document database ${this.name}`,
      parameters: {
        audit_logs: 'enabled',
        profiler: 'enabled',
        profiler_threshold_ms: '100',
        tls: 'enabled',
      },
    });
    this.cluster = new docdb.DatabaseCluster(this, 'Cluster', {
      engineVersion: cloud,
      masterUser: {
        username,
        // Letters, digits and a few URL-safe marks, so the password fits a connection URL unescaped.
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,^',
      },
      instanceType,
      instances,
      vpc,
      vpcSubnets: { subnetType },
      securityGroup: this.securityGroup,
      parameterGroup: parameters,
      port: PORT,
      storageEncrypted: true,
      backup: { retention: Duration.days(backupRetention) },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      exportAuditLogsToCloudWatch: true,
      exportProfilerLogsToCloudWatch: true,
      copyTagsToSnapshot: true,
    });
    this._resource = this.cluster;
    this.acknowledgeNagFindings();

    this.credentials = Secret._managed(
      this,
      `${this.name}-credentials`,
      this.cluster.secret!,
      `DocumentDB cluster '${this.name}'`,
      { localVariable: `${upperSnake(this.name)}_PASSWORD` },
    );
    // The generated master credentials outlive the stack like the final snapshot does, so a cluster
    // restored from it can still be opened.
    const generated = this.cluster.node.findChild('Secret') as secretsmanager.Secret;
    generated.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeSecretFindings(
      generated,
      'Rotating the master password also needs every connected task restarted to read it; add rotation with cluster.addRotationSingleUser() where the application tolerates that.',
    );
    const password = this.credentials.field('password', {
      localVariable: `${upperSnake(this.name)}_PASSWORD`,
    });

    // Local twin.
    const shell = version === '4.0' ? 'mongo' : 'mongosh';
    this.spec = {
      name: this.name,
      path: at,
      kind: 'mongodb',
      version,
      cloud:
        `DocumentDB ${version} (db.${instanceType.toString()} x${instances}), TLS required (Amazon RDS CA bundle); ` +
        `locally mongo ${version} without TLS`,
      local: {
        image,
        port: PORT,
        ...(this.hostPort !== undefined ? { hostPort: this.hostPort } : {}),
        environment: { MONGO_INITDB_ROOT_USERNAME: username },
        secrets: { MONGO_INITDB_ROOT_PASSWORD: password._toSpec() },
        healthCheck: HealthCheck.command([shell, '--quiet', '--eval', "db.adminCommand('ping').ok"], {
          interval: Duration.seconds(10),
          timeout: Duration.seconds(10),
          retries: 20,
          startPeriod: Duration.seconds(20),
        })._toSpec(at, 'local.healthCheck'),
        ...this._localData('/data/db'),
      },
      values: {
        host: this.name,
        port: PORT,
        ...(this.databaseName !== undefined ? { database: this.databaseName } : {}),
        username,
        password: password._toSpec(),
        scheme: 'mongodb',
        urlQuery: LOCAL_URL_OPTIONS,
      },
    };
    this.application._registerDataService(this);
  }

  /** The model of this document database. */
  public toSpec(): DataServiceSpec {
    return this.spec;
  }

  /** @internal */
  protected _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue {
    switch (value) {
      case 'host':
        return { environment: this.cluster.clusterEndpoint.hostname };
      case 'port':
        return { environment: String(PORT) };
      case 'database':
        return { environment: this.databaseName! };
      case 'username':
        return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret, 'username') };
      default:
        return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret, 'password') };
    }
  }

  /**
   * Orders what waits for the cluster after the cluster and its instances (the endpoint answers only once
   * an instance is up).
   * @internal
   */
  public _orderAfter(orderAfter: (resource: CfnResource) => void): void {
    super._orderAfter(orderAfter);
    for (const child of this.cluster.node.children) {
      if (child instanceof docdb.CfnDBInstance) orderAfter(child);
    }
  }

  /**
   * `mongodb` with the database as the path in both twins; the query DocumentDB asks of clients in the
   * cloud, and the local root user's authentication database locally.
   * @internal
   */
  public _ownUrl(): ConnectionUrlSpec {
    const path = `/${this.spec.values.database ?? ''}`;
    return {
      cloud: { scheme: 'mongodb', path, query: CLOUD_URL_OPTIONS },
      local: { scheme: 'mongodb', path, query: LOCAL_URL_OPTIONS },
    };
  }

  /** @internal */
  protected _cloudUrlEndpoint() {
    const secret = this.credentials.secret;
    return {
      credentials: [
        secret.secretValueFromJson('username').unsafeUnwrap(),
        ':',
        secret.secretValueFromJson('password').unsafeUnwrap(),
      ],
      host: this.cluster.clusterEndpoint.hostname,
      port: Token.asString(this.cluster.clusterEndpoint.port),
    };
  }

  private acknowledgeNagFindings(): void {
    const cluster = this.cluster;
    Validations.of(cluster).acknowledge(
      {
        id: 'AwsSolutions-DOC2',
        reason: `MongoDB's standard port keeps both twins alike; the cluster sits in ${placedIn(this)} and its security group admits only the connected services.`,
      },
      {
        id: 'AwsSolutions-DOC3',
        reason:
          'MasterUsername and MasterUserPassword are dynamic references to the generated Secrets Manager secret; the rule cannot read a reference whose secret id is a Ref, so it reports one.',
      },
      // DocumentDB exports 'audit' and 'profiler' (not per-event logs); the cluster parameter audit_logs
      // makes the audit log record authentication and DDL such as createIndex and dropCollection.
      ...['authenticate', 'createIndex', 'dropCollection'].map((log) => ({
        id: `AwsSolutions-DOC5[LogExport::${log}]`,
        reason: `The audit log export (audit_logs enabled in the cluster parameter group) records ${log} events; DocumentDB has no separate '${log}' export.`,
      })),
    );
  }
}
