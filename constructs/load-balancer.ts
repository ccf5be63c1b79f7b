import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Application } from './application';
import { isImageReference } from './values/image';
import { enableAccessLogs } from './aws/access-logs';
import { CONTROL_TOWER } from './aws/nag-findings';
import {
  appRoot,
  checkRangeOverlap,
  ExistingListener,
  existingListener,
  foreignRuleError,
  foreignRulesInRange,
} from './aws/existing-listener';
import { invalid } from './errors';
import { checkInteger, checkName } from './model/names';
import { compareStrings } from './model/order';
import type { LoadBalancerSpec } from './model/spec';
import { Route, RouteOptions } from './route';

/** Properties of a LoadBalancer. */
export interface LoadBalancerProps {
  /**
   * Name in both twins: locally the reverse-proxy service's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Reachable from the internet (public subnets) or only inside the VPC (private subnets).
   * @default true
   */
  readonly internetFacing?: boolean;
  /**
   * Certificate for an HTTPS listener; HTTP then redirects to HTTPS. Local: the proxy serves the same
   * routes over plain HTTP on `localPort` and does not redirect (there is no certificate on a laptop).
   * @default - HTTP only
   */
  readonly certificate?: acm.ICertificate;
  /**
   * TLS policy of the HTTPS listener.
   * @default elbv2.SslPolicy.RECOMMENDED_TLS (TLS 1.3 and 1.2, forward secrecy)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Port of the HTTP listener.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * Port of the HTTPS listener (with a certificate).
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * Host port the local proxy is published on.
   * @default - the HTTP listener's port
   */
  readonly localPort?: number;
  /**
   * Write access logs to an encrypted, versioned S3 bucket that blocks public access and expires logs.
   * Local: the proxy logs requests to its container output.
   * @default true
   */
  readonly accessLogs?: boolean;
  /**
   * Days access logs are kept; a log deleted or overwritten before then, or expired, stays recoverable as a
   * noncurrent version for 30 more days.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * Image of the local reverse proxy (an nginx image).
   * @default 'nginx:1.27-alpine'
   */
  readonly localProxyImage?: string;
  /**
   * An existing listener (e.g. a platform's shared ALB) to add the routes to as listener rules, instead of
   * a load balancer of the application's own: an `elbv2.IApplicationListener`, or its ARN with
   * `listenerSecurityGroup` or `existingLoadBalancer`. Its load balancer, ports, certificate, access logs
   * and default action stay the platform's, so `certificate`, `sslPolicy`, `httpsPort`, `internetFacing`,
   * `accessLogs` and `accessLogRetentionDays` cannot be given, nor a catch-all route. The tasks admit the
   * load balancer's security group on the routed ports. Local: the same proxy as for a load balancer of
   * the application's own.
   * @default - a new Application Load Balancer
   */
  readonly listener?: elbv2.IApplicationListener | string;
  /**
   * The load balancer of the existing `listener`, for its security group (with a listener ARN) and for
   * `existingLoadBalancer` references elsewhere.
   * @default - none
   */
  readonly existingLoadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Security group of the existing `listener`'s load balancer; the routed tasks admit it.
   * @default - the listener's (or `existingLoadBalancer`'s) first security group
   */
  readonly listenerSecurityGroup?: ec2.ISecurityGroup;
  /**
   * On an existing `listener`: the application's rules take priorities `priorityBase + 1` to
   * `priorityBase + 999` (routes in declaration order get `priorityBase + 10`, `+ 20`, ...; a route's own
   * `priority` must be in the range). The listener's other rules cannot be read at synth time unless they
   * are created in the same CDK app, so give a `priorityBase` whose range the listener's owner has reserved
   * for this application; two load balancers of the app on one listener with overlapping ranges, or a rule
   * of the app in the range, are refused.
   * @default 1000 (priorities 1001-1999)
   */
  readonly priorityBase?: number;
}

/** Props of a load balancer the application creates, which an existing listener cannot take. */
const OWN_LOAD_BALANCER_PROPS = [
  'certificate',
  'sslPolicy',
  'httpsPort',
  'internetFacing',
  'accessLogs',
  'accessLogRetentionDays',
] as const;

