import type { ValidationProblem } from '../../errors';
import type { RuleContext } from './context';
import { problem, WarningIds } from './problems';

// What the container settings and UDP ports make the twins do differently, as warnings, and the one
// error they lead to in a whole model: a route to a UDP port.

/** The one text of the rule: a route (at `path`) cannot target UDP port `port` of `service`. */
export function routeToUdpPort(path: string, port: number, service: string): ValidationProblem {
  return problem(
    path,
    'port',
    port,
    `is a UDP port of service '${service}'; a load balancer's routes carry HTTP over TCP only, so route to a TCP port`,
  );
}

/** The one text of the rule: a health check probes UDP port `port` of the service at `path`. */
export function probesUdpPort(path: string, port: number): ValidationProblem {
  return problem(
    path,
    'healthCheck.port',
    port,
    'is a UDP port of this service; an HTTP or TCP probe cannot reach it, so probe a TCP port or use HealthCheck.command',
  );
}

/**
 * Warnings: extra hosts (the cloud twin cannot resolve those names), and UDP ports (Service Connect
 * carries none, so other services of the cloud twin cannot reach them by name). Errors: a route to a UDP
 * port.
 */
export function checkContainerSettings(ctx: RuleContext): void {
  const { app, workloads } = ctx;
  for (const w of app.workloads) {
    const hosts = Object.keys(w.extraHosts ?? {});
    if (hosts.length) {
      ctx.warnings.push({
        id: WarningIds.EXTRA_HOSTS_LOCAL_ONLY,
        path: w.path,
        message: `extraHosts of '${w.name}' (${hosts.join(', ')}) are in /etc/hosts of the local twin only: Fargate (awsvpc) has no extra hosts, so the cloud twin cannot resolve those names; give the cloud twin their addresses another way (an environment variable, a DNS record)`,
      });
    }
    const udp = w.ports.filter((p) => p.protocol === 'udp');
    if (udp.length) {
      ctx.warnings.push({
        id: WarningIds.UDP_PORT,
        path: w.path,
        message: `UDP port${udp.length === 1 ? '' : 's'} ${udp.map((p) => p.containerPort).join(', ')} of '${w.name}' ${udp.length === 1 ? 'has' : 'have'} no Service Connect name in the cloud twin (Service Connect carries TCP only), so other services reach ${udp.length === 1 ? 'it' : 'them'} as ${w.name}:<port> only locally`,
      });
    }
  }
  for (const lb of app.loadBalancers) {
    for (const route of lb.routes) {
      const port = workloads.get(route.service)?.ports.find((p) => p.containerPort === route.port);
      if (port?.protocol === 'udp') ctx.errors.push(routeToUdpPort(route.path, route.port, route.service));
    }
  }
}
