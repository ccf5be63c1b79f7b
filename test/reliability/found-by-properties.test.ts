import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { Application, HealthCheck, Image, LoadBalancer, Service } from '../../constructs';
import { composeToYaml } from '../../constructs/compose/compose-renderer';
import { testApp } from '../support/test-app';

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

  test.each([' \n', 'a\n  \nb', '\t\n', 'x\n \n'])(
    'a value with a line of only blanks reads back exactly from the compose file: %j',
    (value) => {
      const yaml = composeToYaml({ name: 'shop', services: { api: { environment: { TEXT: value } } } });
      expect(parse(yaml).services.api.environment.TEXT).toBe(value);
    },
  );
});
