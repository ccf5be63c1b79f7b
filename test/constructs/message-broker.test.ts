import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, BrokerEngine, Image, MessageBroker, Service } from '../../constructs';
import {
  cloudEnvironment,
  cloudSecret,
  cloudVariables,
  connectedTwins,
  ConnectedTwins,
  expectValidationError,
  ingressInto,
  logicalIdOf,
  nagFindings,
  schemaErrors,
} from '../support/data-service-twins';
import { testStack } from '../support/test-app';

const VARIABLES = {
  host: 'AMQP_HOST',
  port: 'AMQP_PORT',
  username: 'AMQP_USER',
  password: 'AMQP_PASSWORD',
  url: 'AMQP_URL',
};
const PASSWORD = '${QUEUE_PASSWORD:?set QUEUE_PASSWORD in .env}';

/** The broker's host, as CloudFormation cuts it out of `amqps://<host>:5671`. */
function hostOf(broker: string): unknown {
  return {
    'Fn::Select': [
      0,
      {
        'Fn::Split': [
          ':',
          {
            'Fn::Select': [
              1,
              { 'Fn::Split': ['://', { 'Fn::Select': [0, { 'Fn::GetAtt': [broker, 'AmqpEndpoints'] }] }] },
            ],
          },
        ],
      },
    ],
  };
}

describe('MessageBroker with the development defaults', () => {
  let twins: ConnectedTwins<MessageBroker>;
  beforeAll(() => {
    twins = connectedTwins(
      (app) => new MessageBroker(app, 'queue', { engine: BrokerEngine.rabbitMq('3.13') }),
      VARIABLES,
    );
  });

  test('is a single-instance Amazon MQ for RabbitMQ broker of that version, private, in one isolated subnet', () => {
    twins.template.resourceCountIs('AWS::AmazonMQ::Broker', 1);
    twins.template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      EngineType: 'RABBITMQ',
      EngineVersion: '3.13',
      DeploymentMode: 'SINGLE_INSTANCE',
      HostInstanceType: 'mq.t3.micro',
      PubliclyAccessible: false,
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^shopVpcdataSubnet') }],
      SecurityGroups: [{ 'Fn::GetAtt': [logicalIdOf(twins.dataService.securityGroup), 'GroupId'] }],
      EncryptionOptions: { UseAwsOwnedKey: true },
      Logs: { General: true },
      AutoMinorVersionUpgrade: true,
    });
  });

  test('keeps the broker and its password when they leave the stack', () => {
    twins.template.hasResource('AWS::AmazonMQ::Broker', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    twins.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { Description: 'Password of user admin of message broker queue' },
      DeletionPolicy: 'Retain',
    });
  });

  test('creates its user with a password CloudFormation reads from Secrets Manager', () => {
    const secret = logicalIdOf(twins.dataService.credentials.secret);
    twins.template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      Users: [
        {
          Username: 'admin',
          Password: {
            'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:::}}']],
          },
        },
      ],
    });
    twins.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Password of user admin of message broker queue',
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
    });
  });

  test('admits only the connected service, on AMQPS 5671, and the service waits for the broker', () => {
    const { template, dataService, api } = twins;
    expect(ingressInto(template, logicalIdOf(dataService.securityGroup))).toEqual([
      { from: logicalIdOf(api.fargateService.connections.securityGroups[0]), port: 5671 },
    ]);
    template.hasResource('AWS::ECS::Service', {
      DependsOn: Match.arrayWith([logicalIdOf(dataService.broker)]),
    });
  });

  test('gives the connected service the broker host, 5671 and the user, and the password and an amqps:// URL as secrets', () => {
    const { template, dataService, api } = twins;
    const broker = logicalIdOf(dataService.broker);
    expect(cloudEnvironment(template, api, 'AMQP_HOST')).toEqual(hostOf(broker));
    expect(cloudEnvironment(template, api, 'AMQP_PORT')).toBe('5671');
    expect(cloudEnvironment(template, api, 'AMQP_USER')).toBe('admin');
    expect(cloudSecret(template, api, 'AMQP_PASSWORD')).toEqual({
      Ref: logicalIdOf(dataService.credentials.secret),
    });
    const [urlId, url] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([, s]) =>
      String(s.Properties.Description).startsWith('Connection URL'),
    )!;
    expect(url.Properties.SecretString['Fn::Join'][1]).toEqual([
      'amqps://admin:{{resolve:secretsmanager:',
      { Ref: logicalIdOf(dataService.credentials.secret) },
      ':SecretString:::}}@',
      hostOf(broker),
      ':5671',
    ]);
    expect(cloudSecret(template, api, 'AMQP_URL')).toEqual({ Ref: urlId });
  });

  test('gives the worker, which did not connect, none of it', () => {
    expect(cloudVariables(twins.template, twins.worker)).toEqual([]);
    expect(twins.compose.services.worker.environment).toBeUndefined();
  });

  test('runs the management image of the same version locally, with the same user and the .env password', () => {
    const queue = twins.compose.services.queue;
    expect(queue.image).toBe('rabbitmq:3.13-management');
    expect(queue.environment).toEqual({
      RABBITMQ_DEFAULT_PASS: PASSWORD,
      RABBITMQ_DEFAULT_USER: 'admin',
      RABBITMQ_NODENAME: 'rabbit@localhost',
    });
    expect(queue.expose).toEqual(['5672']);
    expect(queue.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
    expect(queue.volumes).toEqual([{ type: 'volume', source: 'queue-data', target: '/var/lib/rabbitmq' }]);
    expect(twins.compose.volumes).toHaveProperty('queue-data');
    expect(twins.envExample).toMatch(/^QUEUE_PASSWORD=$/m);
  });

  test('hands the local service the container, plain AMQP on 5672 and an amqp:// URL', () => {
    const api = twins.compose.services.api;
    expect(api.environment).toEqual({
      AMQP_HOST: 'queue',
      AMQP_PASSWORD: PASSWORD,
      AMQP_PORT: '5672',
      AMQP_URL: `amqp://admin:${PASSWORD}@queue:5672`,
      AMQP_USER: 'admin',
    });
    expect(api.depends_on).toEqual({ queue: { condition: 'service_healthy' } });
  });

  test('uses the same variable names in both twins', () => {
    expect(cloudVariables(twins.template, twins.api)).toEqual(
      Object.keys(twins.compose.services.api.environment!).sort(),
    );
    expect(cloudVariables(twins.template, twins.api)).toEqual(Object.values(VARIABLES).sort());
  });

  test('describes the declared stand-in in the model', () => {
    expect(twins.dataService.toSpec().cloud).toBe(
      'Amazon MQ for RabbitMQ 3.13 (mq.t3.micro, single instance), AMQPS on 5671; locally plain AMQP on 5672',
    );
  });

  test('passes cdk-nag AwsSolutions and NIST 800-53 R5, and its compose file the Compose Specification schema', () => {
    expect(nagFindings(twins.stack)).toEqual([]);
    expect(nagFindings(twins.stack, new NIST80053R5Checks())).toEqual([]);
    expect(schemaErrors(twins.compose)).toEqual([]);
  });
});

