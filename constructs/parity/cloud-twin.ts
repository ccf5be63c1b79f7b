/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Reads the cloud twin of one application back from a synthesized CloudFormation template: only the
 * resources decide, never the model, so the parity check compares what was really rendered.
 */

/** One container definition of a task definition. */
export interface CloudContainer {
  readonly name: string;
  readonly essential: boolean;
  /** The image expression as a string: intrinsic functions become `${...}` placeholders. */
  readonly image: string;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  /** `ReadonlyRootFilesystem: true`. */
  readonly readOnlyRootFilesystem: boolean;
  /** Plain variables; values that are intrinsic functions become `${...}` placeholders. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  /** Each secret's `ValueFrom`, rendered (`${...}` for intrinsic functions), by name. */
  readonly secretSources: Readonly<Record<string, string>>;
  /**
   * The secrets whose value the template itself builds (a connection URL: `SecretString` of a secret of
   * the stack), by variable: the text with each intrinsic function as `\u0000`.
   */
  readonly builtSecrets?: Readonly<Record<string, string>>;
  /** `EnvironmentFiles`: each file's S3 object, rendered (`${...}` for intrinsic functions). */
  readonly environmentFiles?: readonly string[];
  readonly ports: readonly number[];
  /** Protocol of each port mapping (`tcp`, `udp`), by container port. */
  readonly portProtocols?: Readonly<Record<number, string>>;
  readonly healthCheck?: CloudHealthCheck;
  /** The container settings the definition has (see ContainerSettingsSpec); each only when set. */
  readonly settings?: CloudContainerSettings;
  readonly dependsOn: readonly { readonly container: string; readonly condition: string }[];
  readonly mounts: readonly { readonly volume: string; readonly path: string; readonly readOnly: boolean }[];
  /** Container-level CPU units (jobs) and memory hard limit (MiB), when set. */
  readonly cpu?: number;
  readonly memoryMiB?: number;
  /** Container-level memory reservation (MiB), when set. */
  readonly memoryReservationMiB?: number;
  /**
   * A helper, not a workload: `config-files` writes a workload's inline config files, `writable-paths`
   * opens the task volumes at its writable paths to every user.
   */
  readonly role?: string;
  /** Paths the writable-path preparer sets the mode of, inside the preparer. */
  readonly opens?: readonly { readonly mode: string; readonly path: string }[];
  /** Config files the helper writes: path inside the helper to the environment variable holding it. */
  readonly writes?: readonly { readonly path: string; readonly variable: string }[];
}

/** The container settings of a container definition, read as written. */
export interface CloudContainerSettings {
  /** `Ulimits`, by name. */
  readonly ulimits: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  /** `LinuxParameters.InitProcessEnabled`. */
  readonly init: boolean;
  /** `LinuxParameters.Capabilities.Add` and `.Drop`. */
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** `StopTimeout`, in seconds. */
  readonly stopTimeoutSeconds?: number;
  /** `DockerLabels`, less the library's own `twinstack.role`. */
  readonly labels: Readonly<Record<string, string>>;
  /** `Hostname`, `ExtraHosts` and `LinuxParameters.SharedMemorySize`: Fargate refuses them; read to report. */
  readonly hostname?: string;
  readonly extraHosts: readonly string[];
  readonly sharedMemoryMiB?: number;
}

