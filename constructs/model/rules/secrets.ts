import type { SecretReferenceSpec } from '../spec';
import type { RuleContext } from './context';
import { problem } from './problems';

/**
 * Secrets a workload reads are secrets of the application, under variables it does not also set plainly;
 * locally a secret is read from one .env variable, so two secrets (or fields) may not share one: they would
 * silently get the same value, while the cloud twin reads two.
 */
export function checkSecrets(ctx: RuleContext): void {
  const { app, errors } = ctx;
  const secrets = new Set(app.secrets.map((s) => s.name));
  for (const w of app.workloads) {
    for (const [key, ref] of Object.entries(w.secrets)) {
      if (!secrets.has(ref.secret))
        errors.push(
          problem(w.path, `secrets.${key}`, ref.secret, `is not a secret of application '${app.name}'`),
        );
      if (Object.hasOwn(w.environment, key))
        errors.push(
          problem(
            w.path,
            `secrets.${key}`,
            key,
            'is also a plain environment variable; set each variable once',
          ),
        );
    }
  }
  const variables = new Map<string, SecretReferenceSpec>();
  const describe = (r: SecretReferenceSpec) =>
    `secret '${r.secret}'${r.field !== undefined ? ` (field '${r.field}')` : ''}`;
  const claim = (path: string, prop: string, ref: SecretReferenceSpec) => {
    const seen = variables.get(ref.localVariable);
    if (!seen) variables.set(ref.localVariable, ref);
    else if (seen.secret !== ref.secret || seen.field !== ref.field)
      errors.push(
        problem(
          path,
          prop,
          ref.localVariable,
          `is the local variable of ${describe(ref)} and of ${describe(seen)}; locally one variable holds one value, so give one of them another localVariable`,
        ),
      );
  };
  for (const ds of app.dataServices ?? []) {
    for (const [key, ref] of Object.entries(ds.local.secrets)) claim(ds.path, `local.secrets.${key}`, ref);
    if (ds.values.password) claim(ds.path, 'values.password', ds.values.password);
  }
  for (const w of app.workloads) {
    for (const [key, ref] of Object.entries(w.secrets)) claim(w.path, `secrets.${key}`, ref);
  }
}
