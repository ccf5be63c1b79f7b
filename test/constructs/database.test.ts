import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NIST80053R5Checks } from 'cdk-nag';
import {
  Application,
  ComposeDocument,
  ComposeService,
  Database,
  DatabaseEngine,
  DatabaseProps,
  Image,
  Job,
  Secret,
  Service,
} from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { nagFindings } from '../support/data-service-twins';
import { testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
/** The newest MySQL 8.0 release among aws-cdk-lib's `rds.MysqlEngineVersion` constants. */
const NEWEST_MYSQL_8_0 = Object.values(rds.MysqlEngineVersion)
  .filter((v): v is rds.MysqlEngineVersion => v instanceof rds.MysqlEngineVersion)
  .map((v) => v.mysqlFullVersion)
  .filter((v) => /^8\.0\.\d+$/.test(v))
  .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
  .at(-1);
/** The newest MariaDB 11.4 release among aws-cdk-lib's `rds.MariaDbEngineVersion` constants. */
const NEWEST_MARIADB_11_4 = Object.values(rds.MariaDbEngineVersion)
  .filter((v): v is rds.MariaDbEngineVersion => v instanceof rds.MariaDbEngineVersion)
  .map((v) => v.mariaDbFullVersion)
  .filter((v) => /^11\.4\.\d+$/.test(v))
  .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
  .at(-1);
/** Where the local twin's compose file would be written; no image is built from a directory here. */
const DIR = os.tmpdir();

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
type Container = Record<string, unknown> & {
  Name: string;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
};

function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The only resource of `type` in the template, with its logical id. */
function onlyResource(template: Template, type: string): [string, Resource] {
  const all = Object.entries(resourcesOfType(template, type));
  expect(all).toHaveLength(1);
  return all[0];
}

/** The container definitions of `service`'s task definition, by name. */
function containersOf(template: Template, service: Service): Record<string, Container> {
  const td = template.toJSON().Resources[logicalId(service.taskDefinition)] as Resource;
  const definitions = td.Properties.ContainerDefinitions as Container[];
  return Object.fromEntries(definitions.map((c) => [c.Name, c]));
}

/** Every variable name a container receives (plain environment and ECS secrets). */
function variableNames(container: Container): string[] {
  return [...(container.Environment ?? []), ...(container.Secrets ?? [])].map((e) => e.Name).sort();
}

/** Renders the local twin, checking it against the Compose Specification schema first. */
function localTwin(application: Application): ComposeDocument {
  const compose = application.renderLocalTwin(DIR).compose;
  expect(composeSchemaErrors(compose)).toEqual([]);
  return compose;
}

function composeService(compose: ComposeDocument, name: string): ComposeService {
  const service = compose.services[name];
  expect(service).toBeDefined();
  return service;
}

/** A fresh stack with an application `shop`. */
function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

const tempDirectories: string[] = [];
afterAll(() => {
  for (const dir of tempDirectories) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary file holding `text`, removed after the tests. */
function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-db-test-'));
  tempDirectories.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Logical ids of the subnets the application VPC's isolated `data` subnet group consists of. */
function dataSubnetIds(template: Template): string[] {
  return Object.keys(resourcesOfType(template, 'AWS::EC2::Subnet'))
    .filter((id) => /^shopVpcdataSubnet\d+Subnet/.test(id))
    .sort();
}

describe('Database: PostgreSQL on an RDS instance (cloud twin)', () => {
  let stack: Stack;
  let db: Database;
  let api: Service;
  let template: Template;
  let instance: Resource;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    db = new Database(application, 'orders-db', { engine: DatabaseEngine.postgres('16') });
    api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST', password: 'DB_PASSWORD' });
    template = Template.fromStack(stack);
    instance = template.toJSON().Resources[logicalId(db.instance!)];
  });

  test('creates one RDS instance of the engine and version, and no Aurora cluster', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
    expect(db.cluster).toBeUndefined();
    expect(db.kind).toBe('postgres');
    expect(instance.Properties).toMatchObject({ Engine: 'postgres', EngineVersion: '16' });
  });

  test('the instance class defaults to db.t4g.micro with 20 GiB of storage', () => {
    expect(instance.Properties).toMatchObject({ DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20' });
  });

  test('it is not publicly accessible and its storage is encrypted', () => {
    expect(instance.Properties.PubliclyAccessible).toBe(false);
    expect(instance.Properties.StorageEncrypted).toBe(true);
  });

  test('Multi-AZ is off by default', () => {
    expect(instance.Properties.MultiAZ).toBe(false);
  });

  test('automated backups are kept 7 days and deletion protection is on', () => {
    expect(instance.Properties.BackupRetentionPeriod).toBe(7);
    expect(instance.Properties.DeletionProtection).toBe(true);
  });

  test('leaving the stack or being replaced takes a snapshot', () => {
    expect(instance.DeletionPolicy).toBe('Snapshot');
    expect(instance.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('the database and administrative user are named after the service by default', () => {
    expect(instance.Properties).toMatchObject({ DBName: 'orders_db', MasterUsername: 'postgres' });
  });

  test('it runs in the isolated data subnets of the application VPC', () => {
    const [groupId, group] = onlyResource(template, 'AWS::RDS::DBSubnetGroup');
    expect(instance.Properties.DBSubnetGroupName).toEqual({ Ref: groupId });
    const subnets = (group.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref).sort();
    expect(subnets).toHaveLength(2);
    expect(subnets).toEqual(dataSubnetIds(template));
  });

  test('the password is generated into Secrets Manager: the template holds only a dynamic reference', () => {
    const secretId = Object.entries(resourcesOfType(template, 'AWS::SecretsManager::Secret')).find(
      ([, s]) => s.Properties.GenerateSecretString !== undefined,
    )![0];
    const secret = template.toJSON().Resources[secretId] as Resource;
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      SecretStringTemplate: JSON.stringify({ username: 'postgres' }),
      GenerateStringKey: 'password',
    });
    const password = JSON.stringify(instance.Properties.MasterUserPassword);
    expect(typeof instance.Properties.MasterUserPassword).not.toBe('string');
    expect(password).toContain('{{resolve:secretsmanager:');
    expect(password).toContain(':SecretString:password::}}');
    expect(password).toContain(secretId);
  });

  test('the generated secret is attached to the instance and exposed as the credentials', () => {
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      TargetType: 'AWS::RDS::DBInstance',
      TargetId: { Ref: logicalId(db.instance!) },
    });
    expect(db.credentials.name).toBe('orders-db-credentials');
    expect(db.credentials.toSpec().source).toEqual({
      kind: 'managed',
      service: "RDS PostgreSQL 'orders-db'",
    });
  });

  test('the PostgreSQL and upgrade logs are exported to CloudWatch Logs', () => {
    expect(instance.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
  });

  test('its security group allows no egress', () => {
    const group = template.toJSON().Resources[logicalId(db.securityGroup)] as Resource;
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    const egress = group.Properties.SecurityGroupEgress as Record<string, unknown>[];
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' });
    expect(instance.Properties.VPCSecurityGroups).toEqual([
      { 'Fn::GetAtt': [logicalId(db.securityGroup), 'GroupId'] },
    ]);
  });

  test('the only ingress is from the connected service, on 5432', () => {
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((i) => i.Properties)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        GroupId: { 'Fn::GetAtt': [logicalId(db.securityGroup), 'GroupId'] },
        SourceSecurityGroupId: {
          'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'],
        },
        Description: 'from api',
      },
    ]);
  });

  test('the model says what runs in the cloud', () => {
    expect(db.toSpec()).toMatchObject({
      name: 'orders-db',
      kind: 'postgres',
      version: '16',
      cloud: 'RDS PostgreSQL 16 (db.t4g.micro)',
    });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('cdk-nag NIST 800-53 R5 finds nothing unacknowledged', () => {
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Database: MySQL on an RDS instance (cloud twin)', () => {
  let stack: Stack;
  let db: Database;
  let template: Template;
  let instance: Resource;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    db = new Database(application, 'catalog', { engine: DatabaseEngine.mysql('8.0') });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    template = Template.fromStack(stack);
    instance = template.toJSON().Resources[logicalId(db.instance!)];
  });

  test('is a MySQL 8.0 instance with the admin user', () => {
    expect(db.kind).toBe('mysql');
    expect(instance.Properties).toMatchObject({
      Engine: 'mysql',
      // RDS instances take MySQL releases, not majors: the newest 8.0 release aws-cdk-lib names.
      EngineVersion: NEWEST_MYSQL_8_0,
      MasterUsername: 'admin',
      DBName: 'catalog',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
    });
    expect(instance.DeletionPolicy).toBe('Snapshot');
  });

  test('exports the error and slow query logs', () => {
    expect(instance.Properties.EnableCloudwatchLogsExports).toEqual(['error', 'slowquery']);
  });

  test('the connected service may reach 3306 only', () => {
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({
      FromPort: 3306,
      ToPort: 3306,
      GroupId: { 'Fn::GetAtt': [logicalId(db.securityGroup), 'GroupId'] },
    });
  });

  test('the generated credentials hold the admin user', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ username: 'admin' }) }),
    });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('cdk-nag NIST 800-53 R5 finds nothing unacknowledged', () => {
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Database: MariaDB on an RDS instance', () => {
  let stack: Stack;
  let db: Database;
  let template: Template;
  let instance: Resource;
  let compose: ComposeDocument;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    db = new Database(application, 'catalog', {
      engine: DatabaseEngine.mariadb('11.4'),
      extraDatabases: ['search'],
    });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST', url: 'DATABASE_URL' });
    template = Template.fromStack(stack);
    instance = template.toJSON().Resources[logicalId(db.instance!)];
    compose = localTwin(application);
  });

  test('the cloud twin is an RDS for MariaDB instance of the newest 11.4 release, with the admin user', () => {
    expect(db.kind).toBe('mariadb');
    expect(db.cluster).toBeUndefined();
    expect(NEWEST_MARIADB_11_4).toMatch(/^11\.4\.\d+$/);
    expect(instance.Properties).toMatchObject({
      Engine: 'mariadb',
      EngineVersion: NEWEST_MARIADB_11_4,
      MasterUsername: 'admin',
      DBName: 'catalog',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
    });
    expect(instance.DeletionPolicy).toBe('Snapshot');
  });

  test('keeps the logical id a database of another engine has', () => {
    const other = testStack();
    const mysql = new Database(new Application(other, 'shop'), 'catalog', {
      engine: DatabaseEngine.mysql('8.0'),
    });
    expect(logicalId(db.instance!)).toBe(logicalId(mysql.instance!));
  });

  test('the connected service may reach 3306 only', () => {
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((i) => [i.Properties.FromPort, i.Properties.ToPort])).toEqual([[3306, 3306]]);
  });

  test('the model says what runs in the cloud', () => {
    expect(db.toSpec().cloud).toBe('RDS MariaDB 11.4 (db.t4g.micro)');
  });

  test('locally the official mariadb image of the major runs with the MariaDB variables', () => {
    const local = composeService(compose, 'catalog');
    expect(local.image).toBe('mariadb:11.4');
    expect(local.environment).toEqual({
      MARIADB_DATABASE: 'catalog',
      MARIADB_USER: 'admin',
      MARIADB_PASSWORD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
      MARIADB_ROOT_PASSWORD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
    });
    expect(local.healthcheck!.test).toEqual(['CMD-SHELL', 'mariadb-admin ping -h 127.0.0.1 --silent']);
    expect(local.volumes).toEqual([{ type: 'volume', source: 'catalog-data', target: '/var/lib/mysql' }]);
    expect(local.expose).toEqual(['3306']);
  });

  test("locally the user gets the RDS master user's grants, and the image's server starts", () => {
    const command = composeService(compose, 'catalog').command as string[];
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(command[2]).toContain("GRANT ALL PRIVILEGES ON *.* TO '$$MARIADB_USER'@'%' WITH GRANT OPTION;");
    expect(command[2]).toMatch(/&& exec docker-entrypoint\.sh mariadbd$/);
  });

  test('the init job runs the mariadb client of the same major in both twins', () => {
    const init = composeService(compose, 'catalog-init');
    expect(init.image).toBe('mariadb:11.4');
    const script = (init.command as string[])[2];
    expect(script).toContain('command mariadb --host=');
    expect(script).not.toMatch(/\bmysql\b/);
    expect(init.environment).toMatchObject({
      TWINSTACK_CREATE_DATABASES: 'CREATE DATABASE IF NOT EXISTS `search`;',
      DB_HOST: 'catalog',
      DB_PORT: '3306',
      MYSQL_PWD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
    });
  });

  test('a connection URL uses the mysql:// scheme MariaDB clients read', () => {
    const api = composeService(compose, 'api');
    expect(api.environment!.DATABASE_URL).toBe(
      'mysql://admin:${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}@catalog:3306/catalog',
    );
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('cdk-nag NIST 800-53 R5 finds nothing unacknowledged', () => {
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Database: settings', () => {
  function instanceOf(props: Partial<DatabaseProps>): { stack: Stack; instance: Resource } {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), ...props });
    const template = Template.fromStack(stack);
    return { stack, instance: template.toJSON().Resources[logicalId(db.instance!)] };
  }

  test('multiAz runs a standby, and passes cdk-nag without the single-AZ acknowledgement', () => {
    const { stack, instance } = instanceOf({ multiAz: true });
    expect(instance.Properties.MultiAZ).toBe(true);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('instance class, storage and backup retention can be set', () => {
    const { instance } = instanceOf({
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      allocatedStorageGiB: 100,
      backupRetentionDays: 14,
    });
    expect(instance.Properties).toMatchObject({
      DBInstanceClass: 'db.r6g.large',
      AllocatedStorage: '100',
      BackupRetentionPeriod: 14,
    });
  });

  test('deletion protection can be turned off and the removal policy changed', () => {
    const { instance } = instanceOf({ deletionProtection: false, removalPolicy: RemovalPolicy.RETAIN });
    expect(instance.Properties.DeletionProtection).toBe(false);
    expect(instance.DeletionPolicy).toBe('Retain');
    expect(instance.UpdateReplacePolicy).toBe('Retain');
  });

  test('a minor version is passed to RDS while the local twin runs its major', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16.4') });
    const template = Template.fromStack(stack);
    expect(template.toJSON().Resources[logicalId(db.instance!)].Properties.EngineVersion).toBe('16.4');
    expect(localTwin(application).services.db.image).toBe('postgres:16');
  });

  test('a full MySQL version runs the image of its major.minor locally', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', { engine: DatabaseEngine.mysql('8.0.39') });
    const template = Template.fromStack(stack);
    expect(template.toJSON().Resources[logicalId(db.instance!)].Properties.EngineVersion).toBe('8.0.39');
    expect(localTwin(application).services.db.image).toBe('mysql:8.0');
  });

  test('databaseName and username are used in both twins', () => {
    const { stack, application } = newApplication();
    const db = new Database(application, 'db', {
      engine: DatabaseEngine.postgres('15'),
      databaseName: 'shop_main',
      username: 'shop_owner',
    });
    const instance = Template.fromStack(stack).toJSON().Resources[logicalId(db.instance!)];
    expect(instance.Properties).toMatchObject({ DBName: 'shop_main', MasterUsername: 'shop_owner' });
    const local = localTwin(application).services.db;
    expect(local.environment).toMatchObject({ POSTGRES_DB: 'shop_main', POSTGRES_USER: 'shop_owner' });
    expect(local.healthcheck!.test).toEqual([
      'CMD-SHELL',
      'pg_isready -h 127.0.0.1 -U shop_owner -d shop_main',
    ]);
  });

  test('a VPC without isolated subnets puts the database in the private subnets', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Net', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    const application = new Application(stack, 'shop', { vpc });
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const [, group] = onlyResource(Template.fromStack(stack), 'AWS::RDS::DBSubnetGroup');
    const subnets = (group.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref);
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet).toMatch(/^NetappSubnet/);
  });
});