export interface CloudHealthCheck {
  readonly test: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** An ECS service with its task definition. */
export interface CloudService {
  readonly logicalId: string;
  /** Name of its essential container: the workload's name. */
  readonly name: string;
  readonly desiredCount?: number;
  /** The service's deployment bounds (`DeploymentConfiguration`), when the template sets them. */
  readonly deployment?: { readonly minimumHealthyPercent?: number; readonly maximumPercent?: number };
  /** Logical ids of the ECS services this one has CloudFormation DependsOn on. */
  readonly dependsOn: readonly string[];
  readonly taskCpu?: number;
  readonly taskMemoryMiB?: number;
  readonly cpuArchitecture?: string;
  readonly containers: readonly CloudContainer[];
  /** Task volumes by name; `efs` when backed by an EFS file system. */
  readonly volumes: ReadonlyMap<string, { readonly efs: boolean }>;
  /** Target groups that send traffic to this service's containers. */
  readonly targets: readonly {
    readonly targetGroup: string;
    readonly container: string;
    readonly port: number;
  }[];
  /** Whether a scalable target (autoscaling) is attached. */
  readonly autoScaled: boolean;
  /** What runs the task: an ECS service, or a job's own task run during deployments or on a schedule. */
  readonly kind?: 'service' | 'deployment-job' | 'scheduled-job';
  /** The schedule of a scheduled job. */
  readonly schedule?: { readonly expression: string; readonly timeZone?: string };
  /** Jobs run during deployments (by their container name) that this resource is ordered after. */
  readonly jobRuns?: readonly string[];
  /**
   * Logical ids of the managed data services' resources (RDS, ElastiCache, OpenSearch, Amazon MQ,
   * DocumentDB) this resource has CloudFormation DependsOn on.
   */
  readonly dataServiceResources?: readonly string[];
}

/** One row of a listener's routing, in evaluation order. */
export interface CloudRouteRow {
  readonly priority?: number;
  readonly pathPatterns: readonly string[];
  readonly hostHeaders: readonly string[];
  readonly httpHeaders: Readonly<Record<string, readonly string[]>>;
  readonly queryStrings: readonly { readonly key?: string; readonly value: string }[];
  /** `service:port`, or the fixed response's status code. */
  readonly target: string;
}

/** A load balancer of the application and the listener that routes (not the HTTP-to-HTTPS redirect). */
export interface CloudLoadBalancer {
  readonly logicalId: string;
  readonly scheme?: string;
  /** Ports of every listener. */
  readonly listenerPorts: readonly number[];
  /** Port of the routing listener. */
  readonly port?: number;
  readonly routes: readonly CloudRouteRow[];
  /**
   * It routes nothing, so nothing in the template ties it to an application: it is the application's
   * only if the model has a load balancer without routes to pair it with.
   */
  readonly routeless?: boolean;
  /**
   * Rules of a listener that is not in the template (an existing one, by ARN or from another stack): no
   * load balancer, ports or default action to read, only the application's rules.
   */
  readonly existingListener?: boolean;
}

/** What the template holds for one application. */
export interface CloudTwin {
  readonly services: readonly CloudService[];
  readonly loadBalancers: readonly CloudLoadBalancer[];
  /** Jobs with a task of their own, run during deployments or on a schedule. */
  readonly jobTasks: readonly CloudService[];
}

/** CloudFormation types of the resources that make up managed data services. */
export const DATA_SERVICE_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::OpenSearchService::Domain',
  'AWS::AmazonMQ::Broker',
  'AWS::DocDB::DBCluster',
  'AWS::DocDB::DBInstance',
]);

/** The data-service resources among `ids` (a resource's DependsOn). */
function dataServiceResources(resources: Record<string, any>, ids: readonly string[]): string[] {
  return ids.filter((d) => DATA_SERVICE_TYPES.has(resources[d]?.Type));
}

/** The key of any cluster that is not a resource of the template (see readCloudTwin). */
const EXTERNAL_CLUSTER = '(a cluster outside the template)';

/** CloudFormation type of the resource that runs a job during a deployment (see JobRunner). */
const JOB_RUN_TYPE = 'Custom::TwinstackJobRun';

/**
 * The content hash of a container-asset image reference (asset images are tagged with the 64-hex hash of
 * their build), if it is one.
 */
export function assetHashOf(image: string): string | undefined {
  const m = /(?<!sha256):([a-f0-9]{64})$/.exec(image);
  return m?.[1];
}

/**
 * The application's part of `template`: the ECS services registered in the Service Connect namespace
 * named `namespace` (every Application creates its own, named after it, unless it is given an existing
 * one), or every ECS service when the template has no namespace at all, or those registered in a namespace
 * outside the template (an existing one of another stack) when the template has none of that name; the
 * jobs run in the same cluster (the template's, or one outside it); and the load balancers or existing
 * listeners that route to them.
 */
