import * as path from 'path';
import { parse } from 'yaml';
import {
  composeToYaml,
  localTwinNotes,
  renderEnvExample,
  renderLocalTwin,
  renderLocalTwinFiles,
} from '../../../constructs/compose/compose-renderer';
import { ValidationError } from '../../../constructs/errors';
import type {
  ApplicationSpec,
  DependencyConditionName,
  HealthCheckSpec,
  ImageSpec,
  SecretSpec,
  VolumeSpec,
  WorkloadSpec,
} from '../../../constructs/model/spec';
import { composeSchemaErrors } from '../../support/compose-schema';
import {
  applicationSpec as application,
  jobSpec as job,
  serviceSpec as service,
  specPath as pathOf,
} from '../../support/spec-builders';

/** Where the compose file is written; directories of images are made relative to it. */
const OUT = path.resolve('/projects/shop');
const options = { outputDirectory: OUT };

const DIGEST = `sha256:${'ab'.repeat(32)}`;

const HEALTH_CHECK: HealthCheckSpec = {
  probe: { kind: 'http', port: 8080, path: '/health' },
  test: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://127.0.0.1:8080/health' || exit 1"],
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 0,
};

const on = (target: string, condition: DependencyConditionName = 'started') => ({ target, condition });

/** An image built from `directory` (absolute, or relative to OUT). */
function built(
  directory: string,
  extra: { file?: string; target?: string; buildArgs?: Record<string, string> } = {},
): ImageSpec {
  return {
    kind: 'directory',
    directory: path.resolve(OUT, directory),
    file: extra.file ?? 'Dockerfile',
    ...(extra.target ? { target: extra.target } : {}),
    buildArgs: extra.buildArgs ?? {},
  };
}

const volume = (name: string): VolumeSpec => ({ name, path: pathOf(name), permissions: '755' });
const generatedSecret = (name: string): SecretSpec => ({
  name,
  source: { kind: 'generated', length: 32, excludePunctuation: true },
});
const importedSecret = (name: string, secretName: string): SecretSpec => ({
  name,
  source: { kind: 'imported', secretName },
});

/** The compose document of a one-workload application. */
function renderOne(w: WorkloadSpec, extras: { volumes?: VolumeSpec[]; secrets?: SecretSpec[] } = {}) {
  return renderLocalTwin(application([w], extras), options).compose.services[w.name];
}

/** A realistic application touching most of the renderer. */
function shop(): ApplicationSpec {
  return application(
    [
      service('web', {
        image: built('web', { target: 'runtime', buildArgs: { NODE_ENV: 'production' } }),
        ports: [{ name: 'web-3000', containerPort: 3000, hostPort: 8080, protocol: 'http' }],
        environment: { API_URL: 'http://api:8080', GREETING: 'costs $5' },
        dependsOn: [on('api', 'healthy')],
        cpuArchitecture: 'arm64',
      }),
      service('api', {
        image: built('api'),
        command: ['serve', '--port', '8080'],
        ports: [{ name: 'api-8080', containerPort: 8080, protocol: 'http' }],
        healthCheck: { ...HEALTH_CHECK, startPeriodSeconds: 20 },
        secrets: { DB_PASSWORD: { secret: 'db', field: 'password', localVariable: 'DB_PASSWORD' } },
        dependsOn: [on('db', 'healthy'), on('migrate', 'completed-successfully')],
        mounts: [{ volume: 'uploads', path: '/srv/uploads', readOnly: false }],
        cpu: 512,
        memoryMiB: 1024,
        desiredCount: 3,
      }),
      service('db', {
        image: { kind: 'registry', reference: 'postgres:16' },
        ports: [{ name: 'db-5432', containerPort: 5432, hostPort: 5432, protocol: 'tcp' }],
        healthCheck: {
          probe: { kind: 'shell', script: 'pg_isready' },
          test: ['CMD-SHELL', 'pg_isready'],
          intervalSeconds: 10,
          timeoutSeconds: 3,
          retries: 5,
          startPeriodSeconds: 0,
        },
        secrets: { POSTGRES_PASSWORD: { secret: 'db', field: 'password', localVariable: 'DB_PASSWORD' } },
        mounts: [{ volume: 'data', path: '/var/lib/postgresql/data', readOnly: false }],
      }),
      job('migrate', {
        image: built('api'),
        command: ['migrate'],
        secrets: { DB_PASSWORD: { secret: 'db', field: 'password', localVariable: 'DB_PASSWORD' } },
        dependsOn: [on('db', 'healthy')],
      }),
    ],
    {
      volumes: [volume('data'), volume('uploads'), volume('unused')],
      secrets: [importedSecret('db', 'prod/shop/db')],
    },
  );
}

