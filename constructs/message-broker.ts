import { CfnResource, Duration, Fn, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as amazonmq from 'aws-cdk-lib/aws-amazonmq';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct, IConstruct } from 'constructs';
import { CloudConnectionValue, DataService, DataServiceProps } from './data-service';
import { EngineRelease, checkEngineVersion } from './engine-version';
import { invalid } from './errors';
import { HealthCheck } from './values/health-check';
import { upperSnake } from './model/names';
import type { ConnectionUrlSpec, ConnectionValue, DataServiceSpec } from './model/spec';
import { Secret } from './secret';
import { placeData } from './aws/data-placement';

/**
 * RabbitMQ versions Amazon MQ creates brokers with (its engine version management page: 3.13 on mq.t3, mq.m5
 * and mq.m7g; 4.2 on mq.m7g only), and the instance types each runs on.
 */
const SUPPORTED: Record<
  string,
  { readonly families: readonly string[]; readonly single: string; readonly cluster: string }
> = {
  '3.13': { families: ['t3', 'm5', 'm7g'], single: 'mq.t3.micro', cluster: 'mq.m5.large' },
  '4.2': { families: ['m7g'], single: 'mq.m7g.medium', cluster: 'mq.m7g.large' },
};
/** AMQP over TLS, the only AMQP listener of an Amazon MQ RabbitMQ broker. */
const CLOUD_PORT = 5671;
/** Plain AMQP, the local container's listener. */
const LOCAL_PORT = 5672;

/** Message broker engine and version, the same in both twins. */
export class BrokerEngine {
  /** RabbitMQ; `version` is the minor version Amazon MQ creates brokers with (`3.13`, `4.2`). */
  public static rabbitMq(version: string): BrokerEngine {
    return new BrokerEngine('rabbitmq', version);
  }

  private constructor(
    /** Engine name. */
    public readonly kind: 'rabbitmq',
    /** Version as given. */
    public readonly version: string,
  ) {}

  /** @internal */
  public _check(at: string): EngineRelease {
    return checkEngineVersion(at, this.version, {
      supported: Object.keys(SUPPORTED),
      resolve: (version) =>
        Object.prototype.hasOwnProperty.call(SUPPORTED, version)
          ? { cloud: version, image: `rabbitmq:${version}-management` }
          : undefined,
      rejection: () =>
        `is not a RabbitMQ version Amazon MQ creates brokers with; use ${Object.keys(SUPPORTED).join(', ')} (Amazon MQ applies patch releases itself)`,
    });
  }
}

/** Properties of a MessageBroker. */
export interface MessageBrokerProps extends DataServiceProps {
  /** Engine and version (required: both twins run the same version). */
  readonly engine: BrokerEngine;
  /**
   * Name of the broker user, in both twins.
   * @default 'admin'
   */
  readonly username?: string;
  /**
   * A three-node cluster over availability zones (CLUSTER_MULTI_AZ) instead of a single instance.
   * @default false - one instance in the cloud; one container locally in any case
   */
  readonly multiAz?: boolean;
  /**
   * Broker instance type.
   * @default mq.t3.micro (3.13) or mq.m7g.medium (4.2); mq.m5.large or mq.m7g.large with multiAz
   */
  readonly instanceType?: string;
  /**
   * What happens to the broker (and the messages it holds) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A RabbitMQ message broker. Cloud: an Amazon MQ for RabbitMQ broker (a single instance, or a Multi-AZ
 * cluster) in the application's isolated subnets (private ones, with a warning, in a VPC without any), not publicly accessible, encrypted at rest, general logs in
 * CloudWatch Logs, automatic patch upgrades, a user whose password is generated into Secrets Manager; only
 * connected services may reach its AMQPS port, 5671. Local: the official `rabbitmq:<version>-management`
 * image with the same user and the password from `.env`, plain AMQP on 5672 (connection URLs use
 * `amqps://...:5671` in the cloud and `amqp://...:5672` locally).
 */
export class MessageBroker extends DataService {
  /** The Amazon MQ broker. */
  public readonly broker: amazonmq.CfnBroker;
  /** Security group of the broker. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The broker user's password. */
  public readonly credentials: Secret;
  /** Name of the broker user. */
  public readonly username: string;
  public readonly kind = 'rabbitmq' as const;
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