export function readCloudTwin(template: any, application: string, namespace = application): CloudTwin {
  const resources: Record<string, any> = template?.Resources ?? {};
  const allNamespaces = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::ServiceDiscovery::HttpNamespace',
  );
  const namespaces = allNamespaces.filter(([, r]) => r.Properties?.Name === namespace).map(([id]) => id);
  const ecsServices = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ECS::Service');
  const namespaceOf = (r: any) => r.Properties?.ServiceConnectConfiguration?.Namespace;
  const inScope = ecsServices.filter(([, r]) =>
    allNamespaces.length === 0
      ? true
      : namespaces.length > 0
        ? namespaces.includes(refOf(namespaceOf(r)))
        : namespaceOf(r) !== undefined && !allNamespaces.some(([id]) => id === refOf(namespaceOf(r))),
  );
  const scalableTargets = Object.values(resources).filter(
    (r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget',
  );
  const jobRunNames = new Map(
    Object.entries(resources)
      .filter(([, r]) => r.Type === JOB_RUN_TYPE)
      .map(([id, r]) => [id, String(r.Properties?.Container ?? id)]),
  );
  const services = inScope.map(([id, r]) => readService(resources, id, r, scalableTargets, jobRunNames));
  // The application's cluster: the one its services run in, or the template's only cluster. A cluster
  // outside the template (an existing one) is referred to by name or ARN, so all such are one: EXTERNAL.
  const clusterKey = (x: any) =>
    resources[refOf(x)]?.Type === 'AWS::ECS::Cluster' ? refOf(x) : EXTERNAL_CLUSTER;
  const clusters = new Set(inScope.map(([, r]) => clusterKey(r.Properties?.Cluster)));
  if (clusters.size === 0) {
    const all = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ECS::Cluster');
    if (all.length === 1) clusters.add(all[0][0]);
    if (all.length === 0) clusters.add(EXTERNAL_CLUSTER);
  }
  const jobTasks: CloudService[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === JOB_RUN_TYPE && clusters.has(clusterKey(r.Properties?.Cluster))) {
      jobTasks.push(
        readJobTask(resources, id, r, refOf(r.Properties?.TaskDefinition), 'deployment-job', jobRunNames),
      );
    } else if (r.Type === 'AWS::Scheduler::Schedule') {
      const target = r.Properties?.Target ?? {};
      if (!clusters.has(clusterKey(target.Arn))) continue;
      const job = readJobTask(
        resources,
        id,
        r,
        refOf(target.EcsParameters?.TaskDefinitionArn),
        'scheduled-job',
        jobRunNames,
      );
      jobTasks.push({
        ...job,
        schedule: {
          expression: String(r.Properties?.ScheduleExpression ?? ''),
          ...(r.Properties?.ScheduleExpressionTimezone
            ? { timeZone: String(r.Properties.ScheduleExpressionTimezone) }
            : {}),
        },
      });
    }
  }
  return { services, loadBalancers: readLoadBalancers(resources, services), jobTasks };
}

/** A job's own task and the resource that starts it (a job-run custom resource or a schedule). */
function readJobTask(
  resources: Record<string, any>,
  id: string,
  r: any,
  taskId: string,
  kind: 'deployment-job' | 'scheduled-job',
  jobRunNames: ReadonlyMap<string, string>,
): CloudService {
  const task = resources[taskId]?.Properties ?? {};
  const containers: CloudContainer[] = (task.ContainerDefinitions ?? []).map((c: any) =>
    readContainer(c, resources),
  );
  const volumes = new Map<string, { efs: boolean }>();
  for (const v of task.Volumes ?? []) volumes.set(v.Name, { efs: v.EFSVolumeConfiguration !== undefined });
  const essential = containers.find((c) => c.essential && c.role === undefined) ?? containers[0];
  const dependsOn = ([] as string[]).concat(r.DependsOn ?? []);
  return {
    logicalId: id,
    name: essential?.name ?? id,
    dependsOn: dependsOn.filter((d) => resources[d]?.Type === 'AWS::ECS::Service'),
    ...(task.Cpu !== undefined ? { taskCpu: Number(task.Cpu) } : {}),
    ...(task.Memory !== undefined ? { taskMemoryMiB: Number(task.Memory) } : {}),
    ...(task.RuntimePlatform?.CpuArchitecture
      ? { cpuArchitecture: task.RuntimePlatform.CpuArchitecture }
      : {}),
    containers,
    volumes,
    targets: [],
    autoScaled: false,
    kind,
    jobRuns: dependsOn.filter((d) => jobRunNames.has(d)).map((d) => jobRunNames.get(d)!),
    dataServiceResources: dataServiceResources(resources, dependsOn),
  };
}

