import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import {
  Application,
  Database,
  DatabaseEngine,
  Dependency,
  HealthCheck,
  Image,
  Job,
  JobRun,
  JobSchedule,
  Service,
  StageStackProps,
} from '../../../constructs';
import { examplePath } from '../../project-root';
import type { WorkflowsSettings } from './workflows-stages';

/**
 * CDK context key of a released image's digest (`-c workflows:imageDigest=sha256:...`): every stage then
 * pulls that digest from the shared repository instead of building the image from its directory.
 */
export const WORKFLOWS_IMAGE_DIGEST_CONTEXT = 'workflows:imageDigest';

/** Properties of one stage's workflows stack. */
export type WorkflowsStackProps = StageStackProps<WorkflowsSettings>;

/**
 * Data workflows in the spirit of BigFlow: one image, built once, runs every role (API, workers,
 * migrations, a scheduled daily workflow) in every stage; the stages differ only in their settings.
 * Migrations run once per deployment before the API and workers roll out; workers scale on the depth of
 * the run queue; the optional `tools` part (a database browser) is deployed in development only.
 */
export class WorkflowsStack extends Stack {
  /** The workflows application of this stage. */
  public readonly application: Application;
  /** The HTTP API that queues runs. */
  public readonly api: Service;
  /** The workers that execute runs. */
  public readonly worker: Service;
  /** The migrations, run once per deployment. */
  public readonly migrate: Job;
  /** The daily workflow, run on a schedule. */
  public readonly daily: Job;
  /** The PostgreSQL database. */
  public readonly database: Database;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, {
      description: `Data workflows, stage ${props.stage.name}, on ECS Fargate (twinstack example)`,
      ...props,
    });
    const stage = props.stage;
    const settings = stage.settings;
    const application = new Application(this, 'Workflows', { name: 'workflows', stage });
    this.application = application;

    this.database = new Database(application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      databaseName: 'workflows',
      instanceType: new ec2.InstanceType(settings.databaseInstance),
      multiAz: settings.databaseMultiAz,
      deletionProtection: settings.deletionProtection,
    });
    if (!settings.deletionProtection) {
      const reason = `Stage ${stage.name} is rebuilt from migrations and may be torn down; production keeps deletion protection on (setting deletionProtection).`;
      Validations.of(this.database.instance!).acknowledge(
        { id: 'AwsSolutions-RDS10', reason },
        { id: 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', reason },
        { id: 'cdk-validator-cfnguard::rds_instance_deletion_protection_enabled_check', reason },
      );
    }
    // The one image of every role: by default built from one directory, the same asset (content hash) in
    // every stage; for a release, the digest a pipeline pushed once to the shared repository, in every stage.
    const digest: unknown = this.node.tryGetContext(WORKFLOWS_IMAGE_DIGEST_CONTEXT);
    const image =
      typeof digest === 'string'
        ? Image.fromEcrRepository(
            ecr.Repository.fromRepositoryArn(this, 'Images', settings.imageRepositoryArn),
            digest,
          )
        : Image.fromDirectory(examplePath('workflows', 'image'));
    // The image's own USER (uid 1000); its Python processes write nothing to their filesystem.
    const user = '1000';
    const environment = {
      LOG_LEVEL: settings.logLevel,
      API_URL: settings.apiUrl,
      RESULTS_URI: settings.resultsUri,
    };
    const database = { url: 'DATABASE_URL' };

    this.migrate = new Job(application, 'migrate', {
      image,
      command: ['migrate'],
      user,
      environment,
      runs: JobRun.oncePerDeployment({ timeout: Duration.minutes(15) }),
    });
    this.migrate.connectTo(this.database, database);

    this.api = new Service(application, 'api', {
      image,
      command: ['api'],
      user,
      environment,
      ports: [{ containerPort: 8080, protocol: 'http' }],
      desiredCount: settings.apiTasks,
      cpu: settings.apiCpu,
      memoryMiB: settings.apiMemoryMiB,
      healthCheck: HealthCheck.command(
        ['python', '-c', "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health')"],
        { startPeriod: Duration.seconds(20) },
      ),
      dependsOn: [Dependency.completedSuccessfully(this.migrate)],
    });
    this.api.connectTo(this.database, database);

    // A worker: no port, no load balancer; scaled on the queue depth the API publishes.
    this.worker = new Service(application, 'worker', {
      image,
      command: ['worker'],
      user,
      environment,
      dependsOn: [Dependency.completedSuccessfully(this.migrate)],
    });
    this.worker.connectTo(this.database, database);
    this.worker.autoScale({
      minCapacity: 1,
      maxCapacity: settings.workerMaxTasks,
      metric: {
        metric: new cloudwatch.Metric({
          namespace: 'Workflows',
          metricName: 'QueuedRuns',
          dimensionsMap: { Stage: stage.name },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        steps: [
          { upper: 0, change: -1 },
          { lower: 20, change: 1 },
          { lower: 200, change: 3 },
        ],
      },
    });

    this.daily = new Job(application, 'daily', {
      image,
      command: ['run', 'daily'],
      user,
      environment,
      runs: JobRun.onSchedule(JobSchedule.cron(settings.dailySchedule, { timeZone: 'Europe/Warsaw' })),
    });
    this.daily.connectTo(this.database, database);

    // The optional `tools` part: a database browser, deployed where the stage enables it.
    const browser = new Service(application, 'db-browser', {
      profile: 'tools',
      image: Image.fromRegistry('sosedoff/pgweb:0.16.2'),
      writablePaths: ['/tmp'],
      command: ['--bind=0.0.0.0', '--listen=8081'],
      ports: [{ containerPort: 8081, hostPort: 8081, protocol: 'http' }],
    });
    // pgweb's driver asks for TLS unless told otherwise: RDS speaks it, the local stand-in does not.
    browser.connectTo(this.database, {
      url: {
        variable: 'PGWEB_DATABASE_URL',
        query: { sslmode: { cloud: 'require', local: 'disable' } },
      },
    });
  }
}