describe('Database: Aurora', () => {
  let stack: Stack;
  let db: Database;
  let template: Template;
  let cluster: Resource;

  beforeAll(() => {
    stack = testStack();
    const application = new Application(stack, 'shop');
    db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), aurora: true });
    const api = new Service(application, 'api', { image: IMAGE });
    api.connectTo(db, { host: 'DB_HOST' });
    template = Template.fromStack(stack);
    cluster = template.toJSON().Resources[logicalId(db.cluster!)];
  });

  test('is an Aurora PostgreSQL cluster, not an RDS instance of the engine', () => {
    expect(db.instance).toBeUndefined();
    template.resourceCountIs('AWS::RDS::DBCluster', 1);
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: '16',
      DatabaseName: 'db',
      MasterUsername: 'postgres',
    });
  });

  test('is encrypted, uses IAM authentication, keeps backups and is protected from deletion', () => {
    expect(cluster.Properties).toMatchObject({
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
    });
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('has one Serverless v2 writer and no reader by default', () => {
    expect(cluster.Properties.ServerlessV2ScalingConfiguration).toBeDefined();
    const instances = Object.values(resourcesOfType(template, 'AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(1);
    expect(instances[0].Properties).toMatchObject({
      DBInstanceClass: 'db.serverless',
      DBClusterIdentifier: { Ref: logicalId(db.cluster!) },
      PubliclyAccessible: false,
    });
  });

  test('runs in the isolated data subnets behind its own security group', () => {
    const [groupId, group] = onlyResource(template, 'AWS::RDS::DBSubnetGroup');
    expect(cluster.Properties.DBSubnetGroupName).toEqual({ Ref: groupId });
    expect((group.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref).sort()).toEqual(
      dataSubnetIds(template),
    );
    expect(cluster.Properties.VpcSecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [logicalId(db.securityGroup), 'GroupId'] },
    ]);
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({ FromPort: 5432, ToPort: 5432 });
  });

  test('the credentials are generated and attached to the cluster', () => {
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      TargetType: 'AWS::RDS::DBCluster',
      TargetId: { Ref: logicalId(db.cluster!) },
    });
    expect(JSON.stringify(cluster.Properties.MasterUserPassword)).toContain('{{resolve:secretsmanager:');
    expect(db.toSpec().cloud).toBe('Aurora PostgreSQL 16 (Serverless v2)');
  });

  test('the local twin is the same PostgreSQL major', () => {
    expect(localTwin(Application.of(db)).services.db.image).toBe('postgres:16');
  });

  test('exports the PostgreSQL log to CloudWatch Logs', () => {
    expect(cluster.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql']);
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('cdk-nag NIST 800-53 R5 finds nothing unacknowledged', () => {
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });

  test('multiAz adds a Serverless v2 reader', () => {
    const { stack: s, application } = newApplication();
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), aurora: true, multiAz: true });
    const instances = Object.values(resourcesOfType(Template.fromStack(s), 'AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i.Properties.DBInstanceClass).toBe('db.serverless');
    expect(nagFindings(s)).toEqual([]);
  });

  test('Aurora MySQL is an encrypted aurora-mysql cluster that passes cdk-nag AwsSolutions and NIST 800-53 R5', () => {
    const { stack: s, application } = newApplication();
    const mysql = new Database(application, 'db', { engine: DatabaseEngine.mysql('8.0'), aurora: true });
    const t = Template.fromStack(s);
    expect(t.toJSON().Resources[logicalId(mysql.cluster!)].Properties).toMatchObject({
      Engine: 'aurora-mysql',
      // The major: Aurora starts from its default 8.0 release (a made-up `8.0.mysql_aurora.3` is refused).
      EngineVersion: '8.0',
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
    });
    expect(nagFindings(s)).toEqual([]);
    expect(nagFindings(s, new NIST80053R5Checks())).toEqual([]);
  });
});

