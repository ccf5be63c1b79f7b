import fc from 'fast-check';
import type {
  AppPlan,
  DataServicePlan,
  DependencyPlan,
  HealthCheckPlan,
  LoadBalancerPlan,
  RoutePlan,
  SecretPlan,
  VolumePlan,
  WorkloadPlan,
} from './model-plan';
import type { ResourcePlan } from './model-plan';
import {
  AWS_STAND_IN_NAMES,
  ENVIRONMENT_FILES,
  ENVIRONMENT_FILE_VARIABLES,
  nameArb,
  validPlanArb,
} from './model-plan';

/**
 * Invalid plans: a valid plan with one rule broken, and the construct and prop the library's
 * ValidationError must name. Construct paths are those buildApplication gives: the stack is `Prop`, the
 * application `Prop/App`, workloads `Prop/App/w<i>`, volumes `Prop/App/v<i>`, load balancers
 * `Prop/App/lb<i>` and their routes `Prop/App/lb<i>/<route id>`.
 */
export interface InvalidCase {
  /** Which rule the case breaks, for the report. */
  readonly rule: string;
  readonly plan: AppPlan;
  /** Construct paths any of which the error may name (a cycle is reported at one of its members). */
  readonly paths: readonly string[];
  /** The prop, exactly or as a pattern. */
  readonly prop: string | RegExp;
}

const APP = 'Prop/App';
const at = (id: string) => `${APP}/${id}`;

type Mutation = (plan: AppPlan) => fc.Arbitrary<InvalidCase> | undefined;

/** Names the library must refuse: empty, upper case, leading digit or sign, unicode, too long, dots. */
export const badNameArb = fc
  .oneof(
    fc.constantFrom(
      '',
      ' ',
      'Api',
      'API',
      '1api',
      '-api',
      '_api',
      'api.v2',
      'api v2',
      'wéb',
      'сервис',
      'api😀',
    ),
    fc.stringMatching(/^[a-z][a-z0-9_-]{63,80}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  )
  .filter((n) => !/^[a-z][a-z0-9_-]{0,62}$/.test(n));

const badEnvNameArb = fc
  .oneof(
    fc.constantFrom('', '1A', 'A B', 'CLÉ', 'A=B', 'A$', '-A', 'ключ'),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  )
  .filter((n) => !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(n));

/** Numbers that are not whole numbers in [min, max]. */
const outOfRange = (min: number, max: number) =>
  fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, min - 1, max + 1, min + 0.5, -0.5),
    fc.integer({ min: Math.max(-1e9, min - 1e6), max: min - 1 }),
    fc.integer({ min: max + 1, max: max + 1e6 }),
    fc.double({ min: min, max: max, noNaN: true }).filter((n) => !Number.isInteger(n)),
  );

const blankArb = fc.constantFrom('', ' ', '  \t', '\n');

/** A host port no service publishes and no load balancer uses. */
function freeLocalPort(plan: AppPlan): number {
  const used = new Set([
    ...plan.workloads.flatMap((w) => w.ports.map((p) => p.hostPort)),
    ...plan.loadBalancers.map((l) => l.localPort),
  ]);
  let port = 20000;
  while (used.has(port)) port++;
  return port;
}

/** A plan with workload `i` replaced. */
function withWorkload(plan: AppPlan, i: number, w: WorkloadPlan): AppPlan {
  return { ...plan, workloads: plan.workloads.map((x, k) => (k === i ? w : x)) };
}

/** Picks the index of a workload satisfying `ok`, if any. */
function pick(plan: AppPlan, ok: (w: WorkloadPlan, i: number) => boolean): fc.Arbitrary<number> | undefined {
  const candidates = plan.workloads.map((w, i) => (ok(w, i) ? i : -1)).filter((i) => i >= 0);
  return candidates.length ? fc.constantFrom(...candidates) : undefined;
}

/** A mutation of one workload property, on any workload (or those `ok` accepts). */
function workloadProp(
  rule: string,
  prop: string | RegExp | ((w: WorkloadPlan) => string),
  values: fc.Arbitrary<unknown>,
  apply: (w: WorkloadPlan, value: unknown) => WorkloadPlan,
  ok: (w: WorkloadPlan) => boolean = () => true,
): Mutation {
  return (plan) =>
    pick(plan, ok)?.chain((i) =>
      values.map((value) => {
        const w = apply(plan.workloads[i], value);
        return {
          rule,
          plan: withWorkload(plan, i, w),
          paths: [at(plan.workloads[i].id)],
          prop: typeof prop === 'function' ? prop(w) : prop,
        };
      }),
    );
}

const isService = (w: WorkloadPlan) => w.kind === 'service';
/** A service whose task count and deployments are its own to set: not a StatefulService. */
const isScalable = (w: WorkloadPlan) => isService(w) && w.stateful === undefined;
const health = (w: WorkloadPlan, h: Partial<HealthCheckPlan>): WorkloadPlan => ({
  ...w,
  healthCheck: { kind: 'http', port: 8080, path: '/health', ...w.healthCheck, ...h } as HealthCheckPlan,
  // A grace period must not be shorter than the start period; drop it so only the mutated rule breaks.
  healthCheckGracePeriodMs: undefined,
});
/** Dependencies that are valid for `w` to have on workload `t` of `plan`. */
function conditionFor(plan: AppPlan, dependent: WorkloadPlan, t: number): DependencyPlan['condition'] {
  const target = plan.workloads[t];
  if (target.kind === 'job') return dependent.kind === 'service' ? 'completed-successfully' : 'started';
  return 'started';
}

