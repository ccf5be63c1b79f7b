import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  Secret,
  Service,
  Volume,
  WarningIds,
} from '../../constructs';
import type { BootImages } from './images';

/**
 * `healthy`: everything starts. `never-healthy`: web's health check asks for a page that never exists, so
 * the service waiting for web to be healthy must never start. `failing-job`: the seed job exits 3, so the
 * service waiting for it to complete must never start.
 */
export type BootVariant = 'healthy' | 'never-healthy' | 'failing-job';

export interface BootAppOptions {
  readonly variant: BootVariant;
  readonly images: BootImages;
  /** An empty directory for web's build context. */
  readonly buildDirectory: string;
  /** Host port of the local proxy. */
  readonly proxyPort: number;
}

/** What the seed job writes and the reader serves: a `$` that must reach the container literally. */
export const SEED_TEXT = 'seeded by the job; $HOME stays literal';
/** web's index page, from its build context. */
export const WEB_INDEX = 'web index\n';
/** The local variable the client's secret is read from. */
export const TOKEN_VARIABLE = 'BOOT_TOKEN';
/** The non-root user the sandbox job runs as (busybox's nobody). */
export const SANDBOX_USER = '65534:65534';

/**
 * Every workload records when it starts (and web when it is about to serve) in the `marks` volume, as
 * seconds of the machine's uptime: /proc/uptime is the same clock in every container.
 */
function script(...lines: string[]): string[] {
  return ['/bin/sh', '-c', [`mark() { cut -d' ' -f1 /proc/uptime > "/marks/$1"; }`, ...lines].join('\n')];
}

/**
 * The boot test's application, built with the library's constructs:
 * - `web`: busybox httpd built from a directory (`build:` with a build argument), serving on 8080 after a
 *   2 s warm-up, with an HTTP health check; it writes its health page next to its site, so its root
 *   filesystem is writable (the opt-out);
 * - `client`: waits for web to be healthy, fetches web's index and records a secret read from `.env`; its
 *   root filesystem is read-only (the default) with one writable path, and it records what it could write;
 * - `sandbox`: a job run as a non-root user with a read-only root filesystem, which succeeds only if it can
 *   write to its writable path and nowhere else;
 * - `seed`: a job that writes a file into the `data` volume;
 * - `reader`: waits for seed to complete, mounts `data` read-only and serves the file;
 * - `edge`: the load balancer; locally the nginx proxy routes `/seed*` to reader and the rest to web.
 */
export function addBootApplication(stack: Stack, name: string, options: BootAppOptions): Application {
  const { variant, images } = options;
  fs.mkdirSync(path.join(options.buildDirectory, 'site'), { recursive: true });
  fs.writeFileSync(path.join(options.buildDirectory, 'site', 'index.html'), WEB_INDEX);
  fs.writeFileSync(
    path.join(options.buildDirectory, 'Dockerfile'),
    'ARG BASE\nFROM ${BASE}\nCOPY site/ /srv/www/\n',
  );

  const application = new Application(stack, 'Boot', { name });
  const marks = new Volume(application, 'marks');
  const data = new Volume(application, 'data');
  const token = Secret.fromSecretName(application, 'Token', 'boot/token', { localVariable: TOKEN_VARIABLE });
  const fast = { interval: Duration.seconds(1), timeout: Duration.seconds(1), retries: 3 };

  const web = new Service(application, 'web', {
    image: Image.fromDirectory(options.buildDirectory, { buildArgs: { BASE: images.base } }),
    command: script(
      'mark web-start',
      'sleep 2',
      'echo ok > /srv/www/health',
      'mark web-ready',
      'exec httpd -f -p 8080 -h /srv/www',
    ),
    ports: [{ containerPort: 8080, protocol: 'http' }],
    mounts: [{ volume: marks, path: '/marks' }],
    readOnlyRootFilesystem: false,
    hardeningReason: 'The boot test web server writes its health page into its site directory.',
    healthCheck: HealthCheck.http({
      port: 8080,
      path: variant === 'never-healthy' ? '/never' : '/health',
      ...fast,
      retries: variant === 'never-healthy' ? 3 : 30,
    }),
  });

  new Service(application, 'client', {
    image: Image.fromRegistry(images.base),
    command: script(
      'mark client-start',
      'wget -q -O /marks/client-fetched http://web:8080/index.html',
      'printf %s "$API_TOKEN" > /marks/client-token',
      'if touch /srv/probe 2>/dev/null; then echo writable > /marks/client-root; else echo read-only > /marks/client-root; fi',
      'echo scratch > /scratch/probe && cat /scratch/probe > /marks/client-scratch',
      'exec sleep 86400',
    ),
    secrets: { API_TOKEN: token.value() },
    mounts: [{ volume: marks, path: '/marks' }],
    writablePaths: ['/scratch'],
    // A declared size: the local twin limits the container's memory to it, as the cloud twin does.
    memoryMiB: 512,
    dependsOn: [Dependency.healthy(web)],
  });

  const seed = new Job(application, 'seed', {
    image: Image.fromRegistry(images.base),
    command:
      variant === 'failing-job'
        ? script('mark seed-start', "echo 'seed: failing on purpose' >&2", 'exit 3')
        : script(
            'mark seed-start',
            'sleep 1',
            `printf '%s\\n' "$SEED_TEXT" > /data/seed.txt`,
            'mark seed-done',
          ),
    environment: { SEED_TEXT },
    mounts: [
      { volume: marks, path: '/marks' },
      { volume: data, path: '/data' },
    ],
  });

  // Exits 0 only when the non-root user can write its writable path and not the root filesystem: the
  // image's /srv/open is mode 1777, so only the read-only root filesystem stops it there (not /tmp, where
  // podman mounts a tmpfs of its own in a read-only container).
  const sandbox = new Job(application, 'sandbox', {
    image: Image.fromRegistry(images.base),
    user: SANDBOX_USER,
    writablePaths: ['/scratch'],
    command: [
      '/bin/sh',
      '-c',
      'echo ok > /scratch/ok && test "$(cat /scratch/ok)" = ok && ! touch /srv/open/not-here 2>/dev/null',
    ],
  });

  const reader = new Service(application, 'reader', {
    image: Image.fromRegistry(images.base),
    command: script(
      'mark reader-start',
      'cat /srv/data/seed.txt > /marks/reader-saw',
      'exec httpd -f -p 8080 -h /srv/data',
    ),
    ports: [{ containerPort: 8080, protocol: 'http' }],
    mounts: [
      { volume: marks, path: '/marks' },
      { volume: data, path: '/srv/data', readOnly: true },
    ],
    healthCheck: HealthCheck.http({ port: 8080, path: '/seed.txt', ...fast, retries: 30 }),
    dependsOn: [Dependency.completedSuccessfully(seed), Dependency.completedSuccessfully(sandbox)],
    // Room for both jobs in its tasks in the cloud (and the sandbox's writable-path helper).
    cpu: 1024,
    memoryMiB: 2048,
  });

  const edge = new LoadBalancer(application, 'edge', {
    localPort: options.proxyPort,
    localProxyImage: images.proxy,
  });
  edge.addRoute('seed', { service: reader, pathPatterns: ['/seed*'] });
  edge.addRoute('site', { service: web });

  for (const service of [web, reader]) {
    Annotations.of(service).acknowledgeWarning(
      WarningIds.HEALTH_CHECK_ADJUSTED,
      'The boot test probes every second; ECS would probe every 5 s',
    );
  }
  return application;
}
