import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseDuration } from '../../../cli/import/compose-values';
import { ComposeImportError, loadCompose, ServiceDefinition } from '../../../cli/import';
import { writeComposeProject } from '../../../bench/compose-file';
import { COMPOSE_V2_HINT, findComposeV2 } from '../../boot/container-engine';
import { project } from './fixture';

// loadCompose against `docker compose config --format json` of Compose v2 itself, on the same files. The
// loader keeps paths relative, durations in milliseconds, sizes in bytes and ulimits as soft and hard;
// Compose's output is brought to that shape key by key below, so every other difference fails.
const composeV2 = findComposeV2();
if (!composeV2 && process.env.CI) throw new Error(COMPOSE_V2_HINT);
const describeWithV2 = composeV2 ? describe : describe.skip;
if (!composeV2) process.stderr.write(`skipping the Compose v2 comparison: ${COMPOSE_V2_HINT}\n`);

type Json = Record<string, unknown>;

/** The home directory Compose expands `~` to; the loader keeps `~` as written. */
const HOME = '/home/compose-user';

function runCompose(dir: string, files: string[], env: Record<string, string>) {
  const args = [
    '--project-directory',
    dir,
    ...files.flatMap((f) => ['-f', path.join(dir, f)]),
    // Every profile: the loader keeps every service, with its profiles.
    '--profile',
    '*',
    'config',
    '--format',
    'json',
  ];
  return spawnSync(composeV2!, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME, ...env },
  });
}

function composeConfig(dir: string, files: string[], env: Record<string, string>): Json {
  const run = runCompose(dir, files, env);
  if (run.status !== 0) throw new Error(`docker compose config failed: ${run.stderr}`);
  // Compose prints each literal `$` as `$$`, so that its output reads back the same.
  return JSON.parse(run.stdout, (_k, v: unknown) =>
    typeof v === 'string' ? v.replace(/\$\$/g, '$') : v,
  ) as Json;
}

/** A service of `docker compose config --format json` in the loader's shape, for the keys compared. */
function fromCompose(s: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case 'command':
      case 'entrypoint':
        // Compose prints a null left by merging; the loader leaves the key out.
        if (v !== null) out[k] = v;
        break;
      case 'build': {
        const b = v as Json;
        out.build = b;
        break;
      }
      case 'healthcheck': {
        const h = { ...(v as Json) };
        for (const d of ['interval', 'timeout', 'start_period', 'start_interval']) {
          if (h[d] !== undefined) h[d] = parseDuration(h[d], { file: '', line: 0, column: 0 }, d);
        }
        out.healthcheck = h;
        break;
      }
      case 'stop_grace_period':
        out[k] = parseDuration(v, { file: '', line: 0, column: 0 }, k);
        break;
      case 'ulimits':
        out[k] = Object.fromEntries(
          Object.entries(v as Json).map(([n, l]) => [n, typeof l === 'number' ? { soft: l, hard: l } : l]),
        );
        break;
      case 'extra_hosts': {
        const hosts: Record<string, string[]> = {};
        for (const e of v as string[]) {
          const [host, ip] = e.split('=');
          (hosts[host] ??= []).push(ip);
        }
        out[k] = hosts;
        break;
      }
      case 'networks':
        out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, c]) => [n, c ?? {}]));
        break;
      case 'volumes':
        out[k] = (v as Json[]).map((m) => {
          if (m.type === 'bind') return m;
          // Compose prints empty volume options; the loader leaves them out.
          const { volume, ...rest } = m as { volume?: Json };
          return volume && Object.keys(volume).length > 0 ? m : rest;
        });
        break;
      case 'deploy': {
        // Compose prints sizes as strings of bytes, and an empty placement.
        const { placement, resources, ...rest } = v as { placement?: Json; resources?: Record<string, Json> };
        const sized = Object.fromEntries(
          Object.entries(resources ?? {}).map(([kind, r]) => [
            kind,
            r.memory === undefined ? r : { ...r, memory: Number(r.memory) },
          ]),
        );
        out[k] = {
          ...rest,
          ...(resources && { resources: sized }),
          ...(placement && Object.keys(placement).length > 0 && { placement }),
        };
        break;
      }
      case 'mem_limit':
      case 'mem_reservation':
      case 'memswap_limit':
      case 'shm_size':
        out[k] = Number(v);
        break;
      case 'secrets':
        // Compose adds the default target; the loader keeps what is written.
        out[k] = (v as Json[]).map((e) =>
          e.target === `/run/secrets/${String(e.source)}` ? { source: e.source } : e,
        );
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

