// The test environment of every jest config: jest's node environment, with
//  - a temporary directory of the test file's own as TMPDIR (os.tmpdir(), and the cdk.out* assemblies of
//    apps without an outdir), removed with everything in it when the file is done;
//  - console output kept back and printed only for a test or hook that fails (and what afterAll hooks
//    print): aws-cdk-lib prints the validation report of every synthesis that a test expects to fail, and
//    a green run shows only jest's summary;
//  - the AWS SDK's notice about future Node.js versions turned off (the README states the Node.js
//    support), so a worker does not print it on stderr.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { format } = require('util');
const { TestEnvironment } = require('jest-environment-node');

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'];

class TwinstackTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    // Set in this process before the base class copies process.env into the test's globals: os.tmpdir()
    // reads this process's environment, the test code and the children it starts read the copy.
    const previousTmpdir = process.env.TMPDIR;
    const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-test-'));
    process.env.TMPDIR = tmpdir;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    super(config, context);
    this.tmpdir = tmpdir;
    this.previousTmpdir = previousTmpdir;
    this.held = [];
  }

  async setup() {
    await super.setup();
    const shown = this.global.console;
    this.shownConsole = shown;
    const held = { ...shown };
    for (const method of CONSOLE_METHODS) held[method] = (...args) => this.held.push({ method, args });
    this.global.console = held;
  }

  /** Prints the output held back since the last test as one block of jest's console, under `title`. */
  show(title) {
    if (this.held.length === 0) return;
    const lines = this.held.map(
      ({ method, args }) => `${method === 'log' ? '' : `[${method}] `}${format(...args)}`,
    );
    this.shownConsole.log(`console output of ${title}:\n${lines.join('\n')}`);
    this.held = [];
  }

  async handleTestEvent(event) {
    if (event.name === 'hook_failure') this.show(`${event.hook.type} hook`);
    if (event.name === 'test_done') {
      if (event.test.errors.length > 0) this.show(fullName(event.test));
      this.held = [];
    }
    // What afterAll hooks printed after the last test: a cleanup's own diagnostics.
    if (event.name === 'run_finish') this.show('the hooks after the last test');
  }

  async teardown() {
    if (this.shownConsole) this.global.console = this.shownConsole;
    await super.teardown();
    if (this.previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.previousTmpdir;
    fs.rmSync(this.tmpdir, { recursive: true, force: true });
  }
}

function fullName(test) {
  const names = [];
  for (let t = test; t && t.name !== 'ROOT_DESCRIBE_BLOCK'; t = t.parent) names.unshift(t.name);
  return names.join(' › ');
}

module.exports = TwinstackTestEnvironment;
