import { Template } from 'aws-cdk-lib/assertions';
import { AirflowStack } from '../../../lib/examples';
import { environmentOf, synthesizeExample, taskContainers } from './example-twins';
import { composeSchemaErrors } from '../../support/compose-schema';

/* eslint-disable @typescript-eslint/no-explicit-any */

// One synthesis (the validator, cdk-nag, Control Tower and parity run in all-examples.test.ts).
let template: Template;
let composeText: string;
let compose: any;

beforeAll(() => {
  ({ template, composeText, compose } = synthesizeExample((app) => new AirflowStack(app, 'Airflow')));
});

const containers = (): Record<string, any> => taskContainers(template);
const COMPONENTS = [
  'airflow-apiserver',
  'airflow-dag-processor',
  'airflow-scheduler',
  'airflow-triggerer',
  'airflow-worker',
  'flower',
];

describe('Airflow local twin', () => {
  test('matches the snapshot', () => {
    expect(composeText).toMatchSnapshot();
  });

  test('passes the Compose Specification schema', () => {
    expect(composeSchemaErrors(composeText)).toEqual([]);
  });

  test("has the original's services; Flower only with its profile", () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...COMPONENTS, 'airflow-init', 'postgres', 'public', 'redis'].sort(),
    );
    expect(compose.services.flower.profiles).toEqual(['flower']);
    expect(compose.services['airflow-worker'].profiles).toBeUndefined();
  });

  test('the DAGs and plugins are bind-mounted from the project, so an edited DAG needs no rebuild', () => {
    for (const name of [...COMPONENTS, 'airflow-init']) {
      const binds = compose.services[name].volumes.filter((v: any) => v.type === 'bind');
      expect(binds.map((v: any) => [v.source, v.target])).toEqual([
        ['./lib/examples/airflow/image/dags', '/opt/airflow/dags'],
        ['./lib/examples/airflow/image/plugins', '/opt/airflow/plugins'],
      ]);
    }
  });

  test('every component waits for the migration, and the components for the API server', () => {
    for (const name of COMPONENTS) {
      expect(compose.services[name].depends_on['airflow-init']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
    for (const name of COMPONENTS.filter((n) => n !== 'airflow-apiserver')) {
      expect(compose.services[name].depends_on['airflow-apiserver']).toEqual({
        condition: 'service_healthy',
      });
    }
  });

  test("start-time variables keep the original's defaults; restart always", () => {
    const env = compose.services['airflow-scheduler'].environment;
    expect(env._PIP_ADDITIONAL_REQUIREMENTS).toBe('${_PIP_ADDITIONAL_REQUIREMENTS:-}');
    expect(env.AIRFLOW__CORE__LOAD_EXAMPLES).toBe('${AIRFLOW__CORE__LOAD_EXAMPLES:-false}');
    expect(compose.services['airflow-scheduler'].restart).toBe('always');
    expect(compose.services['airflow-init'].restart).toBe('no');
  });

  test('the worker has time for a warm shutdown', () => {
    expect(compose.services['airflow-worker'].stop_grace_period).toBe('120s');
  });

  test("the connection URLs have the original's schemes and Redis database", () => {
    const password = (v: string) => `\${${v}:?set ${v} in .env}`;
    for (const name of [...COMPONENTS, 'airflow-init']) {
      const env = compose.services[name].environment;
      expect(env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN).toBe(
        `postgresql+psycopg2://postgres:${password('POSTGRES_PASSWORD')}@postgres:5432/airflow`,
      );
      expect(env.AIRFLOW__CELERY__RESULT_BACKEND).toBe(
        `db+postgresql://postgres:${password('POSTGRES_PASSWORD')}@postgres:5432/airflow`,
      );
      expect(env.AIRFLOW__CELERY__BROKER_URL).toBe(`redis://:${password('REDIS_PASSWORD')}@redis:6379/0`);
    }
  });
});

describe('Airflow cloud twin', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('runs the image with the DAGs baked in, mounting nothing at the bind-mounted paths', () => {
    const c = containers();
    for (const name of COMPONENTS.filter((n) => n !== 'flower')) {
      const paths = (c[name].MountPoints ?? []).map((m: any) => m.ContainerPath);
      expect(paths).not.toContain('/opt/airflow/dags');
      expect(paths).not.toContain('/opt/airflow/plugins');
    }
  });

  test('the migration runs once per deployment as its own task, and the worker stops in 120 s', () => {
    const c = containers();
    expect(environmentOf(c['airflow-init'])).toMatchObject({
      _AIRFLOW_DB_MIGRATE: 'true',
      _AIRFLOW_WWW_USER_USERNAME: 'airflow',
    });
    expect(c['airflow-worker'].StopTimeout).toBe(120);
    expect(environmentOf(c['airflow-scheduler'])._PIP_ADDITIONAL_REQUIREMENTS).toBe('');
  });

  test('the connection URLs are secrets CloudFormation builds, with TLS to ElastiCache', () => {
    const secretStrings = Object.fromEntries(
      Object.values(template.findResources('AWS::SecretsManager::Secret'))
        .filter((r: any) => r.Properties.SecretString?.['Fn::Join'])
        .map((r: any) => {
          const parts = r.Properties.SecretString['Fn::Join'][1] as any[];
          const text = parts.map((p) => (typeof p === 'string' ? p : '{}')).join('');
          return [text.slice(0, text.indexOf('://')), text];
        }),
    );
    expect(Object.keys(secretStrings).sort()).toEqual(['db+postgresql', 'postgresql+psycopg2', 'rediss']);
    expect(secretStrings['postgresql+psycopg2']).toMatch(
      /^postgresql\+psycopg2:\/\/postgres:\{\{resolve:.*\/airflow$/,
    );
    expect(secretStrings['db+postgresql']).toMatch(/\/airflow$/);
    expect(secretStrings.rediss).toMatch(
      /^rediss:\/\/:\{\{resolve:.*\}\}@\{\}:\{\}\/0\?ssl_cert_reqs=required$/,
    );
    for (const name of COMPONENTS.filter((n) => n !== 'flower')) {
      expect((containers()[name].Secrets as any[]).map((x) => x.Name)).toEqual(
        expect.arrayContaining([
          'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN',
          'AIRFLOW__CELERY__RESULT_BACKEND',
          'AIRFLOW__CELERY__BROKER_URL',
        ]),
      );
    }
  });

  test('Flower is not in the cloud twin: its profile is not enabled', () => {
    expect(containers().flower).toBeUndefined();
  });
});
