import { compareStrings } from '../../model/order';
import type { ApplicationSpec } from '../../model/spec';
import type { CloudService } from '../cloud-twin';
import type { ComposeDependency, ComposeService } from '../compose-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';

const CONTAINER_CONDITIONS: Record<string, string> = {
  SUCCESS: 'service_completed_successfully',
  START: 'service_started',
  HEALTHY: 'service_healthy',
  COMPLETE: 'service_completed (no compose equivalent)',
};

/** What the cloud twin makes one workload instance wait for. */
interface CloudDependencies {
  /** Container dependencies in the task (helpers left out), by container name. */
  readonly containers: ReadonlyMap<string, string>;
  /** ECS services the task's service has DependsOn on, by name. */
  readonly services: ReadonlySet<string>;
  /** Jobs run during deployments that the task's resource is ordered after. */
  readonly jobRuns: ReadonlySet<string>;
  /**
   * Data services of the model whose resources the task's resource is ordered after, by name (resources
   * of data services the model does not declare are not compared).
   */
  readonly dataServices: ReadonlySet<string>;
}

/**
 * Compares what a workload waits for: compose `depends_on` with its condition, against container
 * dependencies in the task, DependsOn on other ECS services and on deployment-time job runs in the cloud.
 */
export function compareDependencies(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const helpers = new Set(i.host.containers.filter((c) => c.role !== undefined).map((c) => c.name));
  const cloud: CloudDependencies = {
    containers: new Map(
      i.container.dependsOn.filter((d) => !helpers.has(d.container)).map((d) => [d.container, d.condition]),
    ),
    services: new Set(i.host.dependsOn.map((id) => ctx.cloud.byLogicalId.get(id)?.name ?? id)),
    jobRuns: new Set(i.host.jobRuns ?? []),
    dataServices: new Set(
      (i.host.dataServiceResources ?? []).flatMap((id) => {
        const owner = ctx.spec && dataServiceOf(ctx.spec, id);
        return owner ? [owner] : [];
      }),
    ),
  };
  const explained = new Set<string>();
  const out: ParityEntry[] = [];
  for (const [target, declared] of [...local.dependsOn.entries()].sort((a, b) => compareStrings(a[0], b[0])))
    out.push(..._compareDependency(ctx, name, target, declared, cloud, explained));
  for (const [target, condition] of cloud.containers) {
    if (!explained.has(target))
      out.push(
        problem(
          name,
          `dependsOn.${target}`,
          `container dependency ${condition}`,
          undefined,
          'the local twin does not wait for it',
        ),
      );
  }
  // A job's dependencies on services are its hosts' (the job runs inside their tasks).
  if (!i.job || i.ownTask) out.push(..._cloudOnlyTaskDependencies(ctx, name, i.host, cloud, explained));
  return out;
}

