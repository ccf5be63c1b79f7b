import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Annotations, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { addConfigFiles } from './aws/config-files';
import { containerOptions, ecsSecret, environmentFileOptions, parameterSecret } from './aws/container';
import { containerSettingsOptions } from './aws/container-settings';
import { acknowledgeContainerChoices, addWritablePaths, workloadMemory } from './aws/container-hardening';
import { ecsHealthCheck } from './aws/health-check';
import { acknowledgeTaskDefinitionFindings } from './aws/nag-findings';
import { applicationLogGroup } from './aws/log-groups';
import { ServiceTasks, TaskHost } from './aws/task-host';
import type { Dependency } from './dependency';
import { invalid, ValidationError } from './errors';
import { waitsForScheduledJob } from './model/rules/dependencies';
import { probesUdpPort } from './model/rules/container-settings';
import { HealthCheck } from './values/health-check';
import { checkInteger } from './model/names';
import type {
  AutoScalingSpec,
  ConnectionUrlSpec,
  ConnectionValue,
  HealthCheckSpec,
  PortProtocol,
  PortSpec,
  ResourceAccess,
  ResourceValue,
} from './model/spec';
import type { AwsResource } from './aws-resource';
import { wholeSeconds } from './values/durations';
import type { Route } from './route';
import { WarningIds } from './model/validate';
import type { SecretReference } from './secret';
import { Job } from './job';
import { DataService } from './data-service';
import { Mount, Workload, WorkloadExtras, WorkloadProps } from './workload';
import { AutoScalingOptions, checkMetricScaling, checkPorts, PortOptions } from './service-options';

export type { AutoScalingOptions, MetricScalingOptions, PortOptions } from './service-options';

/** Properties of a Service. */
export interface ServiceProps extends WorkloadProps {
  /**
   * Ports the service listens on. Other services of the application reach them as `<name>:<port>` in both
   * twins (Service Connect in the cloud, the compose network locally).
   * @default - no ports: a worker
   */
  readonly ports?: PortOptions[];
  /**
   * Number of tasks.
   * @default 1 task on Fargate; 1 container locally (a laptop runs one of each)
   */
  readonly desiredCount?: number;
  /**
   * Health check run inside the container.
   * @default - none; ECS and compose only watch that the process runs
   */
  readonly healthCheck?: HealthCheck;
  /**
   * Lowest share of `desiredCount` kept running during a deployment. Use 0 with `maxHealthyPercent: 100`
   * for a singleton that must never run twice (a database on a volume).
   * @default 100 - keeps serving during a deploy; locally compose restarts the one container in place
   */
  readonly minHealthyPercent?: number;
  /**
   * Highest share of `desiredCount` running during a deployment.
   * @default 200 - new tasks start before old ones stop
   */
  readonly maxHealthyPercent?: number;
  /**
   * Time ECS ignores failing load-balancer health checks of a new task; at least the container health
   * check's start period. Cloud only.
   * @default - when routed: the container start period plus the time the load balancer needs to see the
   * task healthy (interval x healthy threshold)
   */
  readonly healthCheckGracePeriod?: Duration;
}

/**
 * A long-running containerised service. Cloud: a Fargate task definition and ECS service in the
 * application's cluster, in private subnets, registered with Service Connect under its name, with a
 * deployment circuit breaker that rolls back. Local: a compose service of the same name.
 */