const workloadMutations: Mutation[] = [
  workloadProp(
    'cpu that is not a Fargate size',
    'cpu',
    fc
      .oneof(outOfRange(1, 1e6), fc.integer({ min: 1, max: 20000 }))
      .filter((c) => ![256, 512, 1024, 2048, 4096, 8192, 16384].includes(c as number)),
    (w, cpu) => ({ ...w, cpu }),
  ),
  workloadProp(
    'memory that does not fit the cpu',
    'memoryMiB',
    fc
      .oneof(outOfRange(1, 1e6), fc.integer({ min: -1e6, max: 1e6 }))
      .filter((m) => (m as number) % 512 !== 0),
    (w, memoryMiB) => ({ ...w, memoryMiB }),
  ),
  workloadProp('a bad workload name', 'name', badNameArb, (w, name) => ({ ...w, name })),
  workloadProp(
    'a start-time default compose cannot interpolate',
    'environment.START_VAR_BAD.default',
    fc.constantFrom('a}b', '}', 'x\ny'),
    (w, d) => ({ ...w, startVariables: { ...w.startVariables, START_VAR_BAD: d as string } }),
  ),
  workloadProp(
    'desiredCount out of range',
    'desiredCount',
    outOfRange(0, 1000),
    (w, desiredCount) => ({
      ...w,
      desiredCount,
      autoScale: undefined,
    }),
    isScalable,
  ),
  workloadProp(
    'containerPort out of range',
    'ports[0].containerPort',
    outOfRange(1, 65535),
    (w, containerPort) => ({ ...w, ports: [{ containerPort }] }),
    (w) => isService(w) && w.ports.length === 0,
  ),
  workloadProp(
    'a capability Fargate cannot add',
    'capabilities.add[0]',
    fc.constantFrom('NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'),
    (w, c) => ({ ...w, settings: { capabilities: { add: [c] } } }),
  ),
  workloadProp(
    'a soft ulimit above its hard one',
    'ulimits.nofile.soft',
    fc.integer({ min: 2, max: 1000 }),
    (w, soft) => ({ ...w, settings: { ulimits: { nofile: { soft, hard: 1 } } } }),
  ),
  workloadProp(
    'an extra host address that is none',
    'extraHosts.db.example',
    fc.constantFrom('nowhere', '300.1.1.1', ''),
    (w, address) => ({ ...w, settings: { extraHosts: { 'db.example': address } } }),
  ),
  workloadProp(
    'a restart policy compose does not have',
    'restart',
    fc.constantFrom('sometimes', 'on-failure:3', 'Always', ''),
    (w, restart) => ({ ...w, restart }),
  ),
  workloadProp(
    'a restart policy a job cannot have',
    'restart',
    fc.constantFrom('always', 'unless-stopped'),
    (w, restart) => ({ ...w, restart }),
    (w) => w.kind === 'job',
  ),
  workloadProp(
    'hostPort out of range',
    'ports[0].hostPort',
    outOfRange(1, 65535),
    (w, hostPort) => ({ ...w, ports: [{ containerPort: 8080, hostPort }] }),
    (w) => isService(w) && w.ports.length === 0,
  ),
  workloadProp(
    'an unknown port protocol',
    'ports[0].protocol',
    fc.constantFrom('', 'https', 'HTTP', 'sctp', 'grpс'),
    (w, protocol) => ({ ...w, ports: [{ containerPort: 8080, protocol }] }),
    (w) => isService(w) && w.ports.length === 0,
  ),
  workloadProp(
    'health check retries out of range',
    'healthCheck.retries',
    outOfRange(1, 1000),
    (w, retries) => health(w, { retries }),
    isService,
  ),
  workloadProp(
    'a health check interval that is not whole seconds or is zero',
    'healthCheck.interval',
    fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 100000 }).filter((ms) => ms % 1000 !== 0),
    ),
    (w, intervalMs) => health(w, { intervalMs: intervalMs as number }),
    isService,
  ),
  workloadProp(
    'a start period longer than ECS allows',
    'healthCheck.startPeriod',
    fc.integer({ min: 301, max: 100000 }).map((s) => s * 1000),
    (w, startPeriodMs) => health(w, { startPeriodMs: startPeriodMs as number }),
    isService,
  ),
  workloadProp(
    'an HTTP health check path that is not a URL path',
    'healthCheck.path',
    fc.constantFrom('', 'health', '/a b', '/ü', '/"x"', "/it's", '/a\nb'),
    (w, path) => health(w, { kind: 'http', port: 8080, path }),
    isService,
  ),
  workloadProp(
    'a health check port out of range',
    'healthCheck.port',
    outOfRange(1, 65535),
    (w, port) => health(w, { kind: 'tcp', port }),
    isService,
  ),
  workloadProp(
    'an empty health check command',
    'healthCheck.command',
    fc.constantFrom([], [''], ['  ']),
    (w, command) => health(w, { kind: 'command', command }),
    isService,
  ),
  workloadProp(
    'a blank health check script',
    'healthCheck.script',
    blankArb,
    (w, script) => health(w, { kind: 'shell', script }),
    isService,
  ),
  workloadProp('an empty command', 'command', fc.constantFrom([], 'echo hi'), (w, command) => ({
    ...w,
    command,
  })),
  workloadProp('an empty entrypoint', 'entrypoint', fc.constantFrom([], 'sh'), (w, entrypoint) => ({
    ...w,
    entrypoint,
  })),
  workloadProp(
    'a blank or relative working directory',
    'workingDirectory',
    fc.oneof(blankArb, fc.constantFrom('srv', './app', 'app/')),
    (w, workingDirectory) => ({ ...w, workingDirectory }),
  ),
  workloadProp('a blank user', 'user', blankArb, (w, user) => ({ ...w, user })),
  workloadProp(
    'a root user without allowRootUser',
    'user',
    fc.constantFrom('root', '0', '0:0', 'root:staff'),
    (w, user) => ({ ...w, user, allowRootUser: undefined }),
  ),
  workloadProp(
    'a writable root filesystem without a reason',
    'hardeningReason',
    fc.constant(false),
    (w, readOnlyRootFilesystem) => ({
      ...w,
      readOnlyRootFilesystem,
      hardeningReason: undefined,
      ...(w.user === 'root' ? { user: undefined, allowRootUser: undefined } : {}),
    }),
  ),
  workloadProp(
    'a relative, root or repeated writable path',
    /^writablePaths\[\d\]$/,
    fc.constantFrom(['tmp'], ['/'], ['/tmp', '/tmp/'], ['/a/../b']),
    (w, writablePaths) => ({ ...w, writablePaths }),
  ),
  workloadProp('a bad environment variable name', 'environment', badEnvNameArb, (w, key) => ({
    ...w,
    environment: { [key as string]: 'value' },
    secrets: [],
  })),
  workloadProp(
    'an environment value that is not a string',
    /^environment\./,
    fc.constantFrom(5, true, null, { a: 1 }, ['x']),
    (w, value) => ({ ...w, environment: { ...w.environment, NOT_A_STRING: value } }),
  ),
  workloadProp(
    'an image reference that is not one',
    'image',
    fc.constantFrom('', ' ', 'upper/CASE', 'ngïnx', 'a b', 'nginx:', 'nginx@sha256:abc', ':tag', 'a//b'),
    (w, reference) => ({ ...w, image: { kind: 'registry', reference } }),
  ),
  workloadProp(
    'an image directory that does not exist',
    'image.directory',
    fc.constantFrom('', '/nonexistent/twinstack/dir', './no/such/dir'),
    (w, directory) => ({ ...w, image: { kind: 'directory', directory } }),
  ),
  workloadProp(
    'a build target that is not a stage',
    'image.target',
    fc.constantFrom('nope', 'bad stage', ''),
    (w, target) => ({
      ...w,
      image: {
        kind: 'directory',
        directory: `${__dirname}/../../lib/examples/goals/frontend`,
        file: 'Dockerfile.prod',
        target,
      },
    }),
  ),
  workloadProp(
    'a grace period shorter than the start period',
    'healthCheckGracePeriod',
    fc.integer({ min: 1, max: 300 }),
    (w, start) => ({
      ...w,
      healthCheck: { kind: 'tcp', port: 8080, startPeriodMs: (start as number) * 1000 },
      healthCheckGracePeriodMs: ((start as number) - 1) * 1000,
    }),
    isService,
  ),
  workloadProp(
    'minHealthyPercent out of range',
    'minHealthyPercent',
    outOfRange(0, 100),
    (w, v) => ({
      ...w,
      minHealthyPercent: v,
    }),
    isScalable,
  ),
  workloadProp(
    'maxHealthyPercent out of range',
    'maxHealthyPercent',
    outOfRange(100, 200),
    (w, v) => ({
      ...w,
      maxHealthyPercent: v,
    }),
    isScalable,
  ),
  workloadProp(
    'a deployment with no room to replace a task',
    'maxHealthyPercent',
    fc.constant(100),
    (w) => ({ ...w, minHealthyPercent: 100, maxHealthyPercent: 100 }),
    isScalable,
  ),
  workloadProp(
    'autoscaling with a maximum below the minimum',
    'autoScale.maxCapacity',
    fc.integer({ min: 2, max: 1000 }),
    (w, min) => ({
      ...w,
      desiredCount: min,
      autoScale: { minCapacity: min, maxCapacity: (min as number) - 1, cpuUtilizationPercent: 50 },
    }),
    isScalable,
  ),
  workloadProp(
    'autoscaling without a target',
    'autoScale',
    fc.constant(undefined),
    (w) => ({ ...w, desiredCount: 1, autoScale: { minCapacity: 1, maxCapacity: 2 } }),
    isScalable,
  ),
  workloadProp(
    'an autoscaling CPU target out of range',
    'autoScale.cpuUtilizationPercent',
    outOfRange(1, 100),
    (w, cpuUtilizationPercent) => ({
      ...w,
      desiredCount: 1,
      autoScale: { minCapacity: 1, maxCapacity: 2, cpuUtilizationPercent },
    }),
    isScalable,
  ),
  workloadProp(
    'a desired count outside the scaling range',
    'desiredCount',
    fc.integer({ min: 11, max: 1000 }),
    (w, desiredCount) => ({
      ...w,
      desiredCount,
      autoScale: { minCapacity: 1, maxCapacity: 10, cpuUtilizationPercent: 50 },
    }),
    isScalable,
  ),
  // References to parts of another application.
  workloadProp(
    'a dependency on a workload of another application',
    /^dependsOn\[\d+\]$/,
    fc.constant(0),
    (w) => ({
      ...w,
      dependsOn: [...w.dependsOn, { target: 'foreign', condition: 'started' }],
    }),
  ),
  workloadProp('a volume of another application', /^mounts\[\d+\]\.volume$/, fc.constant(0), (w) => ({
    ...w,
    mounts: [...w.mounts, { volume: 'foreign', path: '/twinstack-foreign' }],
  })),
  workloadProp('a secret of another application', 'secrets.FOREIGN_SECRET', fc.constant(0), (w) => ({
    ...w,
    secrets: [...w.secrets, { key: 'FOREIGN_SECRET', secret: 'foreign' }],
  })),
  workloadProp('a dependency on itself', /^dependsOn\[\d+\]$/, fc.constant(0), (w) => ({
    ...w,
    dependsOn: [...w.dependsOn, { target: 'self', condition: 'started' }],
  })),
  workloadProp(
    'a variable set both as plain environment and as a secret',
    'secrets',
    fc.constant(0),
    (w) => {
      const use = w.secrets[0];
      return { ...w, environment: { ...w.environment, [use.key as string]: 'plain' }, secrets: [use] };
    },
    (w) => w.secrets.length > 0,
  ),
];

