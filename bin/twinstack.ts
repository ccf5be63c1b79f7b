#!/usr/bin/env node
import { main } from '../cli/main';

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: process.stdout,
  err: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
