import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import * as ts from 'typescript';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { Application } from '../../../constructs';
import { generateStack } from '../../../cli/import/generate';
import { PRETTIER_OPTIONS, stringLiteral } from '../../../cli/import/source-doc';
import type { ImportPlan, PlanWorkload } from '../../../cli/import/plan';
import { evaluateGenerated } from '../../support/generated-stack';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

const FIXTURE = 'test/fixtures/mounts-variables';

/** A workload with the required fields empty. */
function workload(
  construct: PlanWorkload['construct'],
  id: string,
  extra: Partial<PlanWorkload> = {},
): PlanWorkload {
  return {
    construct,
    id,
    image: { kind: 'registry', reference: 'public.ecr.aws/docker/library/busybox:1.37' },
    environment: {},
    secrets: {},
    ports: [],
    dependsOn: [],
    mounts: [],
    bindMounts: [],
    configFiles: [],
    settings: {},
    comments: [],
    ...extra,
  };
}

function plan(extra: Partial<ImportPlan> & Pick<ImportPlan, 'className'>): ImportPlan {
  return {
    applicationName: 'shop',
    files: ['compose.yaml'],
    volumes: [],
    secrets: [],
    dataServices: [],
    workloads: [],
    connections: [],
    notes: [],
    ...extra,
  };
}

const AWKWARD = {
  QUOTES: `it's "quoted"`,
  MORE_SINGLE: `'a' 'b' "c"`,
  BACKSLASH: 'C:\\path\\to\\',
  TEMPLATE: '${NOT_A_TEMPLATE} and `ticks`',
  NEWLINES: 'line one\nline two\r\nthree\ttabbed',
  UNICODE: 'héllo ✓ 日本語 🚀 \u2028 sep',
  EMPTY: '',
};

const RANDOM_TEXTS = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { numRuns: 60, seed: 20261203 });

