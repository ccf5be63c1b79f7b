import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { addExamples } from '../../../lib/examples';
import { CDK_CONTEXT } from '../../support/test-app';

// AWS Control Tower's proactive controls for ECS task definitions, run by the cfn-guard validator plugin over
// every example: each finding is met by the container or acknowledged with a reason. The other controls'
// findings (data services, load balancers, ...) are not this test's concern.
const ECS_RULES = [
  'ecs_task_definition_nonroot_user_check',
  'ecs_containers_readonly_access_check',
  'ecs_task_definition_memory_hard_limit_check',
];

interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs?: { readonly constructPath?: string }[];
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-ecs-'));
const app = new App({ context: CDK_CONTEXT, outdir });
const stacks = addExamples(app);
// A task definition outside twinstack, so the test sees the controls report what it filters for.
const plain = new ecs.FargateTaskDefinition(new Stack(app, 'Plain'), 'Task');
plain.addContainer('plain', { image: ecs.ContainerImage.fromRegistry('busybox') });
Validations.of(app).addPlugins(new CfnGuardValidator());
try {
  app.synth();
} catch {
  // Findings of other controls fail the synthesis; the report below holds every finding.
}
const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
fs.rmSync(outdir, { recursive: true, force: true });
const guard = report.pluginReports.find(
  (p: { pluginName: string }) => p.pluginName === 'cdk-validator-cfnguard',
);

test('the validator ran over every example', () => {
  expect(stacks.length).toBeGreaterThan(5);
  expect(guard).toBeDefined();
});

test('the three ECS controls have no unacknowledged finding in any example', () => {
  const findings = (guard.violations as Violation[])
    .filter((v) => ECS_RULES.includes(v.ruleName))
    .flatMap((v) => (v.violatingConstructs ?? []).map((c) => `${v.ruleName}: ${c.constructPath}`));
  // The plain task definition has all three; no example has any.
  expect(findings.sort()).toEqual(ECS_RULES.map((r) => `${r}: Plain/Task/Resource`).sort());
});

test('the memory control is met by every container, never acknowledged', () => {
  const suppressed = ((guard.suppressedViolations ?? []) as Violation[]).filter(
    (v) => v.ruleName === 'ecs_task_definition_memory_hard_limit_check',
  );
  expect(suppressed).toEqual([]);
});
