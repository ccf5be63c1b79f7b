import fc from 'fast-check';

/**
 * Runs of each property: the given default, or TWINSTACK_PROPERTY_RUNS when set (`npm run test:properties`
 * sets it so every property runs at least 1,000 cases in CI).
 */
export function runs(byDefault: number): number {
  const fromEnv = Number(process.env.TWINSTACK_PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : byDefault;
}

const tried: string[] = [];

/**
 * Checks `property` like fc.assert (with the seed TWINSTACK_PROPERTY_SEED when set, to replay a failure),
 * and records how many cases were tried; the counts are printed when the
 * file's tests end (see printCases).
 */
export function checkProperty<T>(
  name: string,
  property: fc.IProperty<T>,
  numRuns: number,
  options: { shrink?: boolean } = {},
): void {
  const seed = Number(process.env.TWINSTACK_PROPERTY_SEED);
  const details = fc.check(property, {
    numRuns,
    ...(Number.isInteger(seed) ? { seed } : {}),
    // Shrinking a case drawn with `chain` tries many candidates; such properties report the case as found.
    ...(options.shrink === false ? { endOnFailure: true } : {}),
  });
  tried.push(`${name}: ${details.numRuns} cases${details.failed ? ' (failed)' : ''}, seed ${details.seed}`);
  if (details.failed) {
    const cause = details.errorInstance;
    const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new Error(`${fc.defaultReportMessage(details)}\n\nError of the counterexample:\n${message}`);
  }
}

/** Prints the number of cases each property tried. */
export function printCases(): void {
  if (tried.length) process.stdout.write(`\nproperty cases tried:\n${tried.map((t) => `  ${t}\n`).join('')}`);
}