describe('renderLocalTwin', () => {
  describe('document', () => {
    test('services are sorted by name; the document has a name and no version', () => {
      const twin = renderLocalTwin(shop(), options);
      expect(Object.keys(twin.compose.services)).toEqual(['api', 'db', 'migrate', 'web']);
      expect(twin.compose.name).toBe('shop');
      expect(twin.compose).not.toHaveProperty('version');
      expect(Object.keys(twin.compose)).toEqual(['name', 'services', 'networks', 'volumes']);
    });

    test('an application without workloads renders an empty services map', () => {
      const twin = renderLocalTwin(application([]), options);
      expect(twin.compose).toEqual({ name: 'shop', services: {} });
      expect(twin.variables).toEqual([]);
    });

    test('throws ValidationError, with every problem, when the model breaks a whole-model rule', () => {
      const broken = application([
        service('api', { dependsOn: [on('ghost')] }),
        service('web', { mounts: [{ volume: 'nope', path: '/data', readOnly: false }] }),
      ]);
      let error: unknown;
      try {
        renderLocalTwin(broken, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const problems = (error as ValidationError).problems;
      expect(problems.map((p) => `${p.path} ${p.prop}`)).toEqual([
        `${pathOf('api')} dependsOn[0]`,
        `${pathOf('web')} mounts[0].volume`,
      ]);
      expect((error as ValidationError).message).toContain('2 problems in the application model');
    });

    test('warnings do not stop rendering', () => {
      const twin = renderLocalTwin(
        application([job('cleanup'), service('api', { environment: { API_TOKEN: 'literal' } })]),
        options,
      );
      expect(Object.keys(twin.compose.services)).toEqual(['api', 'cleanup']);
    });
  });

  describe('images', () => {
    test('a registry image is pulled by reference', () => {
      const s = renderOne(service('db', { image: { kind: 'registry', reference: 'postgres:16' } }));
      expect(s.image).toBe('postgres:16');
      expect(s).not.toHaveProperty('build');
    });

    test('a directory image is built with a context relative to the output directory', () => {
      const s = renderOne(service('api', { image: built('services/api') }));
      expect(s.build).toEqual({ context: './services/api' });
      expect(s.image).toBe('shop-api:local');
    });

    test('the output directory itself is the context "."', () => {
      expect(renderOne(service('api', { image: built('.') })).build).toEqual({ context: '.' });
    });

    test('directories above the output directory are reached with ..', () => {
      expect(renderOne(service('api', { image: built('../api') })).build).toEqual({ context: '../api' });
      expect(renderOne(service('api', { image: built('../../elsewhere/api') })).build).toEqual({
        context: '../../elsewhere/api',
      });
    });

    test('a subdirectory whose name starts with a dot still gets the ./ prefix', () => {
      expect(renderOne(service('api', { image: built('.docker/api') })).build).toEqual({
        context: './.docker/api',
      });
    });

    test('dockerfile is given only when it is not "Dockerfile"', () => {
      expect(renderOne(service('api', { image: built('api', { file: 'Dockerfile' }) })).build).toEqual({
        context: './api',
      });
      expect(
        renderOne(service('api', { image: built('api', { file: 'docker/Dockerfile.prod' }) })).build,
      ).toEqual({ context: './api', dockerfile: 'docker/Dockerfile.prod' });
    });

    test('target and build args are passed to the build, with $ escaped', () => {
      const s = renderOne(
        service('api', {
          image: built('api', { target: 'runtime', buildArgs: { VERSION: '1.2.3', PRICE: '$5' } }),
        }),
      );
      expect(s.build).toEqual({
        context: './api',
        target: 'runtime',
        args: { VERSION: '1.2.3', PRICE: '$$5' },
      });
      expect(s.image).toBe('shop-api-runtime:local');
    });

    test('services sharing one build share one image name', () => {
      const twin = renderLocalTwin(
        application([
          service('api', { image: built('api') }),
          service('worker', { image: built('api') }),
          job('migrate', { image: built('api') }),
          service('zz', { dependsOn: [on('migrate', 'completed-successfully')] }),
        ]),
        options,
      );
      const s = twin.compose.services;
      expect(s.api.image).toBe('shop-api:local');
      expect(s.worker.image).toBe('shop-api:local');
      expect(s.migrate.image).toBe('shop-api:local');
      expect(s.worker.build).toEqual(s.api.build);
    });

    test('different builds get different image names', () => {
      const twin = renderLocalTwin(
        application([
          service('a', { image: built('api') }),
          service('b', { image: built('api', { target: 'debug' }) }),
          service('c', { image: built('other/api') }),
          service('d', { image: built('api', { buildArgs: { FLAVOUR: 'slim' } }) }),
          service('e', { image: built('api', { file: 'Dockerfile.dev' }) }),
        ]),
        options,
      );
      const names = Object.values(twin.compose.services).map((s) => s.image);
      expect(new Set(names).size).toBe(5);
      expect(twin.compose.services.b.image).toBe('shop-api-debug:local');
      for (const name of names) expect(name).toMatch(/^shop-api(-[a-z0-9]+)*:local$/);
    });

    test('image names are lowercase and keep only characters image names allow', () => {
      const s = renderOne(service('api', { image: built('My Service') }));
      expect(s.image).toBe('shop-my-service:local');
      expect(s.build).toEqual({ context: './My Service' });
    });

    test('an ECR image with a known registry is pulled from that registry', () => {
      const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
      const twin = renderLocalTwin(
        application([
          service('api', { image: { kind: 'ecr', repositoryName: 'shop/api', tag: 'v1', registry } }),
          service('web', { image: { kind: 'ecr', repositoryName: 'shop/web', digest: DIGEST, registry } }),
        ]),
        options,
      );
      expect(twin.compose.services.api.image).toBe(`${registry}/shop/api:v1`);
      expect(twin.compose.services.web.image).toBe(`${registry}/shop/web@${DIGEST}`);
      expect(twin.variables).toEqual([]);
    });

    test('an ECR image without a known registry reads AWS_ACCOUNT_ID and AWS_REGION from .env', () => {
      const twin = renderLocalTwin(
        application([service('api', { image: { kind: 'ecr', repositoryName: 'shop/api', tag: 'latest' } })]),
        options,
      );
      expect(twin.compose.services.api.image).toBe(
        '${AWS_ACCOUNT_ID:?set AWS_ACCOUNT_ID in .env}.dkr.ecr.${AWS_REGION:?set AWS_REGION in .env}.amazonaws.com/shop/api:latest',
      );
      expect(twin.variables.map((v) => v.name)).toEqual(['AWS_ACCOUNT_ID', 'AWS_REGION']);
      expect(renderEnvExample(twin)).toMatch(/^AWS_ACCOUNT_ID=$/m);
      expect(renderEnvExample(twin)).toMatch(/^AWS_REGION=$/m);
    });

    test('an ECR image by digest without a known registry uses @digest', () => {
      const s = renderOne(
        service('api', { image: { kind: 'ecr', repositoryName: 'shop/api', digest: DIGEST } }),
      );
      expect(s.image).toMatch(new RegExp(`\\.amazonaws\\.com/shop/api@${DIGEST}$`));
    });
  });

  describe('container', () => {
    test('$ in environment values is escaped as $$', () => {
      const s = renderOne(
        service('api', { environment: { PRICE: '$5', TEMPLATE: '${HOME}/x', PLAIN: 'a' } }),
      );
      expect(s.environment).toEqual({ PLAIN: 'a', PRICE: '$$5', TEMPLATE: '$${HOME}/x' });
    });

    test('$ is escaped in command, entrypoint, working directory, user and health check test', () => {
      const s = renderOne(
        service('api', {
          entrypoint: ['/bin/sh', '-c'],
          command: ['echo $HOME && exec app'],
          workingDirectory: '/srv/$app',
          user: '$uid',
          healthCheck: { ...HEALTH_CHECK, test: ['CMD-SHELL', 'test -n "$READY"'] },
        }),
      );
      expect(s.entrypoint).toEqual(['/bin/sh', '-c']);
      expect(s.command).toEqual(['echo $$HOME && exec app']);
      expect(s.working_dir).toBe('/srv/$$app');
      expect(s.user).toBe('$$uid');
      expect(s.healthcheck?.test).toEqual(['CMD-SHELL', 'test -n "$$READY"']);
    });

    test('environment keys are sorted and absent when there are none', () => {
      const s = renderOne(service('api', { environment: { ZED: '1', ALPHA: '2', MIDDLE: '3' } }));
      expect(Object.keys(s.environment ?? {})).toEqual(['ALPHA', 'MIDDLE', 'ZED']);
      expect(renderOne(service('api'))).not.toHaveProperty('environment');
    });

    test('unset optional fields are left out', () => {
      const s = renderOne(service('api'));
      for (const key of [
        'build',
        'entrypoint',
        'command',
        'working_dir',
        'user',
        'environment',
        'expose',
        'ports',
        'healthcheck',
        'depends_on',
        'volumes',
      ]) {
        expect(s).not.toHaveProperty(key);
      }
    });

    test('secrets are read from .env with a required-variable interpolation', () => {
      const twin = renderLocalTwin(
        application(
          [
            service('api', {
              environment: { DB_USER: 'app' },
              secrets: {
                DB_PASSWORD: { secret: 'db', field: 'password', localVariable: 'SHOP_DB_PASSWORD' },
                API_KEY: { secret: 'api-key', localVariable: 'API_KEY' },
              },
            }),
          ],
          { secrets: [importedSecret('db', 'prod/shop/db'), generatedSecret('api-key')] },
        ),
        options,
      );
      expect(twin.compose.services.api.environment).toEqual({
        API_KEY: '${API_KEY:?set API_KEY in .env}',
        DB_PASSWORD: '${SHOP_DB_PASSWORD:?set SHOP_DB_PASSWORD in .env}',
        DB_USER: 'app',
      });
      expect(twin.variables).toEqual([
        { name: 'API_KEY', description: 'generated in Secrets Manager by the cloud twin' },
        {
          name: 'SHOP_DB_PASSWORD',
          description: "field 'password' of Secrets Manager secret 'prod/shop/db' in the cloud twin",
        },
      ]);
    });

    test('.env.example lists every variable, empty, with where the cloud twin gets it', () => {
      const twin = renderLocalTwin(shop(), options);
      const text = renderEnvExample(twin);
      expect(text).toBe(
        [
          "# Variables the local twin of 'shop' reads. Copy to .env and fill in; never commit .env.",
          '',
          "# field 'password' of Secrets Manager secret 'prod/shop/db' in the cloud twin",
          'DB_PASSWORD=',
          '',
        ].join('\n'),
      );
      // No assignment carries a value: the local twin never knows a secret.
      for (const line of text.split('\n').filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))) {
        expect(line).toMatch(/=$/);
      }
    });

    test('a variable shared by several workloads is listed once', () => {
      const twin = renderLocalTwin(shop(), options);
      expect(twin.variables.map((v) => v.name)).toEqual(['DB_PASSWORD']);
      expect(twin.compose.services.db.environment).toEqual({
        POSTGRES_PASSWORD: '${DB_PASSWORD:?set DB_PASSWORD in .env}',
      });
    });

    test('platform is written as the model declares it, and only then', () => {
      expect(
        renderOne(service('api', { cpuArchitecture: 'x86_64', localPlatform: 'linux/amd64' })).platform,
      ).toBe('linux/amd64');
      expect(
        renderOne(service('api', { cpuArchitecture: 'arm64', localPlatform: 'linux/arm64' })).platform,
      ).toBe('linux/arm64');
      // No declared architecture: the machine's own platform, whatever the cloud twin's default.
      expect(renderOne(service('api', { cpuArchitecture: 'x86_64' })).platform).toBeUndefined();
      expect('platform' in renderOne(service('api', { cpuArchitecture: 'arm64' }))).toBe(false);
    });

    test.each([
      [256, 512, '0.25', '512M'],
      [512, 1024, '0.5', '1024M'],
      [1024, 2048, '1', '2048M'],
      [4096, 30720, '4', '30720M'],
      [16384, 122880, '16', '122880M'],
    ])('cpu %p and memoryMiB %p become limits %p and %p', (cpu, memoryMiB, cpus, memory) => {
      expect(renderOne(service('api', { cpu, memoryMiB })).deploy).toEqual({
        resources: { limits: { cpus, memory } },
      });
    });

    test('jobs never restart; services restart unless stopped', () => {
      const twin = renderLocalTwin(
        application([
          job('migrate'),
          service('api', { dependsOn: [on('migrate', 'completed-successfully')] }),
        ]),
        options,
      );
      expect(twin.compose.services.migrate.restart).toBe('no');
      expect(twin.compose.services.api.restart).toBe('unless-stopped');
    });
  });

  describe('dependencies', () => {
    test('conditions map to the compose conditions, sorted by target', () => {
      const twin = renderLocalTwin(
        application([
          service('web', {
            dependsOn: [
              on('queue', 'started'),
              on('migrate', 'completed-successfully'),
              on('api', 'healthy'),
            ],
          }),
          service('api', { healthCheck: HEALTH_CHECK }),
          service('queue'),
          job('migrate'),
        ]),
        options,
      );
      const dependsOn = twin.compose.services.web.depends_on;
      expect(dependsOn).toEqual({
        api: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        queue: { condition: 'service_started' },
      });
      expect(Object.keys(dependsOn ?? {})).toEqual(['api', 'migrate', 'queue']);
    });
  });

  describe('health checks', () => {
    test('durations are written in seconds; start_period only when there is one', () => {
      const without = renderOne(service('api', { healthCheck: HEALTH_CHECK }));
      expect(without.healthcheck).toEqual({
        test: HEALTH_CHECK.test,
        interval: '30s',
        timeout: '5s',
        retries: 3,
      });
      const withStart = renderOne(
        service('api', {
          healthCheck: {
            ...HEALTH_CHECK,
            intervalSeconds: 90,
            timeoutSeconds: 10,
            retries: 1,
            startPeriodSeconds: 45,
          },
        }),
      );
      expect(withStart.healthcheck).toEqual({
        test: HEALTH_CHECK.test,
        interval: '90s',
        timeout: '10s',
        retries: 1,
        start_period: '45s',
      });
    });
  });

  describe('ports', () => {
    test('a port with a host port is published; one without is only exposed', () => {
      const s = renderOne(
        service('api', {
          ports: [
            { name: 'api-80', containerPort: 80, hostPort: 8080, protocol: 'http' },
            { name: 'api-9090', containerPort: 9090, protocol: 'tcp' },
            { name: 'api-22', containerPort: 22, hostPort: 22, protocol: 'tcp' },
          ],
        }),
      );
      expect(s.ports).toEqual(['127.0.0.1:8080:80', '127.0.0.1:22:22']);
      expect(s.expose).toEqual(['9090']);
    });

    test('only exposed ports give no ports key, only published ones no expose key', () => {
      const exposed = renderOne(
        service('api', { ports: [{ name: 'p', containerPort: 80, protocol: 'tcp' }] }),
      );
      expect(exposed.expose).toEqual(['80']);
      expect(exposed).not.toHaveProperty('ports');
      const published = renderOne(
        service('api', { ports: [{ name: 'p', containerPort: 80, hostPort: 8080, protocol: 'tcp' }] }),
      );
      expect(published.ports).toEqual(['127.0.0.1:8080:80']);
      expect(published).not.toHaveProperty('expose');
    });
  });

  describe('volumes', () => {
    test('mounts use the long syntax; read_only only when set', () => {
      const s = renderOne(
        service('api', {
          mounts: [
            { volume: 'data', path: '/data', readOnly: false },
            { volume: 'config', path: '/etc/app', readOnly: true },
          ],
        }),
        { volumes: [volume('data'), volume('config')] },
      );
      expect(s.volumes).toEqual([
        { type: 'volume', source: 'data', target: '/data' },
        { type: 'volume', source: 'config', target: '/etc/app', read_only: true },
      ]);
    });

    test('top-level volumes list only the volumes in use, sorted', () => {
      const twin = renderLocalTwin(shop(), options);
      expect(twin.compose.volumes).toEqual({ data: {}, uploads: {} });
      expect(Object.keys(twin.compose.volumes ?? {})).toEqual(['data', 'uploads']);
    });

    test('no top-level volumes when nothing is mounted', () => {
      const twin = renderLocalTwin(application([service('api')], { volumes: [volume('data')] }), options);
      expect(twin.compose).not.toHaveProperty('volumes');
    });
  });

  describe('determinism', () => {
    test('rendering the same model twice gives identical YAML', () => {
      const first = composeToYaml(renderLocalTwin(shop(), options).compose);
      const second = composeToYaml(renderLocalTwin(shop(), options).compose);
      expect(second).toBe(first);
    });

    test('the order of workloads, dependencies and environment in the input does not change the output', () => {
      const app = shop();
      const shuffled: ApplicationSpec = {
        ...app,
        workloads: [...app.workloads].reverse().map((w) => ({
          ...w,
          dependsOn: [...w.dependsOn].reverse(),
          environment: Object.fromEntries(Object.entries(w.environment).reverse()),
          secrets: Object.fromEntries(Object.entries(w.secrets).reverse()),
        })),
        volumes: [...app.volumes].reverse(),
      };
      expect(composeToYaml(renderLocalTwin(shuffled, options).compose)).toBe(
        composeToYaml(renderLocalTwin(app, options).compose),
      );
      expect(renderEnvExample(renderLocalTwin(shuffled, options))).toBe(
        renderEnvExample(renderLocalTwin(app, options)),
      );
    });

    test('image names do not depend on the order of the workloads', () => {
      const workloads = [
        service('a', { image: built('one/api') }),
        service('b', { image: built('two/api') }),
      ];
      const forward = renderLocalTwin(application(workloads), options).compose.services;
      const backward = renderLocalTwin(application([...workloads].reverse()), options).compose.services;
      expect(backward).toEqual(forward);
      expect(new Set([forward.a.image, forward.b.image]).size).toBe(2);
    });

    test('the output does not depend on the locale of the process', () => {
      // String#localeCompare without a locale uses the process locale (LANG / LC_ALL); in Danish, for
      // example, "aa" sorts after "z". Simulate such a machine and compare with the default rendering.
      const app = application([
        service('aardvark', { environment: { AA_MODE: 'x', ZZ_MODE: 'y' } }),
        service('web', { image: built('api') }),
        service('zebra', { image: built('../aa/api') }),
      ]);
      const here = composeToYaml(renderLocalTwin(app, options).compose);
      const danish = new Intl.Collator('da');
      const spy = jest.spyOn(String.prototype, 'localeCompare').mockImplementation(function (
        this: string,
        that: string,
      ) {
        return danish.compare(String(this), that);
      });
      let there: string;
      try {
        there = composeToYaml(renderLocalTwin(app, options).compose);
      } finally {
        spy.mockRestore();
      }
      expect(there).toBe(here);
    });
  });
});