/** Days a deleted, overwritten or expired access log stays recoverable in the versioned bucket. */
const NONCURRENT_LOG_DAYS = 30;

const NO_DELETION_PROTECTION =
  "The load balancer holds no data and the stack recreates it with its routes; deletion protection would make tearing a stage down a manual step. Turn it on with loadBalancer.loadBalancer.setAttribute('deletion_protection.enabled', 'true').";

/** The nginx image the local twin's reverse proxy runs by default. */
export const DEFAULT_LOCAL_PROXY_IMAGE = 'nginx:1.27-alpine';

/**
 * One load balancer shared by many services, with routes declared once for both twins. Cloud: an
 * Application Load Balancer (invalid header fields dropped, access logs on), HTTP or HTTPS listeners, one
 * listener rule and target group per route; its security group reaches only the routed services' ports.
 * Local: a reverse-proxy service (nginx) whose configuration, generated from the same routes and carried
 * inline in the compose file, applies the same conditions in the same order to the same services. Given an
 * existing `listener`, the routes become rules of that listener instead (see `priorityBase`).
 */
export class LoadBalancer extends Construct {
  /**
   * The Application Load Balancer the application created; on an existing `listener` there is none (see
   * `existingLoadBalancer`), and reading it throws a ValidationError.
   */
  public readonly loadBalancer!: elbv2.ApplicationLoadBalancer;
  /**
   * The listener the routes are rules of (HTTPS when a certificate is given, else HTTP), or the existing
   * `listener`.
   */
  public readonly listener: elbv2.IApplicationListener;
  /** The load balancer's security group (the existing load balancer's on an existing listener). */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The existing load balancer given with an existing listener. */
  public readonly existingLoadBalancer?: elbv2.IApplicationLoadBalancer;
  /** @internal */
  public readonly _existingListener?: ExistingListener;
  /** The access-log bucket, when access logs are on. */
  public readonly accessLogsBucket?: s3.Bucket;
  /** Name in both twins. */
  public readonly name: string;
  /** The application this load balancer belongs to. */
  public readonly application: Application;
  /** Image of the local reverse proxy. */
  public readonly localProxyImage: string;
  private readonly routeList: Route[] = [];
  private readonly props: LoadBalancerProps;
  private readonly httpPort: number;
  private readonly httpsPort?: number;
  private readonly localPort: number;

