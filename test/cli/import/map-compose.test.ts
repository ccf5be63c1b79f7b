import { Stack } from 'aws-cdk-lib';
import {
  Application,
  BrokerEngine,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  DocumentDatabase,
  DocumentEngine,
  MessageBroker,
  SearchDomain,
  SearchEngine,
} from '../../../constructs';
import { mapCompose, MapComposeOptions, OFFERED_VERSIONS } from '../../../cli/import/map-compose';
import type { FidelityEntry } from '../../../cli/import/report';
import { generateStack } from '../../../cli/import/generate';
import { evaluateGenerated } from '../../support/generated-stack';
import { testApp, testStack } from '../../support/test-app';
import { load } from './fixture';

function mapped(
  yaml: string,
  options: Partial<MapComposeOptions> = {},
  extra: Record<string, string> = {},
  environment: Record<string, string> = {},
) {
  const model = load({ 'compose.yaml': yaml, ...extra }, { environment });
  const result = mapCompose(model, { name: 'shop', appDirectory: model.dir, ...options });
  const entry = (...p: (string | number)[]): FidelityEntry => {
    const e = result.entries.find((x) => JSON.stringify(x.path) === JSON.stringify(p));
    if (!e)
      throw new Error(
        `no entry at ${p.join('.')}: ${result.entries.map((x) => x.path.join('.')).join(', ')}`,
      );
    return e;
  };
  const workload = (id: string) => {
    const w = result.plan.workloads.find((x) => x.id === id);
    if (!w) throw new Error(`no workload ${id}`);
    return w;
  };
  return { ...result, model, entry, workload };
}

test('every key of the project is reported, each with its file and line', () => {
  const { entries, model } = mapped(`
name: Shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    privileged: true
`);
  const paths = entries.map((e) => e.path.join('.'));
  expect(paths).toEqual(
    expect.arrayContaining(['name', 'services.web.image', 'services.web.ports.0', 'services.web.privileged']),
  );
  for (const e of entries) {
    expect(e.location.file).toBe(model.files[0]);
    expect(e.location.line).toBeGreaterThan(0);
  }
  expect(entries.find((e) => e.path.join('.') === 'services.web.privileged')).toMatchObject({
    fidelity: 'dropped',
    key: 'services.privileged',
    location: { line: 7 },
  });
});

test('known data service images become managed constructs; --managed keeps one a container', () => {
  const yaml = `
services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: shop, POSTGRES_PASSWORD: s3cr3t-pw, POSTGRES_DB: orders }
    volumes: [pgdata:/var/lib/postgresql/data]
  cache:
    image: redis:7.2-alpine
  api:
    image: shop/api:1
    environment:
      DATABASE_URL: postgres://shop:s3cr3t-pw@db:5432/orders
      DB_HOST: db
      DB_PORT: "5432"
      DB_PASSWORD: s3cr3t-pw
      REDIS_URL: redis://cache:6379/0
    depends_on: { db: { condition: service_healthy } }
volumes:
  pgdata: {}
`;
  const { plan, entry } = mapped(yaml);
  expect(plan.dataServices).toEqual([
    expect.objectContaining({
      id: 'db',
      engine: 'postgres',
      version: '16',
      username: 'shop',
      databaseName: 'orders',
      localVolumeName: 'pgdata',
    }),
    // ElastiCache runs Redis 7.1 at most; the local stand-in keeps the original's image of that major.
    expect.objectContaining({ id: 'cache', engine: 'redis', version: '7.1', localImage: 'redis:7.2-alpine' }),
  ]);
  expect(entry('services', 'db')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'db', 'environment', 'POSTGRES_PASSWORD').why).toContain('generated password');
  expect(entry('services', 'db', 'volumes', 0)).toMatchObject({ fidelity: 'mapped' });
  expect(plan.connections).toEqual([
    expect.objectContaining({
      workload: 'api',
      dataService: 'db',
      variables: { host: 'DB_HOST', port: 'DB_PORT', password: 'DB_PASSWORD' },
      urls: [{ variable: 'DATABASE_URL' }],
    }),
    expect.objectContaining({
      workload: 'api',
      dataService: 'cache',
      urls: [{ variable: 'REDIS_URL', path: '/0' }],
    }),
  ]);
  // The literal password is nowhere in the plan.
  expect(JSON.stringify(plan)).not.toContain('s3cr3t-pw');
  expect(entry('services', 'api', 'depends_on', 'db')).toMatchObject({ fidelity: 'mapped' });

  const kept = mapped(yaml, { managed: { db: 'container' } });
  expect(kept.plan.dataServices.map((d) => d.id)).toEqual(['cache']);
  expect(kept.workload('db').image).toEqual({ kind: 'registry', reference: 'postgres:16-alpine' });
});

