import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { Application } from '../../../constructs';
import { composeSchemaErrors } from '../../support/compose-schema';
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

test('the built-in CloudFormation validation finds nothing in any example', () => {
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
  expect(report.pluginReports.map((p: { pluginName: string }) => p.pluginName)).toEqual(
    expect.arrayContaining([expect.stringMatching(/CloudFormation/)]),
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

    test('the model breaks no whole-model rule; its stack has no open warning', () => {
      expect(application.validate().errors).toEqual([]);
      expect(openWarnings(assembly, stack.stackName)).toEqual([]);
    });
  },
);

describe('parity of the twins', () => parityTests(examples));

describe('stateful resources of every example keep their data on removal', () => statefulTests(examples));
