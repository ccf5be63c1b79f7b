import * as path from 'path';
import { invalid, ValidationError } from '../errors';
import type {
  ApplicationSpec,
  DependencyConditionName,
  ConnectionValue,
  DataServiceSpec,
  HealthCheckSpec,
  ImageSpec,
  LoadBalancerSpec,
  SecretReferenceSpec,
  UrlPartsSpec,
  WorkloadSpec,
} from '../model/spec';
import { validateModel } from '../model/validate';
import { DEFAULT_LOCAL_HOST_IP } from '../model/spec';
import { byKey, byName, compareStrings } from '../model/order';
import { JOBS_PROFILE } from '../model/profiles';
import { defaultRestart } from '../model/restart';
import { ENV_NAME_PATTERN } from '../model/names';
import { localDataVolume } from '../model/rules/naming';
import { renderNginxConfig } from './proxy-config';
import {
  bindVolumes,
  developWatch,
  environmentFiles,
  relativeToCompose,
  startVariableValues,
} from './workload-inputs';
import { renderAwsStandIns, resourceConnectionEnvironment, standInVolumes } from './aws-stand-ins';
import { escapeControls, hasLoneSurrogate, LONE_SURROGATE_RULE, writeYaml } from './yaml-writer';
import { ComposeCompatibility, DockerCompose129Document, forDockerCompose129 } from './compatibility';
import { renderContainerSettings, renderLocalLimits, withTransport } from './container-settings';
import { joinNetworks } from './networks';
import type {
  ComposeBuild,
  ComposeDependsOnCondition,
  ComposeDocument,
  ComposeService,
} from './compose-types';

/** Options of the compose renderer. */
export interface ComposeRenderOptions {
  /**
   * Absolute directory the compose file will be written to; build contexts are made relative to it.
   */
  readonly outputDirectory: string;
  /**
   * Render for a compose implementation that cannot read everything the Compose Specification has (see
   * `forDockerCompose129`). Only `renderLocalTwinFiles` applies it; `renderLocalTwin` always returns the
   * specification's form.
   * @default - the Compose Specification (Docker Compose v2)
   */
  readonly compatibility?: ComposeCompatibility;
}

/** A rendered local twin: the compose document and the variables its `.env` must define. */
export interface LocalTwin {
  readonly compose: ComposeDocument;
  /** Every variable the compose file reads from `.env`, with a comment saying where the cloud twin gets it. */
  readonly variables: readonly LocalVariable[];
}

export interface LocalVariable {
  readonly name: string;
  readonly description: string;
}

const CONDITIONS: Record<DependencyConditionName, ComposeDependsOnCondition> = {
  started: 'service_started',
  healthy: 'service_healthy',
  'completed-successfully': 'service_completed_successfully',
};

/** Mode of every writable path, as the cloud twin's preparer sets it: world-writable with the sticky bit. */
const WRITABLE_PATH_MODE = '1777';

const ECR_REGISTRY_VARIABLES =
  '${AWS_ACCOUNT_ID:?set AWS_ACCOUNT_ID in .env}.dkr.ecr.${AWS_REGION:?set AWS_REGION in .env}.amazonaws.com';

/**
 * Renders the local twin of an application: a pure function of the model, deterministic (sorted keys, no
 * timestamps, no top-level `version:`). Throws ValidationError when the model breaks a whole-model rule.
 */
export function renderLocalTwin(app: ApplicationSpec, options: ComposeRenderOptions): LocalTwin {
  const report = validateModel(app);
  if (report.errors.length > 0) throw new ValidationError(report.errors);
  return renderValidatedLocalTwin(app, options);
}

