import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { ValidationError } from '../../constructs';
import { testApp } from '../support/test-app';
import { InvalidCase, invalidCaseArb } from './invalid-plans';
import { buildApplication } from './model-plan';
import { checkProperty, printCases, runs } from './runs';

/**
 * Random invalid applications (a valid one with one rule broken: bad sizes, cycles, references to another
 * application, bad names, out-of-range numbers, empty strings, unicode, conditions that cannot hold) are
 * always rejected with the library's ValidationError naming the construct and the prop: while the
 * constructs are built, or by the whole-model rules when the local twin is rendered. Never another
 * exception type, never accepted.
 */

const OUT = path.resolve('/projects/prop');

afterAll(printCases);

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e);
}

function checkRejected(c: InvalidCase): void {
  let error: unknown;
  try {
    const { application } = buildApplication(new Stack(testApp(), 'Prop'), c.plan);
    application.renderLocalTwin(OUT);
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`accepted: ${c.rule}`);
  if (!(error instanceof ValidationError)) {
    throw new Error(`${c.rule}: not a ValidationError but ${describeError(error)}`);
  }
  const named = error.problems.some(
    (p) => c.paths.includes(p.path) && (typeof c.prop === 'string' ? p.prop === c.prop : c.prop.test(p.prop)),
  );
  if (!named) {
    throw new Error(
      `${c.rule}: expected a problem at ${c.paths.join(' or ')} naming ${String(c.prop)}, got:\n${error.message}`,
    );
  }
  expect(error.message).toContain(error.problems[0].path);
  expect(error.message).toContain(error.problems[0].prop);
}

test('invalid models are rejected with a ValidationError naming the construct and the prop', () => {
  checkProperty('invalid models are rejected', fc.property(invalidCaseArb, checkRejected), runs(200), {
    shrink: false,
  });
});
