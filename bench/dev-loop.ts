// The `twinstack dev` loop on the Ecoseller example: how long a regeneration takes from an edit of the
// stack's source to the compose file written, against a cold `twinstack compose` of the same app, and the
// memory of the loop's processes over 200 regenerations.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { devCommand } from '../cli/dev/dev-command';
import { median, summarize, Summary } from './stats';

/** What the section reports through the benchmark's printer. */
export interface DevLoopBench {
  readonly root: string;
  readonly print: (line?: string) => void;
  /** One cold `twinstack compose` of the Ecoseller-only app, whole process: wall ms. */
  readonly coldCompose: () => number;
  readonly regenerations: number;
  readonly coldRuns: number;
}

/** The pieces of the project an app of the examples needs, copied so that the loop edits a copy. */
const COPIED = [
  'constructs',
  'lib',
  'bench/apps',
  'cdk.json',
  'cdk.context.json',
  'package.json',
  'tsconfig.json',
];

/** Resident set size now and at its peak (VmRSS, VmHWM) of process `pid`, MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** The process ids whose parent is this process (the loop's warm app process). */
function children(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

export async function devLoop(bench: DevLoopBench): Promise<void> {
  const { print } = bench;
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-bench-dev-'));
  for (const p of COPIED) fs.cpSync(path.join(bench.root, p), path.join(app, p), { recursive: true });
  fs.symlinkSync(path.join(bench.root, 'node_modules'), path.join(app, 'node_modules'));
  const stackFile = path.join(app, 'lib', 'examples', 'ecoseller', 'ecoseller-stack.ts');
  const original = fs.readFileSync(stackFile, 'utf8');
  const marker = "LOAD_DEMO_DATA: '1'";
  if (!original.includes(marker)) throw new Error(`the Ecoseller stack no longer has ${marker}`);

  let out = '';
  let written: (() => void) | undefined;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const started = process.hrtime.bigint();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const loop = devCommand(
    ['--no-up', '--entry', 'bench/apps/ecoseller-app.ts', '-o', path.join(app, 'docker-compose.yml')],
    {
      cwd: app,
      env: process.env,
      out: {
        write: (t: string) => {
          out += t;
          if (t.startsWith('wrote docker-compose.yml')) written?.();
          if (t.startsWith("watching the app's sources")) ready();
          return true;
        },
      },
      err: { write: (t: string) => process.stderr.write(t) },
    },
    { stopped },
  );
  await isReady;
  const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
  const [warm] = children();
  const memory: { at: number; warm: { rss: number; peak: number }; loop: number }[] = [];
  const times: number[] = [];
  for (let i = 1; i <= bench.regenerations; i++) {
    const done = new Promise<void>((resolve) => (written = resolve));
    const start = process.hrtime.bigint();
    fs.writeFileSync(stackFile, i % 2 === 1 ? original.replace(marker, "LOAD_DEMO_DATA: '0'") : original);
    await done;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    // A developer's edits are seconds apart: the warm process collects its garbage in between.
    await new Promise((r) => setTimeout(r, 300));
    if (i === 1 || i === 50 || i === bench.regenerations)
      memory.push({ at: i, warm: memoryOf(warm), loop: process.memoryUsage().rss / 2 ** 20 });
  }
  stop();
  await loop;
  if (!out.includes('~ backend: environment ~LOAD_DEMO_DATA'))
    throw new Error(`the loop did not report the edit:\n${out.slice(-2000)}`);

  bench.coldCompose();
  const cold = Array.from({ length: bench.coldRuns }, bench.coldCompose);
  const warmSummary = summarize(times);
  const coldSummary = summarize(cold);
  const ratio = warmSummary.median / coldSummary.median;
  const ms = (v: number) => v.toFixed(0);
  const spread = (s: Summary) => `${ms(s.min)}–${ms(s.max)}`;
  print('## twinstack dev: the warm regeneration loop');
  print();
  print(
    `\`twinstack dev --no-up\` on a copy of the Ecoseller-only app (bench/apps/ecoseller-app.ts), run in this process; ` +
      `each regeneration is an edit of lib/examples/ecoseller/ecoseller-stack.ts (an environment value of the backend, ` +
      `toggled) timed from the write to the compose file written, through the file watcher, the warm app process, ` +
      `the render and the summary. ${bench.regenerations} regenerations; the cold figure is ${bench.coldRuns} runs of ` +
      `\`node dist/bin/twinstack.js compose --app "node dist/bench/apps/ecoseller-app.js"\` in the same run. ` +
      'Targets: median ≤ 300 ms and ≤ 0.4 × cold.',
  );
  print();
  print('| what | median ms | p25–p75 | min–max |');
  print('| --- | --: | --: | --: |');
  print(`| first evaluation (loop started, twin written) | ${ms(firstMs)} | — | — |`);
  print(
    `| warm regeneration after an edit | ${ms(warmSummary.median)} | ${ms(warmSummary.q1)}–${ms(warmSummary.q3)} | ${spread(warmSummary)} |`,
  );
  print(
    `| cold \`twinstack compose\` | ${ms(coldSummary.median)} | ${ms(coldSummary.q1)}–${ms(coldSummary.q3)} | ${spread(coldSummary)} |`,
  );
  print();
  print(
    `Warm / cold: **${ratio.toFixed(2)}**; median of the last 50 regenerations ${ms(median(times.slice(-50)))} ms.`,
  );
  print();
  print('| after regeneration | warm app process RSS MiB | its peak RSS MiB | loop process RSS MiB |');
  print('| --: | --: | --: | --: |');
  for (const m of memory)
    print(`| ${m.at} | ${m.warm.rss.toFixed(0)} | ${m.warm.peak.toFixed(0)} | ${m.loop.toFixed(0)} |`);
  print();
  fs.rmSync(app, { recursive: true, force: true });
}