/** The plans under test, by name. */
const PLANS: Record<string, ImportPlan> = {
  // Every workload field, two data services, both kinds of secret, a volume and connections.
  full: plan({
    className: 'ShopStack',
    files: ['compose.yaml', 'compose.override.yaml'],
    notes: ['Networks are left out: every service reaches the services it depends on.'],
    volumes: [{ id: 'uploads', name: 'shop_uploads', comment: 'Uploaded files.' }],
    secrets: [
      { id: 'SessionKey', kind: 'generated', localVariable: 'SESSION_KEY' },
      { id: 'ApiToken', kind: 'imported', secretName: 'shop/api-token', comment: 'Created beforehand.' },
    ],
    dataServices: [
      {
        id: 'db',
        engine: 'postgres',
        version: '16',
        databaseName: 'shop',
        username: 'shop',
        localVolumeName: 'db-data',
        hostPort: 5432,
      },
      {
        id: 'cache',
        engine: 'redis',
        version: '7',
        localImage: 'redis:7-alpine',
        localVolumeName: 'cache-data',
      },
    ],
    workloads: [
      workload('Job', 'migrate', {
        image: {
          kind: 'directory',
          directory: 'test/fixtures/dockerfiles',
          file: 'docker-compose.Dockerfile',
          target: 'runtime',
          buildArgs: { BUILD_PLATFORM: 'alpine', RUNTIME_ALPINE_VERSION: '3.20' },
        },
        command: ['npm', 'run', 'migrate'],
        restart: 'on-failure',
        cpuArchitecture: 'arm64',
        comments: ['Runs the migrations before the web service starts.'],
      }),
      workload('Service', 'web', {
        command: ['sh', '-c', 'exec httpd -f -p 8080'],
        entrypoint: ['/bin/sh', '-c'],
        workingDirectory: '/srv',
        user: 'root',
        allowRootUser: true,
        writableRoot: true,
        writablePaths: ['/tmp'],
        environment: {
          LOG_LEVEL: { kind: 'start', variable: 'LOG_LEVEL', default: 'info' },
          FEATURE: { kind: 'start', variable: 'FEATURE' },
          MODE: { kind: 'literal', value: 'production' },
        },
        secrets: {
          SESSION_KEY: { secret: 'SessionKey' },
          API_TOKEN: { secret: 'ApiToken', field: 'token' },
        },
        environmentFiles: [`${FIXTURE}/app.env`],
        ports: [
          { containerPort: 8080, hostPort: 8080 },
          { containerPort: 5353, protocol: 'udp' },
        ],
        healthCheck: {
          kind: 'command',
          command: ['wget', '-q', '--spider', 'http://localhost:8080/'],
          intervalSeconds: 10,
          timeoutSeconds: 30,
          retries: 5,
          startPeriodSeconds: 20,
        },
        dependsOn: [{ target: 'migrate', condition: 'completed-successfully' }],
        mounts: [{ volume: 'uploads', path: '/srv/uploads', readOnly: true }],
        bindMounts: [{ source: `${FIXTURE}/app/src`, path: '/srv/src', readOnly: true, selinux: 'private' }],
        configFiles: [{ path: '/etc/nginx/nginx.conf', source: `${FIXTURE}/nginx.conf` }],
        restart: 'always',
        cpu: 512,
        memoryMiB: 1024,
        cpuArchitecture: 'arm64',
        desiredCount: 2,
        settings: {
          ulimits: { nofile: { soft: 65536, hard: 65536 } },
          init: true,
          stopGracePeriodSeconds: 20,
          capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] },
          labels: { 'com.example.team': 'shop', tier: 'web' },
          sharedMemoryMiB: 128,
          hostname: 'web-host',
          extraHosts: { 'host.docker.internal': 'host-gateway' },
        },
        comments: ['The web front end.', 'Published on 8080 as in the original.'],
      }),
      workload('Service', 'worker', {
        dependsOn: [
          { target: 'web', condition: 'healthy' },
          { target: 'db', condition: 'started' },
        ],
        restart: 'unless-stopped',
        desiredCount: 1,
        cpuArchitecture: 'x86_64',
      }),
      workload('Service', 'docs', { profile: 'docs', restart: 'no' }),
    ],
    connections: [
      {
        workload: 'web',
        dataService: 'db',
        variables: {
          host: 'DB_HOST',
          port: 'DB_PORT',
          database: 'DB_NAME',
          username: 'DB_USER',
          password: 'DB_PASSWORD',
        },
        urls: [{ variable: 'DATABASE_URL' }, { variable: 'SQLALCHEMY_URL', scheme: 'postgresql+psycopg2' }],
      },
      {
        workload: 'worker',
        dataService: 'cache',
        variables: { host: 'REDIS_HOST' },
        urls: [{ variable: 'REDIS_URL', path: '/0' }],
        tls: 'REDIS_TLS',
      },
    ],
  }),
  // The other database and cache engines, and a search domain.
  engines: plan({
    className: 'EnginesStack',
    dataServices: [
      { id: 'mysql', engine: 'mysql', version: '8.0', databaseName: 'app', username: 'app' },
      { id: 'valkey', engine: 'valkey', version: '8.0', hostPort: 6380 },
      { id: 'search', engine: 'opensearch', version: '2.19' },
    ],
    workloads: [
      workload('Service', 'app'),
      ...['api', 'consumer'].map((id) =>
        workload('Service', id, {
          environment: {
            LOG_LEVEL: { kind: 'start', variable: 'LOG_LEVEL', default: 'info' },
            QUEUE: { kind: 'literal', value: 'jobs' },
          },
        }),
      ),
      workload('Service', 'other', {
        environment: {
          LOG_LEVEL: { kind: 'start', variable: 'LOG_LEVEL', default: 'debug' },
          QUEUE: { kind: 'literal', value: 'jobs' },
        },
      }),
    ],
    connections: [
      { workload: 'app', dataService: 'mysql', variables: {}, urls: [{ variable: 'MYSQL_URL' }] },
      { workload: 'app', dataService: 'valkey', variables: { host: 'VALKEY_HOST' }, tls: 'VALKEY_TLS' },
      { workload: 'app', dataService: 'search', variables: { host: 'SEARCH_HOST', port: 'SEARCH_PORT' } },
    ],
  }),
  // MariaDB, RabbitMQ, MongoDB and a stateful service with a shell health check.
  stateful: plan({
    className: 'StatefulStack',
    dataServices: [
      { id: 'mariadb', engine: 'mariadb', version: '11.4', databaseName: 'app' },
      { id: 'rabbit', engine: 'rabbitmq', version: '3.13', username: 'app', hostPort: 5672 },
      { id: 'mongo', engine: 'mongo', version: '5.0', username: 'app', databaseName: 'app' },
    ],
    workloads: [
      workload('StatefulService', 'clickhouse', {
        image: { kind: 'registry', reference: 'clickhouse/clickhouse-server:25.8' },
        ports: [{ containerPort: 8123 }],
        stateful: { path: '/var/lib/clickhouse', volumeName: 'clickhouse_data' },
        healthCheck: {
          kind: 'shell',
          script: 'wget --spider -q http://localhost:8123/ping || exit 1',
          intervalSeconds: 30,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 0,
        },
      }),
      workload('Service', 'app', { dependsOn: [{ target: 'clickhouse', condition: 'healthy' }] }),
    ],
    connections: [
      { workload: 'app', dataService: 'mariadb', variables: { host: 'DB_HOST', password: 'DB_PASSWORD' } },
      {
        workload: 'app',
        dataService: 'rabbit',
        variables: {},
        urls: [{ variable: 'AMQP_URL' }],
        tls: 'AMQP_TLS',
      },
      { workload: 'app', dataService: 'mongo', variables: {}, urls: [{ variable: 'MONGO_URL' }] },
    ],
  }),
  // Values no plain quoting survives, and ids that are not identifiers or clash.
  awkward: plan({
    className: 'AwkwardStack',
    applicationName: 'awkward',
    files: ["it's a file.yaml"],
    notes: [
      'A note with `backticks`, ${braces} and a very long line that the header comment has to wrap somewhere before it reaches the print width of the project.',
    ],
    secrets: [
      { id: 'Stack', kind: 'generated', localVariable: 'STACK_SECRET' },
      { id: '1st', kind: 'generated', localVariable: 'FIRST_SECRET' },
    ],
    workloads: [
      workload('Service', 'web-app', {
        environment: Object.fromEntries(
          Object.entries(AWKWARD).map(([k, v]) => [k, { kind: 'literal', value: v }]),
        ),
        secrets: { STACK_SECRET: { secret: 'Stack' } },
        settings: { labels: { 'com.example.quote': `it's "x"`, 'com.example.path': 'back\\slash' } },
        comments: ["It's the first one\nand a second line."],
      }),
      workload('Service', 'web_app', {
        environment: {
          DEFAULTED: { kind: 'start', variable: 'DEFAULTED', default: "it's $HOME \\n ✓" },
        },
        secrets: { FIRST_SECRET: { secret: '1st' } },
        dependsOn: [{ target: 'web-app', condition: 'started' }],
      }),
      workload('Service', 'class', { dependsOn: [{ target: 'web_app', condition: 'started' }] }),
      workload('Job', 'stack', { dependsOn: [{ target: 'class', condition: 'started' }] }),
    ],
  }),
  // Values too long for one line, so that each form breaks as prettier breaks it.
  layout: plan({
    className: 'LayoutStack',
    applicationName: 'a-rather-long-application-name-that-makes-the-application-line-longer-than-the-width',
    secrets: [
      {
        id: 'AVeryLongSecretIdentifierThatTakesMostOfTheLine',
        kind: 'imported',
        secretName: 'some/very/long/secret/name/in/secrets/manager/that/does/not/fit/on/the/line/at/all',
        localVariable: 'A_VERY_LONG_LOCAL_VARIABLE_NAME_FOR_THE_SECRET',
      },
    ],
    workloads: [
      workload('Service', 'first', {
        image: {
          kind: 'registry',
          reference:
            'registry.example.com/a/very/long/repository/path/that/goes/on/and/on/image-name:1.2.3-with-a-long-tag',
        },
        command: [
          'python',
          '-m',
          'gunicorn',
          '--workers',
          '4',
          '--bind',
          '0.0.0.0:8000',
          '--timeout',
          '120',
          'app:app',
        ],
        environment: {
          A: { kind: 'literal', value: 'x'.repeat(120) },
          SHORT_LITERAL_VALUE_WITH_A_LONG_KEY_THAT_PUSHES_THE_STRING_BEYOND: {
            kind: 'literal',
            value: 'y'.repeat(60),
          },
          A_START_VARIABLE_WITH_A_LONG_DEFAULT: {
            kind: 'start',
            variable: 'A_START_VARIABLE_WITH_A_LONG_DEFAULT',
            default: 'z'.repeat(70),
          },
          WIDE: { kind: 'start', variable: 'W'.repeat(100) },
        },
        secrets: {
          A_SECRET_VARIABLE_WHOSE_NAME_IS_LONG_ENOUGH_TO_PUSH_THE_FIELD_CALL_OVER_THE_EDGE: {
            secret: 'AVeryLongSecretIdentifierThatTakesMostOfTheLine',
            field: 'password',
          },
        },
        healthCheck: {
          kind: 'command',
          command: [
            'curl',
            '--fail',
            '--silent',
            '--show-error',
            '--max-time',
            '5',
            'http://localhost:8000/health/ready',
          ],
          intervalSeconds: 15,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 0,
        },
        comments: ['w'.repeat(150)],
      }),
      workload('Service', 'second', {
        healthCheck: {
          kind: 'shell',
          script:
            'a shell script that is so long that even the first line of the hugged form cannot hold it, surely',
          intervalSeconds: 15,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 0,
        },
        dependsOn: [{ target: 'first', condition: 'healthy' }],
      }),
      workload('Service', 'a-service-with-a-long-name-to-make-the-references-to-it-long', {
        dependsOn: [
          { target: 'first', condition: 'healthy' },
          { target: 'second', condition: 'started' },
          { target: 'the-database-of-the-application', condition: 'healthy' },
        ],
        mounts: [
          { volume: 'data', path: '/data' },
          { volume: 'data-of-another-kind', path: '/other', readOnly: true },
        ],
        ports: [{ containerPort: 80 }, { containerPort: 443, hostPort: 8443 }],
      }),
    ],
    volumes: [
      { id: 'data', name: 'data' },
      { id: 'data-of-another-kind', name: 'data-of-another-kind' },
    ],
    dataServices: [{ id: 'the-database-of-the-application', engine: 'postgres', version: '16' }],
    connections: [
      {
        workload: 'a-service-with-a-long-name-to-make-the-references-to-it-long',
        dataService: 'the-database-of-the-application',
        variables: { host: 'DB_HOST' },
        urls: [
          { variable: 'DATABASE_URL', scheme: 'postgresql+asyncpg', path: '/a-database-name-that-is-long' },
        ],
      },
      { workload: 'second', dataService: 'the-database-of-the-application', variables: { host: 'H' } },
    ],
  }),
  // Any text at all, lone surrogates and control characters included, as environment values and labels.
  random: plan({
    className: 'RandomStack',
    workloads: [
      workload('Service', 'web', {
        environment: Object.fromEntries(
          RANDOM_TEXTS.map((value, i) => [`V${i}`, { kind: 'literal', value } as const]),
        ),
      }),
    ],
  }),
};

