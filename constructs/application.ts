import * as path from 'path';
import * as fs from 'fs';
import * as net from 'net';
import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, IConstruct } from 'constructs';
import { LocalTwin, renderLocalTwin, renderLocalTwinFiles } from './compose/compose-renderer';
import { invalid, ValidationError } from './errors';
import { checkName } from './model/names';
import { checkProfileName } from './model/profiles';
import { compareStrings } from './model/order';
import type { DeploymentStage } from './stages';
import { DEFAULT_LOCAL_HOST_IP } from './model/spec';
import { LOCAL_HOST_IP_RULE } from './model/rules/workloads';
import {
  DEFAULT_LOCAL_NETWORKS,
  isLocalNetworksMode,
  LOCAL_NETWORKS_RULE,
  LocalNetworksMode,
} from './model/local-networks';
import type { ApplicationSpec, PortSpec } from './model/spec';
import { ModelReport, validateModel } from './model/validate';
import { COMPOSE_SERVICE_NAME, dataVolumeTaken, nameTaken, WORKLOAD_NAME } from './model/rules/naming';
import { DiscoveryNameOwner, portNameTaken } from './model/rules/service-connect';
import { DEFAULT_LOCK_FILE, ImageLock, LOCK_FILE_CONTEXT } from './model/image-lock';
import type { DataService } from './data-service';
import type { AwsResource } from './aws-resource';
import type { LoadBalancer } from './load-balancer';
import type { Secret } from './secret';
import type { Volume } from './volume';
import type { Workload } from './workload';
import { byName } from './model/order';
import { attachApplicationSynthesis, LocalTwinFiles } from './synthesis/application-synthesis';

export type { LocalTwinFiles };
import { acknowledgeDefaultVpcFindings } from './aws/nag-findings';
import { applicationLogGroup, createLogKey } from './aws/log-groups';
import { LogEncryption } from './values/log-encryption';
import { checkExistingPlatform, knownNamespaceName } from './aws/existing-platform';

/** Properties of an Application. */
export interface ApplicationProps {
  /**
   * Name of the application: compose project name and Service Connect namespace.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * VPC to run in; it needs private subnets with egress.
   * @default - a new VPC over 2 availability zones with public and private subnets, one NAT gateway and
   * flow logs to CloudWatch Logs; locally the compose default network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Retention of the application's log groups: workloads, jobs, the job runner, flow logs and data
   * services' logs. Less than a year is a choice for a stage whose logs need not outlive a year of audits
   * (e.g. `logs.RetentionDays.ONE_MONTH` for development); AWS Control Tower's CT.CLOUDWATCH.PR.2 is then
   * acknowledged on each log group with that reason.
   * @default logs.RetentionDays.ONE_YEAR in the cloud; locally compose keeps container logs until removal
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How the application's log groups are encrypted at rest.
   * @default LogEncryption.applicationKey(): one customer-managed KMS key for the application's log groups
   */
  readonly logEncryption?: LogEncryption;
  /**
   * Enable CloudWatch Container Insights on the cluster the application creates. An existing `cluster`
   * keeps its own setting, so this cannot be given with one.
   * @default true
   */
  readonly containerInsights?: boolean;
  /**
   * The address of the developer's machine that the local twin's published ports (`hostPort`, the local
   * proxy's `localPort`) listen on: an IPv4 or IPv6 literal. `'0.0.0.0'` (or `'::'`) makes them reachable
   * from other machines on the network. The cloud twin publishes nothing on a host.
   * @default '127.0.0.1': reachable from this machine only
   */
  readonly localHostIp?: string;
  /**
   * Which services of the local twin can reach each other. `'mirror-cloud'`: as in the cloud twin, where a
   * security group admits only what the model declares, every compose service gets a network of its own
   * that exactly the services that may reach it join (the dependents of a service and the proxy of a load
   * balancer routing to it, the workloads connected to a data service or to a bucket, queue or table's
   * stand-in); a data service's and a stand-in's network has no route out of the engine (`internal`), a
   * workload's and a proxy's has one, as tasks reach the internet through the NAT gateway. So a workload
   * that calls a service it does not depend on fails in both twins. `'single'`: every service on compose's
   * default network, each reaching every other (for an engine without DNS on internal networks, such as
   * podman with CNI networking). The cloud twin is the same either way.
   * @default 'mirror-cloud'
   */
  readonly localNetworks?: LocalNetworksMode;
  /**
   * An existing ECS cluster to run the services and jobs in (e.g. a platform team's), instead of one the
   * application creates. It must be in the application's VPC; without `vpc`, the application runs in the
   * cluster's VPC.
   * @default - a new cluster in the application's VPC
   */
  readonly cluster?: ecs.ICluster;
  /**
   * An existing Cloud Map HTTP namespace for Service Connect, instead of one the application creates.
   * Needs `cluster`: a shared namespace belongs to the platform that runs the cluster. The services'
   * discovery names (port names) must be unique in it, across every application that shares it.
   * @default - a new HTTP namespace named after the application (`projectName`)
   */
  readonly namespace?: servicediscovery.INamespace;
  /**
   * The stage (environment) this application is deployed as, from a `Stages` definition: the compose
   * project and the Service Connect namespace are named `<name>-<stage>`, and the stage's `profiles` are
   * the optional parts the cloud twin includes.
   * @default - no stage: named `name` in both twins
   */
  readonly stage?: DeploymentStage<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Optional parts (workload `profile`s) the cloud twin includes. Every profile is in the local twin.
   * @default - the stage's profiles; none without a stage
   */
  readonly profiles?: string[];
  /**
   * Lock file written by `twinstack images --lock`: every ECR image the application uses by tag (an
   * `Image.fromEcrRepository` tag, or an ECR registry reference with a tag) is pinned, in both twins, to
   * the digest the file holds for it, so a stage runs exactly the images that were checked even after the
   * tag moved on. A tag the file does not hold is deployed by tag, with a warning. Relative to the working
   * directory; the context value `twinstack:lockFile` (`-c twinstack:lockFile=prod.lock.json`) sets it for
   * every application, and `none` reads no lock file.
   * @default - `twinstack.lock.json` in the working directory when it exists; otherwise images are used by
   * tag
   */
  readonly lockFile?: string;
}

