import * as fs from 'fs';
import * as path from 'path';
import { ComposeImportError, loadCompose } from '../../../cli/import';
import { load, loadError, project } from './fixture';

const one = (service: string) => `services:\n  app:\n${service.replace(/^/gm, '    ')}\n`;

describe('interpolation', () => {
  const compose = [
    'services:',
    '  app:',
    '    image: "repo/app:${TAG:-latest}"',
    '    environment:',
    '      SET: ${SET}',
    '      DASH_DEFAULT: ${EMPTY-unused}',
    '      COLON_DEFAULT: ${EMPTY:-used}',
    '      ALT: ${SET:+alt}',
    '      ALT_EMPTY: ${EMPTY:+alt}',
    '      PLUS: ${EMPTY+set}',
    '      NESTED: ${MISSING:-${SET}-x}',
    '      BARE: $SET/path',
    '      ESCAPED: $$SET and $${SET}',
    '      REQUIRED: ${SET:?set it}',
    '      FROM_DOTENV: ${DOTENV_ONLY}',
    '      SHELL_WINS: ${BOTH}',
    '      "${NOT_A_KEY}": kept',
    '      UNSET: ${NEVER_SET}',
  ].join('\n');
  const env = { SET: 'v', EMPTY: '', BOTH: 'shell' };

  test('substitutes every operator as Compose does, shell over .env, keys untouched', () => {
    const l = load({ 'compose.yaml': compose, '.env': 'DOTENV_ONLY=d\nBOTH=dotenv\n' }, { environment: env });
    expect(l.services.app.image).toBe('repo/app:latest');
    expect(l.services.app.environment).toEqual({
      SET: 'v',
      DASH_DEFAULT: '',
      COLON_DEFAULT: 'used',
      ALT: 'alt',
      ALT_EMPTY: '',
      PLUS: 'set',
      NESTED: 'v-x',
      BARE: 'v/path',
      ESCAPED: '$SET and ${SET}',
      REQUIRED: 'v',
      FROM_DOTENV: 'd',
      SHELL_WINS: 'shell',
      '${NOT_A_KEY}': 'kept',
      UNSET: '',
    });
  });

  test('records each variable with its default, whether it is required, and where it is used', () => {
    const l = load({ 'compose.yaml': compose, '.env': 'DOTENV_ONLY=d\n' }, { environment: env });
    const byName = Object.fromEntries(l.variables.map((v) => [v.name, v]));
    expect(byName.TAG).toMatchObject({ default: 'latest', required: false });
    expect(byName.TAG.usedAt).toEqual([expect.objectContaining({ line: 3 })]);
    expect(byName.SET).toMatchObject({ required: true, requiredMessage: 'set it' });
    expect(byName.SET.usedAt.map((u) => u.line)).toEqual([5, 8, 11, 12, 14]);
    expect(byName.MISSING).toMatchObject({ default: '${SET}-x' });
    expect(Object.keys(byName)).not.toContain('NOT_A_KEY');
  });

  test('an unset variable without a default is empty, with a warning at its line', () => {
    const l = load({ 'compose.yaml': compose }, { environment: env });
    const w = l.warnings.find((x) => x.message.includes('NEVER_SET'));
    expect(w?.message).toBe('The "NEVER_SET" variable is not set. Defaulting to a blank string.');
    expect(w?.location.line).toBe(18);
  });

  test('an unset required variable is an error at its line with its message', () => {
    expect(loadError({ 'compose.yaml': one('image: ${IMAGE:?set IMAGE to the image}') })).toEqual({
      message: 'required variable IMAGE is missing a value: set IMAGE to the image',
      file: 'compose.yaml',
      line: 3,
    });
    expect(loadError({ 'compose.yaml': one('image: ${IMAGE?}') }, { environment: {} }).message).toBe(
      'required variable IMAGE is missing a value',
    );
    // `?` accepts an empty value, `:?` does not.
    expect(
      load({ 'compose.yaml': one('image: x${IMAGE?}') }, { environment: { IMAGE: '' } }).services.app.image,
    ).toBe('x');
    expect(loadError({ 'compose.yaml': one('image: ${IMAGE:?}') }, { environment: { IMAGE: '' } }).line).toBe(
      3,
    );
  });

  test('--env-file replaces .env; its values may use the ones above and the shell', () => {
    const l = load(
      {
        'compose.yaml': one('image: ${IMAGE}:${TAG}'),
        '.env': 'IMAGE=ignored\n',
        'other.env': '# comment\nexport BASE=repo\nIMAGE="${BASE}/app"\nTAG=\'${LITERAL}\'\n',
      },
      { envFile: 'other.env' },
    );
    expect(l.services.app.image).toBe('repo/app:${LITERAL}');
  });

  test('a bad interpolation is an error', () => {
    expect(loadError({ 'compose.yaml': one('image: ${VAR/a/b}') }).message).toMatch(
      /invalid interpolation format/,
    );
    expect(loadError({ 'compose.yaml': one('image: ${VAR') }).message).toMatch(/is not closed/);
  });
});