  constructor(scope: Construct, id: string, props: LoadBalancerProps = {}) {
    super(scope, id);
    const path = this.node.path;
    this.application = Application.of(this);
    this.props = props;
    this.name = checkName(path, 'name', props.name ?? id);
    this.httpPort =
      props.httpPort === undefined ? 80 : checkInteger(path, 'httpPort', props.httpPort, 1, 65535);
    if (props.certificate) {
      this.httpsPort =
        props.httpsPort === undefined ? 443 : checkInteger(path, 'httpsPort', props.httpsPort, 1, 65535);
      if (this.httpsPort === this.httpPort) {
        throw invalid(
          path,
          'httpsPort',
          this.httpsPort,
          'is also the HTTP port; give the two listeners different ports',
        );
      }
    } else if (props.httpsPort !== undefined) {
      throw invalid(
        path,
        'httpsPort',
        props.httpsPort,
        'needs a certificate: an HTTPS listener cannot serve without one',
      );
    } else if (props.sslPolicy !== undefined) {
      throw invalid(
        path,
        'sslPolicy',
        props.sslPolicy,
        'needs a certificate: there is no HTTPS listener to apply it to',
      );
    }
    this.localPort =
      props.localPort === undefined
        ? this.httpPort
        : checkInteger(path, 'localPort', props.localPort, 1, 65535);
    this.localProxyImage = props.localProxyImage ?? DEFAULT_LOCAL_PROXY_IMAGE;
    if (props.localProxyImage !== undefined && !isImageReference(props.localProxyImage)) {
      throw invalid(
        path,
        'localProxyImage',
        props.localProxyImage,
        'is not an image reference; use [registry/]name[:tag][@sha256:digest], e.g. "nginx:1.27-alpine"',
      );
    }
    if (props.listener !== undefined || props.existingLoadBalancer !== undefined) {
      for (const prop of OWN_LOAD_BALANCER_PROPS) {
        if (props[prop] !== undefined) {
          throw invalid(
            path,
            prop,
            props[prop] as unknown,
            "is a setting of a load balancer the application creates; on an existing listener the load balancer and its listeners stay their owner's, so leave it out",
          );
        }
      }
      if (props.listener === undefined) {
        throw invalid(
          path,
          'listener',
          undefined,
          'is needed with existingLoadBalancer: a load balancer can have several listeners, so give the one the routes become rules of',
        );
      }
      this._existingListener = existingListener(this, props);
      this.listener = this._existingListener.listener;
      this.securityGroup = this._existingListener.securityGroup;
      this.existingLoadBalancer = this._existingListener.loadBalancer;
      Object.defineProperty(this, 'loadBalancer', {
        get: () => {
          throw invalid(
            path,
            'loadBalancer',
            this.name,
            'is on an existing listener, so the application created no load balancer; use existingLoadBalancer or listener',
          );
        },
      });
      checkRangeOverlap(this, this.application._loadBalancersOnListeners());
      this.node.addValidation({ validate: () => this.checkForeignRules() });
      this.application._registerLoadBalancer(this);
      return;
    }
    if (props.priorityBase !== undefined) {
      throw invalid(
        path,
        'priorityBase',
        props.priorityBase,
        "applies to an existing listener's rules; a load balancer of the application's own numbers its routes 10, 20, ... (or give a route its priority)",
      );
    }
    const internetFacing = props.internetFacing ?? true;
    const vpc = this.application.vpc;
    if (internetFacing && vpc.publicSubnets.length === 0) {
      throw invalid(
        path,
        'internetFacing',
        true,
        "needs public subnets, and the application's VPC has none; give the VPC public subnets or set internetFacing: false",
      );
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Load balancer ${this.name}: listeners in, routed service ports out`,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    if (props.accessLogs ?? true) {
      const days =
        props.accessLogRetentionDays === undefined
          ? 90
          : checkInteger(path, 'accessLogRetentionDays', props.accessLogRetentionDays, 1, 3650);
      this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        lifecycleRules: [
          {
            expiration: Duration.days(days),
            noncurrentVersionExpiration: Duration.days(NONCURRENT_LOG_DAYS),
          },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      enableAccessLogs(this.loadBalancer, this.accessLogsBucket);
      const logWrites =
        'This bucket receives the load balancer access logs; logging access to it would log the log writes.';
      const sseS3 =
        'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3), never with a KMS key.';
      Validations.of(this.accessLogsBucket).acknowledge(
        { id: 'AwsSolutions-S1', reason: logWrites },
        { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: logWrites },
        { id: `${CONTROL_TOWER}::s3_bucket_logging_enabled_check`, reason: logWrites },
        { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: sseS3 },
        { id: `${CONTROL_TOWER}::s3_bucket_default_encryption_kms_check`, reason: sseS3 },
        {
          id: `${CONTROL_TOWER}::s3_event_notifications_enabled_check`,
          reason:
            'Nothing in the application reacts to a new access-log object; a log pipeline that does adds its notification to accessLogsBucket (addEventNotification).',
        },
        {
          id: `${CONTROL_TOWER}::s3_bucket_object_lock_enabled_check`,
          reason:
            'The logs expire after accessLogRetentionDays and the bucket is versioned, so a deleted or overwritten log stays recoverable for 30 more days; a retention lock would keep every log past its expiry and the bucket past its stack. Locked, immutable copies belong in an organization-wide log archive.',
        },
        {
          id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
          reason:
            'The access logs expire after accessLogRetentionDays; copying them to another region or account is an organization-wide log-archive decision, made by adding a replication rule to accessLogsBucket.',
        },
      );
    }
    Validations.of(this.loadBalancer).acknowledge(
      {
        id: 'NIST.800.53.R5-ALBWAFEnabled',
        reason:
          "A web ACL's rules depend on the application's traffic and each one is charged monthly, so twinstack attaches none; associate one with loadBalancer.loadBalancer (wafv2.CfnWebACLAssociation).",
      },
      { id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled', reason: NO_DELETION_PROTECTION },
      { id: `${CONTROL_TOWER}::elbv2_deletion_protection_enabled_check`, reason: NO_DELETION_PROTECTION },
    );
    const peer = internetFacing ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(vpc.vpcCidrBlock);
    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'text/plain',
      messageBody: 'Not Found',
    });
    if (props.certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: this.httpsPort,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
        defaultAction: notFound,
      });
      const redirect = this.loadBalancer.addListener('Http', {
        port: this.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({
          protocol: 'HTTPS',
          port: String(this.httpsPort),
          permanent: true,
        }),
      });
      Validations.of(redirect).acknowledge({
        id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        reason: 'This listener only redirects to the HTTPS listener, which serves the certificate.',
      });
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(this.httpsPort!), 'HTTPS listener');
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: this.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: notFound,
      });
    }
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(this.httpPort), 'HTTP listener');
    if (internetFacing) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'An internet-facing load balancer accepts the internet on its listener ports only; it reaches nothing but the routed service ports.',
      });
    } else {
      // The rules read each ingress CIDR, and this one is the VPC's, which only CloudFormation resolves.
      const vpcOnly =
        "The group admits only the VPC's own CIDR block, on the listener ports; cdk-nag cannot read that block, which CloudFormation resolves at deployment.";
      Validations.of(this.securityGroup).acknowledge(
        { id: 'NIST.800.53.R5-EC2RestrictedCommonPorts', reason: vpcOnly },
        { id: 'NIST.800.53.R5-EC2RestrictedSSH', reason: vpcOnly },
      );
    }
    this.application._registerLoadBalancer(this);
  }

  /**
   * Routes requests matching the conditions to a service port. Rules are evaluated in priority order
   * (declaration order unless given); a route without conditions is the catch-all and must come last.
   */
  public addRoute(id: string, options: RouteOptions): Route {
    const catchAll = this.routeList.find((r) => r.isCatchAll);
    if (catchAll) {
      throw invalid(
        `${this.node.path}/${id}`,
        'conditions',
        id,
        `is declared after the catch-all route '${catchAll.name}'; declare the catch-all last`,
      );
    }
    const base = this._existingListener?.base ?? 0;
    const route = new Route(this, id, {
      ...options,
      defaultPriority: base + 10 * (this.routeList.length + 1),
    });
    this.routeList.push(route);
    return route;
  }

  /** Whether the routes are rules of an existing listener. */
  public get onExistingListener(): boolean {
    return this._existingListener !== undefined;
  }

  /** The rules of the app on the existing listener in this load balancer's range, refused (synth time). */
  private checkForeignRules(): string[] {
    const existing = this._existingListener!;
    const ours = new Set(
      this.routeList.flatMap((r) => (r.listenerRule ? [r.listenerRule.node.defaultChild!] : [])),
    );
    const [clash] = foreignRulesInRange(appRoot(this), existing.listener, existing.base, ours);
    if (clash) throw foreignRuleError(this.node.path, existing.base, clash);
    return [];
  }

  /** The routes in declaration order. */
  public get routes(): readonly Route[] {
    return [...this.routeList];
  }

  /** @internal */
  public get _vpc(): ec2.IVpc {
    return this.application.vpc;
  }

  /** The model of this load balancer; routes in evaluation order (priority, the catch-all last). */
  public toSpec(): LoadBalancerSpec {
    const routes = this.routeList.map((r) => r.toSpec());
    const order = (p?: number) => p ?? Number.MAX_SAFE_INTEGER;
    routes.sort((a, b) => order(a.priority) - order(b.priority) || compareStrings(a.name, b.name));
    return {
      name: this.name,
      path: this.node.path,
      internetFacing: this.props.internetFacing ?? true,
      ...(this._existingListener ? { existingListener: true } : {}),
      httpPort: this.httpPort,
      ...(this.httpsPort !== undefined ? { httpsPort: this.httpsPort } : {}),
      localPort: this.localPort,
      localProxyImage: this.localProxyImage,
      routes,
    };
  }
}
