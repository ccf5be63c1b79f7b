import * as fs from 'fs';
import * as path from 'path';
import { loadCompose, LoadedCompose } from '../../../cli/import';
import type { FidelityEntry } from '../../../cli/import/report';
import { importReport } from '../../../cli/import/report';
import {
  compareRoundTrip,
  normalizeImage,
  RoundTripResult,
  summarizeRoundTrip,
} from '../../../cli/import/round-trip';
import { renderLocalTwinFiles } from '../../../constructs/compose/compose-renderer';
import type { LoadBalancerSpec } from '../../../constructs/model/spec';
import { corpusEntries } from '../../import/corpus';
import { applicationSpec, serviceSpec } from '../../support/spec-builders';
import { project } from './fixture';

/**
 * The original in the project's directory and the local twin in `cdk.out/` below it, as the generated
 * application writes it: a relative path names the same file only once resolved in each file's directory.
 */
function pair(original: string, rendered: string, files: Record<string, string> = {}) {
  const dir = project({ 'compose.yaml': original, 'cdk.out/compose.yaml': rendered, ...files });
  return {
    dir,
    original: loadCompose({ files: [path.join(dir, 'compose.yaml')] }),
    rendered: loadCompose({ files: [path.join(dir, 'cdk.out', 'compose.yaml')] }),
  };
}

const services = (body: string) => `services:\n${body.replace(/^/gm, '  ')}\n`;
const web = (keys: string) => services(`web:\n${keys.replace(/^/gm, '  ')}`);

function entry(p: (string | number)[], fidelity: FidelityEntry['fidelity']): FidelityEntry {
  return { path: p, key: 'services', fidelity, location: { file: 'compose.yaml', line: 1, column: 1 } };
}

function compare(
  original: LoadedCompose,
  rendered: LoadedCompose,
  entries: FidelityEntry[] = [],
): RoundTripResult {
  return compareRoundTrip(original, rendered, importReport(['compose.yaml'], entries, []));
}

function differences(original: string, rendered: string, files?: Record<string, string>) {
  const p = pair(original, rendered, files);
  return compare(p.original, p.rendered).differences;
}

const full =
  web(
    [
      'image: nginx:1.27',
      'command: ["nginx", "-g", "daemon off;"]',
      'entrypoint: ["/docker-entrypoint.sh"]',
      'environment:',
      '  A: "1"',
      '  B: two',
      'healthcheck:',
      '  test: ["CMD", "curl", "-f", "http://localhost/"]',
      '  interval: 10s',
      'depends_on:',
      '  db:',
      '    condition: service_healthy',
      'profiles: [front]',
      'volumes:',
      '  - data:/data',
      '  - type: bind',
      '    source: /srv/static',
      '    target: /static',
      '    read_only: true',
      'ports:',
      '  - "8080:80"',
      'expose: ["9000"]',
      'restart: unless-stopped',
      'ulimits:',
      '  nofile: {soft: 1024, hard: 2048}',
      'shm_size: 128m',
      'user: "101"',
      'init: true',
      'stop_grace_period: 20s',
      'tmpfs: [/tmp]',
      'read_only: true',
      'cap_add: [NET_ADMIN]',
      'cap_drop: [ALL]',
      'working_dir: /srv',
      'hostname: web',
      'extra_hosts: ["host.docker.internal:host-gateway"]',
      'labels:',
      '  team: web',
      'platform: linux/amd64',
    ].join('\n'),
  ) + '  db:\n    image: postgres:16\nvolumes:\n  data: {}\n';

