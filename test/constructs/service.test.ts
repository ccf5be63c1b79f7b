import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  Application,
  CpuArchitecture,
  Dependency,
  HealthCheck,
  Image,
  Secret,
  Service,
  ServiceProps,
} from '../../constructs';
import { testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** A fresh stack with an application `shop`, for tests that only construct. */
function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

describe('Service: cloud twin', () => {
  let stack: Stack;
  let api: Service;
  let template: Template;
  let taskDefinition: { Properties: Record<string, unknown> };
  let container: Record<string, unknown>;
  let ecsService: { Properties: Record<string, unknown>; DependsOn?: string[] };

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    const key = Secret.generate(application, 'Key');
    api = new Service(application, 'api', {
      image: IMAGE,
      cpu: 512,
      memoryMiB: 1024,
      cpuArchitecture: CpuArchitecture.ARM64,
      command: ['serve', '--port', '8080'],
      entrypoint: ['/usr/bin/tini', '--'],
      workingDirectory: '/srv',
      user: '1000:1000',
      environment: { MODE: 'production', LOG_LEVEL: 'info' },
      secrets: { DB_PASSWORD: db.field('password'), API_KEY: key.value() },
      ports: [
        { containerPort: 8080, protocol: 'http' },
        { containerPort: 9090, protocol: 'grpc' },
        { containerPort: 5000, name: 'raw' },
      ],
      desiredCount: 3,
      healthCheck: HealthCheck.command(['/healthz'], {
        interval: Duration.seconds(10),
        timeout: Duration.seconds(3),
        retries: 4,
        startPeriod: Duration.seconds(20),
      }),
    });
    template = Template.fromStack(stack);
    taskDefinition = template.toJSON().Resources[logicalId(api.taskDefinition)];
    container = (taskDefinition.Properties.ContainerDefinitions as Record<string, unknown>[])[0];
    ecsService = template.toJSON().Resources[logicalId(api.fargateService)];
  });

  test('creates one Fargate task definition with cpu and memory as strings', () => {
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
    });
  });

  test('arm64 becomes the ARM64 runtime platform', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('the container is named after the service, essential, with the registry image', () => {
    expect(taskDefinition.Properties.ContainerDefinitions).toHaveLength(1);
    expect(container).toMatchObject({
      Name: 'api',
      Essential: true,
      Image: 'public.ecr.aws/nginx/nginx:1.27',
    });
  });

  test('command, entrypoint, working directory and user are passed to the container', () => {
    expect(container).toMatchObject({
      Command: ['serve', '--port', '8080'],
      EntryPoint: ['/usr/bin/tini', '--'],
      WorkingDirectory: '/srv',
      User: '1000:1000',
    });
  });

  test('environment variables are plain container environment', () => {
    expect(container.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'MODE', Value: 'production' },
        { Name: 'LOG_LEVEL', Value: 'info' },
      ]),
    );
    expect(container.Environment).toHaveLength(2);
  });

  test('a secret field references the imported secret with the :field:: suffix', () => {
    const secrets = container.Secrets as { Name: string; ValueFrom: unknown }[];
    const dbPassword = secrets.find((s) => s.Name === 'DB_PASSWORD');
    expect(dbPassword).toBeDefined();
    const rendered = JSON.stringify(dbPassword!.ValueFrom);
    expect(rendered).toContain(':secretsmanager:');
    expect(rendered).toMatch(/:secret:prod\/db:password::"/);
  });

  test('a whole secret value references the generated secret itself', () => {
    const secrets = container.Secrets as { Name: string; ValueFrom: unknown }[];
    const apiKey = secrets.find((s) => s.Name === 'API_KEY');
    expect(apiKey).toEqual({ Name: 'API_KEY', ValueFrom: { Ref: expect.any(String) } });
    expect((apiKey!.ValueFrom as { Ref: string }).Ref).toMatch(/^shopKeySecret/);
    expect(secrets).toHaveLength(2);
  });

  test('secret values never appear as plain environment', () => {
    const names = (container.Environment as { Name: string }[]).map((e) => e.Name);
    expect(names).not.toContain('DB_PASSWORD');
    expect(names).not.toContain('API_KEY');
  });

  test('ports become named port mappings with an app protocol for http and grpc', () => {
    expect(container.PortMappings).toEqual([
      { ContainerPort: 8080, Protocol: 'tcp', Name: 'api-8080', AppProtocol: 'http' },
      { ContainerPort: 9090, Protocol: 'tcp', Name: 'api-9090', AppProtocol: 'grpc' },
      { ContainerPort: 5000, Protocol: 'tcp', Name: 'raw' },
    ]);
  });

  test('the health check command and timing are the ECS container health check', () => {
    expect(container.HealthCheck).toEqual({
      Command: ['CMD', '/healthz'],
      Interval: 10,
      Timeout: 3,
      Retries: 4,
      StartPeriod: 20,
    });
  });

  test('logs go to the service log group through the awslogs driver', () => {
    expect(container.LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: logicalId(api.logGroup) },
        'awslogs-stream-prefix': 'api',
        'awslogs-region': { Ref: 'AWS::Region' },
      },
    });
    // The application's defaults: kept a year, encrypted with the application's log key.
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [logicalId(api.application.logEncryptionKey!), 'Arn'] },
    });
  });

  test('creates a Fargate service in the cluster with the desired count', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    expect(ecsService.Properties).toMatchObject({
      LaunchType: 'FARGATE',
      DesiredCount: 3,
      TaskDefinition: { Ref: logicalId(api.taskDefinition) },
    });
    expect((ecsService.Properties.Cluster as { Ref: string }).Ref).toMatch(/^shopCluster/);
  });

  test('deployments use a rolling circuit breaker with 100/200 percent', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
    });
  });

  test('Service Connect registers every port under the service name in the namespace', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: { 'Fn::GetAtt': [Match.stringLikeRegexp('^shopNamespace'), 'Arn'] },
        Services: [
          {
            PortName: 'api-8080',
            DiscoveryName: 'api-8080',
            ClientAliases: [{ DnsName: 'api', Port: 8080 }],
          },
          {
            PortName: 'api-9090',
            DiscoveryName: 'api-9090',
            ClientAliases: [{ DnsName: 'api', Port: 9090 }],
          },
          { PortName: 'raw', DiscoveryName: 'raw', ClientAliases: [{ DnsName: 'api', Port: 5000 }] },
        ],
      },
    });
  });

  test('tasks run in the private subnets without a public IP', () => {
    const network = (
      ecsService.Properties.NetworkConfiguration as {
        AwsvpcConfiguration: { AssignPublicIp: string; Subnets: { Ref: string }[] };
      }
    ).AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('DISABLED');
    expect(network.Subnets).toHaveLength(2);
    for (const subnet of network.Subnets) expect(subnet.Ref).toMatch(/^shopVpcprivateSubnet/);
  });

  test('the execution role may read exactly the secrets the container uses', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^shopapiTaskDefinitionExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^shopKeySecret') }]),
          }),
        ]),
      },
    });
  });

  test('hostname and endpoint() are the same strings in both twins', () => {
    expect(api.hostname).toBe('api');
    expect(api.endpoint()).toBe('api:8080');
    expect(api.endpoint(9090)).toBe('api:9090');
  });

  test('endpoint() of a port the service does not have is a ValidationError', () => {
    expectValidationError(() => api.endpoint(1234), 'Test/shop/api', 'endpoint', '1234', '8080, 9090, 5000');
  });

  test('a well-formed health check yields no adjustment warning', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('twinstack:health-check-adjusted'));
  });
});