describe('MessageBroker options', () => {
  test('runs a Multi-AZ cluster over the isolated subnets on request', () => {
    const stack = testStack();
    const app = new Application(stack, 'shop');
    new MessageBroker(app, 'queue', {
      engine: BrokerEngine.rabbitMq('4.2'),
      multiAz: true,
      username: 'orders',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      EngineVersion: '4.2',
      DeploymentMode: 'CLUSTER_MULTI_AZ',
      HostInstanceType: 'mq.m7g.large',
      SubnetIds: [
        { Ref: Match.stringLikeRegexp('^shopVpcdataSubnet1') },
        { Ref: Match.stringLikeRegexp('^shopVpcdataSubnet2') },
      ],
      Users: [Match.objectLike({ Username: 'orders' })],
    });
    template.hasResource('AWS::AmazonMQ::Broker', { DeletionPolicy: 'Delete' });
    expect(nagFindings(stack)).toEqual([]);
    const { compose } = app.renderLocalTwin('.');
    expect(compose.services.queue.image).toBe('rabbitmq:4.2-management');
    expect(compose.services.queue.environment?.RABBITMQ_DEFAULT_USER).toBe('orders');
  });

  test.each([
    ['4.2', false, 'mq.m7g.medium'],
    ['3.13', true, 'mq.m5.large'],
  ])('picks a %s instance type (multiAz %s): %s', (version, multiAz, type) => {
    const stack = testStack();
    new MessageBroker(new Application(stack, 'shop'), 'queue', {
      engine: BrokerEngine.rabbitMq(version),
      multiAz,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::AmazonMQ::Broker', { HostInstanceType: type });
  });

  test.each([
    [{ engine: undefined }, 'engine', 'BrokerEngine.rabbitMq'],
    [{ engine: BrokerEngine.rabbitMq('') }, 'engine.version', 'is required'],
    [{ engine: BrokerEngine.rabbitMq('3.12') }, 'engine.version', '3.13, 4.2'],
    [
      { engine: BrokerEngine.rabbitMq('4.0') },
      'engine.version',
      'is not a RabbitMQ version Amazon MQ creates',
    ],
    [{ engine: BrokerEngine.rabbitMq('3.13.7') }, 'engine.version', 'patch releases'],
    [{ username: 'guest' }, 'username', 'not "guest"'],
    [{ username: 'a' }, 'username', '2 to 100'],
    [{ username: 'user:x' }, 'username', '2 to 100'],
    [{ instanceType: 't3.micro' }, 'instanceType', 'is not an instance type Amazon MQ runs'],
    [{ engine: BrokerEngine.rabbitMq('4.2'), instanceType: 'mq.t3.micro' }, 'instanceType', 'mq.m7g.*'],
    [{ multiAz: true, instanceType: 'mq.t3.micro' }, 'instanceType', 'cannot run a Multi-AZ cluster'],
  ])('rejects %j', (props, prop, fragment) => {
    const app = new Application(testStack(), 'shop');
    expectValidationError(
      () => new MessageBroker(app, 'queue', { engine: BrokerEngine.rabbitMq('3.13'), ...props } as never),
      'Test/shop/queue',
      prop,
      fragment,
    );
  });

  test('refuses a connection from a service of another application', () => {
    const stack = testStack();
    const queue = new MessageBroker(new Application(stack, 'shop'), 'queue', {
      engine: BrokerEngine.rabbitMq('3.13'),
    });
    const other = new Service(new Application(stack, 'other'), 'api', {
      image: Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'),
    });
    expectValidationError(() => other.connectTo(queue, { url: 'AMQP_URL' }), "belongs to application 'shop'");
  });
});
