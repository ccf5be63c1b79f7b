import type { DataServiceKind } from '../spec';
import type { RuleContext } from './context';
import { problem } from './problems';

/** Kinds whose managed service in the cloud accepts plain connections too: a TLS flag could not be true. */
const NOT_TLS_ONLY: readonly DataServiceKind[] = ['postgres', 'mysql', 'mariadb'];

/** Each connection names a data service of the application; a TLS flag only one that is TLS-only in the cloud. */
export function checkConnections(ctx: RuleContext): void {
  const { app } = ctx;
  const dataServices = new Map((app.dataServices ?? []).map((d) => [d.name, d]));
  for (const w of app.workloads) {
    for (const c of w.connections ?? []) {
      const target = dataServices.get(c.target);
      if (!target)
        ctx.errors.push(
          problem(w.path, 'connectTo', c.target, `is not a data service of application '${app.name}'`),
        );
      else if (c.tls && NOT_TLS_ONLY.includes(target.kind))
        ctx.errors.push(
          problem(
            w.path,
            'connectTo.tls',
            c.tls.variable,
            `${target.kind} service '${target.name}' is not TLS-only in the cloud; a TLS flag is for a cache, search domain, message broker or document database`,
          ),
        );
      else if (c.tls && c.tls.cloud === c.tls.local)
        ctx.errors.push(
          problem(w.path, 'connectTo.tls', c.tls.variable, `has the value '${c.tls.cloud}' in both twins`),
        );
    }
  }
}
