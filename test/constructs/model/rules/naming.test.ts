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

describe('a declared local data volume (localVolumeName)', () => {
  const withVolume = (name: string, volumeName: string, dataPath = true): DataServiceSpec => {
    const ds = dataService(name);
    const local = { ...ds.local, volumeName } as {
      -readonly [K in keyof typeof ds.local]: (typeof ds.local)[K];
    };
    if (!dataPath) delete local.dataPath;
    return { ...ds, local };
  };

  test('is accepted when it is a compose volume name no other volume has', () => {
    const report = validateModel({
      ...applicationSpec([], { volumes: [{ name: 'uploads', path: specPath('v'), permissions: '755' }] }),
      dataServices: [withVolume('db', 'db_data.v2'), dataService('other')],
    });
    expect(report.errors).toEqual([]);
  });

  test.each(['-db', 'db data', 'db/data', '', 'd'.repeat(64), '${VOLUME}'])(
    'a name compose cannot take, %j, is rejected',
    (volumeName) => {
      const errors = validateModel({
        ...applicationSpec([]),
        dataServices: [withVolume('db', volumeName)],
      }).errors;
      expect(errors).toEqual([
        {
          path: specPath('db'),
          prop: 'localVolumeName',
          value: expect.stringContaining(JSON.stringify(volumeName).slice(0, 40)),
          message: expect.stringContaining('is not a compose volume name'),
        },
      ]);
    },
  );

  test("another data service's volume is rejected", () => {
    const errors = validateModel({
      ...applicationSpec([]),
      dataServices: [dataService('db'), withVolume('reports', 'db-data')],
    }).errors;
    expect(errors).toEqual([
      {
        path: specPath('reports'),
        prop: 'localVolumeName',
        value: '"db-data"',
        message: expect.stringContaining(`is already used by ${specPath('db')}`),
      },
    ]);
  });

  test("an application volume's name is rejected", () => {
    const errors = validateModel({
      ...applicationSpec([], { volumes: [{ name: 'pgdata', path: specPath('pgdata'), permissions: '755' }] }),
      dataServices: [withVolume('db', 'pgdata')],
    }).errors;
    expect(errors.map((e) => [e.path, e.prop, e.value])).toEqual([[specPath('pgdata'), 'name', '"pgdata"']]);
  });

  test('a stand-in without data to keep is rejected', () => {
    const errors = validateModel({
      ...applicationSpec([]),
      dataServices: [withVolume('db', 'db-volume', false)],
    }).errors;
    expect(errors).toEqual([
      {
        path: specPath('db'),
        prop: 'localVolumeName',
        value: '"db-volume"',
        message: expect.stringContaining('this stand-in keeps none'),
      },
    ]);
  });

  test('the constructors reject a clash whichever comes first', () => {
    const first = new Application(testStack(), 'shop');
    new Database(first, 'db', { engine: DatabaseEngine.postgres('16'), localVolumeName: 'pgdata' });
    expectValidationError(() => new Volume(first, 'pgdata'), 'shop/pgdata: name "pgdata" is already used by');
    expectValidationError(
      () => new Database(first, 'db2', { engine: DatabaseEngine.postgres('16'), localVolumeName: 'pgdata' }),
      'shop/db2: localVolumeName "pgdata" is already used by',
      'shop/db',
    );
    const second = new Application(testStack(), 'shop');
    new Volume(second, 'pgdata');
    expectValidationError(
      () => new Database(second, 'db', { engine: DatabaseEngine.postgres('16'), localVolumeName: 'pgdata' }),
      'shop/db: localVolumeName "pgdata" is already used by',
      'shop/pgdata',
    );
  });
});
