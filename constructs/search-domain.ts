import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import {
  CONTROL_TOWER,
  acknowledgeDeploymentFunctionFindings,
  acknowledgeInlinePolicies,
  acknowledgeSecretFindings,
} from './aws/nag-findings';
import { adoptLogSettings, applicationLogGroup } from './aws/log-groups';
import { CloudConnectionValue, DataService, DataServiceProps } from './data-service';
import { EngineRelease, checkEngineVersion } from './engine-version';
import { invalid } from './errors';
import { HealthCheck } from './values/health-check';
import { checkInteger, upperSnake } from './model/names';
import type { ConnectionUrlSpec, ConnectionValue, DataServiceSpec } from './model/spec';
import { Secret } from './secret';
import { placeData } from './aws/data-placement';

/**
 * OpenSearch versions both twins can run alike: the ones the OpenSearch Service L2 offers, from 2.12 on
 * (earlier images have no settable admin password, so the local stand-in could not use the `.env` one).
 */
const SUPPORTED: readonly string[] = Object.values(opensearch.EngineVersion)
  .filter((v): v is opensearch.EngineVersion => v instanceof opensearch.EngineVersion)
  .map((v) => /^OpenSearch_(\d+\.\d+)$/.exec(v.version)?.[1])
  .filter((v): v is string => v !== undefined && compareVersions(v, '2.12') >= 0)
  .sort(compareVersions);

/** The master user: the one internal user the local image's security plugin creates, so both twins use it. */
const USERNAME = 'admin';
/**
 * Punctuation kept out of the generated password: everything but `-`, `.`, `_` and `~`, so it needs no
 * escaping in a URL, a shell or `.env`, and still has the special character OpenSearch requires.
 */
const EXCLUDED_PUNCTUATION = '!"#$%&\'()*+,/:;<=>?@[\\]^`{|}';
const CLOUD_PORT = 443;
/** Construct id of aws-cdk-lib's AwsCustomResource function, a singleton per stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';
const LOCAL_PORT = 9200;

/** Search engine and version, the same in both twins. */
export class SearchEngine {
  /** OpenSearch; `version` is a minor (`2.17`, the `.0` release locally) or a full version (`2.17.1`). */
  public static openSearch(version: string): SearchEngine {
    return new SearchEngine('opensearch', version);
  }

  private constructor(
    /** Engine name. */
    public readonly kind: 'opensearch',
    /** Version as given. */
    public readonly version: string,
  ) {}

  /**
   * The minor version (what OpenSearch Service runs), the full version and the image of the local twin,
   * after checking the version is one both twins can run.
   * @internal
   */
  public _check(at: string): EngineRelease & { minor: string; full: string } {
    return checkEngineVersion(at, this.version, {
      supported: SUPPORTED,
      resolve: (version) => {
        const match = /^(\d+\.\d+)(\.\d+)?$/.exec(version);
        if (!match || !SUPPORTED.includes(match[1])) return undefined;
        const full = match[2] ? version : `${match[1]}.0`;
        return { cloud: match[1], minor: match[1], full, image: `opensearchproject/opensearch:${full}` };
      },
      rejection: () =>
        `is not an OpenSearch version OpenSearch Service offers with a local image that takes the admin password; use ${SUPPORTED.join(', ')} (or a patch release of one, e.g. "${SUPPORTED[SUPPORTED.length - 1]}.1")`,
    });
  }
}

/** Properties of a SearchDomain. */
export interface SearchDomainProps extends DataServiceProps {
  /** Engine and version (required: both twins run the same version). */
  readonly engine: SearchEngine;
  /**
   * Data nodes; with more than one, the domain spreads them over availability zones (zone awareness), so
   * the number must divide evenly over the zones.
   * @default 1 in the cloud; one container locally
   */
  readonly dataNodes?: number;
  /**
   * Instance type of the data nodes.
   * @default t3.small.search
   */
  readonly instanceType?: string;
  /**
   * gp3 storage per data node, in GiB.
   * @default 10
   */
  readonly volumeSizeGiB?: number;
  /**
   * Dedicated master nodes (3 or 5), which production domains use for stability.
   * @default 0 - the data nodes also act as master
   */
  readonly dedicatedMasterNodes?: number;
  /**
   * Instance type of dedicated master nodes.
   * @default m6g.large.search
   */
  readonly dedicatedMasterInstanceType?: string;
  /**
   * What happens to the domain (and its data) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Java heap of the local container, in MiB (OPENSEARCH_JAVA_OPTS); the cloud twin sizes it from the
   * instance type.
   * @default 512
   */
  readonly localHeapMiB?: number;
}

