import type { builders } from 'prettier/doc';
import { upperSnake } from '../../constructs/model/names';
import type {
  DataServiceEngine,
  ImportPlan,
  PlanConnection,
  PlanDataService,
  PlanHealthCheck,
  PlanSecret,
  PlanValue,
  PlanVolume,
  PlanWorkload,
} from './plan';
import {
  arr,
  bool,
  call,
  commentLines,
  Expr,
  group,
  hardline,
  importDeclaration,
  indent,
  name,
  newCall,
  num,
  obj,
  printStatements,
  PRETTIER_OPTIONS,
  Prop,
  render,
  Statement,
  str,
  stringLiteral,
} from './source-doc';

/** The construct and engine factory of each data service engine. */
const ENGINES: Readonly<
  Record<
    DataServiceEngine,
    {
      readonly construct: string;
      readonly engine: string;
      readonly props: readonly ('databaseName' | 'username' | 'localImage')[];
      readonly noun: string;
    }
  >
> = {
  postgres: {
    construct: 'Database',
    engine: 'DatabaseEngine.postgres',
    props: ['databaseName', 'username', 'localImage'],
    noun: 'Database',
  },
  mysql: {
    construct: 'Database',
    engine: 'DatabaseEngine.mysql',
    props: ['databaseName', 'username', 'localImage'],
    noun: 'Database',
  },
  mariadb: {
    construct: 'Database',
    engine: 'DatabaseEngine.mariadb',
    props: ['databaseName', 'username', 'localImage'],
    noun: 'Database',
  },
  redis: { construct: 'Cache', engine: 'CacheEngine.redis', props: ['localImage'], noun: 'Cache' },
  valkey: { construct: 'Cache', engine: 'CacheEngine.valkey', props: ['localImage'], noun: 'Cache' },
  opensearch: { construct: 'SearchDomain', engine: 'SearchEngine.openSearch', props: [], noun: 'Search' },
  rabbitmq: {
    construct: 'MessageBroker',
    engine: 'BrokerEngine.rabbitMq',
    props: ['username'],
    noun: 'Broker',
  },
  mongo: {
    construct: 'DocumentDatabase',
    engine: 'DocumentEngine.mongo',
    props: ['databaseName', 'username'],
    noun: 'Database',
  },
};

/** Every name the generated file imports or declares at the top: no construct's variable may take one. */
const TAKEN = new Set([
  'Application',
  'BrokerEngine',
  'Cache',
  'CacheEngine',
  'Construct',
  'CpuArchitecture',
  'Database',
  'DatabaseEngine',
  'Dependency',
  'DocumentDatabase',
  'DocumentEngine',
  'Duration',
  'HealthCheck',
  'Image',
  'Job',
  'MessageBroker',
  'SearchDomain',
  'SearchEngine',
  'Secret',
  'Service',
  'Stack',
  'StackProps',
  'StartVariable',
  'StatefulService',
  'Volume',
  // The constructor's parameters and the application.
  'scope',
  'id',
  'props',
  'application',
]);

/** Reserved words (also in strict mode and TypeScript's) and globals a variable must not shadow. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with yield let static implements interface package private protected public await as async any ' +
    'arguments eval undefined NaN Infinity require module exports process console globalThis type declare ' +
    'constructor of'
  ).split(' '),
);

/** `web-app` → `webApp`, `DbPassword` → `dbPassword`, `POSTGRES_DB` → `postgresDb`. */
export function camelCase(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words
    .map((w, i) => {
      const word = /^[A-Z0-9]+$/.test(w) ? w.toLowerCase() : w;
      return i === 0 ? word[0]!.toLowerCase() + word.slice(1) : word[0]!.toUpperCase() + word.slice(1);
    })
    .join('');
}

/** Gives each construct a variable name: camelCase of its id, unique and a valid identifier. */
class Names {
  private readonly used = new Set<string>();
  private readonly byKey = new Map<string, string>();

  public constructor(className: string) {
    this.used.add(className);
  }

  public allocate(key: string, id: string, noun: string): string {
    let base = camelCase(id);
    if (base === '' || /^[0-9]/.test(base)) base = noun[0]!.toLowerCase() + noun.slice(1) + base;
    let candidate = base;
    if (this.isTaken(candidate)) candidate = base + noun;
    for (let n = 2; this.isTaken(candidate); n++) candidate = `${base}${noun}${n}`;
    this.used.add(candidate);
    this.byKey.set(key, candidate);
    return candidate;
  }