describe('YAML', () => {
  test('anchors, aliases and merge keys, each key located where it is written', () => {
    const l = load({
      'compose.yaml': [
        'x-base: &base',
        '  restart: always',
        '  environment: &env',
        '    A: "1"',
        'services:',
        '  app:',
        '    <<: *base',
        '    image: app',
        '    restart: "no"',
        '  job:',
        '    <<: *base',
        '    image: job',
        '    labels: *env',
      ].join('\n'),
    });
    expect(l.services.app).toMatchObject({ restart: 'no', environment: { A: '1' } });
    expect(l.services.job).toMatchObject({ restart: 'always', labels: { A: '1' } });
    expect(l.locationOf(['services', 'job', 'restart']).line).toBe(2);
    expect(l.locationOf(['services', 'app', 'restart']).line).toBe(9);
    expect(l.locationOf(['services', 'job', 'labels', 'A']).line).toBe(4);
    expect(l.extensions['x-base']).toEqual({ restart: 'always', environment: { A: '1' } });
  });

  test('an alias refers to the latest anchor of its name before it', () => {
    const l = load({
      'compose.yaml':
        'services:\n  a:\n    image: &img one\n  b:\n    image: *img\n  c:\n    image: &img two\n  d:\n    image: *img\n',
    });
    expect(Object.values(l.services).map((s) => s.image)).toEqual(['one', 'one', 'two', 'two']);
  });

  test('not YAML is an error at the position the YAML reader gives', () => {
    expect(loadError({ 'compose.yaml': 'services:\n  app:\n    image: [a\n  other: b\n' })).toMatchObject({
      file: 'compose.yaml',
      message: expect.stringMatching(/^not YAML: /),
    });
    expect(loadError({ 'compose.yaml': 'services:\n  app:\n    image: a\n    image: b\n' })).toMatchObject({
      line: 4,
      message: expect.stringMatching(/^not YAML: .*unique/i),
    });
  });

  test('integers as Compose reads them: a leading 0 is octal, 0b binary, 0o and 0x as in YAML 1.2', () => {
    const l = load({
      'compose.yaml': one(
        'image: a\nenvironment:\n  OCTAL: 0400\n  BIN: 0b101\n  O: 0o17\n  X: 0x1F\n  QUOTED: "0400"\n  DEC: 400\n  NINE: 09',
      ),
    });
    expect(l.services.app.environment).toEqual({
      OCTAL: '256',
      BIN: '5',
      O: '15',
      X: '31',
      QUOTED: '0400',
      DEC: '400',
      NINE: '9',
    });
  });

  test('a legacy version key is accepted with a warning', () => {
    const l = load({ 'compose.yaml': `version: "3.8"\n${one('image: a')}` });
    expect(l.services.app.image).toBe('a');
    expect(l.warnings).toEqual([
      { message: expect.stringMatching(/version.*obsolete/), location: expect.objectContaining({ line: 1 }) },
    ]);
  });
});

