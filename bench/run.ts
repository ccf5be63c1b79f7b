// `npm run bench`: synthesis time and memory of twinstack against the same apps written by hand with
// aws-cdk-lib, how both grow with the number of services, and how long `twinstack compose` takes.
// Every measurement is a fresh Node process running compiled JavaScript from dist/ (the npm script
// compiles once, before measuring). Runs of the two variants alternate, after a warm-up of each.
//
//   npm run bench                                  everything, with the default number of runs
//   npm run bench -- --only compose --runs 9       one section, more runs
//   npm run bench -- --sizes 1,10,50 --runs 3      a shorter scaling series
//   npm run bench -- --only import                 importing a 60- and a 200-service compose file
//   npm run bench -- --only dev                    the twinstack dev loop: warm regenerations and memory
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { projectRoot } from '../lib/project-root';
import { writeComposeProject } from './compose-file';
import { devLoop } from './dev-loop';
import { fitLine, median, summarize, Summary } from './stats';

const ROOT = projectRoot();
const DIST = path.join(ROOT, 'dist');
const CHILD = path.join(DIST, 'bench', 'synth-child.js');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    sizes: { type: 'string', default: '1,10,50,200' },
    out: { type: 'string', default: path.join(DIST, 'bench', 'results.md') },
  },
});
const sections = new Set((options.only ?? 'ecoseller,scaling,compose,import,dev').split(','));
const runsOption = options.runs === undefined ? undefined : Number(options.runs);
const sizes = options.sizes!.split(',').map(Number);

interface Sample {
  /** Whole-process wall time, ms. */
  readonly wallMs: number;
  /** Peak resident set size, MiB (of the process tree, for commands). */
  readonly rssMiB: number;
  /** Time from process start to modules loaded, app constructed, app synthesized (synth runs only). */
  readonly loadedMs?: number;
  readonly constructedMs?: number;
  readonly synthesizedMs?: number;
  /** CPU time of the process, user + system, ms (synth runs only). */
  readonly cpuMs?: number;
  readonly resources?: number;
}

const report: string[] = [];
function print(line = ''): void {
  process.stdout.write(`${line}\n`);
  report.push(line);
}

function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** The end of a failed run's output, without the minified source lines Node prints with a stack. */
function tail(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.length < 2000)
    .slice(-40)
    .join('\n');
}

/** Runs `node dist/bench/synth-child.js ...` and reads its report. */
function synth(app: string, validation: 'on' | 'off' | 'construct', services = 0): Sample {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CHILD, app, validation, String(services)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${app} ${validation} ${services} failed:\n${tail(run.stderr)}`);
  const child = JSON.parse(run.stdout.trim().split('\n').pop()!);
  fs.rmSync(child.outdir, { recursive: true, force: true });
  return { ...child, wallMs, rssMiB: child.maxRssKiB / 1024 };
}

/** Runs a command line (through /usr/bin/time for the peak RSS of its process tree, when present). */
function command(argv: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const [file, args] = TIME ? [TIME, ['-f', '%M', ...argv]] : [argv[0], argv.slice(1)];
  const start = process.hrtime.bigint();
  const run = spawnSync(file, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${tail(run.stderr)}`);
  const rssKiB = TIME ? Number(run.stderr.trim().split('\n').pop()) : NaN;
  return { wallMs, rssMiB: rssKiB / 1024 };
}

const ms = (x: number) => `${Math.round(x)}`;
const mb = (x: number) => `${Math.round(x)}`;
const spread = (s: Summary, f: (x: number) => string) => `${f(s.min)}–${f(s.max)}`;
const iqr = (s: Summary, f: (x: number) => string) => `${f(s.q1)}–${f(s.q3)}`;

/** Measures a and b alternately: a warm-up of each, then `runs` pairs, the order swapped every pair. */
function pairs(runs: number, a: () => Sample, b: () => Sample): { a: Sample[]; b: Sample[] } {
  a();
  b();
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      as.push(a());
      bs.push(b());
    } else {
      bs.push(b());
      as.push(a());
    }
  }
  return { a: as, b: bs };
}