const OUT = path.join(__dirname, '.generated-stacks');
const sources: Record<string, string> = {};
let diagnostics: Record<string, string[]> = {};

beforeAll(() => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  for (const [key, p] of Object.entries(PLANS)) {
    sources[key] = generateStack(p);
    fs.writeFileSync(path.join(OUT, `${key}.ts`), sources[key]!);
  }
  // One program for every generated file: `twinstack` is the library's public API.
  const config = {
    compilerOptions: {
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node',
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
      baseUrl: '.',
      paths: { twinstack: [path.relative(OUT, path.join(PROJECT_ROOT, 'constructs', 'index.ts'))] },
    },
    files: Object.keys(PLANS).map((k) => `${k}.ts`),
  };
  fs.writeFileSync(path.join(OUT, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, OUT);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const all = ts.getPreEmitDiagnostics(program);
  diagnostics = Object.fromEntries(
    Object.keys(PLANS).map((k) => [
      k,
      all
        .filter((d) => d.file === undefined || path.basename(d.file.fileName) === `${k}.ts`)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    ]),
  );
}, 120_000);

afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

/** Synthesizes the class a plan generates: the template and the local twin. */
function synthesize(key: string) {
  const exports = evaluateGenerated(sources[key]!);
  const Stack = exports[PLANS[key]!.className] as new (scope: cdk.App, id: string) => cdk.Stack;
  const app = testApp();
  app.node.setContext('FEATURE', 'on'); // the full plan's start-time variable without a default
  const stack = new Stack(app, 'Imported');
  app.synth();
  const application = stack.node.findAll().find((c): c is Application => c instanceof Application)!;
  const compose = application.renderLocalTwin(OUT).compose as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { stack, template: Template.fromStack(stack), compose, application };
}

