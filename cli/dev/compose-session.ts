import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CliError } from '../cli-error';

/** A Compose v2 program: what to run (`command` with `args` before Compose's own) and its version. */
export interface ComposeProgram {
  /** The executable: a path, or a name looked up in PATH (`docker`, `docker-compose`). */
  readonly command: string;
  /** Arguments before Compose's own: `['compose']` for `docker compose`. */
  readonly args: readonly string[];
  /** The version Compose reports, without a leading `v`, e.g. `2.26.1`. */
  readonly version: string;
}

/** The first Compose v2 release with `watch` (and `watch --no-up` soon after): 2.22. */
const MINIMUM_VERSION: readonly [number, number] = [2, 22];
const MINIMUM_TEXT = `${MINIMUM_VERSION.join('.')} or later`;

/** What running `version` of a candidate gave: its version, or why there is none. */
type Probe = { readonly version: string; readonly parts: readonly number[] } | { readonly problem: string };

/** `docker compose` given as text: the Docker CLI (a path or the name) followed by `compose`. */
function programOf(text: string): { command: string; args: string[] } {
  const plugin = /^(.*\S)\s+compose$/.exec(text.trim());
  if (plugin && /^docker(\.exe)?$/i.test(path.basename(plugin[1]))) {
    return { command: plugin[1], args: ['compose'] };
  }
  return { command: text.trim(), args: [] };
}

/** Runs `<program> version` and reads the version it prints. */
function probe(program: { command: string; args: readonly string[] }, env: NodeJS.ProcessEnv): Probe {
  const result = spawnSync(program.command, [...program.args, 'version'], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) return { problem: `it could not be run (${result.error.message})` };
  const printed = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const firstLine = printed.split('\n')[0] ?? '';
  if (result.status !== 0) {
    return { problem: `\`version\` exited ${result.status}${firstLine ? `: ${firstLine}` : ''}` };
  }
  const match = /version v?((\d+)\.(\d+)\.(\d+)[^\s,]*)/i.exec(printed);
  if (!match) return { problem: `it printed no version: ${firstLine || '(nothing)'}` };
  return { version: match[1], parts: [Number(match[2]), Number(match[3]), Number(match[4])] };
}

/** Whether `parts` is at least MINIMUM_VERSION. */
function recentEnough(parts: readonly number[]): boolean {
  const [major, minor] = parts;
  return major > MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor >= MINIMUM_VERSION[1]);
}

/** The program of `probe`, when it is Compose v2 recent enough. */
function accepted(program: { command: string; args: string[] }, found: Probe): ComposeProgram | undefined {
  if (!('version' in found) || !recentEnough(found.parts)) return undefined;
  return { command: program.command, args: program.args, version: found.version };
}

/**
 * Compose v2, 2.22 or later (which has `up --watch` and `watch`): `explicit` (a path to a docker-compose
 * v2 binary, or `docker compose`) when given, else TWINSTACK_COMPOSE of `env`, else `docker compose`, else
 * `docker-compose` when it is v2. Undefined when none of the last two is Compose v2 2.22 or later; a
 * program given (`explicit` or TWINSTACK_COMPOSE) that is not is a CliError saying what it is and what is
 * needed.
 */
export function findComposeV2(env: NodeJS.ProcessEnv, explicit?: string): ComposeProgram | undefined {
  const fromEnv = env.TWINSTACK_COMPOSE?.trim() ? env.TWINSTACK_COMPOSE : undefined;
  const given = explicit?.trim() ? explicit : fromEnv;
  if (given !== undefined) {
    const program = programOf(given);
    const found = probe(program, env);
    const ok = accepted(program, found);
    if (ok) return ok;
    const source = given === explicit ? `'${given}'` : `'${given}' (TWINSTACK_COMPOSE)`;
    const what = 'version' in found ? `it is Compose ${found.version}` : found.problem;
    throw new CliError(
      `the compose program ${source} is not Compose v2 ${MINIMUM_TEXT}: ${what}. ` +
        `twinstack dev needs Compose v2 ${MINIMUM_TEXT} (for \`watch\`): \`docker compose\` or a docker-compose v2 binary`,
    );
  }
  for (const program of [programOf('docker compose'), programOf('docker-compose')]) {
    const ok = accepted(program, probe(program, env));
    if (ok) return ok;
  }
  return undefined;
}

