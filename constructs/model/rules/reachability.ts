import { byName } from '../order';
import type { RuleContext } from './context';
import { WarningIds } from './problems';

/** `text` as a regular expression that matches it literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Warns of a workload whose environment names another service's endpoint (`<service>:<port>`, what
 * `service.endpoint()` returns) without depending on that service: the cloud twin's security group of the
 * service admits only its dependents and the load balancer, and the local twin gives the two no shared
 * network, so the call fails in both twins.
 */
export function checkEndpointReach(ctx: RuleContext): void {
  const services = ctx.app.workloads.filter((w) => w.kind === 'service' && w.ports.length > 0).sort(byName);
  for (const w of [...ctx.app.workloads].sort(byName)) {
    const depends = new Set(w.dependsOn.map((d) => d.target));
    for (const s of services) {
      if (s.name === w.name || depends.has(s.name)) continue;
      const ports = s.ports.filter((p) => p.protocol !== 'udp').map((p) => p.containerPort);
      if (ports.length === 0) continue;
      const endpoint = new RegExp(`(^|[^A-Za-z0-9_.-])${literally(s.name)}:(${ports.join('|')})(?![0-9])`);
      const keys = Object.entries(w.environment)
        .filter(([, v]) => endpoint.test(v))
        .map(([k]) => k)
        .sort();
      if (keys.length === 0) continue;
      ctx.warnings.push({
        id: WarningIds.ENDPOINT_WITHOUT_DEPENDENCY,
        path: w.path,
        message: `environment ${keys.join(', ')} of '${w.name}' names an endpoint of '${s.name}', which '${w.name}' does not depend on: neither twin lets it connect (the cloud's security group of '${s.name}' admits only its dependents and load balancers; locally the two share no network); add Dependency.started(${s.name}) to '${w.name}'`,
      });
    }
  }
}