function ecoseller(runs: number): void {
  print('## Largest example (Ecoseller): twinstack (a) against hand-written aws-cdk-lib (b)');
  print();
  print(
    `Fresh process per synthesis; warm-up of each, then ${runs} alternating pairs. (a) synthesizes both twins ` +
      'and runs the parity check; (b) synthesizes the template. Times in ms, memory is peak RSS in MiB.',
  );
  for (const validation of ['on', 'off'] as const) {
    print();
    print(`### CloudFormation validation ${validation} (load before: ${load()})`);
    const { a, b } = pairs(
      runs,
      () => synth('ecoseller-twinstack', validation),
      () => synth('ecoseller-hand-written', validation),
    );
    print();
    print(
      '| variant | resources | wall median | min–max | IQR | CPU median | construct | synth | peak RSS median | min–max |',
    );
    print('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
    for (const [label, samples] of [
      ['(a) twinstack', a],
      ['(b) hand-written', b],
    ] as const) {
      const wall = summarize(samples.map((s) => s.wallMs));
      const rss = summarize(samples.map((s) => s.rssMiB));
      const construct = median(samples.map((s) => s.constructedMs! - s.loadedMs!));
      const synthesis = median(samples.map((s) => s.synthesizedMs! - s.constructedMs!));
      const cpu = median(samples.map((s) => s.cpuMs!));
      print(
        `| ${label} | ${samples[0].resources} | ${ms(wall.median)} | ${spread(wall, ms)} | ${iqr(wall, ms)} | ${ms(cpu)} | ${ms(construct)} | ${ms(synthesis)} | ${mb(rss.median)} | ${spread(rss, mb)} |`,
      );
    }
    const wallRatios = a.map((s, i) => s.wallMs / b[i].wallMs);
    const rssRatios = a.map((s, i) => s.rssMiB / b[i].rssMiB);
    const w = summarize(wallRatios);
    const r = summarize(rssRatios);
    print();
    print(
      `a/b wall time per pair: ${wallRatios.map((x) => x.toFixed(2)).join(', ')} — median **${w.median.toFixed(2)}** (${w.min.toFixed(2)}–${w.max.toFixed(2)})`,
    );
    print(
      `a/b peak RSS per pair: ${rssRatios.map((x) => x.toFixed(2)).join(', ')} — median **${r.median.toFixed(2)}** (${r.min.toFixed(2)}–${r.max.toFixed(2)})`,
    );
    const cpuRatios = a.map((s, i) => s.cpuMs! / b[i].cpuMs!);
    const c = summarize(cpuRatios);
    print(
      `a/b CPU time per pair: ${cpuRatios.map((x) => x.toFixed(2)).join(', ')} — median **${c.median.toFixed(2)}** (${c.min.toFixed(2)}–${c.max.toFixed(2)})`,
    );
    print(
      `ratio of the wall-time medians: ${(median(a.map((s) => s.wallMs)) / median(b.map((s) => s.wallMs))).toFixed(2)}`,
    );
  }
  print();
}

function scaling(runs: number): void {
  print('## Scaling: N services, each with a health check, a route and a connection to a shared database');
  print();
  print(`Warm-up of each variant at each size, then ${runs} alternating runs. Medians.`);
  for (const validation of ['on', 'off'] as const) {
    print();
    print(`### CloudFormation validation ${validation} (load before: ${load()})`);
    print();
    print(
      '| N | twinstack wall ms (min–max) | hand-written wall ms (min–max) | a/b | CPU ms a / b | twinstack RSS MiB | hand-written RSS MiB | resources a / b |',
    );
    print('| --: | --: | --: | --: | --: | --: | --: | --: |');
    const medians: Record<'a' | 'b', { wall: number[]; rss: number[]; cpu: number[] }> = {
      a: { wall: [], rss: [], cpu: [] },
      b: { wall: [], rss: [], cpu: [] },
    };
    for (const n of sizes) {
      const { a, b } = pairs(
        runs,
        () => synth('scaling-twinstack', validation, n),
        () => synth('scaling-hand-written', validation, n),
      );
      const wa = summarize(a.map((s) => s.wallMs));
      const wb = summarize(b.map((s) => s.wallMs));
      const ra = median(a.map((s) => s.rssMiB));
      const rb = median(b.map((s) => s.rssMiB));
      medians.a.wall.push(wa.median);
      medians.b.wall.push(wb.median);
      medians.a.rss.push(ra);
      medians.b.rss.push(rb);
      const ca = median(a.map((s) => s.cpuMs!));
      const cb = median(b.map((s) => s.cpuMs!));
      medians.a.cpu.push(ca);
      medians.b.cpu.push(cb);
      print(
        `| ${n} | ${ms(wa.median)} (${spread(wa, ms)}) | ${ms(wb.median)} (${spread(wb, ms)}) | ${(wa.median / wb.median).toFixed(2)} | ${ms(ca)} / ${ms(cb)} | ${mb(ra)} | ${mb(rb)} | ${a[0].resources} / ${b[0].resources} |`,
      );
    }
    print();
    print(
      '| variant | wall ms per service (slope) | intercept ms | R² | CPU ms per service (slope) | R² | MiB per service (slope) | R² | per-service cost N=' +
        `${sizes[0]}→${sizes[sizes.length - 1]}` +
        ' (wall, CPU, RSS) |',
    );
    print('| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
    const last = sizes.length - 1;
    const intervals: string[] = [];
    for (const [label, m] of [
      ['twinstack', medians.a],
      ['hand-written', medians.b],
    ] as const) {
      const wall = fitLine(sizes, m.wall);
      const cpu = fitLine(sizes, m.cpu);
      const rss = fitLine(sizes, m.rss);
      const per = (v: number[]) => (v[last] - v[0]) / (sizes[last] - sizes[0]);
      // The cost per service between consecutive sizes: a linear growth keeps it flat.
      const steps = sizes
        .slice(1)
        .map((n, i) => `${sizes[i]}→${n}: ${((m.wall[i + 1] - m.wall[i]) / (n - sizes[i])).toFixed(1)}`);
      intervals.push(`${label}: wall ms per service ${steps.join(', ')}`);
      print(
        `| ${label} | ${wall.slope.toFixed(1)} | ${ms(wall.intercept)} | ${wall.r2.toFixed(4)} | ${cpu.slope.toFixed(1)} | ${cpu.r2.toFixed(4)} | ${rss.slope.toFixed(2)} | ${rss.r2.toFixed(4)} | ${per(m.wall).toFixed(1)} ms, ${per(m.cpu).toFixed(1)} ms, ${per(m.rss).toFixed(2)} MiB |`,
      );
    }
    print();
    for (const line of intervals) print(line);
  }
  print();
}

function compose(runs: number): void {
  const twinstack = path.join(DIST, 'bin', 'twinstack.js');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-bench-compose-'));
  const cdk = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  print('## The local twin alone: regenerating the compose file');
  print();
  print(
    `Whole process, warm-up then ${runs} runs each (load before: ${load()}). Peak RSS of the process tree.`,
  );
  print();
  print('| what | command | wall median ms | min–max | peak RSS MiB |');
  print('| --- | --- | --: | --: | --: |');
  const rows: [string, string, () => Sample][] = [
    [
      'compose, examples app (4 stacks)',
      // The built app itself, as `npm run compose` runs it: cdk.json's app would compile first.
      'node dist/bin/twinstack.js compose --stack Ecoseller --app "node dist/bin/app.js"',
      () =>
        command([
          process.execPath,
          twinstack,
          'compose',
          '--stack',
          'Ecoseller',
          '--app',
          `node ${path.join(DIST, 'bin', 'app.js')}`,
          '-o',
          path.join(out, 'a.yml'),
        ]),
    ],
    [
      'compose, Ecoseller-only app',
      'node dist/bin/twinstack.js compose --app "node dist/bench/apps/ecoseller-app.js"',
      () =>
        command([
          process.execPath,
          twinstack,
          'compose',
          '--app',
          `node ${path.join(DIST, 'bench', 'apps', 'ecoseller-app.js')}`,
          '-o',
          path.join(out, 'b.yml'),
        ]),
    ],
    [
      'floor: construct hand-written Ecoseller, no synth',
      'node dist/bench/synth-child.js ecoseller-hand-written construct',
      () => synth('ecoseller-hand-written', 'construct'),
    ],
    [
      'floor: construct twinstack Ecoseller, no synth',
      'node dist/bench/synth-child.js ecoseller-twinstack construct',
      () => synth('ecoseller-twinstack', 'construct'),
    ],
    [
      'full synth of the examples app (what compose did before)',
      'CDK_VALIDATION=false node dist/bin/app.js',
      () =>
        command([process.execPath, path.join(DIST, 'bin', 'app.js')], {
          CDK_OUTDIR: fs.mkdtempSync(path.join(out, 'synth-')),
          CDK_VALIDATION: 'false',
          CDK_CONTEXT_JSON: JSON.stringify(
            JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context,
          ),
        }),
    ],
    [
      'cdk synth of the examples app',
      'npx cdk synth --quiet --no-notices',
      () =>
        command([
          process.execPath,
          cdk,
          'synth',
          '--quiet',
          '--no-notices',
          '-o',
          fs.mkdtempSync(path.join(out, 'cdk-')),
        ]),
    ],
  ];
  for (const [what, line, run] of rows) {
    run();
    const samples = Array.from({ length: what.startsWith('cdk synth') ? Math.min(runs, 3) : runs }, run);
    const wall = summarize(samples.map((s) => s.wallMs));
    const rss = median(samples.map((s) => s.rssMiB));
    print(
      `| ${what} | \`${line}\` | ${ms(wall.median)} | ${spread(wall, ms)} | ${Number.isNaN(rss) ? 'n/a' : mb(rss)} |`,
    );
  }
  fs.rmSync(out, { recursive: true, force: true });
  print();
}

function importing(runs: number): void {
  const child = path.join(DIST, 'bench', 'import-child.js');
  print('## twinstack import');
  print();
  print(
    `A generated project (bench/compose-file.ts) imported in a fresh process (read, mapped to a plan, the stack's ` +
      `source generated; no file written): warm-up then ${runs} runs ` +
      `(load before: ${load()}). The target is under 1 s for the whole import of 60 services.`,
  );
  print();
  print(
    '| services | wall median ms | min–max | modules loaded ms | read ms | mapped ms | generated ms | peak RSS MiB |',
  );
  print('| --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const n of [60, 200]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-bench-import-'));
    const files = writeComposeProject(dir, n);
    const run = () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [child, ...files], { encoding: 'utf8' });
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) throw new Error(`import-child ${n} failed:\n${tail(r.stderr)}`);
      const out = JSON.parse(r.stdout.trim());
      if (out.services !== n) throw new Error(`import-child read ${out.services} services of ${n}`);
      return { wallMs, ...out } as {
        wallMs: number;
        loadedMs: number;
        readMs: number;
        mappedMs: number;
        generatedMs: number;
        maxRssKiB: number;
      };
    };
    run();
    const samples = Array.from({ length: runs }, run);
    const wall = summarize(samples.map((s) => s.wallMs));
    print(
      `| ${n} | ${ms(wall.median)} | ${spread(wall, ms)} | ${ms(median(samples.map((s) => s.loadedMs)))} | ${ms(median(samples.map((s) => s.readMs - s.loadedMs)))} | ${ms(median(samples.map((s) => s.mappedMs - s.readMs)))} | ${ms(median(samples.map((s) => s.generatedMs - s.mappedMs)))} | ${mb(median(samples.map((s) => s.maxRssKiB / 1024)))} |`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  print();
}

print(`# twinstack benchmark, ${new Date().toISOString()}`);
print();
print(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average ${load()}`,
);
print();
async function main(): Promise<void> {
  if (sections.has('ecoseller')) ecoseller(runsOption ?? 7);
  if (sections.has('scaling')) scaling(runsOption ?? 3);
  if (sections.has('compose')) compose(runsOption ?? 7);
  if (sections.has('import')) importing(runsOption ?? 7);
  if (sections.has('dev')) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-bench-dev-cold-'));
    await devLoop({
      root: ROOT,
      print,
      regenerations: 200,
      coldRuns: runsOption ?? 7,
      coldCompose: () =>
        command([
          process.execPath,
          path.join(DIST, 'bin', 'twinstack.js'),
          'compose',
          '--app',
          `node ${path.join(DIST, 'bench', 'apps', 'ecoseller-app.js')}`,
          '-o',
          path.join(out, 'cold.yml'),
        ]).wallMs,
    });
    fs.rmSync(out, { recursive: true, force: true });
  }
  print(`load average at the end: ${load()}`);
  fs.mkdirSync(path.dirname(options.out!), { recursive: true });
  fs.writeFileSync(options.out!, `${report.join('\n')}\n`);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), options.out!)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