test('versions the managed service does not run move to the next one it offers, reported', () => {
  const { plan, entry } = mapped(`
services:
  old:
    image: postgres:9.6
  latest:
    image: mysql
  mongo:
    image: mongo:6
`);
  expect(plan.dataServices.map((d) => [d.id, d.version])).toEqual([
    ['old', '13'],
    ['latest', '8.4'],
    ['mongo', '8.0'],
  ]);
  expect(entry('services', 'old', 'image')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'old', 'image').why).toContain('does not run 9.6');
});

test('the offered versions are versions the constructs accept', () => {
  const application = new Application(testStack(), 'v');
  let n = 0;
  const id = () => `d${n++}`;
  for (const v of OFFERED_VERSIONS.postgres)
    new Database(application, id(), { engine: DatabaseEngine.postgres(v) });
  for (const v of OFFERED_VERSIONS.mysql)
    new Database(application, id(), { engine: DatabaseEngine.mysql(v) });
  for (const v of OFFERED_VERSIONS.mariadb)
    new Database(application, id(), { engine: DatabaseEngine.mariadb(v) });
  for (const v of OFFERED_VERSIONS.redis) new Cache(application, id(), { engine: CacheEngine.redis(v) });
  for (const v of OFFERED_VERSIONS.valkey) new Cache(application, id(), { engine: CacheEngine.valkey(v) });
  for (const v of OFFERED_VERSIONS.opensearch)
    new SearchDomain(application, id(), { engine: SearchEngine.openSearch(v) });
  for (const v of OFFERED_VERSIONS.rabbitmq)
    new MessageBroker(application, id(), { engine: BrokerEngine.rabbitMq(v) });
  for (const v of OFFERED_VERSIONS.mongo)
    new DocumentDatabase(application, id(), { engine: DocumentEngine.mongo(v) });
  expect(n).toBeGreaterThan(20);
  void Stack;
});

test('start-time variables, pass-through variables and literals', () => {
  const { workload, entry } = mapped(
    `
services:
  api:
    image: shop/api:\${TAG:-1}
    environment:
      LOG_LEVEL: \${LOG_LEVEL:-info}
      REGION: \${REGION:?set the region}
      HOME_URL: https://\${HOST:-localhost}/app
      FROM_SHELL:
      PLAIN: "a$$b"
      API_TOKEN: not-a-real-token
`,
    {},
    {},
    { REGION: 'eu-west-1' },
  );
  const api = workload('api');
  expect(api.environment).toEqual({
    LOG_LEVEL: { kind: 'start', variable: 'LOG_LEVEL', default: 'info' },
    REGION: { kind: 'start', variable: 'REGION' },
    HOME_URL: { kind: 'literal', value: 'https://localhost/app' },
    FROM_SHELL: { kind: 'start', variable: 'FROM_SHELL', default: '' },
    PLAIN: { kind: 'literal', value: 'a$b' },
  });
  expect(api.secrets).toEqual({ API_TOKEN: { secret: 'api-token' } });
  expect(entry('services', 'api', 'environment', 'HOME_URL')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'environment', 'LOG_LEVEL')).toMatchObject({ fidelity: 'mapped' });
  expect(entry('services', 'api', 'environment', 'API_TOKEN')).toMatchObject({ fidelity: 'approximated' });
});

