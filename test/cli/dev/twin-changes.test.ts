import { stringify } from 'yaml';
import { describeTwinChanges, portDescription } from '../../../cli/dev/twin-changes';
import { Application, Cache, CacheEngine, Dependency, Image, Service } from '../../../constructs';
import { testStack } from '../../support/test-app';

type Doc = Record<string, unknown>;
type Services = Record<string, Doc>;

/** A compose file like the ones twinstack writes: a backend, its database and a proxy. */
function baseCompose(): Doc {
  return {
    name: 'shop',
    services: {
      backend: {
        image: 'shop-backend:local',
        build: { context: './backend' },
        environment: { DATABASE_URL: 'postgres://db/shop', MODE: 'demo' },
        expose: ['80'],
        healthcheck: {
          test: ['CMD-SHELL', 'curl -fsS http://127.0.0.1:80/health || exit 1'],
          interval: '30s',
          timeout: '5s',
          retries: 3,
        },
        depends_on: { db: { condition: 'service_healthy' } },
        networks: { backend: {} },
      },
      db: {
        image: 'postgres:16',
        environment: { POSTGRES_PASSWORD: '${DB_PASSWORD:?set DB_PASSWORD in .env}' },
        volumes: [{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data' }],
        networks: { backend: {} },
      },
      web: {
        image: 'nginx:1.27-alpine',
        ports: ['127.0.0.1:80:80'],
        configs: [{ source: 'web-nginx-conf', target: '/etc/nginx/conf.d/default.conf' }],
        depends_on: { backend: { condition: 'service_started' } },
        networks: { backend: {}, web: {} },
      },
    },
    networks: { backend: {}, web: {} },
    volumes: { data: {} },
    configs: { 'web-nginx-conf': { content: 'server { listen 80; }\n' } },
  };
}

/** The lines for `baseCompose()` against itself after `change` edited a copy. */
function changesAfter(change: (compose: Doc, services: Services) => void): string[] {
  const before = baseCompose();
  const after = baseCompose();
  change(after, after.services as Services);
  return describeTwinChanges(stringify(before), stringify(after));
}

describe('the first rendering', () => {
  test('is one line counting and naming the services, in name order', () => {
    expect(describeTwinChanges(undefined, stringify(baseCompose()))).toEqual([
      'local twin: 3 services (backend, db, web)',
    ]);
  });

  test('abbreviates a long list of services', () => {
    const services = Object.fromEntries(
      ['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'].map((n) => [n, { image: 'x' }]),
    );
    expect(describeTwinChanges(undefined, stringify({ services }))).toEqual([
      'local twin: 8 services (a, b, c, d, e, f, ... 2 more)',
    ]);
  });

  test('counts one service, and none', () => {
    expect(describeTwinChanges(undefined, stringify({ services: { api: { image: 'x' } } }))).toEqual([
      'local twin: 1 service (api)',
    ]);
    expect(describeTwinChanges(undefined, stringify({ services: {} }))).toEqual(['local twin: 0 services']);
  });

  test('is what a previous text that is not valid YAML, or not a mapping, gives', () => {
    const after = stringify(baseCompose());
    expect(describeTwinChanges('services: [unclosed', after)).toEqual([
      'local twin: 3 services (backend, db, web)',
    ]);
    expect(describeTwinChanges('a: 1\na: 2\n', after)).toEqual(['local twin: 3 services (backend, db, web)']);
    expect(describeTwinChanges('- just\n- a list\n', after)).toEqual([
      'local twin: 3 services (backend, db, web)',
    ]);
    expect(describeTwinChanges('', after)).toEqual(['local twin: 3 services (backend, db, web)']);
  });
});

describe('an invalid new rendering', () => {
  test('throws an Error that gives the place, not the offending text', () => {
    const text = 'services:\n  api:\n    environment:\n      TOKEN: "s3cr3t-value\n';
    expect(() => describeTwinChanges(undefined, text)).toThrow(
      /^the rendered compose file is not valid YAML \(.*line \d+/,
    );
    expect(() => describeTwinChanges(undefined, text)).not.toThrow(/s3cr3t-value/);
  });

  test('throws when the document is not a mapping', () => {
    expect(() => describeTwinChanges(stringify(baseCompose()), '- a\n- b\n')).toThrow(
      'the rendered compose file is not a YAML mapping',
    );
  });
});

describe('unchanged documents', () => {
  test('give no lines', () => {
    const text = stringify(baseCompose());
    expect(describeTwinChanges(text, text)).toEqual([]);
  });

  test('give no lines when only comments, key order or quoting differ', () => {
    const before = stringify(baseCompose());
    const reordered = baseCompose();
    const services = reordered.services as Services;
    reordered.services = { web: services.web, db: services.db, backend: services.backend };
    const after = `# backend: 2-6 tasks in the cloud\n${stringify(reordered, { defaultStringType: 'QUOTE_DOUBLE' })}`;
    expect(after).not.toBe(before);
    expect(describeTwinChanges(before, after)).toEqual([]);
  });
});

describe('services', () => {
  test('added and removed services are a line each, in name order with the changed ones', () => {
    const lines = changesAfter((_, services) => {
      services.worker = { image: 'shop-worker:local' };
      services.cache = { image: 'redis:7.1' };
      delete services.web;
      services.db.image = 'postgres:17';
    });
    expect(lines).toEqual([
      '+ service cache',
      '~ db: image postgres:16 -> postgres:17',
      '- service web',
      '+ service worker',
    ]);
  });

  test('a service that is the same in both gives no line, and a missing services key counts as none', () => {
    expect(
      describeTwinChanges(stringify({ name: 'shop' }), stringify({ name: 'shop', services: { a: {} } })),
    ).toEqual(['+ service a']);
  });
});

describe('environment', () => {
  test('names the variables added, removed and changed', () => {
    const lines = changesAfter((_, services) => {
      services.backend.environment = { DATABASE_URL: 'postgres://db/shop2', REDIS_URL: 'redis://cache:6379' };
    });
    expect(lines).toEqual(['~ backend: environment +REDIS_URL -MODE ~DATABASE_URL']);
  });

  test('a changed value of a secret-looking variable prints only its name', () => {
    const before = stringify({ services: { api: { environment: { API_SECRET_KEY: 'old-hunter2-value' } } } });
    const after = stringify({ services: { api: { environment: { API_SECRET_KEY: 'new-hunter3-value' } } } });
    const lines = describeTwinChanges(before, after);
    expect(lines).toEqual(['~ api: environment ~API_SECRET_KEY']);
    expect(lines.join('\n')).not.toMatch(/hunter/);
  });

  test('reads the list form, KEY=VALUE and KEY alone, and compares it with the mapping form', () => {
    const before = stringify({
      services: { api: { environment: ['MODE=demo', 'TOKEN=abc', 'PASSED', 'GONE=1'] } },
    });
    const after = stringify({
      services: { api: { environment: ['MODE=production', 'TOKEN=abc', 'PASSED', 'EMPTY=', 'URL=a=b'] } },
    });
    expect(describeTwinChanges(before, after)).toEqual(['~ api: environment +EMPTY +URL -GONE ~MODE']);

    const asMapping = stringify({
      services: { api: { environment: { MODE: 'demo', TOKEN: 'abc', PASSED: null, GONE: 1 } } },
    });
    // The same variables in the other form: the document changed, the environment did not.
    expect(describeTwinChanges(before, asMapping)).toEqual(['~ api: environment changed']);
  });

  test('a variable passed through from the shell and one set to the empty string differ', () => {
    const before = stringify({ services: { api: { environment: { A: null } } } });
    const after = stringify({ services: { api: { environment: { A: '' } } } });
    expect(describeTwinChanges(before, after)).toEqual(['~ api: environment ~A']);
  });

  test('a value that is a number in one and the same text in the other is no change of value', () => {
    const before = stringify({ services: { api: { environment: { PORT: 80 } } } });
    const after = stringify({ services: { api: { environment: { PORT: '80' } } } });
    expect(describeTwinChanges(before, after)).toEqual(['~ api: environment changed']);
  });
});

describe('ports', () => {
  test('published ports added and removed, shown as host->container/protocol', () => {
    const lines = changesAfter((_, services) => {
      services.web.ports = ['127.0.0.1:8080:80', '127.0.0.1:8443:443/udp'];
    });
    expect(lines).toEqual([
      '~ web: ports +127.0.0.1:8080->80/tcp +127.0.0.1:8443->443/udp -127.0.0.1:80->80/tcp',
    ]);
  });

  test('the long syntax is read, and a port written in the other syntax is no port added or removed', () => {
    const lines = changesAfter((_, services) => {
      services.web.ports = [
        { target: 80, published: '80', host_ip: '127.0.0.1', protocol: 'tcp' },
        { target: 9000, published: 19000, host_ip: '127.0.0.1' },
      ];
    });
    expect(lines).toEqual(['~ web: ports +127.0.0.1:19000->9000/tcp']);
  });

  test('a change of other port options only is a plain "ports changed"', () => {
    const lines = changesAfter((_, services) => {
      services.web.ports = [{ target: 80, published: 80, host_ip: '127.0.0.1', app_protocol: 'http' }];
    });
    expect(lines).toEqual(['~ web: ports changed']);
  });

  test('a service that starts or stops publishing ports', () => {
    expect(changesAfter((_, services) => delete services.web.ports)).toEqual([
      '~ web: ports -127.0.0.1:80->80/tcp',
    ]);
    expect(changesAfter((_, services) => (services.db.ports = ['127.0.0.1:15432:5432']))).toEqual([
      '~ db: ports +127.0.0.1:15432->5432/tcp',
    ]);
  });

  test.each([
    ['127.0.0.1:8080:80', '127.0.0.1:8080->80/tcp'],
    ['8080:80/udp', '8080->80/udp'],
    ['80', '*->80/tcp'],
    [80, '*->80/tcp'],
    ['127.0.0.1::80', '127.0.0.1:*->80/tcp'],
    ['[::1]:18080:8080', '[::1]:18080->8080/tcp'],
    ['8000-8010:80-90', '8000-8010->80-90/tcp'],
    [{ target: 80 }, '*->80/tcp'],
    [{ target: 53, published: '5353', protocol: 'udp' }, '5353->53/udp'],
    [{ target: 80, published: 8080, host_ip: '::1' }, '[::1]:8080->80/tcp'],
  ])('port %j reads as %s', (port, shown) => {
    expect(portDescription(port)).toBe(shown);
  });
});

describe('healthcheck', () => {
  test('names the fields that changed, in compose order, not their values', () => {
    const lines = changesAfter((_, services) => {
      const check = services.backend.healthcheck as Doc;
      check.retries = 5;
      check.interval = '10s';
      check.start_period = '20s';
      check.test = ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:80/ready || exit 1'];
    });
    expect(lines).toEqual(['~ backend: healthcheck test, interval, retries, start_period changed']);
  });

  test('timeout and disable', () => {
    const lines = changesAfter((_, services) => {
      services.backend.healthcheck = {
        ...(services.backend.healthcheck as Doc),
        timeout: '2s',
        disable: true,
      };
    });
    expect(lines).toEqual(['~ backend: healthcheck timeout, disable changed']);
  });

  test('a healthcheck added or removed', () => {
    expect(changesAfter((_, services) => delete services.backend.healthcheck)).toEqual([
      '~ backend: healthcheck removed',
    ]);
    expect(
      changesAfter((_, services) => (services.db.healthcheck = { test: ['CMD', 'pg_isready'] })),
    ).toEqual(['~ db: healthcheck added']);
  });
});

describe('image, build, command and entrypoint', () => {
  test('a changed image shows both references', () => {
    expect(changesAfter((_, services) => (services.web.image = 'nginx:1.28-alpine'))).toEqual([
      '~ web: image nginx:1.27-alpine -> nginx:1.28-alpine',
    ]);
  });

  test('a changed build names its fields, not build argument values', () => {
    const lines = changesAfter((_, services) => {
      services.backend.build = {
        context: './backend',
        dockerfile: 'Dockerfile.prod',
        args: { NPM_TOKEN: 'npm-s3cr3t' },
      };
    });
    expect(lines).toEqual(['~ backend: build args, dockerfile changed']);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  test('a build written as a string is its context', () => {
    expect(changesAfter((_, services) => (services.backend.build = './api'))).toEqual([
      '~ backend: build context changed',
    ]);
    // The same build in the other form: the document changed, so the key is named.
    expect(changesAfter((_, services) => (services.backend.build = './backend'))).toEqual([
      '~ backend: build changed',
    ]);
  });

  test('a build added or removed', () => {
    expect(changesAfter((_, services) => delete services.backend.build)).toEqual([
      '~ backend: build removed',
    ]);
    expect(changesAfter((_, services) => (services.web.build = { context: './web' }))).toEqual([
      '~ web: build added',
    ]);
  });

  test('command and entrypoint changes are named, never shown: a command can carry a credential', () => {
    const lines = changesAfter((_, services) => {
      services.backend.command = ['serve', '--token', 'tok-s3cr3t'];
      services.backend.entrypoint = ['/bin/sh', '-c'];
    });
    expect(lines).toEqual(['~ backend: command changed', '~ backend: entrypoint changed']);
  });
});

describe('depends_on', () => {
  test('dependencies added and removed, and a changed condition', () => {
    const lines = changesAfter((_, services) => {
      services.web.depends_on = {
        backend: { condition: 'service_healthy' },
        db: { condition: 'service_started' },
      };
      services.backend.depends_on = {};
    });
    expect(lines).toEqual([
      '~ backend: depends_on -db',
      '~ web: depends_on +db',
      '~ web: depends_on backend service_started -> service_healthy',
    ]);
  });

  test('the list form means service_started, and other options changing are named', () => {
    expect(changesAfter((_, services) => (services.web.depends_on = ['backend', 'db']))).toEqual([
      '~ web: depends_on +db',
    ]);
    expect(
      changesAfter(
        (_, services) =>
          (services.web.depends_on = { backend: { condition: 'service_started', restart: true } }),
      ),
    ).toEqual(['~ web: depends_on backend changed']);
  });
});

describe('volumes', () => {
  test('mounts added and removed, short and long syntax', () => {
    const lines = changesAfter((_, services) => {
      services.db.volumes = ['data:/var/lib/postgresql/data', './init:/docker-entrypoint-initdb.d:ro'];
      services.backend.volumes = [{ type: 'tmpfs', target: '/cache' }, '/anonymous'];
    });
    expect(lines).toEqual([
      '~ backend: volumes +/anonymous +tmpfs:/cache',
      '~ db: volumes +./init:/docker-entrypoint-initdb.d',
    ]);
  });

  test('a change of mount options only is a plain "volumes changed"', () => {
    const lines = changesAfter((_, services) => {
      services.db.volumes = [
        { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', read_only: true },
      ];
    });
    expect(lines).toEqual(['~ db: volumes changed']);
  });
});

describe('develop.watch, profiles and the other keys', () => {
  test('watch rules added and removed, by action and path', () => {
    const before = stringify({
      services: { api: { develop: { watch: [{ action: 'rebuild', path: './package.json' }] } } },
    });
    const after = stringify({
      services: {
        api: {
          develop: {
            watch: [
              { action: 'sync', path: './src', target: '/app/src' },
              { action: 'rebuild', path: './package.json' },
            ],
          },
        },
      },
    });
    expect(describeTwinChanges(before, after)).toEqual(['~ api: develop.watch +sync:./src']);
    expect(describeTwinChanges(after, before)).toEqual(['~ api: develop.watch -sync:./src']);
  });

  test('a watch rule whose target changed, and develop keys other than watch', () => {
    const watch = (target: string) => [{ action: 'sync', path: './src', target }];
    const before = stringify({ services: { api: { develop: { watch: watch('/app/src') } } } });
    const after = stringify({ services: { api: { develop: { watch: watch('/srv/src'), other: 1 } } } });
    expect(describeTwinChanges(before, after)).toEqual([
      '~ api: develop.watch changed',
      '~ api: develop changed',
    ]);
  });

  test('profiles added and removed', () => {
    const before = stringify({ services: { tools: { profiles: ['tools', 'debug'] } } });
    const after = stringify({ services: { tools: { profiles: ['tools', 'seed'] } } });
    expect(describeTwinChanges(before, after)).toEqual(['~ tools: profiles +seed -debug']);
  });

  test('any other service key is named, in key order', () => {
    const lines = changesAfter((_, services) => {
      services.backend.restart = 'always';
      services.backend.expose = ['8080'];
      services.backend.read_only = true;
      services.web.configs = [];
    });
    expect(lines).toEqual([
      '~ backend: expose changed',
      '~ backend: read_only changed',
      '~ backend: restart changed',
      '~ web: configs changed',
    ]);
  });

  test('several kinds of change of one service come in a fixed order', () => {
    const lines = changesAfter((_, services) => {
      services.backend.user = '1000:1000';
      services.backend.healthcheck = { ...(services.backend.healthcheck as Doc), retries: 1 };
      services.backend.environment = { DATABASE_URL: 'postgres://db/shop' };
      services.backend.image = 'shop-backend:v2';
    });
    expect(lines).toEqual([
      '~ backend: image shop-backend:local -> shop-backend:v2',
      '~ backend: environment -MODE',
      '~ backend: healthcheck retries changed',
      '~ backend: user changed',
    ]);
  });
});

describe('top level', () => {
  test('volumes, networks, secrets and configs added, removed and changed, by name only', () => {
    const lines = changesAfter((compose) => {
      compose.volumes = { cache: {} };
      compose.networks = { backend: {}, web: { internal: true } };
      compose.secrets = { api_key: { file: './api-key.txt' } };
      compose.configs = { 'web-nginx-conf': { content: 'server { listen 8080; } # private-config-text\n' } };
    });
    expect(lines).toEqual([
      '+ volume cache',
      '- volume data',
      '~ network web changed',
      '+ secret api_key',
      '~ config web-nginx-conf changed',
    ]);
    expect(lines.join('\n')).not.toMatch(/private-config-text|listen|api-key\.txt/);
  });

  test('a secret removed, and one whose definition changed, by name only', () => {
    const before = stringify({
      services: {},
      secrets: { a: { environment: 'A_VALUE' }, b: { file: './b' } },
    });
    const after = stringify({ services: {}, secrets: { a: { environment: 'OTHER_VALUE' } } });
    const lines = describeTwinChanges(before, after);
    expect(lines).toEqual(['~ secret a changed', '- secret b']);
    expect(lines.join('\n')).not.toMatch(/VALUE/);
  });

  test('a changed project name shows both names and comes first', () => {
    const lines = changesAfter((compose, services) => {
      compose.name = 'shop-dev';
      services.db.image = 'postgres:17';
    });
    expect(lines).toEqual(['~ name shop -> shop-dev', '~ db: image postgres:16 -> postgres:17']);
  });

  test('any other top-level key is named', () => {
    expect(changesAfter((compose) => (compose['x-twinstack'] = { version: 2 }))).toEqual([
      '~ x-twinstack changed',
    ]);
  });
});

describe('two renderings of a twinstack application', () => {
  const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

  /** A shop: an api and its cache; the second version adds a worker and changes the api's mode and token. */
  function shop(version: 1 | 2): string {
    const application = new Application(testStack(), 'shop');
    new Cache(application, 'cache', { engine: CacheEngine.redis('7.1') });
    const api = new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080, hostPort: 18080 }],
      environment: {
        MODE: version === 1 ? 'demo' : 'production',
        API_TOKEN: version === 1 ? 'tok-first-0123' : 'tok-second-4567',
      },
    });
    if (version === 2) {
      new Service(application, 'worker', {
        image: IMAGE,
        command: ['sleep', '1000'],
        dependsOn: [Dependency.started(api)],
      });
    }
    return application.renderLocalTwinFiles('/tmp').compose;
  }

  test('the first rendering, then the worker, its network and the changed variables by name', () => {
    const first = shop(1);
    const second = shop(2);
    expect(describeTwinChanges(undefined, first)).toEqual(['local twin: 2 services (api, cache)']);
    const lines = describeTwinChanges(first, second);
    expect(lines).toEqual(['~ api: environment ~API_TOKEN ~MODE', '+ service worker', '+ network worker']);
    expect(lines.join('\n')).not.toMatch(/tok-|production|demo/);
    expect(describeTwinChanges(second, shop(2))).toEqual([]);
  });
});