/** A service of the loader, without what Compose's output leaves out: env_file (read into environment), unset build args, false booleans, x- keys. */
function fromLoader(s: ServiceDefinition, dir: string): Json {
  // Compose's output leaves out false booleans and a service's x- keys.
  const out: Json = Object.fromEntries(
    Object.entries(s).filter(([k, v]) => v !== false && !k.startsWith('x-')),
  );
  delete out.env_file;
  // Compose prints paths absolute, `~` expanded.
  const absolute = (p: string) => (p.startsWith('~/') ? path.join(HOME, p.slice(2)) : path.resolve(dir, p));
  if (s.build) out.build = { ...s.build, context: absolute(s.build.context) };
  if (s.volumes) {
    out.volumes = s.volumes.map((v) =>
      v.type === 'bind' && v.source ? { ...v, source: absolute(v.source) } : v,
    );
  }
  if (s.build?.args) {
    const args = Object.fromEntries(Object.entries(s.build.args).filter(([, v]) => v !== null));
    out.build = { ...(out.build as Json), ...(Object.keys(args).length > 0 ? { args } : {}) };
    if (Object.keys(args).length === 0) delete (out.build as Json).args;
  }
  if (!s.networks) out.networks = { default: {} };
  return out;
}

function compare(
  files: Record<string, string> | ((dir: string) => void),
  names: string[] = ['compose.yaml'],
  env: Record<string, string> = {},
): void {
  const dir = typeof files === 'function' ? project({}) : project(files);
  if (typeof files === 'function') files(dir);
  const theirs = composeConfig(dir, names, env);
  const ours = loadCompose({ files: names.map((n) => path.join(dir, n)), environment: env });
  const theirServices = theirs.services as Record<string, Json>;
  expect(Object.keys(ours.services).sort()).toEqual(Object.keys(theirServices).sort());
  for (const [name, service] of Object.entries(ours.services)) {
    expect({ [name]: fromLoader(service, dir) }).toEqual({ [name]: fromCompose(theirServices[name]) });
  }
  // Top-level definitions: Compose adds each one's project-scoped name and makes file paths absolute.
  for (const section of ['volumes', 'networks', 'secrets', 'configs'] as const) {
    for (const [name, definition] of Object.entries(ours[section])) {
      const expected = { ...definition };
      if (typeof expected.file === 'string') expected.file = path.resolve(dir, expected.file);
      expect({ [section]: { [name]: (theirs[section] as Record<string, Json>)[name] } }).toMatchObject({
        [section]: { [name]: expected },
      });
    }
  }
}