/** Mutations that need the whole plan. */
const planMutations: Mutation[] = [
  // A dependency cycle: an earlier workload waits for a later one that (directly) waits for it.
  (plan) =>
    plan.workloads.length < 2
      ? undefined
      : fc
          .tuple(fc.nat(plan.workloads.length - 1), fc.nat(plan.workloads.length - 1))
          .filter(([a, b]) => a !== b)
          .map(([x, y]) => {
            const [a, b] = x < y ? [x, y] : [y, x];
            const wa = plan.workloads[a];
            const wb = plan.workloads[b];
            const bWaits = wb.dependsOn.some((d) => d.target === a)
              ? wb
              : { ...wb, dependsOn: [...wb.dependsOn, { target: a, condition: conditionFor(plan, wb, a) }] };
            const aWaits = {
              ...wa,
              dependsOn: [...wa.dependsOn, { target: b, condition: conditionFor(plan, wa, b) }],
            };
            // New waits on jobs put more jobs into services' tasks: make every service big enough for all.
            const cycle = withWorkload(withWorkload(plan, a, aWaits), b, bWaits);
            return {
              rule: 'a dependency cycle',
              plan: {
                ...cycle,
                workloads: cycle.workloads.map((w) =>
                  isService(w) ? { ...w, cpu: 16384, memoryMiB: 122880 } : w,
                ),
              },
              // Reported at the first, by name, of the workloads that wait on each other (a and b, and any
              // workload on a path between them).
              paths: cycle.workloads.map((w) => at(w.id)),
              prop: 'dependsOn',
            };
          }),
  // Conditions that cannot hold.
  (plan) =>
    pick(plan, (w, i) => isService(w) && !w.healthCheck && plan.workloads.length > i + 1)?.chain((t) =>
      fc.integer({ min: t + 1, max: plan.workloads.length - 1 }).map((d) => ({
        rule: 'waiting for a service without a health check to be healthy',
        plan: withWorkload(plan, d, {
          ...plan.workloads[d],
          dependsOn: [
            ...plan.workloads[d].dependsOn.filter((x) => x.target !== t),
            { target: t, condition: 'healthy' },
          ],
        }),
        paths: [at(plan.workloads[d].id)],
        prop: /^dependsOn\[\d+\]$/,
      })),
    ),
  (plan) =>
    pick(plan, (w, i) => isService(w) && plan.workloads.length > i + 1)?.chain((t) =>
      fc.integer({ min: t + 1, max: plan.workloads.length - 1 }).map((d) => ({
        rule: 'waiting for a service to complete',
        plan: withWorkload(plan, d, {
          ...plan.workloads[d],
          dependsOn: [
            ...plan.workloads[d].dependsOn.filter((x) => x.target !== t),
            { target: t, condition: 'completed-successfully' },
          ],
        }),
        paths: [at(plan.workloads[d].id)],
        prop: /^dependsOn\[\d+\]$/,
      })),
    ),
  (plan) =>
    pick(plan, (w, i) => w.kind === 'job' && plan.workloads.slice(i + 1).some(isService))?.chain((t) =>
      fc
        .constantFrom(...plan.workloads.map((w, i) => (i > t && isService(w) ? i : -1)).filter((i) => i >= 0))
        .map((d) => ({
          rule: 'a service waiting for a job to start rather than complete',
          plan: withWorkload(plan, d, {
            ...plan.workloads[d],
            // Its tasks now run the job too: room for it, so only the condition is wrong.
            cpu: 16384,
            memoryMiB: 122880,
            dependsOn: [
              ...plan.workloads[d].dependsOn.filter((x) => x.target !== t),
              { target: t, condition: 'started' },
            ],
          }),
          paths: [at(plan.workloads[d].id)],
          prop: /^dependsOn\[\d+\]$/,
        })),
    ),
  // Two workloads with one name.
  (plan) =>
    plan.workloads.length < 2
      ? undefined
      : fc.integer({ min: 1, max: plan.workloads.length - 1 }).map((i) => ({
          rule: 'two workloads with one name',
          plan: withWorkload(plan, i, { ...plan.workloads[i], name: plan.workloads[0].name }),
          paths: [at(plan.workloads[i].id)],
          prop: 'name',
        })),
  // A host port published twice.
  (plan) => {
    const services = plan.workloads.map((w, i) => (isService(w) ? i : -1)).filter((i) => i >= 0);
    if (services.length < 2) return undefined;
    return fc.integer({ min: 1, max: 65535 }).map((hostPort) => {
      const [a, b] = [services[0], services[services.length - 1]];
      const publish = (w: WorkloadPlan, containerPort: number): WorkloadPlan => ({
        ...w,
        ports: [
          { containerPort, hostPort },
          ...w.ports
            .filter((p) => p.containerPort !== containerPort)
            .map((p) => ({ containerPort: p.containerPort })),
        ],
      });
      return {
        rule: 'a host port published twice',
        plan: {
          ...withWorkload(
            withWorkload(plan, a, publish(plan.workloads[a], 7001)),
            b,
            publish(plan.workloads[b], 7002),
          ),
          loadBalancers: plan.loadBalancers.map((lb) => ({
            ...lb,
            localPort: lb.localPort === hostPort ? 1 + (hostPort % 65535) : lb.localPort,
          })),
        },
        paths: [at(plan.workloads[a].id), at(plan.workloads[b].id)],
        prop: 'ports',
      };
    });
  },
  // A job bigger than the service whose tasks run it.
  (plan) =>
    pick(plan, (w, i) => w.kind === 'job' && plan.workloads.slice(i + 1).some(isService))?.chain((t) =>
      fc
        .constantFrom(...plan.workloads.map((w, i) => (i > t && isService(w) ? i : -1)).filter((i) => i >= 0))
        .map((d) => ({
          rule: 'a job bigger than the task it runs in',
          plan: withWorkload(withWorkload(plan, t, { ...plan.workloads[t], cpu: 4096, memoryMiB: 8192 }), d, {
            ...plan.workloads[d],
            cpu: 256,
            memoryMiB: 512,
            dependsOn: [
              ...plan.workloads[d].dependsOn.filter((x) => x.target !== t),
              { target: t, condition: 'completed-successfully' },
            ],
          }),
          // Every service that runs the job now lacks room; the first one built is reported.
          paths: plan.workloads.filter((w, i) => i > t && isService(w)).map((w) => at(w.id)),
          prop: 'cpu',
        })),
    ),
  // A job declared for another CPU architecture than a service whose tasks run it.
  (plan) =>
    pick(plan, (w, i) => w.kind === 'job' && plan.workloads.slice(i + 1).some(isService))?.chain((t) =>
      fc
        .constantFrom(...plan.workloads.map((w, i) => (i > t && isService(w) ? i : -1)).filter((i) => i >= 0))
        .map((d) => ({
          rule: 'a job of another CPU architecture than the task it runs in',
          plan: withWorkload(withWorkload(plan, t, { ...plan.workloads[t], arm64: false }), d, {
            ...plan.workloads[d],
            arm64: true,
            // Room for the job, so only the architecture is wrong.
            cpu: 16384,
            memoryMiB: 122880,
            dependsOn: [
              ...plan.workloads[d].dependsOn.filter((x) => x.target !== t),
              { target: t, condition: 'completed-successfully' },
            ],
          }),
          // The job, and every job it waits for that its hosts run, may be reported.
          paths: plan.workloads.filter((w, i) => i <= t && w.kind === 'job').map((w) => at(w.id)),
          prop: 'cpuArchitecture',
        })),
    ),
  // The application itself.
  (plan) =>
    badNameArb.map((name) => ({
      rule: 'a bad application name',
      plan: { ...plan, name },
      paths: [APP],
      prop: 'name',
    })),
];