  public get(key: string): string {
    const found = this.byKey.get(key);
    if (found === undefined) throw new Error(`the plan names ${key}, which it does not declare`);
    return found;
  }

  private isTaken(candidate: string): boolean {
    return this.used.has(candidate) || TAKEN.has(candidate) || RESERVED.has(candidate);
  }
}

/** The imports the generated source uses, by module. */
class Imports {
  private readonly cdk = new Set(['Stack', 'StackProps']);
  private readonly twinstack = new Set(['Application']);

  public use(symbol: string): string {
    if (symbol === 'Duration') this.cdk.add(symbol);
    else this.twinstack.add(symbol);
    return symbol;
  }

  public declarations(): builders.Doc[] {
    const sorted = (s: Set<string>) => [...s].sort();
    return [
      importDeclaration(sorted(this.cdk), 'aws-cdk-lib'),
      importDeclaration(['Construct'], 'constructs'),
      importDeclaration(sorted(this.twinstack), 'twinstack'),
    ];
  }
}

const HEALTH_CHECK_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 0 };
const RESTART_DEFAULT: Readonly<Record<PlanWorkload['construct'], string>> = {
  Service: 'unless-stopped',
  StatefulService: 'unless-stopped',
  Job: 'no',
};

/**
 * The TypeScript source of the stack `twinstack import` writes for a plan: one file that imports only
 * aws-cdk-lib, constructs and twinstack and declares one construct per plan entry, in the plan's order,
 * with the props the plan gives (those equal to their default left out), then the connections. The source
 * is already formatted as prettier formats it with the project's settings.
 */
export function generateStack(plan: ImportPlan): string {
  return new StackWriter(plan).write();
}

class StackWriter {
  private readonly names: Names;
  private readonly imports = new Imports();
  /** Construct keys (`volume:x`, `secret:x`, `service:x`) a later statement refers to. */
  private readonly referenced = new Set<string>();
  /** The construct of each data service and workload declared so far, by id. */
  private readonly kinds = new Map<string, string>();
  /** Environments several workloads have in full, by their text: the constant declared above the class. */
  private readonly sharedEnvironments = new Map<string, { readonly name: string; readonly value: Expr }>();

  public constructor(private readonly plan: ImportPlan) {
    this.names = new Names(plan.className);
    for (const d of plan.dataServices) this.kinds.set(d.id, ENGINES[d.engine].construct);
    for (const w of plan.workloads) {
      for (const m of w.mounts) this.referenced.add(`volume:${m.volume}`);
      for (const s of Object.values(w.secrets)) this.referenced.add(`secret:${s.secret}`);
      for (const d of w.dependsOn) this.referenced.add(`service:${d.target}`);
    }
    for (const c of plan.connections) {
      this.referenced.add(`service:${c.workload}`);
      this.referenced.add(`service:${c.dataService}`);
    }
    // The same environment (two variables or more) in several workloads is written once, as a constant
    // (the way a compose file shares it with an anchor), and each workload names it.
    const counts = new Map<string, number>();
    for (const w of plan.workloads) {
      if (Object.keys(w.environment).length < 2) continue;
      const key = JSON.stringify(w.environment);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const w of plan.workloads) {
      const key = JSON.stringify(w.environment);
      if ((counts.get(key) ?? 0) < 2 || this.sharedEnvironments.has(key)) continue;
      const constant = this.names.allocate(`environment:${key}`, 'shared-environment', '');
      this.sharedEnvironments.set(key, { name: constant, value: this.environment(w.environment, true)! });
    }
  }