/** Renders the local twin of a model that `validateModel` has accepted (synthesis validates once). */
export function renderValidatedLocalTwin(app: ApplicationSpec, options: ComposeRenderOptions): LocalTwin {
  checkEncodable(app);
  const variables = new Map<string, string>();
  const imageNames = localImageNames(app, options.outputDirectory);
  const services: Record<string, ComposeService> = {};
  for (const w of [...app.workloads].sort(byName)) {
    services[w.name] = renderWorkload(app, w, options, imageNames, variables);
  }
  for (const ds of [...(app.dataServices ?? [])].sort(byName)) {
    services[ds.name] = renderDataService(app, ds, variables);
  }
  Object.assign(services, renderAwsStandIns(app, variables, escape));
  const configs: Record<string, { content: string } | { file: string }> = {};
  for (const w of [...app.workloads].sort(byName)) {
    const files = configFileNames(w);
    if (files.length === 0) continue;
    // A file of the developer's machine stays a file: compose reads it as it is when it creates the container.
    files.forEach(
      ({ config, file }) =>
        (configs[config] = file.source
          ? { file: escape(relativeToCompose(options.outputDirectory, file.source)) }
          : { content: escape(file.content) }),
    );
    services[w.name] = {
      ...services[w.name],
      configs: files.map(({ config, file }) => ({ source: config, target: file.path })),
    };
  }
  for (const lb of app.loadBalancers) {
    const config = `${lb.name}-nginx-conf`;
    configs[config] = { content: escape(renderNginxConfig(lb)) };
    services[lb.name] = renderProxy(app, lb, config);
  }
  const usedVolumes = [
    ...new Set([
      ...app.workloads.flatMap((w) => w.mounts.map((m) => m.volume)),
      ...(app.dataServices ?? []).filter((d) => d.local.dataPath).map((d) => dataVolume(d)),
      ...standInVolumes(app),
    ]),
  ].sort(compareStrings);
  const layout = joinNetworks(app, services);
  const compose: ComposeDocument = {
    name: projectName(app),
    services: sortKeys(layout.services),
    ...(layout.networks ? { networks: layout.networks } : {}),
    ...(usedVolumes.length ? { volumes: Object.fromEntries(usedVolumes.map((v) => [v, {}])) } : {}),
    ...(Object.keys(configs).length ? { configs: sortKeys(configs) } : {}),
  };
  return {
    compose,
    variables: [...variables.entries()].sort(byKey).map(([name, description]) => ({ name, description })),
  };
}

