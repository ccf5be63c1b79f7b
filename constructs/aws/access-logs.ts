import { CfnCondition, CfnMapping, CfnResource, Fn, Stack, Token } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';

const LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/**
 * Sends the load balancer's access logs to `bucket`, whose policy lets Elastic Load Balancing write them
 * and denies every request not made over TLS.
 *
 * Who writes the logs depends on the region: a regional Elastic Load Balancing account in regions opened
 * before August 2022, the log-delivery service principal in newer ones. aws-cdk-lib's `logAccessLogs` needs
 * the region at synth time; this works in environment-agnostic stacks too, choosing the principal at deploy
 * time with a condition on `AWS::Region`.
 */
export function enableAccessLogs(alb: elbv2.ApplicationLoadBalancer, bucket: s3.Bucket): void {
  const stack = Stack.of(alb);
  alb.setAttribute('access_logs.s3.enabled', 'true');
  alb.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  alb.setAttribute('access_logs.s3.prefix', '');
  const region = stack.region;
  const knownRegion = !Token.isUnresolved(region);
  const account = knownRegion ? RegionInfo.get(region).elbv2Account : undefined;
  // First statement of the policy, so the deploy-time principal below can address it by position.
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ElasticLoadBalancingAccessLogs',
      actions: ['s3:PutObject'],
      principals: [
        account ? new iam.AccountPrincipal(account) : new iam.ServicePrincipal(LOG_DELIVERY_SERVICE),
      ],
      resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyInsecureTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:*'],
      resources: [bucket.bucketArn, bucket.arnForObjects('*')],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
  const policy = bucket.policy!.node.defaultChild as CfnResource;
  if (!knownRegion) {
    const { mapping, legacyRegion } = regionalAccounts(stack);
    policy.addPropertyOverride(
      'PolicyDocument.Statement.0.Principal',
      Fn.conditionIf(
        legacyRegion.logicalId,
        {
          AWS: Fn.sub('arn:${AWS::Partition}:iam::${Account}:root', {
            Account: mapping.findInMap(stack.region, 'account'),
          }),
        },
        { Service: LOG_DELIVERY_SERVICE },
      ),
    );
  }
  (alb.node.defaultChild as CfnResource).addResourceDependency(policy);
}

/** The regional Elastic Load Balancing accounts, once per stack, and the condition "this region has one". */
function regionalAccounts(stack: Stack): { mapping: CfnMapping; legacyRegion: CfnCondition } {
  const id = 'TwinstackElbLogAccounts';
  const existing = stack.node.tryFindChild(id) as CfnMapping | undefined;
  const conditionId = 'TwinstackElbLegacyRegion';
  if (existing) return { mapping: existing, legacyRegion: stack.node.findChild(conditionId) as CfnCondition };
  const regions = RegionInfo.regions.filter((r) => r.elbv2Account).sort((a, b) => (a.name < b.name ? -1 : 1));
  const mapping = new CfnMapping(stack, id, {
    mapping: Object.fromEntries(regions.map((r) => [r.name, { account: r.elbv2Account! }])),
  });
  // Fn::Or takes at most 10 conditions: group the regions by ten.
  const equals = regions.map((r) => Fn.conditionEquals(stack.region, r.name));
  const groups: ReturnType<typeof Fn.conditionOr>[] = [];
  for (let i = 0; i < equals.length; i += 10) {
    const group = equals.slice(i, i + 10);
    groups.push(group.length === 1 ? group[0] : Fn.conditionOr(...group));
  }
  const legacyRegion = new CfnCondition(stack, conditionId, { expression: Fn.conditionOr(...groups) });
  return { mapping, legacyRegion };
}