/** Where a compose session runs and writes. */
export interface ComposeSessionOptions {
  /** The compose file (the local twin). */
  readonly file: string;
  /** The compose project name. */
  readonly project: string;
  /** Working directory of Compose. */
  readonly cwd: string;
  /** Environment of Compose (DOCKER_HOST, the variables of the file, ...). */
  readonly env: NodeJS.ProcessEnv;
  /** The services' logs, each line prefixed by Compose with its service. */
  readonly out: { write(text: string): unknown };
  /** What Compose says while it builds, starts and watches, and what went wrong. */
  readonly err: { write(text: string): unknown };
}

/** A running local twin under Compose v2: built, started, watched, its logs streamed. */
export interface ComposeSession {
  /**
   * Builds and starts the twin (`up --build -d --remove-orphans`, waiting for it), then watches
   * (develop.watch) and streams the services' logs to `out`, prefixed by service, until stop. Rejects with
   * a CliError carrying Compose's last lines when `up` fails.
   */
  start(): Promise<void>;
  /**
   * The compose file was rewritten: applies it (`up -d --build --remove-orphans`: Compose recreates only
   * what changed) and restarts watching so that new develop rules count; logs keep streaming, those of
   * recreated containers included. Rejects with a CliError carrying Compose's last lines when `up` fails
   * (watching and logs go on).
   */
  apply(): Promise<void>;
  /** Stops watching and logs; with `down: true` also `down` (containers and networks; volumes are kept). Idempotent. */
  stop(options: { down: boolean }): Promise<void>;
}

/** How many of a child's last output lines an error quotes. */
const LAST_LINES = 20;
/** How often in a row the logs follower is started again without having printed anything. */
const RESTARTS_WITHOUT_OUTPUT = 3;
/** How long a child has to exit after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 10_000;

/** Terminal control sequences Compose prints even with `--ansi never` (erase line), and carriage returns. */
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|\r/g;

/** A Compose child process, its output split into lines. */
class ComposeChild {
  /** Its last output lines, for messages. */
  public readonly lastLines: string[] = [];
  /** Resolves with its exit code (null when a signal ended it) once it exited and its output was read. */
  public readonly closed: Promise<number | null>;
  /** Set when the session ends it: its exit is then expected. */
  public ending = false;
  private readonly process: ChildProcess;

  constructor(
    command: string,
    args: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
    sink: (line: string) => void,
  ) {
    // Its own process group: stopping the session ends Compose and anything it started, and a terminal's
    // Ctrl-C reaches the session (which ends it) rather than Compose directly.
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = (line: string) => {
      // What Compose says when it is ended: the session ended it.
      if (this.ending && line === 'canceled') return;
      this.lastLines.push(line);
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
      sink(line);
    };
    const reading = [this.process.stdout!, this.process.stderr!].map((stream) => readLines(stream, onLine));
    this.closed = new Promise((resolve) => {
      this.process.on('error', (e) => {
        onLine(`cannot run ${command}: ${e.message}`);
        resolve(-1);
      });
      this.process.on('close', (code) => void Promise.all(reading).then(() => resolve(code)));
    });
    void this.closed.then(() => this.signalGroup('SIGKILL'));
  }

  /** The process id (its process group's too); undefined when it could not be started. */
  public get pid(): number | undefined {
    return this.process.pid;
  }

  /** Ends it and its process group: SIGTERM, then SIGKILL after a grace period. */
  public async end(): Promise<void> {
    this.ending = true;
    this.signalGroup('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signalGroup('SIGKILL');
        resolve();
      }, KILL_GRACE_MS);
    });
    await Promise.race([this.closed, grace]);
    clearTimeout(timer);
    await this.closed;
  }

  /** Sends `signal` to its process group, once it has a process; no error when the group is gone. */
  public signalGroup(signal: NodeJS.Signals): void {
    if (this.process.pid === undefined) return;
    try {
      process.kill(-this.process.pid, signal);
    } catch {
      // the group has exited already
    }
  }
}

/** Calls `onLine` with each line of `stream` (control sequences removed); resolves at its end. */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line.replace(CONTROL, ''));
    });
    stream.on('end', () => {
      if (pending !== '') onLine(pending.replace(CONTROL, ''));
      resolve();
    });
    stream.on('error', () => resolve());
  });
}