function renderWorkload(
  app: ApplicationSpec,
  w: WorkloadSpec,
  options: ComposeRenderOptions,
  imageNames: Map<string, string>,
  variables: Map<string, string>,
): ComposeService {
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.environment)) environment[k] = escape(v);
  Object.assign(environment, startVariableValues(w, variables, escape));
  for (const [k, ref] of Object.entries(w.secrets)) environment[k] = secretVariable(app, ref, variables);
  const envFiles = environmentFiles(w, options.outputDirectory, escape);
  const watch = developWatch(w, options.outputDirectory, escape);
  const volumes = [
    ...w.mounts.map((m) => ({
      type: 'volume' as const,
      source: m.volume,
      target: m.path,
      ...(m.readOnly ? { read_only: true } : {}),
    })),
    ...bindVolumes(w, options.outputDirectory, escape),
  ];
  const dependsOn: Record<string, ComposeDependsOnCondition> = {};
  const dependencyOptions = new Map(w.dependsOn.map((d) => [d.target, d]));
  for (const d of w.dependsOn) dependsOn[d.target] = CONDITIONS[d.condition];
  for (const c of w.connections ?? []) {
    const ds = (app.dataServices ?? []).find((d) => d.name === c.target)!;
    for (const [variable, value] of Object.entries(c.variables)) {
      environment[variable] = connectionValue(app, ds, value, variables, c.urls?.[variable]?.local);
    }
    if (c.tls) environment[c.tls.variable] = escape(c.tls.local);
    dependsOn[ds.name] = 'service_healthy';
  }
  const resources = resourceConnectionEnvironment(app, w, variables);
  for (const [k, v] of Object.entries(resources.environment)) environment[k] = v;
  if (resources.initJob) dependsOn[resources.initJob] = 'service_completed_successfully';
  const image = renderImage(w.image, options, imageNames, variables);
  const exposed = w.ports.filter((p) => p.hostPort === undefined);
  const published = w.ports.filter((p) => p.hostPort !== undefined);
  const deps = Object.entries(dependsOn)
    .sort(byKey)
    .map(([target, condition]) => ({ target, condition }));
  const profiles = w.run?.kind === 'schedule' ? [JOBS_PROFILE] : w.profile !== undefined ? [w.profile] : [];
  return {
    ...(profiles.length ? { profiles } : {}),
    ...image,
    ...(w.localPlatform ? { platform: w.localPlatform } : {}),
    ...(w.entrypoint ? { entrypoint: w.entrypoint.map(escape) } : {}),
    ...(w.command ? { command: w.command.map(escape) } : {}),
    ...(w.workingDirectory ? { working_dir: escape(w.workingDirectory) } : {}),
    ...(w.user ? { user: escape(w.user) } : {}),
    // Compose's watch copies synced files into the container's own filesystem: a read-only root refuses
    // them (and Compose only warns). Writable locally then, the stand-in `development`.
    ...(w.readOnlyRootFilesystem && !syncsFiles(w) ? { read_only: true } : {}),
    ...(w.writablePaths?.length
      ? { tmpfs: w.writablePaths.map((p) => `${escape(p)}:mode=${WRITABLE_PATH_MODE}`) }
      : {}),
    ...(envFiles.length ? { env_file: envFiles } : {}),
    ...renderContainerSettings(w),
    ...(Object.keys(environment).length ? { environment: sortKeys(environment) } : {}),
    ...(exposed.length
      ? { expose: exposed.map((p) => withTransport(String(p.containerPort), p.protocol)) }
      : {}),
    ...(published.length
      ? { ports: published.map((p) => withTransport(publish(app, p.hostPort!, p.containerPort), p.protocol)) }
      : {}),
    ...(w.healthCheck ? { healthcheck: renderHealthcheck(w.healthCheck) } : {}),
    ...(deps.length
      ? {
          depends_on: Object.fromEntries(
            deps.map((d) => {
              const declared = dependencyOptions.get(d.target);
              return [
                d.target,
                {
                  condition: d.condition,
                  ...(declared?.restart ? { restart: true } : {}),
                  ...(declared?.optional ? { required: false } : {}),
                },
              ];
            }),
          ),
        }
      : {}),
    ...(volumes.length ? { volumes } : {}),
    restart: w.restart ?? defaultRestart(w.kind),
    ...renderLocalLimits(w),
    ...(watch.length ? { develop: { watch } } : {}),
  };
}

/**
 * Every literal the local twin carries can be written as UTF-8: a lone surrogate cannot (see
 * LONE_SURROGATE_RULE), so it is a ValidationError naming the workload and the prop that holds it.
 */
function checkEncodable(app: ApplicationSpec): void {
  const check = (path: string, prop: string, value: string | undefined) => {
    if (value !== undefined && hasLoneSurrogate(value)) throw invalid(path, prop, value, LONE_SURROGATE_RULE);
  };
  for (const w of app.workloads) {
    for (const [k, v] of Object.entries(w.environment)) check(w.path, `environment.${k}`, v);
    (w.command ?? []).forEach((v, i) => check(w.path, `command[${i}]`, v));
    (w.entrypoint ?? []).forEach((v, i) => check(w.path, `entrypoint[${i}]`, v));
    check(w.path, 'workingDirectory', w.workingDirectory);
    check(w.path, 'user', w.user);
    for (const [k, v] of Object.entries(w.labels ?? {})) check(w.path, `labels.${k}`, v);
    (w.configFiles ?? []).forEach((f, i) => check(w.path, `configFiles[${i}].content`, f.content));
    if (w.image.kind === 'directory') {
      for (const [k, v] of Object.entries(w.image.buildArgs)) check(w.path, `image.buildArgs.${k}`, v);
    }
  }
}

/** The named volume holding a data service's local data. */
function dataVolume(ds: DataServiceSpec): string {
  return localDataVolume(ds.name, ds.local.volumeName);
}

