import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { Application, Dependency, HealthCheck, Image, Job, Secret, Service } from '../../constructs';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

describe('Application: cloud resources', () => {
  let stack: Stack;
  let application: Application;
  let template: Template;

  beforeAll(() => {
    stack = testStack();
    application = new Application(stack, 'shop');
    template = Template.fromStack(stack);
  });

  test('name defaults to the construct id', () => {
    expect(application.name).toBe('shop');
  });

  test('creates one VPC over 2 availability zones with public, private and isolated subnets', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(6);
    const types = subnets.map(
      (s) => s.Properties.Tags.find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-type').Value,
    );
    expect(types.sort()).toEqual(['Isolated', 'Isolated', 'Private', 'Private', 'Public', 'Public']);
    const azs = new Set(subnets.map((s) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(azs.size).toBe(2);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('no subnet gives what starts in it a public IP, so an empty application passes both cdk-nag packs', () => {
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
    for (const pack of [new AwsSolutionsChecks(), new NIST80053R5Checks()]) {
      expect(pack.validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });

  test('the VPC has flow logs to CloudWatch Logs', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      ResourceId: { Ref: Match.stringLikeRegexp('^shopVpc') },
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('^shopFlowLogsGroup') },
    });
  });

  test('creates an ECS cluster with Container Insights enabled', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('creates a Cloud Map HTTP namespace named after the application', () => {
    template.resourceCountIs('AWS::ServiceDiscovery::HttpNamespace', 1);
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'shop' });
  });

  test('exposes the VPC, cluster and namespace', () => {
    expect(application.vpc).toBeInstanceOf(ec2.Vpc);
    expect(application.cluster.vpc).toBe(application.vpc);
    expect(application.namespace.namespaceName).toBe('shop');
  });

  test('names the local twin files after the stack artifact and the application', () => {
    expect(application.localTwinFiles).toEqual({
      composeFile: 'Test.shop.compose.yaml',
      envExampleFile: 'Test.shop.env.example',
      modelFile: 'Test.shop.twinstack.json',
    });
  });
});

describe('Application: props', () => {
  test('an explicit name is used for the namespace', () => {
    const stack = testStack();
    const application = new Application(stack, 'Shop', { name: 'web-shop' });
    expect(application.name).toBe('web-shop');
    Template.fromStack(stack).hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', {
      Name: 'web-shop',
    });
  });

  test.each([['My Shop'], ['Shop'], ['1shop'], ['shop.v2'], ['']])(
    'rejects the invalid name %j with a ValidationError',
    (name) => {
      const stack = testStack();
      const error = expectValidationError(
        () => new Application(stack, 'App', { name }),
        'Test/App',
        'name',
        JSON.stringify(name),
      );
      expect(error.path).toBe('Test/App');
      expect(error.prop).toBe('name');
    },
  );

  test('an id that is not a valid name is rejected when no name is given', () => {
    expectValidationError(() => new Application(testStack(), 'App'), 'Test/App', 'name', '"App"');
  });

  test('an existing VPC is used and no VPC or flow log is created', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2 });
    const application = new Application(stack, 'shop', { vpc });
    expect(application.vpc).toBe(vpc);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
  });

  test('containerInsights: false disables Container Insights', () => {
    const stack = testStack();
    new Application(stack, 'shop', { containerInsights: false });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
    });
  });

  test('a VPC without private subnets with egress is rejected with a ValidationError', () => {
    // The vpc prop documents that it needs private subnets with egress; that must be a twinstack error naming
    // the prop, not aws-cdk-lib's "There are no 'Private' subnet groups in this VPC".
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'PublicOnly', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    expectValidationError(() => {
      const application = new Application(stack, 'shop', { vpc });
      new Service(application, 'api', { image: IMAGE });
    }, 'vpc');
  });

  test('two applications with the same name in one stack are rejected', () => {
    // Both would write Test.shop.compose.yaml (one local twin silently lost) and create the same namespace.
    const stack = testStack();
    new Application(stack, 'first', { name: 'shop' });
    expectValidationError(() => {
      new Application(stack, 'second', { name: 'shop' });
      Template.fromStack(stack);
    }, 'shop');
  });
});

describe('Application.of', () => {
  test('finds the application of a nested construct', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const group = new Construct(application, 'group');
    const inner = new Construct(group, 'inner');
    expect(Application.of(inner)).toBe(application);
    expect(Application.isApplication(application)).toBe(true);
    expect(Application.isApplication(group)).toBe(false);
  });

  test('a construct outside any Application is a ValidationError naming its path', () => {
    const stack = testStack();
    new Application(stack, 'shop');
    const outside = new Construct(stack, 'Outside');
    const error = expectValidationError(() => Application.of(outside), 'Test/Outside', 'Application');
    expect(error.path).toBe('Test/Outside');
  });

  test('a service created directly in the stack is a ValidationError naming its path', () => {
    const stack = testStack();
    new Application(stack, 'shop');
    expectValidationError(() => new Service(stack, 'api', { image: IMAGE }), 'Test/api', 'Application');
  });
});

