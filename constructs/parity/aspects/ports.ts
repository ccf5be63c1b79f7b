import type { CloudContainer } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';
import { DEFAULT_LOCAL_HOST_IP } from '../../model/spec';

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
    const where = hostAddressProblem(ctx, p.hostIp);
    const shown = `${p.hostIp ?? '*'}:${p.host}:${p.container}`;
    out.push(
      !ok
        ? problem(
            name,
            `hostPorts[${p.container}]`,
            'not published',
            shown,
            'the model declares no such host port',
          )
        : where
          ? problem(name, `hostPorts[${p.container}]`, 'not published', shown, where)
          : standIn(
              name,
              `hostPorts[${p.container}]`,
              'not published',
              shown,
              'host-port',
              'published on the developer’s machine only, as the model declares',
            ),
    );
  }
  return out;
}

/**
 * Why a published port's address differs from the application's `localHostIp`, or undefined when it
 * listens where the model says (without a model, there is nothing to compare).
 */
export function hostAddressProblem(ctx: ParityContext, hostIp: string | undefined): string | undefined {
  if (!ctx.spec) return undefined;
  const expected = ctx.spec.localHostIp ?? DEFAULT_LOCAL_HOST_IP;
  if (hostIp === expected) return undefined;
  return hostIp === undefined
    ? `published on every interface, where the model's localHostIp is ${expected}`
    : `published on ${hostIp}, where the model's localHostIp is ${expected}`;
}