  public write(): string {
    const p = this.plan;
    const statements: Statement[] = [
      {
        kind: 'const',
        name: 'application',
        value: newCall(
          this.imports.use('Application'),
          name('this'),
          str('App'),
          obj([{ key: 'name', value: str(p.applicationName) }]),
        ),
      },
    ];
    const section = (items: Statement[]) => {
      if (items.length > 0) statements.push({ kind: 'blank' }, ...items);
    };
    section(p.volumes.map((v) => this.volume(v)));
    section(p.secrets.map((s) => this.secret(s)));
    section(p.dataServices.map((d) => this.dataService(d)));
    for (const w of p.workloads) section([this.workload(w)]);
    section(p.connections.map((c) => this.connection(c)));

    const header = [`Generated by \`twinstack import\` from ${p.files.join(', ')}.`, ...p.notes].flatMap(
      (c) => commentLines(c, 0),
    );
    const body = printStatements(statements, 4);
    const constants: Statement[] = [...this.sharedEnvironments.values()].map((e) => ({
      kind: 'const',
      name: e.name,
      value: e.value,
    }));
    const file: builders.Doc = [
      ...header.flatMap((c) => [c, hardline]),
      hardline,
      ...this.imports.declarations().flatMap((d) => [d, hardline]),
      hardline,
      ...(constants.length > 0 ? [printStatements(constants, 0), hardline, hardline] : []),
      ...docComment(
        `The application ${stringLiteral(p.applicationName)} of the compose project, in both twins.`,
      ),
      hardline,
      `export class ${p.className} extends Stack {`,
      indent([
        hardline,
        'constructor(scope: Construct, id: string, props?: StackProps) {',
        indent([hardline, 'super(scope, id, props);', hardline, body]),
        hardline,
        '}',
      ]),
      hardline,
      '}',
      hardline,
    ];
    return render(group(file));
  }

  /** `const x = <value>;` when a later statement refers to the construct, else the bare expression. */
  private declare(
    key: string,
    id: string,
    noun: string,
    value: Expr,
    comments: readonly string[],
  ): Statement {
    if (!this.referenced.has(key)) return { kind: 'expression', value, comments };
    return { kind: 'const', name: this.names.allocate(key, id, noun), value, comments };
  }

  private volume(v: PlanVolume): Statement {
    const args: Expr[] = [name('application'), str(v.id)];
    if (v.name !== v.id) args.push(obj([{ key: 'name', value: str(v.name) }]));
    return this.declare(
      `volume:${v.id}`,
      v.id,
      'Volume',
      newCall(this.imports.use('Volume'), ...args),
      comments(v.comment),
    );
  }

  private secret(s: PlanSecret): Statement {
    // The library's default local variable is the id in UPPER_SNAKE_CASE.
    const options =
      s.localVariable !== undefined && s.localVariable !== upperSnake(s.id)
        ? [obj([{ key: 'localVariable', value: str(s.localVariable) }])]
        : [];
    const secretClass = this.imports.use('Secret');
    let value: Expr;
    if (s.kind === 'generated') {
      value = call(`${secretClass}.generate`, name('application'), str(s.id), ...options);
    } else {
      if (s.secretName === undefined) throw new Error(`the imported secret ${s.id} has no secretName`);
      value = call(
        `${secretClass}.fromSecretName`,
        name('application'),
        str(s.id),
        str(s.secretName),
        ...options,
      );
    }
    return this.declare(`secret:${s.id}`, s.id, 'Secret', value, comments(s.comment));
  }

  private dataService(d: PlanDataService): Statement {
    const engine = ENGINES[d.engine];
    const [engineClass, factory] = engine.engine.split('.') as [string, string];
    const props: Prop[] = [
      { key: 'engine', value: call(`${this.imports.use(engineClass)}.${factory}`, str(d.version)) },
    ];
    for (const key of ['databaseName', 'username', 'localImage'] as const) {
      const value = d[key];
      if (value === undefined) continue;
      if (!engine.props.includes(key))
        throw new Error(`the ${d.engine} data service ${d.id} cannot take ${key}`);
      props.push({ key, value: str(value) });
    }
    if (d.localVolumeName !== undefined) {
      props.push({ key: 'localVolumeName', value: str(d.localVolumeName) });
      // A cache's stand-in keeps data (and so a volume) only with persistence.
      if (engine.construct === 'Cache') props.push({ key: 'persistence', value: bool(true) });
    }
    if (d.hostPort !== undefined) props.push({ key: 'hostPort', value: num(d.hostPort) });
    const value = newCall(this.imports.use(engine.construct), name('application'), str(d.id), obj(props));
    return this.declare(`service:${d.id}`, d.id, engine.noun, value, comments(d.comment));
  }