const APPLICATION = Symbol.for('twinstack.Application');

/**
 * The root of a twinstack application, placed in any Stack. It owns the ECS cluster, the VPC and a Service
 * Connect namespace, so services reach each other by the names they have locally, unless existing ones are
 * given (`vpc`, `cluster`, `namespace`), and the model both twins are rendered from. During `cdk synth` the compose file, `.env.example` and the model are
 * written into the cloud assembly next to the templates.
 */
export class Application extends Construct {
  /** Finds the Application `construct` belongs to. */
  public static of(construct: IConstruct): Application {
    for (let c: IConstruct | undefined = construct.node.scope; c; c = c.node.scope) {
      if (Application.isApplication(c)) return c;
    }
    throw invalid(
      construct.node.path,
      'scope',
      construct.node.scope?.node.path ?? '(root)',
      'is not inside an Application; create it with the application (or a construct under it) as scope',
    );
  }

  /** Whether `x` is an Application (works across copies of the library). */
  public static isApplication(x: unknown): x is Application {
    return typeof x === 'object' && x !== null && APPLICATION in x;
  }

  /** Name of the application in both twins. */
  public readonly name: string;
  /** The stage this application is deployed as, if any. */
  public readonly stage?: DeploymentStage<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Optional parts (profiles) the cloud twin includes. */
  public readonly profiles: readonly string[];
  /** Compose project and Service Connect namespace name: `<name>-<stage>` with a stage, else `name`. */
  public readonly projectName: string;
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The ECS cluster: the one given as `cluster`, or the application's own. */
  public readonly cluster: ecs.ICluster;
  /**
   * The Service Connect namespace: the one given as `namespace`, or the application's own Cloud Map HTTP
   * namespace named after the application.
   */
  public readonly namespace: servicediscovery.INamespace;
  /** Retention of the application's log groups. */
  public readonly logRetention: logs.RetentionDays;
  /** The address the local twin's published ports listen on. */
  public readonly localHostIp: string;
  /** Which services of the local twin can reach each other (see `ApplicationProps.localNetworks`). */
  public readonly localNetworks: LocalNetworksMode;
  /** The KMS key of the application's log groups; undefined with `LogEncryption.serviceManaged()`. */
  public readonly logEncryptionKey?: kms.IKey;
  /** The files of the local twin inside the cloud assembly. */
  public readonly localTwinFiles: LocalTwinFiles;
  private readonly workloads: Workload[] = [];
  private readonly volumes: Volume[] = [];
  private readonly secrets: Secret[] = [];
  private readonly loadBalancerList: LoadBalancer[] = [];
  private readonly dataServiceList: DataService[] = [];
  private readonly awsResourceList: AwsResource[] = [];
  private readonly discoveryNames = new Map<string, DiscoveryNameOwner>();
  private readonly lockFile?: string;
  /** Name of the existing namespace the application was given, when known at synth time. */
  private readonly existingNamespace?: string;
  private lock?: ImageLock | null;