/** `${VAR:?...}` for a secret, recording the variable for `.env.example`. */
function secretVariable(
  app: ApplicationSpec,
  ref: SecretReferenceSpec,
  variables: Map<string, string>,
): string {
  variables.set(ref.localVariable, describeSecret(app, ref));
  return `\${${ref.localVariable}:?set ${ref.localVariable} in .env}`;
}

/**
 * The local value of one connection value: the stand-in's name, port and credentials; a URL with the
 * declared parts, or the data service's own.
 */
function connectionValue(
  app: ApplicationSpec,
  ds: DataServiceSpec,
  value: ConnectionValue,
  variables: Map<string, string>,
  url?: UrlPartsSpec,
): string {
  const v = ds.values;
  switch (value) {
    case 'host':
      return v.host;
    case 'port':
      return String(v.port);
    case 'database':
      return escape(v.database ?? '');
    case 'username':
      return escape(v.username ?? '');
    case 'password':
      return secretVariable(app, v.password!, variables);
    case 'url': {
      const credentials = v.password
        ? `${escape(v.username ?? '')}:${secretVariable(app, v.password, variables)}@`
        : '';
      if (url) {
        const query = url.query ? `?${url.query}` : '';
        return `${url.scheme}://${credentials}${v.host}:${v.port}${escape(url.path + query)}`;
      }
      const query = v.urlQuery ? `${v.database ? '' : '/'}?${escape(v.urlQuery)}` : '';
      return `${v.scheme}://${credentials}${v.host}:${v.port}${v.database ? `/${escape(v.database)}` : ''}${query}`;
    }
  }
}

/**
 * The local stand-in of a managed data service: the engine's official image with a named volume for its
 * data, a health check connected workloads wait for, and the credentials from `.env`.
 */
function renderDataService(
  app: ApplicationSpec,
  ds: DataServiceSpec,
  variables: Map<string, string>,
): ComposeService {
  const l = ds.local;
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(l.environment)) environment[k] = escape(v);
  for (const [k, ref] of Object.entries(l.secrets)) environment[k] = secretVariable(app, ref, variables);
  const user = standInUser(ds);
  return {
    image: escape(l.image),
    ...(user ? { user } : {}),
    ...(l.command ? { command: l.command.map(escape) } : {}),
    ...(Object.keys(environment).length ? { environment: sortKeys(environment) } : {}),
    ...(l.hostPort !== undefined
      ? { ports: [publish(app, l.hostPort, l.port)] }
      : { expose: [String(l.port)] }),
    healthcheck: renderHealthcheck(l.healthCheck),
    ...(l.dataPath
      ? { volumes: [{ type: 'volume' as const, source: dataVolume(ds), target: l.dataPath }] }
      : {}),
    restart: 'unless-stopped',
  };
}

/**
 * The non-root user each official image of a stand-in documents and owns its data directory with: the
 * entrypoints of postgres, mysql, redis, valkey, rabbitmq and mongo start as root only to switch to it
 * (and run as it directly when started as it); opensearch's image runs as its own user already. A stand-in
 * with another image (`localImage`) keeps that image's user.
 */
const STAND_IN_USERS: Readonly<Record<string, string>> = {
  postgres: 'postgres',
  mysql: 'mysql',
  redis: 'redis',
  'valkey/valkey': 'valkey',
  rabbitmq: 'rabbitmq',
  mongo: 'mongodb',
};

/** The user a data service's stand-in runs as, when its image is an official one that has one. */
/** Whether compose watch copies files into the workload's containers (a `sync` or `sync+restart` rule). */
function syncsFiles(w: Pick<WorkloadSpec, 'development'>): boolean {
  return (w.development?.watch ?? []).some((r) => r.action === 'sync' || r.action === 'sync+restart');
}

export function standInUser(ds: Pick<DataServiceSpec, 'local'>): string | undefined {
  const name = ds.local.image
    .replace(/@.*$/, '')
    .replace(/:[^/:]*$/, '')
    .replace(/^(docker\.io\/)?(library\/)?/, '');
  return Object.hasOwn(STAND_IN_USERS, name) ? STAND_IN_USERS[name] : undefined;
}