  private workload(w: PlanWorkload): Statement {
    const props: Prop[] = [];
    const add = (key: string, value: Expr | undefined) => {
      if (value !== undefined) props.push({ key, value });
    };
    const strings = (list: readonly string[] | undefined) =>
      list === undefined ? undefined : arr(list.map((s) => str(s)));
    const nonEmpty = <T>(list: readonly T[], f: (list: readonly T[]) => Expr) =>
      list.length > 0 ? f(list) : undefined;
    const record = <T>(r: Readonly<Record<string, T>> | undefined, f: (v: T) => Expr) =>
      r === undefined || Object.keys(r).length === 0
        ? undefined
        : obj(Object.entries(r).map(([key, v]) => ({ key, value: f(v) })));
    const seconds = (n: number) => call(`${this.imports.use('Duration')}.seconds`, num(n));
    const isJob = w.construct === 'Job';
    const serviceOnly = (prop: string, given: boolean) => {
      if (isJob && given) throw new Error(`the job ${w.id} cannot take ${prop}`);
    };

    add('image', this.image(w.image));
    add('command', strings(w.command));
    add('entrypoint', strings(w.entrypoint));
    if (w.workingDirectory !== undefined) add('workingDirectory', str(w.workingDirectory));
    if (w.user !== undefined) add('user', str(w.user));
    if (w.allowRootUser) add('allowRootUser', bool(true));
    if (w.writableRoot) add('readOnlyRootFilesystem', bool(false));
    const reasons = [
      ...(w.writableRoot ? ['its root filesystem is writable (no read_only: true)'] : []),
      ...(w.allowRootUser ? [`it runs as root (user: ${w.user ?? 'the image default'})`] : []),
    ];
    if (reasons.length > 0)
      add('hardeningReason', str(`As in the original compose file, ${reasons.join(' and ')}.`));
    add('writablePaths', strings(w.writablePaths?.length ? w.writablePaths : undefined));
    const shared = this.sharedEnvironments.get(JSON.stringify(w.environment));
    add('environment', shared ? name(shared.name) : this.environment(w.environment, false));
    add('environmentFiles', strings(w.environmentFiles?.length ? w.environmentFiles : undefined));
    add(
      'secrets',
      record(w.secrets, (s) => {
        const secret = this.names.get(`secret:${s.secret}`);
        return s.field === undefined ? call(`${secret}.value`) : call(`${secret}.field`, str(s.field));
      }),
    );
    serviceOnly('ports', w.ports.length > 0);
    add(
      'ports',
      nonEmpty(w.ports, (ports) =>
        arr(
          ports.map((port) =>
            obj([
              { key: 'containerPort', value: num(port.containerPort) },
              ...(port.hostPort !== undefined ? [{ key: 'hostPort', value: num(port.hostPort) }] : []),
              ...(port.protocol !== undefined ? [{ key: 'protocol', value: str(port.protocol) }] : []),
            ]),
          ),
        ),
      ),
    );
    serviceOnly('healthCheck', w.healthCheck !== undefined);
    if (w.healthCheck) add('healthCheck', this.healthCheck(w.healthCheck, seconds));
    add(
      'dependsOn',
      nonEmpty(w.dependsOn, (deps) =>
        arr(
          deps.map((d) => {
            const factory = {
              started: 'started',
              healthy: 'healthy',
              'completed-successfully': 'completedSuccessfully',
            }[d.condition];
            const kind = this.kinds.get(d.target);
            const fits =
              d.condition === 'started' || (d.condition === 'healthy' ? kind !== 'Job' : kind === 'Job');
            if (kind === undefined || !fits) {
              throw new Error(
                `${w.id} cannot wait for ${d.target} (${kind ?? 'undeclared'}) to be ${d.condition}`,
              );
            }
            return call(
              `${this.imports.use('Dependency')}.${factory}`,
              name(this.names.get(`service:${d.target}`)),
              ...(d.optional ? [obj([{ key: 'optional', value: bool(true) }])] : []),
            );
          }),
        ),
      ),
    );
    add(
      'mounts',
      nonEmpty(w.mounts, (mounts) =>
        arr(
          mounts.map((m) =>
            obj([
              { key: 'volume', value: name(this.names.get(`volume:${m.volume}`)) },
              { key: 'path', value: str(m.path) },
              ...(m.readOnly ? [{ key: 'readOnly', value: bool(true) }] : []),
            ]),
          ),
        ),
      ),
    );
    if (w.construct === 'StatefulService') {
      if (!w.stateful) throw new Error(`the stateful service ${w.id} has no stateful data`);
      add(
        'data',
        obj([
          { key: 'path', value: str(w.stateful.path) },
          { key: 'volumeName', value: str(w.stateful.volumeName) },
        ]),
      );
    } else if (w.stateful) throw new Error(`the ${w.construct} ${w.id} cannot keep stateful data`);
    add(
      'bindMounts',
      nonEmpty(w.bindMounts, (mounts) =>
        arr(
          mounts.map((m) =>
            obj([
              { key: 'source', value: str(m.source) },
              { key: 'path', value: str(m.path) },
              ...(m.readOnly ? [{ key: 'readOnly', value: bool(true) }] : []),
              ...(m.selinux !== undefined ? [{ key: 'selinux', value: str(m.selinux) }] : []),
            ]),
          ),
        ),
      ),
    );
    add(
      'configFiles',
      nonEmpty(w.configFiles, (files) =>
        arr(
          files.map((f) =>
            obj([
              { key: 'path', value: str(f.path) },
              { key: 'source', value: str(f.source) },
            ]),
          ),
        ),
      ),
    );
    if (w.development) {
      const d = w.development;
      add(
        'development',
        obj([
          {
            key: 'sync',
            value: arr(
              d.sync.map((x) =>
                obj([
                  { key: 'path', value: str(x.path) },
                  { key: 'target', value: str(x.target) },
                  ...(x.ignore?.length ? [{ key: 'ignore', value: arr(x.ignore.map((i) => str(i))) }] : []),
                ]),
              ),
            ),
          },
          { key: 'rebuild', value: arr(d.rebuild.map((r) => str(r))) },
          {
            key: 'restart',
            value: arr(
              d.restart.map((x) =>
                obj([
                  { key: 'path', value: str(x.path) },
                  { key: 'target', value: str(x.target) },
                ]),
              ),
            ),
          },
        ]),
      );
    }
    if (w.restart !== undefined && w.restart !== RESTART_DEFAULT[w.construct]) add('restart', str(w.restart));
    if (w.profile !== undefined) add('profile', str(w.profile));
    if (w.cpu !== undefined) add('cpu', num(w.cpu));
    if (w.memoryMiB !== undefined) add('memoryMiB', num(w.memoryMiB));
    if (w.cpuArchitecture !== undefined) {
      add(
        'cpuArchitecture',
        name(this.imports.use('CpuArchitecture'), w.cpuArchitecture === 'arm64' ? 'ARM64' : 'X86_64'),
      );
    }
    if (w.desiredCount !== undefined && w.desiredCount !== 1) {
      if (w.construct !== 'Service') throw new Error(`the ${w.construct} ${w.id} cannot take desiredCount`);
      add('desiredCount', num(w.desiredCount));
    }
    const s = w.settings;
    if (s.init) add('init', bool(true));
    if (s.stopGracePeriodSeconds !== undefined) add('stopGracePeriod', seconds(s.stopGracePeriodSeconds));
    add(
      'ulimits',
      record(s.ulimits, (u) =>
        obj([
          { key: 'soft', value: num(u.soft) },
          { key: 'hard', value: num(u.hard) },
        ]),
      ),
    );
    if (s.capabilities && (s.capabilities.add?.length || s.capabilities.drop?.length)) {
      add(
        'capabilities',
        obj([
          ...(s.capabilities.add?.length ? [{ key: 'add', value: strings(s.capabilities.add)! }] : []),
          ...(s.capabilities.drop?.length ? [{ key: 'drop', value: strings(s.capabilities.drop)! }] : []),
        ]),
      );
    }
    if (s.sharedMemoryMiB !== undefined) add('sharedMemoryMiB', num(s.sharedMemoryMiB));
    if (s.hostname !== undefined) add('hostname', str(s.hostname));
    add(
      'extraHosts',
      record(s.extraHosts, (v) => str(v)),
    );
    add(
      'labels',
      record(s.labels, (v) => str(v)),
    );

    this.kinds.set(w.id, w.construct);
    const construct = this.imports.use(w.construct);
    const value = newCall(construct, name('application'), str(w.id), obj(props, true));
    const noun = w.construct === 'Job' ? 'Job' : 'Service';
    return this.declare(`service:${w.id}`, w.id, noun, value, w.comments);
  }

