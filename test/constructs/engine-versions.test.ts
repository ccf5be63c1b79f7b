import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  Application,
  BrokerEngine,
  Cache,
  CacheEngine,
  DataService,
  Database,
  DatabaseEngine,
  DocumentDatabase,
  DocumentEngine,
  MessageBroker,
  SearchDomain,
  SearchEngine,
  ValidationError,
} from '../../constructs';
import { testApp } from '../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Every documented form of every database engine: a major, a minor of one, on an instance and on Aurora. */
const DATABASE_FORMS: [string, DatabaseEngine, boolean][] = [
  ...['13', '14', '15', '16', '17', '18', '16.4', '17.5'].flatMap(
    (v): [string, DatabaseEngine, boolean][] => [
      [`postgres ${v}`, DatabaseEngine.postgres(v), false],
      [`aurora postgres ${v}`, DatabaseEngine.postgres(v), true],
    ],
  ),
  ...['8.0', '8.4'].flatMap((v): [string, DatabaseEngine, boolean][] => [
    [`mysql ${v}`, DatabaseEngine.mysql(v), false],
    [`aurora mysql ${v}`, DatabaseEngine.mysql(v), true],
  ]),
  ['mysql 8.0.39', DatabaseEngine.mysql('8.0.39'), false],
  ['mysql 8.4.3', DatabaseEngine.mysql('8.4.3'), false],
  // MariaDB runs on RDS instances only.
  ...['10.11', '11.4', '11.8', '11.4.5'].map((v): [string, DatabaseEngine, boolean] => [
    `mariadb ${v}`,
    DatabaseEngine.mariadb(v),
    false,
  ]),
];

/** The other engines: each version they offer, and a patch release where the engine takes one. */
function otherDataServices(application: Application): DataService[] {
  return [
    ...['6.2', '7.0', '7.1', '7'].map(
      (v) => new Cache(application, `redis-${v.replace('.', '-')}`, { engine: CacheEngine.redis(v) }),
    ),
    ...['7.2', '8.0', '8.1', '8'].map(
      (v) => new Cache(application, `valkey-${v.replace('.', '-')}`, { engine: CacheEngine.valkey(v) }),
    ),
    ...['2.13', '2.19', '2.17.1'].map(
      (v) =>
        new SearchDomain(application, `search-${v.replace(/\./g, '-')}`, {
          engine: SearchEngine.openSearch(v),
        }),
    ),
    ...['3.13', '4.2'].map(
      (v) =>
        new MessageBroker(application, `mq-${v.replace('.', '-')}`, { engine: BrokerEngine.rabbitMq(v) }),
    ),
    ...['4.0', '5.0', '8.0'].map(
      (v) =>
        new DocumentDatabase(application, `docs-${v.replace('.', '-')}`, { engine: DocumentEngine.mongo(v) }),
    ),
  ];
}