describe('compareRoundTrip', () => {
  test('identical projects have no differences', () => {
    const p = pair(full, full);
    const result = compare(p.original, p.rendered);
    expect(result).toEqual({ differences: [], undeclared: [], added: [] });
  });

  // Each case: a key of the original as the local twin writes it differently, and where that is.
  test.each<[string, string, string, (string | number)[][]]>([
    ['image', 'image: nginx:1.27', 'image: nginx:1.26', [['image']]],
    ['command', 'command: ["nginx", "-g", "daemon off;"]', 'command: ["nginx"]', [['command']]],
    ['entrypoint', 'entrypoint: ["/docker-entrypoint.sh"]', 'entrypoint: ["/bin/sh"]', [['entrypoint']]],
    ['an environment value', '  B: two', '  B: three', [['environment', 'B']]],
    [
      'an environment name',
      '  B: two',
      '  C: two',
      [
        ['environment', 'B'],
        ['environment', 'C'],
      ],
    ],
    [
      'a health check test',
      '["CMD", "curl", "-f", "http://localhost/"]',
      '["CMD", "true"]',
      [['healthcheck', 'test']],
    ],
    ['a health check timing', '  interval: 10s', '  interval: 15s', [['healthcheck', 'interval']]],
    [
      'a dependency condition',
      '    condition: service_healthy',
      '    condition: service_started',
      [['depends_on', 'db', 'condition']],
    ],
    ['profiles', 'profiles: [front]', 'profiles: [back]', [['profiles', 0], ['profiles']]],
    ['a bind mount source', 'source: /srv/static', 'source: /srv/assets', [['volumes', 1, 'source']]],
    ['a mount read_only', '    read_only: true', '    read_only: false', [['volumes', 1, 'read_only']]],
    ['a published port', '  - "8080:80"', '  - "8081:80"', [['ports', 0, 'published']]],
    ['a port host address', '  - "8080:80"', '  - "127.0.0.1:8080:80"', [['ports', 0, 'host_ip']]],
    ['expose', 'expose: ["9000"]', 'expose: ["9001"]', [['expose', 0], ['expose']]],
    ['restart', 'restart: unless-stopped', 'restart: always', [['restart']]],
    [
      'ulimits',
      'nofile: {soft: 1024, hard: 2048}',
      'nofile: {soft: 1024, hard: 4096}',
      [['ulimits', 'nofile']],
    ],
    ['shm_size', 'shm_size: 128m', 'shm_size: 256m', [['shm_size']]],
    ['user', 'user: "101"', 'user: "102"', [['user']]],
    ['init', 'init: true', 'init: false', [['init']]],
    ['stop_grace_period', 'stop_grace_period: 20s', 'stop_grace_period: 30s', [['stop_grace_period']]],
    ['tmpfs', 'tmpfs: [/tmp]', 'tmpfs: [/run]', [['tmpfs', 0], ['tmpfs']]],
    ['read_only', '[/tmp]\n    read_only: true', '[/tmp]\n    read_only: false', [['read_only']]],
    ['cap_add', 'cap_add: [NET_ADMIN]', 'cap_add: [SYS_TIME]', [['cap_add', 0], ['cap_add']]],
    ['cap_drop', 'cap_drop: [ALL]', 'cap_drop: [CHOWN]', [['cap_drop', 0], ['cap_drop']]],
    ['working_dir', 'working_dir: /srv', 'working_dir: /app', [['working_dir']]],
    ['hostname', 'hostname: web', 'hostname: www', [['hostname']]],
    [
      'extra_hosts',
      '"host.docker.internal:host-gateway"',
      '"host.docker.internal:10.0.0.1"',
      [['extra_hosts', 'host.docker.internal']],
    ],
    ['labels', '  team: web', '  team: api', [['labels', 'team']]],
    ['platform', 'platform: linux/amd64', 'platform: linux/arm64', [['platform']]],
  ])('%s changed is a difference at its path', (_what, from, to, at) => {
    expect(full).toContain(from);
    const found = differences(full, full.replace(from, to));
    expect(found.map((d) => d.path)).toEqual(at.map((p) => ['services', 'web', ...p]));
  });

  test('a key the local twin drops is a difference, and so is one it adds', () => {
    const found = differences(
      full,
      full.replace('    hostname: web\n', '').replace('init: true', 'init: true\n    privileged: true'),
    );
    expect(found).toEqual([
      { service: 'web', path: ['services', 'web', 'privileged'], original: false, rendered: true },
      { service: 'web', path: ['services', 'web', 'hostname'], original: 'web', rendered: undefined },
    ]);
  });

  test('a list entry only the local twin has is a difference at the list', () => {
    const found = differences(
      web('image: a'),
      web('image: a\nports: ["127.0.0.1:80:80"]\nread_only: true\ntmpfs: ["/tmp:mode=1777"]'),
    );
    expect(found).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'tmpfs'],
        original: undefined,
        rendered: { target: '/tmp', type: 'tmpfs', read_only: false },
      },
      {
        service: 'web',
        path: ['services', 'web', 'ports'],
        original: undefined,
        rendered: { target: 80, protocol: 'tcp', published: '80', host_ip: '127.0.0.1', mode: 'ingress' },
      },
      { service: 'web', path: ['services', 'web', 'read_only'], original: false, rendered: true },
    ]);
  });

  test('other keys are compared down to their values', () => {
    const found = differences(
      web('image: a\ncontainer_name: the-web\nlogging:\n  driver: syslog'),
      web('image: a'),
    );
    expect(found.map((d) => d.path)).toEqual([
      ['services', 'web', 'container_name'],
      ['services', 'web', 'logging', 'driver'],
    ]);
  });

  test('a service only one side has is a difference at the service', () => {
    const found = differences(
      services('web:\n  image: a\ncron:\n  image: b'),
      services('web:\n  image: a\nworker:\n  image: c'),
    );
    expect(found.map((d) => d.path)).toEqual([
      ['services', 'cron'],
      ['services', 'worker'],
    ]);
  });
});