describe('Service: defaults', () => {
  test('256 cpu, 512 MiB, x86_64, one task, no ports, no health check', () => {
    const { stack, application } = newApplication();
    new Service(application, 'worker', { image: IMAGE });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'worker',
          HealthCheck: Match.absent(),
          PortMappings: Match.absent(),
          Command: Match.absent(),
          EntryPoint: Match.absent(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      ServiceConnectConfiguration: Match.objectLike({ Enabled: true }),
    });
    // A worker is a Service Connect client only: it registers no endpoint.
    const [ecsService] = Object.values(template.findResources('AWS::ECS::Service'));
    expect(ecsService.Properties.ServiceConnectConfiguration.Services ?? []).toEqual([]);
  });

  test('the name prop overrides the construct id everywhere', () => {
    const { stack, application } = newApplication();
    const service = new Service(application, 'Api', {
      name: 'public-api',
      image: IMAGE,
      ports: [{ containerPort: 80 }],
    });
    expect(service.name).toBe('public-api');
    expect(service.endpoint()).toBe('public-api:80');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'public-api',
          PortMappings: [{ ContainerPort: 80, Protocol: 'tcp', Name: 'public-api-80' }],
        }),
      ],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({
        Services: [Match.objectLike({ ClientAliases: [{ DnsName: 'public-api', Port: 80 }] })],
      }),
    });
  });
});

