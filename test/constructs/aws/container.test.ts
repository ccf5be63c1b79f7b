/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Application, HealthCheck, Image, Job, JobRun, Service } from '../../../constructs';
import { testApp } from '../../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** The violations of the validation report, by plugin, and the findings it suppressed. */
function report(directory: string): { violations: any[]; suppressed: any[] } {
  const json = JSON.parse(fs.readFileSync(path.join(directory, 'validation-report.json'), 'utf8'));
  const plugins = json.pluginReports.filter(
    (p: { pluginName: string }) => p.pluginName !== 'Construct Annotations',
  );
  return {
    violations: plugins.flatMap((p: { violations: unknown[] }) => p.violations),
    suppressed: plugins.flatMap((p: { suppressedViolations?: unknown[] }) => p.suppressedViolations ?? []),
  };
}

/** The reasons of the acknowledgements of E1029 recorded on `construct` itself. */
function e1029Acknowledgements(construct: { node: { metadata: { type: string; data: any }[] } }): unknown[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as object))
    .filter(([id]) => id.endsWith('E1029'))
    .map(([, reason]) => reason);
}

describe('shell variables in literals synthesize with the CloudFormation validator on', () => {
  // One stack, one validator run (cdk.json's @aws-cdk/core:validateAgainstDefaultRules makes findings errors).
  const app = testApp({ cloudFormationValidation: true });
  const stack = new Stack(app, 'Literals');
  const application = new Application(stack, 'shop');
  const shell = new Service(application, 'shell', {
    image: IMAGE,
    command: ['sh', '-c', 'echo ${HOME} $${NOT_A_SUB}'],
    environment: { GREETING: 'hello ${USER}' },
    healthCheck: HealthCheck.shell('test -n "${HOSTNAME}"'),
  });
  const plain = new Service(application, 'plain', { image: IMAGE, command: ['sh', '-c', 'echo $HOME'] });
  const job = new Job(application, 'migrate', {
    image: IMAGE,
    command: ['sh', '-c', 'echo ${PWD}'],
    runs: JobRun.oncePerDeployment(),
  });
  let template: any;
  let directory: string;

  beforeAll(() => {
    const assembly = app.synth();
    directory = assembly.directory;
    template = assembly.getStackByName(stack.stackName).template;
  });

  /** The container definition `name` of the task definition of `taskDefinition`. */
  function container(taskDefinition: { node: { defaultChild?: unknown } }, name: string): any {
    const cfn = taskDefinition.node.defaultChild as any;
    const definitions = template.Resources[stack.getLogicalId(cfn)].Properties.ContainerDefinitions;
    return definitions.find((d: { Name: string }) => d.Name === name);
  }

  test('no finding is left', () => {
    expect(report(directory).violations).toEqual([]);
  });

  test('ECS receives every literal exactly as written', () => {
    const api = container(shell.taskDefinition, 'shell');
    expect(api.Command).toEqual(['sh', '-c', 'echo ${HOME} $${NOT_A_SUB}']);
    expect(api.Environment).toEqual(expect.arrayContaining([{ Name: 'GREETING', Value: 'hello ${USER}' }]));
    expect(api.HealthCheck.Command).toEqual(['CMD-SHELL', 'test -n "${HOSTNAME}"']);
    expect(container(job.task!.taskDefinition, 'migrate').Command).toEqual(['sh', '-c', 'echo ${PWD}']);
  });

  test("E1029 is acknowledged, with its reason, on exactly the task definitions whose containers carry '${'", () => {
    const suppressed = report(directory).suppressed.filter((v) => v.ruleName === 'E1029');
    const paths = suppressed.flatMap((v) =>
      v.violatingConstructs.map((c: { constructPath: string }) => c.constructPath),
    );
    expect(suppressed.map((v) => v.reason)).toEqual(
      suppressed.map(() => expect.stringContaining('literally')),
    );
    expect([...new Set(paths)].sort()).toEqual(
      [`${shell.taskDefinition.node.path}/Resource`, `${job.task!.taskDefinition.node.path}/Resource`].sort(),
    );
    expect(e1029Acknowledgements(shell.taskDefinition)).toEqual([
      expect.stringContaining('ECS passes container definitions literally'),
    ]);
    for (const construct of plain.node.findAll()) expect(e1029Acknowledgements(construct)).toEqual([]);
  });
});