/**
 * The local stand-in of a load balancer: nginx with a configuration generated from the same routes,
 * carried inline (`configs.content`) so the compose file is self-contained. It listens on the HTTP
 * listener's port (plain HTTP also when the cloud twin serves HTTPS) and waits for the routed services.
 * It runs as its image's user: the official nginx image's master process needs root for its pid file and
 * caches, which only the image's own nginx.conf can move; `localProxyImage` can name an unprivileged variant.
 */
/**
 * A published port in compose's short syntax, bound to the application's `localHostIp` (this machine
 * only, by default); an IPv6 address is written in brackets, as compose parses it.
 */
export function publish(app: ApplicationSpec, host: number, container: number): string {
  const ip = app.localHostIp ?? DEFAULT_LOCAL_HOST_IP;
  return `${ip.includes(':') ? `[${ip}]` : ip}:${host}:${container}`;
}

function renderProxy(app: ApplicationSpec, lb: LoadBalancerSpec, config: string): ComposeService {
  const targets = [...new Set(lb.routes.map((r) => r.service))].sort(compareStrings);
  return {
    image: lb.localProxyImage,
    ports: [publish(app, lb.localPort, lb.httpPort)],
    configs: [{ source: config, target: '/etc/nginx/conf.d/default.conf' }],
    ...(targets.length
      ? { depends_on: Object.fromEntries(targets.map((t) => [t, { condition: 'service_started' as const }])) }
      : {}),
    restart: 'unless-stopped',
  };
}

function renderImage(
  image: ImageSpec,
  options: ComposeRenderOptions,
  imageNames: Map<string, string>,
  variables: Map<string, string>,
): { image?: string; build?: ComposeBuild } {
  switch (image.kind) {
    case 'registry':
      return { image: escape(image.reference) };
    case 'ecr': {
      if (!image.registry) {
        variables.set(
          'AWS_ACCOUNT_ID',
          'AWS account that holds the ECR repositories the cloud twin pulls from',
        );
        variables.set('AWS_REGION', 'AWS region of those ECR repositories');
      }
      const ref = image.digest ? `@${image.digest}` : `:${image.tag}`;
      return { image: `${image.registry ?? ECR_REGISTRY_VARIABLES}/${image.repositoryName}${ref}` };
    }
    case 'directory': {
      const build = buildOf(image, options.outputDirectory);
      return {
        image: imageNames.get(JSON.stringify(build))!,
        build,
      };
    }
  }
}

function buildOf(image: Extract<ImageSpec, { kind: 'directory' }>, outputDirectory: string): ComposeBuild {
  const relative = path.relative(outputDirectory, image.directory).split(path.sep).join('/');
  const args = Object.entries(image.buildArgs);
  return {
    context: relative === '' ? '.' : relative.startsWith('..') ? relative : `./${relative}`,
    ...(image.file !== 'Dockerfile' ? { dockerfile: image.file } : {}),
    ...((image.localTarget ?? image.target) ? { target: image.localTarget ?? image.target } : {}),
    ...(args.length ? { args: Object.fromEntries(args.map(([k, v]) => [k, escape(v)])) } : {}),
    ...(image.platforms?.length ? { platforms: [...image.platforms] } : {}),
  };
}

/**
 * One local image name per distinct build, so services that share a build share one image:
 * `<app>-<directory>[-<target>]`, with a numeric suffix when two different builds would collide.
 */
function localImageNames(app: ApplicationSpec, outputDirectory: string): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const builds = app.workloads
    .map((w) => w.image)
    .filter((i): i is Extract<ImageSpec, { kind: 'directory' }> => i.kind === 'directory')
    .map((i) => ({ key: JSON.stringify(buildOf(i, outputDirectory)), image: i }))
    .sort((a, b) => compareStrings(a.key, b.key));
  for (const { key, image } of builds) {
    if (names.has(key)) continue;
    const stem = [app.name, path.basename(image.directory), image.localTarget ?? image.target]
      .filter(Boolean)
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-');
    let name = `${stem}:local`;
    for (let i = 2; taken.has(name); i++) name = `${stem}-${i}:local`;
    taken.add(name);
    names.set(key, name);
  }
  return names;
}