describe('Service: health check adjusted for ECS', () => {
  test('interval 1 s and 90 retries become the nearest ECS values with a warning', () => {
    const { stack, application } = newApplication();
    new Service(application, 'app', {
      image: IMAGE,
      healthCheck: HealthCheck.command(['curl', 'localhost:50053'], {
        interval: Duration.seconds(1),
        retries: 90,
      }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          HealthCheck: {
            Command: ['CMD', 'curl', 'localhost:50053'],
            Interval: 5,
            Timeout: 5,
            Retries: 10,
            // 90 x 1 s of patience = 10 x 5 s + a 40 s start period
            StartPeriod: 40,
          },
        }),
      ],
    });
    Annotations.fromStack(stack).hasWarning(
      '/Test/shop/app',
      Match.stringLikeRegexp('interval 1s -> 5s.*retries 90 -> 10.*twinstack:health-check-adjusted'),
    );
  });

  test('the local twin keeps the declared health check values', () => {
    const { application } = newApplication();
    const app = new Service(application, 'app', {
      image: IMAGE,
      healthCheck: HealthCheck.command(['true'], { interval: Duration.seconds(1), retries: 90 }),
    });
    expect(app.toSpec().healthCheck).toMatchObject({
      intervalSeconds: 1,
      retries: 90,
      startPeriodSeconds: 0,
    });
  });

  test('an HTTP health check probes 127.0.0.1 with curl or wget', () => {
    const { stack, application } = newApplication();
    new Service(application, 'web', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }],
      healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          HealthCheck: {
            Command: [
              'CMD-SHELL',
              Match.stringLikeRegexp(
                "curl .*'http://127.0.0.1:8080/health'.*wget .*'http://127.0.0.1:8080/health'",
              ),
            ],
            Interval: 30,
            Timeout: 5,
            Retries: 3,
          },
        }),
      ],
    });
  });
});