function readService(
  resources: Record<string, any>,
  id: string,
  r: any,
  scalableTargets: any[],
  jobRunNames: ReadonlyMap<string, string>,
): CloudService {
  const p = r.Properties ?? {};
  const taskId = refOf(p.TaskDefinition);
  const task = resources[taskId]?.Properties ?? {};
  const containers: CloudContainer[] = (task.ContainerDefinitions ?? []).map((c: any) =>
    readContainer(c, resources),
  );
  const volumes = new Map<string, { efs: boolean }>();
  for (const v of task.Volumes ?? []) volumes.set(v.Name, { efs: v.EFSVolumeConfiguration !== undefined });
  const essential = containers.find((c) => c.essential && c.role === undefined) ?? containers[0];
  const dependsOn = ([] as string[])
    .concat(r.DependsOn ?? [])
    .filter((d) => resources[d]?.Type === 'AWS::ECS::Service');
  return {
    logicalId: id,
    name: essential?.name ?? id,
    ...(p.DesiredCount !== undefined ? { desiredCount: Number(p.DesiredCount) } : {}),
    ...(p.DeploymentConfiguration ? { deployment: _deployment(p.DeploymentConfiguration) } : {}),
    dependsOn,
    ...(task.Cpu !== undefined ? { taskCpu: Number(task.Cpu) } : {}),
    ...(task.Memory !== undefined ? { taskMemoryMiB: Number(task.Memory) } : {}),
    ...(task.RuntimePlatform?.CpuArchitecture
      ? { cpuArchitecture: task.RuntimePlatform.CpuArchitecture }
      : {}),
    containers,
    volumes,
    targets: (p.LoadBalancers ?? []).map((lb: any) => ({
      targetGroup: refOf(lb.TargetGroupArn),
      container: lb.ContainerName,
      port: Number(lb.ContainerPort),
    })),
    autoScaled: scalableTargets.some((t) =>
      JSON.stringify(t.Properties?.ResourceId ?? '').includes(`"${id}"`),
    ),
    kind: 'service',
    jobRuns: ([] as string[])
      .concat(r.DependsOn ?? [])
      .filter((d) => jobRunNames.has(d))
      .map((d) => jobRunNames.get(d)!),
    dataServiceResources: dataServiceResources(resources, ([] as string[]).concat(r.DependsOn ?? [])),
  };
}

