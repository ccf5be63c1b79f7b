import * as fs from 'fs';
import * as path from 'path';
import {
  Application,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  Image,
  Secret,
  Service,
} from '../../../../constructs';
import type { DataServiceSpec, SecretReferenceSpec, SecretSpec } from '../../../../constructs/model/spec';
import { validateModel } from '../../../../constructs/model/validate';
import { renderLocalTwin } from '../../../../constructs/compose/compose-renderer';
import { expectValidationError } from '../../../support/errors';
import { applicationSpec, serviceSpec, specPath } from '../../../support/spec-builders';
import { PROJECT_ROOT, testStack } from '../../../support/test-app';
import {
  LOCAL_TWIN_VARIABLES,
  SHELL_VARIABLE_PREFIXES,
  SHELL_VARIABLES,
} from '../../../../constructs/model/rules/local-variables';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const secret = (name: string): SecretSpec => ({ name, source: { kind: 'imported', secretName: name } });
const ref = (localVariable: string): SecretReferenceSpec => ({ secret: 'user', localVariable });

/** The errors the whole-model rules report for one service reading secret `user` from `localVariable`. */
function errorsFor(localVariable: string) {
  return validateModel(
    applicationSpec([serviceSpec('api', { secrets: { APP_USER: ref(localVariable) } })], {
      secrets: [secret('user')],
    }),
  ).errors;
}

describe('local variables the local twin or the shell already set', () => {
  test.each(['AWS_REGION', 'AWS_ACCOUNT_ID'])(
    'a secret read from %s, which the local twin reads for its ECR images, is rejected',
    (variable) => {
      expect(errorsFor(variable)).toEqual([
        {
          path: specPath('api'),
          prop: 'secrets.APP_USER',
          value: JSON.stringify(variable),
          message: expect.stringContaining('by the local twin itself'),
        },
      ]);
    },
  );

  test.each(['USER', 'HOME', 'PATH', 'SHELL', 'LANG', 'LC_ALL', 'TERM', 'TZ', '_', 'SSH_AUTH_SOCK'])(
    'a secret read from %s, which a shell sets and Compose prefers to .env, is rejected',
    (variable) => {
      const [error] = errorsFor(variable);
      expect(error).toMatchObject({ prop: 'secrets.APP_USER', value: JSON.stringify(variable) });
      expect(error.message).toContain('the shell');
      expect(error.message).toContain('Compose prefers that value to .env');
      expect(error.message).toContain("localVariable: 'APP_");
    },
  );

  test.each(['COMPOSE_PROJECT_NAME', 'COMPOSE_PASSWORD', 'DOCKER_HOST', 'DOCKER_PASSWORD', 'AWS_PROFILE'])(
    'a secret read from %s, a variable Compose, Docker or the AWS tools read, is rejected',
    (variable) => expect(errorsFor(variable)).toHaveLength(1),
  );

  test('the comparison ignores case: Windows reads the environment case-insensitively', () => {
    expect(errorsFor('Path')).toHaveLength(1);
  });

  test.each(['A.B', 'A-B'])(
    'a variable Compose cannot interpolate (%s) is rejected: ${A-B} is read as A with default B',
    (variable) => {
      const [error] = errorsFor(variable);
      expect(error.message).toContain('Compose cannot interpolate');
      expect(error.message).toContain("localVariable: 'A_B'");
    },
  );

  test('variables of the application itself are accepted', () => {
    for (const v of ['APP_USER', 'USERNAME_X', 'DB_PASSWORD', 'PGPASSWORD', 'HOMEPAGE_TOKEN', 'LCX'])
      expect(errorsFor(v)).toEqual([]);
  });

  test("a data service's local secrets are checked too", () => {
    const ds = {
      name: 'docker',
      path: specPath('docker'),
      kind: 'redis',
      version: '7.1',
      cloud: 'ElastiCache',
      local: {
        image: 'redis:7.1',
        port: 6379,
        environment: {},
        secrets: { CACHE_PASSWORD: ref('DOCKER_PASSWORD') },
        healthCheck: {
          probe: { kind: 'tcp', port: 6379 },
          test: ['CMD-SHELL', 'true'],
          intervalSeconds: 5,
          timeoutSeconds: 5,
          retries: 3,
          startPeriodSeconds: 0,
        },
      },
      values: { host: 'docker', port: 6379, scheme: 'redis' },
    } satisfies DataServiceSpec;
    const errors = validateModel({
      ...applicationSpec([], { secrets: [secret('user')] }),
      dataServices: [ds],
    }).errors;
    expect(errors).toEqual([
      expect.objectContaining({
        path: specPath('docker'),
        prop: 'local.secrets.CACHE_PASSWORD',
        value: '"DOCKER_PASSWORD"',
      }),
    ]);
  });

  test('every variable the local twin reads for itself is one the rule reserves', () => {
    // An ECR image of a stack whose account and region are not known at synth time: the compose file
    // reads both from .env.
    const twin = renderLocalTwin(
      applicationSpec([serviceSpec('api', { image: { kind: 'ecr', repositoryName: 'api', tag: '1' } })]),
      { outputDirectory: path.resolve('/projects/shop') },
    );
    const read = [...JSON.stringify(twin.compose).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const variable of new Set(read)) {
      const [error] = errorsFor(variable);
      expect(error?.message).toContain('by the local twin itself');
    }
  });
});