test('mounts: named volumes, directories, single read-only files, anonymous volumes, tmpfs', () => {
  const { workload, entry, plan } = mapped(
    `
services:
  web:
    image: nginx:1.27
    read_only: true
    volumes:
      - data:/srv/data
      - ./site:/usr/share/nginx/html:ro
      - ./default.conf:/etc/nginx/conf.d/default.conf:ro
      - /var/cache/nginx
      - /var/run/docker.sock:/var/run/docker.sock
    tmpfs: [/run]
volumes:
  data: {}
`,
    {},
    { 'site/index.html': '<h1>hi</h1>', 'default.conf': 'server { listen 80; }\n' },
  );
  const web = workload('web');
  expect(web.mounts).toEqual([{ volume: 'data', path: '/srv/data' }]);
  expect(web.bindMounts).toEqual([{ source: './site', path: '/usr/share/nginx/html', readOnly: true }]);
  expect(web.configFiles).toEqual([{ path: '/etc/nginx/conf.d/default.conf', source: './default.conf' }]);
  expect(web.writablePaths).toEqual(['/var/cache/nginx', '/run']);
  expect(entry('services', 'web', 'volumes', 1)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'web', 'volumes', 2)).toMatchObject({ fidelity: 'mapped' });
  expect(entry('services', 'web', 'volumes', 4)).toMatchObject({ fidelity: 'dropped' });
  expect(plan.volumes).toEqual([{ id: 'data', name: 'data' }]);
});

test('a self-hosted store with a volume becomes a StatefulService; a one-shot service a Job', () => {
  const { workload } = mapped(`
services:
  clickhouse:
    image: clickhouse/clickhouse-server:24
    volumes: [chdata:/var/lib/clickhouse]
  migrate:
    image: shop/api:1
    command: ["migrate"]
  api:
    image: shop/api:1
    depends_on:
      migrate: { condition: service_completed_successfully }
      clickhouse: { condition: service_started }
volumes:
  chdata: {}
`);
  expect(workload('clickhouse')).toMatchObject({
    construct: 'StatefulService',
    stateful: { path: '/var/lib/clickhouse', volumeName: 'chdata' },
    mounts: [],
  });
  expect(workload('migrate').construct).toBe('Job');
  expect(workload('api').dependsOn).toEqual([
    { target: 'migrate', condition: 'completed-successfully' },
    { target: 'clickhouse', condition: 'started' },
  ]);
});

test('health checks with compose defaults made explicit; ports published on every interface are approximated', () => {
  const { workload, entry } = mapped(`
services:
  api:
    image: shop/api:1
    ports: ["8080:80", "127.0.0.1:9090:90", "5353:53/udp"]
    expose: ["7000"]
    healthcheck:
      test: curl -f http://localhost/health
      interval: 10s
`);
  const api = workload('api');
  expect(api.healthCheck).toEqual({
    kind: 'shell',
    script: 'curl -f http://localhost/health',
    intervalSeconds: 10,
    timeoutSeconds: 30,
    retries: 3,
    startPeriodSeconds: 0,
  });
  expect(api.ports).toEqual([
    { containerPort: 80, hostPort: 8080 },
    { containerPort: 90, hostPort: 9090 },
    { containerPort: 53, hostPort: 5353, protocol: 'udp' },
    { containerPort: 7000 },
  ]);
  expect(entry('services', 'api', 'ports', 0)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'ports', 1)).toMatchObject({ fidelity: 'mapped' });
});

