import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';
import {
  Application,
  Dependency,
  HealthCheck,
  HealthCheckOptions,
  Image,
  Secret,
  Service,
  Volume,
  WarningIds,
} from '../../../constructs';
import { examplePath } from '../../project-root';

/** Properties of the VALAWAI example. */
export interface ValawaiStackProps extends StackProps {
  /**
   * Whether the cloud twin includes the optional `mov` part (the Master Of VALAWAI with its RabbitMQ and
   * MongoDB): a complete VALAWAI in the stack. Without it the component connects to the broker of an
   * existing VALAWAI at `brokerHost`. Locally the `mov` part is always there, under its compose profile.
   */
  readonly mov: boolean;
  /**
   * Host name of the RabbitMQ broker the component uses when the cloud twin leaves `mov` out.
   * @default 'mq'
   */
  readonly brokerHost?: string;
}

/** The health-check timing every VALAWAI container uses: patient start, frequent probes while starting. */
const TIMING: HealthCheckOptions = {
  interval: Duration.minutes(1),
  timeout: Duration.seconds(10),
  retries: 5,
  startPeriod: Duration.minutes(1),
  startInterval: Duration.seconds(5),
};

/** The MongoDB init script of the component's compose file: the MOV's own database user. */
const INIT_MONGO = `db.createUser({
  user: process.env.MOV_DB_USER_NAME,
  pwd: process.env.MOV_DB_USER_PASSWORD,
  roles: [{
    role: 'readWrite',
    db: process.env.MOV_DB_NAME
  }]
})
`;

/**
 * The VALAWAI C1 echo component (Python + RabbitMQ) with the optional `mov` part of its compose file:
 * RabbitMQ, MongoDB (its init script carried inline) and the MOV UI. The component waits for the MOV when
 * it is there (an optional dependency) and is built for linux/amd64 and linux/arm64.
 */
export class ValawaiStack extends Stack {
  /** The VALAWAI application. */
  public readonly application: Application;
  /** The echo component (a worker: no port, no load balancer). */
  public readonly component: Service;
  /** The Master Of VALAWAI. */
  public readonly mov: Service;

