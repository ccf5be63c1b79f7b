import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeSecretFindings, CONTROL_TOWER } from './aws/nag-findings';
import { CloudConnectionValue, DataService, DataServiceProps } from './data-service';
import { DatabaseEngine, DatabaseEngineKind } from './database-engine';
import { invalid } from './errors';
import { Job } from './job';
import { HealthCheck } from './values/health-check';
import { Image } from './values/image';
import { checkInteger, upperSnake } from './model/names';
import type { ConnectionUrlSpec, ConnectionValue, DataServiceSpec } from './model/spec';
import { Secret } from './secret';
import { placeData, placedIn } from './aws/data-placement';

export { DatabaseEngine } from './database-engine';
export type { DatabaseEngineKind } from './database-engine';

/** Properties of a Database. */
export interface DatabaseProps extends DataServiceProps {
  /** Engine and version (required: both twins run the same major version). */
  readonly engine: DatabaseEngine;
  /**
   * Name of the database created at first start.
   * @default - the service name with "-" replaced by "_"
   */
  readonly databaseName?: string;
  /**
   * Name of the administrative user. Choose one for a new database: AWS Control Tower's CT.RDS.PR.22 asks
   * for a name other than the engines' defaults, and the name cannot change once the database exists
   * (CloudFormation would replace it). With the default, that control is acknowledged on the database.
   * @default 'postgres' for PostgreSQL, 'admin' for MySQL and MariaDB
   */
  readonly username?: string;
  /**
   * Interval of RDS Enhanced Monitoring (operating-system metrics of the database host, in CloudWatch
   * Logs): 1, 5, 10, 15, 30 or 60 seconds, or `Duration.seconds(0)` to turn it off (e.g. for a development
   * stage, to save the log ingestion; AWS Control Tower's CT.RDS.PR.2 is then acknowledged with that
   * choice).
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;
  /**
   * Customer-managed KMS key that encrypts the database's storage. It is chosen at creation: a key added
   * to an existing database makes CloudFormation replace it. Without one, RDS encrypts the storage with the
   * account's AWS managed key (aws/rds), and AWS Control Tower's CT.RDS.PR.30 is acknowledged.
   * @default - the AWS managed key aws/rds
   */
  readonly storageEncryptionKey?: kms.IKey;
  /**
   * More databases to create on the same server, in both twins.
   * @default - none
   */
  readonly extraDatabases?: string[];
  /**
   * SQL file run after the extra databases are created, in both twins, each time a connected workload starts
   * (a task in the cloud, `docker compose up` locally); statements that fail (e.g. objects that already
   * exist) do not stop it, so write it to be re-runnable.
   * @default - none
   */
  readonly initScript?: string;
  /**
   * Aurora (Serverless v2) instead of an RDS instance (PostgreSQL and MySQL; MariaDB runs on instances only).
   * @default false
   */
  readonly aurora?: boolean;
  /**
   * Instance class of an RDS instance.
   * @default db.t4g.micro
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Storage of an RDS instance, in GiB.
   * @default 20
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Run a standby in a second availability zone (an RDS instance) or a reader (Aurora).
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Days automated backups are kept.
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Refuse deletion of the database.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the database when it leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Image of the local stand-in, for an official variant such as `postgres:16-alpine` or `mariadb:11.4-noble`;
   * its major version must match the engine's.
   * @default - the official image of the engine's major version, e.g. `postgres:16`
   */
  readonly localImage?: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Logs a MySQL instance or Aurora MySQL cluster exports to CloudWatch Logs. */
const MYSQL_LOG_EXPORTS = ['error', 'slowquery'];
const DEFAULT_PORTS: Record<DatabaseEngineKind, number> = { postgres: 5432, mysql: 3306, mariadb: 3306 };
const SERVICE_NAMES: Record<DatabaseEngineKind, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
};