  private image(image: PlanWorkload['image']): Expr {
    const imageClass = this.imports.use('Image');
    if (image.kind === 'registry') return call(`${imageClass}.fromRegistry`, str(image.reference));
    const options: Prop[] = [];
    if (image.file !== undefined) options.push({ key: 'file', value: str(image.file) });
    if (image.target !== undefined) options.push({ key: 'target', value: str(image.target) });
    if (image.buildArgs !== undefined && Object.keys(image.buildArgs).length > 0) {
      options.push({
        key: 'buildArgs',
        value: obj(Object.entries(image.buildArgs).map(([key, v]) => ({ key, value: str(v) }))),
      });
    }
    return call(
      `${imageClass}.fromDirectory`,
      str(image.directory),
      ...(options.length ? [obj(options)] : []),
    );
  }

  private environment(environment: PlanWorkload['environment'], expanded: boolean): Expr | undefined {
    const entries = Object.entries(environment);
    if (entries.length === 0) return undefined;
    return obj(
      entries.map(([key, v]) => ({ key, value: this.value(v) })),
      expanded,
    );
  }

  private value(v: PlanValue): Expr {
    if (v.kind === 'literal') return str(v.value);
    const options = v.default !== undefined ? [obj([{ key: 'default', value: str(v.default) }])] : [];
    return call(`${this.imports.use('StartVariable')}.named`, str(v.variable), ...options);
  }

