import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from './cli-error';

/** Options every command that talks to AWS takes. */
export interface AwsOptions {
  /** Region: `--region`, else the stack's; the SDK's default chain (AWS_REGION, the profile) when absent. */
  readonly region?: string;
  /** Named profile of the shared config and credentials files; the default chain when absent. */
  readonly profile?: string;
}

/**
 * The region a client calls, checked before the first call: `--region`, else the stack's environment
 * (both given to the client's configuration), else the SDK's chain (AWS_REGION, the profile's region). When
 * none names one, a CliError that says so; `stacks` names the stacks whose environment did not.
 */
export async function clientRegion(
  client: { config: { region: () => Promise<string> } },
  stacks: string,
): Promise<string> {
  let region: string | undefined;
  try {
    region = await client.config.region();
  } catch (e) {
    if (!/region is missing/i.test((e as Error)?.message ?? '')) throw awsError(e, 'find the AWS region');
  }
  if (region) return region;
  throw new CliError(
    `no AWS region: the environment of ${stacks} names none (the stack is environment-agnostic) and none is configured; pass --region, set AWS_REGION, or give the stack an env with a region`,
  );
}

/** Attempts per call, with the SDK's backoff, before a throttled call is reported. */
export const MAX_ATTEMPTS = 5;

/** Client configuration: the usual credential chain, the region and profile given, and retries. */
export function clientConfig(options: AwsOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: MAX_ATTEMPTS,
  };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);

/**
 * An AWS error as a one-line CliError: missing credentials or region, missing permission (naming the
 * action), throttling that outlasted the retries, expired credentials; anything else with its code.
 */
export function awsError(e: unknown, action: string): CliError {
  const err = e as {
    name?: string;
    message?: string;
    $metadata?: { attempts?: number; httpStatusCode?: number };
  };
  const name = err?.name ?? 'Error';
  const message = err?.message ?? String(e);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new CliError(
      'no AWS credentials found: set AWS_PROFILE or pass --profile, or configure the default chain (environment variables, ~/.aws, SSO, an instance or task role)',
    );
  }
  if (/region is missing/i.test(message))
    return new CliError('no AWS region: pass --region or set AWS_REGION');
  if (/ExpiredToken|TokenRefreshRequired|InvalidClientTokenId|UnrecognizedClient/.test(name)) {
    return new CliError(
      `the AWS credentials were rejected (${name}): refresh them (e.g. aws sso login) and run again`,
    );
  }
  if (DENIED.has(name) || err?.$metadata?.httpStatusCode === 403) {
    return new CliError(`permission denied: the caller may not ${action} (${name}: ${message})`);
  }
  if (THROTTLING.has(name)) {
    const attempts = err?.$metadata?.attempts ?? MAX_ATTEMPTS;
    return new CliError(
      `AWS kept throttling ${action} (${attempts} attempt${attempts === 1 ? '' : 's'}); wait a minute and run again`,
    );
  }
  return new CliError(`${action} failed: ${name}: ${message}`);
}

/** The physical id of every resource of a deployed stack, by logical id. */
export async function stackResources(
  client: CloudFormationClient,
  stackName: string,
  region: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListStackResourcesCommand({ StackName: stackName, NextToken: token }),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.LogicalResourceId && r.PhysicalResourceId) out.set(r.LogicalResourceId, r.PhysicalResourceId);
      }
      token = page.NextToken;
    } while (token);
  } catch (e) {
    if ((e as { name?: string }).name === 'ValidationError' && /does not exist/.test((e as Error).message)) {
      throw new CliError(
        `stack ${stackName} does not exist in region ${region} of this account; deploy it first (cdk deploy ${stackName}) or pass --region/--profile`,
      );
    }
    throw awsError(e, `list the resources of stack ${stackName} (cloudformation:ListStackResources)`);
  }
  return out;
}
