// One measured synthesis, in a fresh process: `node dist/bench/synth-child.js <app> <on|off> [services]`,
// with the built-in CloudFormation validation on or off (`construct` builds the app and stops there).
// Prints one JSON line: time since process start when the modules were loaded, the app constructed and
// synthesized, the peak RSS, the CPU time (user + system) and the number of resources. The parent measures the whole-process wall time.
import { performance } from 'perf_hooks';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { APP_NAMES } from './apps/env';
import { projectRoot } from '../lib/project-root';

const [name, validation, services] = process.argv.slice(2);
if (!(APP_NAMES as readonly string[]).includes(name) || !['on', 'off', 'construct'].includes(validation)) {
  process.stderr.write(`usage: synth-child <${APP_NAMES.join('|')}> <on|off|construct> [services]\n`);
  process.exit(2);
}
// Only the measured variant's modules are loaded.
const { build } = require(`./apps/${name}`) as { build: (app: App, services: number) => Stack }; // eslint-disable-line @typescript-eslint/no-require-imports
const loadedMs = performance.now();
const context = {
  ...JSON.parse(fs.readFileSync(path.join(projectRoot(), 'cdk.json'), 'utf8')).context,
  // From 35 services the scaling apps pass CloudFormation's 500 resources per stack (a deployable app would
  // be split into stacks); the synthesis work is what is measured, so the check is off for both variants.
  '@aws-cdk/core:stackResourceLimit': 0,
};
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-bench-'));
const app = new App({ context, outdir, builtinCloudFormationValidation: validation === 'on' });
const stack = build(app, Number(services ?? 0));
// Likewise the validator's own check of that limit (an error under @aws-cdk/core:validateAgainstDefaultRules).
Validations.of(stack).acknowledge({
  id: 'CloudFormation-Validate::F0007',
  reason: 'benchmark apps measure synthesis past the per-stack resource limit',
});
const constructedMs = performance.now();
const assembly = validation === 'construct' ? undefined : app.synth();
const synthesizedMs = performance.now();
const template = assembly?.getStackArtifact(stack.artifactId).template;
const result = {
  loadedMs,
  constructedMs,
  synthesizedMs,
  maxRssKiB: process.resourceUsage().maxRSS,
  cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  resources: Object.keys(template?.Resources ?? {}).length,
  outdir,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