  constructor(scope: Construct, id: string, props: ApplicationProps = {}) {
    super(scope, id);
    Object.defineProperty(this, APPLICATION, { value: true });
    this.name = checkName(this.node.path, 'name', props.name ?? id);
    this.localHostIp = checkLocalHostIp(this.node.path, props.localHostIp);
    this.localNetworks = checkLocalNetworks(this.node.path, props.localNetworks);
    this.logRetention = checkLogRetention(this.node.path, props.logRetention);
    this.logEncryptionKey = logEncryptionKey(this, props.logEncryption);
    if (props.stage !== undefined) {
      if (typeof props.stage?.name !== 'string' || !Array.isArray(props.stage.profiles)) {
        throw invalid(
          this.node.path,
          'stage',
          props.stage,
          'must be a stage of a Stages definition, e.g. stages.stage("dev")',
        );
      }
      this.stage = props.stage;
    }
    if (props.profiles !== undefined && !Array.isArray(props.profiles)) {
      throw invalid(this.node.path, 'profiles', props.profiles, 'must be a list of profile names');
    }
    const profiles = props.profiles ?? props.stage?.profiles ?? [];
    this.profiles = [...new Set(profiles.map((p) => checkProfileName(this.node.path, 'profiles', p)))].sort(
      compareStrings,
    );
    this.projectName = this.stage ? `${this.name}-${this.stage.name}` : this.name;
    this.lockFile = this.chooseLockFile(props.lockFile);
    for (const other of Stack.of(this).node.findAll()) {
      if (other !== this && Application.isApplication(other) && other.name === this.name) {
        throw invalid(
          this.node.path,
          'name',
          this.name,
          `is already the name of ${other.node.path} in this stack; both would write the same compose file and Service Connect namespace`,
        );
      }
    }
    const existing = checkExistingPlatform(this.node.path, props);
    const vpc = props.vpc ?? existing.cluster?.vpc;
    if (vpc && vpc.privateSubnets.length === 0) {
      throw invalid(
        this.node.path,
        props.vpc ? 'vpc' : 'cluster',
        vpc.node.path,
        `has no private subnets with egress${props.vpc ? '' : " (it is the cluster's VPC)"}; services, volumes and their endpoints run there, so give the VPC such subnets`,
      );
    }
    this.vpc = vpc ?? this.createVpc();
    this.existingNamespace = existing.namespace ? knownNamespaceName(existing.namespace) : undefined;
    this.namespace =
      existing.namespace ??
      new servicediscovery.HttpNamespace(this, 'Namespace', {
        name: this.projectName,
        description: `Service Connect namespace of application ${this.name}`,
      });
    this.cluster =
      existing.cluster ??
      new ecs.Cluster(this, 'Cluster', {
        vpc: this.vpc,
        containerInsightsV2:
          props.containerInsights === false ? ecs.ContainerInsights.DISABLED : ecs.ContainerInsights.ENABLED,
      });

    const stem = `${Stack.of(this).artifactId}.${this.name}`;
    this.localTwinFiles = {
      composeFile: `${stem}.compose.yaml`,
      envExampleFile: `${stem}.env.example`,
      modelFile: `${stem}.twinstack.json`,
    };
    attachApplicationSynthesis(this, Application.isApplication);
  }

  /** The application model: every workload, volume and secret, sorted by name. */
  public toSpec(): ApplicationSpec {
    return {
      name: this.name,
      path: this.node.path,
      workloads: this.workloads.map((w) => w.toSpec()).sort(byName),
      volumes: this.volumes.map((v) => v.toSpec()).sort(byName),
      secrets: this.secrets.map((s) => s.toSpec()).sort(byName),
      loadBalancers: this.loadBalancerList.map((l) => l.toSpec()).sort(byName),
      dataServices: this.dataServiceList.map((d) => d.toSpec()).sort(byName),
      ...(this.awsResourceList.length
        ? { awsResources: this.awsResourceList.map((r) => r.toSpec()).sort(byName) }
        : {}),
      ...(this.stage ? { stage: this.stage.name } : {}),
      ...(this.profiles.length ? { profiles: [...this.profiles] } : {}),
      ...(this.existingNamespace !== undefined ? { namespace: this.existingNamespace } : {}),
      localHostIp: this.localHostIp,
      localNetworks: this.localNetworks,
    };
  }

  /** Whether the cloud twin includes workloads of `profile` (always, for workloads without a profile). */
  public includesProfile(profile?: string): boolean {
    return profile === undefined || this.profiles.includes(profile);
  }