describe('not a compose file', () => {
  test.each([
    ['a list at the top', '- a\n- b\n', 'not a compose file: the top level must be a mapping', 1],
    ['no services', 'volumes:\n  data: {}\n', 'not a compose file: it has no services mapping', 1],
    [
      'an unknown service key',
      one('image: a\nimgae: b'),
      'not a valid compose file: services.app unknown key "imgae"',
      4,
    ],
    ['services as a list', 'services:\n  - app\n', 'not a valid compose file: services must be a mapping', 1],
    [
      'a restart of the wrong type',
      one('image: a\nrestart: [always]'),
      'not a valid compose file: services.app.restart must be a string',
      4,
    ],
    [
      'a port target that is not a number',
      one('image: a\nports:\n  - {target: x}'),
      'ports.target: "x" is not a number',
      5,
    ],
  ])('%s', (_name, text, message, line) => {
    expect(loadError({ 'compose.yaml': text })).toMatchObject({ message, line });
  });

  test('an empty file, and a file that does not exist', () => {
    expect(loadError({ 'compose.yaml': '' }).message).toMatch(/empty/);
    expect(() => loadCompose({ files: ['/nonexistent/compose.yaml'] })).toThrow(
      /cannot read \/nonexistent\/compose.yaml: no such file/,
    );
  });
});

