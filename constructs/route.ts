import { Annotations, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { invalid, ValidationError } from './errors';
import { routeToUdpPort } from './model/rules/container-settings';
import { checkRoutePriority } from './aws/existing-listener';
import { wholeSeconds } from './values/durations';
import { checkInteger, checkName } from './model/names';
import { conditionsSpec, isCatchAll, RouteConditions } from './model/route-conditions';
import type { HealthCheckSpec, RouteConditionsSpec, RouteSpec, TargetHealthCheckSpec } from './model/spec';
import type { LoadBalancer } from './load-balancer';
import { Service } from './service';

/** The load balancer's own check of a route's targets. */
export interface TargetHealthCheckOptions {
  /**
   * Path requested.
   * @default - the path of the service's HTTP health check
   */
  readonly path?: string;
  /**
   * Container port probed.
   * @default - the port of the service's HTTP health check, else the route's port
   */
  readonly port?: number;
  /**
   * HTTP codes that count as healthy: "200", "200-299" or "200,302".
   * @default '200-399' (what the container check's `curl -f` accepts)
   */
  readonly healthyHttpCodes?: string;
  /**
   * Time between probes (5-300 s).
   * @default - the service health check's interval, within ALB's range
   */
  readonly interval?: Duration;
  /**
   * Time after which a probe fails (2-120 s, shorter than the interval).
   * @default - the service health check's timeout, within ALB's range
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes before a target receives traffic (2-10).
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a target stops receiving traffic (2-10).
   * @default - the service health check's retries, within 2-10
   */
  readonly unhealthyThreshold?: number;
}

/** Options of a route. */
export interface RouteOptions extends RouteConditions {
  /** The service requests go to, from the same application. */
  readonly service: Service;
  /**
   * Container port of the service.
   * @default - the service's first port
   */
  readonly port?: number;
  /**
   * Listener-rule priority (1-50000, lower first). Ignored for the catch-all, which is always last.
   * @default - 10 x the route's position among the load balancer's routes
   */
  readonly priority?: number;
  /**
   * The load balancer's health check of the targets.
   * @default - derived from the service's HTTP health check
   */
  readonly healthCheck?: TargetHealthCheckOptions;
  /**
   * Time a draining target keeps serving in-flight requests during a deployment.
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
}

/** Properties of a Route: its options and the priority it gets unless they set one. */
export interface RouteProps extends RouteOptions {
  /** Listener rule priority when `priority` is not set (LoadBalancer.addRoute gives each route the next). */
  readonly defaultPriority: number;
}

const CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&()*+,;=:@%/?-]{0,1023}$/;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * A route of a LoadBalancer: requests matching its conditions go to one port of one service. Cloud: a
 * target group (IP targets: the service's tasks) and a listener rule, or the listener's default action for
 * the catch-all. Local: the same rule in the proxy's configuration.
 */
export class Route extends Construct {
  /** The target group of the service's tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The listener rule; undefined for the catch-all, which is the listener's default action. */
  public readonly listenerRule?: elbv2.ApplicationListenerRule;
  /** Name of the route. */
  public readonly name: string;
  /** The routed service. */
  public readonly service: Service;
  /** The routed container port. */
  public readonly port: number;
  private readonly spec: RouteSpec;

  constructor(loadBalancer: LoadBalancer, id: string, props: RouteProps) {
    super(loadBalancer, id);
    const path = this.node.path;
    this.name = checkName(path, 'id', id);
    if (!(props.service instanceof Service))
      throw invalid(path, 'service', props.service, 'must be a Service');
    if (props.service.application !== loadBalancer.application) {
      throw invalid(
        path,
        'service',
        props.service.node.path,
        `belongs to another application; route only to services of '${loadBalancer.application.name}'`,
      );
    }
    this.service = props.service;
    // The ports and health check the route needs, without turning the whole service into its spec.
    const serviceSpec = { name: props.service.name, healthCheck: props.service._healthCheck };
    const ports = props.service._ports.map((p) => p.containerPort);
    if (ports.length === 0) {
      throw invalid(
        path,
        'service',
        serviceSpec.name,
        'has no container port to route to; give the service `ports`',
      );
    }
    this.port = props.port ?? ports[0];
    if (!ports.includes(this.port)) {
      throw invalid(
        path,
        'port',
        this.port,
        `is not a port of service '${serviceSpec.name}'; its ports are ${ports.join(', ')}`,
      );
    }
    if (props.service._ports.find((p) => p.containerPort === this.port)?.protocol === 'udp')
      throw new ValidationError(routeToUdpPort(path, this.port, serviceSpec.name));
    if (!props.service.isDeployed) {
      throw invalid(
        path,
        'service',
        serviceSpec.name,
        `belongs to profile '${props.service.profile}', which the cloud twin of this stage does not include; a load balancer cannot route to it (enable the profile, or route to a service that is always deployed)`,
      );
    }
    const conditions = conditionsSpec(path, props);
    const catchAll = isCatchAll(conditions);
    const existing = loadBalancer._existingListener;
    if (catchAll && existing) {
      throw invalid(
        path,
        'conditions',
        '(none)',
        "make a catch-all route, which would replace the existing listener's default action, its owner's; give the route conditions (e.g. hostHeaders or pathPatterns)",
      );
    }
    const priority = catchAll
      ? undefined
      : props.priority === undefined
        ? props.defaultPriority
        : checkInteger(path, 'priority', props.priority, 1, 50000);
    if (existing && priority !== undefined)
      checkRoutePriority(path, priority, existing.base, props.priority !== undefined);
    const healthCheck = targetHealthCheck(path, this.port, serviceSpec.healthCheck, props.healthCheck ?? {});
    const deregistrationDelaySeconds = props.deregistrationDelay
      ? wholeSeconds(path, 'deregistrationDelay', props.deregistrationDelay, 0, 3600)
      : 30;
    this.spec = {
      name: this.name,
      path,
      service: serviceSpec.name,
      port: this.port,
      conditions,
      ...(priority !== undefined ? { priority } : {}),
      healthCheck,
      deregistrationDelaySeconds,
    };

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: loadBalancer._vpc,
      port: this.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(deregistrationDelaySeconds),
      healthCheck: {
        path: healthCheck.path,
        port: healthCheck.port === this.port ? 'traffic-port' : String(healthCheck.port),
        healthyHttpCodes: healthCheck.healthyHttpCodes,
        interval: Duration.seconds(healthCheck.intervalSeconds),
        timeout: Duration.seconds(healthCheck.timeoutSeconds),
        healthyThresholdCount: healthCheck.healthyThreshold,
        unhealthyThresholdCount: healthCheck.unhealthyThreshold,
      },
    });
    this.targetGroup.addTarget(
      props.service.fargateService.loadBalancerTarget({
        containerName: serviceSpec.name,
        containerPort: this.port,
      }),
    );
    if (healthCheck.port !== this.port) {
      props.service.fargateService.connections.allowFrom(
        loadBalancer.securityGroup,
        ec2.Port.tcp(healthCheck.port),
        `health checks of ${loadBalancer.name}`,
      );
    }
    const forward = elbv2.ListenerAction.forward([this.targetGroup]);
    if (priority === undefined) {
      loadBalancer.listener.addAction(`${id}Default`, { action: forward });
      Annotations.of(loadBalancer.listener).acknowledgeWarning(
        '@aws-cdk/aws-elbv2:listenerExistingDefaultActionReplaced',
        'The catch-all route replaces the fixed 404 the listener starts with.',
      );
    } else {
      this.listenerRule = new elbv2.ApplicationListenerRule(this, 'Rule', {
        listener: loadBalancer.listener,
        priority,
        conditions: listenerConditions(conditions),
        action: forward,
      });
    }
    props.service._routed(this);
  }

  /** Whether this route has no conditions: the listener's default action. */
  public get isCatchAll(): boolean {
    return this.spec.priority === undefined;
  }

  /** The route's target health check as recorded in the model. */
  public get healthCheck(): TargetHealthCheckSpec {
    return this.spec.healthCheck;
  }

  /** The model of this route. */
  public toSpec(): RouteSpec {
    return this.spec;
  }
}