test('container settings: ulimits, init, stop grace period, capabilities, shm, resources, restart, profiles', () => {
  const { workload, entry } = mapped(`
services:
  worker:
    image: shop/worker:1
    user: "0"
    ulimits: { nofile: 65536 }
    init: true
    stop_grace_period: 1m30s
    cap_add: [SYS_PTRACE, NET_ADMIN]
    cap_drop: [ALL]
    shm_size: 256m
    restart: on-failure:3
    profiles: [workers, extra]
    platform: linux/arm64
    deploy:
      replicas: 2
      resources: { limits: { cpus: "0.5", memory: 1500M } }
`);
  const worker = workload('worker');
  expect(worker).toMatchObject({
    user: '0',
    allowRootUser: true,
    restart: 'on-failure',
    profile: 'workers',
    cpuArchitecture: 'arm64',
    desiredCount: 2,
    cpu: 512,
    memoryMiB: 2048,
    settings: {
      ulimits: { nofile: { soft: 65536, hard: 65536 } },
      init: true,
      stopGracePeriodSeconds: 90,
      capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] },
      sharedMemoryMiB: 256,
    },
  });
  expect(entry('services', 'worker', 'cap_add', 1)).toMatchObject({ fidelity: 'dropped' });
  expect(entry('services', 'worker', 'profiles', 1)).toMatchObject({ fidelity: 'dropped' });
  expect(entry('services', 'worker', 'restart')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'worker', 'deploy', 'resources', 'limits')).toMatchObject({
    fidelity: 'approximated',
  });
});

test('builds become directory images relative to the CDK app', () => {
  const { workload, entry } = mapped(
    `
services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      target: runtime
      args: { NODE_ENV: production }
`,
    {},
    { 'api/Dockerfile.prod': 'FROM node:22\n' },
  );
  expect(workload('api').image).toEqual({
    kind: 'directory',
    directory: './api',
    file: 'Dockerfile.prod',
    target: 'runtime',
    buildArgs: { NODE_ENV: 'production' },
  });
  expect(entry('services', 'api', 'build')).toMatchObject({ fidelity: 'mapped' });
});

test('workloads come after the workloads they depend on', () => {
  const { plan } = mapped(`
services:
  web:
    image: a
    depends_on: [api]
  api:
    image: b
    depends_on: [worker]
  worker:
    image: c
`);
  expect(plan.workloads.map((w) => w.id)).toEqual(['worker', 'api', 'web']);
});

test('env files: plain ones stay files, others are inlined; a missing one is dropped', () => {
  const { workload, entry } = mapped(
    `
services:
  api:
    image: shop/api:1
    env_file: [plain.env, quoted.env, { path: missing.env, required: false }]
`,
    {},
    { 'plain.env': 'A=1\n# comment\nB=two words\n', 'quoted.env': 'C="quoted"\n' },
  );
  const api = workload('api');
  expect(api.environmentFiles).toEqual(['./plain.env']);
  expect(api.environment).toEqual({ C: { kind: 'literal', value: 'quoted' } });
  expect(entry('services', 'api', 'env_file', 0)).toMatchObject({ fidelity: 'mapped' });
  expect(entry('services', 'api', 'env_file', 1)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'env_file', 2)).toMatchObject({ fidelity: 'dropped' });
});

test('compose secrets, networks, links, local-only settings and unknown keys are reported, never lost', () => {
  const { workload, entry, plan } = mapped(
    `
services:
  api:
    image: shop/api:1
    secrets: [api_key]
    networks: [back]
    links: [worker]
    hostname: api-host
    extra_hosts: ["db.example:10.0.0.2"]
    tmpfs: [/tmp]
    read_only: true
    stdin_open: true
    x-custom: kept
  worker:
    image: shop/worker:1
networks:
  back: { internal: true }
secrets:
  api_key: { file: ./api_key.txt }
`,
    {},
    { 'api_key.txt': 'not-a-real-key\n' },
  );
  const api = workload('api');
  expect(plan.secrets).toEqual([expect.objectContaining({ kind: 'imported', secretName: 'api_key' })]);
  expect(api.secrets).toEqual({ API_KEY: { secret: plan.secrets[0].id } });
  expect(api.settings).toMatchObject({ hostname: 'api-host', extraHosts: { 'db.example': '10.0.0.2' } });
  expect(api.writablePaths).toEqual(['/tmp']);
  expect(entry('services', 'api', 'secrets', 0)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'environment', 'API_KEY')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('secrets', 'api_key')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('networks', 'back')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'networks')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'links', 0)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'hostname')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'extra_hosts', 'db.example')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'tmpfs', 0)).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'stdin_open')).toMatchObject({ fidelity: 'dropped' });
});