/** Whether the compose file gives any service `develop.watch` rules; true when it cannot be read (Compose says why). */
function hasWatchRules(file: string): boolean {
  try {
    const doc = parse(fs.readFileSync(file, 'utf8')) as { services?: Record<string, unknown> } | null;
    return Object.values(doc?.services ?? {}).some((service) => {
      const watch = (service as { develop?: { watch?: unknown } } | null)?.develop?.watch;
      return Array.isArray(watch) && watch.length > 0;
    });
  } catch {
    return true;
  }
}

/** `cmd args...` as one line, for messages. */
function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

class Session implements ComposeSession {
  private readonly children = new Set<ComposeChild>();
  private watch: ComposeChild | undefined;
  private logs: ComposeChild | undefined;
  /** start and apply, one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopping = false;
  private downDone: Promise<void> | undefined;
  private childrenStopped: Promise<void> | undefined;
  /** Whether the last start of the watcher found no rules (said once until rules appear). */
  private saidNoRules = false;
  private readonly killOnExit = () => {
    for (const child of this.children) child.signalGroup('SIGTERM');
  };

  constructor(
    private readonly program: ComposeProgram,
    private readonly options: ComposeSessionOptions,
  ) {}

  public start(): Promise<void> {
    if (this.started) return Promise.reject(new CliError('the compose session has started already'));
    this.started = true;
    return this.serially(async () => {
      const since = new Date().toISOString();
      await this.up(['up', '--build', '-d', '--remove-orphans']);
      this.follow(since);
    });
  }

  public apply(): Promise<void> {
    if (!this.started) return Promise.reject(new CliError('the compose session has not started'));
    return this.serially(async () => {
      // Watching stops while Compose applies the file, so that both never build at once; the new logs
      // follower starts where this one stopped, so nothing is lost, and sees the recreated containers.
      await Promise.all([this.watch, this.logs].map((c) => (c ? this.end(c) : undefined)));
      this.watch = this.logs = undefined;
      const since = new Date().toISOString();
      try {
        await this.up(['up', '-d', '--build', '--remove-orphans']);
      } finally {
        this.follow(since);
      }
    });
  }

  public async stop(options: { down: boolean }): Promise<void> {
    this.stopping = true;
    this.childrenStopped ??= this.stopChildren();
    await this.childrenStopped;
    if (options.down) {
      this.downDone ??= this.down();
      await this.downDone;
    }
  }

  /** Runs `task` after the start or apply before it, unless the session is stopping. */
  private serially(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => (this.stopping ? undefined : task()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async stopChildren(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.end(c)));
    await this.queue;
    // A start or apply that was under way has seen `stopping` and started nothing since.
    await Promise.all([...this.children].map((c) => this.end(c)));
  }

  private async down(): Promise<void> {
    const args = ['down', '--remove-orphans'];
    const child = this.spawn(args, (line) => this.options.err.write(`${line}\n`));
    const code = await child.closed;
    this.children.delete(child);
    this.updateExitHandler();
    if (code !== 0) throw this.failure(args, code, child);
  }

  /** Runs `up ...args`, its output on `err`; a CliError with Compose's last lines when it fails. */
  private async up(args: string[]): Promise<void> {
    const child = this.spawn(args, (line) => this.options.err.write(`${line}\n`));
    const code = await child.closed;
    this.children.delete(child);
    this.updateExitHandler();
    if (code !== 0 && !this.stopping) throw this.failure(args, code, child);
  }

  private failure(args: string[], code: number | null, child: ComposeChild): CliError {
    const run = commandLine(this.program.command, [...this.program.args, ...args]);
    const status = code === null ? 'was ended by a signal' : `exited ${code}`;
    const last = child.lastLines.filter((l) => l.trim() !== '');
    return new CliError(
      `${run} ${status}${last.length ? `; Compose's last lines:\n${last.map((l) => `  ${l}`).join('\n')}` : ''}`,
    );
  }

  /** Starts the watcher (when the file has rules) and the logs follower, from `since`. */
  private follow(since: string): void {
    if (this.stopping) return;
    if (hasWatchRules(this.options.file)) {
      this.saidNoRules = false;
      const args = ['watch', '--no-up'];
      this.watch = this.longRunning(
        args,
        (line) => this.options.err.write(`${line}\n`),
        (child, code) => this.report('watch stopped', args, child, code),
      );
    } else if (!this.saidNoRules) {
      this.saidNoRules = true;
      this.options.err.write('no service of the local twin has development settings: nothing is watched\n');
    }
    this.followLogs(since, 0);
  }

