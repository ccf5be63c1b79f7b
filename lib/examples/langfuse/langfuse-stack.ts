import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  Application,
  Bucket,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  Dependency,
  HealthCheck,
  Image,
  LoadBalancer,
  Secret,
  Service,
  StartVariable,
  StatefulService,
} from '../../../constructs';
import { acknowledgeHttpOnly } from '../http-only';

/**
 * An LLM-observability platform modelled on Langfuse v3's self-hosting compose file: a Next.js web
 * application and a background worker sharing one configuration, PostgreSQL for transactional data,
 * ClickHouse for traces (self-hosted: no managed AWS equivalent), Redis for the worker's queues and an S3
 * bucket for event and media uploads (MinIO in the original). Settings the original reads as
 * `${VAR:-default}` stay start-time variables; published ports listen on 127.0.0.1 only, as there.
 */
export class LangfuseStack extends Stack {
  /** The application. */
  public readonly application: Application;
  /** The web application. */
  public readonly web: Service;
  /** The background worker. */
  public readonly worker: Service;
  /** ClickHouse, run as a stateful service of its own. */
  public readonly clickhouse: StatefulService;
  /** Event and media uploads. */
  public readonly uploads: Bucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'LLM-observability platform on ECS Fargate (twinstack example)',
      ...props,
    });
    const application = new Application(this, 'Langfuse', { name: 'langfuse' });
    this.application = application;

    const postgres = new Database(application, 'postgres', {
      engine: DatabaseEngine.postgres('17'),
      databaseName: 'postgres',
      hostPort: 5432,
      localVolumeName: 'langfuse_postgres_data',
    });
    const redis = new Cache(application, 'redis', {
      engine: CacheEngine.redis('7'),
      hostPort: 6379,
    });
    this.uploads = new Bucket(application, 'langfuse');

    const clickhousePassword = Secret.generate(application, 'ClickhousePassword', {
      length: 32,
      excludePunctuation: true,
      localVariable: 'CLICKHOUSE_PASSWORD',
      description: 'Password of the ClickHouse user the web application and the worker use',
    });
    const salt = Secret.generate(application, 'Salt', {
      length: 32,
      excludePunctuation: true,
      localVariable: 'SALT',
      description: 'Salt of hashed API keys',
    });
    const nextAuthSecret = Secret.generate(application, 'NextAuthSecret', {
      length: 48,
      excludePunctuation: true,
      localVariable: 'NEXTAUTH_SECRET',
      description: 'Secret that signs session cookies',
    });
    // 256 bits as 64 hexadecimal digits (`openssl rand -hex 32`): a format no generated secret has, so the
    // secret is created beforehand, in the cloud as in .env.
    const encryptionKey = Secret.fromSecretName(application, 'EncryptionKey', 'langfuse/encryption-key', {
      localVariable: 'ENCRYPTION_KEY',
    });

    // ClickHouse keeps its data itself: one task, deployments that never overlap, its own EFS volume.
    this.clickhouse = new StatefulService(application, 'clickhouse', {
      image: Image.fromRegistry('clickhouse/clickhouse-server:25.8'),
      user: '101:101',
      environment: { CLICKHOUSE_DB: 'default', CLICKHOUSE_USER: 'clickhouse' },
      secrets: { CLICKHOUSE_PASSWORD: clickhousePassword.value() },
      ports: [
        { containerPort: 8123, hostPort: 8123, protocol: 'http' },
        { containerPort: 9000, hostPort: 9000 },
      ],
      // ClickHouse opens a file per part of every table: the open-files limit it documents.
      ulimits: { nofile: { soft: 262144, hard: 262144 } },
      writablePaths: ['/tmp', '/var/log/clickhouse-server'],
      cpu: 1024,
      memoryMiB: 4096,
      healthCheck: HealthCheck.shell(
        'wget --no-verbose --tries=1 --spider http://localhost:8123/ping || exit 1',
        {
          interval: Duration.seconds(5),
          timeout: Duration.seconds(5),
          retries: 10,
          startPeriod: Duration.seconds(1),
        },
      ),
      data: { path: '/var/lib/clickhouse', volumeName: 'langfuse_clickhouse_data', uid: 101 },
    });

    const shared = {
      TELEMETRY_ENABLED: StartVariable.named('TELEMETRY_ENABLED', { default: 'true' }),
      LANGFUSE_ENABLE_EXPERIMENTAL_FEATURES: StartVariable.named('LANGFUSE_ENABLE_EXPERIMENTAL_FEATURES', {
        default: 'true',
      }),
      CLICKHOUSE_MIGRATION_URL: `clickhouse://${this.clickhouse.endpoint(9000)}`,
      CLICKHOUSE_URL: `http://${this.clickhouse.endpoint(8123)}`,
      CLICKHOUSE_USER: 'clickhouse',
      CLICKHOUSE_CLUSTER_ENABLED: 'false',
      LANGFUSE_USE_AZURE_BLOB: 'false',
      LANGFUSE_S3_EVENT_UPLOAD_PREFIX: 'events/',
      LANGFUSE_S3_MEDIA_UPLOAD_PREFIX: 'media/',
      LANGFUSE_S3_BATCH_EXPORT_ENABLED: StartVariable.named('LANGFUSE_S3_BATCH_EXPORT_ENABLED', {
        default: 'false',
      }),
    };
    const secrets = {
      CLICKHOUSE_PASSWORD: clickhousePassword.value(),
      SALT: salt.value(),
      ENCRYPTION_KEY: encryptionKey.value(),
    };
    const connect = (service: Service) => {
      service.connectTo(postgres, { url: 'DATABASE_URL' });
      // ElastiCache speaks only TLS; the local stand-in plain Redis: the flag follows the twin.
      service.connectTo(redis, {
        host: 'REDIS_HOST',
        port: 'REDIS_PORT',
        password: 'REDIS_AUTH',
        tls: 'REDIS_TLS_ENABLED',
      });
      service.connectTo(this.uploads, {
        access: 'readWrite',
        bucketName: 'LANGFUSE_S3_EVENT_UPLOAD_BUCKET',
      });
      service.addDependency(Dependency.healthy(this.clickhouse));
    };

    this.worker = new Service(application, 'langfuse-worker', {
      image: Image.fromRegistry('langfuse/langfuse-worker:3'),
      environment: shared,
      secrets,
      ports: [{ containerPort: 3030, hostPort: 3030, protocol: 'http' }],
      restart: 'always',
      writablePaths: ['/tmp'],
      cpu: 1024,
      memoryMiB: 2048,
    });
    connect(this.worker);

    this.web = new Service(application, 'langfuse-web', {
      image: Image.fromRegistry('langfuse/langfuse:3'),
      environment: {
        ...shared,
        NEXTAUTH_URL: StartVariable.named('NEXTAUTH_URL', { default: 'http://localhost:3000' }),
      },
      secrets: { ...secrets, NEXTAUTH_SECRET: nextAuthSecret.value() },
      ports: [{ containerPort: 3000, hostPort: 3000, protocol: 'http' }],
      restart: 'always',
      writablePaths: ['/tmp'],
      cpu: 1024,
      memoryMiB: 2048,
      healthCheck: HealthCheck.http({
        port: 3000,
        path: '/api/public/health',
        startPeriod: Duration.seconds(60),
      }),
    });
    connect(this.web);

    const lb = new LoadBalancer(application, 'public');
    acknowledgeHttpOnly(lb);
    lb.addRoute('web', { service: this.web });
  }
}