describe('declared differences', () => {
  const original = services(
    'web:\n  image: a\n  environment:\n    SECRET: x\ndb:\n  image: postgres:16\n  environment:\n    POSTGRES_PASSWORD: x',
  );
  const rendered = services(
    'web:\n  image: a\n  environment:\n    SECRET: "${SECRET:-y}"\ndb:\n  image: postgres:16.4\n  user: postgres\n  healthcheck:\n    test: ["CMD", "pg_isready"]',
  );

  test('an approximated or dropped entry at the path, or above it, declares a difference', () => {
    const p = pair(original, rendered);
    const result = compare(p.original, p.rendered, [
      entry(['services', 'web', 'environment', 'SECRET'], 'dropped'),
      entry(['services', 'db'], 'approximated'),
    ]);
    expect(result.differences.map((d) => [d.path, d.declaredBy?.path])).toEqual([
      [
        ['services', 'web', 'environment', 'SECRET'],
        ['services', 'web', 'environment', 'SECRET'],
      ],
      [
        ['services', 'db', 'image'],
        ['services', 'db'],
      ],
      [
        ['services', 'db', 'environment', 'POSTGRES_PASSWORD'],
        ['services', 'db'],
      ],
      [
        ['services', 'db', 'healthcheck'],
        ['services', 'db'],
      ],
      [
        ['services', 'db', 'user'],
        ['services', 'db'],
      ],
    ]);
    expect(result.undeclared).toEqual([]);
  });

  test('a mapped entry, or one at a sibling or deeper path, declares nothing', () => {
    const p = pair(original, rendered);
    const result = compare(p.original, p.rendered, [
      entry(['services', 'web', 'environment', 'SECRET'], 'mapped'),
      entry(['services', 'web', 'environment', 'OTHER'], 'dropped'),
      entry(['services', 'db', 'image', 'tag'], 'approximated'),
      entry(['services', 'dbx'], 'approximated'),
    ]);
    expect(result.undeclared).toHaveLength(5);
    expect(summarizeRoundTrip(result)).toContain('! web: environment.SECRET: "x" → "y"');
  });

  test('the summary says each difference, and which entry declares it', () => {
    const p = pair(original, rendered);
    const result = compare(p.original, p.rendered, [entry(['services', 'db'], 'approximated')]);
    expect(summarizeRoundTrip(result).split('\n')).toEqual([
      '! web: environment.SECRET: "x" → "y"',
      '  db: image: "postgres:16" → "postgres:16.4" (approximated at services.db)',
      '  db: environment.POSTGRES_PASSWORD: "x" → (none) (approximated at services.db)',
      expect.stringMatching(
        /^ {2}db: healthcheck: \(none\) → \{"test":\["CMD","pg_isready"\],.*\(approximated at services\.db\)$/,
      ),
      '  db: user: (none) → "postgres" (approximated at services.db)',
    ]);
  });
});

describe('what Compose reads alike', () => {
  test('compose defaults made explicit are no difference', () => {
    const found = differences(
      web(
        'image: a\nhealthcheck:\n  test: curl -f http://localhost/\ndepends_on: [db]\nports: ["8080:80"]\nexpose: ["90"]\nvolumes: ["./x:/x"]\n',
      ) + '  db:\n    image: b\n',
      web(
        [
          'image: a',
          'healthcheck:',
          '  test: ["CMD-SHELL", "curl -f http://localhost/"]',
          '  interval: 30s',
          '  timeout: 30s',
          '  retries: 3',
          '  start_period: 0s',
          '  start_interval: 5s',
          'depends_on:',
          '  db: {condition: service_started, required: true, restart: false}',
          'ports: [{target: 80, published: "8080", protocol: tcp, mode: ingress, host_ip: 0.0.0.0}]',
          'expose: ["90/tcp"]',
          'volumes: [{type: bind, source: ../x, target: /x/, read_only: false}]',
          'restart: "no"',
          'init: false',
          'read_only: false',
          'privileged: false',
          'stop_grace_period: 10s',
          'shm_size: 64m',
          'deploy: {replicas: 1}',
        ].join('\n'),
      ) + '  db:\n    image: b\n',
    );
    expect(found).toEqual([]);
  });

  test('environment as a list or a map, with $$ escapes, is the same', () => {
    expect(
      differences(
        web('image: a\nenvironment: ["A=1", "PRICE=$$5"]'),
        web('image: a\nenvironment:\n  PRICE: "$$5"\n  A: "1"'),
      ),
    ).toEqual([]);
  });

  test('a disabled health check is one however it is written', () => {
    expect(
      differences(
        web('image: a\nhealthcheck:\n  test: ["NONE"]'),
        web('image: a\nhealthcheck:\n  disable: true'),
      ),
    ).toEqual([]);
  });

  test('order means nothing in ports, mounts, capabilities, profiles and labels', () => {
    expect(
      differences(
        web(
          'image: a\nports: ["80:80", "443:443"]\nvolumes: ["a:/a", "b:/b"]\ncap_add: [NET_ADMIN, cap_chown]\nprofiles: [x, y]\nlabels: [a=1, b=2]',
        ) + 'volumes:\n  a: {}\n  b: {}\n',
        web(
          'image: a\nports: ["443:443", "80:80"]\nvolumes: ["b:/b", "a:/a"]\ncap_add: [CAP_CHOWN, NET_ADMIN]\nprofiles: [y, x]\nlabels: {b: "2", a: "1"}',
        ) + 'volumes:\n  a: {}\n  b: {}\n',
      ),
    ).toEqual([]);
  });

  test('but env_file keeps its order', () => {
    const files = { 'a.env': 'A=1\n', 'b.env': 'A=1\n' };
    const found = differences(
      web('image: a\nenv_file: [a.env, b.env]'),
      web('image: a\nenv_file: [../b.env, ../a.env]'),
      files,
    );
    expect(found.map((d) => d.path)).toEqual([
      ['services', 'web', 'env_file', 0],
      ['services', 'web', 'env_file', 1],
    ]);
  });

  test.each([
    ['nginx', 'nginx:latest'],
    ['nginx', 'docker.io/library/nginx:latest'],
    ['library/nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
  ])('image %s is %s', (a, b) => {
    expect(normalizeImage(a)).toBe(normalizeImage(b));
    expect(differences(web(`image: ${a}`), web(`image: ${b}`))).toEqual([]);
  });

  test.each([
    ['nginx', 'nginx:1.27'],
    ['nginx', 'ghcr.io/nginx/nginx'],
    ['localhost:5000/app', 'localhost:5001/app'],
  ])('image %s is not %s', (a, b) => {
    expect(differences(web(`image: ${a}`), web(`image: ${b}`)).map((d) => d.path)).toEqual([
      ['services', 'web', 'image'],
    ]);
  });

  test('relative paths are resolved in the directory of each file', () => {
    const files = { 'app/Dockerfile': 'FROM scratch\n', 'app.env': 'X=1\n', 'nginx.conf': '' };
    const original = web(
      'build: {context: ./app, args: [V=1]}\nenv_file: app.env\nvolumes: ["./src:/src:ro", "./nginx.conf:/etc/nginx/nginx.conf:ro"]',
    );
    const rendered =
      web(
        [
          'image: demo-app:local',
          'build: {context: ../app, args: {V: "1"}}',
          'env_file: [../app.env]',
          'volumes: [{type: bind, source: ../src, target: /src, read_only: true}]',
          'configs: [{source: web-nginx.conf, target: /etc/nginx/nginx.conf}]',
        ].join('\n'),
      ) + 'configs:\n  web-nginx.conf:\n    file: ../nginx.conf\n';
    expect(differences(original, rendered, files)).toEqual([]);
    const moved = rendered
      .replace('context: ../app', 'context: ./app')
      .replace('source: ../src', 'source: ./src');
    const p = pair(original, moved, files);
    expect(compare(p.original, p.rendered).differences).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'build', 'context'],
        original: path.join(p.dir, 'app'),
        rendered: path.join(p.dir, 'cdk.out', 'app'),
      },
      {
        service: 'web',
        path: ['services', 'web', 'volumes', 0, 'source'],
        original: path.join(p.dir, 'src'),
        rendered: path.join(p.dir, 'cdk.out', 'src'),
      },
    ]);
  });

  test('cpus, mem_limit and scale are their deploy forms', () => {
    expect(
      differences(
        web('image: a\ncpus: 0.5\nmem_limit: 512m\nscale: 2'),
        web('image: a\ndeploy:\n  replicas: 2\n  resources:\n    limits: {cpus: "0.5", memory: 512M}'),
      ),
    ).toEqual([]);
    expect(
      differences(web('image: a'), web('image: a\ndeploy: {resources: {limits: {memory: 512M}}}')).map(
        (d) => d.path,
      ),
    ).toEqual([['services', 'web', 'deploy', 'resources', 'limits', 'memory']]);
  });
});

