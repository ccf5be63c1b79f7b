import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ROUTES_PER_LOAD_BALANCER } from '../apps/scaling-stack';

/**
 * The generated app of TwinstackScalingStack written by hand with aws-cdk-lib: `services` Fargate services,
 * each with a container health check, a listener rule and target group on a shared ALB (one per 100
 * rules) and the credentials of one shared RDS PostgreSQL instance, which its security group admits.
 */
export class HandWrittenScalingStack extends Stack {
  constructor(scope: Construct, id: string, services: number, props: StackProps = {}) {
    super(scope, id, props);
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
    const namespace = new servicediscovery.HttpNamespace(this, 'Namespace', { name: 'scale' });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const db = new rds.DatabaseInstance(this, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of('16', '16') }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [new ec2.SecurityGroup(this, 'DbSg', { vpc, allowAllOutbound: false })],
      databaseName: 'app',
      credentials: rds.Credentials.fromGeneratedSecret('postgres'),
      allocatedStorage: 20,
      storageEncrypted: true,
      backupRetention: Duration.days(7),
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql'],
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    const dbSecret = db.secret!;
    const secrets = {
      DB_HOST: ecs.Secret.fromSecretsManager(dbSecret, 'host'),
      DB_PORT: ecs.Secret.fromSecretsManager(dbSecret, 'port'),
      DB_NAME: ecs.Secret.fromSecretsManager(dbSecret, 'dbname'),
      DB_USER: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
    };

    let listener: elbv2.ApplicationListener | undefined;
    for (let i = 0; i < services; i++) {
      if (i % ROUTES_PER_LOAD_BALANCER === 0) {
        const n = i / ROUTES_PER_LOAD_BALANCER;
        const alb = new elbv2.ApplicationLoadBalancer(this, `Alb${n}`, {
          vpc,
          internetFacing: true,
          dropInvalidHeaderFields: true,
        });
        alb.logAccessLogs(
          new s3.Bucket(this, `AccessLogs${n}`, {
            encryption: s3.BucketEncryption.S3_MANAGED,
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            lifecycleRules: [{ expiration: Duration.days(90) }],
            removalPolicy: RemovalPolicy.RETAIN,
          }),
        );
        listener = alb.addListener('Http', {
          port: 80,
          open: true,
          defaultAction: elbv2.ListenerAction.fixedResponse(404),
        });
      }
      const name = `svc${i}`;
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
      const taskDefinition = new ecs.FargateTaskDefinition(this, `${name}Task`, {
        cpu: 256,
        memoryLimitMiB: 512,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const container = taskDefinition.addContainer(name, {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27'),
        portMappings: [{ containerPort: 8080, name: `${name}-8080`, appProtocol: ecs.AppProtocol.http }],
        healthCheck: {
          command: [
            'CMD-SHELL',
            "curl -fsS -o /dev/null 'http://127.0.0.1:8080/health' || wget -q -O /dev/null 'http://127.0.0.1:8080/health' || exit 1",
          ],
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          retries: 3,
        },
        secrets,
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name }),
      });
      const service = new ecs.FargateService(this, `${name}Service`, {
        cluster,
        taskDefinition,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriod: Duration.seconds(120),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        serviceConnectConfiguration: {
          namespace: namespace.namespaceArn,
          services: [
            { portMappingName: `${name}-8080`, discoveryName: `${name}-8080`, dnsName: name, port: 8080 },
          ],
          logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
        },
      });
      db.connections.allowDefaultPortFrom(service);
      listener!.addTargets(name, {
        priority: ((i % ROUTES_PER_LOAD_BALANCER) + 1) * 10,
        conditions: [elbv2.ListenerCondition.pathPatterns([`/${name}/*`])],
        port: 8080,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [
          service.loadBalancerTarget({ containerName: container.containerName, containerPort: 8080 }),
        ],
        healthCheck: {
          path: '/health',
          healthyHttpCodes: '200-399',
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
        deregistrationDelay: Duration.seconds(30),
      });
    }
  }
}
