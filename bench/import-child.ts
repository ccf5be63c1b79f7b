// One measured load of compose files, in a fresh process: `node dist/bench/import-child.js <file>...`.
// Prints one JSON line: time since process start when the loader's modules were loaded and when the files
// were loaded, the number of services, and the peak RSS. The parent measures the whole-process wall time.
import { performance } from 'perf_hooks';
import { loadCompose } from '../cli/import/load-compose';

const files = process.argv.slice(2);
const loadedMs = performance.now();
const model = loadCompose({ files, environment: {} });
const readMs = performance.now();
process.stdout.write(
  `${JSON.stringify({ loadedMs, readMs, services: Object.keys(model.services).length, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
