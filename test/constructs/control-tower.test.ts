import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NIST80053R5Checks } from 'cdk-nag';
import {
  Application,
  Cache,
  CacheEngine,
  Database,
  DatabaseEngine,
  HealthCheck,
  Image,
  Job,
  JobRun,
  LoadBalancer,
  SearchDomain,
  SearchEngine,
  Service,
  Volume,
} from '../../constructs';
import { ControlTowerFinding, controlTowerFindings } from '../support/control-tower';
import { expectValidationError } from '../support/errors';
import { testStack } from '../support/test-app';

// AWS Control Tower's proactive controls (the cfn-guard validator plugin) on what the library creates:
// containers, data services, volumes, load balancers and the job runner.

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** An application with one of everything the library creates, in `stack`. */
function everything(stack: Stack, database: Partial<ConstructorParameters<typeof Database>[2]> = {}) {
  const application = new Application(stack, 'shop');
  const db = new Database(application, 'db', { engine: DatabaseEngine.postgres('16'), ...database });
  const cache = new Cache(application, 'cache', { engine: CacheEngine.redis('7.1') });
  const search = new SearchDomain(application, 'search', { engine: SearchEngine.openSearch('2.17') });
  const shared = new Volume(application, 'shared');
  const owned = new Volume(application, 'owned', { uid: 1000, gid: 1000 });
  const api = new Service(application, 'api', {
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
    mounts: [
      { volume: shared, path: '/srv/shared' },
      { volume: owned, path: '/srv/owned' },
    ],
  });
  api.connectTo(db, { url: 'DATABASE_URL' });
  api.connectTo(cache, { url: 'CACHE_URL' });
  api.connectTo(search, { url: 'SEARCH_URL' });
  new Job(application, 'migrate', { image: IMAGE, command: ['migrate'], runs: JobRun.oncePerDeployment() });
  // With a certificate: the HTTP listener only redirects (an HTTP-only listener is the user's choice, shown).
  const certificate = acm.Certificate.fromCertificateArn(
    stack,
    'Certificate',
    'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
  );
  const web = new LoadBalancer(application, 'web', { certificate });
  web.addRoute('api', { service: api });
  return { application, db, owned, shared };
}

/** Findings on what the application created (a key the test passes in is the test's own). */
function rules(findings: ControlTowerFinding[]): string[] {
  return findings.filter((f) => !f.path.startsWith('Test/DataKey/')).map((f) => `${f.rule}: ${f.path}`);
}

/** Every acknowledgement id recorded on `stack`'s constructs. */
function acknowledged(stack: Stack): string {
  return JSON.stringify(stack.node.findAll().map((c) => c.node.metadata));
}

describe('Control Tower: the defaults', () => {
  test('finds nothing unacknowledged in workloads, data services, volumes, the load balancer and the job runner', () => {
    expect(rules(controlTowerFindings((stack) => everything(stack)))).toEqual([]);
  });

  test('the controls this file relies on do fire: a plain task definition outside twinstack is reported', () => {
    const findings = controlTowerFindings((stack) => {
      const plain = new ecs.FargateTaskDefinition(stack, 'Plain');
      plain.addContainer('plain', { image: ecs.ContainerImage.fromRegistry('busybox') });
    });
    expect(findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        'ecs_task_definition_nonroot_user_check',
        'ecs_containers_readonly_access_check',
        'ecs_task_definition_memory_hard_limit_check',
      ]),
    );
  });

  test('an RDS instance has IAM database authentication and Enhanced Monitoring every 60 seconds', () => {
    const stack = testStack();
    everything(stack);
    const template = Template.fromStack(stack);
    const [instance] = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instance.Properties.EnableIAMDatabaseAuthentication).toBe(true);
    expect(instance.Properties.MonitoringInterval).toBe(60);
    expect(instance.Properties.MonitoringRoleArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    // Enhanced Monitoring is on, so nothing is acknowledged for it.
    expect(acknowledged(stack)).not.toContain('rds_instance_enhanced_monitoring_enabled_check');
    expect(acknowledged(stack)).not.toContain('RDSEnhancedMonitoringEnabled');
  });

  test("the engine's default admin name and AWS managed storage key are acknowledged with the props to change", () => {
    const stack = testStack();
    everything(stack);
    const ids = acknowledged(stack);
    expect(ids).toContain('rds_instance_default_admin_check');
    expect(ids).toContain('prop username');
    expect(ids).toContain('rds_storage_encrypted_kms_key_check');
    expect(ids).toContain('prop storageEncryptionKey');
  });

  test('a volume with a uid enforces that POSIX identity; one without is acknowledged, naming the props', () => {
    const stack = testStack();
    const { owned, shared } = everything(stack);
    const accessPoint = (v: Volume) =>
      Template.fromStack(stack).toJSON().Resources[
        stack.getLogicalId(v.accessPoint.node.defaultChild as never)
      ] as { Properties: { PosixUser?: unknown } };
    expect(accessPoint(owned).Properties.PosixUser).toEqual({ Uid: '1000', Gid: '1000' });
    expect(accessPoint(shared).Properties.PosixUser).toBeUndefined();
    expect(JSON.stringify(shared.accessPoint.node.metadata)).toContain('props uid, gid');
    expect(JSON.stringify(owned.accessPoint.node.metadata)).not.toContain('efs_access_point');
  });
});

