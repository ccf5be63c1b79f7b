import * as fs from 'fs';
import * as path from 'path';
import { Aws, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Application, Image, Job, Secret, SecretReference, Service } from '../../constructs';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

type Statement = { Action: string | string[]; Resource: unknown };

/** The statements of the policies attached to `role` (a logical id). */
function statementsOf(template: Template, role: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

describe('Secret.generate', () => {
  let stack: Stack;
  let key: Secret;
  let api: Service;
  let template: Template;

  beforeAll(() => {
    const created = newApplication();
    stack = created.stack;
    const application = created.application;
    key = Secret.generate(application, 'SigningKey', { description: 'signs session cookies' });
    api = new Service(application, 'api', { image: IMAGE, secrets: { SIGNING_KEY: key.value() } });
    template = Template.fromStack(stack);
  });

  test('creates a Secrets Manager secret generating a 32-character value without punctuation', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'signs session cookies',
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
    });
  });

  test('the generated secret is retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the template never holds a secret value', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });

  test('the container gets the secret through ECS secrets', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: [
            { Name: 'SIGNING_KEY', ValueFrom: { Ref: logicalId(key.secret as secretsmanager.Secret) } },
          ],
          Environment: Match.absent(),
        }),
      ],
    });
  });

  test('the execution role may read the secret, the task role may not', () => {
    const secretRef = JSON.stringify({ Ref: logicalId(key.secret as secretsmanager.Secret) });
    const execution = statementsOf(template, logicalId(api.taskDefinition.obtainExecutionRole()));
    const reads = execution.filter((s) => JSON.stringify(s.Resource).includes(secretRef));
    expect(reads.flatMap(actions)).toContain('secretsmanager:GetSecretValue');
    const task = statementsOf(template, logicalId(api.taskDefinition.taskRole));
    expect(task.filter((s) => JSON.stringify(s.Resource).includes(secretRef))).toEqual([]);
  });

  test('the model records how the secret is made, not its value', () => {
    expect(key.toSpec()).toEqual({
      name: 'SigningKey',
      source: { kind: 'generated', length: 32, excludePunctuation: true },
      description: 'signs session cookies',
    });
  });

  test('length and excludePunctuation are passed on', () => {
    const { stack: s, application } = newApplication();
    Secret.generate(application, 'Token', { length: 64, excludePunctuation: false });
    Template.fromStack(s).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: false },
    });
  });
});

