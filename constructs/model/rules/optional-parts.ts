import { compareStrings } from '../order';
import type { RuleContext } from './context';
import { problem } from './problems';

/** Each optional part the cloud twin includes is the profile of some workload. */
export function checkOptionalParts(ctx: RuleContext): void {
  const { app } = ctx;
  const declared = [
    ...new Set(app.workloads.flatMap((w) => (w.profile !== undefined ? [w.profile] : []))),
  ].sort(compareStrings);
  for (const p of [...new Set(app.profiles ?? [])].sort(compareStrings)) {
    if (declared.includes(p)) continue;
    ctx.errors.push(
      problem(
        app.path,
        'profiles',
        p,
        `is not the profile of any workload; ${declared.length ? `the profiles are ${declared.join(', ')}` : 'no workload has a profile'}`,
      ),
    );
  }
}
