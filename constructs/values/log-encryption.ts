import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * How an application's log groups are encrypted at rest.
 *
 * - `LogEncryption.applicationKey()` (the default): one customer-managed KMS key per application, with
 *   rotation on and a key policy that lets CloudWatch Logs use it for this account's log groups only.
 *   AWS Control Tower's CT.CLOUDWATCH.PR.3 and NIST 800-53 R5's CloudWatchLogGroupEncrypted ask for it.
 * - `LogEncryption.key(key)`: a key of your own, e.g. an organization's log key; its key policy must
 *   allow the CloudWatch Logs service principal of the stack's region.
 * - `LogEncryption.serviceManaged()`: CloudWatch Logs' own encryption, no key to pay for; both findings
 *   are then acknowledged on each log group with that reason.
 */
export class LogEncryption {
  /** One KMS key per application, created with the application. */
  public static applicationKey(): LogEncryption {
    return new LogEncryption('application-key');
  }

  /** A key you manage; its policy must let CloudWatch Logs of the stack's region use it. */
  public static key(key: kms.IKey): LogEncryption {
    return new LogEncryption('key', key);
  }

  /** CloudWatch Logs' own encryption at rest, without a customer-managed key. */
  public static serviceManaged(): LogEncryption {
    return new LogEncryption('service-managed');
  }

  private constructor(
    /** Which of the three choices this is. */
    public readonly kind: 'application-key' | 'key' | 'service-managed',
    /** The key, for `LogEncryption.key`. */
    public readonly encryptionKey?: kms.IKey,
  ) {}
}