test('--managed brings a service of an image it does not know across as the chosen kind', () => {
  const { plan, entry } = mapped(
    `
services:
  kv:
    image: bitnami/redis:7.2
  search:
    image: opensearchproject/opensearch:2.19.0
`,
    { managed: { kv: 'cache', search: 'container' } },
  );
  expect(plan.dataServices).toEqual([expect.objectContaining({ id: 'kv', engine: 'redis' })]);
  expect(plan.workloads.map((w) => w.id)).toEqual(['search']);
  expect(entry('services', 'kv').why).toContain('(--managed)');
});

test('a data service with a connection waits for it to be healthy, reported where the original did not', () => {
  const { entry } = mapped(`
services:
  db:
    image: postgres:16
  api:
    image: shop/api:1
    environment: { DB_HOST: db }
  worker:
    image: shop/api:1
    environment: { DB_HOST: db }
    depends_on: [db]
`);
  expect(entry('services', 'api', 'depends_on', 'db')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'worker', 'depends_on', 'db')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'worker', 'depends_on', 'db').why).toContain('service_started');
});

test('a host port two services publish (in different profiles) is published once', () => {
  const { workload, entry } = mapped(`
services:
  cpu:
    image: ollama/ollama
    profiles: [cpu]
    ports: ["11434:11434"]
  gpu:
    image: ollama/ollama
    profiles: [gpu]
    ports: ["11434:11434"]
`);
  expect(workload('cpu').ports).toEqual([{ containerPort: 11434, hostPort: 11434 }]);
  expect(workload('gpu').ports).toEqual([{ containerPort: 11434 }]);
  expect(entry('services', 'gpu', 'ports', 0).why).toContain("already published by 'cpu'");
});

test('a client reads a credential from the same variable as the data service: the connection password', () => {
  const { plan } = mapped(
    `
services:
  db:
    image: postgres:16
    environment: [POSTGRES_PASSWORD]
  api:
    image: shop/api:1
    environment:
      - DB_HOST=db
      - DB_PASSWORD=\${POSTGRES_PASSWORD}
`,
    {},
    {},
    { POSTGRES_PASSWORD: 'from-the-shell' },
  );
  expect(plan.connections).toEqual([
    expect.objectContaining({ workload: 'api', variables: { host: 'DB_HOST', password: 'DB_PASSWORD' } }),
  ]);
  expect(JSON.stringify(plan)).not.toContain('from-the-shell');
});

test('a value read from variables at import is reported approximated: the stack keeps what it was then', () => {
  const { workload, entry } = mapped(
    `
services:
  api:
    image: shop/api:\${TAG:-1}
    user: "\${UID}:\${GID}"
    command: ["serve", "--port", "\${PORT:-8080}"]
    environment:
      MODE: \${MODE:-fast}
`,
  );
  expect(workload('api').image).toEqual({ kind: 'registry', reference: 'shop/api:1' });
  expect(entry('services', 'api', 'image')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'image').why).toContain('${TAG}');
  expect(entry('services', 'api', 'command')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'command').why).toContain('${PORT}');
  // Unset variables made the user `:`: the image's own user is kept, and that is said.
  expect(workload('api').user).toBeUndefined();
  expect(entry('services', 'api', 'user')).toMatchObject({ fidelity: 'dropped' });
  // A whole value that is one variable stays a variable.
  expect(entry('services', 'api', 'environment', 'MODE')).toMatchObject({ fidelity: 'mapped' });
});

