import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Loopback only: every server, every request and nginx itself. */
export const LOOPBACK = '127.0.0.1';

const INSTALL_HINT =
  'the proxy tests run the real nginx: install it with `apt-get update && apt-get install -y nginx` ' +
  '(Debian/Ubuntu), or set NGINX_BIN to its path';

/** Path of the nginx binary: $NGINX_BIN, else `nginx` on PATH or in the usual sbin directories. */
export function findNginx(): string {
  const fromEnv = process.env.NGINX_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv))
      throw new Error(`NGINX_BIN=${fromEnv} is not an executable file; ${INSTALL_HINT}`);
    return fromEnv;
  }
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/local/nginx/sbin',
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'nginx');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(`nginx not found (looked on PATH and in /usr/sbin, /usr/local/sbin): ${INSTALL_HINT}`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `nginx version: nginx/1.22.1` -> `nginx/1.22.1`. */
export function nginxVersion(binary: string): string {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return `${result.stderr}${result.stdout}`.trim().replace(/^nginx version:\s*/, '');
}

/** A port that was free a moment ago, on the loopback address. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What a route's server saw of the request it answered. */
export interface Echo {
  readonly route: string;
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A tiny HTTP server on the loopback address answering every request with its route name and an echo. */
export async function startRouteServer(route: string): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const echo: Echo = {
        route,
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        headers: req.headers,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  return { server, address: `${LOOPBACK}:${(server.address() as net.AddressInfo).port}` };
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A running nginx serving one generated configuration from a temporary prefix directory. */
export interface RunningNginx {
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Writes a minimal main nginx.conf that includes `generated` (the renderer's output, what the official
 * image reads from conf.d/default.conf), checks it with `nginx -t`, starts nginx in the foreground and
 * waits until it accepts connections on `port`.
 */
export async function startNginx(binary: string, generated: string, port: number): Promise<RunningNginx> {
  const { dir, args } = writeConfig(generated);
  const check = spawnSync(binary, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t rejected the generated configuration:\n${check.stderr}${check.stdout}`);
  }
  return run(binary, dir, args, port);
}

/**
 * A temporary prefix directory holding `generated` as default.conf and a minimal main nginx.conf that
 * includes it, with the pid file, logs and temp paths inside the directory; and nginx's arguments for it.
 */
function writeConfig(generated: string): { dir: string; args: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-nginx-'));
  const at = (name: string) => JSON.stringify(path.join(dir, name));
  fs.writeFileSync(path.join(dir, 'default.conf'), generated);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      'worker_processes 1;',
      `pid ${at('nginx.pid')};`,
      `error_log ${at('error.log')} warn;`,
      'events {',
      '    worker_connections 256;',
      '}',
      'http {',
      '    access_log off;',
      `    client_body_temp_path ${at('client_body_temp')};`,
      `    proxy_temp_path ${at('proxy_temp')};`,
      `    fastcgi_temp_path ${at('fastcgi_temp')};`,
      `    uwsgi_temp_path ${at('uwsgi_temp')};`,
      `    scgi_temp_path ${at('scgi_temp')};`,
      `    include ${at('default.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log')];
  return { dir, args };
}

/** `nginx -t` of a generated configuration: whether nginx accepts it, and what it said. */
export function checkConfig(binary: string, generated: string): { ok: boolean; output: string } {
  const { dir, args } = writeConfig(generated);
  try {
    const check = spawnSync(binary, ['-t', ...args], { encoding: 'utf8' });
    return { ok: check.status === 0, output: `${check.stderr}${check.stdout}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function run(binary: string, dir: string, args: string[], port: number): Promise<RunningNginx> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitForPort(port, child, exited);
  } catch (e) {
    child.kill('SIGKILL');
    const log = readIfExists(path.join(dir, 'error.log'));
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\nnginx output:\n${output}\nerror.log:\n${log}`, { cause: e });
  }
  return {
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (gone) throw new Error(`nginx exited with code ${child.exitCode} before listening on ${port}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${LOOPBACK}:${port}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, LOOPBACK);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '(none)';
  }
}

/** The answer nginx gave. */
export interface ProxyResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Sends one GET with the exact request target, Host and headers given, on a fresh connection. */
export function send(
  port: number,
  target: string,
  host: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: LOOPBACK,
        port,
        method: 'GET',
        path: target,
        setHost: false,
        agent: false,
        headers: { Host: host, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
