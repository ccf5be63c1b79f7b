import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NIST80053R5Checks } from 'cdk-nag';
import { Application, Image, Job, JobRun, LogEncryption, Service } from '../../constructs';
import { expectValidationError, logicalId } from '../support/errors';
import { controlTowerFindings as findings } from '../support/control-tower';
import { testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** An application `shop` with a service and a job, in a fresh stack. */
function shop(props: ConstructorParameters<typeof Application>[2] = {}, stack: Stack = testStack()) {
  const application = new Application(stack, 'shop', props);
  new Service(application, 'api', { image: IMAGE });
  new Job(application, 'migrate', { image: IMAGE, command: ['migrate'], runs: JobRun.oncePerDeployment() });
  return { stack, application, template: Template.fromStack(stack) };
}

type LogGroupProps = { RetentionInDays?: number; KmsKeyId?: unknown };

function logGroups(template: Template): LogGroupProps[] {
  return Object.values(template.findResources('AWS::Logs::LogGroup')).map(
    (r) => r.Properties as LogGroupProps,
  );
}

/** The Control Tower findings on log groups and keys of the stack `build` builds. */
function controlTowerFindings(build: (stack: Stack) => void): string[] {
  return findings(build)
    .map((f) => f.rule)
    .filter((rule) => /cloudwatch|kms/.test(rule));
}

describe('Application log groups: the defaults', () => {
  const { application, template } = shop();

  test('every log group is kept a year and encrypted with the application key', () => {
    const groups = logGroups(template);
    // the service's, the job's, the job runner's three and the VPC flow logs
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const group of groups) {
      expect(group.RetentionInDays).toBe(365);
      expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(application.logEncryptionKey!), 'Arn'] });
    }
  });

  test('one key per application: rotated, kept when the stack is deleted', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(logicalId(application.logEncryptionKey!)).toMatch(/^shopLogKey/);
  });

  test("the key policy lets CloudWatch Logs of the stack's region use it for this account's log groups only", () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = key.Properties.KeyPolicy.Statement as {
      Sid?: string;
      Effect: string;
      Action: string | string[];
      Principal: unknown;
      Condition: Record<string, Record<string, unknown>>;
    }[];
    const logsStatement = statements.find((s) => s.Sid === 'CloudWatchLogsOfThisAccount')!;
    expect(JSON.stringify(logsStatement.Principal)).toContain('logs.');
    expect(logsStatement.Action).toEqual(expect.arrayContaining(['kms:Encrypt*', 'kms:GenerateDataKey*']));
    expect(JSON.stringify(logsStatement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toContain(
      ':log-group:*',
    );
    const grants = statements.find((s) => s.Sid === 'GrantsOnlyForAwsResources')!;
    expect(grants.Effect).toBe('Deny');
    expect(grants.Action).toBe('kms:CreateGrant');
  });

  test('NIST 800-53 R5 finds no unencrypted log group, and nothing is acknowledged for it', () => {
    const findings = new NIST80053R5Checks()
      .validateScope(application.node.scope as Stack)
      .violations.map((v) => v.ruleName);
    expect(findings.filter((r) => r.includes('CloudWatch'))).toEqual([]);
  });
});

describe('Application log groups: choices', () => {
  test('the Control Tower log and key controls pass with the defaults, with no acknowledgement', () => {
    expect(controlTowerFindings((stack) => shop({}, stack))).toEqual([]);
  });

  test('a shorter retention applies to every log group and is acknowledged with that choice as the reason', () => {
    const { stack, template } = shop({ logRetention: logs.RetentionDays.ONE_MONTH });
    for (const group of logGroups(template)) expect(group.RetentionInDays).toBe(30);
    const acknowledged = JSON.stringify(stack.node.findAll().map((c) => c.node.metadata));
    expect(acknowledged).toContain('cloudwatch_log_group_retention_period_check');
    expect(acknowledged).toContain('keeps its logs 30 days (logRetention)');
  });

  test('without the acknowledgement a shorter retention would be a Control Tower finding', () => {
    // The same log group outside an application: the control really checks what the acknowledgement covers.
    expect(
      controlTowerFindings((stack) => {
        new logs.LogGroup(stack, 'Plain', { retention: logs.RetentionDays.ONE_MONTH });
      }),
    ).toEqual(expect.arrayContaining(['cloudwatch_log_group_retention_period_check']));
  });

  test('LogEncryption.serviceManaged(): no key, both encryption findings acknowledged with a reason', () => {
    const { stack, template } = shop({ logEncryption: LogEncryption.serviceManaged() });
    template.resourceCountIs('AWS::KMS::Key', 0);
    for (const group of logGroups(template)) expect(group.KmsKeyId).toBeUndefined();
    expect(controlTowerFindings((s) => shop({ logEncryption: LogEncryption.serviceManaged() }, s))).toEqual(
      [],
    );
    const nist = new NIST80053R5Checks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(nist.filter((r) => r.includes('CloudWatch'))).toEqual([]);
  });

  test('LogEncryption.key(key): every log group uses the given key, and no other key is created', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'OrgLogKey', { enableKeyRotation: true });
    const { template } = shop({ logEncryption: LogEncryption.key(key) }, stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    for (const group of logGroups(template)) {
      expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(key), 'Arn'] });
    }
  });

  test.each([[45], [0], ['ONE_YEAR']])('logRetention %j is rejected with a ValidationError', (retention) => {
    expectValidationError(
      () => new Application(testStack(), 'shop', { logRetention: retention as never }),
      'Test/shop',
      'logRetention',
      JSON.stringify(retention),
      'logs.RetentionDays',
    );
  });

  test('a logEncryption that is not a LogEncryption is rejected with a ValidationError', () => {
    expectValidationError(
      () => new Application(testStack(), 'shop', { logEncryption: 'kms' as never }),
      'Test/shop',
      'logEncryption',
      '"kms"',
      'LogEncryption.serviceManaged()',
    );
  });
});