describe.each(Object.keys(PLANS))('the stack generated for the plan %s', (key) => {
  test('type-checks under strict against the library', () => {
    expect(diagnostics[key]).toEqual([]);
  });

  test('is formatted as prettier formats it with the project settings', () => {
    // prettier.format loads its parsers with a dynamic import, which jest's CommonJS runtime refuses:
    // the prettier of the project, in a process of its own, with the project's .prettierrc.json.
    const formatted = execFileSync(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', path.join(OUT, `${key}.ts`)],
      { input: sources[key], encoding: 'utf8', cwd: PROJECT_ROOT },
    );
    expect(sources[key]).toBe(formatted);
  });

  test('imports only aws-cdk-lib, constructs and twinstack', () => {
    const modules = [...sources[key]!.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(modules).toEqual(['aws-cdk-lib', 'constructs', 'twinstack']);
  });
});

describe('the generated source', () => {
  test('starts with the files it was generated from and the notes', () => {
    const lines = sources.full!.split('\n');
    expect(lines[0]).toBe('// Generated by `twinstack import` from compose.yaml, compose.override.yaml.');
    expect(lines[1]).toBe('// Networks are left out: every service reaches the services it depends on.');
    expect(sources.full).toContain('export class ShopStack extends Stack {');
    expect(sources.full).toContain('constructor(scope: Construct, id: string, props?: StackProps) {');
    expect(sources.full).toContain("const application = new Application(this, 'App', { name: 'shop' });");
  });

  test('wraps long notes within the print width', () => {
    const header = sources.awkward!.split('\n').filter((l) => l.startsWith('//'));
    expect(header.length).toBeGreaterThan(2);
    for (const l of header) expect(l.length).toBeLessThanOrEqual(110);
  });

  test('declares a variable only for constructs a later statement uses', () => {
    expect(sources.full).toContain(
      "const uploads = new Volume(application, 'uploads', { name: 'shop_uploads' });",
    );
    expect(sources.full).toMatch(/\n {4}new Service\(application, 'docs', \{/);
    expect(sources.full).not.toContain('const docs');
  });

  test('writes an environment several workloads have as one constant above the class', () => {
    const source = sources.engines!;
    expect(source).toContain(
      "const sharedEnvironment = {\n  LOG_LEVEL: StartVariable.named('LOG_LEVEL', { default: 'info' }),\n  QUEUE: 'jobs',\n};\n\n/**",
    );
    expect(source.match(/environment: sharedEnvironment,/g)).toHaveLength(2);
    expect(source).toContain(
      "environment: { LOG_LEVEL: StartVariable.named('LOG_LEVEL', { default: 'debug' }), QUEUE: 'jobs' },",
    );
  });

  test('leaves out the props equal to their defaults', () => {
    expect(sources.full).toContain("const sessionKey = Secret.generate(application, 'SessionKey');");
    const worker = sources.full!.slice(sources.full!.indexOf("'worker'"));
    const props = worker.slice(0, worker.indexOf('});'));
    expect(props).not.toContain('restart');
    expect(props).not.toContain('desiredCount');
    expect(sources.stateful).toContain(
      "healthCheck: HealthCheck.shell('wget --spider -q http://localhost:8123/ping || exit 1'),",
    );
  });

  test('puts each construct\u2019s comments above it', () => {
    expect(sources.full).toContain(
      "    // The web front end.\n    // Published on 8080 as in the original.\n    const web = new Service(application, 'web', {",
    );
    expect(sources.awkward).toContain("    // It's the first one\n    // and a second line.\n");
  });

  test('is laid out for the project\u2019s prettier settings', () => {
    const settings = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, '.prettierrc.json'), 'utf8'));
    expect({ tabWidth: 2, ...settings }).toEqual(PRETTIER_OPTIONS);
  });

  test('writes every text as a literal that evaluates to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(new Function(`return ${stringLiteral(text)};`)()).toBe(text);
      }),
    );
    expect(sources.random).toContain(`V0: ${stringLiteral(RANDOM_TEXTS[0]!)}`);
  });

  test('writes a __proto__ key as a property, not the prototype', () => {
    const source = generateStack(
      plan({
        className: 'ProtoStack',
        workloads: [
          workload('Service', 'web', {
            environment: Object.fromEntries([['__proto__', { kind: 'literal', value: 'x' }]]),
          }),
        ],
      }),
    );
    expect(source).toContain("environment: { ['__proto__']: 'x' },");
  });

  test('gives every construct a distinct identifier that clashes with no import or reserved word', () => {
    const names = [...sources.awkward!.matchAll(/const (\w+) =/g)].map((m) => m[1]);
    expect(names).toEqual(['application', 'stack', 'secret1st', 'webApp', 'webAppService', 'classService']);
  });

  test('escapes awkward strings so each value is exactly the plan\u2019s', () => {
    const exports = evaluateGenerated(sources.awkward!);
    expect(exports.AwkwardStack).toBeDefined();
    const { template } = synthesize('awkward');
    const containers = Object.values(template.findResources('AWS::ECS::TaskDefinition')).flatMap(
      (t: any) => t.Properties.ContainerDefinitions, // eslint-disable-line @typescript-eslint/no-explicit-any
    );
    const web = containers.find((c: any) => c.Name === 'web-app'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const environment = Object.fromEntries(
      web.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]),
    );
    expect(environment).toMatchObject(AWKWARD);
    expect(web.DockerLabels).toMatchObject({
      'com.example.quote': `it's "x"`,
      'com.example.path': 'back\\slash',
    });
  });
});

