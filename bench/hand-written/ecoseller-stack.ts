import * as fs from 'fs';
import { CustomResource, Duration, RemovalPolicy, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { examplePath } from '../../lib/project-root';

/** Handlers of the trainer's deployment-time run: start the task, then poll until it stopped. */
const RUN_TASK_HANDLERS = `const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require('@aws-sdk/client-ecs');
const ecs = new ECSClient({});
exports.onEvent = async (event) => {
  const p = event.ResourceProperties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const out = await ecs.send(new RunTaskCommand({
    cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: 'FARGATE', count: 1,
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups } },
  }));
  const task = out.tasks?.[0];
  if (!task) throw new Error('could not start ' + p.Container + ': ' + JSON.stringify(out.failures ?? []));
  return { PhysicalResourceId: task.taskArn };
};
exports.isComplete = async (event) => {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const p = event.ResourceProperties;
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [event.PhysicalResourceId] }));
  const task = tasks?.[0];
  if (!task || task.lastStatus !== 'STOPPED') return { IsComplete: false };
  const c = (task.containers ?? []).find((x) => x.name === p.Container);
  if (c?.exitCode === 0) return { IsComplete: true };
  throw new Error(p.Container + ' failed: ' + (c?.reason ?? task.stoppedReason));
};
`;

/**
 * The Ecoseller example written by hand with aws-cdk-lib, as a user would without twinstack: the same VPC,
 * cluster and Service Connect namespace, the five Fargate services with their images, health checks,
 * secrets and connections, two PostgreSQL RDS instances (one with its init container), Redis on
 * ElastiCache, an OpenSearch domain, the shared EFS volume, one ALB with the same listener rules, and the
 * trainer run once per deployment. It has no local twin and no parity check: those are what twinstack adds.
 */
export class HandWrittenEcosellerStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Ecoseller e-commerce platform on ECS Fargate (hand-written)',
      ...props,
    });

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogsGroup', { retention: logs.RetentionDays.ONE_MONTH }),
      ),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    const namespace = new servicediscovery.HttpNamespace(this, 'Namespace', { name: 'ecoseller' });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const dataSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    // Data services.
    const postgres = (name: string, databaseName: string) =>
      new rds.DatabaseInstance(this, name, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of('13', '13') }),
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
        vpc,
        vpcSubnets: dataSubnets,
        securityGroups: [
          new ec2.SecurityGroup(this, `${name}Sg`, { vpc, allowAllOutbound: false, description: name }),
        ],
        databaseName,
        credentials: rds.Credentials.fromGeneratedSecret('postgres'),
        allocatedStorage: 20,
        storageEncrypted: true,
        multiAz: false,
        backupRetention: Duration.days(7),
        deletionProtection: true,
        cloudwatchLogsExports: ['postgresql'],
        removalPolicy: RemovalPolicy.SNAPSHOT,
      });
    const backendDb = postgres('PostgresBackend', 'ecoseller');
    const recommenderDb = postgres('PostgresRs', 'recommender');

    const redisToken = new secretsmanager.Secret(this, 'RedisAuthToken', {
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    const redisSg = new ec2.SecurityGroup(this, 'RedisSg', { vpc, allowAllOutbound: false });
    const redisSubnets = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', {
      description: 'redis',
      subnetIds: vpc.selectSubnets(dataSubnets).subnetIds,
    });
    const redis = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: 'Ecoseller redis',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      port: 6379,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [redisSg.securityGroupId],
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: redisToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: 7,
    });
    redis.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    const redisUrl = new secretsmanager.Secret(this, 'RedisUrl', {
      secretStringValue: SecretValue.unsafePlainText(
        `rediss://:${redisToken.secretValue.unsafeUnwrap()}@${redis.attrPrimaryEndPointAddress}:${redis.attrPrimaryEndPointPort}`,
      ),
    });

    const searchMaster = new secretsmanager.Secret(this, 'SearchMasterUser', {
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'admin' }),
        generateStringKey: 'password',
        requireEachIncludedType: true,
      },
    });
    const searchSg = new ec2.SecurityGroup(this, 'SearchSg', { vpc, allowAllOutbound: false });
    const search = new opensearch.Domain(this, 'Search', {
      version: opensearch.EngineVersion.openSearch('2.17'),
      vpc,
      vpcSubnets: [{ subnets: [vpc.isolatedSubnets[0]] }],
      securityGroups: [searchSg],
      capacity: { dataNodes: 1, dataNodeInstanceType: 't3.small.search', multiAzWithStandbyEnabled: false },
      ebs: { enabled: true, volumeSize: 10, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      nodeToNodeEncryption: true,
      encryptionAtRest: { enabled: true },
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: {
        masterUserName: 'admin',
        masterUserPassword: searchMaster.secretValueFromJson('password'),
      },
      useUnsignedBasicAuth: true,
      logging: { slowSearchLogEnabled: true, slowIndexLogEnabled: true, appLogEnabled: true },
      enableAutoSoftwareUpdate: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const searchUrl = new secretsmanager.Secret(this, 'SearchUrl', {
      secretStringValue: SecretValue.unsafePlainText(
        `https://admin:${searchMaster.secretValueFromJson('password').unsafeUnwrap()}@${search.domainEndpoint}:443`,
      ),
    });

    const djangoSecret = new secretsmanager.Secret(this, 'DjangoSecretKey', {
      description: 'Django SECRET_KEY of the Ecoseller backend',
      generateSecretString: { excludePunctuation: true, passwordLength: 50 },
    });

    const shared = new efs.FileSystem(this, 'SharedVolume', {
      vpc,
      encrypted: true,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const sharedAccessPoint = shared.addAccessPoint('AccessPoint', {
      path: '/shared-volume',
      createAcl: { ownerUid: '0', ownerGid: '0', permissions: '755' },
    });

    // Services.
    const postgresSecrets = (db: rds.DatabaseInstance): Record<string, ecs.Secret> => ({
      POSTGRES_HOST: ecs.Secret.fromSecretsManager(db.secret!, 'host'),
      POSTGRES_PORT: ecs.Secret.fromSecretsManager(db.secret!, 'port'),
      POSTGRES_DB: ecs.Secret.fromSecretsManager(db.secret!, 'dbname'),
      POSTGRES_USER: ecs.Secret.fromSecretsManager(db.secret!, 'username'),
      POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(db.secret!, 'password'),
    });
    const httpCheck = (
      port: number,
      urlPath: string,
      options: Partial<ecs.HealthCheck> = {},
    ): ecs.HealthCheck => ({
      command: [
        'CMD-SHELL',
        `curl -fsS -o /dev/null 'http://127.0.0.1:${port}${urlPath}' || wget -q -O /dev/null 'http://127.0.0.1:${port}${urlPath}' || exit 1`,
      ],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      ...options,
    });
    interface ServiceOptions {
      readonly directory: string;
      readonly target: string;
      readonly cpu: number;
      readonly memoryMiB: number;
      readonly desiredCount?: number;
      readonly port?: number;
      readonly environment?: Record<string, string>;
      readonly secrets?: Record<string, ecs.Secret>;
      readonly healthCheck?: ecs.HealthCheck;
      /** Behind the load balancer: give new tasks time before its health checks count. */
      readonly loadBalanced?: boolean;
    }
    const service = (name: string, o: ServiceOptions) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
      const taskDefinition = new ecs.FargateTaskDefinition(this, `${name}Task`, {
        cpu: o.cpu,
        memoryLimitMiB: o.memoryMiB,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const portName = `${name.replace(/_/g, '-')}-${o.port}`;
      const container = taskDefinition.addContainer(name, {
        image: ecs.ContainerImage.fromAsset(examplePath('ecoseller', o.directory), { target: o.target }),
        environment: o.environment,
        secrets: o.secrets,
        healthCheck: o.healthCheck,
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name }),
        portMappings: o.port
          ? [{ containerPort: o.port, name: portName, appProtocol: ecs.AppProtocol.http }]
          : [],
      });
      const fargate = new ecs.FargateService(this, `${name}Service`, {
        cluster,
        taskDefinition,
        desiredCount: o.desiredCount ?? 1,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriod: o.loadBalanced ? Duration.seconds(120) : undefined,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        serviceConnectConfiguration: {
          namespace: namespace.namespaceArn,
          services: o.port
            ? [{ portMappingName: portName, discoveryName: portName, dnsName: name, port: o.port }]
            : [],
          logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
        },
      });
      return { fargate, taskDefinition, container };
    };

    const backend = service('backend', {
      directory: 'backend',
      target: 'production',
      cpu: 1024,
      memoryMiB: 2048,
      desiredCount: 2,
      port: 8000,
      environment: { LOAD_DEMO_DATA: '1', RS_URL: 'http://recommender_system:8086' },
      secrets: {
        SECRET_KEY: ecs.Secret.fromSecretsManager(djangoSecret),
        ...postgresSecrets(backendDb),
        REDIS_URL: ecs.Secret.fromSecretsManager(redisUrl),
        ELASTICSEARCH_URL: ecs.Secret.fromSecretsManager(searchUrl),
      },
      healthCheck: httpCheck(8000, '/admin/login/', { startPeriod: Duration.seconds(60) }),
      loadBalanced: true,
    });
    const worker = service('rq-worker', {
      directory: 'backend',
      target: 'rq-worker',
      cpu: 512,
      memoryMiB: 1024,
      secrets: {
        SECRET_KEY: ecs.Secret.fromSecretsManager(djangoSecret),
        ...postgresSecrets(backendDb),
        REDIS_URL: ecs.Secret.fromSecretsManager(redisUrl),
      },
    });
    const frontEnd = (name: string, directory: string) =>
      service(name, {
        directory,
        target: 'production',
        cpu: 512,
        memoryMiB: 1024,
        desiredCount: 2,
        port: 3000,
        environment: {
          API_URL: 'http://backend:8000',
          NEXT_PUBLIC_API_URL: '',
          NEXT_PUBLIC_BACKEND_API_URL: 'http://backend:8000',
        },
        healthCheck: httpCheck(3000, '/', { startPeriod: Duration.seconds(30) }),
        loadBalanced: true,
      });
    const dashboard = frontEnd('frontend_dashboard', 'dashboard');
    const storefront = frontEnd('frontend_storefront', 'storefront');
    const recommender = service('recommender_system', {
      directory: 'recommender_system',
      target: 'production',
      cpu: 1024,
      memoryMiB: 2048,
      port: 8086,
      secrets: postgresSecrets(recommenderDb),
      healthCheck: httpCheck(8086, '/', {
        interval: Duration.seconds(5),
        retries: 10,
        startPeriod: Duration.seconds(300),
      }),
    });

    // The recommender's databases are created by an init container before it starts.
    const initLogs = new logs.LogGroup(this, 'PostgresRsInitLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    const init = recommender.taskDefinition.addContainer('postgres_rs-init', {
      image: ecs.ContainerImage.fromRegistry('postgres:13'),
      essential: false,
      cpu: 256,
      memoryLimitMiB: 512,
      command: ['sh', '-c', 'printf "%s\\n" "$INIT_SQL" | psql -q'],
      environment: {
        INIT_SQL: fs.readFileSync(examplePath('ecoseller', 'postgres_rs', 'setup_database.sql'), 'utf8'),
      },
      secrets: {
        PGHOST: ecs.Secret.fromSecretsManager(recommenderDb.secret!, 'host'),
        PGPORT: ecs.Secret.fromSecretsManager(recommenderDb.secret!, 'port'),
        PGUSER: ecs.Secret.fromSecretsManager(recommenderDb.secret!, 'username'),
        PGDATABASE: ecs.Secret.fromSecretsManager(recommenderDb.secret!, 'dbname'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(recommenderDb.secret!, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: initLogs, streamPrefix: 'postgres_rs-init' }),
    });
    recommender.container.addContainerDependencies({
      container: init,
      condition: ecs.ContainerDependencyCondition.SUCCESS,
    });
    recommender.taskDefinition.addVolume({
      name: 'shared-volume',
      efsVolumeConfiguration: {
        fileSystemId: shared.fileSystemId,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: sharedAccessPoint.accessPointId, iam: 'ENABLED' },
      },
    });
    recommender.container.addMountPoints({
      sourceVolume: 'shared-volume',
      containerPath: '/usr/src/app/data',
      readOnly: false,
    });
    shared.grant(
      recommender.taskDefinition.taskRole,
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
    );
    shared.connections.allowDefaultPortFrom(recommender.fargate);

    // The trainer runs once per deployment, after the recommender, as its own task: a custom resource whose
    // provider starts the task and waits for it to exit 0 (a failure fails the deployment).
    const trainerLogs = new logs.LogGroup(this, 'TrainerLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const trainerTask = new ecs.FargateTaskDefinition(this, 'TrainerTask', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    trainerTask.addVolume({
      name: 'shared-volume',
      efsVolumeConfiguration: {
        fileSystemId: shared.fileSystemId,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: sharedAccessPoint.accessPointId, iam: 'ENABLED' },
      },
    });
    trainerTask
      .addContainer('recommender_system_trainer', {
        image: ecs.ContainerImage.fromAsset(examplePath('ecoseller', 'recommender_system'), {
          target: 'production',
        }),
        entryPoint: ['sh', '/usr/src/app/run_trainer.sh'],
        secrets: postgresSecrets(recommenderDb),
        logging: ecs.LogDrivers.awsLogs({
          logGroup: trainerLogs,
          streamPrefix: 'recommender_system_trainer',
        }),
      })
      .addMountPoints({ sourceVolume: 'shared-volume', containerPath: '/usr/src/app/data', readOnly: false });
    shared.grant(trainerTask.taskRole, 'elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite');
    const trainerSg = new ec2.SecurityGroup(this, 'TrainerSg', { vpc });
    recommenderDb.connections.allowDefaultPortFrom(trainerSg);
    shared.connections.allowDefaultPortFrom(trainerSg);
    recommender.fargate.connections.allowFrom(trainerSg, ec2.Port.tcp(8086));

    const runnerHandler = (name: string, entry: string) =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: `index.${entry}`,
        code: lambda.Code.fromInline(RUN_TASK_HANDLERS),
        timeout: Duration.minutes(1),
        memorySize: 256,
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
      });
    const start = runnerHandler('RunTrainerStart', 'onEvent');
    const wait = runnerHandler('RunTrainerWait', 'isComplete');
    start.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [trainerTask.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
      }),
    );
    start.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [trainerTask.taskRole.roleArn, trainerTask.obtainExecutionRole().roleArn],
      }),
    );
    wait.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [
          this.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` }),
        ],
      }),
    );
    const provider = new cr.Provider(this, 'RunTrainerProvider', {
      onEventHandler: start,
      isCompleteHandler: wait,
      queryInterval: Duration.seconds(15),
      totalTimeout: Duration.hours(1),
      logGroup: new logs.LogGroup(this, 'RunTrainerProviderLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
      }),
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'RunTrainerWaiterLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
        }),
        level: sfn.LogLevel.ALL,
      },
    });
    const runTrainer = new CustomResource(this, 'RunTrainer', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::RunTask',
      properties: {
        Cluster: cluster.clusterArn,
        TaskDefinition: trainerTask.taskDefinitionArn,
        Container: 'recommender_system_trainer',
        Subnets: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
        SecurityGroups: [trainerSg.securityGroupId],
        TimeoutSeconds: '3600',
      },
    });
    runTrainer.node.addDependency(recommender.fargate);

    // Network access to the data services, from the services that use them.
    for (const s of [backend, worker]) {
      backendDb.connections.allowDefaultPortFrom(s.fargate);
      redisSg.connections.allowFrom(s.fargate, ec2.Port.tcp(6379));
    }
    recommenderDb.connections.allowDefaultPortFrom(recommender.fargate);
    searchSg.connections.allowFrom(backend.fargate, ec2.Port.tcp(443));
    // Service Connect calls: the worker and the front ends to the backend, the backend to the recommender.
    for (const s of [worker, dashboard, storefront])
      backend.fargate.connections.allowFrom(s.fargate, ec2.Port.tcp(8000));
    recommender.fargate.connections.allowFrom(backend.fargate, ec2.Port.tcp(8086));

    // Start order, as the original compose file has it (on the ECS services themselves: a dependency on
    // the whole construct would include its security group, which the rules above reference).
    const ecsService = (s: { fargate: ecs.FargateService }) => s.fargate.node.defaultChild as ecs.CfnService;
    ecsService(backend).node.addDependency(backendDb, redis, search, ecsService(recommender));
    for (const s of [worker, dashboard, storefront]) ecsService(s).node.addDependency(ecsService(backend));

    // The reverse proxy: one ALB, API paths to the backend, dashboard.* to the dashboard, else the storefront.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    alb.logAccessLogs(accessLogs);
    const listener = alb.addListener('Http', { port: 80, open: true });
    const targetHealth = (urlPath: string): elbv2.HealthCheck => ({
      path: urlPath,
      healthyHttpCodes: '200-399',
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    });
    const route = (
      name: string,
      s: { fargate: ecs.FargateService; container: ecs.ContainerDefinition },
      port: number,
      urlPath: string,
      rule?: { priority: number; conditions: elbv2.ListenerCondition[] },
    ) =>
      listener.addTargets(name, {
        port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [
          s.fargate.loadBalancerTarget({ containerName: s.container.containerName, containerPort: port }),
        ],
        healthCheck: targetHealth(urlPath),
        deregistrationDelay: Duration.seconds(30),
        ...rule,
      });
    route('api', backend, 8000, '/admin/login/', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/api/*', '/admin*', '/static/*', '/media/*'])],
    });
    route('dashboard', dashboard, 3000, '/', {
      priority: 20,
      conditions: [elbv2.ListenerCondition.hostHeaders(['dashboard.*'])],
    });
    route('storefront', storefront, 3000, '/');
  }
}
