import type {
  ComposeBuild,
  ComposeDependsOn,
  ComposeDocument,
  ComposeHealthcheck,
  ComposeService,
  ComposeVolumeMount,
} from './compose-types';
import { byKey } from '../model/order';

/**
 * Compose implementations the local twin can be rendered for besides the Compose Specification:
 * `docker-compose-1.29`, the last Python docker-compose (Debian 12's `docker-compose` package), which
 * can also drive podman through `podman system service`.
 */
export type ComposeCompatibility = 'docker-compose-1.29';

/** Every supported value of ComposeCompatibility. */
export const COMPOSE_COMPATIBILITIES: readonly ComposeCompatibility[] = ['docker-compose-1.29'];

/** A file mount, which docker-compose 1.29 uses where the specification has `configs`. */
export interface ComposeBindMount {
  readonly type: 'bind';
  /** Path relative to the compose file. */
  readonly source: string;
  readonly target: string;
  readonly read_only?: boolean;
}

/** A service as docker-compose 1.29 reads it: no `configs`, which it ignores, but file mounts instead. */
export interface DockerCompose129Service extends Omit<ComposeService, 'configs' | 'volumes' | 'develop'> {
  /** A bind mount with SELinux relabelling is written in short syntax (`./src:/app:ro,z`). */
  readonly volumes?: readonly (ComposeVolumeMount | ComposeBindMount | string)[];
}

/** A compose document docker-compose 1.29 accepts: no top-level `name`, no inline `configs`. */
export interface DockerCompose129Document {
  readonly services: Readonly<Record<string, DockerCompose129Service>>;
  readonly networks?: ComposeDocument['networks'];
  readonly volumes?: ComposeDocument['volumes'];
}

/** The local twin for docker-compose 1.29. */
export interface DockerCompose129Twin {
  readonly compose: DockerCompose129Document;
  /**
   * Files the compose file mounts, by path relative to the compose file, with their exact contents;
   * they must be written next to it.
   */
  readonly files: Readonly<Record<string, string>>;
  /** The project name: docker-compose 1.29 takes it only from `-p` or `COMPOSE_PROJECT_NAME`. */
  readonly projectName: string;
  /** What the compose file's header says about running it and about what differs. */
  readonly notes: readonly string[];
}

/**
 * Rewrites a rendered local twin for docker-compose 1.29, which rejects two things the Compose
 * Specification has and twinstack writes by default:
 *
 * - the top-level `name:` (1.29 refuses the file): dropped; the project name is passed on the command line
 *   (`docker-compose -p NAME`), which the header says;
 * - inline `configs: content:` (1.29 refuses the file, and ignores `configs` even with `file:`): each
 *   config becomes a file next to the compose file (its exact text: the `$$` that keeps compose from
 *   interpolating inline content is undone), mounted read-only where the service had the config.
 *
 * - newer keys 1.29 refuses: a health check's `start_interval` (1.29 probes every `interval` during the start
 *   period too), a build's `platforms` (1.29 builds the service's `platform` only), a dependency's `restart`
 *   (1.29 does not restart dependents), and optional dependencies (`required: false`, which 1.29 cannot
 *   express: the dependent starts without waiting for an optional service). Each is dropped and named in
 *   the header.
 *
 * - `develop.watch`, which 1.29 does not know (it has no watch mode): dropped and named in the header.
 *
 * - a bind mount's `bind.selinux`, which 1.29's schema lacks: that mount is written in short syntax
 *   (`./src:/app/src:ro,z`), whose mode 1.29 passes to the engine.
 *
 * Everything else twinstack writes means the same to 1.29: long-form `depends_on` with
 * `service_started`, `service_healthy` and `service_completed_successfully`, `profiles`, `platform`, health
 * checks with `start_period`, `deploy.resources.limits` (applied as container limits), and networks with
 * `internal` and aliases. A pure function:
 * the default output is unchanged, and the same twin always gives the same result.
 */
