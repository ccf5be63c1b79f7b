// One measured import of compose files, in a fresh process: `node dist/bench/import-child.js <file>...`.
// Prints one JSON line: time since process start when the importer's modules were loaded, when the files
// were read, when they were mapped to a plan and when the stack's source was generated, the number of
// services, and the peak RSS. The parent measures the whole-process wall time.
import { performance } from 'perf_hooks';
import { generateStack } from '../cli/import/generate';
import { loadCompose } from '../cli/import/load-compose';
import { mapCompose } from '../cli/import/map-compose';

const files = process.argv.slice(2);
const loadedMs = performance.now();
const model = loadCompose({ files, environment: {} });
const readMs = performance.now();
const { plan } = mapCompose(model, { name: 'bench' });
const mappedMs = performance.now();
const source = generateStack(plan);
const generatedMs = performance.now();
process.stdout.write(
  `${JSON.stringify({ loadedMs, readMs, mappedMs, generatedMs, bytes: source.length, services: Object.keys(model.services).length, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