describe('synthesized', () => {
  test('the full plan gives both twins every prop it names', () => {
    const { template, compose } = synthesize('full');
    const web = compose.services.web;
    expect(web).toMatchObject({
      user: 'root',
      working_dir: '/srv',
      restart: 'always',
      init: true,
      stop_grace_period: '20s',
      cap_add: ['SYS_PTRACE'],
      cap_drop: ['ALL'],
      shm_size: '128m',
      hostname: 'web-host',
      platform: 'linux/arm64',
      extra_hosts: expect.anything(),
    });
    expect(web.environment).toMatchObject({
      LOG_LEVEL: '${LOG_LEVEL:-info}',
      MODE: 'production',
      SESSION_KEY: '${SESSION_KEY:?set SESSION_KEY in .env}',
    });
    expect(web.healthcheck).toMatchObject({
      interval: '10s',
      timeout: '30s',
      retries: 5,
      start_period: '20s',
    });
    expect(Object.keys(web.depends_on)).toEqual(expect.arrayContaining(['migrate', 'db']));
    expect(compose.services.worker.depends_on.web.condition).toBe('service_healthy');
    expect(compose.services.docs.profiles).toEqual(['docs']);
    expect(compose.services.migrate.restart).toBe('on-failure');
    expect(compose.volumes).toHaveProperty('shop_uploads');
    expect(compose.volumes).toHaveProperty('db-data');
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64' },
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'web',
          User: 'root',
          ReadonlyRootFilesystem: false,
          WorkingDirectory: '/srv',
        }),
      ]),
    });
    expect(web.read_only).toBeUndefined();
  });

  test('the engines plan declares a managed service per engine', () => {
    const { template, compose } = synthesize('engines');
    template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mysql' });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Engine: 'valkey' });
    template.resourceCountIs('AWS::OpenSearchService::Domain', 1);
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['app', 'mysql', 'valkey', 'search']),
    );
    expect(compose.services.app.environment).toMatchObject({ VALKEY_TLS: 'false' });
    for (const service of ['api', 'consumer']) {
      expect(compose.services[service].environment).toEqual({
        LOG_LEVEL: '${LOG_LEVEL:-info}',
        QUEUE: 'jobs',
      });
    }
    expect(compose.services.other.environment.LOG_LEVEL).toBe('${LOG_LEVEL:-debug}');
  });

  test('the stateful plan declares a broker, a document database and a stateful service', () => {
    const { template, compose } = synthesize('stateful');
    template.resourceCountIs('AWS::AmazonMQ::Broker', 1);
    template.resourceCountIs('AWS::DocDB::DBCluster', 1);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mariadb' });
    expect(compose.services.clickhouse.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'clickhouse_data', target: '/var/lib/clickhouse' }),
      ]),
    );
    expect(compose.services.app.depends_on.clickhouse.condition).toBe('service_healthy');
  });
});