  private healthCheck(h: PlanHealthCheck, seconds: (n: number) => Expr): Expr {
    const options: Prop[] = [];
    const timing = [
      ['interval', h.intervalSeconds, HEALTH_CHECK_DEFAULTS.intervalSeconds],
      ['timeout', h.timeoutSeconds, HEALTH_CHECK_DEFAULTS.timeoutSeconds],
    ] as const;
    for (const [key, value, byDefault] of timing)
      if (value !== byDefault) options.push({ key, value: seconds(value) });
    if (h.retries !== HEALTH_CHECK_DEFAULTS.retries) options.push({ key: 'retries', value: num(h.retries) });
    if (h.startPeriodSeconds !== HEALTH_CHECK_DEFAULTS.startPeriodSeconds) {
      options.push({ key: 'startPeriod', value: seconds(h.startPeriodSeconds) });
    }
    const rest = options.length > 0 ? [obj(options)] : [];
    const healthCheck = this.imports.use('HealthCheck');
    if (h.kind === 'command') {
      if (!h.command?.length) throw new Error('a command health check needs its command');
      return call(`${healthCheck}.command`, arr(h.command.map((c) => str(c))), ...rest);
    }
    if (h.script === undefined) throw new Error('a shell health check needs its script');
    return call(`${healthCheck}.shell`, str(h.script), ...rest);
  }

  private connection(c: PlanConnection): Statement {
    const props: Prop[] = [];
    for (const key of ['host', 'port', 'database', 'username', 'password'] as const) {
      const variable = c.variables[key];
      if (variable !== undefined) props.push({ key, value: str(variable) });
    }
    const urls = (c.urls ?? []).map((u) =>
      u.scheme === undefined && u.path === undefined
        ? str(u.variable)
        : obj([
            { key: 'variable', value: str(u.variable) },
            ...(u.scheme !== undefined ? [{ key: 'scheme', value: str(u.scheme) }] : []),
            ...(u.path !== undefined ? [{ key: 'path', value: str(u.path) }] : []),
          ]),
    );
    if (urls.length === 1) props.push({ key: 'url', value: urls[0]! });
    else if (urls.length > 1) props.push({ key: 'url', value: arr(urls) });
    if (c.tls !== undefined) props.push({ key: 'tls', value: str(c.tls) });
    const workload = this.names.get(`service:${c.workload}`);
    const target = this.names.get(`service:${c.dataService}`);
    return { kind: 'expression', value: call(`${workload}.connectTo`, name(target), obj(props)) };
  }
}

/** A TSDoc comment: one line when it fits, else its words wrapped. */
function docComment(text: string): builders.Doc[] {
  const one = `/** ${text} */`;
  if (one.length <= PRETTIER_OPTIONS.printWidth) return [one];
  const lines = commentLines(text, 0).map((l) => ` *${l.slice(2)}`);
  return ['/**', ...lines, ' */'].flatMap((l, i) => (i === 0 ? [l] : [hardline, l]));
}

const comments = (comment: string | undefined): string[] => (comment === undefined ? [] : [comment]);
