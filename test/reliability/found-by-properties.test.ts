import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import {
  Application,
  CpuArchitecture,
  Dependency,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  ParityReport,
  Service,
} from '../../constructs';
import { composeToYaml } from '../../constructs/compose/compose-renderer';
import { checkParity } from '../../constructs/parity';
import { testApp } from '../support/test-app';

/** The parity report of `application`, read back from the cloud assembly `app` wrote. */
function checkApplicationParity(app: App, application: Application): ParityReport {
  const assembly = app.synth();
  const stack = Stack.of(application);
  return checkParity(
    JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8')),
    parse(fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8')),
    application.toSpec(),
    { composeDirectory: assembly.directory },
  );
}

/** The smallest inputs the property tests (test/properties) found failing, kept as plain regression tests. */

describe('found by the property tests', () => {
  test('a service routed by two load balancers whose routes share an id scales on the requests of both', () => {
    const stack = new Stack(testApp(), 'Shop');
    const application = new Application(stack, 'shop');
    const api = new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      ports: [{ containerPort: 80 }],
      healthCheck: HealthCheck.http({ port: 80 }),
    });
    api.autoScale({ minCapacity: 1, maxCapacity: 4, requestsPerTarget: 100 });
    // Both routes are called 'site': the scaling policy ids used to clash (a raw construct-id error).
    const first = new LoadBalancer(application, 'public').addRoute('site', { service: api });
    const second = new LoadBalancer(application, 'internal', { localPort: 8080 }).addRoute('site', {
      service: api,
    });
    const policies = Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalingPolicy');
    const tracked = Object.values(policies).map(
      (p) =>
        p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel,
    );
    expect(tracked).toHaveLength(2);
    const stackOf = (route: typeof first) => stack.getLogicalId(route.targetGroup.node.defaultChild as never);
    expect(JSON.stringify(tracked)).toContain(stackOf(first));
    expect(JSON.stringify(tracked)).toContain(stackOf(second));
  });

  test('two load balancers are paired with their own listeners in the parity check', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const application = new Application(stack, 'shop');
    const api = new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      ports: [{ containerPort: 7 }],
    });
    // Created in the opposite order of their names, each with a catch-all route to the one service.
    const pub = new LoadBalancer(application, 'zz-public', { httpPort: 8080, localPort: 7800 });
    pub.addRoute('r0', { service: api, pathPatterns: ['/a*'], healthCheck: { path: '/health' } });
    pub.addRoute('rest', { service: api, healthCheck: { path: '/' } });
    const internal = new LoadBalancer(application, 'aa-internal', {
      httpPort: 9090,
      localPort: 7900,
      internetFacing: false,
    });
    internal.addRoute('r1', {
      service: api,
      hostHeaders: ['internal.example.com'],
      healthCheck: { path: '/health' },
    });
    internal.addRoute('rest', { service: api, healthCheck: { path: '/' } });
    expect(() => app.synth()).not.toThrow();
    const report = checkApplicationParity(app, application);
    expect(report.errors).toEqual([]);
    const listeners = report.entries.filter((e) => e.field === 'listener').map((e) => [e.service, e.cloud]);
    expect(listeners.sort()).toEqual([
      ['aa-internal', '9090'],
      ['zz-public', '8080'],
    ]);
  });

  test('a load balancer without routes in an application without services synthesizes', () => {
    const app = testApp();
    const application = new Application(new Stack(app, 'Shop'), 'shop');
    new Job(application, 'migrate', { image: Image.fromRegistry('busybox:1.36') });
    new LoadBalancer(application, 'web');
    expect(() => app.synth()).not.toThrow();
    const report = checkApplicationParity(app, application);
    expect(report.errors).toEqual([]);
    expect(report.entries.filter((e) => e.service === 'web').map((e) => [e.field, e.kind])).toEqual(
      expect.arrayContaining([['presence', 'stand-in']]),
    );
  });

  test('a job that only a job nothing runs waits for is warned about, like that job', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const application = new Application(stack, 'shop');
    const seed = new Job(application, 'seed', { image: Image.fromRegistry('busybox:1.36') });
    new Job(application, 'report', {
      image: Image.fromRegistry('busybox:1.36'),
      dependsOn: [Dependency.completedSuccessfully(seed)],
    });
    expect(() => app.synth()).not.toThrow();
    const warned = Annotations.fromStack(stack)
      .findWarning('*', Match.stringLikeRegexp('no service of the cloud twin waits for it'))
      .map((w) => w.id)
      .sort();
    expect(warned).toEqual(['/Shop/shop/report', '/Shop/shop/seed']);
  });

  test('a job of another CPU architecture than the service whose tasks run it is a ValidationError', () => {
    const application = new Application(new Stack(testApp(), 'Shop'), 'shop');
    const seed = new Job(application, 'seed', { image: Image.fromRegistry('busybox:1.36') });
    new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      cpuArchitecture: CpuArchitecture.ARM64,
      dependsOn: [Dependency.completedSuccessfully(seed)],
    });
    const errors = application.validate().errors;
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'Shop/shop/seed',
        prop: 'cpuArchitecture',
        message: expect.stringContaining("differs from service 'api' (arm64)"),
      }),
    ]);
  });

  test.each([' \n', 'a\n  \nb', '\t\n', 'x\n \n'])(
    'a value with a line of only blanks reads back exactly from the compose file: %j',
    (value) => {
      const yaml = composeToYaml({ name: 'shop', services: { api: { environment: { TEXT: value } } } });
      expect(parse(yaml).services.api.environment.TEXT).toBe(value);
    },
  );
});