describe('Database: local stand-in', () => {
  let application: Application;
  let compose: ComposeDocument;
  let local: ComposeService;

  beforeAll(() => {
    ({ application } = newApplication());
    new Database(application, 'orders-db', { engine: DatabaseEngine.postgres('16') });
    compose = localTwin(application);
    local = composeService(compose, 'orders-db');
  });

  test('runs the official image of the same major version', () => {
    expect(local.image).toBe('postgres:16');
  });

  test('gets the database and user as literals and the password from .env', () => {
    expect(local.environment).toEqual({
      POSTGRES_DB: 'orders_db',
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: '${ORDERS_DB_PASSWORD:?set ORDERS_DB_PASSWORD in .env}',
    });
  });

  test('is healthy once pg_isready succeeds', () => {
    expect(local.healthcheck).toEqual({
      test: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres -d orders_db'],
      interval: '5s',
      timeout: '5s',
      retries: 20,
      start_period: '10s',
    });
  });

  test('keeps its data in a named volume <name>-data at the data path', () => {
    expect(local.volumes).toEqual([
      { type: 'volume', source: 'orders-db-data', target: '/var/lib/postgresql/data' },
    ]);
    expect(compose.volumes).toEqual({ 'orders-db-data': {} });
  });

  test('exposes its port to the application only, and restarts unless stopped', () => {
    expect(local.expose).toEqual(['5432']);
    expect(local.ports).toBeUndefined();
    expect(local.restart).toBe('unless-stopped');
  });

  test('.env.example lists the password variable, saying where the cloud twin keeps it', () => {
    const { envExample, compose: text } = application.renderLocalTwinFiles(DIR);
    expect(envExample).toMatch(/^ORDERS_DB_PASSWORD=$/m);
    expect(envExample).toContain("RDS PostgreSQL 'orders-db'");
    expect(composeSchemaErrors(text)).toEqual([]);
  });

  test('localVolumeName keeps the data in that named volume locally; the cloud twin is the same', () => {
    const plain = newApplication();
    new Database(plain.application, 'db', { engine: DatabaseEngine.postgres('16') });
    const kept = newApplication();
    const db = new Database(kept.application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      localVolumeName: 'db_data',
    });
    const compose = localTwin(kept.application);
    expect(compose.services.db.volumes).toEqual([
      { type: 'volume', source: 'db_data', target: '/var/lib/postgresql/data' },
    ]);
    expect(compose.volumes).toEqual({ db_data: {} });
    expect(db.toSpec().local.volumeName).toBe('db_data');
    expect(Template.fromStack(kept.stack).toJSON()).toEqual(Template.fromStack(plain.stack).toJSON());
  });

  test.each(['-data', 'db data', 'a'.repeat(64), 'db:data'])(
    'localVolumeName %j is a ValidationError',
    (volumeName) => {
      const { application: a } = newApplication();
      expectValidationError(
        () => new Database(a, 'db', { engine: DatabaseEngine.postgres('16'), localVolumeName: volumeName }),
        'Test/shop/db:',
        'localVolumeName',
        'is not a compose volume name',
      );
    },
  );

  test('hostPort publishes the port on the developer machine', () => {
    const { application: a } = newApplication();
    new Database(a, 'db', { engine: DatabaseEngine.postgres('16'), hostPort: 15432 });
    const db = localTwin(a).services.db;
    expect(db.ports).toEqual(['127.0.0.1:15432:5432']);
    expect(db.expose).toBeUndefined();
  });

  test('MySQL gets the MySQL variables, mysqladmin ping and its data path', () => {
    const { application: a } = newApplication();
    new Database(a, 'catalog', { engine: DatabaseEngine.mysql('8.4') });
    const mysql = localTwin(a).services.catalog;
    expect(mysql.image).toBe('mysql:8.4');
    expect(mysql.environment).toEqual({
      MYSQL_DATABASE: 'catalog',
      MYSQL_USER: 'admin',
      MYSQL_PASSWORD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
      MYSQL_ROOT_PASSWORD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
    });
    expect(mysql.healthcheck!.test).toEqual(['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 --silent']);
    expect(mysql.volumes).toEqual([{ type: 'volume', source: 'catalog-data', target: '/var/lib/mysql' }]);
    expect(mysql.expose).toEqual(['3306']);
  });

  test.each([
    ['postgres:16-alpine', DatabaseEngine.postgres('16')],
    ['postgres:16.4-bookworm', DatabaseEngine.postgres('16')],
    ['postgres:16', DatabaseEngine.postgres('16.4')],
    ['public.ecr.aws/docker/library/postgres:16-alpine', DatabaseEngine.postgres('16')],
    ['mysql:8.0-oracle', DatabaseEngine.mysql('8.0')],
    ['mysql:8.4.3', DatabaseEngine.mysql('8.4')],
    ['mariadb:11.4-noble', DatabaseEngine.mariadb('11.4')],
    ['mariadb:11.4.5', DatabaseEngine.mariadb('11.4')],
  ])('localImage %s of the same major is used', (image, engine) => {
    const { application: a } = newApplication();
    new Database(a, 'db', { engine, localImage: image });
    expect(localTwin(a).services.db.image).toBe(image);
  });

  test.each([
    ['postgres:15', DatabaseEngine.postgres('16')],
    ['postgres:17-alpine', DatabaseEngine.postgres('16')],
    ['postgres:160', DatabaseEngine.postgres('16')],
    ['postgres', DatabaseEngine.postgres('16')],
    ['postgres:latest', DatabaseEngine.postgres('16')],
    ['mysql:16', DatabaseEngine.postgres('16')],
    ['bitnami/postgresql:16', DatabaseEngine.postgres('16')],
    ['mariadb:8.0', DatabaseEngine.mysql('8.0')],
    ['mysql:8.4', DatabaseEngine.mysql('8.0')],
    ['mysql:8', DatabaseEngine.mysql('8.0')],
    ['postgres:8.0', DatabaseEngine.mysql('8.0')],
    ['mysql:8.0', DatabaseEngine.mariadb('11.4')],
    ['mariadb:11.8', DatabaseEngine.mariadb('11.4')],
    ['mariadb:11', DatabaseEngine.mariadb('11.4')],
  ])('localImage %s is a ValidationError', (image, engine) => {
    const { application: a } = newApplication();
    expectValidationError(
      () => new Database(a, 'db', { engine, localImage: image }),
      'Test/shop/db:',
      'localImage',
      image,
    );
  });
});