/**
 * A relational database (PostgreSQL, MySQL or MariaDB). Cloud: an RDS instance (or Aurora cluster) in the
 * application's isolated subnets (private ones, with a warning, in a VPC without any), not publicly accessible, storage encrypted, automated backups, deletion
 * protection and a snapshot on deletion, credentials generated into Secrets Manager; only connected services
 * may reach its port. Local: the official image of the same major version with a named volume, a
 * `pg_isready`/`mysqladmin ping`/`mariadb-admin ping` health check, the same database name and user, the password from `.env`.
 * Extra databases and an init script run in both twins as a job that connected workloads wait for.
 */
export class Database extends DataService {
  /** The RDS instance, unless `aurora`. */
  public readonly instance?: rds.DatabaseInstance;
  /** The Aurora cluster, with `aurora`. */
  public readonly cluster?: rds.DatabaseCluster;
  /** Security group of the database. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The generated credentials (JSON: username, password, host, port, dbname, engine). */
  public readonly credentials: Secret;
  /** The job creating the extra databases and running the init script, when there are any. */
  public readonly initJob?: Job;
  public readonly kind: DatabaseEngineKind;
  protected readonly supportedValues: readonly ConnectionValue[] = [
    'host',
    'port',
    'database',
    'username',
    'password',
    'url',
  ];
  /** @internal */
  public readonly _resource: IConstruct;
  /** @internal */
  public readonly _cloudPort: ec2.Port;
  private readonly spec: DataServiceSpec;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id, props);
    const at = this.node.path;
    if (!props || !(props.engine instanceof DatabaseEngine)) {
      throw invalid(
        at,
        'engine',
        props?.engine,
        'is required; use DatabaseEngine.postgres("16"), DatabaseEngine.mysql("8.0") or DatabaseEngine.mariadb("11.4")',
      );
    }
    const engine = props.engine;
    this.kind = engine.kind;
    const aurora = props.aurora ?? false;
    const release = engine._resolve(at, aurora);
    const major = release.major;
    const databaseName = props.databaseName ?? this.name.replace(/-/g, '_');
    if (!IDENTIFIER.test(databaseName))
      throw invalid(
        at,
        'databaseName',
        databaseName,
        'must be a letter then letters, digits or "_" (at most 63)',
      );
    const username = props.username ?? (engine.kind === 'postgres' ? 'postgres' : 'admin');
    const reserved = ['rdsadmin', 'rdsrepladmin', 'root', ...(engine.kind === 'postgres' ? ['admin'] : [])];
    if (
      !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username) ||
      reserved.includes(username.toLowerCase()) ||
      username.startsWith('pg_')
    ) {
      throw invalid(
        at,
        'username',
        username,
        `must be 1 to 16 letters, digits or "_" starting with a letter, and not a name the engine reserves (${reserved.join(', ')}${engine.kind === 'postgres' ? ', pg_*' : ''})`,
      );
    }
    const extraDatabases = props.extraDatabases ?? [];
    for (const db of extraDatabases) {
      if (!IDENTIFIER.test(db))
        throw invalid(at, 'extraDatabases', db, 'must be a letter then letters, digits or "_" (at most 63)');
    }
    if (new Set([databaseName, ...extraDatabases]).size !== extraDatabases.length + 1) {
      throw invalid(at, 'extraDatabases', extraDatabases, 'lists a database twice (or the main database)');
    }
    let initSql = '';
    if (props.initScript !== undefined) {
      const file = path.resolve(props.initScript);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile())
        throw invalid(at, 'initScript', props.initScript, `is not a file (looked for ${file})`);
      initSql = fs.readFileSync(file, 'utf8');
      if (Buffer.byteLength(initSql) > 16384)
        throw invalid(
          at,
          'initScript',
          props.initScript,
          "is larger than 16 KiB; it travels in the init job's environment",
        );
    }
    const localImage = props.localImage ?? release.image;
    if (props.localImage !== undefined) {
      Image.fromRegistry(props.localImage)._toSpec(at);
      const tag = props.localImage.split('/').pop()!.split('@')[0].split(':')[1] ?? '';
      const image = props.localImage.split('/').pop()!.split(':')[0];
      if (
        image !== engine.kind ||
        !(tag === major || tag.startsWith(`${major}.`) || tag.startsWith(`${major}-`))
      ) {
        throw invalid(
          at,
          'localImage',
          props.localImage,
          `must be an official ${engine.kind} image of major version ${major}, e.g. "${engine.kind}:${major}-${{ postgres: 'alpine', mysql: 'oracle', mariadb: 'noble' }[engine.kind]}"`,
        );
      }
    }
    const port = DEFAULT_PORTS[engine.kind];

    // Cloud twin.
    const vpc = this.application.vpc;
    const subnets = placeData(this, vpc, `database '${this.name}'`).subnetType;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Database ${this.name}: connected services only`,
    });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const deletionProtection = props.deletionProtection ?? true;
    const backupRetention = Duration.days(
      props.backupRetentionDays === undefined
        ? 7
        : checkInteger(at, 'backupRetentionDays', props.backupRetentionDays, 1, 35),
    );
    const monitoringSeconds = checkMonitoringInterval(at, props.monitoringInterval);
    if (
      props.storageEncryptionKey !== undefined &&
      typeof (props.storageEncryptionKey as Partial<kms.IKey> | null)?.keyArn !== 'string'
    ) {
      throw invalid(at, 'storageEncryptionKey', props.storageEncryptionKey, 'must be a KMS key (kms.IKey)');
    }
    const monitoring =
      monitoringSeconds > 0 ? { monitoringInterval: Duration.seconds(monitoringSeconds) } : {};
    const credentials = rds.Credentials.fromGeneratedSecret(username, {
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,',
    });
    let secret;
    if (aurora) {
      const clusterEngine =
        engine.kind === 'postgres'
          ? rds.DatabaseClusterEngine.auroraPostgres({
              version: rds.AuroraPostgresEngineVersion.of(release.cloud, major),
            })
          : rds.DatabaseClusterEngine.auroraMysql({
              version: rds.AuroraMysqlEngineVersion.of(release.cloud, major),
            });
      this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
        engine: clusterEngine,
        vpc,
        vpcSubnets: { subnetType: subnets },
        securityGroups: [this.securityGroup],
        credentials,
        defaultDatabaseName: databaseName,
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        ...(engine.kind === 'mysql' ? { backtrackWindow: Duration.hours(24) } : {}),
        readers: props.multiAz ? [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })] : [],
        storageEncrypted: true,
        ...(props.storageEncryptionKey ? { storageEncryptionKey: props.storageEncryptionKey } : {}),
        iamAuthentication: true,
        ...monitoring,
        backup: { retention: backupRetention },
        deletionProtection,
        removalPolicy,
        cloudwatchLogsExports: engine.kind === 'postgres' ? ['postgresql'] : [...MYSQL_LOG_EXPORTS],
      });
      secret = this.cluster.secret!;
      this._resource = this.cluster;
    } else {
      const allocatedStorage =
        props.allocatedStorageGiB === undefined
          ? 20
          : checkInteger(at, 'allocatedStorageGiB', props.allocatedStorageGiB, 20, 65536);
      this.instance = new rds.DatabaseInstance(this, 'Instance', {
        engine:
          engine.kind === 'postgres'
            ? rds.DatabaseInstanceEngine.postgres({
                version: rds.PostgresEngineVersion.of(release.cloud, major),
              })
            : engine.kind === 'mysql'
              ? rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.of(release.cloud, major) })
              : rds.DatabaseInstanceEngine.mariaDb({
                  version: rds.MariaDbEngineVersion.of(release.cloud, major),
                }),
        vpc,
        vpcSubnets: { subnetType: subnets },
        securityGroups: [this.securityGroup],
        credentials,
        databaseName,
        instanceType:
          props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
        allocatedStorage,
        storageEncrypted: true,
        ...(props.storageEncryptionKey ? { storageEncryptionKey: props.storageEncryptionKey } : {}),
        iamAuthentication: true,
        ...monitoring,
        publiclyAccessible: false,
        multiAz: props.multiAz ?? false,
        backupRetention,
        deletionProtection,
        removalPolicy,
        autoMinorVersionUpgrade: true,
        cloudwatchLogsExports:
          engine.kind === 'postgres' ? ['postgresql', 'upgrade'] : [...MYSQL_LOG_EXPORTS],
      });
      secret = this.instance.secret!;
      this._resource = this.instance;
    }
    this._cloudPort = ec2.Port.tcp(port);
    this.acknowledgeNagFindings(engine.kind, aurora, props.multiAz ?? false, {
      defaultUsername: props.username === undefined,
      monitoring: monitoringSeconds > 0,
      customerKey: props.storageEncryptionKey !== undefined,
    });
    const service = `${aurora ? 'Aurora' : 'RDS'} ${SERVICE_NAMES[engine.kind]}`;
    this.credentials = Secret._managed(
      this,
      `${this.name}-credentials`,
      secret,
      `${service} '${this.name}'`,
      {
        localVariable: `${upperSnake(this.name)}_PASSWORD`,
      },
    );
    // The generated credentials (the secret itself; `secret` is its attachment to the database). They
    // outlive the stack like the final snapshot does, so a restored database can still be opened.
    const generated = this._resource.node.findChild('Secret') as secretsmanager.Secret;
    generated.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeSecretFindings(
      generated,
      'Rotating the database password also needs every connected task restarted to read it; add rotation with the instance or cluster addRotationSingleUser() where the application tolerates that.',
    );
    const password = this.credentials.field('password', {
      localVariable: `${upperSnake(this.name)}_PASSWORD`,
    });

    this.spec = {
      name: this.name,
      path: at,
      kind: engine.kind,
      version: engine.version,
      cloud: aurora
        ? `${service} ${engine.version} (Serverless v2)`
        : `${service} ${engine.version} (db.${(props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO)).toString()})`,
      local: {
        image: localImage,
        port,
        ...(this.hostPort !== undefined ? { hostPort: this.hostPort } : {}),
        environment:
          engine.kind === 'postgres'
            ? { POSTGRES_DB: databaseName, POSTGRES_USER: username }
            : engine.kind === 'mysql'
              ? { MYSQL_DATABASE: databaseName, MYSQL_USER: username }
              : { MARIADB_DATABASE: databaseName, MARIADB_USER: username },
        secrets:
          engine.kind === 'postgres'
            ? { POSTGRES_PASSWORD: password._toSpec() }
            : engine.kind === 'mysql'
              ? { MYSQL_PASSWORD: password._toSpec(), MYSQL_ROOT_PASSWORD: password._toSpec() }
              : { MARIADB_PASSWORD: password._toSpec(), MARIADB_ROOT_PASSWORD: password._toSpec() },
        // Over TCP: the images' first-start setup servers listen on the socket only.
        healthCheck: HealthCheck.shell(
          {
            postgres: `pg_isready -h 127.0.0.1 -U ${username} -d ${databaseName}`,
            mysql: 'mysqladmin ping -h 127.0.0.1 --silent',
            // MariaDB 11 images name their tools mariadb-*, without the mysql* aliases.
            mariadb: 'mariadb-admin ping -h 127.0.0.1 --silent',
          }[engine.kind],
          LOCAL_CHECK,
        )._toSpec(at, 'local.healthCheck'),
        ...this._localData(engine.kind === 'postgres' ? '/var/lib/postgresql/data' : '/var/lib/mysql'),
        // The RDS master user may create databases; the image grants its user one database only.
        ...(engine.kind !== 'postgres' ? { command: grantAllCommand(engine.kind) } : {}),
      },
      values: {
        host: this.name,
        port,
        database: databaseName,
        username,
        password: password._toSpec(),
        // MariaDB speaks the MySQL protocol; MySQL clients and URL parsers read `mysql://`.
        scheme: engine.kind === 'postgres' ? 'postgres' : 'mysql',
      },
    };
    if (extraDatabases.length > 0 || initSql !== '') {
      const jobName = `${this.name}-init`;
      const taken = this.application.node.tryFindChild(jobName);
      if (taken) {
        throw invalid(
          at,
          'extraDatabases',
          extraDatabases.length ? extraDatabases : props.initScript,
          `need an init job named '${jobName}', and ${taken.node.path} already has that id; rename one of them`,
        );
      }
      this.initJob = new Job(this.application, `${this.name}-init`, {
        image: Image.fromRegistry(release.image),
        command: ['sh', '-c', initCommand(engine.kind)],
        environment: {
          TWINSTACK_CREATE_DATABASES: createDatabasesSql(engine.kind, extraDatabases),
          TWINSTACK_INIT_SQL: initSql,
        },
      });
      this.initJob.connectTo(
        this,
        engine.kind === 'postgres'
          ? {
              host: 'PGHOST',
              port: 'PGPORT',
              username: 'PGUSER',
              database: 'PGDATABASE',
              password: 'PGPASSWORD',
            }
          : {
              host: 'DB_HOST',
              port: 'DB_PORT',
              username: 'DB_USER',
              database: 'DB_NAME',
              password: 'MYSQL_PWD',
            },
      );
    }
  }

  /** @internal */
  public get _initJob(): Job | undefined {
    return this.initJob;
  }

  /** The model of this database. */
  public toSpec(): DataServiceSpec {
    return this.spec;
  }

  /** The instance or cluster accepts plain connections as well as TLS: the client chooses. @internal */
  protected get _tlsInCloud(): boolean {
    return false;
  }

  /** @internal */
  protected _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue {
    const field = {
      host: 'host',
      port: 'port',
      database: 'dbname',
      username: 'username',
      password: 'password',
    }[value];
    return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret, field) };
  }

  /** The engine's scheme and the database as the path, in both twins. @internal */
  public _ownUrl(): ConnectionUrlSpec {
    const v = this.spec.values;
    const parts = { scheme: v.scheme, path: `/${v.database}`, query: '' };
    return { cloud: parts, local: parts };
  }

  /** @internal */
  protected _cloudUrlEndpoint() {
    const endpoint = this.instance
      ? { host: this.instance.dbInstanceEndpointAddress, port: this.instance.dbInstanceEndpointPort }
      : {
          host: this.cluster!.clusterEndpoint.hostname,
          port: Token.asString(this.cluster!.clusterEndpoint.port),
        };
    const password = this.credentials.secret.secretValueFromJson('password').unsafeUnwrap();
    return { credentials: [`${this.spec.values.username}:`, password], ...endpoint };
  }

  private acknowledgeNagFindings(
    kind: DatabaseEngineKind,
    aurora: boolean,
    multiAz: boolean,
    choices: { defaultUsername: boolean; monitoring: boolean; customerKey: boolean },
  ): void {
    const target = (this.instance ?? this.cluster)!;
    const standardPort = `The engine's standard port keeps both twins alike and is what clients and tools of the engine expect; the database sits in ${placedIn(this)} and its security group admits only the connected services, so another port would hide nothing.`;
    Validations.of(target).acknowledge(
      { id: 'AwsSolutions-RDS11', reason: standardPort },
      { id: `${CONTROL_TOWER}::rds_instance_no_default_ports_check`, reason: standardPort },
      {
        id: 'NIST.800.53.R5-RDSInBackupPlan',
        reason:
          'Automated backups with point-in-time recovery are on (backupRetentionDays, 7 by default) and deletion leaves a final snapshot; an AWS Backup plan is usually an account-wide policy, so add the database to yours with a backup selection.',
      },
    );
    if (choices.monitoring) {
      Validations.of(target).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'The Enhanced Monitoring role only lets RDS write the operating-system metrics to CloudWatch Logs; the AWS managed policy is exactly that permission and follows the service.',
      });
    } else {
      const off = `Database ${this.node.path} turned Enhanced Monitoring off (monitoringInterval: 0 seconds), a choice for a stage that does without operating-system metrics; CloudWatch still has the database's own metrics.`;
      Validations.of(target).acknowledge(
        { id: 'NIST.800.53.R5-RDSEnhancedMonitoringEnabled', reason: off },
        { id: `${CONTROL_TOWER}::rds_instance_enhanced_monitoring_enabled_check`, reason: off },
      );
    }
    if (choices.defaultUsername) {
      Validations.of(target).acknowledge({
        id: `${CONTROL_TOWER}::rds_instance_default_admin_check`,
        reason: `Database ${this.node.path} keeps the engine's default admin name (prop username): the name cannot change once the database exists without CloudFormation replacing it, so the default stays what it was; the password is generated, kept in Secrets Manager, and the database admits only connected services. Set username for a new database.`,
      });
    }
    if (!choices.customerKey) {
      Validations.of(target).acknowledge({
        id: `${CONTROL_TOWER}::rds_storage_encrypted_kms_key_check`,
        reason: `Database ${this.node.path} is encrypted at rest with the account's AWS managed key for RDS (aws/rds), which needs no key policy or grants; a customer-managed key (prop storageEncryptionKey) can only be chosen when the database is created, since CloudFormation replaces a database whose key changes.`,
      });
    }
    if (kind !== 'postgres') {
      const statements =
        'The error and slow query logs are exported. The audit log needs the MariaDB audit plugin (an option group; server_audit parameters on Aurora) and the general log records every statement with its values, so both are for applications that must keep a statement trail: add the plugin or parameters and the export there.';
      Validations.of(target).acknowledge(
        { id: 'NIST.800.53.R5-RDSLoggingEnabled[LogExport::audit]', reason: statements },
        { id: 'NIST.800.53.R5-RDSLoggingEnabled[LogExport::general]', reason: statements },
      );
    }
    if (!aurora && !multiAz) {
      const singleAz =
        'Single-AZ by default keeps development stages cheap; production stages set multiAz: true.';
      Validations.of(target).acknowledge(
        { id: 'AwsSolutions-RDS3', reason: singleAz },
        { id: 'NIST.800.53.R5-RDSMultiAZSupport', reason: singleAz },
        { id: `${CONTROL_TOWER}::rds_instance_multi_az_support_check`, reason: singleAz },
      );
    }
  }
}

