/* eslint-disable @typescript-eslint/no-explicit-any */
import type { LoadBalancerSpec, RouteConditionsSpec } from '../../constructs/model/spec';

/** One row of a route table: what a request must match, and where it goes. */
export interface RouteRow {
  /** Listener-rule priority; undefined for the default action. */
  readonly priority?: number;
  readonly conditions: RouteConditionsSpec;
  /** `service:port`, or `404` for the fixed response. */
  readonly target: string;
}

/** A listener's routing, in evaluation order (rules by priority, then the default action). */
export interface RouteTable {
  readonly port: number;
  readonly rows: RouteRow[];
}

const EMPTY: RouteConditionsSpec = { pathPatterns: [], hostHeaders: [], httpHeaders: {}, queryStrings: [] };

/**
 * The route tables of a synthesized template, read from the CloudFormation resources alone: every listener
 * that forwards (not the HTTP-to-HTTPS redirect), its rules by priority, and the container each target group
 * feeds, found through the ECS services' load-balancer entries.
 */
export function cloudRouteTables(template: any): RouteTable[] {
  const resources: Record<string, any> = template.Resources;
  const targetOf = new Map<string, string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::ECS::Service') continue;
    for (const lb of r.Properties.LoadBalancers ?? []) {
      targetOf.set(lb.TargetGroupArn.Ref, `${lb.ContainerName}:${lb.ContainerPort}`);
    }
  }
  const actionTarget = (actions: any[]): string => {
    const a = actions[0];
    if (a.Type === 'forward')
      return targetOf.get(a.TargetGroupArn.Ref) ?? `unknown target group ${a.TargetGroupArn.Ref}`;
    if (a.Type === 'fixed-response') return String(a.FixedResponseConfig.StatusCode);
    return a.Type;
  };
  const tables: RouteTable[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ElasticLoadBalancingV2::Listener') continue;
    if (r.Properties.DefaultActions[0].Type === 'redirect') continue;
    const rules = Object.values(resources)
      .filter(
        (x) => x.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && x.Properties.ListenerArn.Ref === id,
      )
      .map((x) => x.Properties)
      .sort((a, b) => a.Priority - b.Priority);
    const rows: RouteRow[] = rules.map((rule) => ({
      priority: rule.Priority,
      conditions: conditionsOf(rule.Conditions),
      target: actionTarget(rule.Actions),
    }));
    rows.push({ conditions: EMPTY, target: actionTarget(r.Properties.DefaultActions) });
    tables.push({ port: r.Properties.Port, rows });
  }
  return tables;
}

/**
 * The route table of an application's rules on a listener outside its template (an existing listener): its
 * rules by priority, then the 404 the local proxy answers with where the listener's owner decides.
 */
export function existingListenerRouteTable(template: any, port: number): RouteTable {
  const resources: Record<string, any> = template.Resources;
  const targetOf = new Map<string, string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::ECS::Service') continue;
    for (const lb of r.Properties.LoadBalancers ?? []) {
      targetOf.set(lb.TargetGroupArn.Ref, `${lb.ContainerName}:${lb.ContainerPort}`);
    }
  }
  const rules = Object.values(resources)
    .filter(
      (x) =>
        x.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' &&
        resources[x.Properties.ListenerArn?.Ref]?.Type !== 'AWS::ElasticLoadBalancingV2::Listener',
    )
    .map((x) => x.Properties)
    .sort((a, b) => a.Priority - b.Priority);
  const rows: RouteRow[] = rules.map((rule) => ({
    priority: rule.Priority,
    conditions: conditionsOf(rule.Conditions),
    target:
      targetOf.get(rule.Actions[0].TargetGroupArn?.Ref) ??
      `unknown target group ${rule.Actions[0].TargetGroupArn?.Ref}`,
  }));
  rows.push({ conditions: EMPTY, target: '404' });
  return { port, rows };
}

function conditionsOf(conditions: any[]): RouteConditionsSpec {
  const c = {
    pathPatterns: [] as string[],
    hostHeaders: [] as string[],
    httpHeaders: {} as Record<string, string[]>,
    queryStrings: [] as { key?: string; value: string }[],
  };
  for (const x of conditions) {
    if (x.Field === 'path-pattern') c.pathPatterns.push(...x.PathPatternConfig.Values);
    else if (x.Field === 'host-header') c.hostHeaders.push(...x.HostHeaderConfig.Values);
    else if (x.Field === 'http-header')
      c.httpHeaders[x.HttpHeaderConfig.HttpHeaderName.toLowerCase()] = [...x.HttpHeaderConfig.Values];
    else if (x.Field === 'query-string')
      c.queryStrings.push(
        ...x.QueryStringConfig.Values.map((v: any) =>
          v.Key === undefined ? { value: v.Value } : { key: v.Key, value: v.Value },
        ),
      );
    else throw new Error(`condition field ${x.Field} is not one twinstack renders`);
  }
  return c;
}

/** The route table of a load balancer's model, which the local proxy is rendered from. */
export function modelRouteTable(lb: LoadBalancerSpec): RouteTable {
  const rows: RouteRow[] = lb.routes.map((r) => ({
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    conditions: r.conditions,
    target: `${r.service}:${r.port}`,
  }));
  if (!lb.routes.some((r) => r.priority === undefined)) rows.push({ conditions: EMPTY, target: '404' });
  return { port: lb.httpsPort ?? lb.httpPort, rows };
}

/** A load-balancer spec with the routes of a cloud route table, for the reference evaluator. */
export function specOfTable(name: string, table: RouteTable): LoadBalancerSpec {
  return {
    name,
    path: name,
    internetFacing: true,
    httpPort: table.port,
    localPort: table.port,
    localProxyImage: 'nginx',
    routes: table.rows
      .filter((row) => row.target !== '404')
      .map((row, i) => ({
        name: `r${i}`,
        path: `${name}/${i}`,
        service: row.target.split(':')[0],
        port: Number(row.target.split(':')[1]),
        conditions: row.conditions,
        ...(row.priority !== undefined ? { priority: row.priority } : {}),
        healthCheck: {
          path: '/',
          port: 0,
          healthyHttpCodes: '200',
          intervalSeconds: 30,
          timeoutSeconds: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
        deregistrationDelaySeconds: 0,
      })),
  };
}
