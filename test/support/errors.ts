import { CfnElement, Stack } from 'aws-cdk-lib';
import { ValidationError } from '../../constructs';

/** Runs `fn` and returns what it threw (undefined when it did not throw). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Describes an outcome so a failing expectation shows what was thrown instead. */
export function kindOf(error: unknown): string {
  if (error === undefined) return 'no error';
  if (error instanceof ValidationError) return 'twinstack ValidationError';
  const e = error as Error;
  return `other error (${e?.constructor?.name}): ${e?.message}`;
}

/** Expects `fn` to throw twinstack's ValidationError whose message holds every fragment. */
export function expectValidationError(fn: () => unknown, ...fragments: string[]): ValidationError {
  const error = thrownBy(fn);
  expect(kindOf(error)).toBe('twinstack ValidationError');
  for (const fragment of fragments) expect((error as ValidationError).message).toContain(fragment);
  return error as ValidationError;
}

/** The logical id of a CloudFormation element, or of the default child of an L2 construct. */
export function logicalId(
  element: CfnElement | { readonly node: { readonly defaultChild?: unknown } },
): string {
  const child = (
    element instanceof CfnElement ? element : (element.node.defaultChild ?? element)
  ) as CfnElement;
  return Stack.of(child).getLogicalId(child);
}
