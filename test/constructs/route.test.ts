import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import {
  Application,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  Route,
  RouteOptions,
  Service,
  ServiceProps,
} from '../../constructs';
import { PROJECT_ROOT, testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function resource(template: Template, construct: IConstruct): Resource {
  const found = (template.toJSON().Resources as Record<string, Resource>)[logicalId(construct)];
  expect(found).toBeDefined();
  return found;
}

function resourcesOfType(template: Template, type: string): Resource[] {
  return Object.values(template.toJSON().Resources as Record<string, Resource>).filter(
    (r) => r.Type === type,
  );
}

interface Shop {
  stack: Stack;
  application: Application;
  web: LoadBalancer;
}

/** An application `shop` with a load balancer `web` and no services yet. */
function newShop(): Shop {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  return { stack, application, web: new LoadBalancer(application, 'web') };
}

/** A service on 8080 with an HTTP health check on /health (ECS defaults: 30 s, 5 s, 3 retries). */
function httpService(application: Application, name = 'api', props: Partial<ServiceProps> = {}): Service {
  return new Service(application, name, {
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
    ...props,
  });
}

describe('Route: listener rules', () => {
  let stack: Stack;
  let web: LoadBalancer;
  let routes: Record<string, Route>;
  let template: Template;

  beforeAll(() => {
    const shop = newShop();
    stack = shop.stack;
    web = shop.web;
    const api = httpService(shop.application);
    const site = new Service(shop.application, 'site', {
      image: IMAGE,
      ports: [{ containerPort: 80 }],
      healthCheck: HealthCheck.http({ port: 80 }),
    });
    routes = {
      api: web.addRoute('api', { service: api, pathPatterns: ['/api/*', '/v1/*'] }),
      admin: web.addRoute('admin', { service: site, hostHeaders: ['Admin.Example.COM'] }),
      beta: web.addRoute('beta', {
        service: api,
        httpHeaders: { 'X-Channel': ['beta', 'canary-*'] },
        queryStrings: [{ key: 'version', value: '2' }, { value: 'preview' }],
      }),
      pinned: web.addRoute('pinned', { service: api, pathPatterns: ['/pinned'], priority: 5 }),
      site: web.addRoute('site', { service: site }),
    };
    template = Template.fromStack(stack);
  });

  function rule(name: string): Resource {
    const listenerRule = routes[name].listenerRule;
    expect(listenerRule).toBeDefined();
    return resource(template, listenerRule!);
  }

  test('one listener rule per route with conditions; the catch-all has none', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 4);
    expect(routes.site.listenerRule).toBeUndefined();
    expect(routes.site.isCatchAll).toBe(true);
    expect(routes.api.isCatchAll).toBe(false);
  });

  test('priorities are 10, 20, 30 in declaration order unless given', () => {
    expect(rule('api').Properties.Priority).toBe(10);
    expect(rule('admin').Properties.Priority).toBe(20);
    expect(rule('beta').Properties.Priority).toBe(30);
    expect(rule('pinned').Properties.Priority).toBe(5);
  });

  test('every rule is a rule of the listener and forwards to its own target group', () => {
    for (const name of ['api', 'admin', 'beta', 'pinned']) {
      expect(rule(name).Properties.ListenerArn).toEqual({ Ref: logicalId(web.listener) });
      expect(rule(name).Properties.Actions).toEqual([
        { Type: 'forward', TargetGroupArn: { Ref: logicalId(routes[name].targetGroup) } },
      ]);
    }
    const groups = new Set(Object.values(routes).map((r) => logicalId(r.targetGroup)));
    expect(groups.size).toBe(5);
  });

  test('path patterns are a path-pattern condition', () => {
    expect(rule('api').Properties.Conditions).toEqual([
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v1/*'] } },
    ]);
  });

  test('host headers are a host-header condition, lowercased', () => {
    expect(rule('admin').Properties.Conditions).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: ['admin.example.com'] } },
    ]);
  });

  test('headers and query strings are http-header and query-string conditions', () => {
    expect(rule('beta').Properties.Conditions).toEqual([
      {
        Field: 'http-header',
        HttpHeaderConfig: { HttpHeaderName: 'x-channel', Values: ['beta', 'canary-*'] },
      },
      {
        Field: 'query-string',
        QueryStringConfig: { Values: [{ Key: 'version', Value: '2' }, { Value: 'preview' }] },
      },
    ]);
  });

  test("the catch-all is the listener's default action", () => {
    expect(resource(template, web.listener).Properties.DefaultActions).toEqual([
      { Type: 'forward', TargetGroupArn: { Ref: logicalId(routes.site.targetGroup) } },
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('fixed-response');
  });

  test('replacing the fixed 404 leaves no warning behind', () => {
    Annotations.fromStack(stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('listenerExistingDefaultActionReplaced'),
    );
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('routes keep declaration order; the model lists them in evaluation order', () => {
    expect(web.routes.map((r) => r.name)).toEqual(['api', 'admin', 'beta', 'pinned', 'site']);
    expect(web.toSpec().routes.map((r) => [r.name, r.priority])).toEqual([
      ['pinned', 5],
      ['api', 10],
      ['admin', 20],
      ['beta', 30],
      ['site', undefined],
    ]);
  });

  test('a catch-all ignores an explicit priority', () => {
    const { stack: s, application, web: lb } = newShop();
    const api = httpService(application);
    const route = lb.addRoute('all', { service: api, priority: 7 });
    expect(route.isCatchAll).toBe(true);
    expect(route.toSpec().priority).toBeUndefined();
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    expect(resource(t, lb.listener).Properties.DefaultActions).toEqual([
      { Type: 'forward', TargetGroupArn: { Ref: logicalId(route.targetGroup) } },
    ]);
  });
});

describe('Route: target group', () => {
  test('IP targets over HTTP with the health check derived from the service', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    const route = web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
    const group = resource(Template.fromStack(stack), route.targetGroup).Properties;
    expect(group).toMatchObject({
      TargetType: 'ip',
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/health',
      HealthCheckPort: 'traffic-port',
      Matcher: { HttpCode: '200-399' },
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
    });
    expect(group.TargetGroupAttributes).toEqual(
      expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    );
    expect(route.port).toBe(8080);
    expect(route.healthCheck).toEqual({
      path: '/health',
      port: 8080,
      healthyHttpCodes: '200-399',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
  });

  test('a container check faster than ALB allows is clamped: interval 5, timeout shorter than it', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', {
      healthCheck: HealthCheck.http({
        port: 8080,
        path: '/health',
        interval: Duration.seconds(2),
        timeout: Duration.seconds(10),
        retries: 1,
      }),
    });
    const route = web.addRoute('api', { service: api });
    expect(resource(Template.fromStack(stack), route.targetGroup).Properties).toMatchObject({
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      UnhealthyThresholdCount: 2,
    });
  });

  test('many container retries become at most 10 unhealthy checks', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', {
      healthCheck: HealthCheck.http({
        port: 8080,
        path: '/health',
        retries: 10,
        interval: Duration.seconds(400),
      }),
    });
    const route = web.addRoute('api', { service: api });
    expect(resource(Template.fromStack(stack), route.targetGroup).Properties).toMatchObject({
      HealthCheckIntervalSeconds: 300,
      UnhealthyThresholdCount: 10,
    });
  });

  test('health check overrides and the deregistration delay', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    const route = web.addRoute('api', {
      service: api,
      healthCheck: {
        path: '/ready',
        healthyHttpCodes: '200,302',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(3),
        healthyThreshold: 3,
        unhealthyThreshold: 4,
      },
      deregistrationDelay: Duration.seconds(5),
    });
    const group = resource(Template.fromStack(stack), route.targetGroup).Properties;
    expect(group).toMatchObject({
      HealthCheckPath: '/ready',
      HealthCheckPort: 'traffic-port',
      Matcher: { HttpCode: '200,302' },
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 3,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 4,
    });
    expect(group.TargetGroupAttributes).toEqual(
      expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }]),
    );
  });

  test('a service without an HTTP check is checked on healthCheck.path with the ALB defaults', () => {
    const { stack, application, web } = newShop();
    const api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 3000 }],
      healthCheck: HealthCheck.command(['/bin/healthy']),
    });
    const route = web.addRoute('api', { service: api, healthCheck: { path: '/status' } });
    expect(resource(Template.fromStack(stack), route.targetGroup).Properties).toMatchObject({
      Port: 3000,
      HealthCheckPath: '/status',
      HealthCheckPort: 'traffic-port',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      UnhealthyThresholdCount: 3,
    });
  });

  test('the route port selects one of several service ports', () => {
    const { stack, application, web } = newShop();
    const api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }, { containerPort: 8081 }],
      healthCheck: HealthCheck.http({ port: 8081, path: '/health' }),
    });
    const route = web.addRoute('api', { service: api, port: 8081 });
    expect(route.port).toBe(8081);
    const template = Template.fromStack(stack);
    expect(resource(template, route.targetGroup).Properties).toMatchObject({
      Port: 8081,
      HealthCheckPort: 'traffic-port',
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [
        { ContainerName: 'api', ContainerPort: 8081, TargetGroupArn: { Ref: logicalId(route.targetGroup) } },
      ],
    });
  });

  describe('a health-check port other than the route port', () => {
    let template: Template;
    let api: Service;
    let web: LoadBalancer;
    let route: Route;

    beforeAll(() => {
      const shop = newShop();
      web = shop.web;
      api = new Service(shop.application, 'api', {
        image: IMAGE,
        ports: [{ containerPort: 8080 }, { containerPort: 9000 }],
        healthCheck: HealthCheck.http({ port: 9000, path: '/health' }),
      });
      route = web.addRoute('api', { service: api });
      template = Template.fromStack(shop.stack);
    });

    test('is probed on its own port', () => {
      expect(route.port).toBe(8080);
      expect(resource(template, route.targetGroup).Properties).toMatchObject({
        Port: 8080,
        HealthCheckPort: '9000',
      });
    });

    test('the load balancer may reach the service on both ports, and nothing else', () => {
      const serviceGroup = {
        'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'],
      };
      const lbGroup = { 'Fn::GetAtt': [logicalId(web.securityGroup), 'GroupId'] };
      const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')
        .filter((r) => JSON.stringify(r.Properties.SourceSecurityGroupId) === JSON.stringify(lbGroup))
        .map((r) => r.Properties);
      expect(ingress.map((r) => r.FromPort).sort()).toEqual([8080, 9000]);
      for (const rule of ingress) expect(rule).toMatchObject({ IpProtocol: 'tcp', GroupId: serviceGroup });
      const egress = resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress')
        .filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(lbGroup))
        .map((r) => r.Properties);
      expect(egress.map((r) => r.FromPort).sort()).toEqual([8080, 9000]);
      for (const rule of egress) expect(rule.DestinationSecurityGroupId).toEqual(serviceGroup);
    });
  });

  test('healthCheck.port overrides the probed port', () => {
    const { stack, application, web } = newShop();
    const api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }, { containerPort: 9000 }],
      healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
    });
    const route = web.addRoute('api', { service: api, healthCheck: { port: 9000 } });
    const template = Template.fromStack(stack);
    expect(resource(template, route.targetGroup).Properties.HealthCheckPort).toBe('9000');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 9000,
      ToPort: 9000,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(web.securityGroup), 'GroupId'] },
    });
  });
});

describe('Route: ECS service', () => {
  test('the ECS service registers its container port with the target group', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    const route = web.addRoute('api', { service: api });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [
        { ContainerName: 'api', ContainerPort: 8080, TargetGroupArn: { Ref: logicalId(route.targetGroup) } },
      ],
    });
    expect(api.routes).toEqual([route]);
  });

  test('two routes to one service register both target groups', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    const a = web.addRoute('a', { service: api, pathPatterns: ['/a/*'] });
    const b = web.addRoute('b', { service: api, pathPatterns: ['/b/*'] });
    const [service] = resourcesOfType(Template.fromStack(stack), 'AWS::ECS::Service');
    expect(service.Properties.LoadBalancers).toEqual([
      { ContainerName: 'api', ContainerPort: 8080, TargetGroupArn: { Ref: logicalId(a.targetGroup) } },
      { ContainerName: 'api', ContainerPort: 8080, TargetGroupArn: { Ref: logicalId(b.targetGroup) } },
    ]);
  });

  test('the grace period is the start period plus interval x healthy threshold', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', {
      healthCheck: HealthCheck.http({ port: 8080, path: '/health', startPeriod: Duration.seconds(20) }),
    });
    web.addRoute('api', { service: api });
    // 20 s start period + 30 s x 2
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: 80,
    });
    expect(api.toSpec().deployment?.healthCheckGracePeriodSeconds).toBe(80);
  });

  test('the grace period uses the clamped ALB interval and the slowest route', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', {
      healthCheck: HealthCheck.http({
        port: 8080,
        path: '/health',
        interval: Duration.seconds(2),
        startPeriod: Duration.seconds(20),
      }),
    });
    web.addRoute('fast', { service: api, pathPatterns: ['/fast'] });
    // 20 + 5 x 2 for the first route alone
    expect(api.toSpec().deployment?.healthCheckGracePeriodSeconds).toBe(30);
    web.addRoute('slow', {
      service: api,
      pathPatterns: ['/slow'],
      healthCheck: { interval: Duration.seconds(20), healthyThreshold: 3 },
    });
    // 20 + 20 x 3 once the slower route is added
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: 80,
    });
  });

  test('an explicit healthCheckGracePeriod wins', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', {
      healthCheck: HealthCheck.http({ port: 8080, path: '/health', startPeriod: Duration.seconds(20) }),
      healthCheckGracePeriod: Duration.minutes(2),
    });
    web.addRoute('api', { service: api });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: 120,
    });
  });

  test('a service no route targets has no grace period', () => {
    const { stack, application } = newShop();
    const api = httpService(application);
    const [service] = resourcesOfType(Template.fromStack(stack), 'AWS::ECS::Service');
    expect(service.Properties.HealthCheckGracePeriodSeconds).toBeUndefined();
    expect(service.Properties.LoadBalancers ?? []).toEqual([]);
    expect(api.toSpec().deployment?.healthCheckGracePeriodSeconds).toBeUndefined();
  });

  test('minHealthyPercent and maxHealthyPercent set the deployment configuration', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', { minHealthyPercent: 50, maxHealthyPercent: 150 });
    web.addRoute('api', { service: api });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }),
    });
    expect(api.toSpec().deployment).toMatchObject({ minHealthyPercent: 50, maxHealthyPercent: 150 });
  });

  test('a singleton: 0 and 100 percent', () => {
    const { stack, application } = newShop();
    httpService(application, 'db', { minHealthyPercent: 0, maxHealthyPercent: 100 });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
    });
  });
});

describe('Service.autoScale', () => {
  function policies(template: Template): Record<string, unknown>[] {
    return resourcesOfType(template, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(
      (r) => r.Properties.TargetTrackingScalingPolicyConfiguration as Record<string, unknown>,
    );
  }

  function expectScaling(template: Template, route: Route): void {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    const found = policies(template);
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          TargetValue: 70,
        },
        {
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
          TargetValue: 80,
        },
      ]),
    );
    const requests = found.find((p) => JSON.stringify(p).includes('ALBRequestCountPerTarget'));
    expect(requests).toMatchObject({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' },
      TargetValue: 500,
    });
    const label = JSON.stringify(
      (requests!.PredefinedMetricSpecification as { ResourceLabel: unknown }).ResourceLabel,
    );
    expect(label).toContain(
      JSON.stringify({ 'Fn::GetAtt': [logicalId(route.targetGroup), 'TargetGroupFullName'] }),
    );
  }

  const OPTIONS = {
    minCapacity: 2,
    maxCapacity: 6,
    cpuUtilizationPercent: 70,
    memoryUtilizationPercent: 80,
    requestsPerTarget: 500,
  };

  test('a scalable target with CPU, memory and request-count target tracking', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', { desiredCount: 2 });
    const route = web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
    api.autoScale(OPTIONS);
    expectScaling(Template.fromStack(stack), route);
  });

  test('the same when autoScale is called before the route is added', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', { desiredCount: 2 });
    api.autoScale(OPTIONS);
    const route = web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
    expectScaling(Template.fromStack(stack), route);
  });

  test('request-count scaling also works through the catch-all', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', { desiredCount: 2 });
    api.autoScale(OPTIONS);
    const route = web.addRoute('site', { service: api });
    expectScaling(Template.fromStack(stack), route);
  });

  test('request-count scaling tracks the requests of every route of the service', () => {
    // AutoScalingOptions.requestsPerTarget: "Target ALB requests per task per minute, over the service's routes."
    const { stack, application, web } = newShop();
    const api = httpService(application, 'api', { desiredCount: 2 });
    const v1 = web.addRoute('v1', { service: api, pathPatterns: ['/v1/*'] });
    const v2 = web.addRoute('v2', { service: api, pathPatterns: ['/v2/*'] });
    api.autoScale({ minCapacity: 2, maxCapacity: 6, requestsPerTarget: 500 });
    const tracked = policies(Template.fromStack(stack))
      .map((p) => JSON.stringify(p))
      .filter((p) => p.includes('ALBRequestCountPerTarget'))
      .flatMap((p) =>
        [...p.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)","TargetGroupFullName"\]/g)].map((m) => m[1]),
      );
    expect(tracked.sort()).toEqual([logicalId(v1.targetGroup), logicalId(v2.targetGroup)].sort());
  });

  test('only the targets given are tracked', () => {
    const { stack, application } = newShop();
    const worker = new Service(application, 'worker', { image: IMAGE });
    worker.autoScale({ minCapacity: 1, maxCapacity: 3, cpuUtilizationPercent: 60 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 3,
    });
    expect(policies(template)).toEqual([
      {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      },
    ]);
  });

  test('the model and the local twin header record the scaling range', () => {
    const { application, web } = newShop();
    const api = httpService(application, 'api', { desiredCount: 2 });
    web.addRoute('api', { service: api });
    api.autoScale(OPTIONS);
    expect(api.toSpec().autoScaling).toEqual(OPTIONS);
    expect(application.renderLocalTwinFiles(PROJECT_ROOT).compose).toContain(
      '# api: 2-6 tasks (autoscaled) in the cloud; 1 container locally.',
    );
  });
});

describe('Route: validation', () => {
  const cases: [string, Omit<RouteOptions, 'service'>, string[]][] = [
    ['a port the service does not have', { port: 9999 }, ['port', '9999', "'api'", '8080']],
    ['a path pattern without a leading slash', { pathPatterns: ['goals'] }, ['pathPatterns', '"goals"']],
    ['a path pattern with a space', { pathPatterns: ['/my goals'] }, ['pathPatterns', '"/my goals"']],
    ['an empty list of path patterns', { pathPatterns: [] }, ['pathPatterns', '[]', 'non-empty']],
    ['a path pattern listed twice', { pathPatterns: ['/a', '/a'] }, ['pathPatterns', 'twice']],
    ['an invalid host name', { hostHeaders: ['exa mple.com'] }, ['hostHeaders', '"exa mple.com"']],
    [
      'a header name with an underscore',
      { httpHeaders: { X_Bad: ['1'] } },
      ['httpHeaders', '"X_Bad"', 'letters, digits and "-"'],
    ],
    [
      'the Host header as a header',
      { httpHeaders: { Host: ['a.com'] } },
      ['httpHeaders', '"Host"', 'hostHeaders'],
    ],
    [
      'one header name in two cases',
      { httpHeaders: { 'X-Env': ['a'], 'x-env': ['b'] } },
      ['httpHeaders', 'twice'],
    ],
    [
      'a query-string value with "="',
      { queryStrings: [{ key: 'a', value: 'b=c' }] },
      ['queryStrings[0].value', '"b=c"'],
    ],
    ['an empty list of query strings', { queryStrings: [] }, ['queryStrings', 'non-empty']],
    [
      'more than 5 condition values',
      { pathPatterns: ['/a', '/b', '/c'], hostHeaders: ['a.com', 'b.com'], queryStrings: [{ value: 'x' }] },
      ['conditions', '6 values', '5'],
    ],
    ['priority 0', { pathPatterns: ['/a'], priority: 0 }, ['priority', ' 0 ', '1 to 50000']],
    ['priority 50001', { pathPatterns: ['/a'], priority: 50001 }, ['priority', '50001', '1 to 50000']],
    [
      'a health-check timeout not shorter than the interval',
      { healthCheck: { interval: Duration.seconds(5), timeout: Duration.seconds(5) } },
      ['healthCheck.timeout', '5 s', 'interval (5 s)'],
    ],
    [
      'a health-check timeout longer than the derived interval',
      { healthCheck: { timeout: Duration.seconds(40) } },
      ['healthCheck.timeout', '40 s', 'interval (30 s)'],
    ],
    [
      'a health-check interval of 4 s',
      { healthCheck: { interval: Duration.seconds(4) } },
      ['healthCheck.interval', '4 s', '5 to 300'],
    ],
    [
      'healthy HTTP codes "abc"',
      { healthCheck: { healthyHttpCodes: 'abc' } },
      ['healthCheck.healthyHttpCodes', '"abc"'],
    ],
    [
      'a health-check path without a slash',
      { healthCheck: { path: 'health' } },
      ['healthCheck.path', '"health"'],
    ],
    [
      'a healthy threshold of 1',
      { healthCheck: { healthyThreshold: 1 } },
      ['healthCheck.healthyThreshold', ' 1 '],
    ],
    [
      'an unhealthy threshold of 11',
      { healthCheck: { unhealthyThreshold: 11 } },
      ['healthCheck.unhealthyThreshold', '11'],
    ],
    ['a health-check port 0', { healthCheck: { port: 0 } }, ['healthCheck.port', ' 0 ']],
    [
      'a deregistration delay of 4000 s',
      { deregistrationDelay: Duration.seconds(4000) },
      ['deregistrationDelay', '4000 s', '0 to 3600'],
    ],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, options, fragments) => {
    const { application, web } = newShop();
    const api = httpService(application);
    expectValidationError(
      () => web.addRoute('r', { service: api, ...options }),
      'Test/shop/web/r:',
      ...fragments,
    );
  });

  test('an invalid route id is a ValidationError', () => {
    const { application, web } = newShop();
    const api = httpService(application);
    expectValidationError(() => web.addRoute('Api', { service: api }), 'Test/shop/web/Api', 'id', '"Api"');
  });

  test('a route to a service without ports is a ValidationError', () => {
    const { application, web } = newShop();
    const worker = new Service(application, 'worker', { image: IMAGE });
    expectValidationError(
      () => web.addRoute('r', { service: worker, healthCheck: { path: '/' } }),
      'Test/shop/web/r',
      'service',
      '"worker"',
      'ports',
    );
  });

  test('a route to something that is not a Service is a ValidationError', () => {
    const { application, web } = newShop();
    const job = new Job(application, 'migrate', { image: IMAGE, command: ['true'] });
    expectValidationError(
      () => web.addRoute('r', { service: job as unknown as Service }),
      'Test/shop/web/r',
      'service',
      'Service',
    );
  });

  test('a route to a service of another application is a ValidationError', () => {
    const stack = testStack();
    const shop = new Application(stack, 'shop');
    const billing = new Application(stack, 'billing');
    const ledger = httpService(billing, 'ledger');
    const web = new LoadBalancer(shop, 'web');
    expectValidationError(
      () => web.addRoute('r', { service: ledger }),
      'Test/shop/web/r',
      'service',
      'Test/billing/ledger',
      "'shop'",
    );
  });

  test('a service without an HTTP health check needs healthCheck.path', () => {
    const { application, web } = newShop();
    const api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }],
      healthCheck: HealthCheck.tcp({ port: 8080 }),
    });
    expectValidationError(
      () => web.addRoute('r', { service: api }),
      'Test/shop/web/r',
      'healthCheck.path',
      'HealthCheck.http',
    );
    const bare = new Service(application, 'bare', { image: IMAGE, ports: [{ containerPort: 80 }] });
    expectValidationError(() => web.addRoute('s', { service: bare }), 'Test/shop/web/s', 'healthCheck.path');
  });

  test('two routes with the same conditions fail validation and synthesis', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    web.addRoute('a', { service: api, hostHeaders: ['Shop.example.com'], pathPatterns: ['/x', '/y'] });
    web.addRoute('b', { service: api, pathPatterns: ['/y', '/x'], hostHeaders: ['shop.EXAMPLE.com'] });
    expect(application.validate().errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/web/b', prop: 'conditions' }),
    ]);
    expectValidationError(() => Template.fromStack(stack), 'Test/shop/web/b', 'conditions', "route 'a'");
  });

  test('two routes with the same explicit priority fail validation and synthesis', () => {
    const { stack, application, web } = newShop();
    const api = httpService(application);
    web.addRoute('a', { service: api, pathPatterns: ['/a'], priority: 100 });
    web.addRoute('b', { service: api, pathPatterns: ['/b'], priority: 100 });
    expect(application.validate().errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/web/b', prop: 'priority', value: '100' }),
    ]);
    expectValidationError(() => Template.fromStack(stack), 'Test/shop/web/b', 'priority', '100', "route 'a'");
  });

  test('a route declared after the catch-all is a ValidationError', () => {
    const { application, web } = newShop();
    const api = httpService(application);
    web.addRoute('site', { service: api });
    expectValidationError(
      () => web.addRoute('late', { service: api, pathPatterns: ['/late'] }),
      'Test/shop/web/late',
      'conditions',
      "'site'",
      'last',
    );
  });

  test('a second catch-all is a ValidationError', () => {
    const { application, web } = newShop();
    const api = httpService(application);
    web.addRoute('site', { service: api });
    expectValidationError(
      () => web.addRoute('fallback', { service: api }),
      'Test/shop/web/fallback',
      "'site'",
    );
  });
});

describe('Service: health-check grace period and autoScale validation', () => {
  test('a grace period shorter than the container start period is a ValidationError', () => {
    const { application } = newShop();
    expectValidationError(
      () =>
        httpService(application, 'api', {
          healthCheck: HealthCheck.http({ port: 8080, startPeriod: Duration.seconds(20) }),
          healthCheckGracePeriod: Duration.seconds(10),
        }),
      'Test/shop/api:',
      'healthCheckGracePeriod',
      '10 s',
      '20 s',
    );
  });

  test('minHealthyPercent and maxHealthyPercent out of range are ValidationErrors', () => {
    const { application } = newShop();
    expectValidationError(
      () => httpService(application, 'a', { minHealthyPercent: 101 }),
      'minHealthyPercent',
      '101',
    );
    expectValidationError(
      () => httpService(application, 'b', { maxHealthyPercent: 99 }),
      'maxHealthyPercent',
      '99',
    );
  });

  test('a desiredCount outside the scaling range is a ValidationError', () => {
    const { application } = newShop();
    const api = httpService(application);
    expectValidationError(
      () => api.autoScale({ minCapacity: 2, maxCapacity: 4, cpuUtilizationPercent: 50 }),
      'Test/shop/api:',
      'desiredCount',
      '1',
      '2-4',
    );
  });

  test('autoScale without a target is a ValidationError', () => {
    const { application } = newShop();
    const api = httpService(application);
    expectValidationError(
      () => api.autoScale({ minCapacity: 1, maxCapacity: 4 }),
      'Test/shop/api:',
      'autoScale',
      'target',
    );
  });

  test('autoScale called twice is a ValidationError', () => {
    const { application } = newShop();
    const api = httpService(application);
    api.autoScale({ minCapacity: 1, maxCapacity: 4, cpuUtilizationPercent: 50 });
    expectValidationError(
      () => api.autoScale({ minCapacity: 1, maxCapacity: 8, cpuUtilizationPercent: 60 }),
      'Test/shop/api:',
      'autoScale',
      'already',
    );
  });

  test('a maxCapacity below minCapacity and a percent above 100 are ValidationErrors', () => {
    const { application } = newShop();
    const api = httpService(application, 'api', { desiredCount: 3 });
    expectValidationError(
      () => api.autoScale({ minCapacity: 3, maxCapacity: 2, cpuUtilizationPercent: 50 }),
      'autoScale.maxCapacity',
      '2',
    );
    expectValidationError(
      () => api.autoScale({ minCapacity: 1, maxCapacity: 4, memoryUtilizationPercent: 120 }),
      'autoScale.memoryUtilizationPercent',
      '120',
    );
  });
});

describe('Service: deployment and request-scaling rules', () => {
  test('minHealthyPercent 100 with maxHealthyPercent 100 is rejected: a deployment could not replace a task', () => {
    const { application } = newShop();
    expectValidationError(
      () => httpService(application, 'api', { minHealthyPercent: 100, maxHealthyPercent: 100 }),
      'Test/shop/api',
      'maxHealthyPercent',
      'no room to replace a task',
    );
  });

  test('requestsPerTarget on a service no route targets fails synthesis, naming the service', () => {
    const { stack, application } = newShop();
    const api = httpService(application);
    api.autoScale({ minCapacity: 1, maxCapacity: 3, requestsPerTarget: 100 });
    expectValidationError(
      () => Template.fromStack(stack),
      'Test/shop/api',
      'autoScale.requestsPerTarget',
      'needs a route to the service',
    );
  });
});
