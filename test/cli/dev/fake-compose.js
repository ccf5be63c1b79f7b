/* A stand-in for Compose v2 in the compose session's tests: records each run in calls.jsonl of
 * FAKE_COMPOSE_DIR and behaves as the files there say. */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const dir = process.env.FAKE_COMPOSE_DIR;
const argv = process.argv.slice(2);
const command = argv.find((a) => ['version', 'up', 'down', 'watch', 'logs', 'ps'].includes(a));
const control = (name) => path.join(dir, name);
const has = (name) => fs.existsSync(control(name));
const record = (entry) =>
  fs.appendFileSync(control('calls.jsonl'), `${JSON.stringify({ command, pid: process.pid, ...entry })}\n`);
const stayAlive = () => setInterval(() => undefined, 1000);

record({ argv, cwd: process.cwd() });
process.on('SIGTERM', () => {
  record({ event: 'terminated' });
  // As Compose does when it is interrupted.
  process.stderr.write('canceled\n');
  process.exit(143);
});

switch (command) {
  case 'version':
    process.stdout.write(
      has('version.txt')
        ? fs.readFileSync(control('version.txt'), 'utf8')
        : 'Docker Compose version v2.26.1\n',
    );
    break;
  case 'up':
    process.stderr.write('\x1b[2K Image web  Building\n');
    if (has('up.sleep')) {
      stayAlive();
    } else if (has('up.fail')) {
      process.stderr.write(fs.readFileSync(control('up.fail'), 'utf8'));
      process.exitCode = 1;
    } else {
      process.stderr.write(' Container demo-web-1  Started\n');
    }
    break;
  case 'watch':
    process.stdout.write('\x1b[2KWatch enabled\n');
    if (has('watch.exit')) {
      process.stderr.write('watch: the watcher failed\n');
      process.exitCode = Number(fs.readFileSync(control('watch.exit'), 'utf8'));
    } else {
      stayAlive();
    }
    break;
  case 'ps':
    process.stdout.write(has('ps.txt') ? fs.readFileSync(control('ps.txt'), 'utf8') : '0123abcd\n');
    break;
  case 'logs': {
    if (has('logs.exit-always')) {
      // What Compose prints when the last container stops, and then it ends.
      process.stdout.write('web-1 exited with code 0\n');
      break;
    }
    process.stdout.write('\x1b[2Kweb-1  | hello from web\r\n');
    if (has('logs.recreate-once')) {
      // What Compose says when watch replaced a container; with podman it then misses its first lines.
      fs.rmSync(control('logs.recreate-once'));
      setTimeout(() => process.stdout.write('web-1 exited with code 137\nweb-1 has been recreated\n'), 200);
    }
    if (has('logs.exit-once')) {
      // What Compose says with podman when watch replaced the container it followed.
      fs.rmSync(control('logs.exit-once'));
      process.stdout.write('web-1 exited with code 137\n');
      process.stderr.write(
        'Error response from daemon: container 1f47 does not exist in database: no such container\n',
      );
      process.exitCode = 1;
      break;
    }
    // Something Compose would have started: it must end with the session too.
    const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], {
      stdio: 'ignore',
    });
    record({ event: 'grandchild', grandchild: grandchild.pid });
    stayAlive();
    break;
  }
  case 'down':
    process.stderr.write(' Container demo-web-1  Removed\n');
    break;
  default:
    process.stderr.write(`fake compose: unknown command ${argv.join(' ')}\n`);
    process.exitCode = 2;
}