function listenerConditions(c: RouteConditionsSpec): elbv2.ListenerCondition[] {
  const out: elbv2.ListenerCondition[] = [];
  if (c.pathPatterns.length) out.push(elbv2.ListenerCondition.pathPatterns([...c.pathPatterns]));
  if (c.hostHeaders.length) out.push(elbv2.ListenerCondition.hostHeaders([...c.hostHeaders]));
  for (const [name, values] of Object.entries(c.httpHeaders))
    out.push(elbv2.ListenerCondition.httpHeader(name, [...values]));
  if (c.queryStrings.length)
    out.push(elbv2.ListenerCondition.queryStrings(c.queryStrings.map((q) => ({ ...q }))));
  return out;
}

/** The target group's health check: overrides, else the service's HTTP check within ALB's ranges. */
function targetHealthCheck(
  path: string,
  routePort: number,
  container: HealthCheckSpec | undefined,
  o: TargetHealthCheckOptions,
): TargetHealthCheckSpec & { port: number } {
  const http = container?.probe.kind === 'http' ? container.probe : undefined;
  const checkPath = o.path ?? http?.path;
  if (checkPath === undefined) {
    throw invalid(
      path,
      'healthCheck.path',
      undefined,
      'is needed: the service has no HTTP health check to derive the load balancer check from; give the service HealthCheck.http(...) or the route healthCheck.path',
    );
  }
  if (!HEALTH_PATH.test(checkPath))
    throw invalid(path, 'healthCheck.path', checkPath, 'must start with "/" and hold only URL characters');
  const port =
    o.port !== undefined
      ? checkInteger(path, 'healthCheck.port', o.port, 1, 65535)
      : (http?.port ?? routePort);
  const codes = o.healthyHttpCodes ?? '200-399';
  if (!CODES.test(codes))
    throw invalid(path, 'healthCheck.healthyHttpCodes', codes, 'must be like "200", "200-299" or "200,302"');
  const intervalSeconds = o.interval
    ? wholeSeconds(path, 'healthCheck.interval', o.interval, 5, 300)
    : clamp(container?.intervalSeconds ?? 30, 5, 300);
  const timeoutSeconds = o.timeout
    ? wholeSeconds(path, 'healthCheck.timeout', o.timeout, 2, 120)
    : clamp(Math.min(container?.timeoutSeconds ?? 5, intervalSeconds - 1), 2, 120);
  if (timeoutSeconds >= intervalSeconds) {
    throw invalid(
      path,
      'healthCheck.timeout',
      `${timeoutSeconds} s`,
      `must be shorter than the interval (${intervalSeconds} s)`,
    );
  }
  const healthyThreshold =
    o.healthyThreshold === undefined
      ? 2
      : checkInteger(path, 'healthCheck.healthyThreshold', o.healthyThreshold, 2, 10);
  const unhealthyThreshold =
    o.unhealthyThreshold === undefined
      ? clamp(container?.retries ?? 3, 2, 10)
      : checkInteger(path, 'healthCheck.unhealthyThreshold', o.unhealthyThreshold, 2, 10);
  return {
    path: checkPath,
    port,
    healthyHttpCodes: codes,
    intervalSeconds,
    timeoutSeconds,
    healthyThreshold,
    unhealthyThreshold,
  };
}