  constructor(scope: Construct, id: string, props: MessageBrokerProps) {
    super(scope, id, props);
    const at = this.node.path;
    if (!props || !(props.engine instanceof BrokerEngine)) {
      throw invalid(at, 'engine', props?.engine, 'is required; use BrokerEngine.rabbitMq("3.13")');
    }
    const { cloud: version, image } = props.engine._check(at);
    const engine = SUPPORTED[version];
    this.username = props.username ?? 'admin';
    if (!/^[A-Za-z0-9._~-]{2,100}$/.test(this.username) || this.username.toLowerCase() === 'guest') {
      throw invalid(
        at,
        'username',
        this.username,
        'must be 2 to 100 letters, digits, "-", ".", "_" or "~", and not "guest" (RabbitMQ lets guest connect only from the broker itself)',
      );
    }
    const multiAz = props.multiAz ?? false;
    const instanceType = props.instanceType ?? (multiAz ? engine.cluster : engine.single);
    const family = /^mq\.([a-z0-9]+)\.[a-z0-9]+$/.exec(instanceType)?.[1];
    if (family === undefined || !engine.families.includes(family)) {
      throw invalid(
        at,
        'instanceType',
        instanceType,
        `is not an instance type Amazon MQ runs RabbitMQ ${version} on; use mq.${engine.families.join('.*, mq.')}.* (e.g. "${engine.single}")`,
      );
    }
    if (multiAz && instanceType.endsWith('.micro')) {
      throw invalid(
        at,
        'instanceType',
        instanceType,
        `cannot run a Multi-AZ cluster; use e.g. "${engine.cluster}"`,
      );
    }
    const variable = `${upperSnake(this.name)}_PASSWORD`;
    // Letters and digits only: Amazon MQ refuses ",", ":" and "=", and URLs and shells need no escaping.
    this.credentials = Secret.generate(this, `${this.name}-password`, {
      localVariable: variable,
      length: 32,
      description: `Password of user ${this.username} of message broker ${this.name}`,
    });

    // Cloud twin.
    const vpc = this.application.vpc;
    const subnetType = placeData(this, vpc, `message broker '${this.name}'`).subnetType;
    const subnets = vpc.selectSubnets({ subnetType, onePerAz: true }).subnetIds;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `Message broker ${this.name}: connected services only`,
    });
    this.broker = new amazonmq.CfnBroker(this, 'Broker', {
      brokerName: Names.uniqueResourceName(this, {
        maxLength: 50,
        separator: '-',
        allowedSpecialCharacters: '-_',
      }),
      engineType: 'RABBITMQ',
      engineVersion: version,
      hostInstanceType: instanceType,
      deploymentMode: multiAz ? 'CLUSTER_MULTI_AZ' : 'SINGLE_INSTANCE',
      publiclyAccessible: false,
      subnetIds: multiAz ? subnets : subnets.slice(0, 1),
      securityGroups: [this.securityGroup.securityGroupId],
      // A dynamic reference: CloudFormation reads the password from Secrets Manager at deploy time.
      users: [{ username: this.username, password: this.credentials.secret.secretValue.unsafeUnwrap() }],
      encryptionOptions: { useAwsOwnedKey: true },
      logs: { general: true },
      autoMinorVersionUpgrade: true,
    });
    this.broker.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this._resource = this.broker;

    // Local twin.
    const password = this.credentials.value({ localVariable: variable });
    this.spec = {
      name: this.name,
      path: at,
      kind: 'rabbitmq',
      version,
      cloud:
        `Amazon MQ for RabbitMQ ${version} (${instanceType}, ${multiAz ? 'Multi-AZ cluster' : 'single instance'}), ` +
        `AMQPS on ${CLOUD_PORT}; locally plain AMQP on ${LOCAL_PORT}`,
      local: {
        image,
        port: LOCAL_PORT,
        ...(this.hostPort !== undefined ? { hostPort: this.hostPort } : {}),
        environment: {
          RABBITMQ_DEFAULT_USER: this.username,
          // RabbitMQ keeps its data under the node name, which defaults to the container's host name.
          RABBITMQ_NODENAME: 'rabbit@localhost',
        },
        secrets: { RABBITMQ_DEFAULT_PASS: password._toSpec() },
        healthCheck: HealthCheck.command(['rabbitmq-diagnostics', '-q', 'ping'], {
          interval: Duration.seconds(10),
          timeout: Duration.seconds(10),
          retries: 20,
          startPeriod: Duration.seconds(20),
        })._toSpec(at, 'local.healthCheck'),
        ...this._localData('/var/lib/rabbitmq'),
      },
      values: {
        host: this.name,
        port: LOCAL_PORT,
        username: this.username,
        password: password._toSpec(),
        scheme: 'amqp',
      },
    };
    this.application._registerDataService(this);
  }

  /** The model of this message broker. */
  public toSpec(): DataServiceSpec {
    return this.spec;
  }

  /** @internal */
  protected _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue {
    switch (value) {
      case 'host':
        return { environment: this.endpointHost() };
      case 'port':
        return { environment: String(CLOUD_PORT) };
      case 'username':
        return { environment: this.username };
      default:
        return { secret: ecs.Secret.fromSecretsManager(this.credentials.secret) };
    }
  }

  /** `amqps` in the cloud, Amazon MQ's one AMQP endpoint, and `amqp` for the plain stand-in. @internal */
  public _ownUrl(): ConnectionUrlSpec {
    return {
      cloud: { scheme: 'amqps', path: '', query: '' },
      local: { scheme: this.spec.values.scheme, path: '', query: '' },
    };
  }

  /** @internal */
  protected _cloudUrlEndpoint() {
    return {
      credentials: [`${this.username}:`, this.credentials.secret.secretValue.unsafeUnwrap()],
      host: this.endpointHost(),
      port: String(CLOUD_PORT),
      after: this.broker,
    };
  }

  /** @internal */
  public _orderAfter(orderAfter: (resource: CfnResource) => void): void {
    super._orderAfter(orderAfter);
    orderAfter(this.broker);
  }

  /** The broker's host name: `amqps://<host>:5671` is its (one) AMQP endpoint. */
  private endpointHost(): string {
    return Fn.select(
      0,
      Fn.split(':', Fn.select(1, Fn.split('://', Fn.select(0, this.broker.attrAmqpEndpoints)))),
    );
  }
}