describe('a plan the constructs cannot take', () => {
  test('is refused, not silently changed', () => {
    const job = workload('Job', 'once', { ports: [{ containerPort: 80 }] });
    expect(() => generateStack(plan({ className: 'BadStack', workloads: [job] }))).toThrow(
      /cannot take ports/,
    );
    expect(() =>
      generateStack(
        plan({
          className: 'BadStack',
          dataServices: [{ id: 's', engine: 'opensearch', version: '2.19', username: 'u' }],
        }),
      ),
    ).toThrow(/cannot take username/);
    expect(() =>
      generateStack(
        plan({
          className: 'BadStack',
          workloads: [workload('Service', 'a', { secrets: { X: { secret: 'nope' } } })],
        }),
      ),
    ).toThrow(/does not declare/);
    const waits = (
      construct: PlanWorkload['construct'],
      condition: PlanWorkload['dependsOn'][0]['condition'],
    ) =>
      generateStack(
        plan({
          className: 'BadStack',
          workloads: [
            workload(construct, 'a'),
            workload('Service', 'b', { dependsOn: [{ target: 'a', condition }] }),
          ],
        }),
      );
    expect(() => waits('Job', 'healthy')).toThrow(/cannot wait for a \(Job\) to be healthy/);
    expect(() => waits('Service', 'completed-successfully')).toThrow(/cannot wait for a \(Service\)/);
    expect(() => waits('Job', 'completed-successfully')).not.toThrow();
  });
});