  /** Checks the whole model; the errors are what synthesis would reject. */
  public validate(): ModelReport {
    return validateModel(this.toSpec());
  }

  /** Renders the local twin for a compose file that will live in `outputDirectory`. */
  public renderLocalTwin(outputDirectory: string): LocalTwin {
    return renderLocalTwin(this.toSpec(), { outputDirectory: path.resolve(outputDirectory) });
  }

  /** The compose file and `.env.example` texts for a compose file that will live in `outputDirectory`. */
  public renderLocalTwinFiles(outputDirectory: string): { compose: string; envExample: string } {
    return renderLocalTwinFiles(this.toSpec(), { outputDirectory: path.resolve(outputDirectory) });
  }

  /** @internal */
  public _registerWorkload(workload: Workload): void {
    const clash =
      this.workloads.find((w) => w.name === workload.name) ??
      this.dataServiceList.find((d) => d.name === workload.name);
    if (clash) {
      throw new ValidationError(
        nameTaken(workload.node.path, 'name', workload.name, clash.node.path, WORKLOAD_NAME),
      );
    }
    this.workloads.push(workload);
  }

  /**
   * Claims the Service Connect discovery names (port names) of service `service` at `path`: each is the name
   * of a Cloud Map service in the application's namespace, so no two ports of the application share one.
   * @internal
   */
  public _registerPorts(path: string, service: string, ports: readonly PortSpec[]): void {
    // An existing namespace may be shared with other applications of the app: the names are unique there.
    const sharing = this.namespace.node.scope === this ? [] : this.applicationsSharingNamespace();
    ports.forEach((p, i) => {
      const owner =
        this.discoveryNames.get(p.name) ??
        sharing.map((a) => a.discoveryNames.get(p.name)).find((o) => o !== undefined);
      if (owner) throw new ValidationError(portNameTaken(path, `ports[${i}].name`, p.name, owner));
    });
    for (const p of ports) this.discoveryNames.set(p.name, { service, path, containerPort: p.containerPort });
  }

  /** The other applications of the app whose services register in this application's namespace. */
  private applicationsSharingNamespace(): Application[] {
    return this.node.root.node
      .findAll()
      .filter(Application.isApplication)
      .filter((a) => a !== this && a.namespace.namespaceArn === this.namespace.namespaceArn);
  }

  /** @internal */
  public _registerVolume(volume: Volume): void {
    const clash = this.volumes.find((v) => v.name === volume.name);
    if (clash)
      throw new ValidationError(
        nameTaken(
          volume.node.path,
          'name',
          volume.name,
          clash.node.path,
          'volume names must be unique in an application',
        ),
      );
    const dataService = this.dataServiceList.find((d) => d._localDataVolume === volume.name);
    if (dataService)
      throw new ValidationError(
        dataVolumeTaken({ path: volume.node.path, name: volume.name, kind: 'volume' }, dataService.node.path),
      );
    this.volumes.push(volume);
  }

  /** @internal */
  public _registerLoadBalancer(loadBalancer: LoadBalancer): void {
    const clash = this.loadBalancerList.find((l) => l.name === loadBalancer.name);
    if (clash) {
      throw new ValidationError(
        nameTaken(
          loadBalancer.node.path,
          'name',
          loadBalancer.name,
          clash.node.path,
          'load balancer names must be unique in an application',
        ),
      );
    }
    this.loadBalancerList.push(loadBalancer);
  }

  /**
   * The load balancers of every application of the app that are on existing listeners.
   * @internal
   */
  public _loadBalancersOnListeners(): LoadBalancer[] {
    return this.node.root.node
      .findAll()
      .filter(Application.isApplication)
      .flatMap((a) => a.loadBalancerList.filter((l) => l._existingListener !== undefined));
  }

  /** @internal */
  public _registerDataService(dataService: DataService): void {
    if (this.dataServiceList.includes(dataService)) return;
    const clash =
      this.dataServiceList.find((d) => d.name === dataService.name) ??
      this.workloads.find((w) => w.name === dataService.name);
    if (clash) {
      throw new ValidationError(
        nameTaken(dataService.node.path, 'name', dataService.name, clash.node.path, COMPOSE_SERVICE_NAME),
      );
    }
    const owner =
      this.volumes.find((v) => v.name === dataService._localDataVolume) ??
      this.dataServiceList.find((d) => d._localDataVolume === dataService._localDataVolume);
    if (owner)
      throw new ValidationError(
        dataVolumeTaken(
          {
            kind: 'data service',
            path: dataService.node.path,
            name: dataService.name,
            ...(dataService._localVolumeName !== undefined
              ? { volumeName: dataService._localVolumeName }
              : {}),
          },
          owner.node.path,
        ),
      );
    this.dataServiceList.push(dataService);
  }

