import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { parse } from 'yaml';
import {
  Application,
  checkParity,
  HealthCheck,
  Image,
  LoadBalancer,
  renderNginxConfig,
  Service,
} from '../../../constructs';
import { expectValidationError } from '../../support/errors';
import { testApp, testStack } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const LISTENER_ARN =
  'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/platform/50dc6c495c0c9188/f2f7dc8efc522ab2';

function shop(stack: Stack, vpc?: ec2.IVpc, id = 'shop') {
  const application = new Application(stack, id, vpc ? { vpc } : {});
  const api = new Service(application, 'api', {
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
  });
  return { application, api };
}

function resources(template: Template, type: string): any[] {
  return Object.values(template.toJSON().Resources).filter((r: any) => r.Type === type);
}

describe('LoadBalancer on a listener imported by ARN', () => {
  const stack = testStack();
  const { application, api } = shop(stack);
  const albGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbGroup', 'sg-0123456789abcdef0');
  const web = new LoadBalancer(application, 'web', {
    listener: LISTENER_ARN,
    listenerSecurityGroup: albGroup,
  });
  web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
  web.addRoute('admin', { service: api, hostHeaders: ['admin.example.org'] });
  const template = Template.fromStack(stack);

  test('creates no load balancer, listener or security group of its own, only rules on the listener', () => {
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(0);
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(0);
    const rules = resources(template, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rules.map((r) => [r.Properties.ListenerArn, r.Properties.Priority])).toEqual([
      [LISTENER_ARN, 1010],
      [LISTENER_ARN, 1020],
    ]);
  });

  test("the tasks admit the load balancer's security group on the routed port", () => {
    const ingress = resources(template, 'AWS::EC2::SecurityGroupIngress').filter(
      (r) => r.Properties.SourceSecurityGroupId === 'sg-0123456789abcdef0',
    );
    expect(ingress.map((r) => r.Properties.FromPort)).toEqual([8080]);
  });

  test('the model records the existing listener; the local proxy is the same as for an own load balancer', () => {
    const spec = web.toSpec();
    expect(spec.existingListener).toBe(true);
    expect(spec.routes.map((r) => r.priority)).toEqual([1010, 1020]);
    expect(renderNginxConfig(spec)).toContain('return 404');
    expect(renderNginxConfig({ ...spec, existingListener: undefined })).toBe(renderNginxConfig(spec));
  });

  test('without routes, the warning says that no rule is added to the listener', () => {
    const other = new Application(testStack(), 'blog');
    const group = ec2.SecurityGroup.fromSecurityGroupId(other, 'AlbGroup', 'sg-0123456789abcdef0');
    new LoadBalancer(other, 'web', { listener: LISTENER_ARN, listenerSecurityGroup: group });
    const warning = other.validate().warnings.find((w) => w.id === 'twinstack:load-balancer-without-routes');
    expect(warning?.message).toContain('adds no rule to its existing listener');
  });

  test('reading loadBalancer is a ValidationError that points at the listener', () => {
    expectValidationError(() => web.loadBalancer, 'Test/shop/web: loadBalancer "web"', 'existing listener');
  });
});

describe('LoadBalancer on a listener of another stack: parity', () => {
  const app = testApp();
  const platform = new Stack(app, 'Platform');
  const vpc = new ec2.Vpc(platform, 'Vpc', { maxAzs: 2 });
  const alb = new elbv2.ApplicationLoadBalancer(platform, 'Alb', { vpc, internetFacing: true });
  const listener = alb.addListener('Http', {
    port: 80,
    defaultAction: elbv2.ListenerAction.fixedResponse(404),
  });
  new elbv2.ApplicationListenerRule(platform, 'PlatformRule', {
    listener,
    priority: 5,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/status'])],
    action: elbv2.ListenerAction.fixedResponse(200),
  });
  const stack = new Stack(app, 'Shop');
  const { application, api } = shop(stack, vpc);
  const web = new LoadBalancer(application, 'web', { listener, existingLoadBalancer: alb, localPort: 8000 });
  web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
  web.addRoute('www', { service: api, hostHeaders: ['www.example.org'], priority: 1500 });
  const assembly = app.synth();
  const template = assembly.getStackByName('Shop').template;
  const compose = parse(
    fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8'),
  );

  test('the twins agree: the rules are compared with the proxy routes, the listener is a stand-in', () => {
    const report = checkParity(template, compose, application.toSpec());
    expect(report.errors).toEqual([]);
    const routes = report.entries.find((e) => e.service === 'web' && e.field === 'routes');
    expect(routes?.kind).toBe('same');
    expect(report.differences.map((d) => `${d.service} ${d.field} ${d.standIn}`)).toContain(
      'web listener listener-port',
    );
  });

  test('a rule that forwards elsewhere than the model says is a parity error', () => {
    const broken = JSON.parse(JSON.stringify(template));
    const rule: any = Object.values(broken.Resources).find(
      (r: any) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && r.Properties.Priority === 1500,
    );
    rule.Properties.Priority = 1600;
    const report = checkParity(broken, compose, application.toSpec());
    expect(report.errors.map((e) => `${e.service} ${e.field}`)).toContain('web routes[1]');
  });
});

