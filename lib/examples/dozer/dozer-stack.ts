import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  Job,
  Secret,
  Service,
  Volume,
  WarningIds,
  WorkloadProps,
} from '../../../constructs';
import { examplePath } from '../../project-root';

/**
 * The Dozer real-time data API (Snowflake sample): one image in three roles. `dozer-build` builds the
 * pipeline state once, `dozer-app` runs the pipeline once the build succeeded and serves internal gRPC on
 * 50053, `dozer-api` serves REST (8080) and gRPC (50051) once the app is healthy, reaching it by name.
 * The three share the `.dozer` state directory.
 */
export class DozerStack extends Stack {
  /** The Dozer application. */
  public readonly application: Application;
  /** The one-shot build. */
  public readonly build: Job;
  /** The data pipeline. */
  public readonly app: Service;
  /** The public API. */
  public readonly api: Service;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Dozer real-time data API on ECS Fargate (twinstack example)',
      ...props,
    });
    const application = new Application(this, 'Dozer', { name: 'dozer' });
    this.application = application;

    // Snowflake connection settings live in one JSON secret; locally they are SN_SERVER, SN_USER, ... in .env.
    const snowflake = Secret.fromSecretName(application, 'Snowflake', 'dozer/snowflake', {
      localVariablePrefix: 'SN_',
    });
    const state = new Volume(application, 'dozer-state');
    const common: WorkloadProps = {
      image: Image.fromDirectory(examplePath('dozer', 'image')),
      workingDirectory: '/usr/local/bin',
      environment: { APP_HOST: '0.0.0.0' },
      secrets: Object.fromEntries(
        ['server', 'user', 'password', 'database', 'warehouse', 'role'].map((f) => [
          `SN_${f.toUpperCase()}`,
          snowflake.field(f),
        ]),
      ),
      mounts: [{ volume: state, path: '/usr/local/bin/.dozer' }],
      // Dozer writes only its state, in .dozer: the volume (a read-only root filesystem needs no other path).
      cpu: 1024,
      memoryMiB: 2048,
    };

    this.build = new Job(application, 'dozer-build', {
      ...common,
      command: ['/bin/sh', '-c', 'dozer build'],
    });
    this.app = new Service(application, 'dozer-app', {
      ...common,
      command: ['/bin/sh', '-c', 'dozer run app'],
      ports: [{ containerPort: 50053, hostPort: 50053, protocol: 'grpc' }],
      healthCheck: HealthCheck.command(['curl', '0.0.0.0:50053', '--http2-prior-knowledge'], {
        interval: Duration.seconds(1),
        timeout: Duration.seconds(20),
        retries: 90,
      }),
      dependsOn: [Dependency.completedSuccessfully(this.build)],
    });
    // ECS cannot probe every second; it probes every 20 s up to 10 times instead, which still gives the
    // pipeline longer to come up (200 s) than the seed's 90 x 1 s.
    Annotations.of(this.app).acknowledgeWarning(
      WarningIds.HEALTH_CHECK_ADJUSTED,
      'ECS probes every 20 s up to 10 times: at least as long as the declared 90 x 1 s',
    );
    this.api = new Service(application, 'dozer-api', {
      ...common,
      environment: { APP_HOST: this.app.hostname },
      command: ['/bin/sh', '-c', 'dozer run api'],
      ports: [
        { containerPort: 8080, hostPort: 8080, protocol: 'http' },
        { containerPort: 50051, hostPort: 50051, protocol: 'grpc' },
      ],
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.healthy(this.app)],
    });
  }
}
