import type { RuleContext } from './context';
import { problem } from './problems';

/** Each connection names a data service of the application. */
export function checkConnections(ctx: RuleContext): void {
  const { app } = ctx;
  const dataServices = new Set((app.dataServices ?? []).map((d) => d.name));
  for (const w of app.workloads) {
    for (const c of w.connections ?? []) {
      if (!dataServices.has(c.target))
        ctx.errors.push(
          problem(w.path, 'connectTo', c.target, `is not a data service of application '${app.name}'`),
        );
    }
  }
}
