import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
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
  Job,
  JobRun,
  LoadBalancer,
  Queue,
  SearchDomain,
  SearchEngine,
  Secret,
  Service,
  Topic,
  Volume,
  WarningIds,
} from '../../../constructs';
import { examplePath } from '../../project-root';
import { acknowledgeHttpOnly } from '../http-only';

/**
 * Ecoseller, an e-commerce platform: a Django backend with an RQ worker, two Next.js front ends (dashboard
 * and storefront), a Flask recommender system with a one-shot trainer sharing its data volume, two
 * PostgreSQL databases, Redis, a search engine, a bucket for product images, a queue of e-mails and a topic of order events feeding it. Its nginx reverse proxy becomes one load balancer:
 * the API paths to the backend, `dashboard.*` to the dashboard, everything else to the storefront.
 * Each component builds its `development` stage locally and `production` in the cloud.
 */
export class EcosellerStack extends Stack {
  /** The Ecoseller application. */
  public readonly application: Application;
  /** The Django backend. */
  public readonly backend: Service;
  /** The shared load balancer. */
  public readonly web: LoadBalancer;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Ecoseller e-commerce platform on ECS Fargate (twinstack example)',
      ...props,
    });
    const application = new Application(this, 'Ecoseller', { name: 'ecoseller' });
    this.application = application;
    const component = (name: string, target = 'production') =>
      Image.fromDirectory(examplePath('ecoseller', name), { target, localTarget: 'development' });

    // Data services: managed in the cloud, the same engines as containers locally (ports published as
    // in the original compose files, for inspecting data).
    const backendDb = new Database(application, 'postgres_backend', {
      engine: DatabaseEngine.postgres('13'),
      databaseName: 'ecoseller',
      localImage: 'postgres:13-alpine',
      hostPort: 5433,
    });
    const recommenderDb = new Database(application, 'postgres_rs', {
      engine: DatabaseEngine.postgres('13'),
      databaseName: 'recommender',
      initScript: examplePath('ecoseller', 'postgres_rs', 'setup_database.sql'),
      localImage: 'postgres:13-alpine',
      hostPort: 5434,
    });
    const redis = new Cache(application, 'redis', { engine: CacheEngine.redis('7.1'), persistence: true });
    // Elasticsearch in the original; OpenSearch serves the same client API.
    const search = new SearchDomain(application, 'elasticsearch', {
      engine: SearchEngine.openSearch('2.17'),
      hostPort: 9200,
    });
    const djangoSecret = Secret.generate(application, 'DjangoSecretKey', {
      length: 50,
      localVariable: 'DJANGO_SECRET_KEY',
      description: 'Django SECRET_KEY of the Ecoseller backend',
    });
    const postgres = {
      host: 'POSTGRES_HOST',
      port: 'POSTGRES_PORT',
      database: 'POSTGRES_DB',
      username: 'POSTGRES_USER',
      password: 'POSTGRES_PASSWORD',
    };

    this.backend = new Service(application, 'backend', {
      image: component('backend'),
      ports: [{ containerPort: 8000, protocol: 'http' }],
      environment: { LOAD_DEMO_DATA: '1', RS_URL: 'http://recommender_system:8086' },
      secrets: { SECRET_KEY: djangoSecret.value() },
      readOnlyRootFilesystem: false,
      hardeningReason:
        "Ecoseller's entrypoint.sh migrates, collects static files and loads demo data into its application directory (/usr/src/app) at every start.",
      cpu: 1024,
      memoryMiB: 2048,
      desiredCount: 2,
      healthCheck: HealthCheck.http({ port: 8000, path: '/admin/login/', startPeriod: Duration.seconds(60) }),
    });
    this.backend.connectTo(backendDb, postgres);
    this.backend.connectTo(redis, { url: 'REDIS_URL' });
    this.backend.connectTo(search, { url: 'ELASTICSEARCH_URL' });

    const worker = new Service(application, 'rq-worker', {
      image: Image.fromDirectory(examplePath('ecoseller', 'backend'), { target: 'rq-worker' }),
      secrets: { SECRET_KEY: djangoSecret.value() },
      writablePaths: ['/tmp'],
      cpu: 512,
      memoryMiB: 1024,
      dependsOn: [Dependency.started(this.backend)],
    });
    worker.connectTo(backendDb, postgres);
    worker.connectTo(redis, { url: 'REDIS_URL' });

    // Product images the dashboard uploads, kept on the backend's disk under MEDIA_ROOT in the original:
    // with several backend tasks they belong in a bucket (django-storages reads AWS_STORAGE_BUCKET_NAME).
    const media = new Bucket(application, 'media');
    this.backend.connectTo(media, { access: 'readWrite', bucketName: 'AWS_STORAGE_BUCKET_NAME' });
    // The e-mails (order confirmations) the backend hands to the worker: a queue the backend only sends to
    // and the worker only consumes, with a dead-letter queue for messages that keep failing.
    const emails = new Queue(application, 'emails', { visibilityTimeout: Duration.minutes(2) });
    this.backend.connectTo(emails, { access: 'send', queueUrl: 'EMAIL_QUEUE_URL' });
    worker.connectTo(emails, { access: 'consume', queueUrl: 'EMAIL_QUEUE_URL' });
    // Order events the backend publishes once per change of an order; the e-mail queue subscribes to those
    // that need a confirmation, and another consumer subscribes a queue of its own without a backend change.
    const orders = new Topic(application, 'orders', {
      subscriptions: [{ queue: emails, filterPolicy: { event: ['placed', 'shipped'] } }],
    });
    this.backend.connectTo(orders, { access: 'publish', topicArn: 'ORDER_EVENTS_TOPIC_ARN' });

    const frontEnd = (name: string, directory: string) =>
      new Service(application, name, {
        image: component(directory),
        ports: [{ containerPort: 3000, protocol: 'http' }],
        // Server-side calls go to the backend by name; browsers call the API paths on the same host.
        environment: {
          API_URL: `http://${this.backend.endpoint(8000)}`,
          NEXT_PUBLIC_API_URL: '',
          NEXT_PUBLIC_BACKEND_API_URL: `http://${this.backend.endpoint(8000)}`,
        },
        // A writable path at .next would hide the production build the image holds there.
        readOnlyRootFilesystem: false,
        hardeningReason:
          'Next.js writes its cache into .next inside the application directory, and the development stage of the local twin compiles there at start.',
        cpu: 512,
        memoryMiB: 1024,
        desiredCount: 2,
        healthCheck: HealthCheck.http({ port: 3000, path: '/', startPeriod: Duration.seconds(30) }),
        dependsOn: [Dependency.started(this.backend)],
      });
    const dashboard = frontEnd('frontend_dashboard', 'dashboard');
    const storefront = frontEnd('frontend_storefront', 'storefront');

    const recommenderData = new Volume(application, 'shared-volume');
    const recommender = new Service(application, 'recommender_system', {
      image: component('recommender_system'),
      ports: [{ containerPort: 8086, protocol: 'http' }],
      mounts: [{ volume: recommenderData, path: '/usr/src/app/data' }],
      // gunicorn's worker heartbeat files and Flask's temporary files.
      writablePaths: ['/tmp'],
      cpu: 1024,
      memoryMiB: 2048,
      healthCheck: HealthCheck.http({
        port: 8086,
        path: '/',
        interval: Duration.seconds(5),
        timeout: Duration.seconds(5),
        retries: 100,
      }),
    });
    recommender.connectTo(recommenderDb, postgres);
    this.backend.addDependency(Dependency.started(recommender));

    // The trainer refreshes the recommender's model once the recommender is healthy: locally on every
    // `up`, in the cloud once per deployment that changes it, as its own task (a failure fails the deploy).
    const trainer = new Job(application, 'recommender_system_trainer', {
      image: component('recommender_system'),
      entrypoint: ['sh', '/usr/src/app/run_trainer.sh'],
      mounts: [{ volume: recommenderData, path: '/usr/src/app/data' }],
      writablePaths: ['/tmp'],
      cpu: 1024,
      memoryMiB: 2048,
      dependsOn: [Dependency.healthy(recommender)],
      runs: JobRun.oncePerDeployment(),
    });
    trainer.connectTo(recommenderDb, postgres);
    Annotations.of(recommender).acknowledgeWarning(
      WarningIds.HEALTH_CHECK_ADJUSTED,
      'ECS probes every 5 s up to 10 times and waits longer to start, which keeps the 100 x 5 s patience of the original health check.',
    );

    // The reverse proxy of the original deployment, as routes of one load balancer.
    this.web = new LoadBalancer(application, 'reverse-proxy');
    acknowledgeHttpOnly(this.web);
    this.web.addRoute('api', {
      service: this.backend,
      pathPatterns: ['/api/*', '/admin*', '/static/*', '/media/*'],
    });
    this.web.addRoute('dashboard', { service: dashboard, hostHeaders: ['dashboard.*'] });
    this.web.addRoute('storefront', { service: storefront });
  }
}
