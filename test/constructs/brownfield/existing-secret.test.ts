import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Application, Image, Secret, Service } from '../../../constructs';
import { expectValidationError, logicalId } from '../../support/errors';
import { testApp, testStack } from '../../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

function containerSecrets(template: Template): Record<string, string> {
  const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const secrets = td.Properties.ContainerDefinitions[0].Secrets as { Name: string; ValueFrom: unknown }[];
  return Object.fromEntries(secrets.map((s) => [s.Name, JSON.stringify(s.ValueFrom)]));
}

function executionReads(template: Template, api: Service): string[] {
  const role = logicalId(api.taskDefinition.obtainExecutionRole());
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))
    .map((s: any) => JSON.stringify(s.Resource));
}

describe('Secret.fromSecret', () => {
  const app = testApp();
  const platform = new Stack(app, 'Platform');
  const shared = new secretsmanager.Secret(platform, 'Shared');
  const stack = new Stack(app, 'Shop');
  const application = new Application(stack, 'shop');
  const secret = Secret.fromSecret(application, 'PaymentKey', shared);
  const api = new Service(application, 'api', {
    image: IMAGE,
    secrets: { PAYMENT_USER: secret.field('user'), PAYMENT_KEY: secret.value() },
  });
  const template = Template.fromStack(stack);

  test('wraps the given secret: no secret resource of its own, the container reads the given one', () => {
    expect(secret.secret).toBe(shared);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const secrets = containerSecrets(template);
    expect(secrets.PAYMENT_KEY).toContain('Platform');
    expect(secrets.PAYMENT_USER).toContain(':user::');
    expect(executionReads(template, api).some((r) => r.includes('Platform'))).toBe(true);
  });

  test('the local variables are named after the id, as for the other constructors', () => {
    const twin = application.renderLocalTwinFiles('.');
    expect(twin.envExample).toContain('PAYMENT_KEY_USER=');
    expect(twin.envExample).toContain('PAYMENT_KEY=');
    expect(twin.envExample).toContain('Platform/Shared');
  });

  test('refuses what is not an ISecret, and a twinstack Secret', () => {
    expectValidationError(
      () => Secret.fromSecret(application, 'Bad', 'arn:aws:secretsmanager:x' as any),
      'Shop/shop/Bad: secret "arn:aws:secretsmanager:x"',
      'must be a secretsmanager.ISecret',
    );
    expectValidationError(
      () => Secret.fromSecret(application, 'Again', secret as any),
      'secret "Shop/shop/PaymentKey" is already a twinstack Secret',
    );
  });
});

describe('Secret.fromSecretArn', () => {
  const complete = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key-AbC123';
  const partial = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/other';

  test('a complete ARN is read as it is, a partial one with the suffix wildcard in the grant', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const key = Secret.fromSecretArn(application, 'ApiKey', complete);
    const other = Secret.fromSecretArn(application, 'Other', partial);
    const api = new Service(application, 'api', {
      image: IMAGE,
      secrets: { API_KEY: key.value(), OTHER: other.value() },
    });
    const template = Template.fromStack(stack);
    const secrets = containerSecrets(template);
    expect(secrets.API_KEY).toBe(JSON.stringify(complete));
    expect(secrets.OTHER).toBe(JSON.stringify(partial));
    const reads = executionReads(template, api).join(' ');
    expect(reads).toContain(complete);
    expect(reads).toContain(`${partial}-??????`);
    const env = application.renderLocalTwinFiles('.').envExample;
    expect(env).toContain('API_KEY=');
    expect(env).toContain("'prod/api-key-AbC123'");
  });

  test('refuses what is not a Secrets Manager ARN', () => {
    const { application } = { application: new Application(testStack(), 'shop') };
    expectValidationError(
      () => Secret.fromSecretArn(application, 'Bad', 'arn:aws:s3:::bucket'),
      'Test/shop/Bad: secretArn "arn:aws:s3:::bucket"',
      'is not a Secrets Manager secret ARN',
    );
  });
});