describe('long syntax', () => {
  test('ports: every short form, ranges expanded, the long form with defaults', () => {
    const l = load({
      'compose.yaml': one(
        'image: a\nports:\n  - 80\n  - "8080:80"\n  - "127.0.0.1:8081:81"\n  - "127.0.0.1::82"\n  - "[::1]:8083:83"\n' +
          '  - "3000-3001"\n  - "9090-9091:8080-8081"\n  - "8000-8010:84"\n  - "53:53/udp"\n  - target: 443\n    published: 8443\n    host_ip: 0.0.0.0',
      ),
    });
    const p = (target: number, extra: object = {}) => ({
      mode: 'ingress',
      target,
      protocol: 'tcp',
      ...extra,
    });
    expect(l.services.app.ports).toEqual([
      p(80),
      p(80, { published: '8080' }),
      p(81, { published: '8081', host_ip: '127.0.0.1' }),
      p(82, { host_ip: '127.0.0.1' }),
      p(83, { published: '8083', host_ip: '::1' }),
      p(3000),
      p(3001),
      p(8080, { published: '9090' }),
      p(8081, { published: '9091' }),
      p(84, { published: '8000-8010' }),
      p(53, { published: '53', protocol: 'udp' }),
      p(443, { published: '8443', host_ip: '0.0.0.0' }),
    ]);
    expect(l.locationOf(['services', 'app', 'ports', 8, 'published']).line).toBe(11);
  });

  test.each([['"70000:80"'], ['"80:abc"'], ['"80/icmp"'], ['"1-3:1-2"'], ['"0"']])(
    'a bad port %s is an error at its line',
    (port) => {
      expect(
        loadError({
          'compose.yaml': one(`image: a\nports:\n  - x\n  - ${port}`).replace('  - x\n', '  - "1"\n'),
        }),
      ).toMatchObject({
        message: expect.stringMatching(/^port /),
        line: 6,
      });
    },
  );

  test('volumes: bind, named, anonymous, modes and the long form', () => {
    const l = load({
      'compose.yaml':
        one(
          'image: a\nvolumes:\n  - /anon/\n  - data:/data:nocopy\n  - ./src:/src/:ro,z\n  - /host:/host:rw,rshared,cached\n  - type: bind\n    source: ./conf\n    target: /conf\n    read_only: "true"\n    bind:\n      selinux: Z',
        ) + 'volumes:\n  data:\n',
    });
    expect(l.services.app.volumes).toEqual([
      { type: 'volume', target: '/anon' },
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
      {
        type: 'bind',
        source: './src',
        target: '/src',
        read_only: true,
        bind: { create_host_path: true, selinux: 'z' },
      },
      {
        type: 'bind',
        source: '/host',
        target: '/host',
        bind: { create_host_path: true, propagation: 'rshared' },
      },
      { type: 'bind', source: './conf', target: '/conf', read_only: true, bind: { selinux: 'Z' } },
    ]);
    expect(loadError({ 'compose.yaml': one('image: a\nvolumes:\n  - ./a:/a:bogus') })).toMatchObject({
      line: 5,
      message: 'volume "./a:/a:bogus": unknown mode "bogus"',
    });
  });

  test('environment as a list or a mapping; a name alone passes the shell value through (null)', () => {
    const list = load({
      'compose.yaml': one('image: a\nenvironment:\n  - A=1\n  - B=x=y\n  - PASS\n  - EMPTY='),
    });
    expect(list.services.app.environment).toEqual({ A: '1', B: 'x=y', PASS: null, EMPTY: '' });
    const map = load({ 'compose.yaml': one('image: a\nenvironment:\n  N: 1\n  T: true\n  PASS:\n  S: s') });
    expect(map.services.app.environment).toEqual({ N: '1', T: 'true', PASS: null, S: 's' });
    expect(map.locationOf(['services', 'app', 'environment', 'T']).line).toBe(6);
  });

  test('env_file: every form, read into environment with the env file lines; environment wins', () => {
    const l = load({
      'compose.yaml':
        'services:\n  a:\n    image: a\n    env_file: a.env\n    environment:\n      B: own\n' +
        '  b:\n    image: b\n    env_file:\n      - a.env\n      - c.env\n' +
        '  c:\n    image: c\n    env_file:\n      - path: a.env\n      - path: missing.env\n        required: false\n',
      'a.env': 'A=1\nB=from-file\n',
      'c.env': '# c\n\nA="multi\nline"\nC=3 # comment\n',
    });
    expect(l.services.a.environment).toEqual({ A: '1', B: 'own' });
    expect(l.services.a.env_file).toEqual([{ path: 'a.env', required: true }]);
    expect(l.services.b.environment).toEqual({ A: 'multi\nline', B: 'from-file', C: '3' });
    expect(l.locationOf(['services', 'b', 'environment', 'A'])).toEqual({
      file: path.join(l.dir, 'c.env'),
      line: 3,
      column: 1,
    });
    expect(l.locationOf(['services', 'a', 'environment', 'B']).line).toBe(6);
    expect(l.services.c.environment).toEqual({ A: '1', B: 'from-file' });
    expect(l.services.c.env_file).toEqual([
      { path: 'a.env', required: true },
      { path: 'missing.env', required: false },
    ]);
    expect(loadError({ 'compose.yaml': one('image: a\nenv_file: nope.env') })).toMatchObject({
      line: 4,
      message: 'services.app.env_file: nope.env not found',
    });
  });

  test('depends_on: the list as service_started, the long form kept with restart and required', () => {
    const l = load({
      'compose.yaml':
        'services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    depends_on:\n      c:\n        condition: service_healthy\n        restart: true\n      d:\n        condition: service_completed_successfully\n        required: false\n  c:\n    image: c\n  d:\n    image: d\n',
    });
    expect(l.services.a.depends_on).toEqual({ b: { condition: 'service_started', required: true } });
    expect(l.services.b.depends_on).toEqual({
      c: { condition: 'service_healthy', restart: true, required: true },
      d: { condition: 'service_completed_successfully', required: false },
    });
  });

  test('healthcheck: a string runs in a shell, durations in milliseconds, disable', () => {
    const l = load({
      'compose.yaml':
        'services:\n  a:\n    image: a\n    healthcheck:\n      test: curl -f http://localhost || exit 1\n      interval: 1m30s\n      timeout: 1.5s\n      start_period: 500ms\n      retries: "3"\n' +
        '  b:\n    image: b\n    healthcheck:\n      test: ["CMD", "true"]\n  c:\n    image: c\n    healthcheck:\n      disable: true\n',
    });
    expect(l.services.a.healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
      interval: 90_000,
      timeout: 1500,
      start_period: 500,
      retries: 3,
    });
    expect(l.shellForms.a.healthcheck).toBe('curl -f http://localhost || exit 1');
    expect(l.services.b.healthcheck).toEqual({ test: ['CMD', 'true'] });
    expect(l.services.c.healthcheck).toEqual({ disable: true });
    expect(
      loadError({ 'compose.yaml': one('image: a\nhealthcheck:\n  interval: 10 seconds') }),
    ).toMatchObject({
      line: 5,
      message: 'healthcheck.interval: "10 seconds" is not a duration (like 30s, 1m30s, 500ms)',
    });
    expect(loadError({ 'compose.yaml': one('image: a\nstop_grace_period: 1x') }).line).toBe(4);
  });

  test('command and entrypoint: a string split as Compose splits it, and kept', () => {
    const l = load({
      'compose.yaml': one(
        `image: a\ncommand: sh -c 'echo "a  b" && exit 1' c\\ d "e\\"f"\nentrypoint: ["/bin/x", "--y"]`,
      ),
    });
    expect(l.services.app.command).toEqual(['sh', '-c', 'echo "a  b" && exit 1', 'c d', 'e"f']);
    expect(l.shellForms.app.command).toBe(`sh -c 'echo "a  b" && exit 1' c\\ d "e\\"f"`);
    expect(l.services.app.entrypoint).toEqual(['/bin/x', '--y']);
    expect(l.shellForms.app.entrypoint).toBeUndefined();
    expect(loadError({ 'compose.yaml': one(`image: a\ncommand: echo 'open`) }).line).toBe(4);
  });

  test('a command string is cut at an unquoted ; & | < or >, as Compose cuts it, with a warning', () => {
    const l = load({ 'compose.yaml': one('image: a\ncommand: echo a; echo b\nentrypoint: run 2>&1 x') });
    expect(l.services.app.command).toEqual(['echo', 'a']);
    expect(l.services.app.entrypoint).toEqual(['run']);
    expect(l.warnings.map((w) => [w.message.split(':')[0], w.location.line])).toEqual([
      ['services.app.command', 4],
      ['services.app.entrypoint', 5],
    ]);
    expect(l.warnings[0].message).toMatch(/Compose runs only \["echo","a"\] of "echo a; echo b"/);
  });

  test('labels, ulimits, build, extra_hosts, networks, secrets, configs, tmpfs, sysctls, deploy', () => {
    const l = load({
      'compose.yaml':
        'services:\n  a:\n    build: ./dir\n    labels: ["x=1", "y"]\n    ulimits:\n      nofile: 1024\n      nproc: {soft: 10, hard: "20"}\n' +
        '    extra_hosts: ["h1:10.0.0.1", "h2=::1", "h1=10.0.0.2"]\n    networks: [front]\n    secrets: [s]\n    configs: [c]\n    tmpfs: /run\n' +
        '    sysctls: {net.core.somaxconn: 1024}\n    shm_size: 64m\n    deploy:\n      replicas: "2"\n      resources:\n        limits: {cpus: "0.5", memory: 1g}\n' +
        '  b:\n    build:\n      context: ./b\n      dockerfile: B.Dockerfile\n      target: prod\n      args: {V: 1}\n    extra_hosts:\n      h: 10.0.0.3\n    networks:\n      front:\n        aliases: [x]\n' +
        'networks:\n  front:\nsecrets:\n  s:\n    file: ./s.txt\nconfigs:\n  c:\n    external:\n      name: real\n',
    });
    const a = l.services.a;
    expect(a.build).toEqual({ context: './dir', dockerfile: 'Dockerfile' });
    expect(a.labels).toEqual({ x: '1', y: '' });
    expect(a.ulimits).toEqual({ nofile: { soft: 1024, hard: 1024 }, nproc: { soft: 10, hard: 20 } });
    expect(a.extra_hosts).toEqual({ h1: ['10.0.0.1', '10.0.0.2'], h2: ['::1'] });
    expect(a.networks).toEqual({ front: {} });
    expect(a.secrets).toEqual([{ source: 's' }]);
    expect(a.configs).toEqual([{ source: 'c' }]);
    expect(a.tmpfs).toEqual(['/run']);
    expect(a.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(a.shm_size).toBe(64 * 1024 ** 2);
    expect(a.deploy).toEqual({ replicas: 2, resources: { limits: { cpus: 0.5, memory: 1024 ** 3 } } });
    expect(l.services.b.build).toEqual({
      context: './b',
      dockerfile: 'B.Dockerfile',
      target: 'prod',
      args: { V: '1' },
    });
    expect(l.services.b.extra_hosts).toEqual({ h: ['10.0.0.3'] });
    expect(l.services.b.networks).toEqual({ front: { aliases: ['x'] } });
    expect(l.networks).toEqual({ front: {} });
    expect(l.configs).toEqual({ c: { external: true, name: 'real' } });
    expect(loadError({ 'compose.yaml': one('image: a\nmem_limit: lots') })).toMatchObject({
      line: 4,
      message: expect.stringMatching(/is not a size/),
    });
  });
});

