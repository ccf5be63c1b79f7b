import { Application, Database, DatabaseEngine, Volume } from '../../../../constructs';
import type { DataServiceSpec } from '../../../../constructs/model/spec';
import { validateModel } from '../../../../constructs/model/validate';
import { expectValidationError } from '../../../support/errors';
import { applicationSpec, specPath } from '../../../support/spec-builders';
import { testStack } from '../../../support/test-app';

const dataService = (name: string): DataServiceSpec => ({
  name,
  path: specPath(name),
  kind: 'postgres',
  version: '16',
  cloud: 'RDS PostgreSQL 16',
  local: {
    image: 'postgres:16',
    port: 5432,
    environment: {},
    secrets: {},
    healthCheck: {
      probe: { kind: 'tcp', port: 5432 },
      test: ['CMD-SHELL', 'pg_isready'],
      intervalSeconds: 5,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 0,
    },
    dataPath: '/var/lib/postgresql/data',
  },
  values: { host: name, port: 5432, scheme: 'postgres' },
});

describe("volumes named like a data service's local data volume", () => {
  test('volume db-data and data service db would share one compose volume: rejected', () => {
    const errors = validateModel({
      ...applicationSpec([], {
        volumes: [{ name: 'db-data', path: specPath('db-data'), permissions: '755' }],
      }),
      dataServices: [dataService('db')],
    }).errors;
    expect(errors).toEqual([
      {
        path: specPath('db-data'),
        prop: 'name',
        value: '"db-data"',
        message: expect.stringContaining(`is already used by ${specPath('db')}`),
      },
    ]);
    expect(errors[0].message).toContain('local data volume');
  });

  test('the constructors reject it whichever comes first', () => {
    const first = new Application(testStack(), 'shop');
    new Database(first, 'db', { engine: DatabaseEngine.postgres('16') });
    expectValidationError(
      () => new Volume(first, 'db-data'),
      'shop/db-data: name "db-data" is already used by',
    );
    const second = new Application(testStack(), 'shop');
    new Volume(second, 'db-data');
    expectValidationError(
      () => new Database(second, 'db', { engine: DatabaseEngine.postgres('16') }),
      'is already used by',
    );
  });

  test('other volume names are fine', () => {
    const report = validateModel({
      ...applicationSpec([], { volumes: [{ name: 'db-backup', path: specPath('v'), permissions: '755' }] }),
      dataServices: [dataService('db')],
    });
    expect(report.errors).toEqual([]);
  });
});