describe('Database: extra databases and init script', () => {
  const initSql = [
    'CREATE TABLE IF NOT EXISTS seen (id int);',
    'CREATE OR REPLACE FUNCTION one() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;',
  ].join('\n');
  let stack: Stack;
  let application: Application;
  let db: Database;
  let api: Service;
  let template: Template;
  let compose: ComposeDocument;

  beforeAll(() => {
    stack = testStack();
    application = new Application(stack, 'shop');
    db = new Database(application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      localImage: 'postgres:16-alpine',
      extraDatabases: ['analytics', 'audit'],
      initScript: tempFile('init.sql', initSql),
    });
    api = new Service(application, 'api', { image: IMAGE, cpu: 512, memoryMiB: 1024 });
    api.connectTo(db, { url: 'DATABASE_URL' });
    template = Template.fromStack(stack);
    compose = localTwin(application);
  });

  test('creates a job <name>-init', () => {
    expect(db.initJob).toBeInstanceOf(Job);
    expect(db.initJob!.name).toBe('db-init');
  });

  test('locally the job runs once, with the official image of the same major', () => {
    const init = composeService(compose, 'db-init');
    expect(init.image).toBe('postgres:16');
    expect(init.restart).toBe('no');
    expect(init.command![0]).toBe('sh');
  });

  test('TWINSTACK_CREATE_DATABASES creates each extra database only if it does not exist', () => {
    const sql = composeService(compose, 'db-init').environment!.TWINSTACK_CREATE_DATABASES;
    expect(sql.split('\n')).toEqual([
      `SELECT 'CREATE DATABASE "analytics"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'analytics')\\gexec`,
      `SELECT 'CREATE DATABASE "audit"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'audit')\\gexec`,
    ]);
  });

  test('TWINSTACK_INIT_SQL carries the init script, escaped for compose', () => {
    expect(composeService(compose, 'db-init').environment!.TWINSTACK_INIT_SQL).toBe(
      initSql.replace(/\$/g, '$$$$'),
    );
  });

  test('locally the job connects with the psql variables and waits for the database to be healthy', () => {
    const init = composeService(compose, 'db-init');
    expect(init.environment).toMatchObject({
      PGHOST: 'db',
      PGPORT: '5432',
      PGUSER: 'postgres',
      PGDATABASE: 'db',
      PGPASSWORD: '${DB_PASSWORD:?set DB_PASSWORD in .env}',
    });
    expect(init.depends_on).toEqual({ db: { condition: 'service_healthy' } });
  });

  test('locally a connected workload waits for the job to complete and the database to be healthy', () => {
    expect(composeService(compose, 'api').depends_on).toEqual({
      db: { condition: 'service_healthy' },
      'db-init': { condition: 'service_completed_successfully' },
    });
  });

  test("in the cloud the job runs in the connected service's task, which waits for it with SUCCESS", () => {
    const containers = containersOf(template, api);
    expect(Object.keys(containers).sort()).toEqual(['api', 'db-init']);
    const init = containers['db-init'];
    expect(init.Essential).toBe(false);
    expect(init.Image).toBe('postgres:16');
    expect(containers.api.DependsOn).toEqual([{ ContainerName: 'db-init', Condition: 'SUCCESS' }]);
  });

  test('the cloud job gets the same SQL and the same variable names as the local one', () => {
    const init = containersOf(template, api)['db-init'];
    const environment = Object.fromEntries(init.Environment!.map((e) => [e.Name, e.Value]));
    const local = composeService(compose, 'db-init').environment!;
    expect(environment.TWINSTACK_INIT_SQL).toBe(initSql);
    expect(environment.TWINSTACK_CREATE_DATABASES).toBe(local.TWINSTACK_CREATE_DATABASES);
    expect(variableNames(init)).toEqual(Object.keys(local).sort());
    expect(init.Secrets!.map((s) => s.Name).sort()).toEqual([
      'PGDATABASE',
      'PGHOST',
      'PGPASSWORD',
      'PGPORT',
      'PGUSER',
    ]);
  });

  test('the stack still passes cdk-nag AwsSolutions', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('without extra databases or init script there is no job', () => {
    const { application: a } = newApplication();
    const plain = new Database(a, 'db', { engine: DatabaseEngine.postgres('16') });
    expect(plain.initJob).toBeUndefined();
    expect(Object.keys(localTwin(a).services)).toEqual(['db']);
  });

  test('MySQL creates the extra databases with CREATE DATABASE IF NOT EXISTS', () => {
    const { application: a } = newApplication();
    const mysql = new Database(a, 'catalog', {
      engine: DatabaseEngine.mysql('8.0'),
      extraDatabases: ['search', 'reports'],
    });
    const svc = new Service(a, 'api', { image: IMAGE });
    svc.connectTo(mysql, { host: 'DB_HOST' });
    const init = localTwin(a).services['catalog-init'];
    expect(init.image).toBe('mysql:8.0');
    expect(init.environment).toMatchObject({
      TWINSTACK_CREATE_DATABASES:
        'CREATE DATABASE IF NOT EXISTS `search`;\nCREATE DATABASE IF NOT EXISTS `reports`;',
      TWINSTACK_INIT_SQL: '',
      DB_HOST: 'catalog',
      DB_PORT: '3306',
      DB_USER: 'admin',
      DB_NAME: 'catalog',
      MYSQL_PWD: '${CATALOG_PASSWORD:?set CATALOG_PASSWORD in .env}',
    });
  });
});