/** One dependency of the compose service; adds the target to `explained` when the cloud twin waits for it. */
function _compareDependency(
  ctx: ParityContext,
  name: string,
  target: string,
  declared: ComposeDependency,
  cloud: CloudDependencies,
  explained: Set<string>,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const field = `dependsOn.${target}`;
  const condition = declared.condition;
  if (declared.restart) {
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
  const targetAbsent =
    !ctx.cloud.services.has(target) && !ctx.cloud.hostedJobs.has(target) && !ctx.cloud.jobTasks.has(target);
  if (!declared.required && targetAbsent && targetSpec?.profile !== undefined) {
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
    return out;
  }
  if (cloud.jobRuns.has(target)) {
    explained.add(target);
    const cloudText = `DependsOn the deployment run of job ${target} (succeeded)`;
    out.push(
      condition === 'service_completed_successfully'
        ? same(name, field, cloudText, condition)
        : problem(name, field, cloudText, condition, 'the cloud twin waits for the job to complete'),
    );
    return out;
  }
  const managed = ctx.managed.get(target);
  if (managed?.kind === 'aws-resource' && condition === 'service_completed_successfully') {
    explained.add(target);
    out.push(
      standIn(
        name,
        field,
        'its buckets and queues created first (the variables refer to them)',
        condition,
        'aws-resource',
        `'${target}' creates the buckets and queues on the local stand-ins; CloudFormation creates them before the tasks that name them`,
      ),
    );
    return out;
  }
  if (managed && cloud.dataServices.has(target)) {
    explained.add(target);
    out.push(
      standIn(
        name,
        field,
        `DependsOn ${managed.cloud} (created, available)`,
        condition,
        'managed-service',
        `'${target}' is a managed service in the cloud and a container locally`,
      ),
    );
    return out;
  }
  if (managed) {
    out.push(problem(name, field, undefined, condition, 'the cloud twin does not wait for it'));
    return out;
  }
  if (cloud.containers.has(target)) {
    explained.add(target);
    const cloudCondition = cloud.containers.get(target)!;
    const cloudText = `container dependency ${cloudCondition}`;
    out.push(
      CONTAINER_CONDITIONS[cloudCondition] === condition
        ? same(name, field, cloudText, condition)
        : problem(name, field, cloudText, condition, 'the twins wait for different conditions'),
    );
    return out;
  }
  const targetService = ctx.cloud.services.get(target);
  if (targetService && cloud.services.has(target)) {
    explained.add(target);
    const checked = targetService.containers.find((c) => c.name === target)?.healthCheck !== undefined;
    const cloudText = `DependsOn ECS service ${target} (stable${checked ? ', health-checked' : ''})`;
    if (condition === 'service_started' || (condition === 'service_healthy' && checked))
      out.push(same(name, field, cloudText, condition));
    else
      out.push(
        problem(
          name,
          field,
          cloudText,
          condition,
          condition === 'service_healthy'
            ? `'${target}' has no health check in the cloud twin, so ECS counts it stable once started`
            : 'the cloud twin cannot wait for this condition',
        ),
      );
    return out;
  }
  out.push(
    problem(
      name,
      field,
      undefined,
      condition,
      ctx.cloud.hostedJobs.has(target) || targetService || ctx.cloud.jobTasks.has(target)
        ? 'the cloud twin does not wait for it'
        : `'${target}' does not exist in the cloud twin`,
    ),
  );
  return out;
}

/**
 * DependsOn of the task's resource on ECS services and job runs that the compose service does not wait for,
 * itself or through a job that runs in the same task.
 */
function _cloudOnlyTaskDependencies(
  ctx: ParityContext,
  name: string,
  host: CloudService,
  cloud: CloudDependencies,
  explained: ReadonlySet<string>,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const viaJobs = new Set(
    host.containers
      .filter((c) => !c.essential && c.role === undefined)
      .flatMap((c) => [...(ctx.local.services.get(c.name)?.dependsOn.keys() ?? [])]),
  );
  const waits: [ReadonlySet<string>, string][] = [
    [cloud.services, 'DependsOn ECS service'],
    [cloud.jobRuns, 'DependsOn the deployment run of job'],
    [cloud.dataServices, 'DependsOn data service'],
  ];
  for (const [targets, what] of waits) {
    for (const target of targets) {
      if (!explained.has(target) && !viaJobs.has(target)) {
        out.push(
          problem(
            name,
            `dependsOn.${target}`,
            `${what} ${target}`,
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
 * The data service of `spec` that the resource with `logicalId` belongs to. The template does not name it,
 * so the logical id is matched as aws-cdk-lib makes it: a resource under construct path `Stack/app/db/...`
 * has an id that starts with `appdb` (the path's components below the stack, alphanumerics only, with
 * `Default` and `Resource` left out and a component that ends the one before dropped). The longest match
 * wins, so `db` does not claim the resources of `db2`.
 */
export function dataServiceOf(spec: ApplicationSpec, logicalId: string): string | undefined {
  let best: { name: string; length: number } | undefined;
  for (const ds of spec.dataServices ?? []) {
    const parts = ds.path.split('/').filter((p) => p !== 'Default');
    // Below the stack: at least the application's component and the data service's.
    for (let from = 0; from <= parts.length - 2; from++) {
      const human: string[] = [];
      for (const p of parts.slice(from))
        if (human.length === 0 || !human[human.length - 1].endsWith(p)) human.push(p);
      const prefix = human
        .filter((p) => p !== 'Resource')
        .map((p) => p.replace(/[^A-Za-z0-9]/g, ''))
        .join('');
      if (prefix.length > 0 && logicalId.startsWith(prefix)) {
        if (!best || prefix.length > best.length) best = { name: ds.name, length: prefix.length };
        break;
      }
    }
  }
  return best?.name;
}