export class Service extends Workload {
  private readonly cloud?: {
    readonly taskDefinition: ecs.FargateTaskDefinition;
    readonly container: ecs.ContainerDefinition;
    readonly fargateService: ecs.FargateService;
    readonly logGroup: logs.LogGroup;
    readonly host: TaskHost;
  };
  private readonly ports: readonly PortSpec[];
  private readonly healthCheckSpec?: HealthCheckSpec;
  private readonly desiredCount: number;
  private readonly deployment: {
    minHealthyPercent: number;
    maxHealthyPercent: number;
    gracePeriodSeconds?: number;
  };
  private readonly routeList: Route[] = [];
  private autoScaling?: AutoScalingSpec;
  private scalableTarget?: ecs.ScalableTaskCount;
  /** Number of routes whose requests already drive a scaling policy. */
  private requestScalingConfigured = 0;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id, props, 'service');
    const path = this.node.path;
    this.desiredCount =
      props.desiredCount === undefined ? 1 : checkInteger(path, 'desiredCount', props.desiredCount, 0, 1000);
    this.ports = checkPorts(path, this.name, props.ports ?? []);
    this.application._registerPorts(path, this.name, this.ports);
    if (props.healthCheck !== undefined && !(props.healthCheck instanceof HealthCheck)) {
      throw invalid(
        path,
        'healthCheck',
        props.healthCheck,
        'must be a HealthCheck, e.g. HealthCheck.http({ port: 8080 })',
      );
    }
    this.healthCheckSpec = props.healthCheck?._toSpec(path);
    const probe = this.healthCheckSpec?.probe;
    if (
      (probe?.kind === 'http' || probe?.kind === 'tcp') &&
      this.ports.some((p) => p.containerPort === probe.port && p.protocol === 'udp')
    )
      throw new ValidationError(probesUdpPort(path, probe.port));
    const minHealthyPercent =
      props.minHealthyPercent === undefined
        ? 100
        : checkInteger(path, 'minHealthyPercent', props.minHealthyPercent, 0, 100);
    const maxHealthyPercent =
      props.maxHealthyPercent === undefined
        ? 200
        : checkInteger(path, 'maxHealthyPercent', props.maxHealthyPercent, 100, 200);
    let gracePeriodSeconds: number | undefined;
    if (props.healthCheckGracePeriod !== undefined) {
      gracePeriodSeconds = wholeSeconds(
        path,
        'healthCheckGracePeriod',
        props.healthCheckGracePeriod,
        0,
        2147483647,
      );
      const start = this.healthCheckSpec?.startPeriodSeconds ?? 0;
      if (gracePeriodSeconds < start) {
        throw invalid(
          path,
          'healthCheckGracePeriod',
          `${gracePeriodSeconds} s`,
          `is shorter than the container health check's start period (${start} s); the load balancer would stop tasks that are still starting`,
        );
      }
    }
    if (minHealthyPercent === 100 && maxHealthyPercent === 100) {
      throw invalid(
        path,
        'maxHealthyPercent',
        100,
        'with minHealthyPercent 100 leaves a deployment no room to replace a task; raise maxHealthyPercent or lower minHealthyPercent',
      );
    }
    this.deployment = {
      minHealthyPercent,
      maxHealthyPercent,
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    };
    const spec = this.toSpec();
    if (!this.isDeployed) {
      // An optional part the stage leaves out of the cloud twin: only the model (and the local twin) has it.
      this.initialise();
      return;
    }

    const app = this.application;
    const logGroup = applicationLogGroup(this, 'Logs', app);
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: this._cpu,
      memoryLimitMiB: this._memoryMiB,
      runtimePlatform: {
        cpuArchitecture:
          this._cpuArchitecture === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    let healthCheck: ecs.HealthCheck | undefined;
    if (this.healthCheckSpec) {
      const cloud = ecsHealthCheck(this.healthCheckSpec);
      healthCheck = cloud.healthCheck;
      if (cloud.adjustments.length > 0) {
        Annotations.of(this).addWarningV2(
          WarningIds.HEALTH_CHECK_ADJUSTED,
          `health check of '${this.name}' adjusted for ECS: ${cloud.adjustments.join('; ')}; the local twin keeps the declared values`,
        );
      }
    }
    const container = taskDefinition.addContainer(
      this.name,
      containerOptions(this._image, spec, logGroup, {
        essential: true,
        ...workloadMemory(taskDefinition, this._memoryMiB),
        ...containerSettingsOptions(taskDefinition, this.name, spec),
        ...environmentFileOptions(taskDefinition, spec),
        portMappings: this.ports.map((p) => ({
          name: p.name,
          containerPort: p.containerPort,
          protocol: p.protocol === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP,
          ...(p.protocol !== 'tcp' && p.protocol !== 'udp' ? { appProtocol: APP_PROTOCOLS[p.protocol] } : {}),
        })),
        ...(healthCheck ? { healthCheck } : {}),
      }),
    );
    addWritablePaths(taskDefinition, container, this._writablePaths, logGroup);
    acknowledgeContainerChoices(taskDefinition, spec, this._hardeningReason);
    addConfigFiles(taskDefinition, container, this._configFiles, logGroup);
    const fargateService = new ecs.FargateService(this, 'Service', {
      cluster: app.cluster,
      taskDefinition,
      desiredCount: this.desiredCount,
      minHealthyPercent: this.deployment.minHealthyPercent,
      maxHealthyPercent: this.deployment.maxHealthyPercent,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      serviceConnectConfiguration: {
        namespace: app.namespace.namespaceArn,
        // Service Connect carries TCP only: a UDP port has no Service Connect name (twinstack:udp-port).
        services: this.ports
          .filter((p) => p.protocol !== 'udp')
          .map((p) => ({
            portMappingName: p.name,
            discoveryName: p.name,
            dnsName: this.name,
            port: p.containerPort,
          })),
        logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
      },
    });
    const cfnService = fargateService.node.defaultChild as ecs.CfnService;
    const host = new TaskHost({
      name: this.name,
      owner: this,
      size: { path, kind: 'service', cpu: this._cpu, memoryMiB: this._memoryMiB },
      taskDefinition,
      connectable: fargateService,
      // Resource-level DependsOn: a construct-level dependency would also order the security groups under
      // both services and close a cycle with the ingress rules.
      orderAfter: (resource) => cfnService.addResourceDependency(resource),
    });
    this.cloud = { taskDefinition, container, fargateService, logGroup, host };
    this.initialise();
    acknowledgeTaskDefinitionFindings(taskDefinition);
  }

  /** The Fargate task definition. Throws for a service the stage leaves out of the cloud twin. */
  public get taskDefinition(): ecs.FargateTaskDefinition {
    return this.deployed().taskDefinition;
  }

  /** The service's main container. Throws for a service the stage leaves out of the cloud twin. */
  public get container(): ecs.ContainerDefinition {
    return this.deployed().container;
  }

  /** The ECS service. Throws for a service the stage leaves out of the cloud twin. */
  public get fargateService(): ecs.FargateService {
    return this.deployed().fargateService;
  }

  /** Log group of the service's containers. Throws for a service the stage leaves out of the cloud twin. */
  public get logGroup(): logs.LogGroup {
    return this.deployed().logGroup;
  }

  private deployed(): NonNullable<Service['cloud']> {
    if (this.cloud) return this.cloud;
    const stage = this.application.stage;
    throw invalid(
      this.node.path,
      'profile',
      this.profile,
      `is not included in the cloud twin of ${stage ? `stage '${stage.name}'` : `application '${this.application.name}'`}, so the service has no AWS resources; enable the profile (stage or Application profiles) or check isDeployed first`,
    );
  }

  /**
   * The container ports the service listens on.
   * @internal
   */
  public get _ports(): readonly PortSpec[] {
    return this.ports;
  }

  /**
   * The service's container health check, as the model records it.
   * @internal
   */
  public get _healthCheck(): HealthCheckSpec | undefined {
    return this.healthCheckSpec;
  }

  /** Host name other services of the application reach this one by, in both twins. */
  public get hostname(): string {
    return this.name;
  }

  /** `host:port` of one of the service's ports, the same string in both twins. */
  public endpoint(containerPort?: number): string {
    const port = containerPort ?? this.ports[0]?.containerPort;
    if (port === undefined || !this.ports.some((p) => p.containerPort === port)) {
      throw invalid(
        this.node.path,
        'endpoint',
        containerPort,
        `is not a port of '${this.name}'; its ports are ${this.ports.map((p) => p.containerPort).join(', ') || '(none)'}`,
      );
    }
    return `${this.name}:${port}`;
  }

  protected extras(): WorkloadExtras {
    const grace = this.gracePeriodSeconds();
    return {
      ports: this.ports,
      desiredCount: this.desiredCount,
      ...(this.healthCheckSpec ? { healthCheck: this.healthCheckSpec } : {}),
      deployment: {
        minHealthyPercent: this.deployment.minHealthyPercent,
        maxHealthyPercent: this.deployment.maxHealthyPercent,
        ...(grace !== undefined ? { healthCheckGracePeriodSeconds: grace } : {}),
      },
      ...(this.autoScaling ? { autoScaling: this.autoScaling } : {}),
    };
  }

  /**
   * Scales the number of tasks between `minCapacity` and `maxCapacity` with target tracking on CPU, memory
   * and/or ALB requests per task. Cloud only: the local twin runs one container (noted in its header).
   */
  public autoScale(options: AutoScalingOptions): void {
    const path = this.node.path;
    if (this.autoScaling) throw invalid(path, 'autoScale', options, 'is already configured for this service');
    const minCapacity = checkInteger(path, 'autoScale.minCapacity', options.minCapacity, 0, 1000);
    const maxCapacity = checkInteger(
      path,
      'autoScale.maxCapacity',
      options.maxCapacity,
      Math.max(1, minCapacity),
      1000,
    );
    if (this.desiredCount < minCapacity || this.desiredCount > maxCapacity) {
      throw invalid(
        path,
        'desiredCount',
        this.desiredCount,
        `is outside the scaling range ${minCapacity}-${maxCapacity}`,
      );
    }
    const percent = (prop: string, v?: number) =>
      v === undefined ? undefined : checkInteger(path, `autoScale.${prop}`, v, 1, 100);
    const cpu = percent('cpuUtilizationPercent', options.cpuUtilizationPercent);
    const memory = percent('memoryUtilizationPercent', options.memoryUtilizationPercent);
    const requests =
      options.requestsPerTarget === undefined
        ? undefined
        : checkInteger(path, 'autoScale.requestsPerTarget', options.requestsPerTarget, 1, 1000000);
    const metric = options.metric === undefined ? undefined : checkMetricScaling(path, options.metric);
    if (cpu === undefined && memory === undefined && requests === undefined && metric === undefined) {
      throw invalid(
        path,
        'autoScale',
        options,
        'needs a target: cpuUtilizationPercent, memoryUtilizationPercent, requestsPerTarget or metric',
      );
    }
    this.autoScaling = {
      minCapacity,
      maxCapacity,
      ...(cpu !== undefined ? { cpuUtilizationPercent: cpu } : {}),
      ...(memory !== undefined ? { memoryUtilizationPercent: memory } : {}),
      ...(requests !== undefined ? { requestsPerTarget: requests } : {}),
      ...(metric !== undefined ? { metric } : {}),
    };
    if (!this.cloud) return;
    this.scalableTarget = this.fargateService.autoScaleTaskCount({ minCapacity, maxCapacity });
    if (cpu !== undefined)
      this.scalableTarget.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: cpu });
    if (memory !== undefined)
      this.scalableTarget.scaleOnMemoryUtilization('Memory', { targetUtilizationPercent: memory });
    if (options.metric && metric?.targetValue !== undefined) {
      this.scalableTarget.scaleToTrackCustomMetric('Metric', {
        metric: options.metric.metric,
        targetValue: metric.targetValue,
      });
    } else if (options.metric && options.metric.steps) {
      this.scalableTarget.scaleOnMetric('Metric', {
        metric: options.metric.metric,
        scalingSteps: options.metric.steps,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      });
    }
    this.configureRequestScaling();
  }

  /** The routes of load balancers that send traffic to this service. */
  public get routes(): readonly Route[] {
    return [...this.routeList];
  }

  /**
   * Called by a Route targeting this service.
   * @internal
   */
  public _routed(route: Route): void {
    this.routeList.push(route);
    if (!this.cloud) return;
    const cfn = this.fargateService.node.defaultChild as ecs.CfnService;
    cfn.healthCheckGracePeriodSeconds = this.gracePeriodSeconds();
    this.configureRequestScaling();
  }

  private gracePeriodSeconds(): number | undefined {
    if (this.deployment.gracePeriodSeconds !== undefined) return this.deployment.gracePeriodSeconds;
    if (this.routeList.length === 0) return undefined;
    const start = this.healthCheckSpec?.startPeriodSeconds ?? 0;
    return (
      start +
      Math.max(...this.routeList.map((r) => r.healthCheck.intervalSeconds * r.healthCheck.healthyThreshold))
    );
  }

  private configureRequestScaling(): void {
    const requests = this.autoScaling?.requestsPerTarget;
    if (requests === undefined || !this.scalableTarget) return;
    // One target-tracking policy per route: ECS scales out when any route's requests per task exceed it.
    for (const route of this.routeList.slice(this.requestScalingConfigured)) {
      // Routes of different load balancers may share an id; later ones get a numbered policy id.
      const taken = new Set(this.scalableTarget.node.findAll().map((c) => c.node.id));
      let id = `Requests${route.node.id}`;
      for (let n = 2; taken.has(id); n++) id = `Requests${route.node.id}${n}`;
      this.scalableTarget.scaleOnRequestCount(id, {
        requestsPerTarget: requests,
        targetGroup: route.targetGroup,
      });
    }
    this.requestScalingConfigured = this.routeList.length;
  }

  protected onEnvironment(key: string, value: string): void {
    this.cloud?.container.addEnvironment(key, value);
  }

  protected onSecret(key: string, reference: SecretReference): void {
    this.cloud?.container.addSecret(key, ecsSecret(reference));
  }

  protected onParameterVariable(key: string, parameterName: string): void {
    this.cloud?.container.addSecret(key, parameterSecret(this, parameterName));
  }

  protected onMount(mount: Mount): void {
    this.cloud?.host.mount(this.cloud.container, mount);
  }

  protected onConnection(
    dataService: DataService,
    variables: Readonly<Record<string, ConnectionValue>>,
    urls: Readonly<Record<string, ConnectionUrlSpec>>,
  ): void {
    this.cloud?.host.connect(this.cloud.container, dataService, variables, urls);
  }

  protected onResourceConnection(
    resource: AwsResource,
    access: ResourceAccess,
    variables: Readonly<Record<string, ResourceValue>>,
  ): void {
    this.cloud?.host.connectResource(this.cloud.container, resource, access, variables);
  }

  protected onDependency(dependency: Dependency): void {
    const target = dependency.target;
    if (target instanceof Job && target.run.kind === 'schedule') {
      throw new ValidationError(
        waitsForScheduledJob(this.node.path, `dependsOn[${this.dependsOn.length - 1}]`, target.name),
      );
    }
    if (this.cloud && target instanceof DataService) this.cloud.host.waitForDataService(target);
    // Left out of the cloud twin: an optional part the stage does not include (the dependency is optional).
    if (!this.cloud || target instanceof DataService || !target.isDeployed) return;
    if (target instanceof Job && target.run.kind === 'deployment') {
      this.cloud.host.waitForJobRun(target._runResource);
    } else if (target instanceof Job) {
      const jobContainer = target._attachTo(this.cloud.host);
      this.container.addContainerDependencies({
        container: jobContainer,
        condition:
          dependency.condition === 'started'
            ? ecs.ContainerDependencyCondition.START
            : ecs.ContainerDependencyCondition.SUCCESS,
      });
    } else if (target instanceof Service) {
      this.cloud.host.waitForService(target._tasks);
    }
  }

  /**
   * This service's tasks as what waits for them sees them: its ECS service and container ports.
   * @internal
   */
  public get _tasks(): ServiceTasks {
    return {
      resource: this.fargateService.node.defaultChild as ecs.CfnService,
      connectable: this.fargateService,
      containerPorts: this.ports.filter((p) => p.protocol !== 'udp').map((p) => p.containerPort),
      udpPorts: this.ports.filter((p) => p.protocol === 'udp').map((p) => p.containerPort),
    };
  }
}

const APP_PROTOCOLS: Record<Exclude<PortProtocol, 'tcp' | 'udp'>, ecs.AppProtocol> = {
  http: ecs.AppProtocol.http,
  http2: ecs.AppProtocol.http2,
  grpc: ecs.AppProtocol.grpc,
};