describe('what twinstack adds by design', () => {
  test('AWS stand-ins, the init job, load balancer proxies and dependencies on them are no difference', () => {
    const original = web('image: a');
    const rendered =
      services(
        [
          'web:',
          '  image: a',
          '  depends_on: {aws-init: {condition: service_completed_successfully}}',
          'aws-s3:',
          '  image: versity/versitygw:v1.8.0',
          'aws-init:',
          '  image: amazon/aws-cli:2.27.9',
          '  depends_on: [aws-s3]',
          'web-lb:',
          '  image: nginx:1.27-alpine',
          '  configs: [{source: web-lb-nginx-conf, target: /etc/nginx/conf.d/default.conf}]',
        ].join('\n'),
      ) + 'configs:\n  web-lb-nginx-conf:\n    content: "server {}"\n';
    const p = pair(original, rendered);
    expect(compare(p.original, p.rendered)).toEqual({
      differences: [],
      undeclared: [],
      added: ['aws-init', 'aws-s3', 'web-lb'],
    });
  });

  test('an nginx service without the generated configuration is a difference', () => {
    const found = differences(web('image: a'), services('web:\n  image: a\nweb-lb:\n  image: nginx'));
    expect(found.map((d) => d.path)).toEqual([['services', 'web-lb']]);
  });

  test('networks: only a network the original joins by name and the local twin lacks is a difference', () => {
    const rendered =
      services('web:\n  image: a\n  networks: [web, db]\ndb:\n  image: b\n  networks: [db]') +
      'networks:\n  web: {}\n  db: {internal: true}\n';
    expect(differences(services('web:\n  image: a\ndb:\n  image: b'), rendered)).toEqual([]);
    expect(
      differences(
        services('web:\n  image: a\n  networks: [default, back]\ndb:\n  image: b\n  networks: [back]') +
          'networks:\n  back: {}\n',
        rendered,
      ).map((d) => d.path),
    ).toEqual([
      ['services', 'web', 'networks', 'back'],
      ['services', 'db', 'networks', 'back'],
    ]);
  });

  test('pull_policy and x- keys are not compared', () => {
    expect(differences(web('image: a\npull_policy: always\nx-note: 1'), web('image: a'))).toEqual([]);
  });
});

