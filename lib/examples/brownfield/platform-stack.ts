import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { enableAccessLogs } from '../../../constructs/aws/access-logs';
import { refuseGrantsExceptForAwsResources } from '../../../constructs/aws/log-groups';
import { CONTROL_TOWER } from '../../../constructs/aws/nag-findings';

/**
 * A platform team's shared stack, as it exists before any twinstack application: a VPC, an ECS cluster, a
 * Service Connect namespace and an internet-facing ALB with an HTTP listener whose own rule answers
 * `/healthz`. Applications are added to it by reference (see BrownfieldStack).
 */
export class PlatformStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly cluster: ecs.Cluster;
  public readonly namespace: servicediscovery.HttpNamespace;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  /** The priorities the platform gives its own rules on the listener: below the applications' ranges. */
  public static readonly PLATFORM_PRIORITIES = '1-99';

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Shared platform: VPC, ECS cluster, namespace and ALB (twinstack brownfield example)',
      ...props,
    });
    const flowLogKey = new kms.Key(this, 'FlowLogKey', {
      enableKeyRotation: true,
      description: 'Flow logs of the platform VPC',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    flowLogKey.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));
    refuseGrantsExceptForAwsResources(flowLogKey);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: {
        rejected: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', {
              retention: logs.RetentionDays.ONE_YEAR,
              encryptionKey: flowLogKey,
              removalPolicy: RemovalPolicy.RETAIN,
            }),
          ),
        },
      },
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.namespace = new servicediscovery.HttpNamespace(this, 'Namespace', { name: 'platform' });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: this.vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    const accessLogs = new s3.Bucket(this, 'AlbLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Environment-agnostic: the bucket policy names the log delivery service, not a regional account.
    enableAccessLogs(this.loadBalancer, accessLogs);
    this.listener = this.loadBalancer.addListener('Http', {
      port: 80,
      open: true,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'Not Found',
      }),
    });
    this.acknowledgeNagFindings(accessLogs);
    new elbv2.ApplicationListenerRule(this, 'Healthz', {
      listener: this.listener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/healthz'])],
      action: elbv2.ListenerAction.fixedResponse(200, { contentType: 'text/plain', messageBody: 'ok' }),
    });
  }

  /** What cdk-nag finds in this stand-in for a platform team's stack, with the reasons it stays so. */
  private acknowledgeNagFindings(accessLogs: s3.Bucket): void {
    // aws-cdk-lib's function that removes the rules of the VPC's default security group.
    const restrictDefaultSg = this.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    if (restrictDefaultSg) {
      Validations.of(restrictDefaultSg).acknowledge({
        id: `${CONTROL_TOWER}::lambda_inside_vpc_check`,
        reason:
          'It only calls the EC2 API to revoke the default security group rules during a deployment and reaches nothing inside the VPC.',
      });
    }
    Validations.of(this.vpc).acknowledge(
      {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason:
          'The public subnets route to the internet gateway for the ALB and the NAT gateway; tasks and data run in the private and isolated subnets.',
      },
      {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'The flow-log role holds only the policy aws-cdk-lib writes for delivering its own flow logs.',
      },
    );
    const tornDown =
      'The example platform is torn down with its stack; a long-lived platform turns deletion protection on.';
    Validations.of(this.loadBalancer).acknowledge(
      {
        id: 'NIST.800.53.R5-ALBWAFEnabled',
        reason:
          "The example platform has no traffic to write web ACL rules for; a platform team associates its organization's web ACL with the shared ALB.",
      },
      { id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled', reason: tornDown },
      { id: `${CONTROL_TOWER}::elbv2_deletion_protection_enabled_check`, reason: tornDown },
    );
    const http =
      'The example has no domain name to hold a certificate, so the shared listener serves plain HTTP; a platform with one adds an HTTPS listener and passes it to the applications instead.';
    Validations.of(this.listener).acknowledge(
      { id: 'NIST.800.53.R5-ALBHttpToHttpsRedirection', reason: http },
      { id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired', reason: http },
      { id: `${CONTROL_TOWER}::alb_http_to_https_redirection_check`, reason: http },
    );
    Validations.of(this.loadBalancer.connections.securityGroups[0]).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'An internet-facing load balancer accepts the internet on its listener port only.',
    });
    const logWrites =
      'This bucket receives the load balancer access logs; logging access to it would log the log writes.';
    const sseS3 =
      'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3).';
    Validations.of(accessLogs).acknowledge(
      { id: 'AwsSolutions-S1', reason: logWrites },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: logWrites },
      { id: `${CONTROL_TOWER}::s3_bucket_logging_enabled_check`, reason: logWrites },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: sseS3 },
      { id: `${CONTROL_TOWER}::s3_bucket_default_encryption_kms_check`, reason: sseS3 },
      {
        id: `${CONTROL_TOWER}::s3_event_notifications_enabled_check`,
        reason: 'Nothing on the example platform reacts to a new access-log object.',
      },
      {
        id: `${CONTROL_TOWER}::s3_bucket_object_lock_enabled_check`,
        reason:
          'The access logs expire after 90 days and stay recoverable 30 more through versioning; locked copies belong in an organization-wide log archive.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'The access logs expire after 90 days; copying them elsewhere is an organization-wide log-archive decision.',
      },
    );
  }
}