describe('references', () => {
  test.each([
    ['depends_on', one('image: a\ndepends_on: [db]'), 'service "app" depends on undefined service "db"', 4],
    ['links', one('image: a\nlinks: ["db:database"]'), 'service "app" links to undefined service "db"', 4],
    [
      'extends',
      one('image: a\nextends: base'),
      'services.app extends service "base", which does not exist',
      4,
    ],
    [
      'a volume',
      one('image: a\nvolumes: ["data:/data"]'),
      'service "app" refers to undefined volume data',
      4,
    ],
    ['a network', one('image: a\nnetworks: [back]'), 'service "app" refers to undefined network back', 4],
    ['a secret', one('image: a\nsecrets: [token]'), 'service "app" refers to undefined secret token', 4],
  ])('%s naming what does not exist is an error', (_name, text, message, line) => {
    expect(loadError({ 'compose.yaml': text })).toMatchObject({ message, line, file: 'compose.yaml' });
  });

  test('cpus and deploy.resources.limits.cpus set to different values is an error', () => {
    expect(
      loadError({
        'compose.yaml': one('image: a\ncpus: 1\ndeploy:\n  resources:\n    limits:\n      cpus: "2"'),
      }),
    ).toEqual({
      message: "services.app: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'",
      file: 'compose.yaml',
      line: 8,
    });
    expect(
      load({
        'compose.yaml': one('image: a\ncpus: 1\ndeploy:\n  resources:\n    limits:\n      cpus: "1.0"'),
      }).services.app.cpus,
    ).toBe(1);
  });

  test('a depends_on that is not required may name a service that does not exist', () => {
    const l = load({
      'compose.yaml': one(
        'image: a\ndepends_on:\n  db:\n    condition: service_started\n    required: false',
      ),
    });
    expect(l.services.app.depends_on).toEqual({ db: { condition: 'service_started', required: false } });
  });

  test('a cycle in depends_on is an error naming the cycle', () => {
    const text =
      'services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    depends_on: [c]\n  c:\n    image: c\n    depends_on: [a]\n';
    expect(loadError({ 'compose.yaml': text })).toEqual({
      message: 'dependency cycle detected: a -> b -> c -> a',
      file: 'compose.yaml',
      line: 10,
    });
  });

  test('a service with neither an image nor a build is an error', () => {
    expect(
      loadError({ 'compose.yaml': 'services:\n  a:\n    image: a\n  b:\n    restart: always\n' }),
    ).toEqual({
      message: 'service "b" has neither an image nor a build context specified',
      file: 'compose.yaml',
      line: 4,
    });
  });

  test('a cycle of extends through files is an error', () => {
    const files = {
      'compose.yaml': one('image: a\nextends:\n  file: other.yaml\n  service: b'),
      'other.yaml':
        'services:\n  b:\n    image: b\n    extends:\n      file: compose.yaml\n      service: app\n',
    };
    expect(loadError(files)).toMatchObject({
      file: 'other.yaml',
      line: 4,
      message: expect.stringMatching(/a cycle/),
    });
  });

  test('a cycle in extends is an error', () => {
    const text = 'services:\n  a:\n    image: a\n    extends: b\n  b:\n    image: b\n    extends: a\n';
    expect(loadError({ 'compose.yaml': text }).message).toMatch(/extends cycle/);
  });
});

