#!/usr/bin/env node
import { main } from '../cli/main';

// A reader that stops early (`twinstack import ... | head`) closes the pipe: the output is no longer
// wanted, which is no error of the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: process.stdout,
  err: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
