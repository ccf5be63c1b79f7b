import type { RouteSpec } from '../spec';
import { conditionsKey } from '../route-conditions';
import type { RuleContext } from './context';
import { problem, WarningIds } from './problems';

/** Each route targets a container port of a service, with conditions and a priority of its own. */
export function checkLoadBalancers(ctx: RuleContext): void {
  const { app, workloads, errors } = ctx;
  for (const lb of app.loadBalancers) {
    if (lb.routes.length === 0) {
      ctx.warnings.push({
        id: WarningIds.LOAD_BALANCER_WITHOUT_ROUTES,
        path: lb.path,
        message: lb.existingListener
          ? `load balancer '${lb.name}' has no routes, so it adds no rule to its existing listener and its local proxy answers every request with 404; add one with addRoute()`
          : `load balancer '${lb.name}' has no routes, so it answers every request with 404 in both twins; add one with addRoute() (a route without conditions takes every request)`,
      });
    }
    const seenConditions = new Map<string, string>();
    const seenPriorities = new Map<number, string>();
    for (const route of lb.routes) {
      const target = workloads.get(route.service);
      if (!target || target.kind !== 'service') {
        errors.push(
          problem(route.path, 'service', route.service, `is not a service of application '${app.name}'`),
        );
      } else if (!target.ports.some((p) => p.containerPort === route.port)) {
        errors.push(
          problem(route.path, 'port', route.port, `is not a container port of service '${route.service}'`),
        );
      }
      const key = conditionsKey(route.conditions);
      const same = seenConditions.get(key);
      if (same)
        errors.push(
          problem(
            route.path,
            'conditions',
            describeConditions(route),
            `are the same as those of route '${same}'; the second route could never match`,
          ),
        );
      else seenConditions.set(key, route.name);
      if (route.priority !== undefined) {
        const clash = seenPriorities.get(route.priority);
        if (clash)
          errors.push(
            problem(
              route.path,
              'priority',
              route.priority,
              `is also the priority of route '${clash}'; give each route its own priority`,
            ),
          );
        else seenPriorities.set(route.priority, route.name);
      }
    }
  }
}

function describeConditions(route: RouteSpec): string {
  const c = route.conditions;
  const parts = [
    ...c.pathPatterns.map((p) => `path ${p}`),
    ...c.hostHeaders.map((h) => `host ${h}`),
    ...Object.entries(c.httpHeaders).map(([k, v]) => `${k}: ${v.join('|')}`),
    ...c.queryStrings.map((q) => `?${q.key ?? '*'}=${q.value}`),
  ];
  return parts.length ? parts.join(', ') : '(catch-all)';
}