  /** @internal */
  public _registerAwsResource(resource: AwsResource): void {
    const clash = this.awsResourceList.find((r) => r.kind === resource.kind && r.name === resource.name);
    if (clash) {
      throw new ValidationError(
        nameTaken(
          resource.node.path,
          'name',
          resource.name,
          clash.node.path,
          `${resource.kind} names must be unique in an application`,
        ),
      );
    }
    this.awsResourceList.push(resource);
  }

  /** @internal */
  public _registerSecret(secret: Secret): void {
    const clash = this.secrets.find((s) => s.name === secret.name);
    if (clash)
      throw new ValidationError(
        nameTaken(
          secret.node.path,
          'id',
          secret.name,
          clash.node.path,
          'secret ids must be unique in an application',
        ),
      );
    this.secrets.push(secret);
  }

  /**
   * The image lock this application pins its ECR tags with, read once; `undefined` without one.
   * @internal
   */
  public _imageLock(): ImageLock | undefined {
    if (this.lock === undefined)
      this.lock = this.lockFile ? ImageLock.read(this.node.path, this.lockFile) : null;
    return this.lock ?? undefined;
  }

  /** The lock file to read: the prop, the context value, or the default file when it exists. */
  private chooseLockFile(prop: string | undefined): string | undefined {
    if (prop !== undefined) {
      if (typeof prop !== 'string' || prop.trim() === '' || Token.isUnresolved(prop)) {
        throw invalid(
          this.node.path,
          'lockFile',
          prop,
          'must be the path of a lock file written by `twinstack images --lock`',
        );
      }
      return path.resolve(prop);
    }
    const context: unknown = this.node.tryGetContext(LOCK_FILE_CONTEXT);
    if (context !== undefined) {
      if (typeof context !== 'string' || context.trim() === '') {
        throw invalid(
          this.node.path,
          `context ${LOCK_FILE_CONTEXT}`,
          context,
          'must be the path of a lock file, or "none"',
        );
      }
      return context === 'none' ? undefined : path.resolve(context);
    }
    return fs.existsSync(DEFAULT_LOCK_FILE) ? path.resolve(DEFAULT_LOCK_FILE) : undefined;
  }

  /**
   * The ECR registry host when the stack's account and region are known at synth time.
   * @internal
   */
  public _ecrRegistry(): string | undefined {
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
    return `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
  }

  private createVpc(): ec2.IVpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        // Only load balancers and the NAT gateway (with its Elastic IP) live here: nothing needs a public IP
        // assigned at launch.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(applicationLogGroup(this, 'FlowLogsGroup', this)),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    acknowledgeDefaultVpcFindings(vpc);
    return vpc;
  }
}

const RETENTION_DAYS = new Set(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

function checkLocalHostIp(at: string, ip: unknown): string {
  if (ip === undefined) return DEFAULT_LOCAL_HOST_IP;
  if (typeof ip !== 'string' || net.isIP(ip) === 0) throw invalid(at, 'localHostIp', ip, LOCAL_HOST_IP_RULE);
  return ip;
}

function checkLocalNetworks(at: string, mode: unknown): LocalNetworksMode {
  if (mode === undefined) return DEFAULT_LOCAL_NETWORKS;
  if (!isLocalNetworksMode(mode)) throw invalid(at, 'localNetworks', mode, LOCAL_NETWORKS_RULE);
  return mode;
}

function checkLogRetention(at: string, retention: unknown): logs.RetentionDays {
  if (retention === undefined) return logs.RetentionDays.ONE_YEAR;
  if (typeof retention !== 'number' || !RETENTION_DAYS.has(retention)) {
    throw invalid(
      at,
      'logRetention',
      retention,
      'must be a logs.RetentionDays value (days CloudWatch Logs accepts), e.g. logs.RetentionDays.ONE_YEAR',
    );
  }
  return retention;
}

function logEncryptionKey(application: Application, encryption: unknown): kms.IKey | undefined {
  if (encryption === undefined) return createLogKey(application, 'LogKey', application.name);
  if (!(encryption instanceof LogEncryption)) {
    throw invalid(
      application.node.path,
      'logEncryption',
      encryption,
      'must be LogEncryption.applicationKey(), LogEncryption.key(key) or LogEncryption.serviceManaged()',
    );
  }
  if (encryption.kind === 'application-key') return createLogKey(application, 'LogKey', application.name);
  return encryption.encryptionKey;
}