test('names twinstack does not take are renamed in both twins and reported; the stack synthesizes', () => {
  const { plan, entry } = mapped(`
services:
  Web.App:
    image: nginx:1.27
    depends_on: [1st]
    volumes: [My.Data:/data]
  1st:
    image: busybox:1.37
volumes:
  My.Data: {}
`);
  expect(plan.workloads.map((w) => w.id).sort()).toEqual(['s-1st', 'web-app']);
  expect(plan.workloads.find((w) => w.id === 'web-app')!.dependsOn).toEqual([
    { target: 's-1st', condition: 'started' },
  ]);
  expect(plan.volumes.map((v) => v.name)).toEqual(['my-data']);
  expect(entry('services', 'Web.App')).toMatchObject({
    fidelity: 'approximated',
    became: "the service 'web-app'",
  });
  const exported = evaluateGenerated(generateStack(plan));
  const app = testApp();
  const StackClass = exported[plan.className] as new (scope: typeof app, id: string) => Stack;
  new StackClass(app, 'Renamed');
  expect(() => app.synth()).not.toThrow();
});

test('dependencies are what the targets can give: a job completes, an unchecked service starts, a profile is optional', () => {
  const { workload, entry } = mapped(`
services:
  migrate:
    image: shop/api:1
  broker:
    image: nats:2
    profiles: [queue]
  api:
    image: shop/api:1
    depends_on:
      migrate: { condition: service_completed_successfully }
      broker: { condition: service_started }
  worker:
    image: shop/api:1
    depends_on:
      migrate: { condition: service_healthy }
      api: { condition: service_healthy }
`);
  expect(workload('api').dependsOn).toEqual([
    { target: 'migrate', condition: 'completed-successfully' },
    { target: 'broker', condition: 'started', optional: true },
  ]);
  expect(workload('worker').dependsOn).toEqual([
    { target: 'migrate', condition: 'completed-successfully' },
    { target: 'api', condition: 'started' },
  ]);
  expect(entry('services', 'api', 'depends_on', 'broker').why).toContain('profile queue');
  expect(entry('services', 'worker', 'depends_on', 'migrate').why).toContain('a Job');
  expect(entry('services', 'worker', 'depends_on', 'api').why).toContain('no health check');
});

test('a user or database the managed service refuses is left to its default, and said', () => {
  const { plan, entry } = mapped(`
services:
  mongo:
    image: mongo:8.0
    environment:
      MONGO_INITDB_ROOT_USERNAME: root
      MONGO_INITDB_ROOT_PASSWORD: example
`);
  expect(plan.dataServices[0].username).toBeUndefined();
  expect(entry('services', 'mongo', 'environment', 'MONGO_INITDB_ROOT_USERNAME').why).toContain(
    "does not take 'root'",
  );
});

test('values Fargate or twinstack would refuse are brought within bounds or dropped, and the stack synthesizes', () => {
  const { plan, workload, entry, model } = mapped(
    `
services:
  api:
    build: ./missing
    image: shop/api:1
    working_dir: app
    hostname: "not a host"
    ulimits: { nofile: 2000000, bogus: 1 }
    cap_drop: [NET_RAW, NOT_A_CAP]
    healthcheck:
      test: ["CMD", "true"]
      start_period: 10m
    volumes: ["./top.conf:/top.conf:ro"]
`,
    {},
    { 'top.conf': 'x = 1\n' },
  );
  const api = workload('api');
  expect(api.image).toEqual({ kind: 'registry', reference: 'shop/api:1' });
  expect(api.workingDirectory).toBeUndefined();
  expect(api.settings.hostname).toBeUndefined();
  expect(api.settings.ulimits).toEqual({ nofile: { soft: 1048576, hard: 1048576 } });
  expect(api.settings.capabilities).toEqual({ drop: ['NET_RAW'] });
  expect(api.healthCheck?.startPeriodSeconds).toBe(300);
  // A file directly in / is no config file path: it stays a local bind mount.
  expect(api.configFiles).toEqual([]);
  expect(api.bindMounts).toEqual([{ source: './top.conf', path: '/top.conf', readOnly: true }]);
  for (const at of [['build'], ['working_dir'], ['hostname'], ['ulimits', 'bogus'], ['cap_drop', 1]])
    expect(entry('services', 'api', ...at).fidelity).not.toBe('mapped');
  expect(entry('services', 'api', 'ulimits', 'nofile')).toMatchObject({ fidelity: 'approximated' });
  expect(entry('services', 'api', 'healthcheck')).toMatchObject({ fidelity: 'approximated' });
  const exported = evaluateGenerated(generateStack(plan));
  const app = testApp();
  const StackClass = exported[plan.className] as new (scope: typeof app, id: string) => Stack;
  // The stack's paths are relative to the CDK app's directory, where cdk synth runs.
  const cwd = process.cwd();
  process.chdir(model.dir);
  try {
    new StackClass(app, 'Bounded');
    expect(() => app.synth()).not.toThrow();
  } finally {
    process.chdir(cwd);
  }
});