test('the README lists every variable the rule reserves', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const v of [...LOCAL_TWIN_VARIABLES, ...SHELL_VARIABLES]) expect(readme).toContain(`\`${v}\``);
  for (const p of SHELL_VARIABLE_PREFIXES) expect(readme).toContain(`\`${p}*\``);
});

describe('the eager checks share the rule', () => {
  const newApplication = () => new Application(testStack(), 'shop');

  test("a secret whose default variable is the shell's (id User: ${USER}) is rejected when it is read", () => {
    const application = newApplication();
    const user = Secret.fromSecretName(application, 'User', 'shop/user');
    expectValidationError(
      () => new Service(application, 'api', { image: IMAGE, secrets: { APP_USER: user.value() } }),
      'shop/User: localVariable "USER" is set in the environment Compose runs in (USER: by the shell',
      "localVariable: 'APP_USER'",
    );
  });

  test('a field read from such a variable is rejected, and another localVariable fixes it', () => {
    const application = newApplication();
    const db = Secret.fromSecretName(application, 'Db', 'shop/db', { localVariablePrefix: '' });
    expectValidationError(() => db.field('home'), 'localVariable "HOME"');
    expect(db.field('home', { localVariable: 'DB_HOME' }).localVariable).toBe('DB_HOME');
  });

  test('an explicit localVariable the local twin reserves is rejected at once', () => {
    const application = newApplication();
    expectValidationError(
      () => Secret.generate(application, 'Region', { localVariable: 'AWS_REGION' }),
      'shop/Region: localVariable "AWS_REGION"',
      'by the local twin itself',
    );
    expectValidationError(
      () => Secret.generate(application, 'Dotted', { localVariable: 'A.B' }),
      'Compose cannot interpolate',
    );
  });

  test('a prefix that makes every field a variable of Compose or Docker is rejected at once', () => {
    const application = newApplication();
    expectValidationError(
      () => Secret.fromSecretName(application, 'Db', 'shop/db', { localVariablePrefix: 'DOCKER_' }),
      'shop/Db: localVariablePrefix "DOCKER_"',
    );
  });

  test('a secret whose default variable is reserved but that is only read by field is fine', () => {
    const application = newApplication();
    const user = Secret.fromSecretName(application, 'User', 'shop/user');
    new Service(application, 'api', { image: IMAGE, secrets: { APP_USER: user.field('name') } });
    expect(application.validate().errors).toEqual([]);
  });

  test('a data service named after a Docker variable prefix cannot read its password from .env', () => {
    const application = newApplication();
    expectValidationError(
      () => new Database(application, 'docker', { engine: DatabaseEngine.postgres('16') }),
      'localVariable "DOCKER_PASSWORD"',
    );
    expectValidationError(
      () => new Cache(application, 'compose', { engine: CacheEngine.redis('7.1') }),
      'localVariable "COMPOSE_PASSWORD"',
    );
  });
});