/**
 * An OpenSearch search domain, for OpenSearch and Elasticsearch-compatible clients. Cloud: an OpenSearch
 * Service domain in the application's isolated subnets (private ones, with a warning, in a VPC without any), node-to-node and at-rest encryption, HTTPS only,
 * fine-grained access control with the internal master user `admin` whose password is generated into
 * Secrets Manager, slow and error logs in CloudWatch Logs; only connected services may reach it, on 443.
 * Local: `opensearchproject/opensearch` of the same version as a single node with the security plugin on
 * and the same `admin` password from `.env`, over plain HTTP on 9200 (connection URLs use `https://` in the
 * cloud and `http://` locally; both carry the credentials, so clients use basic auth in both twins).
 */
export class SearchDomain extends DataService {
  /** The OpenSearch Service domain. */
  public readonly domain: opensearch.Domain;
  /** Security group of the domain. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The master user's credentials (JSON: username, password). */
  public readonly credentials: Secret;
  public readonly kind = 'opensearch' as const;
  protected readonly supportedValues: readonly ConnectionValue[] = [
    'host',
    'port',
    'username',
    'password',
    'url',
  ];
  /** @internal */
  public readonly _resource: IConstruct;
  /** @internal */
  public readonly _cloudPort = ec2.Port.tcp(CLOUD_PORT);
  private readonly spec: DataServiceSpec;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id, props);
    const at = this.node.path;
    if (!props || !(props.engine instanceof SearchEngine)) {
      throw invalid(at, 'engine', props?.engine, 'is required; use SearchEngine.openSearch("2.17")');
    }
    const { minor, image } = props.engine._check(at);
    const dataNodes =
      props.dataNodes === undefined ? 1 : checkInteger(at, 'dataNodes', props.dataNodes, 1, 80);
    const instanceType = checkInstanceType(at, 'instanceType', props.instanceType ?? 't3.small.search');
    const volumeSize =
      props.volumeSizeGiB === undefined
        ? 10
        : checkInteger(at, 'volumeSizeGiB', props.volumeSizeGiB, 10, 16384);
    const masterNodes = props.dedicatedMasterNodes ?? 0;
    if (![0, 3, 5].includes(masterNodes)) {
      throw invalid(at, 'dedicatedMasterNodes', masterNodes, 'must be 0, 3 or 5');
    }
    if (props.dedicatedMasterInstanceType !== undefined && masterNodes === 0) {
      throw invalid(
        at,
        'dedicatedMasterInstanceType',
        props.dedicatedMasterInstanceType,
        'needs dedicatedMasterNodes (3 or 5)',
      );
    }
    const masterType = checkInstanceType(
      at,
      'dedicatedMasterInstanceType',
      props.dedicatedMasterInstanceType ?? 'm6g.large.search',
    );
    const heap =
      props.localHeapMiB === undefined
        ? 512
        : checkInteger(at, 'localHeapMiB', props.localHeapMiB, 256, 32768);

    // Cloud twin.
    const vpc = this.application.vpc;
    const subnetType = placeData(this, vpc, `search domain '${this.name}'`).subnetType;
    const zonal = vpc.selectSubnets({ subnetType, onePerAz: true }).subnets;
    const zones = dataNodes === 1 ? 1 : dataNodes % 3 === 0 && zonal.length >= 3 ? 3 : 2;
    if (dataNodes > 1 && (dataNodes % zones !== 0 || zonal.length < zones)) {
      throw invalid(
        at,
        'dataNodes',
        dataNodes,
        zonal.length < zones
          ? `needs subnets in ${zones} availability zones; the VPC has ${zonal.length}`
          : `must divide evenly over ${zones} availability zones; use an even number`,
      );
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Search domain ${this.name}: connected services only`,
    });
    const masterUser = new secretsmanager.Secret(this, 'MasterUser', {
      description: `Master user of search domain ${this.name}`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: USERNAME }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludeCharacters: EXCLUDED_PUNCTUATION,
        requireEachIncludedType: true,
      },
      // The domain is retained with its data; so is the only password that opens it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeSecretFindings(
      masterUser,
      "Rotating the master password also needs the domain's master user updated and every connected task restarted; rotate it together with domain.addAccessPolicies/updateDomainConfig where the application tolerates that.",
    );
    const logGroups = {
      slowSearch: applicationLogGroup(this, 'SlowSearchLogs', this.application),
      slowIndex: applicationLogGroup(this, 'SlowIndexLogs', this.application),
      app: applicationLogGroup(this, 'AppLogs', this.application),
      audit: applicationLogGroup(this, 'AuditLogs', this.application),
    };
    // A CloudFormation resource policy lets the service write the logs (instead of the L2's custom resource).
    const logsPolicy = new logs.ResourcePolicy(this, 'LogsPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          actions: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          principals: [new iam.ServicePrincipal('es.amazonaws.com')],
          resources: Object.values(logGroups).map((g) => g.logGroupArn),
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      ],
    });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.domain = new opensearch.Domain(this, 'Domain', {
      version: opensearch.EngineVersion.openSearch(minor),
      vpc,
      vpcSubnets: [{ subnets: zonal.slice(0, zones) }],
      securityGroups: [this.securityGroup],
      capacity: {
        dataNodes,
        dataNodeInstanceType: instanceType,
        ...(masterNodes > 0 ? { masterNodes, masterNodeInstanceType: masterType } : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { enabled: true, volumeSize, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      zoneAwareness: dataNodes > 1 ? { enabled: true, availabilityZoneCount: zones } : { enabled: false },
      nodeToNodeEncryption: true,
      encryptionAtRest: { enabled: true },
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: {
        masterUserName: USERNAME,
        masterUserPassword: masterUser.secretValueFromJson('password'),
      },
      // Basic auth with the internal user database needs a domain policy that lets unsigned requests reach
      // fine-grained access control; the security group limits who can send them.
      useUnsignedBasicAuth: true,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: logGroups.slowSearch,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: logGroups.slowIndex,
        appLogEnabled: true,
        appLogGroup: logGroups.app,
        // Who signed in and what they were refused: fine-grained access control writes it.
        auditLogEnabled: true,
        auditLogGroup: logGroups.audit,
      },
      suppressLogsResourcePolicy: true,
      enableAutoSoftwareUpdate: true,
      removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);
    this._resource = this.domain;
    this.acknowledgeNagFindings(dataNodes, masterNodes);

    this.credentials = Secret._managed(
      this,
      `${this.name}-credentials`,
      masterUser,
      `OpenSearch Service domain '${this.name}'`,
      {
        localVariable: `${upperSnake(this.name)}_PASSWORD`,
      },
    );
    const password = this.credentials.field('password', {
      localVariable: `${upperSnake(this.name)}_PASSWORD`,
    });

    // Local twin.
    this.spec = {
      name: this.name,
      path: at,
      kind: 'opensearch',
      version: props.engine.version,
      cloud:
        `OpenSearch Service ${minor} (${instanceType} x${dataNodes}${masterNodes ? `, ${masterNodes} dedicated masters` : ''}), ` +
        'HTTPS on 443 with fine-grained access control; locally plain HTTP on 9200 with the same admin user and password',
      local: {
        image,
        port: LOCAL_PORT,
        ...(this.hostPort !== undefined ? { hostPort: this.hostPort } : {}),
        environment: {
          'discovery.type': 'single-node',
          // The security plugin authenticates as in the cloud; only its HTTP layer runs without TLS.
          'plugins.security.ssl.http.enabled': 'false',
          OPENSEARCH_JAVA_OPTS: `-Xms${heap}m -Xmx${heap}m`,
        },
        secrets: { OPENSEARCH_INITIAL_ADMIN_PASSWORD: password._toSpec() },
        healthCheck: HealthCheck.shell(
          `curl -fsS -o /dev/null -u "${USERNAME}:$OPENSEARCH_INITIAL_ADMIN_PASSWORD" "http://localhost:${LOCAL_PORT}/_cluster/health?wait_for_status=yellow&timeout=5s"`,
          {
            interval: Duration.seconds(10),
            timeout: Duration.seconds(10),
            retries: 30,
            startPeriod: Duration.seconds(30),
          },
        )._toSpec(at, 'local.healthCheck'),
        ...this._localData('/usr/share/opensearch/data'),
      },
      values: {
        host: this.name,
        port: LOCAL_PORT,
        username: USERNAME,
        password: password._toSpec(),
        scheme: 'http',
      },
    };
    this.application._registerDataService(this);
  }

  /** The model of this search domain. */
  public toSpec(): DataServiceSpec {
    return this.spec;
  }

  /** @internal */
  protected _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue {
    switch (value) {
      case 'host':
        return { environment: this.domain.domainEndpoint };
      case 'port':
        return { environment: String(CLOUD_PORT) };
      case 'username':
        return { environment: USERNAME };
      default:
        return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret, 'password') };
    }
  }

  /** `https` in the cloud, where the domain enforces HTTPS, and `http` for the plain stand-in. @internal */
  public _ownUrl(): ConnectionUrlSpec {
    return {
      cloud: { scheme: 'https', path: '', query: '' },
      local: { scheme: this.spec.values.scheme, path: '', query: '' },
    };
  }

  /** @internal */
  protected _cloudUrlEndpoint() {
    const password = this.credentials.secret.secretValueFromJson('password').unsafeUnwrap();
    return {
      credentials: [`${USERNAME}:`, password],
      host: this.domain.domainEndpoint,
      port: String(CLOUD_PORT),
      after: this.domain.node.defaultChild as CfnResource,
    };
  }

  private acknowledgeNagFindings(dataNodes: number, masterNodes: number): void {
    const domain = this.domain;
    Validations.of(domain).acknowledge(
      {
        id: 'AwsSolutions-OS3',
        reason:
          'A VPC domain is reached through its security group, which admits only the connected services; IP conditions do not apply to VPC endpoints.',
      },
      {
        id: 'AwsSolutions-OS5',
        reason:
          "Clients authenticate with basic auth against fine-grained access control's internal user database (as they do against the local stand-in), which needs a domain policy that lets unsigned requests through to it; the security group admits only the connected services.",
      },
    );
    // The access policy is applied by aws-cdk-lib's shared custom-resource function (one per stack), with
    // the permissions of the domain's AccessPolicy.
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's custom-resource function that applies the search domain's access policy only writes its own logs with this managed policy.",
      });
      acknowledgeDeploymentFunctionFindings(
        provider,
        "aws-cdk-lib's custom resource that applies the search domain's access policy",
        'OpenSearch Service UpdateDomainConfig',
      );
      // Its log group is aws-cdk-lib's, one per stack: it takes the retention and key of the application
      // that first needs it, like the application's own log groups.
      const providerLogs = provider.node.tryFindChild('LogGroup')?.node.defaultChild;
      if (providerLogs instanceof logs.CfnLogGroup && providerLogs.kmsKeyId === undefined) {
        adoptLogSettings(providerLogs, this.application);
      }
    }
    const accessPolicy = domain.node.tryFindChild('AccessPolicy');
    if (accessPolicy) acknowledgeInlinePolicies(accessPolicy);
    if (masterNodes === 0) {
      Validations.of(domain).acknowledge({
        id: 'AwsSolutions-OS4',
        reason:
          'No dedicated master nodes by default keeps development stages cheap; production stages set dedicatedMasterNodes.',
      });
    }
    if (dataNodes === 1) {
      Validations.of(domain).acknowledge({
        id: 'AwsSolutions-OS7',
        reason:
          'A single data node by default keeps development stages cheap; production stages set dataNodes to 2 or more, which turns zone awareness on.',
      });
    }
    if (dataNodes < 3) {
      Validations.of(domain).acknowledge({
        id: `${CONTROL_TOWER}::opensearch_data_node_fault_tolerance_check`,
        reason: `Search domain ${this.node.path} has ${dataNodes} data node${dataNodes === 1 ? '' : 's'} (dataNodes), a choice that keeps a development stage cheap; production stages set dataNodes to 3 or more, spread over three availability zones.`,
      });
    }
  }
}

function checkInstanceType(at: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z0-9]+\.[a-z0-9]+\.search$/.test(value)) {
    throw invalid(at, prop, value, 'is not an OpenSearch Service instance type, e.g. "t3.small.search"');
  }
  return value;
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}
