import type { CloudContainer } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';

/**
 * Compares the ports a service listens on (container port mappings in the cloud, exposed and published
 * ports locally) and the host ports it is published on, which only the local twin has.
 */
export function comparePorts(
  ctx: ParityContext,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const published = local.published;
  const localPorts = [...new Set([...local.exposed, ...published.map((p) => p.container)])].sort(
    (a, b) => a - b,
  );
  const cloudPorts = [...new Set(c.ports)].sort((a, b) => a - b);
  for (const p of new Set([...cloudPorts, ...localPorts])) {
    if (!cloudPorts.includes(p))
      out.push(
        problem(
          name,
          `ports[${p}]`,
          undefined,
          String(p),
          'the local twin listens on a port the cloud twin does not map',
        ),
      );
    else if (!localPorts.includes(p))
      out.push(
        problem(
          name,
          `ports[${p}]`,
          String(p),
          undefined,
          'the cloud twin maps a port the local twin does not expose',
        ),
      );
  }
  if (out.length === 0 && cloudPorts.length)
    out.push(same(name, 'ports', cloudPorts.join(', '), localPorts.join(', ')));
  const declared = ctx.spec?.workloads.find((w) => w.name === name)?.ports;
  for (const p of published) {
    const ok =
      declared === undefined ||
      declared.some((d) => d.containerPort === p.container && d.hostPort === p.host);
    out.push(
      ok
        ? standIn(
            name,
            `hostPorts[${p.container}]`,
            'not published',
            `${p.host}:${p.container}`,
            'host-port',
            'published on the developer’s machine only, as the model declares',
          )
        : problem(
            name,
            `hostPorts[${p.container}]`,
            'not published',
            `${p.host}:${p.container}`,
            'the model declares no such host port',
          ),
    );
  }
  return out;
}