function renderHealthcheck(h: HealthCheckSpec) {
  return {
    test: h.test.map(escape),
    interval: `${h.intervalSeconds}s`,
    timeout: `${h.timeoutSeconds}s`,
    retries: h.retries,
    ...(h.startPeriodSeconds > 0 ? { start_period: `${h.startPeriodSeconds}s` } : {}),
    ...(h.startIntervalSeconds !== undefined ? { start_interval: `${h.startIntervalSeconds}s` } : {}),
  };
}

/** The compose project (and Service Connect namespace) name: `<name>-<stage>` for a stage's model. */
export function projectName(app: Pick<ApplicationSpec, 'name' | 'stage'>): string {
  return app.stage ? `${app.name}-${app.stage}` : app.name;
}

/** The compose config names of a workload's files: `<workload>-<file name>`, numbered when two collide. */
export function configFileNames(
  w: WorkloadSpec,
): { config: string; file: NonNullable<WorkloadSpec['configFiles']>[number] }[] {
  const taken = new Set<string>();
  return (w.configFiles ?? []).map((file) => {
    const stem = `${w.name}-${path.posix.basename(file.path)}`;
    let config = stem;
    for (let i = 2; taken.has(config); i++) config = `${stem}-${i}`;
    taken.add(config);
    return { config, file };
  });
}

function describeSecret(app: ApplicationSpec, ref: SecretReferenceSpec): string {
  const secret = app.secrets.find((s) => s.name === ref.secret);
  const where =
    secret?.source.kind === 'managed'
      ? `the credentials ${secret.source.service} keeps in Secrets Manager in the cloud twin`
      : secret?.source.kind === 'generated'
        ? 'generated in Secrets Manager by the cloud twin'
        : `Secrets Manager secret '${secret?.source.kind === 'imported' ? secret.source.secretName : ref.secret}' in the cloud twin`;
  return `${ref.field ? `field '${ref.field}' of ` : ''}${where}`;
}

/** Literal text in a compose file: `$` starts an interpolation there, so it is doubled. */
function escape(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(byKey));
}

/**
 * Serialises the compose document as YAML with a header saying where it came from, in a form every compose
 * implementation reads as meant, YAML 1.1 and 1.2 readers alike: a string any of them would read as another
 * type (`yes`, `0o17`, `1:20`) is quoted. A string holding a lone UTF-16 surrogate, which no YAML can
 * carry, is a ValidationError.
 *
 * @param doc - a rendered local twin (`renderLocalTwin(...).compose`), or its docker-compose 1.29 form
 * @param header - more lines for the header comment, after the two that say where the file came from
 * @param application - the application named in the header (by default the document's `name`)
 */
export function composeToYaml(
  doc: ComposeDocument | DockerCompose129Document,
  header: readonly string[] = [],
  application: string = 'name' in doc ? doc.name : '',
): string {
  const lines = [
    ` Local twin of application '${application}', rendered by twinstack from the same model as its cloud twin.`,
    ' Do not edit: change the application and run `twinstack compose` again.',
    ...header.map((h) => ` ${h}`),
  ];
  return writeYaml(doc, { owner: application || 'compose file', comment: lines });
}

