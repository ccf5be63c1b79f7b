import * as path from 'path';
import { ecsHealthCheck } from '../aws/health-check';
import { renderNginxConfig } from '../compose/proxy-config';
import type { ApplicationSpec, LoadBalancerSpec, RouteSpec } from '../model/spec';
import { compareStrings } from '../model/order';
import { jobsWithoutHost } from '../model/validate';
import {
  assetHashOf,
  CloudContainer,
  CloudHealthCheck,
  CloudLoadBalancer,
  CloudRouteRow,
  CloudService,
  readCloudTwin,
} from './cloud-twin';
import { buildContextDifference, CloudImageBuild } from './image-builds';
import { connectionVariables, managedStandIns, StandInKind } from './stand-ins';
import { JOBS_PROFILE } from '../model/profiles';

/** How one compared field of the twins relates. */
export type ParityKind = 'same' | 'stand-in' | 'error';

/** One compared field of one service (or job, or load balancer). */
export interface ParityEntry {
  /** Name of the service, job or load balancer in both twins. */
  readonly service: string;
  /** The compared field, e.g. `command`, `environment.LOG_LEVEL`, `healthCheck.timing`. */
  readonly field: string;
  /** The cloud twin's value, rendered for humans; undefined when absent. */
  readonly cloud?: string;
  /** The local twin's value, rendered for humans; undefined when absent. */
  readonly local?: string;
  readonly kind: ParityKind;
  /** The declared stand-in, for kind `stand-in`. */
  readonly standIn?: StandInKind;
  /** Why the values differ (a stand-in) or what is wrong (an error). */
  readonly reason?: string;
}

/** A field where the twins differ: a declared stand-in or an error. */
export interface ParityDifference extends ParityEntry {
  readonly kind: 'stand-in' | 'error';
  readonly reason: string;
}

/** The result of a parity check. */
export interface ParityReport {
  /** Name of the application (the compose project). */
  readonly application: string;
  /** Every compared field, by service, in report order. */
  readonly entries: readonly ParityEntry[];
  /** Every field where the twins differ. */
  readonly differences: readonly ParityDifference[];
  /** The differences that are errors. */
  readonly errors: readonly ParityDifference[];
  /** What could not be compared, and why. */
  readonly notes: readonly string[];
}