describe('LoadBalancer on an existing listener: priorities and props that cannot be used', () => {
  function platformListener(stack: Stack) {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    const listener = alb.addListener('Http', {
      port: 80,
      defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
    return { vpc, alb, listener };
  }

  test('two load balancers of the app on one listener with overlapping ranges', () => {
    const stack = testStack();
    const { vpc, listener } = platformListener(stack);
    const a = shop(stack, vpc, 'shop');
    const b = shop(stack, vpc, 'blog');
    new LoadBalancer(a.application, 'web', { listener });
    expectValidationError(
      () => new LoadBalancer(b.application, 'web', { listener, priorityBase: 1500 }),
      'Test/blog/web: priorityBase 1500',
      'overlap those of Test/shop/web on the same listener (1001-1999)',
    );
    new LoadBalancer(b.application, 'web2', { listener, priorityBase: 2000 });
  });

  test("a rule of the app in the range is refused at synth time; the listener's owner's rules elsewhere are not", () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const { vpc, listener } = platformListener(stack);
    const { application, api } = shop(stack, vpc);
    const web = new LoadBalancer(application, 'web', { listener });
    web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
    new elbv2.ApplicationListenerRule(stack, 'Outside', {
      listener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/health'])],
      action: elbv2.ListenerAction.fixedResponse(200),
    });
    new elbv2.ApplicationListenerRule(stack, 'Clash', {
      listener,
      priority: 1010,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/old/*'])],
      action: elbv2.ListenerAction.fixedResponse(410),
    });
    expectValidationError(
      () => app.synth(),
      'Test/shop/web: priorityBase 1000',
      'Test/Clash already has priority 1010',
    );
  });

  test('a route priority outside the range, and a catch-all route', () => {
    const stack = testStack();
    const { vpc, listener } = platformListener(stack);
    const { application, api } = shop(stack, vpc);
    const web = new LoadBalancer(application, 'web', { listener, priorityBase: 3000 });
    expectValidationError(
      () => web.addRoute('api', { service: api, pathPatterns: ['/api/*'], priority: 10 }),
      'Test/shop/web/api: priority 10',
      "outside the load balancer's range on its existing listener (3001-3999",
    );
    expectValidationError(
      () => web.addRoute('all', { service: api }),
      'Test/shop/web/all: conditions',
      "replace the existing listener's default action",
    );
  });

  test('own-load-balancer props, an ARN without a security group, priorityBase without a listener', () => {
    const stack = testStack();
    const { application } = shop(stack);
    expectValidationError(
      () =>
        new LoadBalancer(application, 'a', {
          listener: LISTENER_ARN,
          internetFacing: false,
          listenerSecurityGroup: {} as any,
        }),
      'Test/shop/a: internetFacing false',
      'on an existing listener',
    );
    expectValidationError(
      () => new LoadBalancer(application, 'b', { listener: LISTENER_ARN }),
      'Test/shop/b: listener "arn:aws:elasticloadbalancing',
      'give listenerSecurityGroup',
    );
    expectValidationError(
      () => new LoadBalancer(application, 'c', { listener: 'arn:aws:s3:::bucket' }),
      'Test/shop/c: listener "arn:aws:s3:::bucket" is not the ARN of an Application Load Balancer listener',
    );
    expectValidationError(
      () => new LoadBalancer(application, 'd', { priorityBase: 2000 }),
      'Test/shop/d: priorityBase 2000',
      'applies to an existing listener',
    );
  });
});