describe('extends', () => {
  test('within the file: mappings merged, sequences appended, command replaced, located where written', () => {
    const l = load({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: base',
        '    command: run base',
        '    environment: {A: "1", B: "1"}',
        '    ports: ["80"]',
        '  app:',
        '    extends: base',
        '    command: run app',
        '    environment: {B: "2"}',
        '    ports: ["81"]',
        '  deep:',
        '    extends: {service: app}',
        '    image: deep',
      ].join('\n'),
    });
    expect(l.services.app).toMatchObject({
      image: 'base',
      command: ['run', 'app'],
      environment: { A: '1', B: '2' },
    });
    expect(l.services.app.ports!.map((p) => p.target)).toEqual([80, 81]);
    expect(l.services.app.extends).toBeUndefined();
    expect(l.services.deep).toMatchObject({ image: 'deep', command: ['run', 'app'] });
    expect(l.locationOf(['services', 'app', 'image']).line).toBe(3);
    expect(l.locationOf(['services', 'app', 'environment', 'B']).line).toBe(10);
  });

  test('from another file, its relative paths rebased on the project directory', () => {
    const l = load({
      'compose.yaml': one('extends:\n  file: common/base.yaml\n  service: web\nimage: app'),
      'common/base.yaml': 'services:\n  web:\n    build: ./web\n    env_file: web.env\n',
      'common/web.env': 'W=1\n',
    });
    expect(l.services.app).toMatchObject({
      image: 'app',
      build: { context: './common/web' },
      environment: { W: '1' },
    });
    expect(l.locationOf(['services', 'app', 'build']).file).toMatch(/common\/base\.yaml$/);
    expect(
      loadError({
        'compose.yaml': one('extends:\n  file: other.yaml\n  service: nope'),
        'other.yaml': 'services:\n  x:\n    image: x\n',
      }).message,
    ).toMatch(/extends service "nope", which .*other\.yaml does not define/);
  });
});