const LOCAL_CHECK = {
  interval: Duration.seconds(5),
  timeout: Duration.seconds(5),
  retries: 20,
  startPeriod: Duration.seconds(10),
};

function createDatabasesSql(kind: DatabaseEngineKind, databases: readonly string[]): string {
  return databases
    .map((db) =>
      kind === 'postgres'
        ? `SELECT 'CREATE DATABASE "${db}"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db}')\\gexec`
        : `CREATE DATABASE IF NOT EXISTS \`${db}\`;`,
    )
    .join('\n');
}

function initCommand(kind: DatabaseEngineKind): string {
  if (kind === 'postgres') {
    return 'printf "%s\\n" "$TWINSTACK_CREATE_DATABASES" | psql -q -v ON_ERROR_STOP=1 && printf "%s\\n" "$TWINSTACK_INIT_SQL" | psql -q';
  }
  // The client of MariaDB 11 images is `mariadb` only; it reads the password from MYSQL_PWD like mysql.
  const client = kind === 'mysql' ? 'mysql' : 'mariadb';
  return `${client}() { command ${client} --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" "$@"; }; printf "%s\\n" "$TWINSTACK_CREATE_DATABASES" | ${client} && printf "%s\\n" "$TWINSTACK_INIT_SQL" | ${client} --force "$DB_NAME"`;
}

/**
 * The local MySQL or MariaDB server's command: it grants the image's user what the RDS master user has
 * (every database, with grant option), then starts the server as the image does.
 */
function grantAllCommand(kind: 'mysql' | 'mariadb'): string[] {
  const user = kind === 'mysql' ? '$MYSQL_USER' : '$MARIADB_USER';
  const server = kind === 'mysql' ? 'mysqld' : 'mariadbd';
  return [
    'sh',
    '-c',
    `echo "GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION;" > /docker-entrypoint-initdb.d/00-twinstack-grants.sql && exec docker-entrypoint.sh ${server}`,
  ];
}

const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];

function checkMonitoringInterval(at: string, interval: unknown): number {
  if (interval === undefined) return 60;
  const seconds = interval instanceof Duration ? interval.toSeconds() : undefined;
  if (seconds === undefined || !MONITORING_INTERVALS.includes(seconds)) {
    throw invalid(
      at,
      'monitoringInterval',
      interval instanceof Duration ? interval.toHumanString() : interval,
      'must be a Duration of 1, 5, 10, 15, 30 or 60 seconds, or Duration.seconds(0) for no Enhanced Monitoring',
    );
  }
  return seconds;
}