/** The findings of aws-cdk-lib's built-in CloudFormation validator in a synthesized assembly. */
function validatorFindings(directory: string): any[] {
  const report = JSON.parse(fs.readFileSync(path.join(directory, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((p: { pluginName: string }) => p.pluginName !== 'Construct Annotations')
    .flatMap((p: { violations: unknown[] }) => p.violations);
}

/** The engine version a data service's template states. */
function cloudVersion(template: any, dataService: DataService): string {
  const resource = [
    (dataService as Database).instance,
    (dataService as Database).cluster,
    (dataService as Cache).replicationGroup,
    (dataService as SearchDomain).domain,
    (dataService as MessageBroker).broker,
    (dataService as DocumentDatabase).cluster,
  ].find((r) => r !== undefined)!;
  const child = (resource.node.defaultChild ?? resource) as any;
  return template.Resources[Stack.of(child).getLogicalId(child)].Properties.EngineVersion;
}

/**
 * Whether a local image tag runs the cloud engine's release: the same version with more or less detail
 * (`16` and `16.4`, `8.0` and `8.0.39`, `2.17.0` and `OpenSearch_2.17`), or ElastiCache Redis 7.1 against
 * upstream 7.2 (there is no upstream 7.1).
 */
function sameRelease(cloud: string, image: string): boolean {
  const c = cloud.replace(/^OpenSearch_/, '');
  const tag = image.split(':')[1].replace(/-management$/, '');
  if (image.startsWith('redis:') && c === '7.1') return tag === '7.2';
  return c === tag || c.startsWith(`${tag}.`) || tag.startsWith(`${c}.`);
}

describe('every documented engine version synthesizes with the CloudFormation validator on', () => {
  // One stack, one validator run, for all of them.
  const app = testApp({ cloudFormationValidation: true });
  const stack = new Stack(app, 'Engines');
  const application = new Application(stack, 'engines');
  const databases = DATABASE_FORMS.map(
    ([, engine, aurora], i) => new Database(application, `db${i}`, { engine, aurora }),
  );
  const dataServices: [string, DataService][] = [
    ...DATABASE_FORMS.map(([name], i): [string, DataService] => [name, databases[i]]),
    ...otherDataServices(application).map((d): [string, DataService] => [
      `${d.kind} ${d.toSpec().version}`,
      d,
    ]),
  ];
  let template: any;

  // The validator's findings are errors (cdk.json's @aws-cdk/core:validateAgainstDefaultRules): synth throws.
  beforeAll(() => {
    const assembly = app.synth();
    expect(validatorFindings(assembly.directory)).toEqual([]);
    template = assembly.getStackByName(stack.stackName).template;
  });

  test.each(dataServices)('%s: the local image runs the cloud version', (_name, dataService) => {
    const version = cloudVersion(template, dataService);
    const image = dataService.toSpec().local.image;
    expect({ version, image, same: sameRelease(version, image) }).toEqual({ version, image, same: true });
  });

  test('a major MySQL or MariaDB version on an RDS instance is a full release of that major', () => {
    const versions = DATABASE_FORMS.map(([name], i): [string, string] => [
      name,
      cloudVersion(template, databases[i]),
    ]).filter(([name]) => /^(mysql|mariadb) \d+\.\d+$/.test(name));
    expect(versions.length).toBe(5);
    for (const [name, version] of versions) {
      const major = name.split(' ')[1];
      expect(version).toMatch(new RegExp(`^${major.replace('.', '\\.')}\\.\\d+$`));
    }
  });
});

/** Every release aws-cdk-lib knows of an engine (its `*EngineVersion` constants). */
function catalogue(versions: object): string[] {
  return Object.values(versions)
    .filter((v) => v !== null && typeof v === 'object')
    .map((v) => Object.values(v as object)[0])
    .filter((v): v is string => typeof v === 'string');
}

// Aurora MySQL takes its majors only (the forms above): its releases are its own, not MySQL's.
test('every release the library accepts from aws-cdk-lib catalogue passes the validator', () => {
  const app = testApp({ cloudFormationValidation: true });
  const stack = new Stack(app, 'Releases');
  const accepted: string[] = [];
  const engines: [string, (v: string) => DatabaseEngine, object, boolean][] = [
    ['postgres', DatabaseEngine.postgres, rds.PostgresEngineVersion, false],
    ['aurora-postgresql', DatabaseEngine.postgres, rds.AuroraPostgresEngineVersion, true],
    ['mysql', DatabaseEngine.mysql, rds.MysqlEngineVersion, false],
    ['mariadb', DatabaseEngine.mariadb, rds.MariaDbEngineVersion, false],
  ];
  for (const [engine, make, versions, aurora] of engines) {
    for (const version of catalogue(versions)) {
      let resolved: string;
      try {
        resolved = make(version)._resolve('Releases', aurora).cloud;
      } catch (e) {
        if (e instanceof ValidationError) continue;
        throw e;
      }
      accepted.push(`${engine} ${version}`);
      const id = `${engine}-${version}`.replace(/[^A-Za-z0-9]/g, '');
      if (aurora) {
        new rds.CfnDBCluster(stack, id, {
          engine,
          engineVersion: resolved,
          storageEncrypted: true,
          serverlessV2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 2 },
        });
      } else {
        new rds.CfnDBInstance(stack, id, {
          engine,
          engineVersion: resolved,
          dbInstanceClass: 'db.t4g.micro',
          allocatedStorage: '20',
          storageEncrypted: true,
        });
      }
    }
  }
  const assembly = app.synth();
  // Each engine accepts more than its majors.
  for (const [engine] of engines) {
    expect(accepted.filter((a) => a.startsWith(`${engine} `)).length).toBeGreaterThan(2);
  }
  expect(validatorFindings(assembly.directory)).toEqual([]);
});