  constructor(scope: Construct, id: string, props: ValawaiStackProps) {
    super(scope, id, {
      description: `VALAWAI C1 echo component${props.mov ? ' with the Master Of VALAWAI' : ''} on ECS Fargate (twinstack example)`,
      ...props,
    });
    const application = new Application(this, 'Valawai', {
      name: 'valawai',
      profiles: props.mov ? ['mov'] : [],
    });
    this.application = application;

    const mqPassword = Secret.generate(application, 'MqPassword', {
      localVariable: 'MQ_PASSWORD',
      description: 'Password of the RabbitMQ user mov',
    });
    const mongoRootPassword = Secret.generate(application, 'MongoRootPassword', {
      localVariable: 'MONGO_ROOT_PASSWORD',
      description: 'Password of the MongoDB root user',
    });
    // The MOV's own database user, as the operator creates it (JSON fields `name` and `password`); locally
    // MOV_DB_USER_NAME and MOV_DB_USER_PASSWORD from .env, as in the component's compose file.
    const movDbUser = Secret.fromSecretName(application, 'MovDbUser', 'valawai/mov-db-user', {
      localVariablePrefix: 'MOV_DB_USER_',
    });

    // The `mov` part. RabbitMQ and MongoDB are single containers (as in the compose file), stopped before
    // a replacement starts.
    const singleton = { minHealthyPercent: 0, maxHealthyPercent: 100 };
    const mq = new Service(application, 'mq', {
      profile: 'mov',
      image: Image.fromRegistry('rabbitmq:4.1-management'),
      // RabbitMQ's data (with its Erlang cookie) and logs; the MOV's broker keeps no data across restarts.
      writablePaths: ['/var/lib/rabbitmq', '/var/log/rabbitmq', '/tmp'],
      ports: [
        { containerPort: 5672, hostPort: 5672 },
        { containerPort: 15672, hostPort: 8082, protocol: 'http' },
      ],
      environment: { RABBITMQ_DEFAULT_USER: 'mov' },
      secrets: { RABBITMQ_DEFAULT_PASS: mqPassword.value() },
      healthCheck: HealthCheck.shell('rabbitmq-diagnostics -q ping', TIMING),
      cpu: 512,
      memoryMiB: 1024,
      ...singleton,
    });
    // The official image runs mongod as uid 999; the access point makes every file operation that user's.
    const mongoData = new Volume(application, 'mongo-data', { uid: 999, gid: 999, profile: 'mov' });
    const mongo = new Service(application, 'mongo', {
      profile: 'mov',
      image: Image.fromRegistry('mongo:8.0'),
      // The image's own user (uid 999, the volume's owner); mongod's socket and the entrypoint's init
      // config go to /tmp, and the image keeps /data/configdb writable.
      user: '999:999',
      writablePaths: ['/tmp', '/data/configdb'],
      ports: [{ containerPort: 27017, hostPort: 27017 }],
      environment: {
        MONGO_INITDB_ROOT_USERNAME: 'root',
        MONGO_INITDB_DATABASE: 'movDB',
        MOV_DB_NAME: 'movDB',
      },
      secrets: {
        MONGO_INITDB_ROOT_PASSWORD: mongoRootPassword.value(),
        MOV_DB_USER_NAME: movDbUser.field('name'),
        MOV_DB_USER_PASSWORD: movDbUser.field('password'),
      },
      mounts: [{ volume: mongoData, path: '/data/db' }],
      configFiles: [{ path: '/docker-entrypoint-initdb.d/init-mongo.js', content: INIT_MONGO }],
      healthCheck: HealthCheck.shell(
        "mongosh --quiet localhost/movDB --eval 'quit(db.runCommand({ ping: 1 }).ok ? 0 : 2)'",
        TIMING,
      ),
      cpu: 512,
      memoryMiB: 1024,
      ...singleton,
    });
    this.mov = new Service(application, 'mov', {
      profile: 'mov',
      image: Image.fromRegistry('valawai/mov:latest'),
      // Quarkus (Vert.x) keeps its file cache in /tmp.
      writablePaths: ['/tmp'],
      ports: [{ containerPort: 8080, hostPort: 8081, protocol: 'http' }],
      environment: {
        RABBITMQ_HOST: mq.hostname,
        RABBITMQ_PORT: '5672',
        RABBITMQ_USERNAME: 'mov',
        QUARKUS_MONGODB_DATABASE: 'movDB',
        QUARKUS_MONGODB_HOSTS: mongo.endpoint(27017),
        MOV_URL: 'http://0.0.0.0:8081',
      },
      secrets: {
        RABBITMQ_PASSWORD: mqPassword.value(),
        QUARKUS_MONGODB_CREDENTIALS_USERNAME: movDbUser.field('name'),
        QUARKUS_MONGODB_CREDENTIALS_PASSWORD: movDbUser.field('password'),
      },
      healthCheck: HealthCheck.shell(
        String.raw`curl -s http://0.0.0.0:8080/q/health | grep -m 1 -P "^[\s|\{|\"]+status[\s|\:|\"]+.+\"" |grep -q "\"UP\""`,
        TIMING,
      ),
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.healthy(mongo, { restart: true }), Dependency.healthy(mq, { restart: true })],
    });

    // The component: always deployed; it waits for the MOV (and may reach its broker) when the MOV is part
    // of the twin, and starts without it otherwise.
    this.component = new Service(application, 'echo_example_with_python_and_pika', {
      image: Image.fromDirectory(examplePath('valawai', 'c1_echo'), {
        platforms: [Platform.LINUX_AMD64, Platform.LINUX_ARM64],
      }),
      // LOG_DIR=logs: the component's log files and the component id its health check reads.
      writablePaths: ['/app/logs', '/tmp'],
      environment: {
        RABBITMQ_HOST: props.mov ? mq.hostname : (props.brokerHost ?? 'mq'),
        RABBITMQ_PORT: '5672',
        RABBITMQ_USERNAME: 'mov',
        LOG_CONSOLE_LEVEL: 'INFO',
      },
      secrets: { RABBITMQ_PASSWORD: mqPassword.value() },
      healthCheck: HealthCheck.shell('test -s /app/logs/component_id.json', TIMING),
      dependsOn: [
        Dependency.healthy(this.mov, { optional: true, restart: true }),
        Dependency.healthy(mq, { optional: true }),
      ],
    });

    for (const service of [mq, mongo, this.mov, this.component]) {
      if (!service.isDeployed) continue;
      Annotations.of(service).acknowledgeWarning(
        WarningIds.HEALTH_CHECK_ADJUSTED,
        'ECS has no start interval: it probes every minute from the start, so a container is seen healthy up to a minute later than locally; the start period and retries are the same.',
      );
    }
  }
}
