import { Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IConstruct } from 'constructs';
import { acknowledgeShellVariables } from './container';

// Findings of cdk-nag's AwsSolutions and NIST 800-53 R5 packs that several constructs share, acknowledged
// with the reason they are safe or what the user sets instead (listed in the README's security section).
// Each is acknowledged on the construct that creates the resource, never on a whole stack.

export const NIST = 'NIST.800.53.R5';

/** Prefix of the ids of AWS Control Tower proactive controls, as the cfn-guard validator plugin reports them. */
export const CONTROL_TOWER = 'cdk-validator-cfnguard';

const INLINE_POLICY =
  "aws-cdk-lib writes a role's grants as that role's own inline policy, each statement scoped to the " +
  'resources the role uses; no other role shares it, so a customer-managed policy would only make the same ' +
  'statements attachable elsewhere.';

export const LOG_GROUP_KEY =
  'CloudWatch Logs still encrypts the log group at rest with keys it manages; without a customer-managed key ' +
  "there is no key's monthly charge, and IAM policies alone decide who reads the logs. The default, " +
  'LogEncryption.applicationKey(), encrypts them with a key of the application.';

const SECRET_KEY =
  "Encrypted with the account's AWS managed key for Secrets Manager (aws/secretsmanager), which the task " +
  'execution roles read through without key grants; a customer-managed key would add a key and kms:Decrypt ' +
  'grants to every role that reads the secret.';

/** Rule ids acknowledged so far on each construct: shared constructs are acknowledged once per rule. */
const ACKNOWLEDGED = new WeakMap<IConstruct, Set<string>>();

function acknowledge(scope: IConstruct, ...rules: { id: string; reason: string }[]): void {
  const done = ACKNOWLEDGED.get(scope) ?? new Set<string>();
  ACKNOWLEDGED.set(scope, done);
  const fresh = rules.filter((r) => !done.has(r.id));
  for (const r of fresh) done.add(r.id);
  if (fresh.length > 0) Validations.of(scope).acknowledge(...fresh);
}

/**
 * A Fargate task definition as every service and job task builds it, with its task and execution roles.
 */
export function acknowledgeTaskDefinitionFindings(taskDefinition: ecs.TaskDefinition): void {
  acknowledge(
    taskDefinition,
    {
      id: 'AwsSolutions-ECS2',
      reason:
        'Plain environment values are non-secret settings declared in the application model; secret values reach ' +
        'the container through ECS secrets from Secrets Manager, and credential-like keys with literal values ' +
        'are flagged by twinstack:env-looks-like-secret.',
    },
    { id: `${NIST}-IAMNoInlinePolicy`, reason: INLINE_POLICY },
  );
  // The built-in CloudFormation validator's finding on shell variables in container definitions.
  acknowledgeShellVariables(taskDefinition);
  acknowledge(taskDefinition.obtainExecutionRole(), {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'The only wildcard on the task execution role is ecr:GetAuthorizationToken, which supports no ' +
      'resource-level permissions; image pulls themselves are scoped to the repository.',
  });
}

/** Roles and policies under `scope` that hold only aws-cdk-lib's per-role grants. */
export function acknowledgeInlinePolicies(scope: IConstruct): void {
  acknowledge(scope, { id: `${NIST}-IAMNoInlinePolicy`, reason: INLINE_POLICY });
}

/**
 * A Secrets Manager secret the library creates without a rotation schedule; `rotation` says why it has none
 * and how to add one.
 */
export function acknowledgeSecretFindings(secret: IConstruct, rotation: string): void {
  acknowledge(
    secret,
    { id: 'AwsSolutions-SMG4', reason: rotation },
    { id: `${NIST}-SecretsManagerRotationEnabled`, reason: rotation },
    { id: `${NIST}-SecretsManagerUsingKMSKey`, reason: SECRET_KEY },
  );
}

/**
 * Lambda functions under `scope` that only serve CloudFormation custom resources during deployments, with
 * their roles and log groups; `what` names what they serve, `apis` the only APIs they call.
 */
export function acknowledgeDeploymentFunctionFindings(scope: IConstruct, what: string, apis: string): void {
  acknowledge(
    scope,
    {
      id: `${NIST}-LambdaConcurrency`,
      reason: `The functions of ${what} run only while CloudFormation deploys the stack, a few invocations each time; reserved concurrency would withhold capacity from the account's other functions while they are idle.`,
    },
    {
      id: `${NIST}-LambdaDLQ`,
      reason: `The functions of ${what} answer CloudFormation during a deployment: a failure fails that resource and the deployment, so no event is left to replay from a dead-letter queue.`,
    },
    { id: `${NIST}-LambdaInsideVPC`, reason: outsideVpc(what, apis) },
    { id: `${CONTROL_TOWER}::lambda_inside_vpc_check`, reason: outsideVpc(what, apis) },
    { id: `${NIST}-IAMNoInlinePolicy`, reason: INLINE_POLICY },
  );
}

function outsideVpc(what: string, apis: string): string {
  return (
    `The functions of ${what} only call AWS APIs (${apis}) and reach nothing inside the VPC; in the VPC they ` +
    'would need the NAT gateway or an interface endpoint per API to reach them, and their network interfaces ' +
    'would hold up the deletion of the stack, with no resource of the application made more private.'
  );
}

/**
 * The VPC an application creates when none is given, with flow logs to the application's `FlowLogsGroup`:
 * public subnets for internet-facing load balancers and the NAT gateway, private and isolated ones for
 * everything else. A VPC the user passes in is theirs to judge.
 */
export function acknowledgeDefaultVpcFindings(vpc: ec2.IVpc): void {
  acknowledge(
    vpc,
    {
      id: `${NIST}-VPCNoUnrestrictedRouteToIGW`,
      reason:
        'The public subnets route to the internet gateway so that internet-facing load balancers and the NAT gateway work; services, jobs and data services run in private and isolated subnets, which the internet cannot reach.',
    },
    { id: `${NIST}-IAMNoInlinePolicy`, reason: INLINE_POLICY },
  );
  // aws-cdk-lib's function (one per stack) that removes the rules of the VPC's default security group.
  const provider = Stack.of(vpc).node.tryFindChild(RESTRICT_DEFAULT_SG_PROVIDER);
  if (provider) {
    acknowledge(provider, {
      id: `${CONTROL_TOWER}::lambda_inside_vpc_check`,
      reason: outsideVpc(
        "aws-cdk-lib's custom resource that removes the rules of the VPC's default security group",
        'EC2 RevokeSecurityGroupIngress and RevokeSecurityGroupEgress',
      ),
    });
  }
}

/** Id of aws-cdk-lib's provider of `Custom::VpcRestrictDefaultSG`, a child of the stack. */
const RESTRICT_DEFAULT_SG_PROVIDER = 'Custom::VpcRestrictDefaultSGCustomResourceProvider';