describe('more of what Compose reads alike', () => {
  test('a pass-through variable is the shell value both were read with', () => {
    const dir = project({
      'compose.yaml': web('image: a\nenvironment: [TOKEN, UNSET]\nbuild: {context: ., args: [REV]}'),
      'cdk.out/compose.yaml': web(
        'image: a\nenvironment:\n  TOKEN: ${TOKEN:-}\n  UNSET: ${UNSET:-}\nbuild: {context: .., args: {REV: "${REV:-}"}}',
      ),
    });
    const environment = { TOKEN: 't', REV: 'r' };
    const original = loadCompose({ files: [path.join(dir, 'compose.yaml')], environment });
    const rendered = loadCompose({ files: [path.join(dir, 'cdk.out', 'compose.yaml')], environment });
    const report = importReport([], [], []);
    // Compose leaves an unset pass-through variable out of the container; `${UNSET:-}` sets it empty.
    expect(compareRoundTrip(original, rendered, report, { environment }).differences).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'environment', 'UNSET'],
        original: undefined,
        rendered: '',
      },
    ]);
    expect(compareRoundTrip(original, rendered, report).differences.map((d) => d.path)).toEqual([
      ['services', 'web', 'build', 'args', 'REV'],
      ['services', 'web', 'environment', 'TOKEN'],
      ['services', 'web', 'environment', 'UNSET'],
    ]);
  });

  test('a dockerfile is one path relative to its context; an absolute one is resolved in it', () => {
    const o = web('build: {context: ./app, dockerfile: ./Dockerfile.prod}');
    expect(differences(o, web('build: {context: ../app, dockerfile: Dockerfile.prod}'))).toEqual([]);
    expect(
      differences(o, web('build: {context: ../app, dockerfile: Dockerfile}')).map((d) => d.path),
    ).toEqual([['services', 'web', 'build', 'dockerfile']]);
    const p = pair(o, web('build: {context: ../app, dockerfile: /abs/Dockerfile.prod}'));
    expect(compare(p.original, p.rendered).differences).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'build', 'dockerfile'],
        original: path.join(p.dir, 'app', 'Dockerfile.prod'),
        rendered: '/abs/Dockerfile.prod',
      },
    ]);
  });

  test("a named volume's definition is compared with its mounts", () => {
    const o = web('image: a\nvolumes: [data:/data]') + 'volumes:\n  data: {external: true}\n';
    const found = differences(
      o,
      web('image: a\nvolumes: [data:/data]') + 'volumes:\n  data: {driver: local}\n',
    );
    expect(found).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'volumes', 0, 'volume'],
        original: { external: true },
        rendered: undefined,
      },
    ]);
  });

  test('without restart, deploy.restart_policy is the restart policy', () => {
    const policy = (p: string) => web(`image: a\ndeploy:\n  restart_policy: ${p}`);
    expect(differences(policy('{condition: any, delay: 5s}'), web('image: a\nrestart: always'))).toEqual([]);
    expect(
      differences(policy('{condition: on-failure, max_attempts: 3}'), web('image: a\nrestart: on-failure:3')),
    ).toEqual([]);
    expect(differences(policy('{condition: none}'), web('image: a'))).toEqual([]);
    expect(differences(policy('{condition: on-failure}'), web('image: a\nrestart: always'))).toEqual([
      {
        service: 'web',
        path: ['services', 'web', 'deploy', 'restart_policy', 'condition'],
        original: 'on-failure',
        rendered: 'always',
      },
    ]);
  });

  test('a published port is exposed whether expose names it or not', () => {
    expect(
      differences(
        web('image: a\nports: ["8080:80"]\nexpose: ["80", "9000"]'),
        web('image: a\nports: ["8080:80"]\nexpose: ["9000"]'),
      ),
    ).toEqual([]);
    expect(
      differences(web('image: a\nexpose: ["80"]'), web('image: a\nports: ["8080:80"]')).map((d) => d.path),
    ).toEqual([
      ['services', 'web', 'ports'],
      ['services', 'web', 'expose', 0],
    ]);
  });

  test('a list of another key only one side has is a difference per entry', () => {
    const found = differences(web('image: a\ndns: [1.1.1.1, 8.8.8.8]'), web('image: a'));
    expect(found.map((d) => [d.path, d.original])).toEqual([
      [['services', 'web', 'dns', 0], '1.1.1.1'],
      [['services', 'web', 'dns', 1], '8.8.8.8'],
    ]);
  });
});