export function forDockerCompose129(doc: ComposeDocument): DockerCompose129Twin {
  const files: Record<string, string> = {};
  const configFiles = new Map<string, string>();
  for (const [name, config] of Object.entries(doc.configs ?? {}).sort(byKey)) {
    if ('file' in config) {
      // A config of a file is the file itself, mounted where the config was.
      configFiles.set(name, config.file);
      continue;
    }
    const file = configFileName(name);
    files[file] = unescapeDollars(config.content);
    configFiles.set(name, `./${file}`);
  }
  const services: Record<string, DockerCompose129Service> = {};
  const dropped: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    const { configs, volumes, healthcheck, build, depends_on, develop, ...rest } = service;
    if (develop !== undefined)
      dropped.push(`${name}: develop.watch dropped (1.29 has no watch mode; rebuild and restart by hand).`);
    const mounts: (ComposeVolumeMount | ComposeBindMount | string)[] = (volumes ?? []).map((v) =>
      // 1.29 reads no `bind.selinux`; its short syntax passes the relabel flag to the engine.
      v.type === 'bind' && v.bind
        ? `${v.source}:${v.target}:${v.read_only ? 'ro,' : ''}${v.bind.selinux}`
        : v.type === 'bind'
          ? {
              type: 'bind' as const,
              source: v.source,
              target: v.target,
              ...(v.read_only ? { read_only: true } : {}),
            }
          : v,
    );
    for (const c of configs ?? []) {
      const source = configFiles.get(c.source);
      if (source === undefined) {
        throw new Error(`service '${name}' uses config '${c.source}', which the compose document lacks`);
      }
      mounts.push({ type: 'bind', source, target: c.target, read_only: true });
    }
    let check: ComposeHealthcheck | undefined = healthcheck;
    if (healthcheck?.start_interval !== undefined) {
      const { start_interval, ...kept } = healthcheck;
      check = kept;
      dropped.push(
        `${name}: health check start_interval ${start_interval} dropped (1.29 probes every interval while starting).`,
      );
    }
    let image: ComposeBuild | undefined = build;
    if (build?.platforms !== undefined) {
      const { platforms, ...kept } = build;
      image = kept;
      dropped.push(
        `${name}: build platforms ${platforms.join(', ')} dropped (1.29 builds the service's platform only).`,
      );
    }
    let dependsOn: Record<string, ComposeDependsOn> | undefined;
    if (depends_on !== undefined) {
      dependsOn = {};
      for (const [target, d] of Object.entries(depends_on).sort(byKey)) {
        const { restart, required, ...kept } = d;
        if (required === false) {
          dropped.push(
            `${name}: optional dependency on ${target} dropped (1.29 cannot start without it when it is off).`,
          );
          continue;
        }
        if (restart)
          dropped.push(`${name}: restart with ${target} dropped (1.29 does not restart dependents).`);
        dependsOn[target] = kept;
      }
    }
    // Keep the keys in the order the renderer wrote them.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(service)) {
      if (key === 'configs') continue;
      if (key === 'volumes') continue;
      if (key === 'develop') continue;
      if (key === 'healthcheck') out[key] = check;
      else if (key === 'build') out[key] = image;
      else if (key === 'depends_on') {
        if (dependsOn && Object.keys(dependsOn).length) out[key] = dependsOn;
      } else out[key] = (rest as Record<string, unknown>)[key];
    }
    if (mounts.length) out.volumes = mounts;
    services[name] = out as DockerCompose129Service;
  }
  const notes = [
    `For docker-compose 1.29: run it as \`docker-compose -p ${doc.name} up\` (1.29 reads no top-level name).`,
    ...Object.keys(files).map(
      (f) => `${f}, next to this file, is mounted read-only where the specification has an inline config.`,
    ),
    ...dropped,
  ];
  return {
    compose: {
      services,
      ...(doc.networks ? { networks: doc.networks } : {}),
      ...(doc.volumes ? { volumes: doc.volumes } : {}),
    },
    files,
    projectName: doc.name,
    notes,
  };
}

/** The file a config's content is written to: the config's name, in a form safe as a file name. */
function configFileName(config: string): string {
  return config.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The renderer doubles every `$` of literal text in a compose file; a mounted file holds the text itself. */
function unescapeDollars(text: string): string {
  return text.replace(/\$\$/g, '$');
}