describe('Application: synthesis writes the local twin', () => {
  let directory: string;

  beforeAll(() => {
    const cdkApp = testApp();
    const stack = new Stack(cdkApp, 'Test');
    const application = new Application(stack, 'shop');
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080, hostPort: 8080, protocol: 'http' }],
      secrets: { DB_PASSWORD: db.field('password') },
    });
    directory = cdkApp.synth().directory;
  });

  test('writes <StackArtifactId>.<app>.compose.yaml with the services', () => {
    const file = path.join(directory, 'Test.shop.compose.yaml');
    expect(fs.existsSync(file)).toBe(true);
    const compose = parse(fs.readFileSync(file, 'utf8'));
    expect(compose.name).toBe('shop');
    expect(Object.keys(compose.services)).toEqual(['api']);
    expect(compose.services.api.image).toBe('public.ecr.aws/nginx/nginx:1.27');
  });

  test('writes <StackArtifactId>.<app>.env.example with the secret variables, without values', () => {
    const file = path.join(directory, 'Test.shop.env.example');
    expect(fs.existsSync(file)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^DB_PASSWORD=$/m);
  });

  test('writes <StackArtifactId>.<app>.twinstack.json with the model', () => {
    const file = path.join(directory, 'Test.shop.twinstack.json');
    expect(fs.existsSync(file)).toBe(true);
    const model = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(model.application.name).toBe('shop');
    expect(model.application.workloads.map((w: { name: string }) => w.name)).toEqual(['api']);
    expect(model.application.secrets.map((s: { name: string }) => s.name)).toEqual(['Db']);
  });

  test('writes the template next to the local twin files', () => {
    expect(fs.existsSync(path.join(directory, 'Test.template.json'))).toBe(true);
  });
});

describe('Application: whole-model validation on synth', () => {
  test('a credential-like environment variable with a literal value is a twinstack:env-looks-like-secret warning', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    new Service(application, 'api', { image: IMAGE, environment: { DB_PASSWORD: 'hunter2', MODE: 'x' } });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning(
      '/Test/shop/api',
      Match.stringLikeRegexp('environment\\.DB_PASSWORD.*twinstack:env-looks-like-secret'),
    );
    annotations.hasNoWarning('/Test/shop/api', Match.stringLikeRegexp('environment\\.MODE'));
  });

  test('a job nothing depends on is a twinstack:job-without-dependents warning on the job', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    new Job(application, 'migrate', { image: IMAGE });
    Annotations.fromStack(stack).hasWarning(
      '/Test/shop/migrate',
      Match.stringLikeRegexp('twinstack:job-without-dependents'),
    );
  });

  test('a valid model synthesizes without twinstack warnings', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    new Service(application, 'api', { image: IMAGE, environment: { MODE: 'production' } });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('twinstack:'));
  });

  test('a dependency cycle makes synthesis throw a ValidationError naming the cycle', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const a = new Service(application, 'a', { image: IMAGE, ports: [{ containerPort: 80 }] });
    const b = new Service(application, 'b', { image: IMAGE, ports: [{ containerPort: 81 }] });
    a.addDependency(Dependency.started(b));
    b.addDependency(Dependency.started(a));
    const error = expectValidationError(() => Template.fromStack(stack), 'a -> b -> a', 'cycle');
    expect(error.path).toBe('Test/shop/a');
  });

  test('several whole-model errors are reported together', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const db = new Service(application, 'db', { image: IMAGE, ports: [{ containerPort: 5432 }] });
    const worker = new Service(application, 'worker', { image: IMAGE, dependsOn: [Dependency.healthy(db)] });
    worker.addDependency(Dependency.started(worker));
    const error = expectValidationError(() => Template.fromStack(stack), '2 problems');
    expect(error.problems.map((p) => p.prop)).toEqual(['dependsOn[0]', 'dependsOn[1]']);
    expect(error.message).toContain('no health check');
    expect(error.message).toContain('itself');
  });

  test('validate() reports whole-model problems without synthesizing', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const db = new Service(application, 'db', { image: IMAGE });
    new Service(application, 'api', { image: IMAGE, dependsOn: [Dependency.healthy(db)] });
    const report = application.validate();
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ path: 'Test/shop/api', prop: 'dependsOn[0]' });
    expect(report.errors[0].message).toContain('no health check');
  });

  test('validate() of a valid model reports neither errors nor warnings', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const db = new Service(application, 'db', {
      image: IMAGE,
      healthCheck: HealthCheck.command(['true']),
    });
    new Service(application, 'api', { image: IMAGE, dependsOn: [Dependency.healthy(db)] });
    expect(application.validate()).toEqual({ errors: [], warnings: [] });
  });
});
