import { compareStrings } from '../../model/order';
import type { LoadBalancerSpec, RouteSpec } from '../../model/spec';
import type { CloudLoadBalancer, CloudRouteRow } from '../cloud-twin';

/**
 * The model's routes as listener rows, in evaluation order, with the default 404 when no route catches all
 * (not on an existing listener, whose default action is its owner's).
 */
export function modelRows(routes: readonly RouteSpec[], existingListener = false): CloudRouteRow[] {
  const rows: CloudRouteRow[] = routes.map((r) => ({
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    ...r.conditions,
    target: `${r.service}:${r.port}`,
  }));
  if (!existingListener && !routes.some((r) => r.priority === undefined))
    rows.push({ pathPatterns: [], hostHeaders: [], httpHeaders: {}, queryStrings: [], target: '404' });
  return rows;
}

/** One routing row as the report shows it. */
export function describeRow(r: CloudRouteRow): string {
  const parts: string[] = [];
  if (r.pathPatterns.length) parts.push(`path ${r.pathPatterns.join('|')}`);
  if (r.hostHeaders.length) parts.push(`host ${r.hostHeaders.join('|')}`);
  for (const [h, v] of Object.entries(r.httpHeaders).sort((a, b) => compareStrings(a[0], b[0])))
    parts.push(`header ${h.toLowerCase()}=${v.join('|')}`);
  if (r.queryStrings.length)
    parts.push(`query ${r.queryStrings.map((q) => `${q.key ?? '*'}=${q.value}`).join('|')}`);
  return `${r.priority ?? 'default'}: ${parts.join(' & ') || 'any'} -> ${r.target}`;
}

/**
 * Pairs the model's load balancers with the template's: the template does not name them, so each model
 * load balancer takes the one that agrees with it most (listener port, then scheme, then identical listener
 * rules, then rules to the same targets), the best-agreeing pairs first. Load balancers that agree in all of
 * these are interchangeable for the comparison.
 */
export function pairLoadBalancers(
  models: readonly LoadBalancerSpec[],
  candidates: readonly CloudLoadBalancer[],
): Map<LoadBalancerSpec, CloudLoadBalancer> {
  const score = (lb: LoadBalancerSpec, c: CloudLoadBalancer) => {
    const rows = new Set(modelRows(lb.routes, lb.existingListener).map(describeRow));
    const targets = new Set(lb.routes.map((r) => `${r.service}:${r.port}`));
    const listener = lb.existingListener
      ? c.existingListener === true
      : c.existingListener !== true && c.port === (lb.httpsPort ?? lb.httpPort);
    return (
      (listener ? 1e6 : 0) +
      (c.scheme === undefined || c.scheme === (lb.internetFacing ? 'internet-facing' : 'internal')
        ? 1e5
        : 0) +
      100 * c.routes.filter((r) => rows.has(describeRow(r))).length +
      c.routes.filter((r) => targets.has(r.target)).length
    );
  };
  const ranked = models
    .flatMap((lb, i) => candidates.map((c, j) => ({ lb, c, i, j, score: score(lb, c) })))
    .sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const pairs = new Map<LoadBalancerSpec, CloudLoadBalancer>();
  const taken = new Set<CloudLoadBalancer>();
  for (const { lb, c } of ranked) {
    if (pairs.has(lb) || taken.has(c)) continue;
    pairs.set(lb, c);
    taken.add(c);
  }
  return pairs;
}
