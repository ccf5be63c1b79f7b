import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ContainerEngine, runChecked } from './container-engine';

/** The images the boot tests run, built from programs of this machine: nothing is pulled. */
export interface BootImages {
  /** busybox (sh, httpd, wget, ...) on an empty root: the workloads' base image. */
  readonly base: string;
  /** Debian's nginx with its libraries, plus busybox, configured like the official image's. */
  readonly proxy: string;
}

/**
 * The main configuration of the proxy image: like the official nginx image's, it includes
 * /etc/nginx/conf.d/*.conf in the http context, where the local twin mounts its generated configuration.
 */
const NGINX_CONF = `daemon off;
user nobody nogroup;
worker_processes 1;
error_log stderr notice;
pid /run/nginx.pid;
events {
    worker_connections 256;
}
http {
    access_log /dev/stdout;
    client_body_temp_path /var/lib/nginx/body;
    proxy_temp_path /var/lib/nginx/proxy;
    fastcgi_temp_path /var/lib/nginx/fastcgi;
    uwsgi_temp_path /var/lib/nginx/uwsgi;
    scgi_temp_path /var/lib/nginx/scgi;
    include /etc/nginx/conf.d/*.conf;
}
`;

/** Builds both images with `podman import`, tagged `localhost/twinstack-boot-{base,proxy}:<tag>`. */
export async function buildImages(
  engine: ContainerEngine,
  directory: string,
  tag: string,
): Promise<BootImages> {
  const base = `localhost/twinstack-boot-base:${tag}`;
  const proxy = `localhost/twinstack-boot-proxy:${tag}`;

  const baseRoot = path.join(directory, 'base-root');
  writeBusyboxRoot(baseRoot, engine.tools.busybox);
  await importRoot(engine, directory, baseRoot, base, ['/bin/sh']);

  const proxyRoot = path.join(directory, 'proxy-root');
  writeBusyboxRoot(proxyRoot, engine.tools.busybox);
  for (const file of [engine.tools.nginx, ...sharedLibraries(engine.tools.nginx)]) {
    copyInto(proxyRoot, file);
  }
  for (const dir of ['etc/nginx/conf.d', 'var/lib/nginx', 'var/log/nginx', 'run']) {
    fs.mkdirSync(path.join(proxyRoot, dir), { recursive: true });
  }
  fs.writeFileSync(path.join(proxyRoot, 'etc/nginx/nginx.conf'), NGINX_CONF);
  await importRoot(engine, directory, proxyRoot, proxy, [`/${path.relative('/', engine.tools.nginx)}`]);
  return { base, proxy };
}

/**
 * A root file system with busybox and a symbolic link per applet in /bin, users root and nobody, and /tmp and
 * /srv/open writable by every user.
 */
function writeBusyboxRoot(root: string, busybox: string): void {
  fs.rmSync(root, { recursive: true, force: true });
  for (const dir of ['bin', 'etc', 'tmp', 'srv', 'root'])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  // Writable by every user, like /tmp, but a path podman never mounts a tmpfs at for a read-only container.
  fs.mkdirSync(path.join(root, 'srv', 'open'), { recursive: true });
  fs.chmodSync(path.join(root, 'srv', 'open'), 0o1777);
  fs.copyFileSync(busybox, path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox' && /^[a-z0-9_.[-]+$/.test(applet)) {
      fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    }
  }
  fs.writeFileSync(
    path.join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

/** The shared libraries and dynamic loader `binary` needs, by absolute path (from ldd). */
function sharedLibraries(binary: string): string[] {
  const ldd = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (ldd.status !== 0) throw new Error(`ldd ${binary} failed:\n${ldd.stderr}`);
  return [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]);
}

/** Copies `file` (following links) to the same absolute path under `root`. */
function copyInto(root: string, file: string): void {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(fs.realpathSync(file), target);
  fs.chmodSync(target, fs.statSync(file).mode & 0o777);
}

async function importRoot(
  engine: ContainerEngine,
  directory: string,
  root: string,
  name: string,
  cmd: string[],
): Promise<void> {
  const tar = path.join(directory, `${path.basename(root)}.tar`);
  await runChecked('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', tar, '.']);
  await runChecked(engine.tools.podman, ['import', '--change', `CMD ${JSON.stringify(cmd)}`, tar, name], {
    env: engine.env,
  });
  fs.rmSync(tar, { force: true });
}