function readContainer(c: any, resources: Record<string, any>): CloudContainer {
  const hc = c.HealthCheck;
  const builtSecrets: Record<string, string> = {};
  for (const s of c.Secrets ?? []) {
    const secret = typeof s.ValueFrom?.Ref === 'string' ? resources[s.ValueFrom.Ref] : undefined;
    if (secret?.Type === 'AWS::SecretsManager::Secret' && secret.Properties?.SecretString !== undefined)
      builtSecrets[s.Name] = builtText(secret.Properties.SecretString);
  }
  return {
    name: c.Name,
    essential: c.Essential !== false,
    image: render(c.Image),
    ...(c.Command ? { command: c.Command.map(render) } : {}),
    ...(c.EntryPoint ? { entryPoint: c.EntryPoint.map(render) } : {}),
    ...(c.WorkingDirectory !== undefined ? { workingDirectory: render(c.WorkingDirectory) } : {}),
    ...(c.User !== undefined ? { user: render(c.User) } : {}),
    readOnlyRootFilesystem: c.ReadonlyRootFilesystem === true,
    environment: Object.fromEntries((c.Environment ?? []).map((e: any) => [e.Name, render(e.Value)])),
    secrets: (c.Secrets ?? []).map((s: any) => s.Name),
    secretSources: Object.fromEntries((c.Secrets ?? []).map((s: any) => [s.Name, render(s.ValueFrom)])),
    ...(Object.keys(builtSecrets).length ? { builtSecrets } : {}),
    ...(c.EnvironmentFiles ? { environmentFiles: c.EnvironmentFiles.map((f: any) => render(f.Value)) } : {}),
    ports: (c.PortMappings ?? []).map((m: any) => Number(m.ContainerPort)),
    portProtocols: Object.fromEntries(
      (c.PortMappings ?? []).map((m: any) => [
        Number(m.ContainerPort),
        String(m.Protocol ?? 'tcp').toLowerCase(),
      ]),
    ),
    settings: readSettings(c),
    ...(hc
      ? {
          healthCheck: {
            test: (hc.Command ?? []).map(render),
            intervalSeconds: hc.Interval ?? 30,
            timeoutSeconds: hc.Timeout ?? 5,
            retries: hc.Retries ?? 3,
            startPeriodSeconds: hc.StartPeriod ?? 0,
          },
        }
      : {}),
    dependsOn: (c.DependsOn ?? []).map((d: any) => ({ container: d.ContainerName, condition: d.Condition })),
    mounts: (c.MountPoints ?? []).map((m: any) => ({
      volume: m.SourceVolume,
      path: m.ContainerPath,
      readOnly: m.ReadOnly === true,
    })),
    ...(c.Cpu !== undefined ? { cpu: Number(c.Cpu) } : {}),
    ...(c.Memory !== undefined ? { memoryMiB: Number(c.Memory) } : {}),
    ...(c.MemoryReservation !== undefined ? { memoryReservationMiB: Number(c.MemoryReservation) } : {}),
    ...(c.DockerLabels?.['twinstack.role'] ? { role: String(c.DockerLabels['twinstack.role']) } : {}),
    ...(c.DockerLabels?.['twinstack.role'] === 'writable-paths'
      ? {
          opens: [...String(render(c.Command?.[0] ?? '')).matchAll(/chmod (\d+) (\S+)/g)].map((m) => ({
            mode: m[1],
            path: m[2],
          })),
        }
      : {}),
    ...(c.DockerLabels?.['twinstack.role'] === 'config-files'
      ? {
          writes: [
            ...String(render(c.Command?.[0] ?? '')).matchAll(/"\$(TWINSTACK_FILE_\d+)" > '([^']+)'/g),
          ].map((m) => ({ variable: m[1], path: m[2] })),
        }
      : {}),
  };
}

function readSettings(c: any): CloudContainerSettings {
  const linux = c.LinuxParameters ?? {};
  const labels = Object.entries(c.DockerLabels ?? {}).filter(([k]) => k !== 'twinstack.role');
  return {
    ulimits: Object.fromEntries(
      (c.Ulimits ?? []).map((u: any) => [
        String(u.Name),
        { soft: Number(u.SoftLimit), hard: Number(u.HardLimit) },
      ]),
    ),
    init: linux.InitProcessEnabled === true,
    capAdd: (linux.Capabilities?.Add ?? []).map(String),
    capDrop: (linux.Capabilities?.Drop ?? []).map(String),
    ...(c.StopTimeout !== undefined ? { stopTimeoutSeconds: Number(c.StopTimeout) } : {}),
    labels: Object.fromEntries(labels.map(([k, v]) => [k, render(v)])),
    ...(c.Hostname !== undefined ? { hostname: render(c.Hostname) } : {}),
    extraHosts: (c.ExtraHosts ?? []).map((h: any) => `${render(h.Hostname)}:${render(h.IpAddress)}`),
    ...(linux.SharedMemorySize !== undefined ? { sharedMemoryMiB: Number(linux.SharedMemorySize) } : {}),
  };
}

