import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { findNginx } from '../proxy/nginx-harness';

/**
 * The container engine of the boot tests: Debian's podman, driven by Debian's docker-compose 1.29 through
 * `podman system service` (the Docker API on a unix socket), with images built here from Debian's
 * busybox-static and nginx, because nothing can be pulled from a registry.
 *
 * Two things this machine needs that a developer's Docker does not:
 * - `containers.conf` with `default_ulimits` (podman's defaults exceed what the sandbox allows) and the
 *   `runc` runtime when it is installed (crun 1.8 refuses a hybrid cgroup v1/v2 layout);
 * - a health-check ticker: podman runs health checks from systemd timers, and there is no systemd here, so
 *   the harness runs `podman healthcheck run` for each container of the project when its interval is due.
 *   The check itself is the one twinstack rendered, run inside the container by podman; compose reads the
 *   resulting health status through the API as it would from Docker.
 */

const INSTALL_HINT =
  'the boot tests run the local twin in real containers: `apt-get install -y podman runc netavark ' +
  'aardvark-dns iptables docker-compose busybox-static nginx-light` (Debian 12)';

/** Result of a finished command. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `cmd args...` as one line, for messages. */
function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs a command to completion without blocking the event loop (the health-check ticker keeps running). */
export function run(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      // Without input, stdin is not a pipe: writing to a child that already exited fails with EPIPE.
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      err.push(Buffer.from(`\n[killed after ${options.timeoutMs} ms: ${commandLine(cmd, args)}]\n`));
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}; ${INSTALL_HINT}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    if (child.stdin) {
      // A child may exit before it read all of its input; its exit status and output tell what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Runs a command and throws with its whole output unless it exits 0. */
export async function runChecked(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const result = await run(cmd, args, options);
  if (result.status !== 0) {
    throw new Error(
      `${commandLine(cmd, args)} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** First of `names` found as an executable in PATH or the usual system directories. */
function findProgram(...names: string[]): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The programs the boot tests need, by absolute path. */
export interface BootTools {
  readonly podman: string;
  readonly dockerCompose: string;
  readonly busybox: string;
  readonly nginx: string;
  readonly runc?: string;
}

/** Finds podman, docker-compose, a static busybox and nginx, or throws saying how to install them. */
export function findBootTools(): BootTools {
  const podman = findProgram('podman');
  const dockerCompose = findProgram('docker-compose');
  const busybox = findProgram('busybox');
  const missing = [
    ...(podman ? [] : ['podman']),
    ...(dockerCompose ? [] : ['docker-compose']),
    ...(busybox ? [] : ['busybox']),
  ];
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not found; ${INSTALL_HINT}`);
  const ldd = spawnSync('ldd', [busybox!], { encoding: 'utf8' });
  if (ldd.status === 0 && /=>|ld-linux/.test(ldd.stdout)) {
    throw new Error(`${busybox} is linked dynamically; the images need busybox-static. ${INSTALL_HINT}`);
  }
  const runc = findProgram('runc');
  return {
    podman: podman!,
    dockerCompose: dockerCompose!,
    busybox: busybox!,
    nginx: findNginx(),
    ...(runc ? { runc } : {}),
  };
}

/** Where .ci/run unpacks Compose v2 (Debian 13's `docker-compose` package), unless TWINSTACK_COMPOSE_V2 says otherwise. */
export const COMPOSE_V2_DEFAULT = '/opt/compose-v2/usr/libexec/docker/cli-plugins/docker-compose';

/**
 * Compose v2: TWINSTACK_COMPOSE_V2 when set, else where .ci/run unpacks it, else Docker's plugin
 * directories; undefined when none is an executable.
 */
export function findComposeV2(): string | undefined {
  const candidates = process.env.TWINSTACK_COMPOSE_V2
    ? [process.env.TWINSTACK_COMPOSE_V2]
    : [
        COMPOSE_V2_DEFAULT,
        '/usr/libexec/docker/cli-plugins/docker-compose',
        '/usr/lib/docker/cli-plugins/docker-compose',
      ];
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why Compose v2 is missing and how to get it, for messages. */
export const COMPOSE_V2_HINT =
  `Compose v2 not found (TWINSTACK_COMPOSE_V2, or ${COMPOSE_V2_DEFAULT}): .ci/run downloads Debian 13's ` +
  'docker-compose 2.x package and unpacks it there';

/** podman and its API service, with the settings this machine needs. */
export class ContainerEngine {
  /** Starts `podman system service` on a socket in `directory`, and waits until it answers. */
  public static async start(tools: BootTools, directory: string): Promise<ContainerEngine> {
    const conf = path.join(directory, 'containers.conf');
    fs.writeFileSync(
      conf,
      [
        '[containers]',
        'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
        ...(tools.runc ? ['[engine]', `runtime = "runc"`] : []),
        '',
      ].join('\n'),
    );
    const socket = path.join(directory, 'podman.sock');
    const env = { ...process.env, CONTAINERS_CONF: conf };
    const logFile = path.join(directory, 'podman-service.log');
    const log = fs.openSync(logFile, 'a');
    const service = spawn(tools.podman, ['system', 'service', '--time=0', `unix://${socket}`], {
      env,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const engine = new ContainerEngine(tools, env, socket, service, logFile);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (service.exitCode !== null) break;
      if (await engine.ping()) return engine;
      await sleep(200);
    }
    await engine.stop();
    throw new Error(`podman system service did not answer on ${socket}:\n${engine.serviceLog()}`);
  }

  private tickers = new Map<string, NodeJS.Timeout>();

  private constructor(
    public readonly tools: BootTools,
    /** Environment of podman commands: CONTAINERS_CONF. */
    public readonly env: NodeJS.ProcessEnv,
    public readonly socket: string,
    private readonly service: ChildProcess,
    private readonly logFile: string,
  ) {}

  /** Environment for docker-compose: the podman socket as DOCKER_HOST. */
  public get composeEnv(): NodeJS.ProcessEnv {
    return { ...this.env, DOCKER_HOST: `unix://${this.socket}`, COMPOSE_HTTP_TIMEOUT: '120' };
  }

  /** Runs podman with the engine's settings. */
  public podman(args: readonly string[], timeoutMs = 120_000): Promise<CommandResult> {
    return run(this.tools.podman, args, { env: this.env, timeoutMs });
  }

  /** The last lines of the API service's log. */
  public serviceLog(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /**
   * Runs the health checks of the running containers of compose project `project` whenever their interval
   * is due, until stopTicking(project): what systemd timers do for podman where systemd runs.
   */
  public startTicking(project: string): void {
    const lastRun = new Map<string, number>();
    const intervals = new Map<string, number>();
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const ps = await this.podman(
          ['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.ID}}'],
          20_000,
        );
        for (const id of ps.stdout.split('\n').filter(Boolean)) {
          if (!intervals.has(id)) {
            const inspect = await this.podman(['inspect', '--format', '{{json .Config.Healthcheck}}', id]);
            const config = inspect.status === 0 ? parseJson(inspect.stdout) : undefined;
            intervals.set(id, config?.Test?.length ? (config.Interval ?? 30e9) / 1e6 : Infinity);
          }
          const interval = intervals.get(id)!;
          const now = Date.now();
          if (interval === Infinity || now - (lastRun.get(id) ?? 0) < interval) continue;
          lastRun.set(id, now);
          await this.podman(['healthcheck', 'run', id], 60_000);
        }
      } catch {
        // podman not answering for a moment: the next tick tries again
      } finally {
        busy = false;
      }
    };
    this.tickers.set(
      project,
      setInterval(() => void tick(), 250),
    );
  }

  /** Stops the health-check ticker of `project`. */
  public stopTicking(project: string): void {
    clearInterval(this.tickers.get(project));
    this.tickers.delete(project);
  }

  /** Stops every ticker and the API service. */
  public async stop(): Promise<void> {
    for (const project of [...this.tickers.keys()]) this.stopTicking(project);
    if (this.service.exitCode !== null || this.service.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.service.once('exit', () => resolve()));
    this.service.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000)),
    );
    const outcome = await Promise.race([exited.then(() => 'exited' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.service.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.socket, { force: true });
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ socketPath: this.socket, path: '/_ping', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
    });
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