/** Inputs of the parity check besides the two documents. */
export interface ParityOptions {
  /** Container-image assets of the cloud twin by content hash (from the stack's asset manifest). */
  readonly imageBuilds?: ReadonlyMap<string, CloudImageBuild>;
  /**
   * Directory the compose file lives in; its build contexts are relative to it.
   * @default - the working directory
   */
  readonly composeDirectory?: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type ComposeService = Record<string, any>;

const NGINX_CONF = '/etc/nginx/conf.d/default.conf';
const ARCHITECTURES: Record<string, string> = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' };
const CONTAINER_CONDITIONS: Record<string, string> = {
  SUCCESS: 'service_completed_successfully',
  START: 'service_started',
  HEALTHY: 'service_healthy',
  COMPLETE: 'service_completed (no compose equivalent)',
};

/**
 * Compares the two rendered twins of one application: the synthesized CloudFormation template and the
 * compose document (parsed YAML), never the model with itself. For each service and job: presence, image
 * (registry reference, or asset vs build context, Dockerfile, target, arguments), platform, resources,
 * command, entrypoint, working directory, user, environment names and literal values, secret names, ports,
 * health check, dependencies and their conditions, volumes and mount paths, task count; for each load
 * balancer: the proxy service, its published port, its configuration and the listener rules.
 *
 * `spec` (the model both were rendered from) declares what may differ: load balancers and their routes
 * (the proxy's configuration is rendered from them), host ports, data services that are managed in the
 * cloud and containers locally, jobs without dependents. Every difference is reported as one of the
 * STAND_IN_KINDS it declares, or as an error.
 */
export function checkParity(
  template: unknown,
  compose: unknown,
  spec?: ApplicationSpec,
  options: ParityOptions = {},
): ParityReport {
  const doc = (compose ?? {}) as {
    name?: string;
    services?: Record<string, ComposeService>;
    volumes?: any;
    configs?: any;
  };
  const application = doc.name ?? spec?.name ?? '';
  const cloud = readCloudTwin(template, application);
  const local: Record<string, ComposeService> = doc.services ?? {};
  const entries: ParityEntry[] = [];
  const notes: string[] = [];
  const ctx: Context = {
    cloud: new Map(cloud.services.map((s) => [s.name, s])),
    byLogicalId: new Map(cloud.services.map((s) => [s.logicalId, s])),
    jobs: new Map(),
    jobTasks: new Map(cloud.jobTasks.map((t) => [t.name, t])),
    configs: doc.configs ?? {},
    local,
    namedVolumes: new Set(Object.keys(doc.volumes ?? {})),
    managed: managedStandIns(spec),
    connections: connectionVariables(spec),
    unhostedJobs: new Set(spec ? jobsWithoutHost(spec).map((w) => w.name) : []),
    spec,
    options,
    notes,
  };
  for (const s of [...cloud.services, ...cloud.jobTasks]) {
    for (const c of s.containers) {
      if (c.essential || c.role !== undefined) continue;
      ctx.jobs.set(c.name, [...(ctx.jobs.get(c.name) ?? []), { host: s, container: c }]);
    }
  }
  const proxies = new Set(
    spec
      ? spec.loadBalancers.map((lb) => lb.name)
      : Object.entries(local)
          .filter(([, s]) => (s.configs ?? []).some((c: any) => c?.target === NGINX_CONF))
          .map(([n]) => n),
  );

  const names = [
    ...new Set([...ctx.cloud.keys(), ...ctx.jobs.keys(), ...ctx.jobTasks.keys(), ...Object.keys(local)]),
  ]
    .filter((n) => !proxies.has(n))
    .sort(compareStrings);
  for (const name of names) entries.push(...compareWorkload(ctx, name));

  if (spec) {
    // Load balancers without routes can be paired only with the model's own route-less ones.
    const routeless = spec.loadBalancers.filter((lb) => lb.routes.length === 0);
    const unmatched = cloud.loadBalancers.filter((c) => !c.routeless);
    const pairs = new Map([
      ...pairLoadBalancers(
        spec.loadBalancers.filter((lb) => lb.routes.length > 0),
        unmatched,
      ),
      ...pairLoadBalancers(
        routeless,
        cloud.loadBalancers.filter((c) => c.routeless),
      ),
    ]);
    for (const lb of [...spec.loadBalancers].sort((a, b) => compareStrings(a.name, b.name))) {
      const paired = pairs.get(lb);
      if (paired && unmatched.includes(paired)) unmatched.splice(unmatched.indexOf(paired), 1);
      entries.push(...compareLoadBalancer(ctx, lb, paired, doc.configs ?? {}));
    }
    for (const extra of unmatched) {
      entries.push(
        error(
          extra.logicalId,
          'presence',
          describeLb(extra),
          undefined,
          'a load balancer of the cloud twin has no local proxy in the model',
        ),
      );
    }
  } else {
    // Without the model, a load balancer without routes is taken for the application's when it has services.
    for (const lb of cloud.loadBalancers.filter((c) => !c.routeless || cloud.services.length > 0)) {
      const proxy = [...proxies].find((p) => publishedContainerPorts(local[p]).includes(lb.port ?? -1));
      entries.push(
        proxy
          ? standIn(
              proxy,
              'load balancer',
              describeLb(lb),
              describeProxy(local[proxy]),
              'load-balancer',
              'the local proxy stands in for the load balancer',
            )
          : error(
              lb.logicalId,
              'presence',
              describeLb(lb),
              undefined,
              'no local proxy service publishes the listener port',
            ),
      );
    }
    if (cloud.loadBalancers.length > 0)
      notes.push('routes were not compared: they are checked against the model, and no model was given');
  }

  const differences = entries.filter((e): e is ParityDifference => e.kind !== 'same');
  return { application, entries, differences, errors: differences.filter((d) => d.kind === 'error'), notes };
}

interface Context {
  readonly cloud: Map<string, CloudService>;
  readonly byLogicalId: Map<string, CloudService>;
  readonly jobs: Map<string, { host: CloudService; container: CloudContainer }[]>;
  /** Jobs with a task of their own (run during deployments or on a schedule), by name. */
  readonly jobTasks: Map<string, CloudService>;
  /** The compose document's top-level configs. */
  readonly configs: Record<string, any>;
  readonly local: Record<string, ComposeService>;
  readonly namedVolumes: Set<string>;
  readonly managed: ReturnType<typeof managedStandIns>;
  readonly connections: ReturnType<typeof connectionVariables>;
  /** Jobs of the model that the cloud twin has nowhere to run (see jobsWithoutHost). */
  readonly unhostedJobs: ReadonlySet<string>;
  readonly spec?: ApplicationSpec;
  readonly options: ParityOptions;
  readonly notes: string[];
}

interface Instance {
  readonly host: CloudService;
  readonly container: CloudContainer;
  readonly job: boolean;
  /** A job in a task of its own: its resources are the task's. */
  readonly ownTask?: boolean;
}

function compareWorkload(ctx: Context, name: string): ParityEntry[] {
  const local = ctx.local[name];
  const service = ctx.cloud.get(name);
  const hosted = ctx.jobs.get(name) ?? [];
  const own = ctx.jobTasks.get(name);
  const instances: Instance[] = service
    ? [{ host: service, container: service.containers.find((c) => c.name === name)!, job: false }]
    : own
      ? [{ host: own, container: own.containers.find((c) => c.name === name)!, job: true, ownTask: true }]
      : hosted.map((h) => ({ ...h, job: true }));
  const specWorkload = ctx.spec?.workloads.find((w) => w.name === name);
  if (!local) {
    return [
      error(
        name,
        'presence',
        service
          ? 'ECS service'
          : own
            ? describeOwnTask(own)
            : `container in tasks of ${hosted.map((h) => h.host.name).join(', ')}`,
        undefined,
        'the cloud twin runs it; the local twin has no such service',
      ),
    ];
  }
  const localProfiles = (listOf(local.profiles) ?? []).map(String);
  if (instances.length === 0 && specWorkload?.profile !== undefined) {
    const included = (ctx.spec?.profiles ?? []).includes(specWorkload.profile);
    return [
      included
        ? error(
            name,
            'presence',
            undefined,
            `compose service (profile ${localProfiles.join(', ') || '-'})`,
            `the stage includes profile '${specWorkload.profile}', but the cloud twin has no container of that name`,
          )
        : localProfiles.includes(specWorkload.profile)
          ? standIn(
              name,
              'presence',
              undefined,
              `compose service, profile ${specWorkload.profile}`,
              'profile',
              `an optional part (profile '${specWorkload.profile}') the cloud twin${ctx.spec?.stage ? ` of stage '${ctx.spec.stage}'` : ''} does not include`,
            )
          : error(
              name,
              'presence',
              undefined,
              'compose service',
              `the model puts it in profile '${specWorkload.profile}', but the local twin does not`,
            ),
    ];
  }
  if (instances.length === 0) {
    const managed = ctx.managed.get(name);
    if (managed)
      return [
        standIn(
          name,
          'presence',
          managed.cloud,
          managed.local,
          'managed-service',
          'declared by the model: managed in the cloud, a container locally',
        ),
      ];
    const specJob = ctx.spec?.workloads.find((w) => w.name === name && w.kind === 'job');
    if (specJob && ctx.unhostedJobs.has(name)) {
      return [
        standIn(
          name,
          'presence',
          undefined,
          'compose service (runs once)',
          'job-without-dependents',
          'a job no service of the cloud twin waits for has no task to run in (warning twinstack:job-without-dependents)',
        ),
      ];
    }
    return [
      error(
        name,
        'presence',
        undefined,
        'compose service',
        'the local twin runs it; the cloud twin has no container of that name',
      ),
    ];
  }

  // Compare every instance (a job runs in each dependent's task) and keep each distinct outcome once.
  const all = instances.flatMap((i) =>
    compareInstance(ctx, name, local, i).map((e) => ({ e, host: i.host.name })),
  );
  const out: ParityEntry[] = [];
  if (specWorkload?.profile !== undefined) {
    out.push(
      localProfiles.includes(specWorkload.profile)
        ? standIn(
            name,
            'profile',
            `included (the stage enables ${specWorkload.profile})`,
            `profile ${specWorkload.profile}`,
            'profile',
            'an optional part: always running in this cloud twin, started on request locally',
          )
        : error(
            name,
            'profile',
            `included (the stage enables ${specWorkload.profile})`,
            localProfiles.join(', ') || undefined,
            `the model puts it in profile '${specWorkload.profile}', but the local twin does not`,
          ),
    );
  } else if (
    localProfiles.length > 0 &&
    !(own?.kind === 'scheduled-job' && localProfiles.join() === JOBS_PROFILE)
  ) {
    out.push(
      error(
        name,
        'profile',
        undefined,
        localProfiles.join(', '),
        'the local twin makes it optional; the model does not',
      ),
    );
  }
  if (own) {
    out.push(...compareOwnTask(ctx, name, own, local, localProfiles));
  } else if (instances[0].job) {
    out.push(
      standIn(
        name,
        'presence',
        `container in tasks of ${instances.map((i) => i.host.name).join(', ')}`,
        'compose service (runs once)',
        'job-placement',
        'a job runs before its dependents in their own tasks in the cloud',
      ),
    );
  }
  const fields = [...new Set(all.map((x) => x.e.field))];
  for (const field of fields) {
    const outcomes = all.filter((x) => x.e.field === field);
    const distinct = new Map(
      outcomes.map((x) => [JSON.stringify([x.e.kind, x.e.cloud, x.e.local, x.e.reason]), x]),
    );
    if (distinct.size === 1 && outcomes.length === instances.length) out.push(outcomes[0].e);
    else
      for (const x of outcomes)
        out.push({
          ...x.e,
          ...(x.e.cloud !== undefined ? { cloud: `in task of ${x.host}: ${x.e.cloud}` } : {}),
        });
  }
  return dedupe(out);
}

function describeOwnTask(task: CloudService): string {
  return task.kind === 'scheduled-job'
    ? `ECS task on schedule ${task.schedule?.expression ?? '?'}`
    : 'ECS task run during deployments';
}

/** The presence of a job with a task of its own: how it is started in each twin. */
function compareOwnTask(
  ctx: Context,
  name: string,
  own: CloudService,
  local: ComposeService,
  localProfiles: readonly string[],
): ParityEntry[] {
  const run = ctx.spec?.workloads.find((w) => w.name === name)?.run;
  if (own.kind === 'scheduled-job') {
    const expression = own.schedule?.expression ?? '';
    const zone = own.schedule?.timeZone ? ` (${own.schedule.timeZone})` : '';
    const out: ParityEntry[] = [];
    if (!localProfiles.includes(JOBS_PROFILE)) {
      out.push(
        error(
          name,
          'schedule',
          `${expression}${zone}`,
          localProfiles.join(', ') || undefined,
          `a scheduled job belongs to the local profile '${JOBS_PROFILE}'`,
        ),
      );
    } else if (
      run &&
      (run.kind !== 'schedule' ||
        run.expression !== expression ||
        (run.timeZone ?? 'Etc/UTC') !== (own.schedule?.timeZone ?? 'Etc/UTC'))
    ) {
      out.push(
        error(
          name,
          'schedule',
          `${expression}${zone}`,
          run.kind === 'schedule' ? `${run.expression}${run.timeZone ? ` (${run.timeZone})` : ''}` : run.kind,
          'the cloud schedule is not the one the model declares',
        ),
      );
    } else {
      out.push(
        standIn(
          name,
          'presence',
          `EventBridge Scheduler ${expression}${zone}`,
          `profile ${JOBS_PROFILE}: docker compose run --rm ${name}`,
          'scheduled-job',
          'a scheduled job runs on its schedule in the cloud and on demand locally',
        ),
      );
    }
    return out;
  }
  if (run && run.kind !== 'deployment') {
    return [
      error(
        name,
        'presence',
        describeOwnTask(own),
        'compose service',
        `the model runs it ${run.kind === 'schedule' ? 'on a schedule' : "in its dependents' tasks"}`,
      ),
    ];
  }
  if (local.restart !== undefined && local.restart !== 'no') {
    return [
      error(
        name,
        'restart',
        'runs to completion',
        String(local.restart),
        'a job must not be restarted locally',
      ),
    ];
  }
  return [
    standIn(
      name,
      'presence',
      'own ECS task, run by a custom resource during each deployment that changes it',
      'compose service (runs on every up)',
      'deployment-job',
      'a deployment-time job runs before what waits for it rolls out',
    ),
  ];
}

function compareInstance(ctx: Context, name: string, local: ComposeService, i: Instance): ParityEntry[] {
  const c = i.container;
  const out: ParityEntry[] = [];
  out.push(...compareImage(ctx, name, c, local));
  const platform = i.host.cpuArchitecture
    ? (ARCHITECTURES[i.host.cpuArchitecture] ?? i.host.cpuArchitecture)
    : undefined;
  out.push(compareValue(name, 'platform', platform, local.platform));
  out.push(compareResources(name, i, local));
  out.push(
    compareValue(name, 'entrypoint', list(c.entryPoint), list(listOf(local.entrypoint)?.map(unescape))),
  );
  out.push(compareValue(name, 'command', list(c.command), list(listOf(local.command)?.map(unescape))));
  out.push(compareValue(name, 'workingDirectory', c.workingDirectory, str(local.working_dir)));
  out.push(compareValue(name, 'user', c.user, str(local.user)));
  out.push(...compareEnvironment(ctx, name, c, local));
  out.push(...compareSecrets(ctx, name, c, local));
  if (!i.job) out.push(...comparePorts(ctx, name, c, local));
  out.push(...compareHealthCheck(name, c.healthCheck, local.healthcheck));
  out.push(...compareDependencies(ctx, name, i, local));
  out.push(...compareVolumes(ctx, name, i, local));
  out.push(...compareConfigFiles(ctx, name, i, local));
  if (!i.job) {
    const count = i.host.desiredCount ?? 1;
    const replicas = Number(local.deploy?.replicas ?? 1);
    const cloudCount = `${count} task${count === 1 ? '' : 's'}${i.host.autoScaled ? ', autoscaled' : ''}`;
    const localCount = `${replicas} container${replicas === 1 ? '' : 's'}`;
    out.push(
      count === replicas && !i.host.autoScaled
        ? same(name, 'taskCount', cloudCount, localCount)
        : replicas === 1
          ? standIn(
              name,
              'taskCount',
              cloudCount,
              localCount,
              'task-count',
              'the local twin runs one container of each service',
            )
          : error(
              name,
              'taskCount',
              cloudCount,
              localCount,
              'the local twin runs one container of each service',
            ),
    );
  }
  return out.filter((e) => !(e.kind === 'same' && e.cloud === undefined && e.local === undefined));
}

function compareImage(ctx: Context, name: string, c: CloudContainer, local: ComposeService): ParityEntry[] {
  const hash = assetHashOf(c.image);
  const build =
    local.build === undefined
      ? undefined
      : typeof local.build === 'string'
        ? { context: local.build }
        : local.build;
  if (build) {
    const localText = `build ${build.context}${build.dockerfile ? ` -f ${build.dockerfile}` : ''}${build.target ? ` --target ${build.target}` : ''}`;
    if (!hash)
      return [
        error(name, 'image', c.image, localText, 'the cloud twin pulls an image; the local twin builds one'),
      ];
    const cloudBuild = ctx.options.imageBuilds?.get(hash);
    if (!cloudBuild) {
      ctx.notes.push(
        `${name}: the build of asset ${hash.slice(0, 12)} is not in an asset manifest; only its kind was compared`,
      );
      return [same(name, 'image', `asset ${hash.slice(0, 12)}`, localText)];
    }
    const cloudText = `asset ${hash.slice(0, 12)}${cloudBuild.file !== 'Dockerfile' ? ` -f ${cloudBuild.file}` : ''}${cloudBuild.target ? ` --target ${cloudBuild.target}` : ''}`;
    const out: ParityEntry[] = [];
    const file = str(build.dockerfile) ?? 'Dockerfile';
    if (file !== cloudBuild.file)
      out.push(
        error(name, 'image.dockerfile', cloudBuild.file, file, 'the twins build different Dockerfiles'),
      );
    if ((build.target ?? undefined) !== cloudBuild.target) {
      const declared = ctx.spec?.workloads.find((w) => w.name === name)?.image;
      const declaredStages =
        declared?.kind === 'directory' &&
        declared.localTarget !== undefined &&
        declared.localTarget === build.target &&
        declared.target === cloudBuild.target;
      out.push(
        declaredStages
          ? standIn(
              name,
              'image.target',
              cloudBuild.target,
              str(build.target),
              'build-stage',
              'the model builds another stage locally (localTarget)',
            )
          : error(
              name,
              'image.target',
              cloudBuild.target,
              str(build.target),
              'the twins build different stages',
            ),
      );
    }
    const args = Object.fromEntries(
      Object.entries(mapOf(build.args)).map(([k, v]) => [k, unescape(String(v))]),
    );
    if (stable(args) !== stable(cloudBuild.buildArgs))
      out.push(
        error(
          name,
          'image.buildArgs',
          stable(cloudBuild.buildArgs),
          stable(args),
          'the twins build with different arguments',
        ),
      );
    if (cloudBuild.platform && local.platform && cloudBuild.platform !== local.platform)
      out.push(
        error(
          name,
          'image.platform',
          cloudBuild.platform,
          local.platform,
          'the twins build for different platforms',
        ),
      );
    const platforms = listOf(build.platforms)?.map(String);
    if (platforms !== undefined) {
      out.push(
        cloudBuild.platform && platforms.includes(cloudBuild.platform)
          ? standIn(
              name,
              'image.platforms',
              cloudBuild.platform,
              platforms.join(', '),
              'build-platforms',
              'the local twin builds every platform; the cloud builds the one its tasks run on',
            )
          : error(
              name,
              'image.platforms',
              cloudBuild.platform,
              platforms.join(', '),
              'the cloud builds a platform the local build does not',
            ),
      );
    }
    const context = path.resolve(ctx.options.composeDirectory ?? process.cwd(), String(build.context));
    const differs = buildContextDifference(cloudBuild, context);
    if (differs !== undefined)
      out.push(
        error(
          name,
          'image.context',
          cloudText,
          `build ${build.context}`,
          `the build contexts differ (first at ${differs})`,
        ),
      );
    return out.length ? out : [same(name, 'image', cloudText, localText)];
  }
  const image = str(local.image);
  if (image === undefined)
    return [error(name, 'image', c.image, undefined, 'the local twin has neither image nor build')];
  const localImage = unescape(image);
  if (hash)
    return [
      error(
        name,
        'image',
        `asset ${hash.slice(0, 12)}`,
        localImage,
        'the cloud twin builds an image; the local twin pulls one',
      ),
    ];
  if (localImage === c.image) return [same(name, 'image', c.image, localImage)];
  const cloudEcr = ecrTail(c.image);
  const localEcr = ecrTail(localImage);
  if (cloudEcr !== undefined && cloudEcr === localEcr) return [same(name, 'image', c.image, localImage)];
  return [error(name, 'image', c.image, localImage, 'the twins run different images')];
}

/** `repository:tag` or `repository@digest` of an ECR image reference, without the registry host. */
function ecrTail(image: string): string | undefined {
  return /\.dkr\.ecr\.[^/]+\/(.+)$/.exec(image)?.[1];
}

function compareResources(name: string, i: Instance, local: ComposeService): ParityEntry {
  const cpu = i.job && !i.ownTask ? i.container.cpu : i.host.taskCpu;
  const memory = i.job && !i.ownTask ? i.container.memoryMiB : i.host.taskMemoryMiB;
  const limits = local.deploy?.resources?.limits ?? {};
  const cloud =
    cpu !== undefined || memory !== undefined
      ? `cpus ${cpu === undefined ? '-' : cpu / 1024}, memory ${memory ?? '-'}M`
      : undefined;
  const localCpus = limits.cpus === undefined ? undefined : Number(limits.cpus);
  const localMemory = limits.memory === undefined ? undefined : megabytes(String(limits.memory));
  const localText =
    limits.cpus !== undefined || limits.memory !== undefined
      ? `cpus ${localCpus ?? '-'}, memory ${localMemory ?? '-'}M`
      : undefined;
  return compareValue(name, 'resources', cloud, localText);
}

function compareEnvironment(
  ctx: Context,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const env = mapOf(local.environment);
  const literal: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (!isInterpolation(String(v ?? ''))) literal[k] = unescape(String(v ?? ''));
  const connections = ctx.connections.get(name) ?? new Map<string, string>();
  const out: ParityEntry[] = [];
  const keys = [...new Set([...Object.keys(c.environment), ...Object.keys(literal)])].sort(compareStrings);
  const agreed: string[] = [];
  for (const k of keys) {
    const cloud = c.environment[k];
    const here = literal[k];
    const target = connections.get(k);
    if (target !== undefined) {
      out.push(
        standIn(
          name,
          `environment.${k}`,
          cloud ?? (c.secrets.includes(k) ? '(secret)' : undefined),
          here ?? (k in env ? '(from .env)' : undefined),
          'managed-service',
          `connection to '${target}', a managed service in the cloud and a container locally`,
        ),
      );
    } else if (cloud === undefined && c.secrets.includes(k)) {
      out.push(
        error(
          name,
          `environment.${k}`,
          '(secret)',
          here,
          'a secret in the cloud twin is a literal value locally',
        ),
      );
    } else if (here === undefined && k in env) {
      out.push(
        error(
          name,
          `environment.${k}`,
          cloud,
          String(env[k]),
          'a literal value in the cloud twin is read from .env locally',
        ),
      );
    } else if (cloud !== here) {
      out.push(
        error(
          name,
          `environment.${k}`,
          cloud,
          here,
          cloud === undefined || here === undefined
            ? 'set in one twin only'
            : 'the twins set different values',
        ),
      );
    } else agreed.push(`${k}=${cloud}`);
  }
  if (agreed.length) out.unshift(same(name, 'environment', agreed.join(', '), agreed.join(', ')));
  return out;
}

function compareSecrets(ctx: Context, name: string, c: CloudContainer, local: ComposeService): ParityEntry[] {
  const env = mapOf(local.environment);
  const fromEnvFile = Object.keys(env).filter((k) => isInterpolation(String(env[k] ?? '')));
  const connections = ctx.connections.get(name) ?? new Map<string, string>();
  const out: ParityEntry[] = [];
  const agreed: string[] = [];
  for (const k of [...new Set([...c.secrets, ...fromEnvFile])].sort(compareStrings)) {
    const cloud = c.secrets.includes(k);
    const here = fromEnvFile.includes(k);
    if (cloud && here) agreed.push(k);
    else if (connections.has(k))
      continue; // compared with the environment
    else if (cloud && !(k in env))
      out.push(error(name, `secrets.${k}`, 'ECS secret', undefined, 'the local twin does not set it'));
    else if (here && !(k in c.environment))
      out.push(error(name, `secrets.${k}`, undefined, String(env[k]), 'the cloud twin does not set it'));
    // A secret on one side and a literal on the other is reported with the environment.
  }
  if (agreed.length)
    out.unshift(
      standIn(
        name,
        'secrets',
        `ECS secrets ${agreed.join(', ')}`,
        `from .env ${agreed.join(', ')}`,
        'secret',
        'Secrets Manager in the cloud, the .env file locally',
      ),
    );
  return out;
}

function comparePorts(ctx: Context, name: string, c: CloudContainer, local: ComposeService): ParityEntry[] {
  const out: ParityEntry[] = [];
  const exposed = (listOf(local.expose) ?? []).map((p) => Number(String(p).split('/')[0]));
  const published = publishedPorts(local);
  const localPorts = [...new Set([...exposed, ...published.map((p) => p.container)])].sort((a, b) => a - b);
  const cloudPorts = [...new Set(c.ports)].sort((a, b) => a - b);
  for (const p of new Set([...cloudPorts, ...localPorts])) {
    if (!cloudPorts.includes(p))
      out.push(
        error(
          name,
          `ports[${p}]`,
          undefined,
          String(p),
          'the local twin listens on a port the cloud twin does not map',
        ),
      );
    else if (!localPorts.includes(p))
      out.push(
        error(
          name,
          `ports[${p}]`,
          String(p),
          undefined,
          'the cloud twin maps a port the local twin does not expose',
        ),
      );
  }
  if (out.length === 0 && cloudPorts.length)
    out.push(same(name, 'ports', cloudPorts.join(', '), localPorts.join(', ')));
  const declared = ctx.spec?.workloads.find((w) => w.name === name)?.ports;
  for (const p of published) {
    const ok =
      declared === undefined ||
      declared.some((d) => d.containerPort === p.container && d.hostPort === p.host);
    out.push(
      ok
        ? standIn(
            name,
            `hostPorts[${p.container}]`,
            'not published',
            `${p.host}:${p.container}`,
            'host-port',
            'published on the developer’s machine only, as the model declares',
          )
        : error(
            name,
            `hostPorts[${p.container}]`,
            'not published',
            `${p.host}:${p.container}`,
            'the model declares no such host port',
          ),
    );
  }
  return out;
}

function compareHealthCheck(name: string, cloud: CloudHealthCheck | undefined, raw: any): ParityEntry[] {
  const local = raw && !raw.disable ? raw : undefined;
  if (!cloud && !local) return [];
  if (!cloud || !local) {
    return [
      error(
        name,
        'healthCheck',
        cloud ? list(cloud.test) : undefined,
        local ? list(listOf(local.test)?.map(unescape)) : undefined,
        'only one twin checks the container’s health',
      ),
    ];
  }
  const out: ParityEntry[] = [];
  const test = (listOf(local.test) ?? [String(local.test)]).map(unescape);
  if (list(test) !== list(cloud.test))
    out.push(error(name, 'healthCheck.test', list(cloud.test), list(test), 'the twins run different tests'));
  const declared = {
    intervalSeconds: seconds(local.interval, 30),
    timeoutSeconds: seconds(local.timeout, 30),
    retries: Number(local.retries ?? 3),
    startPeriodSeconds: seconds(local.start_period, 0),
  };
  const timing = (h: Omit<CloudHealthCheck, 'test'>) =>
    `interval ${h.intervalSeconds}s, timeout ${h.timeoutSeconds}s, retries ${h.retries}, start period ${h.startPeriodSeconds}s`;
  const startInterval = local.start_interval === undefined ? undefined : seconds(local.start_interval, 0);
  const localTiming = `${timing(declared)}${startInterval !== undefined ? `, start interval ${startInterval}s` : ''}`;
  if (localTiming === timing(cloud)) {
    out.push(same(name, 'healthCheck.timing', timing(cloud), localTiming));
    return out;
  }
  // The one accepted difference: exactly what the cloud renderer makes of the declared (local) values.
  const adjusted = ecsHealthCheck({
    probe: { kind: 'command', command: test },
    test,
    ...declared,
    ...(startInterval !== undefined ? { startIntervalSeconds: startInterval } : {}),
  });
  const h = adjusted.healthCheck;
  const expected = {
    intervalSeconds: h.interval?.toSeconds() ?? 30,
    timeoutSeconds: h.timeout?.toSeconds() ?? 5,
    retries: h.retries ?? 3,
    startPeriodSeconds: h.startPeriod?.toSeconds() ?? 0,
  };
  out.push(
    timing(expected) === timing(cloud) && adjusted.adjustments.length > 0
      ? standIn(
          name,
          'healthCheck.timing',
          timing(cloud),
          localTiming,
          'health-check-adjustment',
          `adjusted for ECS: ${adjusted.adjustments.join('; ')}`,
        )
      : error(
          name,
          'healthCheck.timing',
          timing(cloud),
          localTiming,
          `the timing differs and is not the ECS adjustment of the local values (${timing(expected)})`,
        ),
  );
  return out;
}

function compareDependencies(ctx: Context, name: string, i: Instance, local: ComposeService): ParityEntry[] {
  const out: ParityEntry[] = [];
  const localDeps = dependsOnOf(local.depends_on);
  const helpers = new Set(i.host.containers.filter((c) => c.role !== undefined).map((c) => c.name));
  const containerDeps = new Map(
    i.container.dependsOn.filter((d) => !helpers.has(d.container)).map((d) => [d.container, d.condition]),
  );
  const serviceDeps = new Set(i.host.dependsOn.map((id) => ctx.byLogicalId.get(id)?.name ?? id));
  const jobRuns = new Set(i.host.jobRuns ?? []);
  const explained = new Set<string>();
  const rawDeps = (Array.isArray(local.depends_on) ? {} : (local.depends_on ?? {})) as Record<string, any>;
  for (const [target, condition] of [...localDeps.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
    const field = `dependsOn.${target}`;
    const declared = rawDeps[target] ?? {};
    if (declared.restart === true) {
      out.push(
        standIn(
          name,
          `${field}.restart`,
          undefined,
          'restart: true',
          'dependency-restart',
          `compose restarts ${name} with ${target}; ECS has no such coupling`,
        ),
      );
    }
    const targetSpec = ctx.spec?.workloads.find((w) => w.name === target);
    const targetAbsent = !ctx.cloud.has(target) && !ctx.jobs.has(target) && !ctx.jobTasks.has(target);
    if (declared.required === false && targetAbsent && targetSpec?.profile !== undefined) {
      out.push(
        standIn(
          name,
          field,
          undefined,
          `${condition}, required: false`,
          'optional-dependency',
          `'${target}' is an optional part (profile '${targetSpec.profile}') the cloud twin does not include; ${name} starts without it`,
        ),
      );
      continue;
    }
    if (jobRuns.has(target)) {
      explained.add(target);
      const cloudText = `DependsOn the deployment run of job ${target} (succeeded)`;
      out.push(
        condition === 'service_completed_successfully'
          ? same(name, field, cloudText, condition)
          : error(name, field, cloudText, condition, 'the cloud twin waits for the job to complete'),
      );
      continue;
    }
    const managed = ctx.managed.get(target);
    if (managed) {
      out.push(
        standIn(
          name,
          field,
          `${managed.cloud} (created before the stack's services)`,
          condition,
          'managed-service',
          `'${target}' is a managed service in the cloud and a container locally`,
        ),
      );
      continue;
    }
    if (containerDeps.has(target)) {
      explained.add(target);
      const cloudCondition = containerDeps.get(target)!;
      const cloudText = `container dependency ${cloudCondition}`;
      out.push(
        CONTAINER_CONDITIONS[cloudCondition] === condition
          ? same(name, field, cloudText, condition)
          : error(name, field, cloudText, condition, 'the twins wait for different conditions'),
      );
      continue;
    }
    const targetService = ctx.cloud.get(target);
    if (targetService && serviceDeps.has(target)) {
      explained.add(target);
      const checked = targetService.containers.find((c) => c.name === target)?.healthCheck !== undefined;
      const cloudText = `DependsOn ECS service ${target} (stable${checked ? ', health-checked' : ''})`;
      if (condition === 'service_started' || (condition === 'service_healthy' && checked))
        out.push(same(name, field, cloudText, condition));
      else
        out.push(
          error(
            name,
            field,
            cloudText,
            condition,
            condition === 'service_healthy'
              ? `'${target}' has no health check in the cloud twin, so ECS counts it stable once started`
              : 'the cloud twin cannot wait for this condition',
          ),
        );
      continue;
    }
    out.push(
      error(
        name,
        field,
        undefined,
        condition,
        ctx.jobs.has(target) || targetService || ctx.jobTasks.has(target)
          ? 'the cloud twin does not wait for it'
          : `'${target}' does not exist in the cloud twin`,
      ),
    );
  }
  for (const [target, condition] of containerDeps) {
    if (!explained.has(target))
      out.push(
        error(
          name,
          `dependsOn.${target}`,
          `container dependency ${condition}`,
          undefined,
          'the local twin does not wait for it',
        ),
      );
  }
  if (!i.job || i.ownTask) {
    // A job's dependencies on services are its hosts' (the job runs inside their tasks).
    const viaJobs = new Set(
      i.host.containers
        .filter((c) => !c.essential && c.role === undefined)
        .flatMap((c) => [...dependsOnOf(ctx.local[c.name]?.depends_on).keys()]),
    );
    for (const target of serviceDeps) {
      if (!explained.has(target) && !viaJobs.has(target)) {
        out.push(
          error(
            name,
            `dependsOn.${target}`,
            `DependsOn ECS service ${target}`,
            undefined,
            'the local twin does not wait for it',
          ),
        );
      }
    }
    for (const target of jobRuns) {
      if (!explained.has(target) && !viaJobs.has(target)) {
        out.push(
          error(
            name,
            `dependsOn.${target}`,
            `DependsOn the deployment run of job ${target}`,
            undefined,
            'the local twin does not wait for it',
          ),
        );
      }
    }
  }
  return out;
}

/**
 * Inline config files: compose `configs` with inline content locally; in the cloud, files a helper container
 * writes into a task volume that the workload mounts at the file's directory. Path and content must agree.
 */
function compareConfigFiles(ctx: Context, name: string, i: Instance, local: ComposeService): ParityEntry[] {
  const out: ParityEntry[] = [];
  const localFiles = new Map<string, string>();
  for (const c of listOf(local.configs) ?? []) {
    if (typeof c !== 'object' || c === null || c.target === NGINX_CONF) continue;
    const content = ctx.configs[String(c.source)]?.content;
    localFiles.set(String(c.target), typeof content === 'string' ? unescape(content) : '(not inline)');
  }
  const cloudFiles = new Map<string, string>();
  const writer = i.host.containers.find((c) => c.role === 'config-files' && c.name === `${name}-files`);
  for (const w of writer?.writes ?? []) {
    const slash = w.path.lastIndexOf('/');
    const writerMount = writer!.mounts.find((m) => m.path === w.path.slice(0, slash));
    const mount = i.container.mounts.find((m) => m.volume === writerMount?.volume);
    if (!mount) continue;
    cloudFiles.set(`${mount.path}/${w.path.slice(slash + 1)}`, writer!.environment[w.variable] ?? '');
  }
  for (const p of [...new Set([...localFiles.keys(), ...cloudFiles.keys()])].sort(compareStrings)) {
    const field = `configFiles[${p}]`;
    const c = cloudFiles.get(p);
    const l = localFiles.get(p);
    const bytes = (t: string) => `${Buffer.byteLength(t)} bytes`;
    if (c === undefined || l === undefined)
      out.push(
        error(
          name,
          field,
          c === undefined ? undefined : `written by ${name}-files`,
          l === undefined ? undefined : 'inline config',
          'the file exists in one twin only',
        ),
      );
    else if (c !== l) out.push(error(name, field, bytes(c), bytes(l), 'the twins write different contents'));
    else
      out.push(
        standIn(
          name,
          field,
          `written by ${name}-files into a task volume (${bytes(c)})`,
          `inline config (${bytes(l)})`,
          'config-file',
          'ECS cannot mount a file from the template; a helper container writes the same content',
        ),
      );
  }
  return out;
}

function compareVolumes(ctx: Context, name: string, i: Instance, local: ComposeService): ParityEntry[] {
  const out: ParityEntry[] = [];
  const localMounts = new Map<string, { source: string; readOnly: boolean; type: string }>();
  for (const v of listOf(local.volumes) ?? []) {
    if (typeof v === 'string') {
      const [source, target, mode] = v.split(':');
      localMounts.set(target ?? source, {
        source,
        readOnly: mode === 'ro',
        type: source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume',
      });
    } else
      localMounts.set(String(v.target), {
        source: String(v.source),
        readOnly: v.read_only === true,
        type: String(v.type ?? 'volume'),
      });
  }
  // Volumes a config-file helper writes are compared as config files.
  const helperVolumes = new Set(
    i.host.containers.filter((c) => c.role !== undefined).flatMap((c) => c.mounts.map((m) => m.volume)),
  );
  const cloudMounts = new Map(
    i.container.mounts.filter((m) => !helperVolumes.has(m.volume)).map((m) => [m.path, m]),
  );
  for (const p of [...new Set([...cloudMounts.keys(), ...localMounts.keys()])].sort(compareStrings)) {
    const field = `volumes[${p}]`;
    const c = cloudMounts.get(p);
    const l = localMounts.get(p);
    const efs = c ? i.host.volumes.get(c.volume)?.efs === true : false;
    const cloudText = c
      ? `${efs ? 'EFS' : 'task volume'} ${c.volume}${c.readOnly ? ' (read-only)' : ''}`
      : undefined;
    const localText = l
      ? `${l.type === 'volume' ? 'named volume' : l.type} ${l.source}${l.readOnly ? ' (read-only)' : ''}`
      : undefined;
    if (!c || !l) out.push(error(name, field, cloudText, localText, 'mounted in one twin only'));
    else if (c.volume !== l.source || c.readOnly !== l.readOnly)
      out.push(error(name, field, cloudText, localText, 'the twins mount different volumes or modes'));
    else if (!efs || l.type !== 'volume' || !ctx.namedVolumes.has(l.source))
      out.push(
        error(
          name,
          field,
          cloudText,
          localText,
          'expected an EFS volume in the cloud and a declared named volume locally',
        ),
      );
    else
      out.push(
        standIn(name, field, cloudText, localText, 'volume', 'EFS in the cloud, a named volume locally'),
      );
  }
  return out;
}

function compareLoadBalancer(
  ctx: Context,
  lb: LoadBalancerSpec,
  cloud: CloudLoadBalancer | undefined,
  configs: Record<string, any>,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const proxy = ctx.local[lb.name];
  if (!cloud)
    return [
      error(
        lb.name,
        'presence',
        undefined,
        proxy ? describeProxy(proxy) : undefined,
        'the model has a load balancer the template does not',
      ),
    ];
  if (!proxy)
    return [
      error(
        lb.name,
        'presence',
        describeLb(cloud),
        undefined,
        'the local twin has no proxy service for the load balancer',
      ),
    ];
  out.push(
    standIn(
      lb.name,
      'presence',
      describeLb(cloud),
      describeProxy(proxy),
      'load-balancer',
      'the local proxy applies the same rules as the listener',
    ),
  );

  const listener = lb.httpsPort ?? lb.httpPort;
  const published = publishedPorts(proxy);
  const expected = published.some((p) => p.host === lb.localPort && p.container === lb.httpPort);
  const cloudPorts = cloud.listenerPorts.join(', ');
  const localPorts = published.map((p) => `${p.host}:${p.container}`).join(', ');
  if (cloud.port !== listener)
    out.push(error(lb.name, 'listener', cloudPorts, localPorts, `the model's listener port is ${listener}`));
  else if (!expected)
    out.push(
      error(
        lb.name,
        'listener',
        cloudPorts,
        localPorts,
        `the proxy must publish localhost:${lb.localPort} on the HTTP port ${lb.httpPort}`,
      ),
    );
  else if (lb.httpsPort === undefined && lb.localPort === lb.httpPort && cloud.listenerPorts.length === 1)
    out.push(same(lb.name, 'listener', cloudPorts, localPorts));
  else
    out.push(
      standIn(
        lb.name,
        'listener',
        cloudPorts,
        localPorts,
        'listener-port',
        lb.httpsPort !== undefined
          ? 'HTTPS in the cloud; the proxy serves the same routes over plain HTTP'
          : `the proxy is published on the model's localPort ${lb.localPort}`,
      ),
    );

  const config = (listOf(proxy.configs) ?? []).find((c: any) => c?.target === NGINX_CONF);
  const content = config ? configs[config.source]?.content : undefined;
  if (typeof content !== 'string')
    out.push(
      error(
        lb.name,
        'proxyConfig',
        undefined,
        undefined,
        `the proxy mounts no configuration at ${NGINX_CONF}`,
      ),
    );
  else if (unescape(content) !== renderNginxConfig(lb))
    out.push(
      error(
        lb.name,
        'proxyConfig',
        'rendered from the routes',
        `configs.${config.source}`,
        'the proxy configuration is not the one rendered from the routes',
      ),
    );
  else out.push(same(lb.name, 'proxyConfig', 'rendered from the routes', `configs.${config.source}`));

  const model = modelRows(lb.routes);
  const rows = Math.max(model.length, cloud.routes.length);
  let equal = true;
  for (let n = 0; n < rows; n++) {
    const c = cloud.routes[n];
    const m = model[n];
    const ct = c ? describeRow(c) : undefined;
    const mt = m ? describeRow(m) : undefined;
    if (ct !== mt) {
      equal = false;
      out.push(error(lb.name, `routes[${n}]`, ct, mt, 'the listener rule and the proxy route differ'));
    }
  }
  if (equal)
    out.push(same(lb.name, 'routes', model.map(describeRow).join('; '), model.map(describeRow).join('; ')));
  return out;
}

function modelRows(routes: readonly RouteSpec[]): CloudRouteRow[] {
  const rows: CloudRouteRow[] = routes.map((r) => ({
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    ...r.conditions,
    target: `${r.service}:${r.port}`,
  }));
  if (!routes.some((r) => r.priority === undefined))
    rows.push({ pathPatterns: [], hostHeaders: [], httpHeaders: {}, queryStrings: [], target: '404' });
  return rows;
}

function describeRow(r: CloudRouteRow): string {
  const parts: string[] = [];
  if (r.pathPatterns.length) parts.push(`path ${r.pathPatterns.join('|')}`);
  if (r.hostHeaders.length) parts.push(`host ${r.hostHeaders.join('|')}`);
  for (const [h, v] of Object.entries(r.httpHeaders).sort((a, b) => compareStrings(a[0], b[0])))
    parts.push(`header ${h.toLowerCase()}=${v.join('|')}`);
  if (r.queryStrings.length)
    parts.push(`query ${r.queryStrings.map((q) => `${q.key ?? '*'}=${q.value}`).join('|')}`);
  return `${r.priority ?? 'default'}: ${parts.join(' & ') || 'any'} -> ${r.target}`;
}

/**
 * Pairs the model's load balancers with the template's: the template does not name them, so each model
 * load balancer takes the one that agrees with it most (listener port, then scheme, then identical listener
 * rules, then rules to the same targets), the best-agreeing pairs first. Load balancers that agree in all of
 * these are interchangeable for the comparison.
 */
function pairLoadBalancers(
  models: readonly LoadBalancerSpec[],
  candidates: readonly CloudLoadBalancer[],
): Map<LoadBalancerSpec, CloudLoadBalancer> {
  const score = (lb: LoadBalancerSpec, c: CloudLoadBalancer) => {
    const rows = new Set(modelRows(lb.routes).map(describeRow));
    const targets = new Set(lb.routes.map((r) => `${r.service}:${r.port}`));
    return (
      (c.port === (lb.httpsPort ?? lb.httpPort) ? 1e6 : 0) +
      (c.scheme === undefined || c.scheme === (lb.internetFacing ? 'internet-facing' : 'internal')
        ? 1e5
        : 0) +
      100 * c.routes.filter((r) => rows.has(describeRow(r))).length +
      c.routes.filter((r) => targets.has(r.target)).length
    );
  };
  const ranked = models
    .flatMap((lb, i) => candidates.map((c, j) => ({ lb, c, i, j, score: score(lb, c) })))
    .sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const pairs = new Map<LoadBalancerSpec, CloudLoadBalancer>();
  const taken = new Set<CloudLoadBalancer>();
  for (const { lb, c } of ranked) {
    if (pairs.has(lb) || taken.has(c)) continue;
    pairs.set(lb, c);
    taken.add(c);
  }
  return pairs;
}

function describeLb(lb: CloudLoadBalancer): string {
  return `ALB ${lb.logicalId}${lb.scheme ? ` (${lb.scheme})` : ''}, listeners ${lb.listenerPorts.join(', ')}`;
}

function describeProxy(s: ComposeService): string {
  return `proxy ${s.image ?? ''}, published ${publishedPorts(s)
    .map((p) => `${p.host}:${p.container}`)
    .join(', ')}`;
}

function publishedPorts(s: ComposeService | undefined): { host: number; container: number }[] {
  return (listOf(s?.ports) ?? []).flatMap((p: any) => {
    if (typeof p === 'object' && p !== null)
      return p.published === undefined ? [] : [{ host: Number(p.published), container: Number(p.target) }];
    const parts = String(p).split('/')[0].split(':');
    if (parts.length < 2) return [];
    return [{ host: Number(parts[parts.length - 2]), container: Number(parts[parts.length - 1]) }];
  });
}

function publishedContainerPorts(s: ComposeService | undefined): number[] {
  return publishedPorts(s).map((p) => p.container);
}

function dependsOnOf(raw: any): Map<string, string> {
  if (Array.isArray(raw)) return new Map(raw.map((t) => [String(t), 'service_started']));
  return new Map(
    Object.entries(raw ?? {}).map(([t, v]: [string, any]) => [t, String(v?.condition ?? 'service_started')]),
  );
}

function compareValue(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  return cloud === local
    ? same(service, field, cloud, local)
    : error(
        service,
        field,
        cloud,
        local,
        cloud === undefined || local === undefined ? 'set in one twin only' : 'the twins differ',
      );
}

function same(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  return {
    service,
    field,
    ...(cloud !== undefined ? { cloud } : {}),
    ...(local !== undefined ? { local } : {}),
    kind: 'same',
  };
}

function standIn(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
  kind: StandInKind,
  reason: string,
): ParityDifference {
  return {
    service,
    field,
    ...(cloud !== undefined ? { cloud } : {}),
    ...(local !== undefined ? { local } : {}),
    kind: 'stand-in',
    standIn: kind,
    reason,
  };
}

function error(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
  reason: string,
): ParityDifference {
  return {
    service,
    field,
    ...(cloud !== undefined ? { cloud } : {}),
    ...(local !== undefined ? { local } : {}),
    kind: 'error',
    reason,
  };
}

function dedupe(entries: ParityEntry[]): ParityEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A literal compose value: `$$` is an escaped `$`. */
function unescape(text: string): string {
  return String(text).replace(/\$\$/g, '$');
}

/** Whether a compose value is read from the environment (`${VAR}`, `${VAR:?message}`), not a literal. */
function isInterpolation(value: string): boolean {
  return /(^|[^$])(\$\$)*\$(\{|[A-Za-z_])/.test(value);
}

function list(values: readonly string[] | undefined): string | undefined {
  return values === undefined ? undefined : JSON.stringify(values);
}

function listOf(x: any): any[] | undefined {
  if (x === undefined || x === null) return undefined;
  return Array.isArray(x) ? x : [x];
}

function mapOf(x: any): Record<string, any> {
  if (Array.isArray(x)) {
    return Object.fromEntries(
      x.map((e) => {
        const s = String(e);
        const at = s.indexOf('=');
        return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
      }),
    );
  }
  return x ?? {};
}

function str(x: any): string | undefined {
  return x === undefined || x === null ? undefined : unescape(String(x));
}

function stable(record: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(record).sort((a, b) => compareStrings(a[0], b[0]))),
  );
}

/** Seconds of a compose duration (`1m30s`, `20s`, `500ms`). */
function seconds(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  for (const m of String(value).matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g))
    total += Number(m[1]) * units[m[2]];
  return total;
}

/** MiB of a compose memory size (`512M`, `1g`, `1024m`). */
function megabytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgb]?)b?$/i.exec(value.trim());
  if (!m) return Number.NaN;
  const factor: Record<string, number> = {
    '': 1 / (1024 * 1024),
    b: 1 / (1024 * 1024),
    k: 1 / 1024,
    m: 1,
    g: 1024,
  };
  return Number(m[1]) * factor[m[2].toLowerCase()];
}
