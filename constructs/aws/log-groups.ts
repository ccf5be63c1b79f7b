import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { CONTROL_TOWER, NIST, LOG_GROUP_KEY } from './nag-findings';

/** What every log group of an application takes from it. */
export interface ApplicationLogSettings {
  /** Path of the application, named in acknowledgement reasons. */
  readonly node: { readonly path: string };
  readonly logRetention: logs.RetentionDays;
  /** The key log groups are encrypted with; undefined for CloudWatch Logs' own encryption. */
  readonly logEncryptionKey?: kms.IKey;
}

/** Retention the Control Tower control CT.CLOUDWATCH.PR.2 accepts: at least a year, or never expiring. */
export const MIN_CONTROLLED_RETENTION_DAYS = 365;

/**
 * A log group of the application under `scope`, with its retention and encryption; where the application
 * chose less than the controls ask for, the findings are acknowledged on this log group with that choice as
 * the reason.
 */
export function applicationLogGroup(
  scope: Construct,
  id: string,
  app: ApplicationLogSettings,
): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, {
    retention: app.logRetention,
    ...(app.logEncryptionKey ? { encryptionKey: app.logEncryptionKey } : {}),
  });
  acknowledgeLogChoices(logGroup, app);
  return logGroup;
}

/** A log group aws-cdk-lib creates for the library (a shared function's): the application's settings. */
export function adoptLogSettings(logGroup: logs.CfnLogGroup, app: ApplicationLogSettings): void {
  logGroup.retentionInDays = app.logRetention;
  if (app.logEncryptionKey) logGroup.kmsKeyId = app.logEncryptionKey.keyArn;
  acknowledgeLogChoices(logGroup, app);
}

function acknowledgeLogChoices(logGroup: IConstruct, app: ApplicationLogSettings): void {
  if (!app.logEncryptionKey) {
    Validations.of(logGroup).acknowledge(
      { id: `${NIST}-CloudWatchLogGroupEncrypted`, reason: LOG_GROUP_KEY },
      {
        id: `${CONTROL_TOWER}::cloudwatch_log_group_encrypted_check`,
        reason: `Application ${app.node.path} chose logEncryption: LogEncryption.serviceManaged(): ${LOG_GROUP_KEY}`,
      },
    );
  }
  if (app.logRetention < MIN_CONTROLLED_RETENTION_DAYS) {
    Validations.of(logGroup).acknowledge({
      id: `${CONTROL_TOWER}::cloudwatch_log_group_retention_period_check`,
      reason:
        `Application ${app.node.path} keeps its logs ${app.logRetention} days (logRetention), a choice for a ` +
        'stage whose logs need not outlive a year of audits; the default, one year, meets the control.',
    });
  }
}

/**
 * The key that encrypts an application's log groups: rotated yearly, retained when the stack is deleted
 * (the retained log groups stay readable), usable by CloudWatch Logs of this region for this account's log
 * groups only.
 */
export function createLogKey(scope: Construct, id: string, applicationName: string): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, id, {
    description: `twinstack: encrypts the CloudWatch Logs log groups of application ${applicationName}`,
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  refuseGrantsExceptForAwsResources(key);
  return key;
}

/**
 * Denies `kms:CreateGrant` on `key` except for AWS resources or from AWS services (AWS Control Tower's
 * CT.KMS.PR.3): nobody can hand the key's use to an arbitrary principal through a grant.
 */
export function refuseGrantsExceptForAwsResources(key: kms.IKey): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsOnlyForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}