describe('more declared differences', () => {
  test("a dependency on a service the local twin has not is declared by that service's entry", () => {
    const p = pair(
      services(
        'web:\n  image: a\n  depends_on: [mail]\n  links: ["mail:smtp"]\nmail:\n  image: mailhog/mailhog',
      ),
      services('web:\n  image: a'),
    );
    const dropped = entry(['services', 'mail'], 'dropped');
    const result = compare(p.original, p.rendered, [dropped]);
    expect(result.differences.map((d) => [d.path, d.declaredBy])).toEqual([
      [['services', 'web', 'depends_on', 'mail'], dropped],
      [['services', 'web', 'links', 0], dropped],
      [['services', 'mail'], dropped],
    ]);
    expect(result.undeclared).toEqual([]);
  });

  test('a dependency on a service the local twin keeps is declared only by its own entry', () => {
    const p = pair(
      services('web:\n  image: a\n  depends_on: [db]\ndb:\n  image: postgres'),
      services('web:\n  image: a\n  depends_on: {db: {condition: service_healthy}}\ndb:\n  image: postgres'),
    );
    const result = compare(p.original, p.rendered, [entry(['services', 'db'], 'approximated')]);
    expect(result.undeclared.map((d) => d.path)).toEqual([
      ['services', 'web', 'depends_on', 'db', 'condition'],
    ]);
  });

  test('the most specific entry declares a difference', () => {
    const p = pair(web('image: a\nports: ["80:80"]'), web('image: a\nports: ["127.0.0.1:80:80"]'));
    const port = entry(['services', 'web', 'ports', 0], 'approximated');
    const result = compare(p.original, p.rendered, [entry(['services', 'web'], 'approximated'), port]);
    expect(result.differences.map((d) => d.declaredBy)).toEqual([port]);
  });
});