describe('composeToYaml', () => {
  test('has no version key and starts with a header comment', () => {
    const yaml = composeToYaml(renderLocalTwin(shop(), options).compose, ['extra note']);
    expect(yaml).not.toMatch(/^version:/m);
    expect(yaml.startsWith("# Local twin of application 'shop', rendered by twinstack")).toBe(true);
    expect(yaml).toContain('# Do not edit: change the application and run `twinstack compose` again.');
    expect(yaml).toContain('# extra note');
    expect(yaml).toMatch(/^name: shop$/m);
  });

  test('quotes values that YAML 1.1 would read as booleans or numbers', () => {
    const yaml = composeToYaml(
      renderLocalTwin(
        application([
          job('once', {
            environment: { A: 'no', B: 'on', C: 'yes', D: 'off', E: 'true', F: '0777' },
            user: '1000:50',
          }),
          service('api', {
            ports: [{ name: 'ssh', containerPort: 22, hostPort: 22, protocol: 'tcp' }],
            dependsOn: [on('once', 'completed-successfully')],
          }),
        ]),
        options,
      ).compose,
    );
    expect(yaml).toMatch(/restart: "no"/);
    expect(yaml).toMatch(/A: "no"/);
    expect(yaml).toMatch(/B: "on"/);
    expect(yaml).toMatch(/C: "yes"/);
    expect(yaml).toMatch(/D: "off"/);
    expect(yaml).toMatch(/E: "true"/);
    expect(yaml).toMatch(/F: "0777"/);
    expect(yaml).toMatch(/user: "1000:50"/);
    // Bound to an address, a port mapping is no longer digits and colons that YAML 1.1 reads as a number.
    expect(parse(yaml).services.api.ports).toEqual(['127.0.0.1:22:22']);
  });

  test('YAML 1.1 and 1.2 readers both get back exactly the rendered document', () => {
    const compose = renderLocalTwin(shop(), options).compose;
    const yaml = composeToYaml(compose);
    expect(parse(yaml, { version: '1.1' })).toEqual(compose);
    expect(parse(yaml)).toEqual(compose);
  });
});