/** Notes for the compose file's header: what the local twin does differently from the cloud twin. */
export function localTwinNotes(app: ApplicationSpec): string[] {
  const notes: string[] = [];
  if (app.stage) notes.push(`Stage '${app.stage}': rendered from the settings of that stage.`);
  const profiles = [
    ...new Set(app.workloads.filter((w) => w.profile !== undefined).map((w) => w.profile!)),
  ].sort(compareStrings);
  for (const p of profiles) {
    const members = app.workloads
      .filter((w) => w.profile === p)
      .map((w) => w.name)
      .sort(compareStrings);
    const inCloud = (app.profiles ?? []).includes(p);
    notes.push(
      `Profile ${p} (${members.join(', ')}): optional, started with \`--profile ${p}\` or COMPOSE_PROFILES=${p}; ${inCloud ? 'included' : 'not included'} in the cloud twin${app.stage ? ` of stage '${app.stage}'` : ''}.`,
    );
  }
  for (const w of [...app.workloads].sort(byName)) {
    if (w.run?.kind === 'schedule') {
      notes.push(
        `${w.name}: runs on ${w.run.expression}${w.run.timeZone ? ` (${w.run.timeZone})` : ''} in the cloud; locally on demand: \`docker compose run --rm ${w.name}\`.`,
      );
    } else if (w.run?.kind === 'deployment') {
      notes.push(`${w.name}: runs once per deployment in the cloud; locally on every \`docker compose up\`.`);
    }
  }
  for (const w of [...app.workloads].sort(byName)) {
    if (w.kind !== 'service') continue;
    if (w.autoScaling) {
      notes.push(
        `${w.name}: ${w.autoScaling.minCapacity}-${w.autoScaling.maxCapacity} tasks (autoscaled${w.autoScaling.metric ? ` on ${w.autoScaling.metric.metric}` : ''}) in the cloud; 1 container locally.`,
      );
    } else if (w.desiredCount !== 1) {
      notes.push(`${w.name}: ${w.desiredCount} tasks in the cloud; 1 container locally.`);
    }
  }
  for (const lb of [...app.loadBalancers].sort(byName)) {
    notes.push(
      lb.httpsPort !== undefined
        ? `${lb.name}: HTTPS on ${lb.httpsPort} in the cloud (HTTP ${lb.httpPort} redirects there); locally the same routes over plain HTTP on localhost:${lb.localPort}.`
        : `${lb.name}: the load balancer's routes, reproduced by an nginx proxy on localhost:${lb.localPort}.`,
    );
  }
  return notes;
}

/**
 * Renders the local twin and serialises it: the compose file's text, the `.env.example` text, and the
 * files the compose file mounts (by path relative to it; none unless `options.compatibility` asks for them).
 */
export function renderLocalTwinFiles(app: ApplicationSpec, options: ComposeRenderOptions): LocalTwinTexts {
  return serializeLocalTwin(app, renderLocalTwin(app, options), options);
}

/** The texts of the local twin files. */
export interface LocalTwinTexts {
  /** The compose file. */
  readonly compose: string;
  /** `.env.example`: every variable the compose file reads. */
  readonly envExample: string;
  /** Files the compose file mounts, by path relative to it. */
  readonly files: Readonly<Record<string, string>>;
}

/** Serialises `twin`, the rendered local twin of `app` (see renderLocalTwinFiles). */
export function serializeLocalTwin(
  app: ApplicationSpec,
  twin: LocalTwin,
  options: ComposeRenderOptions,
): LocalTwinTexts {
  const envExample = renderEnvExample(twin);
  if (options.compatibility === 'docker-compose-1.29') {
    const compat = forDockerCompose129(twin.compose);
    const compose = composeToYaml(compat.compose, [...localTwinNotes(app), ...compat.notes], app.name);
    return { compose, envExample, files: compat.files };
  }
  return { compose: composeToYaml(twin.compose, localTwinNotes(app)), envExample, files: {} };
}

/**
 * Renders `.env.example`: every variable the local twin reads, empty, with where the cloud twin gets it.
 * A description is one comment line whatever it holds: line breaks and other controls (which the `.env`
 * readers of both compose versions, and Python's `splitlines`, take as the end of a line) are escapes.
 * A variable name no `.env` file can define is a ValidationError.
 */
export function renderEnvExample(twin: LocalTwin): string {
  const lines = [
    `# Variables the local twin of '${twin.compose.name}' reads. Copy to .env and fill in; never commit .env.`,
  ];
  for (const v of twin.variables) {
    if (!ENV_NAME_PATTERN.test(v.name)) {
      throw invalid(
        twin.compose.name,
        'localVariable',
        v.name,
        'cannot be defined in a .env file; use letters, digits, "_", "." or "-", not starting with a digit',
      );
    }
    lines.push('', `# ${escapeControls(v.description)}`, `${v.name}=`);
  }
  return `${lines.join('\n')}\n`;
}