describe('the local twin twinstack renders', () => {
  test('its load balancer proxy is added by design; what it writes for a service is compared', () => {
    const route = {
      name: 'site',
      path: 'Stack/Shop/web-lb/site',
      service: 'web',
      port: 80,
      conditions: { pathPatterns: [], hostHeaders: [], httpHeaders: {}, queryStrings: [] },
      healthCheck: { path: '/', healthyHttpCodes: '200-399' },
      deregistrationDelaySeconds: 0,
    } as unknown as LoadBalancerSpec['routes'][number];
    const app = applicationSpec(
      [
        serviceSpec('web', {
          ports: [{ name: 'web-80', containerPort: 80, protocol: 'http' }],
          environment: { GREETING: 'a $5 coffee' },
          restart: 'unless-stopped',
        }),
      ],
      {
        loadBalancers: [
          {
            name: 'web-lb',
            path: 'Stack/Shop/web-lb',
            internetFacing: true,
            httpPort: 80,
            localPort: 8080,
            localProxyImage: 'nginx:1.27-alpine',
            routes: [route],
          },
        ],
      },
    );
    const dir = project({
      'compose.yaml': web(
        'image: nginx:1.27\nenvironment: ["GREETING=a $$5 coffee"]\nexpose: ["80"]\nrestart: unless-stopped',
      ),
    });
    const out = path.join(dir, 'cdk.out');
    const twin = renderLocalTwinFiles(app, { outputDirectory: out });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'compose.yaml'), twin.compose);
    const original = loadCompose({ files: [path.join(dir, 'compose.yaml')] });
    const rendered = loadCompose({ files: [path.join(out, 'compose.yaml')] });
    const result = compare(original, rendered);
    expect(result.added).toEqual(['web-lb']);
    // The proxy's port and its dependency on web are not web's; the limits a model without
    // `resourcesDeclared` gets locally are a difference of web's.
    expect(summarizeRoundTrip(result).split('\n')).toEqual([
      '! web: deploy.resources.limits.cpus: (none) → 0.25',
      '! web: deploy.resources.limits.memory: (none) → 536870912',
    ]);
  });
});

describe('the corpus', () => {
  // The projects that load without variables or env files of their own.
  const projects = [
    'awesome-compose-nginx-golang-postgres',
    'dockprom',
    'librechat',
    'n8n-ai-starter-kit',
    'redash',
    'signoz',
    'temporal',
    'twenty',
    'umami',
    'voting-app',
    'zulip',
  ];

  test.each(projects)('%s compared with itself has no differences', (name) => {
    const e = corpusEntries().find((c) => c.project === name)!;
    const files = (e.origin.composeWith?.[0] ?? [path.basename(e.origin.path)]).map((f) =>
      path.join(e.dir, f),
    );
    const result = compare(loadCompose({ files }), loadCompose({ files }));
    expect(summarizeRoundTrip(result)).toBe('');
    expect(result.added).toEqual([]);
  });
});