test('compose configs of a file become config files in both twins; inline ones are dropped with why', () => {
  const { workload, entry } = mapped(
    `
services:
  web:
    image: nginx:1.27
    configs:
      - source: site
        target: /etc/nginx/conf.d/site.conf
      - inline
configs:
  site: { file: ./site.conf }
  inline: { content: "x" }
`,
    {},
    { 'site.conf': 'server { listen 80; }\n' },
  );
  expect(workload('web').configFiles).toEqual([
    { path: '/etc/nginx/conf.d/site.conf', source: './site.conf' },
  ]);
  expect(entry('services', 'web', 'configs', 0)).toMatchObject({ fidelity: 'mapped' });
  expect(entry('services', 'web', 'configs', 1)).toMatchObject({ fidelity: 'dropped' });
});

test("develop.watch becomes the workload's development settings, exactly the rules the original had", () => {
  const { workload, entry, plan, model } = mapped(
    `
services:
  api:
    build: ./api
    develop:
      watch:
        - { action: sync, path: ./api/src, target: /app/src, ignore: [tmp/] }
        - { action: rebuild, path: ./api/package.json }
        - { action: sync+restart, path: ./api/config, target: /app/config }
        - { action: sync+exec, path: ./api/src, target: /app/src, exec: { command: ["true"] } }
        - { action: sync, path: ./elsewhere, target: /x }
`,
    {},
    {
      'api/Dockerfile': 'FROM node:22\nWORKDIR /app\nCOPY . .\n',
      'api/package.json': '{}\n',
      'api/src/index.js': '\n',
      'api/config/app.yaml': 'a: 1\n',
      'elsewhere/x': '\n',
    },
  );
  expect(workload('api').development).toEqual({
    sync: [{ path: 'src', target: '/app/src', ignore: ['tmp/'] }],
    rebuild: ['package.json'],
    restart: [{ path: 'config', target: '/app/config' }],
  });
  expect(entry('services', 'api', 'develop', 'watch', 3)).toMatchObject({ fidelity: 'dropped' });
  expect(entry('services', 'api', 'develop', 'watch', 4)).toMatchObject({ fidelity: 'dropped' });
  const exported = evaluateGenerated(generateStack(plan));
  const app = testApp();
  const StackClass = exported[plan.className] as new (scope: typeof app, id: string) => Stack;
  const cwd = process.cwd();
  process.chdir(model.dir);
  try {
    const stack = new StackClass(app, 'Watched');
    app.synth();
    const application = stack.node.findAll().find((c) => c instanceof Application) as Application;
    const watch = application.renderLocalTwin(model.dir).compose.services.api.develop?.watch ?? [];
    // The same rules, in the renderer's order.
    expect(watch.map((w) => [w.action, w.path, w.target ?? null]).sort()).toEqual(
      [
        ['sync', './api/src', '/app/src'],
        ['rebuild', './api/package.json', null],
        ['sync+restart', './api/config', '/app/config'],
      ].sort(),
    );
  } finally {
    process.chdir(cwd);
  }
});
