import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import * as ts from 'typescript';
import { ValidationError } from '../../constructs/errors';
import { ParityError } from '../../constructs/parity/parity-error';
import type { ParityDifference, ParityReport } from '../../constructs/parity/parity-report';
import { PROJECT_ROOT } from '../support/test-app';

const PROBLEMS = [
  {
    path: 'Shop/shop/api',
    prop: 'cpu',
    value: '300',
    message: 'is not a Fargate size; use 256, 512 or 1024',
  },
  { path: 'Shop/shop/worker', prop: 'dependsOn[0]', value: '"db"', message: 'is not part of application' },
];

/** A report with `n` errors spread over ten services, each with long values, and many fields the same. */
function bigReport(n: number): ParityReport {
  const errors: ParityDifference[] = Array.from({ length: n }, (_, i) => ({
    service: `service-${i % 10}`,
    field: `environment.VARIABLE_${i}`,
    cloud: 'c'.repeat(500),
    local: undefined,
    kind: 'error',
    reason: 'the local twin does not set it',
  }));
  const same = Array.from({ length: 600 }, (_, i) => ({
    service: `service-${i % 10}`,
    field: `command.${i}`,
    cloud: 'x',
    local: 'x',
    kind: 'same' as const,
  }));
  return { application: 'shop', entries: [...same, ...errors], differences: errors, errors, notes: [] };
}

/**
 * Runs `body` as a Node script that can require `./lib/errors` and `./lib/parity/parity-error` (the two
 * source files, transpiled) and read `./report.json`: the errors reach Node uncaught as they do under
 * `cdk synth` (node dist/bin/app.js).
 */
function runUncaught(body: string, report?: ParityReport): { stderr: string; status: number | null } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-errors-'));
  const transpile = (source: string, target: string) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, source), 'utf8');
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.writeFileSync(path.join(dir, target), js);
  };
  transpile('constructs/errors.ts', 'lib/errors.js');
  transpile('constructs/parity/parity-error.ts', 'lib/parity/parity-error.js');
  if (report) fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  fs.writeFileSync(path.join(dir, 'main.js'), body);
  const result = spawnSync(process.execPath, [path.join(dir, 'main.js')], { cwd: dir, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { stderr: result.stderr, status: result.status };
}

describe('an uncaught error prints as its message, not as an object dump', () => {
  test('ValidationError', () => {
    const { stderr, status } = runUncaught(`
      const { ValidationError } = require('./lib/errors');
      const problems = ${JSON.stringify(PROBLEMS)};
      throw new ValidationError(problems);
    `);
    expect(status).not.toBe(0);
    expect(stderr).toContain('ValidationError: 2 problems in the application model:');
    expect(stderr).toContain('Shop/shop/api: cpu 300 is not a Fargate size; use 256, 512 or 1024');
    expect(stderr).toContain('Shop/shop/worker: dependsOn[0] "db" is not part of application');
    expect(stderr).not.toContain('problems: [');
    expect(stderr).not.toMatch(/^\s*\{\s*$|^\s*path: '/m);
    // Where the user's code threw it, not the library's frames.
    expect(stderr).toMatch(/\n {4}at .*main\.js:4:\d+\)?\n/);
    expect(stderr).not.toMatch(/at .*lib[/\\]errors\.js/);
    expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(12);
  });

  test('ParityError with hundreds of errors', () => {
    const { stderr, status } = runUncaught(
      `
      const { ParityError } = require('./lib/parity/parity-error');
      throw new ParityError(require('./report.json'), 'stack Shop');
    `,
      bigReport(300),
    );
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      "ParityError: 300 parity errors between the twins of application 'shop' (stack Shop):",
    );
    expect(stderr).toContain("service 'service-0': environment.VARIABLE_0: cloud ccc");
    expect(stderr).toContain('... and 280 more errors in 10 services');
    expect(stderr).toContain('Run `twinstack parity` for the full report.');
    expect(stderr).not.toContain('report: {');
    expect(stderr).not.toContain('errors: [');
    expect(stderr).not.toContain('c'.repeat(100));
    expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(35);
  });
});

describe('util.inspect shows the message and where it was thrown', () => {
  test('ValidationError', () => {
    const error = new ValidationError(PROBLEMS);
    const text = inspect(error);
    expect(text.split('\n')[0]).toBe('ValidationError: 2 problems in the application model:');
    expect(text).toContain('  - Shop/shop/api: cpu 300 is not a Fargate size; use 256, 512 or 1024');
    expect(text).toMatch(/\n {4}at .*error-printing\.test\.ts/);
    expect(text).not.toContain('problems:');
    expect(text.split('\n')).toHaveLength(4);
    // The problems stay readable as a property.
    expect(error.problems).toEqual(PROBLEMS);
    expect(error.path).toBe('Shop/shop/api');
  });

  test('ParityError', () => {
    const report = bigReport(3);
    const error = new ParityError(report);
    const text = inspect(error);
    expect(text.split('\n')[0]).toBe("ParityError: 3 parity errors between the twins of application 'shop':");
    expect(text).not.toContain('report:');
    expect(text).toContain('(0 declared stand-ins, 600 fields the same.)');
    expect(text.split('\n').length).toBeLessThanOrEqual(8);
    expect(error.errors).toBe(report.errors);
    expect(error.report).toBe(report);
    expect(Object.keys(error)).not.toContain('errors');
    expect(Object.keys(error)).not.toContain('report');
  });
});