describe('Service: dependencies on services', () => {
  let stack: Stack;
  let db: Service;
  let api: Service;
  let template: Template;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    db = new Service(application, 'db', {
      image: Image.fromRegistry('postgres:16'),
      ports: [{ containerPort: 5432 }],
      healthCheck: HealthCheck.command(['pg_isready']),
    });
    api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }],
      dependsOn: [Dependency.healthy(db)],
    });
    template = Template.fromStack(stack);
  });

  test("the dependent's ECS service DependsOn the target's ECS service", () => {
    const resources = template.toJSON().Resources;
    expect(resources[logicalId(api.fargateService)].DependsOn).toContain(logicalId(db.fargateService));
    expect(resources[logicalId(db.fargateService)].DependsOn ?? []).not.toContain(
      logicalId(api.fargateService),
    );
  });

  test("the target's port is open to the dependent's security group only", () => {
    const dbGroup = logicalId(db.fargateService.connections.securityGroups[0]);
    const apiGroup = logicalId(api.fargateService.connections.securityGroups[0]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      GroupId: { 'Fn::GetAtt': [dbGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [apiGroup, 'GroupId'] },
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('shop/db'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('dependsOn lists the declared dependencies', () => {
    expect(api.dependsOn.map((d) => [d.target, d.condition])).toEqual([[db, 'healthy']]);
  });

  test('Dependency.started adds the same ordering, and addDependency works after construction', () => {
    const { stack: s, application } = newApplication();
    const cache = new Service(application, 'cache', { image: IMAGE, ports: [{ containerPort: 6379 }] });
    const web = new Service(application, 'web', { image: IMAGE });
    web.addDependency(Dependency.started(cache));
    const t = Template.fromStack(s);
    expect(t.toJSON().Resources[logicalId(web.fargateService)].DependsOn).toContain(
      logicalId(cache.fargateService),
    );
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 6379, ToPort: 6379 });
  });
});

describe('Service: validation', () => {
  const cases: [string, Partial<ServiceProps>, string[]][] = [
    ['Fargate cpu 300', { cpu: 300 }, ['cpu', '300', 'Fargate']],
    ['memory 3000 with cpu 256', { cpu: 256, memoryMiB: 3000 }, ['memoryMiB', '3000', '512, 1024, 2048']],
    ['port 0', { ports: [{ containerPort: 0 }] }, ['ports[0].containerPort', ' 0 ', '1 to 65535']],
    ['port 70000', { ports: [{ containerPort: 70000 }] }, ['ports[0].containerPort', '70000']],
    [
      'a duplicate container port',
      { ports: [{ containerPort: 80 }, { containerPort: 80, protocol: 'http' }] },
      ['ports[1].containerPort', '80', 'twice'],
    ],
    ['host port 0', { ports: [{ containerPort: 80, hostPort: 0 }] }, ['ports[0].hostPort', ' 0 ']],
    [
      'an unknown protocol',
      { ports: [{ containerPort: 80, protocol: 'sctp' as never }] },
      ['ports[0].protocol', '"sctp"'],
    ],
    ['an invalid port name', { ports: [{ containerPort: 80, name: 'Web' }] }, ['ports[0].name', '"Web"']],
    ['the invalid name "My Service"', { name: 'My Service' }, ['name', '"My Service"']],
    ['the invalid name "api.v2"', { name: 'api.v2' }, ['name', '"api.v2"']],
    ['an image that is not an Image', { image: 'nginx:1.27' as unknown as Image }, ['image', '"nginx:1.27"']],
    ['an invalid image reference', { image: Image.fromRegistry('NGINX latest') }, ['image', 'NGINX latest']],
    ['a negative desiredCount', { desiredCount: -1 }, ['desiredCount', '-1']],
    ['an empty command', { command: [] }, ['command', '[]']],
    ['a relative working directory', { workingDirectory: 'srv' }, ['workingDirectory', '"srv"']],
    [
      'an environment value that is a token',
      { environment: { TABLE: Token.asString({ Ref: 'Table' }) } },
      ['environment.TABLE', 'token', 'synth time'],
    ],
    [
      'an environment value that is Aws.ACCOUNT_ID',
      { environment: { ACCOUNT: Aws.ACCOUNT_ID } },
      ['environment.ACCOUNT', 'token'],
    ],
    ['an invalid environment variable name', { environment: { '1ABC': 'x' } }, ['environment', '"1ABC"']],
    [
      'a variable named __proto__, which an object would not keep',
      { environment: JSON.parse('{"__proto__": "x"}') },
      ['environment', '__proto__', 'cannot hold'],
    ],
    [
      'a health check start period of 301 s',
      { healthCheck: HealthCheck.command(['true'], { startPeriod: Duration.seconds(301) }) },
      ['healthCheck.startPeriod', '301 s', '300'],
    ],
    [
      'a health check that is not a HealthCheck',
      { healthCheck: { command: ['true'] } as unknown as HealthCheck },
      ['healthCheck'],
    ],
    [
      'a fractional health check interval',
      { healthCheck: HealthCheck.command(['true'], { interval: Duration.millis(1500) }) },
      ['healthCheck.interval', '1500 ms'],
    ],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, props, fragments) => {
    const { application } = newApplication();
    expectValidationError(
      () => new Service(application, 'api', { image: IMAGE, ...props }),
      'Test/shop/api:',
      ...fragments,
    );
  });

  test('a second service with the same name in one application is a ValidationError', () => {
    const { application } = newApplication();
    new Service(application, 'api', { image: IMAGE });
    const error = expectValidationError(
      () => new Service(application, 'api2', { name: 'api', image: IMAGE }),
      'Test/shop/api2',
      '"api"',
      'Test/shop/api',
    );
    expect(error.prop).toBe('name');
  });

  test('a dependency on a service of another application is a ValidationError', () => {
    const stack = testStack();
    const shop = new Application(stack, 'shop');
    const billing = new Application(stack, 'billing');
    const ledger = new Service(billing, 'ledger', { image: IMAGE, ports: [{ containerPort: 80 }] });
    expectValidationError(
      () => new Service(shop, 'api', { image: IMAGE, dependsOn: [Dependency.started(ledger)] }),
      'Test/shop/api',
      'dependsOn[0]',
      'Test/billing/ledger',
      "'billing'",
    );
  });

  test('a second dependency on the same target is a ValidationError', () => {
    const { application } = newApplication();
    const db = new Service(application, 'db', {
      image: IMAGE,
      healthCheck: HealthCheck.command(['true']),
    });
    const api = new Service(application, 'api', { image: IMAGE, dependsOn: [Dependency.started(db)] });
    expectValidationError(
      () => api.addDependency(Dependency.healthy(db)),
      'Test/shop/api',
      'dependsOn[1]',
      '"db"',
      'already',
    );
  });

  test('an environment variable set twice is a ValidationError', () => {
    const { application } = newApplication();
    const api = new Service(application, 'api', { image: IMAGE, environment: { MODE: 'a' } });
    expectValidationError(() => api.addEnvironment('MODE', 'b'), 'Test/shop/api', 'environment', 'MODE');
  });

  test('a dependency that is not a Dependency is a ValidationError', () => {
    const { application } = newApplication();
    const db = new Service(application, 'db', { image: IMAGE });
    expectValidationError(
      () => new Service(application, 'api', { image: IMAGE, dependsOn: [db as unknown as Dependency] }),
      'Test/shop/api',
      'dependsOn[0]',
    );
  });

  test('waiting for a service without a health check to be healthy fails synthesis', () => {
    const { stack, application } = newApplication();
    const db = new Service(application, 'db', { image: IMAGE });
    new Service(application, 'api', { image: IMAGE, dependsOn: [Dependency.healthy(db)] });
    expectValidationError(
      () => Template.fromStack(stack),
      'Test/shop/api',
      'dependsOn[0]',
      'no health check',
    );
  });

  test('a host port published twice in one application fails synthesis', () => {
    const { stack, application } = newApplication();
    new Service(application, 'a', { image: IMAGE, ports: [{ containerPort: 80, hostPort: 8080 }] });
    new Service(application, 'b', { image: IMAGE, ports: [{ containerPort: 81, hostPort: 8080 }] });
    expectValidationError(() => Template.fromStack(stack), 'Test/shop/b', 'host port 8080', 'Test/shop/a');
  });
});