  /**
   * Follows the logs from `since`, and starts following again from the time of the last line of a
   * container printed (so that nothing is printed twice or lost) when Compose's `logs -f`, run against
   * podman, falls short:
   * - when `watch` replaces a container ("web-1 has been recreated"), it follows the new one only from the
   *   time of the event, so the new container's first lines are missing, or it ends ("no such container");
   * - it ends when no container of the project runs any more.
   * After an end, it starts again while containers run, at most RESTARTS_WITHOUT_OUTPUT times in a row
   * without a line of a container; otherwise its end is reported.
   */
  private followLogs(since: string, restartsWithoutOutput: number): void {
    const args = ['logs', '-f', '--no-color', '--since', since];
    let containerLines = false;
    let resumeAt = since;
    const sink = (line: string) => {
      // A container's line is prefixed `<service>-<n>  | `; Compose's own say what happened to one.
      if (/^\S+\s+\|/.test(line)) {
        containerLines = true;
        resumeAt = new Date().toISOString();
      }
      this.options.out.write(`${line}\n`);
      if (/^\S+ has been recreated$/.test(line)) void this.refollow(child, () => resumeAt);
    };
    const child = this.longRunning(args, sink, async (_child, code) => {
      const restarts = containerLines ? 0 : restartsWithoutOutput + 1;
      const running = restarts <= RESTARTS_WITHOUT_OUTPUT && (await this.anyRunning());
      // An apply or stop may have replaced or ended the follower meanwhile.
      if (this.stopping || this.logs !== child) return;
      if (running) this.followLogs(resumeAt, restarts);
      else this.report('logs stopped (no container of the twin runs?)', args, child, code);
    });
    this.logs = child;
  }

  /** Ends the logs follower `child` and follows again from `resumeAt()`, unless it was replaced meanwhile. */
  private async refollow(child: ComposeChild, resumeAt: () => string): Promise<void> {
    if (child.ending) return;
    await this.end(child);
    if (this.stopping || this.logs !== child) return;
    this.followLogs(resumeAt(), 0);
  }

  /** Whether any container of the project runs (`ps --status running --quiet`). */
  private async anyRunning(): Promise<boolean> {
    const ids: string[] = [];
    const child = this.spawn(['ps', '--status', 'running', '--quiet'], (line) => ids.push(line.trim()));
    const code = await child.closed;
    this.children.delete(child);
    this.updateExitHandler();
    return code === 0 && ids.some((id) => id !== '');
  }

  /** Says on `err` that `compose <args>` ended on its own, with its last lines. */
  private report(what: string, args: string[], child: ComposeChild, code: number | null): void {
    const last = child.lastLines.filter((l) => l.trim() !== '').slice(-5);
    this.options.err.write(
      `compose ${what}: \`${args.join(' ')}\` exited ${code ?? 'on a signal'}` +
        `${last.length ? `:\n${last.map((l) => `  ${l}`).join('\n')}` : ''}\n` +
        'it starts again when the compose file is next applied\n',
    );
  }

  /** A child that runs until the session ends it; `exited` is called when it ends before that. */
  private longRunning(
    args: string[],
    sink: (line: string) => void,
    exited: (child: ComposeChild, code: number | null) => unknown,
  ): ComposeChild {
    const child = this.spawn(args, sink);
    void child.closed.then((code) => {
      this.children.delete(child);
      this.updateExitHandler();
      if (!child.ending && !this.stopping) void exited(child, code);
    });
    return child;
  }

  private spawn(args: string[], sink: (line: string) => void): ComposeChild {
    const { file, project, cwd, env } = this.options;
    const child = new ComposeChild(
      this.program.command,
      [...this.program.args, '--ansi', 'never', '-p', project, '-f', file, ...args],
      { cwd, env },
      sink,
    );
    this.children.add(child);
    this.updateExitHandler();
    return child;
  }

  private async end(child: ComposeChild): Promise<void> {
    await child.end();
    this.children.delete(child);
    this.updateExitHandler();
  }

  /** While children run, the process's exit ends them too: none outlives the command. */
  private updateExitHandler(): void {
    process.removeListener('exit', this.killOnExit);
    if (this.children.size > 0) process.on('exit', this.killOnExit);
  }
}

/** A session of Compose v2 `program` on the compose file and project of `options`; nothing runs before start. */
export function composeSession(program: ComposeProgram, options: ComposeSessionOptions): ComposeSession {
  return new Session(program, options);
}
