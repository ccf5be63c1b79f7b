// `npm run bench:tests`: how long `npm test` takes and what dominates it. Runs its two steps as the script
// does (`tsc --noEmit`, then jest with the project's configuration) and prints each step's wall time and
// jest's time per test file, slowest first. Arguments after `--` go to jest (e.g. `-- --maxWorkers=1`).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectRoot } from '../lib/project-root';

const ROOT = projectRoot();
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

function timed(file: string, args: string[]): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const run = spawnSync(file, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
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
const loadBefore = load();
const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-test-suite-')), 'jest.json');
const tsc = timed(bin('tsc'), ['--noEmit']);
const jest = timed(bin('jest'), ['--json', `--outputFile=${json}`, ...process.argv.slice(2)]);
const results = JSON.parse(fs.readFileSync(json, 'utf8'));
const files = (results.testResults as JestFileResult[])
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
  `npm test on ${os.cpus().length} CPUs, load average before ${loadBefore}, after ${load()}`,
  '',
  '| step | wall s |',
  '| --- | --: |',
  `| tsc --noEmit | ${(tsc.ms / 1000).toFixed(1)} |`,
  `| jest (${results.numTotalTests} tests in ${files.length} files, ${results.numFailedTests} failed) | ${(jest.ms / 1000).toFixed(1)} |`,
  `| total | ${((tsc.ms + jest.ms) / 1000).toFixed(1)} |`,
  '',
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
process.exitCode = tsc.status === 0 && jest.status === 0 ? 0 : 1;
