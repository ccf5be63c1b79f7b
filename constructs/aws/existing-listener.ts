import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct, IConstruct } from 'constructs';
import { invalid, ValidationError } from '../errors';
import { checkInteger } from '../model/names';

/** Rules of an existing listener get priorities from `priorityBase + 1` to `priorityBase + PRIORITY_RANGE`. */
export const PRIORITY_RANGE = 999;
/** The default `priorityBase` on an existing listener. */
export const DEFAULT_PRIORITY_BASE = 1000;
/** The highest priority ALB accepts. */
const MAX_PRIORITY = 50000;

/** What a LoadBalancer on an existing listener is given. */
export interface ExistingListenerInput {
  readonly listener?: unknown;
  readonly existingLoadBalancer?: unknown;
  readonly listenerSecurityGroup?: unknown;
  readonly priorityBase?: unknown;
}

/** An existing listener, its security group and the range of priorities the application's rules take. */
export interface ExistingListener {
  readonly listener: elbv2.IApplicationListener;
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  readonly securityGroup: ec2.ISecurityGroup;
  /** First priority of the range is `base + 1`, the last `base + PRIORITY_RANGE`. */
  readonly base: number;
}

const LISTENER_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[A-Za-z0-9-]+\/[a-f0-9]+\/[a-f0-9]+$/;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * Resolves the existing listener given to the load balancer at `scope` (an `IApplicationListener`, or a
 * listener ARN with the ALB or its security group), checked; `scope` holds what is imported.
 */
export function existingListener(scope: Construct, input: ExistingListenerInput): ExistingListener {
  const path = scope.node.path;
  const lb = input.existingLoadBalancer;
  if (
    lb !== undefined &&
    (!isObject(lb) || typeof lb.loadBalancerArn !== 'string' || !isObject(lb.connections))
  ) {
    throw invalid(
      path,
      'existingLoadBalancer',
      lb,
      'must be an elbv2.IApplicationLoadBalancer (an ApplicationLoadBalancer, or one imported with ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes)',
    );
  }
  const alb = lb as elbv2.IApplicationLoadBalancer | undefined;
  const given = input.listenerSecurityGroup as ec2.ISecurityGroup | undefined;
  if (given !== undefined && (!isObject(given) || typeof given.securityGroupId !== 'string')) {
    throw invalid(
      path,
      'listenerSecurityGroup',
      given,
      "must be an ec2.ISecurityGroup: the load balancer's security group",
    );
  }
  let listener: elbv2.IApplicationListener;
  const raw = input.listener;
  if (typeof raw === 'string') {
    if (!Token.isUnresolved(raw) && !LISTENER_ARN.test(raw)) {
      throw invalid(
        path,
        'listener',
        raw,
        'is not the ARN of an Application Load Balancer listener (arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)',
      );
    }
    const securityGroup = given ?? alb?.connections.securityGroups[0];
    if (securityGroup === undefined) {
      throw invalid(
        path,
        'listener',
        raw,
        "is an ARN, which does not tell the load balancer's security group; give listenerSecurityGroup (or existingLoadBalancer), so the tasks admit the load balancer",
      );
    }
    listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(scope, 'Listener', {
      listenerArn: raw,
      securityGroup,
    });
  } else if (isObject(raw) && typeof raw.listenerArn === 'string' && isObject(raw.connections)) {
    listener = raw as unknown as elbv2.IApplicationListener;
  } else {
    throw invalid(
      path,
      'listener',
      raw,
      'must be an elbv2.IApplicationListener or the ARN of one: the listener the routes become rules of',
    );
  }
  const securityGroup = given ?? listener.connections.securityGroups[0] ?? alb?.connections.securityGroups[0];
  if (securityGroup === undefined) {
    throw invalid(
      path,
      'listenerSecurityGroup',
      undefined,
      "is needed: the listener names no security group, and the tasks must admit the load balancer's; give listenerSecurityGroup",
    );
  }
  if (given !== undefined && !listener.connections.securityGroups.includes(given)) {
    listener.connections.addSecurityGroup(given);
  }
  const base =
    input.priorityBase === undefined
      ? DEFAULT_PRIORITY_BASE
      : checkInteger(path, 'priorityBase', input.priorityBase, 0, MAX_PRIORITY - PRIORITY_RANGE);
  return { listener, ...(alb ? { loadBalancer: alb } : {}), securityGroup, base };
}

