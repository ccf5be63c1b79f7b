import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  LoadBalancer,
  Secret,
  SecretReference,
  Service,
  Volume,
} from '../../../constructs';
import { examplePath } from '../../project-root';
import { acknowledgeHttpOnly } from '../http-only';

/** Where the goals API keeps its data. */
export type GoalsDatabase = 'container' | 'hosted';

/** Properties of the goals example. */
export interface GoalsStackProps extends StackProps {
  /**
   * `container`: MongoDB runs as a service of the application, its data on a volume (EFS in the cloud).
   * `hosted`: a managed MongoDB (e.g. Atlas) given by a connection string kept in Secrets Manager.
   */
  readonly database: GoalsDatabase;
}

/**
 * The "goals" app of a Docker deployment course: a Node API under `/goals*` and a React frontend (built in a
 * Node stage, served by nginx) behind one load balancer, two or more tasks each, with MongoDB either as a
 * container with a persistent volume or as a hosted database.
 */
export class GoalsStack extends Stack {
  /** The goals application. */
  public readonly application: Application;
  /** The API. */
  public readonly backend: Service;
  /** The web frontend. */
  public readonly frontend: Service;
  /** The MongoDB service, in the `container` variant. */
  public readonly mongodb?: Service;
  /** The shared load balancer. */
  public readonly web: LoadBalancer;

  constructor(scope: Construct, id: string, props: GoalsStackProps) {
    super(scope, id, {
      description: `Course goals app on ECS Fargate behind one ALB, MongoDB ${props.database === 'container' ? 'in a container on EFS' : 'hosted'} (twinstack example)`,
      ...props,
    });
    const application = new Application(this, 'Goals', { name: 'goals' });
    this.application = application;

    let database: {
      environment: Record<string, string>;
      secrets: Record<string, SecretReference>;
      dependsOn: Dependency[];
    };
    if (props.database === 'container') {
      const password = Secret.generate(application, 'MongoPassword', {
        localVariable: 'MONGODB_PASSWORD',
        description: 'Root password of the goals MongoDB',
      });
      // The official image runs mongod as uid 999; the access point makes every file operation that user's.
      const data = new Volume(application, 'data', { uid: 999, gid: 999 });
      this.mongodb = new Service(application, 'mongodb', {
        image: Image.fromRegistry('mongo:7.0'),
        // The image's own user (its entrypoint switches to it when started as root); mongod writes its
        // socket and the entrypoint its init config in /tmp, and the image keeps /data/configdb writable.
        user: '999:999',
        writablePaths: ['/tmp', '/data/configdb'],
        ports: [{ containerPort: 27017 }],
        environment: { MONGO_INITDB_ROOT_USERNAME: 'goals' },
        secrets: { MONGO_INITDB_ROOT_PASSWORD: password.value() },
        mounts: [{ volume: data, path: '/data/db' }],
        healthCheck: HealthCheck.command(['mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"], {
          interval: Duration.seconds(10),
          startPeriod: Duration.seconds(30),
        }),
        cpu: 512,
        memoryMiB: 1024,
        // One mongod per data directory: stop the old task before the new one starts.
        minHealthyPercent: 0,
        maxHealthyPercent: 100,
      });
      database = {
        environment: { MONGODB_URL: this.mongodb.hostname, MONGODB_USERNAME: 'goals' },
        secrets: { MONGODB_PASSWORD: password.value() },
        dependsOn: [Dependency.healthy(this.mongodb)],
      };
    } else {
      const atlas = Secret.fromSecretName(application, 'MongoAtlas', 'goals/mongodb-atlas');
      database = {
        environment: {},
        secrets: {
          MONGODB_CONNECTION_STRING: atlas.field('connectionString', {
            localVariable: 'MONGODB_CONNECTION_STRING',
          }),
        },
        dependsOn: [],
      };
    }

    this.backend = new Service(application, 'backend', {
      image: Image.fromDirectory(examplePath('goals', 'backend')),
      // node:22-alpine runs as root (port 80); npm and node write only temporary files.
      writablePaths: ['/tmp'],
      ports: [{ containerPort: 80, protocol: 'http' }],
      ...database,
      desiredCount: 2,
      healthCheck: HealthCheck.http({ port: 80, path: '/goals', startPeriod: Duration.seconds(10) }),
    });
    this.frontend = new Service(application, 'frontend', {
      image: Image.fromDirectory(examplePath('goals', 'frontend'), {
        file: 'Dockerfile.prod',
        target: 'production',
      }),
      // The official nginx image: its master runs as root (port 80) and writes its pid file and caches.
      writablePaths: ['/var/cache/nginx', '/var/run', '/tmp'],
      ports: [{ containerPort: 80, protocol: 'http' }],
      desiredCount: 2,
      healthCheck: HealthCheck.http({ port: 80, path: '/' }),
    });
    this.backend.autoScale({
      minCapacity: 2,
      maxCapacity: 6,
      cpuUtilizationPercent: 70,
      requestsPerTarget: 500,
    });
    this.frontend.autoScale({ minCapacity: 2, maxCapacity: 4, cpuUtilizationPercent: 70 });

    this.web = new LoadBalancer(application, 'web');
    acknowledgeHttpOnly(this.web);
    this.web.addRoute('api', { service: this.backend, pathPatterns: ['/goals*'] });
    this.web.addRoute('site', { service: this.frontend });
  }
}
