import type {
  DependencyConditionName,
  HealthCheckSpec,
  LoadBalancerSpec,
  SecretSpec,
  VolumeSpec,
} from '../../../constructs/model/spec';
import { ModelReport, validateModel, WarningIds } from '../../../constructs/model/validate';
import {
  applicationSpec as application,
  jobSpec as job,
  serviceSpec as service,
  specPath as pathOf,
} from '../../support/spec-builders';

const APP = 'shop';

const HEALTH_CHECK: HealthCheckSpec = {
  probe: { kind: 'tcp', port: 8080 },
  test: ['CMD-SHELL', 'nc -z 127.0.0.1 8080 || exit 1'],
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 0,
};

const on = (target: string, condition: DependencyConditionName = 'started') => ({ target, condition });

const volume = (name: string): VolumeSpec => ({ name, path: pathOf(name), permissions: '755' });
const secret = (name: string): SecretSpec => ({
  name,
  source: { kind: 'generated', length: 32, excludePunctuation: true },
});

/** The only error of the report (fails when there are none or several). */
function onlyError(report: ModelReport) {
  expect(report.errors).toHaveLength(1);
  return report.errors[0];
}

const cycleErrors = (report: ModelReport) => report.errors.filter((e) => e.message.includes('cycle'));

describe('validateModel', () => {
  test('a valid model gives no errors and no warnings', () => {
    const report = validateModel(
      application(
        [
          service('web', {
            ports: [{ name: 'web-80', containerPort: 80, hostPort: 8080, protocol: 'http' }],
            dependsOn: [on('api', 'healthy')],
            environment: { API_URL: 'http://api:8080', APP_HOST: 'localhost', DB_PASSWORD: '' },
          }),
          service('api', {
            cpu: 512,
            memoryMiB: 1024,
            ports: [{ name: 'api-8080', containerPort: 8080, protocol: 'http' }],
            healthCheck: HEALTH_CHECK,
            dependsOn: [on('db', 'healthy'), on('migrate', 'completed-successfully')],
            secrets: { DB_PASSWORD: { secret: 'db', field: 'password', localVariable: 'DB_PASSWORD' } },
            mounts: [{ volume: 'uploads', path: '/srv/uploads', readOnly: false }],
          }),
          service('db', {
            ports: [{ name: 'db-5432', containerPort: 5432, hostPort: 5432, protocol: 'tcp' }],
            healthCheck: HEALTH_CHECK,
            mounts: [{ volume: 'data', path: '/var/lib/postgresql/data', readOnly: false }],
          }),
          job('migrate', { cpu: 512, memoryMiB: 1024, dependsOn: [on('db', 'healthy')] }),
        ],
        { volumes: [volume('data'), volume('uploads')], secrets: [secret('db')] },
      ),
    );
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  test('an empty application is valid', () => {
    expect(validateModel(application([]))).toEqual({ errors: [], warnings: [] });
  });

  test('duplicate workload names are rejected, naming the first owner', () => {
    const first = service('api');
    const second = { ...service('api'), path: pathOf('ApiAgain') };
    const error = onlyError(validateModel(application([first, second])));
    expect(error).toEqual({
      path: pathOf('ApiAgain'),
      prop: 'name',
      value: '"api"',
      message: `is already used by ${pathOf('api')}; workload names must be unique in an application`,
    });
  });

  test('a dependency on a workload that is not part of the application is rejected', () => {
    const error = onlyError(validateModel(application([service('web', { dependsOn: [on('ghost')] })])));
    expect(error).toEqual({
      path: pathOf('web'),
      prop: 'dependsOn[0]',
      value: '"ghost"',
      message: `is not part of application '${APP}'; depend only on its own services, jobs and data services`,
    });
  });

  test('a dependency on the workload itself is rejected once, and not as a cycle', () => {
    const error = onlyError(
      validateModel(application([service('api'), service('web', { dependsOn: [on('api'), on('web')] })])),
    );
    expect(error).toMatchObject({ path: pathOf('web'), prop: 'dependsOn[1]', value: '"web"' });
    expect(error.message).toContain('is the workload itself');
  });

  test("'healthy' on a target without health check is rejected", () => {
    const error = onlyError(
      validateModel(application([service('db'), service('api', { dependsOn: [on('db', 'healthy')] })])),
    );
    expect(error).toMatchObject({ path: pathOf('api'), prop: 'dependsOn[0]', value: '"db (healthy)"' });
    expect(error.message).toContain('has no health check');
  });

  test("'healthy' on a target with a health check is accepted", () => {
    const report = validateModel(
      application([
        service('db', { healthCheck: HEALTH_CHECK }),
        service('api', { dependsOn: [on('db', 'healthy')] }),
      ]),
    );
    expect(report.errors).toEqual([]);
  });

  test("'completed-successfully' on a service is rejected", () => {
    const error = onlyError(
      validateModel(
        application([service('db'), service('api', { dependsOn: [on('db', 'completed-successfully')] })]),
      ),
    );
    expect(error).toMatchObject({
      path: pathOf('api'),
      prop: 'dependsOn[0]',
      value: '"db (completed-successfully)"',
    });
    expect(error.message).toContain('it is a long-running service');
  });

  test("a job waiting for a service with 'completed-successfully' is rejected too", () => {
    const report = validateModel(
      application([
        service('db'),
        job('seed', { dependsOn: [on('db', 'completed-successfully')] }),
        service('api', { dependsOn: [on('seed', 'completed-successfully')] }),
      ]),
    );
    expect(onlyError(report)).toMatchObject({ path: pathOf('seed'), prop: 'dependsOn[0]' });
  });

  test("a service waiting for a job with 'started' is rejected", () => {
    const error = onlyError(
      validateModel(application([job('migrate'), service('api', { dependsOn: [on('migrate', 'started')] })])),
    );
    expect(error).toMatchObject({ path: pathOf('api'), prop: 'dependsOn[0]', value: '"migrate (started)"' });
    expect(error.message).toContain("must wait for job migrate with 'completed-successfully'");
  });

  test("a service waiting for a job with 'healthy' is rejected as such (and for the missing health check)", () => {
    const report = validateModel(
      application([job('migrate'), service('api', { dependsOn: [on('migrate', 'healthy')] })]),
    );
    expect(report.errors.map((e) => e.value)).toEqual(['"migrate (healthy)"', '"migrate (healthy)"']);
    expect(
      report.errors.some((e) =>
        e.message.includes("must wait for job migrate with 'completed-successfully'"),
      ),
    ).toBe(true);
  });

  test("a service waiting for a job with 'completed-successfully' is accepted", () => {
    const report = validateModel(
      application([job('migrate'), service('api', { dependsOn: [on('migrate', 'completed-successfully')] })]),
    );
    expect(report.errors).toEqual([]);
  });

  test('a job with more cpu than its dependent service is rejected', () => {
    const error = onlyError(
      validateModel(
        application([
          job('migrate', { cpu: 512, memoryMiB: 512 }),
          service('api', { dependsOn: [on('migrate', 'completed-successfully')] }),
        ]),
      ),
    );
    expect(error).toMatchObject({ path: pathOf('api'), prop: 'cpu', value: '"256 (memoryMiB 512)"' });
    expect(error.message).toContain(
      'the job migrate running inside its tasks in the cloud need (cpu 512, memoryMiB 512)',
    );
  });

  test('a job with more memory than its dependent service is rejected', () => {
    const error = onlyError(
      validateModel(
        application([
          job('migrate', { cpu: 256, memoryMiB: 1024 }),
          service('api', { dependsOn: [on('migrate', 'completed-successfully')] }),
        ]),
      ),
    );
    expect(error).toMatchObject({ path: pathOf('api'), prop: 'cpu', value: '"256 (memoryMiB 512)"' });
    expect(error.message).toContain('need (cpu 256, memoryMiB 1024)');
  });

  test('a job exactly as large as its dependent service is accepted', () => {
    const report = validateModel(
      application([
        job('migrate', { cpu: 1024, memoryMiB: 2048 }),
        service('api', { cpu: 1024, memoryMiB: 2048, dependsOn: [on('migrate', 'completed-successfully')] }),
      ]),
    );
    expect(report.errors).toEqual([]);
  });

  test('a job that runs inside a service task through another job may not exceed that service either', () => {
    // The cloud twin attaches a job and the jobs it depends on to every task of the dependent service
    // (Job._attachTo), so 'seed' runs in the tasks of 'api' although 'api' does not name it.
    const report = validateModel(
      application([
        job('seed', { cpu: 1024, memoryMiB: 2048 }),
        job('migrate', { dependsOn: [on('seed', 'completed-successfully')] }),
        service('api', { dependsOn: [on('migrate', 'completed-successfully')] }),
      ]),
    );
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0].path).toBe(pathOf('api'));
    expect(report.errors[0].message).toContain(
      'the jobs migrate, seed running inside its tasks in the cloud need (cpu 1280, memoryMiB 2560)',
    );
  });

  test('the jobs of one task count together against its size', () => {
    // ECS adds up the container-level sizes of a task's containers: two jobs of 256 do not fit a 256 task.
    const report = validateModel(
      application([
        job('seed'),
        job('migrate'),
        service('api', {
          dependsOn: [on('migrate', 'completed-successfully'), on('seed', 'completed-successfully')],
        }),
      ]),
    );
    expect(report.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'the jobs migrate, seed running inside its tasks in the cloud need (cpu 512, memoryMiB 1024)',
      ),
    ]);
  });

  test('a mount of a volume that is not part of the application is rejected', () => {
    const error = onlyError(
      validateModel(
        application([service('db', { mounts: [{ volume: 'data', path: '/data', readOnly: false }] })], {
          volumes: [volume('other')],
        }),
      ),
    );
    expect(error).toEqual({
      path: pathOf('db'),
      prop: 'mounts[0].volume',
      value: '"data"',
      message: `is not a volume of application '${APP}'`,
    });
  });

  test('a path mounted twice in one workload is rejected', () => {
    const error = onlyError(
      validateModel(
        application(
          [
            service('db', {
              mounts: [
                { volume: 'data', path: '/data', readOnly: false },
                { volume: 'backup', path: '/data', readOnly: true },
              ],
            }),
          ],
          { volumes: [volume('data'), volume('backup')] },
        ),
      ),
    );
    expect(error).toMatchObject({ path: pathOf('db'), prop: 'mounts[1].path', value: '"/data"' });
    expect(error.message).toContain('mount each path once');
  });

  test('the same path in two different workloads is fine', () => {
    const mounts = [{ volume: 'data', path: '/data', readOnly: false }];
    const report = validateModel(
      application([service('a', { mounts }), service('b', { mounts })], { volumes: [volume('data')] }),
    );
    expect(report.errors).toEqual([]);
  });

  test('a secret that is not part of the application is rejected', () => {
    const error = onlyError(
      validateModel(
        application([
          service('api', {
            secrets: { DB_PASSWORD: { secret: 'db', field: 'password', localVariable: 'DB_PASSWORD' } },
          }),
        ]),
      ),
    );
    expect(error).toEqual({
      path: pathOf('api'),
      prop: 'secrets.DB_PASSWORD',
      value: '"db"',
      message: `is not a secret of application '${APP}'`,
    });
  });

  test('two secrets read from one local variable are rejected; one secret read twice is not', () => {
    const apiKey = { secret: 'api', localVariable: 'API_KEY' };
    const key = { secret: 'keys', field: 'key', localVariable: 'API_KEY' };
    const error = onlyError(
      validateModel(
        application(
          [
            service('web', { secrets: { KEY: apiKey } }),
            service('worker', { secrets: { KEY: apiKey, OTHER: key } }),
          ],
          { secrets: [secret('api'), secret('keys')] },
        ),
      ),
    );
    expect(error).toEqual({
      path: pathOf('worker'),
      prop: 'secrets.OTHER',
      value: '"API_KEY"',
      message:
        "is the local variable of secret 'keys' (field 'key') and of secret 'api'; locally one variable holds one value, so give one of them another localVariable",
    });
  });

  test('a key both in environment and secrets is rejected', () => {
    const error = onlyError(
      validateModel(
        application(
          [
            service('api', {
              environment: { DB_PASSWORD: '' },
              secrets: { DB_PASSWORD: { secret: 'db', localVariable: 'DB_PASSWORD' } },
            }),
          ],
          { secrets: [secret('db')] },
        ),
      ),
    );
    expect(error).toMatchObject({ path: pathOf('api'), prop: 'secrets.DB_PASSWORD', value: '"DB_PASSWORD"' });
    expect(error.message).toContain('is also a plain environment variable');
  });

  test('a secret key that is also an Object.prototype member is not mistaken for an environment variable', () => {
    // Environment names such as `toString` or `constructor` are valid (ENV_NAME_PATTERN); the environment
    // here has no such key.
    const report = validateModel(
      application(
        [
          service('api', {
            environment: { APP_HOST: 'localhost' },
            secrets: {
              toString: { secret: 'db', localVariable: 'DB_TOSTRING' },
              constructor: { secret: 'db', localVariable: 'DB_CONSTRUCTOR' },
            },
          }),
        ],
        { secrets: [secret('db')] },
      ),
    );
    expect(report.errors).toEqual([]);
  });

  test('a host port published twice across workloads is rejected, naming the first publisher', () => {
    const error = onlyError(
      validateModel(
        application([
          service('a', { ports: [{ name: 'a-80', containerPort: 80, hostPort: 8080, protocol: 'http' }] }),
          service('b', { ports: [{ name: 'b-3000', containerPort: 3000, hostPort: 8080, protocol: 'tcp' }] }),
        ]),
      ),
    );
    expect(error).toEqual({
      path: pathOf('b'),
      prop: 'ports',
      value: '"host port 8080"',
      message: `is already published by ${pathOf('a')}; each host port can be published once locally`,
    });
  });

  test('the same container port without host ports in several workloads is fine', () => {
    const ports = (name: string) => [{ name: `${name}-80`, containerPort: 80, protocol: 'tcp' as const }];
    const report = validateModel(
      application([service('a', { ports: ports('a') }), service('b', { ports: ports('b') })]),
    );
    expect(report.errors).toEqual([]);
  });

  test("a 2-cycle is reported once, as 'a -> b -> a'", () => {
    const report = validateModel(
      application([service('b', { dependsOn: [on('a')] }), service('a', { dependsOn: [on('b')] })]),
    );
    expect(report.errors).toEqual([
      {
        path: pathOf('a'),
        prop: 'dependsOn',
        value: '"a -> b -> a"',
        message: 'is a dependency cycle; nothing in it could ever start',
      },
    ]);
  });

  test('a 3-cycle is reported once, starting at its alphabetically first member', () => {
    const report = validateModel(
      application([
        service('web', { dependsOn: [on('api')] }),
        service('db', { dependsOn: [on('web')] }),
        service('api', { dependsOn: [on('db')] }),
      ]),
    );
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      path: pathOf('api'),
      prop: 'dependsOn',
      value: '"api -> db -> web -> api"',
    });
  });

  test('a cycle is reported the same whatever order the workloads are listed in', () => {
    const workloads = [
      service('c', { dependsOn: [on('a')] }),
      service('a', { dependsOn: [on('b')] }),
      service('b', { dependsOn: [on('c')] }),
    ];
    const forward = validateModel(application(workloads));
    const backward = validateModel(application([...workloads].reverse()));
    expect(cycleErrors(forward).map((e) => e.value)).toEqual(['"a -> b -> c -> a"']);
    expect(backward.errors).toEqual(forward.errors);
  });

  test('two separate cycles are both reported', () => {
    const report = validateModel(
      application([
        service('a', { dependsOn: [on('b')] }),
        service('b', { dependsOn: [on('a')] }),
        service('x', { dependsOn: [on('y')] }),
        service('y', { dependsOn: [on('x')] }),
      ]),
    );
    expect(cycleErrors(report).map((e) => e.value)).toEqual(['"a -> b -> a"', '"x -> y -> x"']);
  });

  test('cycles that share workloads are reported as one group naming every member', () => {
    // a -> b -> c -> a and a -> c -> a: fixing one still leaves the other, so the report names the whole
    // group that waits on each other, with its shortest cycle.
    const report = validateModel(
      application([
        service('a', { dependsOn: [on('b'), on('c')] }),
        service('b', { dependsOn: [on('c')] }),
        service('c', { dependsOn: [on('a')] }),
      ]),
    );
    const errors = cycleErrors(report);
    expect(errors.map((e) => e.value)).toEqual(['"a -> c -> a"']);
    expect(errors[0].message).toContain('(a, b, c all wait on each other)');
  });

  test('a chain without a loop is not a cycle', () => {
    const report = validateModel(
      application([
        service('a', { dependsOn: [on('b'), on('c')] }),
        service('b', { dependsOn: [on('c')] }),
        service('c'),
      ]),
    );
    expect(report.errors).toEqual([]);
  });

  test('several problems are reported together in one run', () => {
    const report = validateModel(
      application(
        [
          service('api', {
            dependsOn: [on('ghost')],
            mounts: [{ volume: 'missing', path: '/data', readOnly: false }],
            secrets: { TOKEN: { secret: 'nope', localVariable: 'TOKEN' } },
            ports: [{ name: 'api-80', containerPort: 80, hostPort: 80, protocol: 'tcp' }],
          }),
          service('web', {
            ports: [{ name: 'web-80', containerPort: 80, hostPort: 80, protocol: 'tcp' }],
            dependsOn: [on('worker')],
          }),
          service('worker', { dependsOn: [on('web')] }),
        ],
        { volumes: [volume('data')], secrets: [secret('db')] },
      ),
    );
    expect(report.errors.map((e) => `${e.path} ${e.prop}`)).toEqual([
      `${pathOf('api')} dependsOn[0]`,
      `${pathOf('api')} mounts[0].volume`,
      `${pathOf('api')} secrets.TOKEN`,
      `${pathOf('web')} ports`,
      `${pathOf('web')} dependsOn`,
    ]);
    expect(report.errors[4].value).toBe('"web -> worker -> web"');
  });

  describe('warnings', () => {
    test.each([
      'DB_PASSWORD',
      'API_TOKEN',
      'SECRET_KEY',
      'aws_secret_access_key',
      'SMTP_PASSWD',
      'GCP_CREDENTIALS',
    ])('a literal value under %s looks like a secret', (key) => {
      const report = validateModel(application([service('api', { environment: { [key]: 'hunter2' } })]));
      expect(report.errors).toEqual([]);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatchObject({ id: WarningIds.ENV_LOOKS_LIKE_SECRET, path: pathOf('api') });
      expect(report.warnings[0].message).toContain(`environment.${key}`);
      expect(report.warnings[0].message).not.toContain('hunter2');
    });

    test('warning ids are stable', () => {
      expect(WarningIds.ENV_LOOKS_LIKE_SECRET).toBe('twinstack:env-looks-like-secret');
      expect(WarningIds.JOB_WITHOUT_DEPENDENTS).toBe('twinstack:job-without-dependents');
    });

    test('one warning per credential-like key', () => {
      const report = validateModel(
        application([
          service('api', {
            environment: { DB_PASSWORD: 'x', API_TOKEN: 'y', SECRET_KEY: 'z', APP_HOST: 'h' },
          }),
        ]),
      );
      expect(report.warnings.map((w) => w.id)).toEqual([
        WarningIds.ENV_LOOKS_LIKE_SECRET,
        WarningIds.ENV_LOOKS_LIKE_SECRET,
        WarningIds.ENV_LOOKS_LIKE_SECRET,
      ]);
    });

    test('an empty value under a credential-like key is not flagged', () => {
      const report = validateModel(application([service('api', { environment: { DB_PASSWORD: '' } })]));
      expect(report.warnings).toEqual([]);
    });

    test('an unrelated key is not flagged', () => {
      const report = validateModel(
        application([
          service('api', { environment: { APP_HOST: 'localhost', PORT: '8080', LOG_LEVEL: 'debug' } }),
        ]),
      );
      expect(report.warnings).toEqual([]);
    });

    test('a credential passed as a secret is not flagged', () => {
      const report = validateModel(
        application(
          [service('api', { secrets: { DB_PASSWORD: { secret: 'db', localVariable: 'DB_PASSWORD' } } })],
          { secrets: [secret('db')] },
        ),
      );
      expect(report).toEqual({ errors: [], warnings: [] });
    });

    test('a job nothing depends on is flagged', () => {
      const report = validateModel(application([job('cleanup'), service('api')]));
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([
        {
          id: WarningIds.JOB_WITHOUT_DEPENDENTS,
          path: pathOf('cleanup'),
          message: expect.stringContaining(
            "job 'cleanup' runs locally, but no service of the cloud twin waits for it",
          ),
        },
      ]);
    });

    test('a load balancer without routes is flagged; one with a route is not', () => {
      const lb = (name: string, routes: LoadBalancerSpec['routes']): LoadBalancerSpec => ({
        name,
        path: pathOf(name),
        internetFacing: true,
        httpPort: 80,
        localPort: name === 'web' ? 80 : 8080,
        localProxyImage: 'nginx:1.27-alpine',
        routes,
      });
      const route = {
        name: 'site',
        path: pathOf('admin/site'),
        service: 'api',
        port: 8080,
        conditions: { pathPatterns: [], hostHeaders: [], httpHeaders: {}, queryStrings: [] },
        healthCheck: { path: '/', healthyHttpCodes: '200-399' },
      } as unknown as LoadBalancerSpec['routes'][number];
      const report = validateModel(
        application(
          [service('api', { ports: [{ name: 'api-8080', containerPort: 8080, protocol: 'http' }] })],
          {
            loadBalancers: [lb('web', []), lb('admin', [route])],
          },
        ),
      );
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([
        {
          id: WarningIds.LOAD_BALANCER_WITHOUT_ROUTES,
          path: pathOf('web'),
          message: expect.stringContaining("load balancer 'web' has no routes"),
        },
      ]);
    });

    test('a job a service depends on is not flagged', () => {
      const report = validateModel(
        application([
          job('migrate'),
          service('api', { dependsOn: [on('migrate', 'completed-successfully')] }),
        ]),
      );
      expect(report.warnings).toEqual([]);
    });
  });
});
