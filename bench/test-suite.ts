// `npm run bench:tests`: how long `npm test` takes and what dominates it. Runs the steps of the `test`
// script of package.json as written (type-checking, then jest), twice: cold, as on a fresh clone (no
// TypeScript build info, jest's transform cache cleared), then warm, as on a developer's next run. Prints
// each step's wall time and, for the warm run, jest's time per test file, slowest first. Arguments after
// `--` go to jest (e.g. `-- --maxWorkers=1`).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectRoot } from '../lib/project-root';

const ROOT = projectRoot();
const BIN = path.join(ROOT, 'node_modules', '.bin');

function timed(command: string): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, {
    cwd: ROOT,
    shell: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH}` },
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: run.status };
}

interface JestFileResult {
  readonly name: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly assertionResults: { readonly duration?: number | null }[];
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.test;
const steps = script.split('&&').map((s) => s.trim());
const jestStep = steps.findIndex((s) => /^jest\b/.test(s));
if (jestStep < 0) throw new Error(`the test script runs no jest: ${script}`);
const buildInfo = /--tsBuildInfoFile\s+(\S+)/.exec(script)?.[1];

function runTests(kind: 'cold' | 'warm') {
  if (kind === 'cold') {
    if (buildInfo) fs.rmSync(path.join(ROOT, buildInfo), { force: true });
    timed('jest --clearCache');
  }
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-test-suite-')), 'jest.json');
  const loadBefore = load();
  const times = steps.map((step, i) =>
    timed(
      i === jestStep ? `${step} --json --outputFile=${json} ${process.argv.slice(2).join(' ')}`.trim() : step,
    ),
  );
  return { kind, times, loadBefore, loadAfter: load(), results: JSON.parse(fs.readFileSync(json, 'utf8')) };
}

const runs = [runTests('cold'), runTests('warm')];
const warm = runs[1];
const files = (warm.results.testResults as JestFileResult[])
  .map((f) => ({
    file: path.relative(ROOT, f.name),
    seconds: (f.endTime - f.startTime) / 1000,
    tests: f.assertionResults.length,
    inTests: f.assertionResults.reduce((s, a) => s + (a.duration ?? 0), 0) / 1000,
  }))
  .sort((a, b) => b.seconds - a.seconds);
const sum = files.reduce((s, f) => s + f.seconds, 0);
const inTests = files.reduce((s, f) => s + f.inTests, 0);

const lines = [
  `npm test (\`${script}\`) on ${os.cpus().length} CPUs`,
  '',
  `| run | ${steps.map((s) => s.split(' ')[0]).join(' s | ')} s | total s | load average before / after |`,
  `| --- | ${steps.map(() => '--:').join(' | ')} | --: | --- |`,
  ...runs.map(
    (r) =>
      `| ${r.kind} | ${r.times.map((t) => seconds(t.ms)).join(' | ')} | ${seconds(r.times.reduce((s, t) => s + t.ms, 0))} | ${r.loadBefore} / ${r.loadAfter} |`,
  ),
  '',
  `Warm run: ${warm.results.numTotalTests} tests in ${files.length} files, ${warm.results.numFailedTests} failed. ` +
    `Sum of the files' times ${sum.toFixed(1)} s, of which ${inTests.toFixed(1)} s inside tests and ` +
    `${(sum - inTests).toFixed(1)} s loading modules and in beforeAll (shared synths).`,
  '',
  '| test file | s | tests | s inside tests |',
  '| --- | --: | --: | --: |',
  ...files
    .slice(0, 15)
    .map((f) => `| ${f.file} | ${f.seconds.toFixed(1)} | ${f.tests} | ${f.inTests.toFixed(1)} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = runs.every((r) => r.times.every((t) => t.status === 0)) ? 0 : 1;