describe('include', () => {
  test('adds the definitions of the included files, located in them', () => {
    const l = load({
      'compose.yaml': 'include:\n  - path: db/compose.yaml\nservices:\n  app:\n    image: app\n',
      'db/compose.yaml': 'services:\n  db:\n    build: .\n    env_file: db.env\n',
      'db/db.env': 'X=1\n',
    });
    expect(l.services.db).toMatchObject({ build: { context: './db' }, environment: { X: '1' } });
    expect(l.locationOf(['services', 'db', 'build'])).toEqual({
      file: path.join(l.dir, 'db', 'compose.yaml'),
      line: 3,
      column: 5,
    });
  });

  test('a service defined in both files is an error', () => {
    expect(
      loadError({
        'compose.yaml': 'include: [other.yaml]\nservices:\n  a:\n    image: a\n',
        'other.yaml': 'services:\n  a:\n    image: b\n',
      }),
    ).toMatchObject({
      file: 'compose.yaml',
      line: 3,
      message: expect.stringMatching(/^services\.a is defined both here and in the included .*other\.yaml$/),
    });
  });
});

describe('several files', () => {
  const base = [
    'services:',
    '  app:',
    '    image: app:1',
    '    command: ["a"]',
    '    environment: {A: "1", B: "1"}',
    '    ports: ["8080:80", "9090:90"]',
    '    volumes: ["./a:/data"]',
    '    dns: [1.1.1.1]',
    '    labels: {keep: "1", drop: "1"}',
    '  gone:',
    '    image: gone',
  ].join('\n');
  const override = [
    'services:',
    '  app:',
    '    image: app:2',
    '    command: ["b"]',
    '    environment: {B: "2", C: "2"}',
    '    ports: ["8080:80", "7070:70"]',
    '    volumes: ["./b:/data"]',
    '    dns: !override [8.8.8.8]',
    '    labels:',
    '      drop: !reset null',
    '  gone: !reset',
  ].join('\n');

  test('merged as Compose merges overrides, each key located in the last file that set it', () => {
    const l = load(
      { 'compose.yaml': base, 'compose.override.yaml': override },
      { names: ['compose.yaml', 'compose.override.yaml'] },
    );
    const app = l.services.app;
    expect(app.image).toBe('app:2');
    expect(app.command).toEqual(['b']);
    expect(app.environment).toEqual({ A: '1', B: '2', C: '2' });
    expect(app.ports!.map((p) => `${p.published}:${p.target}`)).toEqual(['8080:80', '9090:90', '7070:70']);
    expect(app.volumes).toEqual([
      { type: 'bind', source: './b', target: '/data', bind: { create_host_path: true } },
    ]);
    expect(app.dns).toEqual(['8.8.8.8']);
    expect(app.labels).toEqual({ keep: '1' });
    expect(Object.keys(l.services)).toEqual(['app']);
    expect(path.basename(l.locationOf(['services', 'app', 'image']).file)).toBe('compose.override.yaml');
    expect(path.basename(l.locationOf(['services', 'app', 'environment', 'A']).file)).toBe('compose.yaml');
    expect(path.basename(l.locationOf(['services', 'app', 'ports', 2]).file)).toBe('compose.override.yaml');
  });

  test('an error in the second file names that file', () => {
    expect(
      loadError(
        { 'compose.yaml': base, 'b.yaml': 'services:\n  app:\n    image: ${X:?needed}\n' },
        { names: ['compose.yaml', 'b.yaml'] },
      ),
    ).toEqual({
      message: 'required variable X is missing a value: needed',
      file: 'b.yaml',
      line: 3,
    });
  });
});