/** The key two references to one listener share: the ARN (a token string for a listener of the app). */
export function listenerKey(listener: elbv2.IApplicationListener): string {
  return listener.listenerArn;
}

/** A load balancer of the app on an existing listener, as the overlap check sees it. */
export interface ListenerUser extends IConstruct {
  /** @internal */
  readonly _existingListener?: ExistingListener;
}

/**
 * Refuses a second load balancer of the app on the same existing listener whose priority range overlaps
 * `range`'s: two applications on one listener need ranges of their own.
 */
export function checkRangeOverlap(self: ListenerUser, others: readonly ListenerUser[]): void {
  const mine = self._existingListener!;
  for (const other of others) {
    const theirs = other._existingListener;
    if (other === self || theirs === undefined) continue;
    if (listenerKey(theirs.listener) !== listenerKey(mine.listener)) continue;
    if (Math.abs(theirs.base - mine.base) < PRIORITY_RANGE) {
      throw invalid(
        self.node.path,
        'priorityBase',
        mine.base,
        `gives rule priorities ${describeRange(mine.base)}, which overlap those of ${other.node.path} on the same listener (${describeRange(theirs.base)}); give each load balancer on the listener a priorityBase at least ${PRIORITY_RANGE} apart`,
      );
    }
  }
}

/** The priorities of an existing listener's rules that `base` reserves, in words. */
export function describeRange(base: number): string {
  return `${base + 1}-${base + PRIORITY_RANGE}`;
}

/** Checks a route's priority on an existing listener: inside the load balancer's range. */
export function checkRoutePriority(at: string, priority: number, base: number, given: boolean): void {
  if (priority > base && priority <= base + PRIORITY_RANGE) return;
  throw invalid(
    at,
    given ? 'priority' : 'id',
    given ? priority : `priority ${priority}`,
    given
      ? `is outside the load balancer's range on its existing listener (${describeRange(base)}, from priorityBase ${base}); give a priority in it, or move the range with priorityBase`
      : `would be this route's priority, past the end of the load balancer's range on its existing listener (${describeRange(base)}); give the routes priorities in it`,
  );
}

/**
 * The listener rules of the app on `listener` that are not `ours` (e.g. the platform's, created where the
 * listener is) and whose priority is in `base`'s range: they would collide with the application's rules.
 * Rules of listeners created outside the app are not visible at synth time.
 */
export function foreignRulesInRange(
  root: IConstruct,
  listener: elbv2.IApplicationListener,
  base: number,
  ours: ReadonlySet<IConstruct>,
): { path: string; priority: number }[] {
  const key = listenerKey(listener);
  const found: { path: string; priority: number }[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof elbv2.CfnListenerRule) || ours.has(c)) continue;
    if (c.listenerArn !== key || typeof c.priority !== 'number') continue;
    if (c.priority > base && c.priority <= base + PRIORITY_RANGE)
      found.push({ path: (c.node.id === 'Resource' ? c.node.scope! : c).node.path, priority: c.priority });
  }
  return found;
}

/** The ValidationError for a rule of the app that collides with the range at `path`. */
export function foreignRuleError(
  path: string,
  base: number,
  rule: { path: string; priority: number },
): ValidationError {
  return invalid(
    path,
    'priorityBase',
    base,
    `reserves rule priorities ${describeRange(base)} on the listener, and ${rule.path} already has priority ${rule.priority} there; give a priorityBase whose range holds none of the listener's other rules`,
  );
}

/** The stack-independent root the overlap checks search: the app. */
export function appRoot(scope: IConstruct): IConstruct {
  return Stack.of(scope).node.root;
}
