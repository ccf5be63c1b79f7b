import * as fs from 'fs';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { parse } from 'yaml';
import { Application } from '../../../constructs';
import { renderLocalTwin, renderLocalTwinFiles } from '../../../constructs/compose/compose-renderer';
import { composeSchemaErrors } from '../../support/compose-schema';
import { controlTowerFindingsIn } from '../../support/control-tower';
import { PROJECT_ROOT } from '../../support/test-app';
import { openWarnings } from '../../support/warnings';
import { parityTests } from './parity-suite';
import { statefulTests } from './stateful-suite';
import { synthesizeExamples } from './synthesized-examples';

// Every example the CDK app synthesizes, once, with the built-in CloudFormation validator on, checked the
// same way; each example's own test file checks what makes it special, synthesizing without the validator.
const examples = synthesizeExamples();
const { stacks, applications, assembly } = examples;

test('the examples app defines at least one application per stack', () => {
  expect(stacks.length).toBeGreaterThan(0);
  for (const stack of stacks) expect(applications.some((a) => a.stack === stack)).toBe(true);
});

test("the built-in CloudFormation validation and Control Tower's controls find nothing in any example", () => {
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
  expect(report.pluginReports.map((p: { pluginName: string }) => p.pluginName)).toEqual(
    expect.arrayContaining([expect.stringMatching(/CloudFormation/), 'cdk-validator-cfnguard']),
  );
  const findings = report.pluginReports
    .filter((p: { pluginName: string }) => p.pluginName !== 'Construct Annotations')
    .flatMap((p: { violations: unknown[] }) => p.violations);
  expect(findings).toEqual([]);
});

describe.each(applications.map((a) => [`${a.stack.stackName}/${a.application.name}`, a] as const))(
  '%s',
  (_name, { stack, application }: { stack: Stack; application: Application }) => {
    const read = (file: string) => fs.readFileSync(path.join(assembly.directory, file), 'utf8');

    test('its compose file passes the Compose Specification schema', () => {
      expect(composeSchemaErrors(read(application.localTwinFiles.composeFile))).toEqual([]);
    });

    // The synth-time parity check takes the compose document rendered from the model instead of parsing
    // the compose file it just wrote; that is the same document only while the YAML writer round-trips.
    test('its compose file parses back to the document it was written from', () => {
      const spec = application.toSpec();
      const options = { outputDirectory: PROJECT_ROOT };
      const written = parse(renderLocalTwinFiles(spec, options).compose);
      expect(written).toEqual(JSON.parse(JSON.stringify(renderLocalTwin(spec, options).compose)));
    });

    test("its task definitions' container reservations fit in the task's memory, as Fargate requires", () => {
      const template = JSON.parse(read(stack.templateFile));
      const tasks = Object.entries(
        template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
      ).filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition');
      for (const [id, { Properties: p }] of tasks) {
        const containers = p.ContainerDefinitions as { MemoryReservation?: number; Memory?: number }[];
        const reserved = containers.reduce((sum, c) => sum + (c.MemoryReservation ?? c.Memory ?? 0), 0);
        expect({ id, fits: reserved <= Number(p.Memory) }).toEqual({ id, fits: true });
      }
    });

    test('its published ports listen on this machine only', () => {
      const compose = parse(read(application.localTwinFiles.composeFile));
      const ports = Object.values(compose.services as Record<string, { ports?: unknown[] }>).flatMap(
        (s) => s.ports ?? [],
      );
      for (const port of ports) expect(String(port)).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    });

    test('.env.example defines exactly the variables the compose file reads', () => {
      const compose = read(application.localTwinFiles.composeFile);
      const used = new Set([...compose.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
      const defined = new Set(
        [...read(application.localTwinFiles.envExampleFile).matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map(
          (m) => m[1],
        ),
      );
      expect([...defined].sort()).toEqual([...used].sort());
    });

    test('its stack passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    });

    test('its stack passes cdk-nag NIST 800-53 R5 with no unacknowledged finding', () => {
      const report = new NIST80053R5Checks().validateScope(stack);
      expect(
        report.violations.flatMap((v) =>
          v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`),
        ),
      ).toEqual([]);
    });

    test('its log groups are kept at least a year and encrypted with a customer-managed key', () => {
      const template = JSON.parse(read(stack.templateFile));
      const groups = Object.entries(
        template.Resources as Record<
          string,
          { Type: string; Properties: { RetentionInDays?: number; KmsKeyId?: unknown } }
        >,
      )
        .filter(([, r]) => r.Type === 'AWS::Logs::LogGroup')
        .map(([id, r]) => ({ id, retention: r.Properties.RetentionInDays, key: r.Properties.KmsKeyId }));
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) {
        expect({ ...group, retention: (group.retention ?? 0) >= 365 }).toEqual({ ...group, retention: true });
        expect(group.key).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/LogKey/), 'Arn'] });
      }
    });

    test('its RDS instances admit IAM database authentication and report Enhanced Monitoring', () => {
      const template = JSON.parse(read(stack.templateFile));
      const instances = Object.values(
        template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
      ).filter((r) => r.Type === 'AWS::RDS::DBInstance');
      for (const { Properties: p } of instances) {
        expect([p.EnableIAMDatabaseAuthentication ?? 'aurora', p.MonitoringInterval]).toEqual([
          p.DBClusterIdentifier ? 'aurora' : true,
          60,
        ]);
      }
    });

    test('every container is hardened: a memory limit, and a read-only root and a user unless acknowledged', () => {
      const tasks = application.node.findAll().filter((c) => c instanceof ecs.TaskDefinition);
      expect(tasks.length).toBeGreaterThan(0);
      for (const task of tasks) {
        const acknowledged = Object.assign(
          {},
          ...task.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .map((m) => m.data as Record<string, string>),
        );
        const cfn = task.node.defaultChild as ecs.CfnTaskDefinition;
        const containers = stack.resolve(cfn.containerDefinitions) as {
          name: string;
          memory?: number;
          readonlyRootFilesystem?: boolean;
          user?: string;
        }[];
        for (const c of containers) {
          const where = `${task.node.path} ${c.name}`;
          expect({ where, memory: (c.memory ?? 0) >= 6 }).toEqual({ where, memory: true });
          expect({
            where,
            readOnly:
              c.readonlyRootFilesystem === true ||
              'cdk-validator-cfnguard::ecs_containers_readonly_access_check' in acknowledged,
          }).toEqual({ where, readOnly: true });
          expect({
            where,
            user:
              (c.user !== undefined && !/^(0|root)(:.*)?$/.test(c.user)) ||
              'cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check' in acknowledged,
          }).toEqual({ where, user: true });
        }
      }
    });

    test("its stack passes AWS Control Tower's proactive controls with no unacknowledged finding", () => {
      expect(
        controlTowerFindingsIn(assembly.directory)
          .filter((f) => f.path.startsWith(`${stack.node.path}/`))
          .map((f) => `${f.rule}: ${f.path}`),
      ).toEqual([]);
    });

    test('the model breaks no whole-model rule; its stack has no open warning', () => {
      expect(application.validate().errors).toEqual([]);
      expect(openWarnings(assembly, stack.stackName)).toEqual([]);
    });
  },
);

describe('parity of the twins', () => parityTests(examples));

describe('stateful resources of every example keep their data on removal', () => statefulTests(examples));