/**
 * The mounts of `container` that are writable paths: task storage volumes (not EFS) that no config-file
 * writer writes (the writable-path preparer mounts them too), by path in the container.
 */
export function writableMounts(
  host: Pick<CloudService, 'containers' | 'volumes'>,
  container: CloudContainer,
): CloudContainer['mounts'] {
  const helperVolumes = new Set(
    host.containers.filter((c) => c.role === 'config-files').flatMap((c) => c.mounts.map((m) => m.volume)),
  );
  return container.mounts.filter(
    (m) => host.volumes.get(m.volume)?.efs === false && !helperVolumes.has(m.volume),
  );
}

function readLoadBalancers(
  resources: Record<string, any>,
  services: readonly CloudService[],
): CloudLoadBalancer[] {
  const targetOf = new Map<string, string>();
  for (const s of services)
    for (const t of s.targets) targetOf.set(t.targetGroup, `${t.container}:${t.port}`);
  const actionTarget = (actions: any[] = []): string => {
    const a = actions[0] ?? {};
    if (a.Type === 'forward') {
      const tg = refOf(a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn);
      return targetOf.get(tg) ?? `target group ${tg} of no service of this application`;
    }
    if (a.Type === 'fixed-response') return String(a.FixedResponseConfig?.StatusCode);
    return String(a.Type);
  };
  const forwardsHere = (actions: any[] = []) =>
    actions.some((a) => a.Type === 'forward' && targetOf.has(refOf(a.TargetGroupArn)));
  const rulesOf = (listener: string) =>
    Object.values(resources)
      .filter(
        (x) =>
          x.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' &&
          refOf(x.Properties?.ListenerArn) === listener,
      )
      .map((x) => x.Properties)
      .sort((a, b) => Number(a.Priority) - Number(b.Priority));

  const out: CloudLoadBalancer[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') continue;
    const listeners = Object.entries(resources).filter(
      ([, l]) =>
        l.Type === 'AWS::ElasticLoadBalancingV2::Listener' && refOf(l.Properties?.LoadBalancerArn) === id,
    );
    const routing = listeners.find(([, l]) => l.Properties?.DefaultActions?.[0]?.Type !== 'redirect');
    const rules = routing ? rulesOf(routing[0]) : [];
    const ours = listeners.some(
      ([lid, l]) =>
        forwardsHere(l.Properties?.DefaultActions) || rulesOf(lid).some((x) => forwardsHere(x.Actions)),
    );
    // A load balancer without routes forwards to nothing that tells whose it is.
    const routeless =
      !ours &&
      rules.length === 0 &&
      !listeners.some(([, l]) => l.Properties?.DefaultActions?.[0]?.Type === 'forward');
    if (!ours && !routeless) continue;
    const routes: CloudRouteRow[] = rules.map((rule) => ({
      priority: Number(rule.Priority),
      ...conditionsOf(rule.Conditions ?? []),
      target: actionTarget(rule.Actions),
    }));
    if (routing) {
      routes.push({
        pathPatterns: [],
        hostHeaders: [],
        httpHeaders: {},
        queryStrings: [],
        target: actionTarget(routing[1].Properties?.DefaultActions),
      });
    }
    out.push({
      logicalId: id,
      ...(r.Properties?.Scheme ? { scheme: r.Properties.Scheme } : {}),
      listenerPorts: listeners.map(([, l]) => Number(l.Properties?.Port)).sort((a, b) => a - b),
      ...(routing ? { port: Number(routing[1].Properties?.Port) } : {}),
      routes,
      ...(routeless ? { routeless: true } : {}),
    });
  }
  // Rules on a listener outside the template (an existing listener), grouped by the listener they name.
  const templateListeners = new Set(
    Object.entries(resources)
      .filter(([, l]) => l.Type === 'AWS::ElasticLoadBalancingV2::Listener')
      .map(([id]) => id),
  );
  const outside = new Map<string, { arn: any; rules: any[] }>();
  for (const x of Object.values(resources)) {
    if (x.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') continue;
    const arn = x.Properties?.ListenerArn;
    if (templateListeners.has(refOf(arn)) || !forwardsHere(x.Properties?.Actions)) continue;
    const key = JSON.stringify(arn);
    const group = outside.get(key) ?? { arn, rules: [] };
    group.rules.push(x.Properties);
    outside.set(key, group);
  }
  for (const { arn, rules } of outside.values()) {
    rules.sort((a, b) => Number(a.Priority) - Number(b.Priority));
    out.push({
      logicalId: `existing listener ${render(arn)}`,
      listenerPorts: [],
      routes: rules.map((rule) => ({
        priority: Number(rule.Priority),
        ...conditionsOf(rule.Conditions ?? []),
        target: actionTarget(rule.Actions),
      })),
      existingListener: true,
    });
  }
  return out;
}

function conditionsOf(conditions: any[]) {
  const c = {
    pathPatterns: [] as string[],
    hostHeaders: [] as string[],
    httpHeaders: {} as Record<string, string[]>,
    queryStrings: [] as { key?: string; value: string }[],
  };
  for (const x of conditions) {
    if (x.Field === 'path-pattern') c.pathPatterns.push(...(x.PathPatternConfig?.Values ?? x.Values ?? []));
    else if (x.Field === 'host-header') c.hostHeaders.push(...(x.HostHeaderConfig?.Values ?? x.Values ?? []));
    else if (x.Field === 'http-header')
      c.httpHeaders[String(x.HttpHeaderConfig.HttpHeaderName).toLowerCase()] = [...x.HttpHeaderConfig.Values];
    else if (x.Field === 'query-string')
      c.queryStrings.push(
        ...x.QueryStringConfig.Values.map((v: any) =>
          v.Key === undefined ? { value: v.Value } : { key: v.Key, value: v.Value },
        ),
      );
    else c.pathPatterns.push(`(condition ${x.Field})`);
  }
  return c;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at, or the value itself. */
function refOf(x: any): string {
  if (x && typeof x === 'object') {
    if (typeof x.Ref === 'string') return x.Ref;
    if (Array.isArray(x['Fn::GetAtt'])) return x['Fn::GetAtt'][0];
  }
  return typeof x === 'string' ? x : JSON.stringify(x);
}

/** A value the template builds: its literal text, joined, with each other intrinsic function as `\u0000`. */
function builtText(x: any): string {
  if (typeof x === 'string' || typeof x === 'number') return String(x);
  if (x && typeof x === 'object' && Array.isArray(x['Fn::Join']) && Array.isArray(x['Fn::Join'][1]))
    return (x['Fn::Join'][1] as any[]).map(builtText).join(String(x['Fn::Join'][0]));
  return '\u0000';
}

/** A template value as a string; intrinsic functions become `${...}` placeholders. */
export function render(x: any): string {
  if (x === null || x === undefined) return '';
  if (typeof x !== 'object') return String(x);
  if (typeof x.Ref === 'string') return `\${${x.Ref}}`;
  if (Array.isArray(x['Fn::GetAtt'])) return `\${${x['Fn::GetAtt'].join('.')}}`;
  if (Array.isArray(x['Fn::Join'])) return (x['Fn::Join'][1] as any[]).map(render).join(x['Fn::Join'][0]);
  if (x['Fn::Sub'] !== undefined) return render(Array.isArray(x['Fn::Sub']) ? x['Fn::Sub'][0] : x['Fn::Sub']);
  if (Array.isArray(x['Fn::Select'])) {
    const list = x['Fn::Select'][1];
    if (Array.isArray(list)) return render(list[Number(x['Fn::Select'][0])]);
    return `\${${JSON.stringify(x)}}`;
  }
  return `\${${JSON.stringify(x)}}`;
}

function _deployment(c: any): NonNullable<CloudService['deployment']> {
  return {
    ...(c.MinimumHealthyPercent !== undefined
      ? { minimumHealthyPercent: Number(c.MinimumHealthyPercent) }
      : {}),
    ...(c.MaximumPercent !== undefined ? { maximumPercent: Number(c.MaximumPercent) } : {}),
  };
}
