import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  Application,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  Dependency,
  HealthCheck,
  Image,
  Job,
  JobRun,
  LoadBalancer,
  Secret,
  Service,
  ServiceProps,
  StartVariable,
  WarningIds,
} from '../../../constructs';
import { examplePath } from '../../project-root';
import { acknowledgeHttpOnly } from '../http-only';

/**
 * A workflow scheduler modelled on Apache Airflow 3's official compose file (CeleryExecutor): an API server,
 * a scheduler, a DAG processor, a triggerer and Celery workers built from one image, PostgreSQL as the
 * metadata database and Celery result backend, Redis as the Celery broker, an init job that migrates the
 * database, and Flower as an optional part. The DAGs and plugins are baked into the image for the cloud
 * twin and bind-mounted from the project locally, so an edited DAG is picked up without a rebuild.
 */
export class AirflowStack extends Stack {
  /** The application. */
  public readonly application: Application;
  /** The API server (and UI). */
  public readonly apiServer: Service;
  /** The Celery workers. */
  public readonly worker: Service;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Workflow scheduler on ECS Fargate (twinstack example)',
      ...props,
    });
    const application = new Application(this, 'Airflow', { name: 'airflow' });
    this.application = application;

    const postgres = new Database(application, 'postgres', {
      engine: DatabaseEngine.postgres('16'),
      databaseName: 'airflow',
      localVolumeName: 'postgres-db-volume',
    });
    const redis = new Cache(application, 'redis', { engine: CacheEngine.redis('7') });
    const jwtSecret = Secret.generate(application, 'JwtSecret', {
      length: 48,
      excludePunctuation: true,
      localVariable: 'AIRFLOW__API_AUTH__JWT_SECRET',
      description: 'Secret that signs the tokens of the Airflow API and its task execution API',
    });
    // A Fernet key is 32 url-safe base64-encoded bytes, a format no generated secret has: created beforehand.
    const fernetKey = Secret.fromSecretName(application, 'FernetKey', 'airflow/fernet-key', {
      localVariable: 'AIRFLOW__CORE__FERNET_KEY',
    });
    const adminPassword = Secret.generate(application, 'AdminPassword', {
      length: 24,
      excludePunctuation: true,
      localVariable: '_AIRFLOW_WWW_USER_PASSWORD',
      description: 'Password of the first Airflow user, created by airflow-init',
    });

    const image = Image.fromDirectory(examplePath('airflow', 'image'));
    const common = (extra: Partial<ServiceProps> = {}): ServiceProps => ({
      image,
      // The image's airflow user (uid 50000) in group 0, as the original's AIRFLOW_UID default.
      user: '50000:0',
      readOnlyRootFilesystem: false,
      hardeningReason:
        'Airflow writes airflow.cfg and its web server configuration into AIRFLOW_HOME (/opt/airflow) at its first start.',
      bindMounts: [
        { source: 'lib/examples/airflow/image/dags', path: '/opt/airflow/dags' },
        { source: 'lib/examples/airflow/image/plugins', path: '/opt/airflow/plugins' },
      ],
      writablePaths: ['/opt/airflow/logs'],
      restart: 'always',
      cpu: 1024,
      memoryMiB: 2048,
      ...extra,
      environment: {
        AIRFLOW__CORE__EXECUTOR: 'CeleryExecutor',
        AIRFLOW__CORE__AUTH_MANAGER: 'airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager',
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'true',
        AIRFLOW__CORE__LOAD_EXAMPLES: StartVariable.named('AIRFLOW__CORE__LOAD_EXAMPLES', {
          default: 'false',
        }),
        AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'true',
        _PIP_ADDITIONAL_REQUIREMENTS: StartVariable.named('_PIP_ADDITIONAL_REQUIREMENTS', { default: '' }),
        ...extra.environment,
      },
      secrets: {
        AIRFLOW__CORE__FERNET_KEY: fernetKey.value(),
        AIRFLOW__API_AUTH__JWT_SECRET: jwtSecret.value(),
        ...extra.secrets,
      },
    });
    const connect = (workload: Service | Job) => {
      Annotations.of(workload).acknowledgeWarning(
        WarningIds.BIND_MOUNT_HIDES_IMAGE_FILES,
        'On purpose: locally the DAGs and plugins are the project directories, so an edited DAG runs without a rebuild; the cloud twin runs the ones baked into the image from the same directories.',
      );
      // CONNECTIONS: the URLs of the original compose file, with SQLAlchemy's and Celery's schemes.
      workload.connectTo(postgres, {
        url: [
          { variable: 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', scheme: 'postgresql+psycopg2' },
          { variable: 'AIRFLOW__CELERY__RESULT_BACKEND', scheme: 'db+postgresql' },
        ],
      });
      // Redis database 0; in the cloud rediss:// (ElastiCache is TLS-only), for which Celery wants
      // ssl_cert_reqs: the server's certificate is checked.
      workload.connectTo(redis, {
        url: {
          variable: 'AIRFLOW__CELERY__BROKER_URL',
          path: '/0',
          query: { ssl_cert_reqs: { cloud: 'required' } },
        },
      });
    };

    // Migrates the metadata database and creates the first user (the image's entrypoint does both before
    // the command, `version`), once per deployment in the cloud and on every `up` locally.
    const init = new Job(application, 'airflow-init', {
      ...common({
        environment: {
          _AIRFLOW_DB_MIGRATE: 'true',
          _AIRFLOW_WWW_USER_CREATE: 'true',
          _AIRFLOW_WWW_USER_USERNAME: StartVariable.named('_AIRFLOW_WWW_USER_USERNAME', {
            default: 'airflow',
          }),
        },
        secrets: { _AIRFLOW_WWW_USER_PASSWORD: adminPassword.value() },
      }),
      restart: 'no',
      command: ['version'],
      runs: JobRun.oncePerDeployment(),
    });
    connect(init);
    const afterInit = Dependency.completedSuccessfully(init);

    this.apiServer = new Service(application, 'airflow-apiserver', {
      ...common(),
      command: ['api-server'],
      ports: [{ containerPort: 8080, protocol: 'http' }],
      healthCheck: HealthCheck.http({
        port: 8080,
        path: '/api/v2/version',
        interval: Duration.seconds(30),
        timeout: Duration.seconds(10),
        retries: 5,
        startPeriod: Duration.seconds(30),
      }),
      dependsOn: [afterInit],
    });
    connect(this.apiServer);
    const executionApi = {
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://${this.apiServer.endpoint(8080)}/execution/`,
    };
    const afterApi = Dependency.healthy(this.apiServer);

    const component = (
      name: string,
      command: string[],
      healthCheck: HealthCheck,
      extra: Partial<ServiceProps> = {},
    ) => {
      const service = new Service(application, name, {
        ...common({ ...extra, environment: { ...executionApi, ...extra.environment } }),
        command,
        healthCheck,
        dependsOn: [afterInit, afterApi],
      });
      connect(service);
      return service;
    };
    const timing = {
      interval: Duration.seconds(30),
      timeout: Duration.seconds(10),
      retries: 5,
      startPeriod: Duration.seconds(30),
    };
    component(
      'airflow-scheduler',
      ['scheduler'],
      HealthCheck.command(['curl', '--fail', 'http://localhost:8974/health'], timing),
    );
    component(
      'airflow-dag-processor',
      ['dag-processor'],
      HealthCheck.shell('airflow jobs check --job-type DagProcessorJob --hostname "$HOSTNAME"', timing),
    );
    component(
      'airflow-triggerer',
      ['triggerer'],
      HealthCheck.shell('airflow jobs check --job-type TriggererJob --hostname "$HOSTNAME"', timing),
    );
    this.worker = component(
      'airflow-worker',
      ['celery', 'worker'],
      HealthCheck.shell(
        'celery --app airflow.providers.celery.executors.celery_executor.app inspect ping -d "celery@$HOSTNAME"',
        timing,
      ),
      {
        // Celery's warm shutdown: a stopped worker finishes its running tasks first.
        environment: { DUMB_INIT_SETSID: '0' },
        stopGracePeriod: Duration.seconds(120),
      },
    );
    component(
      'flower',
      ['celery', 'flower'],
      HealthCheck.command(['curl', '--fail', 'http://localhost:5555/'], timing),
      { profile: 'flower', ports: [{ containerPort: 5555, hostPort: 5555, protocol: 'http' }] },
    );

    const lb = new LoadBalancer(application, 'public');
    acknowledgeHttpOnly(lb);
    lb.addRoute('api', { service: this.apiServer });
  }
}