describe('Control Tower: database choices', () => {
  test('a chosen admin name and key leave nothing to acknowledge for them', () => {
    const findings = controlTowerFindings((stack) => {
      const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
      everything(stack, { username: 'shop_admin', storageEncryptionKey: key });
    });
    expect(rules(findings)).toEqual([]);
    const stack = testStack();
    const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
    const { db } = everything(stack, { username: 'shop_admin', storageEncryptionKey: key });
    const ids = JSON.stringify(db.instance!.node.metadata);
    expect(ids).not.toContain('rds_instance_default_admin_check');
    expect(ids).not.toContain('rds_storage_encrypted_kms_key_check');
    const [instance] = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'));
    expect(instance.Properties.MasterUsername).toBe('shop_admin');
    expect(instance.Properties.KmsKeyId).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as never), 'Arn'],
    });
  });

  test('monitoringInterval: 0 seconds turns Enhanced Monitoring off, acknowledged in both packs with that choice', () => {
    const stack = testStack();
    everything(stack, { monitoringInterval: Duration.seconds(0) });
    const [instance] = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'));
    expect(instance.Properties.MonitoringInterval).toBeUndefined();
    expect(acknowledged(stack)).toContain('turned Enhanced Monitoring off (monitoringInterval: 0 seconds)');
    const nist = new NIST80053R5Checks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(nist.filter((r) => r.includes('RDS'))).toEqual([]);
    expect(
      rules(controlTowerFindings((s) => everything(s, { monitoringInterval: Duration.seconds(0) }))),
    ).toEqual([]);
  });

  test('an Aurora cluster has Enhanced Monitoring on its instances', () => {
    const stack = testStack();
    everything(stack, { aurora: true });
    const instances = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'));
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) expect(instance.Properties.MonitoringInterval).toBe(60);
  });

  test.each([[Duration.seconds(7)], [Duration.minutes(2)], [60]])(
    'monitoringInterval %p is rejected with a ValidationError',
    (interval) => {
      const application = new Application(testStack(), 'shop');
      expectValidationError(
        () =>
          new Database(application, 'db', {
            engine: DatabaseEngine.postgres('16'),
            monitoringInterval: interval as never,
          }),
        'Test/shop/db',
        'monitoringInterval',
        '1, 5, 10, 15, 30 or 60 seconds',
      );
    },
  );

  test('a storageEncryptionKey that is not a KMS key is rejected with a ValidationError', () => {
    const application = new Application(testStack(), 'shop');
    expectValidationError(
      () =>
        new Database(application, 'db', {
          engine: DatabaseEngine.postgres('16'),
          storageEncryptionKey: 'alias/data' as never,
        }),
      'Test/shop/db',
      'storageEncryptionKey',
      '"alias/data"',
      'kms.IKey',
    );
  });
});