describe('Secret.fromSecretName', () => {
  let template: Template;
  let api: Service;

  beforeAll(() => {
    const { stack, application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    api = new Service(application, 'api', {
      image: IMAGE,
      secrets: { DB_PASSWORD: db.field('password'), DB_URL: db.value() },
    });
    template = Template.fromStack(stack);
  });

  test('creates no secret resource', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('the container references the named secret, with the :field:: suffix for a field', () => {
    const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const secrets = td.Properties.ContainerDefinitions[0].Secrets as { Name: string; ValueFrom: unknown }[];
    const byName = Object.fromEntries(secrets.map((s) => [s.Name, JSON.stringify(s.ValueFrom)]));
    expect(byName.DB_PASSWORD).toMatch(/:secret:prod\/db:password::"/);
    expect(byName.DB_URL).toMatch(/:secret:prod\/db"/);
  });

  test('the execution role gets secretsmanager:GetSecretValue on the named secret', () => {
    const statements = statementsOf(template, logicalId(api.taskDefinition.obtainExecutionRole()));
    const reads = statements.filter((s) => JSON.stringify(s.Resource).includes(':secret:prod/db-??????'));
    expect(reads).toHaveLength(1);
    expect(actions(reads[0])).toContain('secretsmanager:GetSecretValue');
  });

  test('no secret value appears in the template', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });
});

describe('Secret local variables', () => {
  test('field variables default to the id in UPPER_SNAKE_CASE as prefix', () => {
    const { application } = newApplication();
    const snowflake = Secret.fromSecretName(application, 'Snowflake', 'dozer/snowflake');
    expect(snowflake.field('password').localVariable).toBe('SNOWFLAKE_PASSWORD');
    expect(snowflake.field('accountName').localVariable).toBe('SNOWFLAKE_ACCOUNT_NAME');
    const db = Secret.fromSecretName(application, 'OrdersDb', 'prod/orders');
    expect(db.field('password').localVariable).toBe('ORDERS_DB_PASSWORD');
  });

  test('localVariablePrefix replaces the prefix', () => {
    const { application } = newApplication();
    const snowflake = Secret.fromSecretName(application, 'Snowflake', 'dozer/snowflake', {
      localVariablePrefix: 'SN_',
    });
    expect(snowflake.field('password').localVariable).toBe('SN_PASSWORD');
    expect(snowflake.field('user').localVariable).toBe('SN_USER');
  });

  test('the whole value defaults to the id in UPPER_SNAKE_CASE', () => {
    const { application } = newApplication();
    expect(Secret.generate(application, 'ApiKey').value().localVariable).toBe('API_KEY');
    expect(Secret.fromSecretName(application, 'Db', 'prod/db').value().localVariable).toBe('DB');
  });

  test('localVariable options name the variable explicitly', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db', { localVariable: 'DATABASE_URL' });
    expect(db.value().localVariable).toBe('DATABASE_URL');
    expect(db.value({ localVariable: 'PG_URL' }).localVariable).toBe('PG_URL');
    expect(db.field('password', { localVariable: 'PGPASSWORD' }).localVariable).toBe('PGPASSWORD');
  });

  test('a reference records the secret, field and variable', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    const reference = db.field('password');
    expect(reference).toBeInstanceOf(SecretReference);
    expect(reference.secret).toBe(db);
    expect(reference.field).toBe('password');
    expect(db.value().field).toBeUndefined();
  });

  test('.env.example lists the variables without values, the compose file reads them', () => {
    const cdkApp = testApp();
    const stack = new Stack(cdkApp, 'Test');
    const application = new Application(stack, 'shop');
    const snowflake = Secret.fromSecretName(application, 'Snowflake', 'dozer/snowflake');
    const key = Secret.generate(application, 'ApiKey');
    new Job(application, 'load', { image: IMAGE, secrets: { SF_PASSWORD: snowflake.field('password') } });
    new Service(application, 'api', {
      image: IMAGE,
      secrets: { API_KEY: key.value(), SF_PASSWORD: snowflake.field('password') },
    });
    const directory = cdkApp.synth().directory;
    const envExample = fs.readFileSync(path.join(directory, 'Test.shop.env.example'), 'utf8');
    const variables = envExample.split('\n').filter((l) => /^[A-Z_]+=/.test(l));
    expect(variables).toEqual(['API_KEY=', 'SNOWFLAKE_PASSWORD=']);
    const compose = fs.readFileSync(path.join(directory, 'Test.shop.compose.yaml'), 'utf8');
    expect(compose).toContain('SF_PASSWORD: ${SNOWFLAKE_PASSWORD');
    expect(compose).toContain('API_KEY: ${API_KEY');
  });
});

describe('Secret validation', () => {
  test.each([['prod db'], ['prod/db!'], ['']])('the secret name %j is a ValidationError', (name) => {
    const { application } = newApplication();
    expectValidationError(
      () => Secret.fromSecretName(application, 'Db', name),
      'Test/shop/Db',
      'secretName',
      JSON.stringify(name),
    );
  });

  test('a secret name that is a token is a ValidationError', () => {
    const { application } = newApplication();
    expectValidationError(() => Secret.fromSecretName(application, 'Db', Aws.STACK_NAME), 'secretName');
  });

  test.each([['pass word'], ['a/b'], ['']])('the field name %j is a ValidationError', (field) => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    expectValidationError(() => db.field(field), 'Test/shop/Db', 'field', JSON.stringify(field));
  });

  test('an invalid localVariablePrefix is a ValidationError', () => {
    const { application } = newApplication();
    expectValidationError(
      () => Secret.fromSecretName(application, 'Db', 'prod/db', { localVariablePrefix: '1DB_' }),
      'Test/shop/Db',
      'localVariablePrefix',
    );
  });

  test('an invalid localVariable is a ValidationError', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    expectValidationError(
      () => db.value({ localVariable: 'DB URL' }),
      'Test/shop/Db',
      'localVariable',
      '"DB URL"',
    );
  });

  test('two fields that would share one local variable are a ValidationError; a field read twice is not', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    expect(db.field('user-name').localVariable).toBe('DB_USER_NAME');
    expect(db.field('user-name').localVariable).toBe('DB_USER_NAME');
    const error = expectValidationError(
      () => db.field('user_name'),
      'Test/shop/Db',
      'localVariable',
      '"DB_USER_NAME"',
      "is already the local variable of field 'user-name'",
    );
    expect(error.message).toContain('pass a localVariable');
    expect(db.field('user_name', { localVariable: 'DB_USER_NAME_2' }).localVariable).toBe('DB_USER_NAME_2');
    expectValidationError(() => db.value({ localVariable: 'DB_USER_NAME' }), "field 'user-name'");
  });

  test.each([[7], [5000], [12.5]])('a generated length of %p is a ValidationError', (length) => {
    const { application } = newApplication();
    expectValidationError(() => Secret.generate(application, 'Key', { length }), 'Test/shop/Key', 'length');
  });

  test('two secrets with the same id in one application are a ValidationError', () => {
    const { application } = newApplication();
    Secret.fromSecretName(application, 'Db', 'prod/db');
    const group = new Service(application, 'api', { image: IMAGE });
    expectValidationError(() => Secret.generate(group, 'Db'), 'Test/shop/api/Db', '"Db"', 'Test/shop/Db');
  });

  test('a secret outside an application is a ValidationError', () => {
    expectValidationError(() => Secret.generate(testStack(), 'Key'), 'Test/Key');
  });

  test('a secret of another application is a ValidationError', () => {
    const stack = testStack();
    const shop = new Application(stack, 'shop');
    const billing = new Application(stack, 'billing');
    const ledgerKey = Secret.generate(billing, 'LedgerKey');
    expectValidationError(
      () => new Service(shop, 'api', { image: IMAGE, secrets: { KEY: ledgerKey.value() } }),
      'Test/shop/api',
      'secrets.KEY',
      'Test/billing/LedgerKey',
    );
  });

  test('a secret reference that is not a SecretReference is a ValidationError', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    expectValidationError(
      () =>
        new Service(application, 'api', { image: IMAGE, secrets: { DB: db as unknown as SecretReference } }),
      'Test/shop/api',
      'secrets.DB',
    );
  });

  test('a variable that is both environment and secret is a ValidationError', () => {
    const { application } = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'prod/db');
    const api = new Service(application, 'api', { image: IMAGE, environment: { DB_PASSWORD: '' } });
    expectValidationError(
      () => api.addSecret('DB_PASSWORD', db.field('password')),
      'Test/shop/api',
      'secrets',
      'DB_PASSWORD',
    );
  });
});