describeWithV2('loadCompose reads what docker compose config reads', () => {
  test('the short and long syntax of the keys the importer maps', () => {
    compare(
      {
        'compose.yaml': `x-common: &common
  restart: unless-stopped
  labels:
    - "com.example.team=core"
services:
  api:
    <<: *common
    image: "example/api:\${TAG:-latest}"
    build:
      context: ./api
      args:
        - NODE_ENV=production
        - PASS
      target: prod
    command: sh -c 'echo "hi there" && sleep 1' extra\\ word "q\\"uote"
    entrypoint: /bin/run --flag "two words"
    environment:
      - A=1
      - B
      - C=\${UNSET_X}
    env_file: api.env
    ports:
      - "8080:80"
      - "127.0.0.1:9000-9001:9000-9001/udp"
      - 3000
      - "127.0.0.1::81"
      - target: 443
        published: 8443
    expose: [4000, "5000"]
    volumes:
      - ./data:/data:ro,z
      - cache:/cache
      - /anon
      - type: bind
        source: ./conf
        target: /conf
        read_only: true
    depends_on:
      - db
    healthcheck:
      test: curl -f http://localhost/ || exit 1
      interval: 1m30s
      timeout: 500ms
      retries: 3
    ulimits:
      nofile: 1024
      nproc: { soft: 10, hard: 20 }
    extra_hosts:
      - "somehost:162.242.195.82"
      - "other=10.0.0.1"
    networks: [front]
    secrets: [token]
    tmpfs: /run
    sysctls:
      - net.core.somaxconn=1024
    stop_grace_period: 1m
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 512M }
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${PG_PASSWORD:?set it}
      DOLLAR: "$$literal and $$\${BRACED}"
    depends_on:
      cache:
        condition: service_healthy
        restart: true
  cache:
    image: redis
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      start_period: 10s
  worker:
    extends: api
    command: ["node", "worker.js"]
    ports: !reset []
volumes:
  cache:
networks:
  front:
secrets:
  token:
    file: ./token.txt
`,
        'api.env': 'FOO=bar\n# comment\nQUOTED="a b"\nexport E=1\nREF=${FOO}-x\n',
        'token.txt': 'x',
      },
      ['compose.yaml'],
      { PG_PASSWORD: 'pw' },
    );
  });

  test('command strings split as Compose splits them', () => {
    compare({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    command: echo a; echo b',
        '  b:',
        '    image: b',
        '    command: echo a 2>&1 x',
        '  c:',
        '    image: c',
        '    command: "echo \\"a\\\\\\\\b\\" c\\\\\\\\d \'e\\\\\\\\f\'"',
        '    entrypoint: ""',
        '  d:',
        '    image: d',
        '    command: "`date` $$HOME \'a  b\'\\"\\"c"',
      ].join('\n'),
    });
  });

  test('interpolation and env files: nesting, operators, quoting', () => {
    compare(
      {
        'compose.yaml': [
          'services:',
          '  app:',
          '    image: "app:${MISSING:-${ALSO_MISSING:-nested}}"',
          '    environment:',
          '      A: "${SET}b $SET_ and ${SET}_x"',
          '      B: "cost $$5 and $ alone and $1"',
          '      C: "${EMPTY:-d1}/${EMPTY-d2}/${SET:+alt}/${EMPTY+alt2}/${UNSET+alt3}"',
          '      D: "${SET?}${EMPTY?}"',
          '    env_file:',
          '      - one.env',
          '      - path: two.env',
          '        required: true',
          '      - path: none.env',
          '        required: false',
        ].join('\n'),
        'one.env': [
          '# comment',
          'PLAIN=value # trailing comment',
          'HASH=a#b',
          'SPACED = spaced value ',
          'DOUBLE="line1\\nline2 ${SET}"',
          "SINGLE='raw \\n ${SET}'",
          'export EXPORTED=yes',
          'REF=${PLAIN}-ref',
          'EMPTY_VALUE=',
          'OVERRIDDEN=one',
        ].join('\n'),
        'two.env': 'OVERRIDDEN=two\nMULTI="a\nb"\n',
      },
      ['compose.yaml'],
      { SET: 's', EMPTY: '' },
    );
  });

  test('short and long forms merged across files', () => {
    compare(
      {
        'compose.yaml': [
          'services:',
          '  app:',
          '    build: ./app',
          '    labels: ["a=1", "b=1"]',
          '    ports: ["8080:80", "53:53/udp"]',
          '    volumes: ["data:/data", "./x:/x"]',
          '    depends_on: [db]',
          '    networks: [front]',
          '    ulimits: {nofile: 100}',
          '    environment: [A=1, B=1]',
          '    extra_hosts: ["h:10.0.0.1"]',
          '  db:',
          '    image: db',
          'volumes: {data: {}, other: {}}',
          'networks: {front: {}, back: {}}',
        ].join('\n'),
        'override.yaml': [
          'services:',
          '  app:',
          '    build: {dockerfile: Other.Dockerfile, args: {X: "1"}}',
          '    labels: {b: "2", c: "2"}',
          '    ports: ["53:53/tcp", {target: 80, published: "8080"}]',
          '    volumes: [{type: volume, source: other, target: /data}]',
          '    depends_on: {db: {condition: service_healthy}}',
          '    networks: {back: {aliases: [b]}}',
          '    ulimits: {nofile: {soft: 1, hard: 2}}',
          '    environment: {B: "2"}',
          '    extra_hosts: {h2: 10.0.0.2}',
          '  db:',
          '    healthcheck: {test: ["CMD", "true"]}',
        ].join('\n'),
      },
      ['compose.yaml', 'override.yaml'],
    );
  });

  test('every short port and volume form', () => {
    const ports = [
      '80',
      '"80"',
      '"8080:80"',
      '"127.0.0.1:8080:80"',
      '"127.0.0.1::80"',
      '"0.0.0.0:8081:81/udp"',
      '"[::1]:8082:82"',
      '"[::]:8083:83/tcp"',
      '"3000-3002"',
      '"4000-4001:5000-5001"',
      '"6000-6010:7000"',
      '"53:53/udp"',
      '"54/sctp"',
      '"${HOST_PORT:-9090}:90"',
      '"127.0.0.1:${P2}:91"',
    ];
    const volumes = [
      '/anon',
      'named:/named',
      'named:/ro:ro',
      'named:/nocopy:nocopy',
      './rel:/rel',
      '../up:/up',
      '/abs:/abs:rw',
      '/z:/z:z',
      '/Z:/Z:Z,ro',
      '/shared:/shared:rshared',
      '/cached:/cached:cached',
      '.:/dot',
      './trail/:/trail/',
      '"${DATA_DIR:-./data}:/data"',
    ];
    compare(
      {
        'compose.yaml': [
          'services:',
          '  app:',
          '    image: app',
          '    ports:',
          ...ports.map((p) => `      - ${p}`),
          '    volumes:',
          ...volumes.map((v) => `      - ${v}`),
          'volumes:',
          '  named: {}',
        ].join('\n'),
      },
      ['compose.yaml'],
      { P2: '9191' },
    );
  });

  test('the other keys of a service', () => {
    compare(
      {
        'compose.yaml': [
          'services:',
          '  app:',
          '    image: app',
          '    user: "1000:1000"',
          '    working_dir: /srv',
          '    hostname: app',
          '    platform: linux/amd64',
          '    pull_policy: always',
          '    stop_signal: SIGTERM',
          '    init: true',
          '    privileged: "${PRIV:-false}"',
          '    read_only: true',
          '    tty: true',
          '    stdin_open: true',
          '    cap_add: [NET_ADMIN]',
          '    cap_drop: [ALL]',
          '    security_opt: ["no-new-privileges:true"]',
          '    group_add: [audio]',
          '    dns: 8.8.8.8',
          '    cpus: ${CPUS:-1.5}',
          '    mem_limit: 512m',
          '    mem_reservation: 1g',
          '    shm_size: 64m',
          '    pids_limit: 100',
          '    annotations: [com.example=1]',
          '    logging:',
          '      driver: json-file',
          '      options: {max-size: 10m, max-file: 3}',
          '    sysctls: {net.ipv4.ip_forward: 1}',
          '    tmpfs: [/tmp, /run]',
          '    healthcheck:',
          '      test: ["CMD-SHELL", "true"]',
          '      interval: 10s',
          '      timeout: 2s',
          '      start_period: 1m',
          '      retries: 5',
          '    deploy:',
          '      replicas: 2',
          '      resources:',
          '        limits: {cpus: "1.5", memory: 512M, pids: 100}',
          '        reservations: {cpus: "0.25", memory: 1024M}',
          '      restart_policy: {condition: on-failure, max_attempts: 3}',
          '    profiles: [extra]',
          '    x-custom: kept',
        ].join('\n'),
      },
      ['compose.yaml'],
      { PRIV: 'false' },
    );
  });

  test('top-level volumes, networks, secrets and configs', () => {
    compare({
      'compose.yaml': [
        'services:',
        '  app:',
        '    image: app',
        '    volumes: [data:/data, old:/old]',
        '    networks: [front, ext]',
        '    secrets: [token, {source: key, target: /k, mode: 0400}]',
        '    configs: [conf]',
        'volumes:',
        '  data:',
        '    driver: local',
        '    driver_opts: {type: none, o: bind, device: /srv}',
        '    labels: [com.example=1]',
        '  old:',
        '    external: true',
        '    name: real-old',
        'networks:',
        '  front:',
        '    labels: {a: "1"}',
        '  ext:',
        '    external: true',
        'secrets:',
        '  token:',
        '    file: ./token.txt',
        '  key:',
        '    environment: KEY_VALUE',
        'configs:',
        '  conf:',
        '    content: hello',
      ].join('\n'),
      'token.txt': 't',
    });
  });

  test.each([
    ['an unset required variable', 'services:\n  a:\n    image: ${IMAGE:?needed}\n'],
    ['depends_on on a missing service', 'services:\n  a:\n    image: a\n    depends_on: [b]\n'],
    [
      'a dependency cycle',
      'services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    depends_on: [a]\n',
    ],
    ['extends of a missing service', 'services:\n  a:\n    image: a\n    extends: b\n'],
    ['a link to a missing service', 'services:\n  a:\n    image: a\n    links: [b]\n'],
    ['an undefined volume', 'services:\n  a:\n    image: a\n    volumes: [data:/data]\n'],
    ['an unknown key', 'services:\n  a:\n    image: a\n    imgae: b\n'],
    ['a bad duration', 'services:\n  a:\n    image: a\n    healthcheck:\n      interval: soon\n'],
    ['a bad port', 'services:\n  a:\n    image: a\n    ports: ["80:99999"]\n'],
    [
      'cpus unlike deploy.resources.limits.cpus',
      'services:\n  a:\n    image: a\n    cpus: 1\n    deploy:\n      resources:\n        limits: {cpus: "2"}\n',
    ],
    [
      'mem_limit unlike deploy.resources.limits.memory',
      'services:\n  a:\n    image: a\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits: {memory: 2g}\n',
    ],
    ['neither image nor build', 'services:\n  a:\n    restart: always\n'],
    ['not YAML', 'services:\n  a: [\n'],
    ['an included service defined twice', 'include: [other.yaml]\nservices:\n  a:\n    image: a\n'],
  ])('%s: refused by Compose and by the loader', (_name, text) => {
    const dir = project({ 'compose.yaml': text, 'other.yaml': 'services:\n  a:\n    image: b\n' });
    expect(runCompose(dir, ['compose.yaml'], {}).status).not.toBe(0);
    expect(() => loadCompose({ files: [path.join(dir, 'compose.yaml')], environment: {} })).toThrow(
      ComposeImportError,
    );
  });

  test('include: the included files relative to their own directory', () => {
    compare({
      'compose.yaml':
        'include:\n  - db/compose.yaml\nservices:\n  app:\n    image: app\n    depends_on: [db]\n',
      'db/compose.yaml':
        'services:\n  db:\n    build: .\n    volumes: [./init:/init, data:/data]\nvolumes:\n  data: {}\n',
    });
  });

  test("the benchmark's generated project", () => {
    compare((dir) => writeComposeProject(dir, 12), ['compose.yaml', 'compose.override.yaml']);
  });

  test.each([
    ['dozer', 'docker-compose.yml', {}],
    ['valawai-c1-echo', 'docker-compose.yml', {}],
    // Its env files are not in the fixture: written here with a variable each.
    [
      'ecoseller',
      'docker-compose.prod.yaml',
      { 'backend/docker-compose.env': 'B=1\n', 'recommender_system/docker-compose.env': 'R="2"\n' },
    ],
  ])("the seed system %s's %s", (system, file, extra) => {
    const fixture = path.join(__dirname, '..', '..', 'fixtures', 'seed-systems', system);
    compare(
      (dir) => {
        fs.cpSync(fixture, dir, { recursive: true });
        for (const [name, text] of Object.entries(extra as Record<string, string>)) {
          fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
          fs.writeFileSync(path.join(dir, name), text);
        }
      },
      [file],
    );
  });

  test('extends within the file: each key merged by its rule', () => {
    compare({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: base',
        '    command: run base',
        '    entrypoint: [/init]',
        '    environment: [A=1, B=1]',
        '    ports: ["8080:80", "9090:90"]',
        '    volumes: [./a:/a, ./b:/b]',
        '    labels: {x: "1"}',
        '    depends_on: [db]',
        '    healthcheck: {test: [CMD, "true"], interval: 5s}',
        '    dns: [1.1.1.1]',
        '    ulimits: {nofile: 10}',
        '  app:',
        '    extends: base',
        '    command: ["run", "app"]',
        '    environment: {B: "2"}',
        '    ports: ["8080:80", "7070:70"]',
        '    volumes: [./c:/b]',
        '    labels: [y=2]',
        '    depends_on: {cache: {condition: service_started}}',
        '    healthcheck: {test: curl -f localhost, timeout: 1s}',
        '    dns: [8.8.8.8]',
        '    ulimits: {nofile: {soft: 1, hard: 2}}',
        '    entrypoint: !reset null',
        '  db:',
        '    image: db',
        '  cache:',
        '    image: cache',
      ].join('\n'),
    });
  });

  test('an override file merged over the base', () => {
    compare(
      {
        'compose.yaml':
          'services:\n  app:\n    image: app:1\n    command: ["a"]\n    environment: {A: "1", B: "1"}\n    ports: ["8080:80", "9090:90"]\n' +
          '    volumes: ["./a:/data"]\n    dns: [1.1.1.1]\n    labels: {keep: "1", drop: "1"}\n  gone:\n    image: gone\n',
        'override.yaml':
          'services:\n  app:\n    image: app:2\n    command: ["b"]\n    environment: {B: "2", C: "2"}\n    ports: ["8080:80", "7070:70"]\n' +
          '    volumes: ["./b:/data"]\n    dns: !override [8.8.8.8]\n    labels:\n      drop: !reset null\n  gone: !reset\n',
      },
      ['compose.yaml', 'override.yaml'],
    );
  });

  test('extends from another file, and .env beside the first file', () => {
    compare({
      'compose.yaml':
        'services:\n  app:\n    extends:\n      file: common/base.yaml\n      service: web\n    image: "app:${TAG}"\n    environment:\n      OWN: "1"\n',
      'common/base.yaml':
        'services:\n  web:\n    build: ./web\n    environment:\n      BASE: "1"\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 5s\n',
      '.env': 'TAG=from-dotenv\n',
    });
  });
});