test('entries() lists every key of a definition with its value and location', () => {
  const l = load({ 'compose.yaml': one('image: a\nports: ["8080:80"]\nenvironment: [A=1]') });
  const rows = l.entries('services', 'app').map((e) => [e.path.join('.'), e.location.line]);
  expect(rows).toEqual([
    ['services.app.image', 3],
    ['services.app.ports', 4],
    ['services.app.ports.0', 4],
    ['services.app.ports.0.mode', 4],
    ['services.app.ports.0.target', 4],
    ['services.app.ports.0.published', 4],
    ['services.app.ports.0.protocol', 4],
    ['services.app.environment', 5],
    ['services.app.environment.A', 5],
  ]);
  expect(l.entries('services', 'app')[4].value).toBe(80);
});

test('ComposeImportError is an Error whose message starts with file:line', () => {
  const dir = project({ 'compose.yaml': one('image: ${X:?}') });
  const file = path.join(dir, 'compose.yaml');
  const error = (() => {
    try {
      loadCompose({ files: [file] });
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(ComposeImportError);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(`${file}:3: required variable X is missing a value`);
});

test('the schema the loader checks with is the one the tests check rendered files with', () => {
  const root = path.join(__dirname, '..', '..', '..');
  expect(fs.readFileSync(path.join(root, 'cli', 'import', 'compose-spec.json'), 'utf8')).toBe(
    fs.readFileSync(path.join(root, 'test', 'fixtures', 'compose-spec.json'), 'utf8'),
  );
});