describe('Database: validation', () => {
  const pg = DatabaseEngine.postgres('16');
  const cases: [string, Partial<DatabaseProps>, string[]][] = [
    ['a missing engine', { engine: undefined }, ['engine', 'is required']],
    ['an engine that is not a DatabaseEngine', { engine: { kind: 'postgres' } as never }, ['engine']],
    ['a missing version', { engine: DatabaseEngine.postgres(undefined as never) }, ['engine.version']],
    ['an empty version', { engine: DatabaseEngine.postgres('') }, ['engine.version', 'is required']],
    ['PostgreSQL 12', { engine: DatabaseEngine.postgres('12') }, ['engine.version', '"12"', '13, 14']],
    ['PostgreSQL 9.6', { engine: DatabaseEngine.postgres('9.6') }, ['engine.version', '"9.6"']],
    ['PostgreSQL "abc"', { engine: DatabaseEngine.postgres('abc') }, ['engine.version', '"abc"']],
    ['PostgreSQL 16.x', { engine: DatabaseEngine.postgres('16.x') }, ['engine.version', '"16.x"']],
    ['MySQL 5.7', { engine: DatabaseEngine.mysql('5.7') }, ['engine.version', '"5.7"', '8.0, 8.4']],
    ['MySQL "8"', { engine: DatabaseEngine.mysql('8') }, ['engine.version', '"8"']],
    [
      'MariaDB 10.4',
      { engine: DatabaseEngine.mariadb('10.4') },
      ['engine.version', '"10.4"', 'is not a MariaDB version RDS offers', '10.11, 11.4, 11.8'],
    ],
    ['MariaDB "11"', { engine: DatabaseEngine.mariadb('11') }, ['engine.version', '"11"']],
    [
      'a MariaDB release that does not exist',
      { engine: DatabaseEngine.mariadb('11.4.1') },
      ['engine.version', '"11.4.1"', 'is not a MariaDB 11.4 release', 'use 11.4 or one of'],
    ],
    [
      'MariaDB on Aurora',
      { engine: DatabaseEngine.mariadb('11.4'), aurora: true },
      ['aurora', 'true', 'RDS runs MariaDB on instances only'],
    ],
    [
      'username "root" for MariaDB',
      { engine: DatabaseEngine.mariadb('11.4'), username: 'root' },
      ['username', '"root"'],
    ],
    [
      'a PostgreSQL minor RDS does not create',
      { engine: DatabaseEngine.postgres('16.0') },
      ['engine.version', '"16.0"', 'is not a PostgreSQL 16 release RDS creates instances with', '16.4'],
    ],
    [
      'a withdrawn PostgreSQL release',
      { engine: DatabaseEngine.postgres('17.4') },
      ['engine.version', '"17.4"', 'use 17 or one of', '17.5'],
    ],
    [
      'an Aurora PostgreSQL minor Aurora does not have',
      { engine: DatabaseEngine.postgres('16.5'), aurora: true },
      ['engine.version', '"16.5"', 'RDS creates Aurora clusters with', '16.6'],
    ],
    [
      'a MySQL release that does not exist',
      { engine: DatabaseEngine.mysql('8.0.38') },
      ['engine.version', '"8.0.38"', 'is not a MySQL 8.0 release', '8.0.39'],
    ],
    [
      'a MySQL release on Aurora',
      { engine: DatabaseEngine.mysql('8.0.39'), aurora: true },
      ['engine.version', '"8.0.39"', 'Aurora MySQL has releases of its own', 'use the major (8.0)'],
    ],
    ['a databaseName with "-"', { engine: pg, databaseName: 'orders-db' }, ['databaseName', '"orders-db"']],
    ['a databaseName starting with a digit', { engine: pg, databaseName: '1db' }, ['databaseName', '"1db"']],
    ['a databaseName of 64 characters', { engine: pg, databaseName: 'd'.repeat(64) }, ['databaseName']],
    ['username "admin" for PostgreSQL', { engine: pg, username: 'admin' }, ['username', '"admin"']],
    ['a username of 17 characters', { engine: pg, username: 'u'.repeat(17) }, ['username', 'u'.repeat(17)]],
    ['username "rdsadmin"', { engine: pg, username: 'rdsadmin' }, ['username', '"rdsadmin"']],
    [
      'username "root" for MySQL',
      { engine: DatabaseEngine.mysql('8.0'), username: 'root' },
      ['username', '"root"'],
    ],
    ['a pg_ username', { engine: pg, username: 'pg_monitor' }, ['username', '"pg_monitor"']],
    ['a username starting with a digit', { engine: pg, username: '1user' }, ['username', '"1user"']],
    ['an extra database twice', { engine: pg, extraDatabases: ['a', 'a'] }, ['extraDatabases', 'twice']],
    [
      'the main database as an extra one',
      { engine: pg, extraDatabases: ['db'] },
      ['extraDatabases', 'twice'],
    ],
    ['an invalid extra database name', { engine: pg, extraDatabases: ['a-b'] }, ['extraDatabases', '"a-b"']],
    [
      'an initScript that does not exist',
      { engine: pg, initScript: path.join(os.tmpdir(), 'twinstack-no-such-file.sql') },
      ['initScript', 'twinstack-no-such-file.sql', 'not a file'],
    ],
    [
      'an initScript that is a directory',
      { engine: pg, initScript: os.tmpdir() },
      ['initScript', 'not a file'],
    ],
    ['backupRetentionDays 0', { engine: pg, backupRetentionDays: 0 }, ['backupRetentionDays', ' 0 ']],
    ['backupRetentionDays 36', { engine: pg, backupRetentionDays: 36 }, ['backupRetentionDays', '36']],
    ['allocatedStorageGiB 10', { engine: pg, allocatedStorageGiB: 10 }, ['allocatedStorageGiB', '10']],
    ['hostPort 70000', { engine: pg, hostPort: 70000 }, ['hostPort', '70000']],
    ['the invalid name "Orders"', { engine: pg, name: 'Orders' }, ['name', '"Orders"']],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, props, fragments) => {
    const { application } = newApplication();
    expectValidationError(
      () => new Database(application, 'db', props as DatabaseProps),
      'Test/shop/db:',
      ...fragments,
    );
  });

  test('no props at all is a ValidationError for the missing engine', () => {
    const { application } = newApplication();
    expectValidationError(
      () => new Database(application, 'db', undefined as unknown as DatabaseProps),
      'Test/shop/db',
      'engine',
    );
  });

  test('an initScript larger than 16 KiB is a ValidationError', () => {
    const { application } = newApplication();
    const file = tempFile('big.sql', `-- ${'x'.repeat(16384)}\n`);
    expectValidationError(
      () => new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), initScript: file }),
      'Test/shop/db',
      'initScript',
      '16 KiB',
    );
  });

  test('a 16-character username and MySQL "admin" are accepted', () => {
    const { application } = newApplication();
    new Database(application, 'a', { engine: DatabaseEngine.postgres('16'), username: 'u'.repeat(16) });
    new Database(application, 'b', { engine: DatabaseEngine.mysql('8.0'), username: 'admin' });
  });

  test('a database named like an existing service is a ValidationError', () => {
    const { application } = newApplication();
    new Service(application, 'db', { image: IMAGE });
    const error = expectValidationError(
      () => new Database(application, 'Main', { name: 'db', engine: DatabaseEngine.postgres('16') }),
      'Test/shop/Main',
      '"db"',
      'Test/shop/db',
    );
    expect(error.prop).toBe('name');
  });

  test('a service named like an existing database is a ValidationError', () => {
    const { application } = newApplication();
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    expectValidationError(
      () => new Service(application, 'Api', { name: 'db', image: IMAGE }),
      'Test/shop/Api',
      'name',
      '"db"',
      'Test/shop/db',
    );
  });

  test('two databases with the same name are a ValidationError about the name', () => {
    const { application } = newApplication();
    new Database(application, 'db', { engine: DatabaseEngine.postgres('16') });
    const error = expectValidationError(
      () => new Database(application, 'Other', { name: 'db', engine: DatabaseEngine.mysql('8.0') }),
      'Test/shop/Other',
      '"db"',
      'Test/shop/db',
    );
    expect(error.path).toBe('Test/shop/Other');
    expect(error.prop).toBe('name');
  });

  test('an init job whose name another workload has is a ValidationError', () => {
    const { application } = newApplication();
    new Service(application, 'Other', { name: 'db-init', image: IMAGE });
    expectValidationError(
      () =>
        new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), extraDatabases: ['extra'] }),
      '"db-init"',
      'Test/shop/Other',
    );
  });

  test('an init job whose construct id is taken in the application is a ValidationError', () => {
    const { application } = newApplication();
    new Service(application, 'db-init', { image: IMAGE });
    expectValidationError(
      () =>
        new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), extraDatabases: ['extra'] }),
      "'db-init'",
      'Test/shop/db-init',
    );
  });

  test('an application secret named like the credentials is a ValidationError', () => {
    const { application } = newApplication();
    Secret.generate(application, 'db-credentials');
    expectValidationError(
      () => new Database(application, 'db', { engine: DatabaseEngine.postgres('16') }),
      'Test/shop/db',
      '"db-credentials"',
    );
  });
});