/** Volume, secret and load-balancer mutations. */
function partMutations(): Mutation[] {
  const withVolume = (plan: AppPlan, v: Partial<VolumePlan>, rule: string, prop: string) =>
    fc.constant<InvalidCase>({
      rule,
      plan: { ...plan, volumes: [...plan.volumes, { id: 'vbad', ...v }] },
      paths: [at('vbad')],
      prop,
    });
  const withSecret = (
    plan: AppPlan,
    s: SecretPlan,
    rule: string,
    prop: string,
    field?: unknown,
  ): InvalidCase => {
    const use = {
      key: 'BAD_SECRET_USE',
      secret: plan.secrets.length,
      ...(field !== undefined ? { field } : {}),
    };
    return {
      rule,
      plan: {
        ...plan,
        secrets: [...plan.secrets, s],
        workloads:
          field === undefined
            ? plan.workloads
            : withWorkload(plan, 0, { ...plan.workloads[0], secrets: [use] }).workloads,
      },
      paths: [at(s.id)],
      prop,
    };
  };
  // A service whose first port a route without `port` targets: not a UDP one.
  const service = (plan: AppPlan) =>
    plan.workloads.findIndex((w) => isService(w) && w.ports.length > 0 && w.ports[0].protocol !== 'udp');
  const withRoute = (
    plan: AppPlan,
    route: Partial<RoutePlan>,
    lb: Partial<LoadBalancerPlan>,
    rule: string,
    prop: string,
  ): InvalidCase => {
    const s = service(plan);
    const r: RoutePlan = {
      id: 'rbad',
      service: s,
      pathPatterns: ['/twinstack-bad/*'],
      healthCheckPath: '/',
      ...route,
    };
    const bad: LoadBalancerPlan = {
      id: 'lbbad',
      name: 'twinstack-bad-lb',
      localPort: freeLocalPort(plan),
      certificate: false,
      routes: [r],
      ...lb,
    };
    return {
      rule,
      plan: { ...plan, loadBalancers: [...plan.loadBalancers, bad] },
      paths: [route.id ? at(`lbbad/${route.id}`) : at('lbbad/rbad'), at('lbbad')],
      prop,
    };
  };
  return [
    (plan) => badNameArb.chain((name) => withVolume(plan, { name }, 'a bad volume name', 'name')),
    (plan) =>
      outOfRange(0, 4294967295).chain((uid) => withVolume(plan, { uid }, 'a uid out of range', 'uid')),
    (plan) => withVolume(plan, { gid: 100 }, 'a gid without a uid', 'gid'),
    (plan) =>
      fc
        .constantFrom('', '999', 'rwx', '75', '07777', '７５５', 'u+rw')
        .chain((permissions) =>
          withVolume(plan, { permissions }, 'permissions that are not octal', 'permissions'),
        ),
    (plan) =>
      outOfRange(8, 4096).map((length) =>
        withSecret(
          plan,
          { id: 'BadSecret', kind: 'generated', length },
          'a generated secret length out of range',
          'length',
        ),
      ),
    (plan) =>
      fc
        .constantFrom('', 'a b', 'clé', 'x'.repeat(513), 'a\nb', 'a#b')
        .map((secretName) =>
          withSecret(
            plan,
            { id: 'BadSecret', kind: 'imported', secretName },
            'an imported secret name that is not one',
            'secretName',
          ),
        ),
    (plan) =>
      badEnvNameArb.map((localVariable) =>
        withSecret(
          plan,
          { id: 'BadSecret', kind: 'generated', localVariable },
          'a bad local variable name',
          'localVariable',
        ),
      ),
    (plan) =>
      fc
        .constantFrom(
          'USER',
          'HOME',
          'Path',
          'AWS_REGION',
          'AWS_ACCOUNT_ID',
          'DOCKER_HOST',
          'COMPOSE_FILE',
          'LC_ALL',
          'A-B',
          'A.B',
        )
        .map((localVariable) =>
          withSecret(
            plan,
            { id: 'BadSecret', kind: 'generated', localVariable },
            'a local variable the shell, Compose or the local twin sets, or Compose cannot interpolate',
            'localVariable',
          ),
        ),
    (plan) =>
      fc
        .constantFrom('', 'a b', 'ü', 'a/b', 'a"b')
        .map((field) =>
          withSecret(
            plan,
            { id: 'BadSecret', kind: 'imported', secretName: 'bad/secret' },
            'a JSON field twinstack cannot pass',
            'field',
            field,
          ),
        ),
    (plan) =>
      fc.constantFrom('TWINSTACK_SHARED', 'API_KEY').map((localVariable) => {
        // Two secrets read from one local variable (by one workload).
        const [a, b] = [plan.secrets.length, plan.secrets.length + 1];
        const uses = [
          { key: 'BAD_SECRET_FIRST', secret: a },
          { key: 'BAD_SECRET_SECOND', secret: b },
        ];
        return {
          rule: 'two secrets sharing a local variable',
          plan: {
            ...withWorkload(plan, 0, { ...plan.workloads[0], secrets: uses }),
            secrets: [
              ...plan.secrets,
              { id: 'BadSecretA', kind: 'generated', localVariable },
              { id: 'BadSecretB', kind: 'generated', localVariable },
            ],
          },
          paths: [at(plan.workloads[0].id)],
          prop: 'secrets.BAD_SECRET_SECOND',
        } as InvalidCase;
      }),
    (plan) =>
      fc.constantFrom(['user-name', 'user_name'], ['Key', 'KEY'], ['a.b', 'a-b']).map(([first, second]) => {
        // Two fields of one secret whose local variables would be one (two uses by one workload).
        const secret = plan.secrets.length;
        const uses = [
          { key: 'BAD_SECRET_FIRST', secret, field: first },
          { key: 'BAD_SECRET_SECOND', secret, field: second },
        ];
        return {
          rule: 'two fields of one secret sharing a local variable',
          plan: {
            ...withWorkload(plan, 0, { ...plan.workloads[0], secrets: uses }),
            secrets: [...plan.secrets, { id: 'BadSecret', kind: 'imported', secretName: 'bad/secret' }],
          },
          paths: [at('BadSecret')],
          prop: 'localVariable',
        } as InvalidCase;
      }),
    (plan) =>
      fc
        .constant('password')
        .map((field) =>
          withSecret(
            plan,
            { id: 'BadSecret', kind: 'generated' },
            'a field of a generated secret',
            'field',
            field,
          ),
        ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : outOfRange(1, 50000).map((priority) =>
            withRoute(plan, { priority }, {}, 'a route priority out of range', 'priority'),
          ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc
            .constantFrom([], [''], ['noslash'], ['/ü'], ['/a b'], [`/${'a'.repeat(128)}`], ['/a', '/a'])
            .map((pathPatterns) =>
              withRoute(plan, { pathPatterns }, {}, 'bad path patterns', 'pathPatterns'),
            ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc
            .constantFrom([], [''], ['a b'], ['exämple.com'], ['a_b.com'])
            .map((hostHeaders) => withRoute(plan, { hostHeaders }, {}, 'bad host headers', 'hostHeaders')),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc
            .constantFrom({ X_Bad: ['a'] }, { Host: ['a'] }, { 'X-Ü': ['a'] }, { '': ['a'] })
            .map((httpHeaders) => withRoute(plan, { httpHeaders }, {}, 'bad header names', 'httpHeaders')),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc
            .integer({ min: 6, max: 12 })
            .map((n) =>
              withRoute(
                plan,
                { pathPatterns: Array.from({ length: n }, (_, i) => `/p${i}`) },
                {},
                'more than 5 condition values',
                'conditions',
              ),
            ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : badNameArb
            .filter((id) => !id.includes('/') && id !== '')
            .map((id) => ({
              ...withRoute(plan, { id }, {}, 'a bad route id', 'id'),
              paths: [at(`lbbad/${id}`)],
            })),
    (plan) => {
      const s = service(plan);
      if (s < 0) return undefined;
      const ports = plan.workloads[s].ports.map((p) => p.containerPort);
      let port = 1;
      while (ports.includes(port)) port++;
      return fc.constant(withRoute(plan, { port }, {}, 'a port the service does not have', 'port'));
    },
    (plan) => {
      const s = plan.workloads.findIndex((w) => isService(w) && w.ports.length === 0);
      return s < 0
        ? undefined
        : fc.constant(withRoute(plan, { service: s }, {}, 'a route to a service without ports', 'service'));
    },
    (plan) =>
      fc.constant(
        withRoute(plan, { service: 'foreign' }, {}, 'a route to a service of another application', 'service'),
      ),
    (plan) => {
      const s = plan.workloads.findIndex(
        (w) =>
          isService(w) &&
          w.ports.length > 0 &&
          w.ports[0].protocol !== 'udp' &&
          w.healthCheck?.kind !== 'http',
      );
      return s < 0
        ? undefined
        : fc.constant(
            withRoute(
              plan,
              { service: s, healthCheckPath: undefined },
              {},
              'a route with no health check path to derive',
              'healthCheck.path',
            ),
          );
    },
    (plan) =>
      service(plan) < 0
        ? undefined
        : badNameArb.map((name) => withRoute(plan, {}, { name }, 'a bad load balancer name', 'name')),
    (plan) =>
      service(plan) < 0
        ? undefined
        : outOfRange(1, 65535).map((httpPort) =>
            withRoute(plan, {}, { httpPort }, 'an HTTP port out of range', 'httpPort'),
          ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : outOfRange(1, 65535).map((localPort) =>
            withRoute(plan, {}, { localPort }, 'a local port out of range', 'localPort'),
          ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc
            .integer({ min: 1, max: 65535 })
            .map((httpsPort) =>
              withRoute(plan, {}, { httpsPort }, 'an HTTPS port without a certificate', 'httpsPort'),
            ),
    (plan) =>
      service(plan) < 0
        ? undefined
        : fc.constant({
            ...withRoute(
              plan,
              {},
              { name: plan.workloads[0].name as string },
              'a load balancer named like a workload',
              'name',
            ),
          }),
    (plan) => {
      const s = service(plan);
      if (s < 0) return undefined;
      const c = withRoute(plan, {}, {}, 'two routes with the same conditions', 'conditions');
      const lb = c.plan.loadBalancers.at(-1)!;
      const twin: RoutePlan = { ...lb.routes[0], id: 'rtwin' };
      return fc.constant({
        ...c,
        plan: {
          ...c.plan,
          loadBalancers: [...c.plan.loadBalancers.slice(0, -1), { ...lb, routes: [lb.routes[0], twin] }],
        },
        paths: [at('lbbad/rtwin')],
      });
    },
    (plan) => {
      const s = service(plan);
      if (s < 0) return undefined;
      const c = withRoute(plan, { pathPatterns: undefined }, {}, 'a route after the catch-all', 'conditions');
      const lb = c.plan.loadBalancers.at(-1)!;
      const after: RoutePlan = { ...lb.routes[0], id: 'rafter', pathPatterns: ['/after'] };
      return fc.constant({
        ...c,
        plan: {
          ...c.plan,
          loadBalancers: [...c.plan.loadBalancers.slice(0, -1), { ...lb, routes: [lb.routes[0], after] }],
        },
        paths: [at('lbbad/rafter')],
      });
    },
    (plan) => {
      const s = plan.workloads.findIndex(
        (w) => isService(w) && w.ports.some((p) => p.hostPort !== undefined),
      );
      if (s < 0) return undefined;
      const hostPort = plan.workloads[s].ports.find((p) => p.hostPort !== undefined)!.hostPort;
      if (service(plan) < 0) return undefined;
      return fc.constant(
        withRoute(plan, {}, { localPort: hostPort }, 'a local port already published', 'localPort'),
      );
    },
  ];
}

/** Data service and connection mutations. */
function dataServiceMutations(): Mutation[] {
  const withDataService = (
    plan: AppPlan,
    d: Partial<DataServicePlan>,
    rule: string,
    prop: string,
  ): InvalidCase => ({
    rule,
    plan: {
      ...plan,
      dataServices: [
        ...(plan.dataServices ?? []),
        { id: 'dbad', kind: 'postgres', version: '16', name: 'twinstack-bad-data', ...d },
      ],
    },
    paths: [at('dbad')],
    prop,
  });
  const connect = (
    plan: AppPlan,
    variables: Record<string, unknown>,
    rule: string,
    prop: string | RegExp,
    dataService: number | 'foreign' = (plan.dataServices ?? []).length,
    environment: Record<string, unknown> = plan.workloads[0].environment,
  ): InvalidCase => ({
    rule,
    plan: {
      ...withWorkload(plan, 0, {
        ...plan.workloads[0],
        environment,
        connections: [{ dataService, variables }],
      }),
      dataServices: [
        ...(plan.dataServices ?? []),
        { id: 'dbad', kind: 'redis', version: '7.1', name: 'twinstack-bad-cache' },
      ],
    },
    paths: [at(plan.workloads[0].id)],
    prop,
  });
  return [
    (plan) =>
      fc
        .constantFrom<[DataServicePlan['kind'], string]>(
          ['postgres', '12'],
          ['mysql', '5.7'],
          ['redis', '5.0'],
          ['valkey', '9'],
          ['opensearch', '1.3'],
          ['rabbitmq', '3.8'],
          ['mongodb', '3.6'],
          ['postgres', ''],
          ['mariadb', '10.4'],
          ['mariadb', '11'],
          ['redis', '8'],
        )
        .map(([kind, version]) =>
          withDataService(
            plan,
            { kind, version },
            'an engine version the service does not offer',
            'engine.version',
          ),
        ),
    (plan) =>
      fc
        .constantFrom(plan.workloads[0].name as string, ...plan.loadBalancers.map((l) => l.name as string))
        .map((name) => {
          const c = withDataService(
            plan,
            { name },
            'a data service named like a workload or load balancer',
            'name',
          );
          // Reported on whichever of the two is declared second.
          return {
            ...c,
            paths: [
              ...c.paths,
              ...plan.workloads.map((w) => at(w.id)),
              ...plan.loadBalancers.map((l) => at(l.id)),
            ],
          };
        }),
    (plan) =>
      outOfRange(1, 65535).map((hostPort) =>
        withDataService(plan, { hostPort }, 'a data service host port out of range', 'hostPort'),
      ),
    (plan) =>
      fc
        .constantFrom('-data', 'db data', 'db:data', 'v'.repeat(64))
        .map((localVolumeName) =>
          withDataService(
            plan,
            { localVolumeName },
            'a local data volume that is no compose volume name',
            'localVolumeName',
          ),
        ),
    (plan) => {
      if (!plan.dataServices?.length) return undefined;
      return fc.constantFrom(...plan.dataServices.map((_d, i) => i)).map((i) => {
        // Another data service's data volume, declared or `<name>-data`.
        const other = plan.dataServices![i];
        const volume = (other.localVolumeName as string | undefined) ?? `${other.name as string}-data`;
        const c = withDataService(
          plan,
          { localVolumeName: volume },
          'a local data volume another data service keeps its data in',
          'localVolumeName',
        );
        return c;
      });
    },
    (plan) =>
      fc
        .constantFrom<[DataServicePlan['kind'], string, string]>(
          ['redis', '7.1', 'redis:6.2-alpine'],
          ['redis', '7', 'valkey/valkey:7.2'],
          ['valkey', '8.0', 'valkey/valkey:7.2-alpine'],
          ['valkey', '8', 'bitnami/valkey:8'],
        )
        .map(([kind, version, localImage]) =>
          withDataService(
            plan,
            { kind, version, localImage },
            'a local cache image of another engine or major',
            'localImage',
          ),
        ),
    (plan) =>
      fc.constant(
        connect(
          plan,
          { host: 'OTHER_CACHE_HOST' },
          "a connection to another application's data service",
          'connectTo',
          'foreign',
        ),
      ),
    (plan) =>
      fc
        .constantFrom('database', 'username')
        .map((value) =>
          connect(
            plan,
            { [value]: 'BAD_VALUE' },
            'a connection value the service does not have',
            `connectTo.${value}`,
          ),
        ),
    (plan) =>
      fc.constant(
        connect(
          plan,
          { host: 'CACHE_HOST' },
          'a connection variable already set on the workload',
          'connectTo',
          undefined,
          { ...plan.workloads[0].environment, CACHE_HOST: 'localhost' },
        ),
      ),
    (plan) =>
      badEnvNameArb.map((variable) =>
        connect(plan, { host: variable }, 'a connection variable that is not a variable name', /^connectTo/),
      ),
    (plan) =>
      fc.constantFrom('postgres' as const, 'mysql' as const, 'mariadb' as const).map((kind) => {
        const c = connect(
          plan,
          { host: 'BAD_DB_HOST' },
          'a TLS flag on a database connection',
          'connectTo.tls',
        );
        return {
          ...c,
          plan: {
            ...c.plan,
            workloads: c.plan.workloads.map((w, i) =>
              i === 0 ? { ...w, connections: w.connections!.map((x) => ({ ...x, tls: 'BAD_DB_TLS' })) } : w,
            ),
            dataServices: c.plan.dataServices!.map((d) =>
              d.id === 'dbad'
                ? { ...d, kind, version: kind === 'postgres' ? '16' : kind === 'mysql' ? '8.0' : '11.4' }
                : d,
            ),
          },
        };
      }),
    (plan) =>
      fc.constantFrom('CACHE_TLS', 'CACHE_HOST').map((tls) => {
        const c = connect(
          plan,
          { host: 'CACHE_HOST' },
          'a TLS flag variable already set on the workload',
          'connectTo.tls',
          undefined,
          { ...plan.workloads[0].environment, ...(tls === 'CACHE_TLS' ? { CACHE_TLS: 'yes' } : {}) },
        );
        return {
          ...c,
          plan: {
            ...c.plan,
            workloads: c.plan.workloads.map((w, i) =>
              i === 0 ? { ...w, connections: w.connections!.map((x) => ({ ...x, tls })) } : w,
            ),
          },
        };
      }),
  ];
}

/** Names and paths that differ as written but are one to a twin: port names, mount paths. */
const sameAsReadMutations: Mutation[] = [
  (plan) => {
    // A port of one service named like a port of another: one discovery name in the Cloud Map namespace.
    const services = plan.workloads.flatMap((w, i) => (isService(w) ? [i] : []));
    const named = services.filter((i) => plan.workloads[i].ports.length > 0);
    if (named.length === 0 || services.length < 2) return undefined;
    return fc.tuple(fc.constantFrom(...named), fc.constantFrom(...services)).map(([i, j]) => {
      if (i === j) j = services.find((k) => k !== i)!;
      const first = plan.workloads[i].ports[0];
      const name =
        (first.name as string | undefined) ??
        `${(plan.workloads[i].name as string).replace(/_/g, '-')}-${first.containerPort as number}`;
      const target = plan.workloads[j];
      let containerPort = 1;
      while (target.ports.some((p) => p.containerPort === containerPort)) containerPort++;
      return {
        rule: "a port named like another service's port",
        plan: withWorkload(plan, j, { ...target, ports: [...target.ports, { containerPort, name }] }),
        paths: [at(plan.workloads[i].id), at(target.id)],
        prop: /^ports\[\d+\]\.name$/,
      };
    });
  },
  (plan) =>
    plan.volumes.length === 0
      ? undefined
      : fc
          .tuple(
            fc.nat({ max: plan.workloads.length - 1 }),
            fc.constantFrom(
              '/twinstack-m/../etc',
              '/twinstack-m/..',
              '/twinstack-m/./data',
              '/./twinstack-m',
            ),
          )
          .map(([i, path]) => ({
            rule: 'a mount path with a "." or ".." segment',
            plan: withWorkload(plan, i, {
              ...plan.workloads[i],
              mounts: [...plan.workloads[i].mounts, { volume: 0, path, readOnly: false }],
            }),
            paths: [at(plan.workloads[i].id)],
            prop: `mounts[${plan.workloads[i].mounts.length}].path`,
          })),
  (plan) =>
    plan.volumes.length === 0
      ? undefined
      : fc
          .tuple(
            fc.nat({ max: plan.workloads.length - 1 }),
            fc.constantFrom(
              ['/twinstack-m', '/twinstack-m/'],
              ['/twinstack-m/data', '/twinstack-m//data'],
              ['//twinstack-m', '/twinstack-m'],
            ),
          )
          .map(([i, [first, second]]) => {
            const w = plan.workloads[i];
            return {
              rule: 'one mount path written two ways',
              plan: withWorkload(plan, i, {
                ...w,
                mounts: [
                  ...w.mounts,
                  { volume: 0, path: first, readOnly: false },
                  { volume: 0, path: second, readOnly: true },
                ],
              }),
              paths: [at(w.id)],
              prop: `mounts[${w.mounts.length + 1}].path`,
            };
          }),
];

/** A service made a StatefulService, without what a stateful service may not have. */
const stateful = (w: WorkloadPlan, data: WorkloadPlan['stateful']): WorkloadPlan => ({
  ...w,
  stateful: data,
  desiredCount: undefined,
  minHealthyPercent: undefined,
  maxHealthyPercent: undefined,
  healthCheckGracePeriodMs: undefined,
  autoScale: undefined,
});

/** Mutations of what real compose files use: stop grace periods, bind mounts, files, variables, UDP. */
const containerFeatureMutations: Mutation[] = [
  workloadProp(
    'a stop grace period longer than Fargate allows',
    'stopGracePeriod',
    fc.integer({ min: 121, max: 100000 }),
    (w, seconds) => ({ ...w, stopGracePeriodSeconds: seconds as number }),
  ),
  workloadProp(
    'a bind mount SELinux label that is none',
    'bindMounts[0].selinux',
    fc.constantFrom('z', 'Z', 'rw', '', 'Shared', ' private'),
    (w, selinux) => ({ ...w, bindMounts: [{ readOnly: false, selinux }] }),
  ),
  workloadProp(
    'an environment file that does not exist',
    'environmentFiles[0]',
    fc.constantFrom('test/fixtures/properties/missing.env', 'test/fixtures/properties'),
    (w, file) => ({ ...w, environmentFiles: [file] }),
  ),
  workloadProp(
    'an environment file given twice',
    'environmentFiles[1]',
    fc.constantFrom(...ENVIRONMENT_FILES),
    (w, file) => ({ ...w, environmentFiles: [file, file] }),
    (w) =>
      !ENVIRONMENT_FILE_VARIABLES.some(
        (v) => Object.hasOwn(w.environment, v) || w.secrets.some((u) => u.key === v),
      ),
  ),
  workloadProp(
    'a variable set in the environment and in an environment file',
    /^environment/,
    fc.constantFrom('PROPERTY_FILE_ONE', 'PROPERTY_FILE_TWO'),
    (w, variable) => ({
      ...w,
      environment: { ...w.environment, [variable as string]: 'twice' },
      environmentFiles: [ENVIRONMENT_FILES[0]],
    }),
    (w) => !w.secrets.some((u) => ENVIRONMENT_FILE_VARIABLES.includes(u.key as string)),
  ),
  workloadProp(
    'a required start-time variable the cloud twin has no value for',
    'environment.REQUIRED_WITHOUT_VALUE',
    fc.constant(undefined),
    (w) => ({
      ...w,
      requiredStartVariables: [...(w.requiredStartVariables ?? []), 'REQUIRED_WITHOUT_VALUE'],
    }),
    (w) => !Object.hasOwn(w.environment, 'REQUIRED_WITHOUT_VALUE'),
  ),
  (plan) => {
    // A service no route targets, so only the probe meets the UDP port.
    const routed = new Set(plan.loadBalancers.flatMap((l) => l.routes.map((r) => r.service)));
    return pick(plan, (w, i) => isService(w) && !routed.has(i))?.chain((i) =>
      fc.integer({ min: 1, max: 65535 }).map((port) => ({
        rule: 'a health check probing a UDP port',
        plan: withWorkload(plan, i, {
          ...health(plan.workloads[i], { kind: 'tcp', port }),
          ports: [{ containerPort: port, protocol: 'udp' }],
        }),
        paths: [at(plan.workloads[i].id)],
        prop: 'healthCheck.port',
      })),
    );
  },
  workloadProp(
    'a stateful data path that is no absolute container path',
    'data.path',
    fc.constantFrom('var/lib/data', '', '/data/../etc', 'C:\\data'),
    (w, path) => stateful(w, { path }),
    isService,
  ),
  workloadProp(
    'a stateful service of more than one task',
    'desiredCount',
    fc.integer({ min: 2, max: 1000 }),
    (w, desiredCount) => ({ ...stateful(w, { path: '/twinstack-data' }), desiredCount }),
    isService,
  ),
  workloadProp(
    'a stateful service that scales',
    'autoScale',
    fc.integer({ min: 2, max: 10 }),
    (w, maxCapacity) => ({
      ...stateful(w, { path: '/twinstack-data' }),
      autoScale: { minCapacity: 1, maxCapacity, cpuUtilizationPercent: 50 },
    }),
    isService,
  ),
];

/** Bucket, queue and table mutations; none where a workload takes a name of their stand-ins. */
function resourceMutations(): Mutation[] {
  const eligible = (plan: AppPlan) =>
    ![...plan.workloads, ...plan.loadBalancers, ...(plan.dataServices ?? [])].some((x) =>
      AWS_STAND_IN_NAMES.includes(x.name as string),
    ) && !plan.volumes.some((v) => v.name === 'aws-s3-data');
  const withResource = (
    plan: AppPlan,
    r: ResourcePlan,
    rule: string,
    prop: string | RegExp,
    extra: ResourcePlan[] = [],
  ): InvalidCase => ({
    rule,
    plan: { ...plan, resources: [...(plan.resources ?? []), ...extra, r] },
    paths: [at(r.id)],
    prop,
  });
  /** Workload 0 connected to a new resource with `access` and `variables` (no other connection of its). */
  const connect = (
    plan: AppPlan,
    r: ResourcePlan,
    access: unknown,
    variables: Record<string, unknown>,
    rule: string,
    prop: string | RegExp,
  ): InvalidCase | undefined => {
    const w = plan.workloads[0];
    if (
      [...Object.keys(w.environment), ...w.secrets.map((u) => u.key as string)].some((k) =>
        k.startsWith('AWS_'),
      )
    )
      return undefined;
    const resources = [...(plan.resources ?? []), r];
    return {
      rule,
      plan: {
        ...withWorkload(plan, 0, {
          ...w,
          resourceConnections: [{ resource: resources.length - 1, access, variables }],
        }),
        resources,
      },
      paths: [at(w.id)],
      prop,
    };
  };
  const bucket: ResourcePlan = { kind: 'bucket', id: 'resbad', name: 'twinstack-bad-bucket' };
  const queue: ResourcePlan = { kind: 'queue', id: 'resbad', name: 'twinstack-bad-queue' };
  const topic: ResourcePlan = { kind: 'topic', id: 'resbad', name: 'twinstack-bad-topic' };
  const table: ResourcePlan = {
    kind: 'table',
    id: 'resbad',
    name: 'twinstack-bad-table',
    partitionKey: { name: 'id', type: 'string' },
  };
  const only =
    (m: Mutation): Mutation =>
    (plan) =>
      eligible(plan) ? m(plan) : undefined;
  return [
    (plan) =>
      fc
        .constantFrom(
          'A-bucket',
          'ab',
          'a.b.c',
          'xn--bucket',
          'files-s3alias',
          '-files',
          'files_1',
          'b'.repeat(64),
        )
        .map((name) => withResource(plan, { ...bucket, name }, 'a bucket name S3 rejects', 'name')),
    (plan) =>
      fc
        .tuple(fc.constantFrom('jobs.fifo', 'jobs queue', 'jobs/1', 'q'.repeat(81)), fc.boolean())
        .map(([name, fifo]) =>
          withResource(
            plan,
            { ...queue, name, ...(fifo ? { fifo } : {}) },
            'a queue name SQS rejects',
            'name',
          ),
        ),
    (plan) =>
      fc.constant(
        withResource(
          plan,
          { ...queue, contentBasedDeduplication: true },
          'content-based deduplication on a standard queue',
          'contentBasedDeduplication',
        ),
      ),
    only((plan) =>
      fc.constant(
        withResource(
          plan,
          { ...queue, id: 'resbad', name: 'twinstack-q-dlq' },
          "a queue named like another queue's dead-letter queue",
          'name',
          [{ ...queue, id: 'resfirst', name: 'twinstack-q' }],
        ),
      ),
    ),
    (plan) =>
      fc
        .constantFrom('events.fifo', 'events queue', 'events/1', 't'.repeat(257))
        .map((name) => withResource(plan, { ...topic, name }, 'a topic name SNS rejects', 'name')),
    (plan) =>
      fc.constant(
        withResource(
          plan,
          { ...topic, contentBasedDeduplication: true },
          'content-based deduplication on a standard topic',
          'contentBasedDeduplication',
        ),
      ),
    (plan) =>
      fc.boolean().map((fifoQueue) => {
        const queueIndex = (plan.resources ?? []).length;
        return withResource(
          plan,
          { ...topic, ...(fifoQueue ? {} : { fifo: true }), subscriptions: [{ queue: queueIndex }] },
          fifoQueue
            ? 'a FIFO queue subscribed to a standard topic'
            : 'a standard queue subscribed to a FIFO topic',
          /^subscriptions\[0\]/,
          [{ ...queue, id: 'resqueue', ...(fifoQueue ? { fifo: true } : {}) }],
        );
      }),
    (plan) =>
      fc
        .constantFrom<unknown>(
          {},
          { kind: [] },
          { 'aws.kind': ['x'] },
          { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] },
        )
        .map((filterPolicy) => {
          const queueIndex = (plan.resources ?? []).length;
          return withResource(
            plan,
            { ...topic, subscriptions: [{ queue: queueIndex, filterPolicy }] },
            'a filter policy SNS rejects',
            /^subscriptions\[0\]\.filterPolicy/,
            [{ ...queue, id: 'resqueue' }],
          );
        }),
    (plan) =>
      fc
        .constantFrom('S', 'int', 'bool', '', 'String')
        .map((type) =>
          withResource(
            plan,
            { ...table, partitionKey: { name: 'id', type } },
            'a table key type DynamoDB does not have',
            /^partitionKey/,
          ),
        ),
    (plan) =>
      fc.constant(
        withResource(
          plan,
          { ...table, timeToLiveAttribute: 'id' },
          'a table whose TTL attribute is its key',
          'timeToLiveAttribute',
        ),
      ),
    (plan) =>
      fc
        .constantFrom('a', 'a b', 't'.repeat(256), 'tablé')
        .map((name) => withResource(plan, { ...table, name }, 'a table name DynamoDB rejects', 'name')),
    only((plan) =>
      fc
        .constantFrom<[ResourcePlan, string]>(
          [bucket, 'send'],
          [queue, 'read'],
          [table, 'publish'],
          [bucket, 'admin'],
          [topic, 'send'],
        )
        .map(([r, access]) =>
          connect(
            plan,
            r,
            access,
            { [r.kind === 'queue' ? 'queueUrl' : `${r.kind}Name`]: 'RESOURCE_BAD' },
            'an access level the resource does not have',
            /^connectTo/,
          ),
        )
        .filter((c): c is InvalidCase => c !== undefined),
    ),
    only((plan) => {
      const c = connect(
        plan,
        bucket,
        'read',
        {},
        'access without a variable to find the resource by',
        /^connectTo/,
      );
      return c ? fc.constant(c) : undefined;
    }),
    only((plan) => {
      const c = connect(
        plan,
        queue,
        'send',
        { bucketName: 'RESOURCE_BAD' },
        'a value the resource does not provide',
        /^connectTo/,
      );
      return c ? fc.constant(c) : undefined;
    }),
    (plan) =>
      fc.constantFrom(...AWS_STAND_IN_NAMES).map((name) => ({
        ...withResource(
          withWorkload(plan, 0, { ...plan.workloads[0], name }),
          bucket,
          "a workload named like a bucket's stand-in",
          'name',
        ),
        paths: [at(plan.workloads[0].id)],
      })),
  ];
}

/** A network layout the local twin does not have. */
const networkMutation: Mutation = (plan) =>
  fc.constantFrom('mirror', 'Single', '', 'none', true).map((localNetworks) => ({
    rule: 'a local network layout that is none',
    plan: { ...plan, localNetworks },
    paths: [APP],
    prop: 'localNetworks',
  }));

const mutations: Mutation[] = [
  networkMutation,
  ...workloadMutations,
  ...containerFeatureMutations,
  ...resourceMutations(),
  ...sameAsReadMutations,
  ...planMutations,
  ...partMutations(),
  ...dataServiceMutations(),
];

/** Invalid plans: a valid plan with one rule broken. */
export const invalidCaseArb: fc.Arbitrary<InvalidCase> = validPlanArb.chain((plan) => {
  const applicable = mutations
    .map((m) => m(plan))
    .filter((a): a is fc.Arbitrary<InvalidCase> => a !== undefined);
  return fc.oneof(...applicable);
});

export { nameArb };