describe('renderLocalTwinFiles', () => {
  test('gives the compose text with notes for scaled services, and the .env.example text', () => {
    const app = shop();
    expect(localTwinNotes(app)).toEqual(['api: 3 tasks in the cloud; 1 container locally.']);
    const files = renderLocalTwinFiles(app, options);
    expect(files.compose).toContain('# api: 3 tasks in the cloud; 1 container locally.');
    expect(parse(files.compose)).toEqual(renderLocalTwin(app, options).compose);
    expect(files.envExample).toBe(renderEnvExample(renderLocalTwin(app, options)));
  });
});

describe('Compose Specification schema', () => {
  test('a full application conforms, as an object and as YAML', () => {
    const compose = renderLocalTwin(shop(), options).compose;
    expect(composeSchemaErrors(compose)).toEqual([]);
    expect(composeSchemaErrors(composeToYaml(compose))).toEqual([]);
  });

  test('a minimal application conforms', () => {
    const compose = renderLocalTwin(application([service('api')]), options).compose;
    expect(composeSchemaErrors(composeToYaml(compose))).toEqual([]);
  });

  test('ECR images, jobs, exposed ports and read-only mounts conform', () => {
    const compose = renderLocalTwin(
      application(
        [
          job('seed', {
            image: { kind: 'ecr', repositoryName: 'shop/seed', digest: DIGEST },
            mounts: [{ volume: 'data', path: '/data', readOnly: true }],
            entrypoint: ['/bin/sh', '-c'],
            command: ['seed --price $5'],
            workingDirectory: '/work',
            user: '1000:1000',
            cpuArchitecture: 'arm64',
          }),
          service('api', {
            image: built('api', { file: 'Dockerfile.prod', target: 'runtime', buildArgs: { A: 'b' } }),
            ports: [
              { name: 'api-8080', containerPort: 8080, protocol: 'http' },
              { name: 'api-9090', containerPort: 9090, hostPort: 9090, protocol: 'grpc' },
            ],
            healthCheck: { ...HEALTH_CHECK, startPeriodSeconds: 10 },
            dependsOn: [on('seed', 'completed-successfully')],
            cpuArchitecture: 'arm64',
            cpu: 16384,
            memoryMiB: 122880,
          }),
        ],
        { volumes: [volume('data')] },
      ),
      options,
    ).compose;
    expect(composeSchemaErrors(compose)).toEqual([]);
    expect(composeSchemaErrors(composeToYaml(compose))).toEqual([]);
  });
});
