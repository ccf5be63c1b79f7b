/* eslint-disable @typescript-eslint/no-explicit-any */
import * as os from 'os';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Application, ComposeDocument, Image } from '../../constructs';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { checkParity, ParityReport } from '../../constructs/parity';
import { composeSchemaErrors } from './compose-schema';
import { testStack } from './test-app';

export const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
/** Where the local twin's compose file would be written; no image is built from a directory here. */
const DIR = os.tmpdir();

/** Both twins of an application built by `build`, and the model they were rendered from. */
export interface ResourceTwins {
  readonly stack: Stack;
  readonly application: Application;
  readonly template: any;
  readonly compose: ComposeDocument;
  readonly envExample: string;
  readonly spec: ApplicationSpec;
}

/** Builds an application `shop` with `build` and renders both twins (the compose file schema-checked). */
export function resourceTwins(build: (application: Application) => void): ResourceTwins {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  build(application);
  const template = Template.fromStack(stack).toJSON();
  const compose = application.renderLocalTwin(DIR).compose;
  expect(composeSchemaErrors(compose)).toEqual([]);
  const envExample = application.renderLocalTwinFiles(DIR).envExample;
  return { stack, application, template, compose, envExample, spec: application.toSpec() };
}

/** The parity report of `twins`, after `breakTwin` changed copies of the template, compose file or model. */
export function parityOf(
  twins: ResourceTwins,
  breakTwin: (template: any, compose: any, spec: any) => void = () => undefined,
): ParityReport {
  const template = structuredClone(twins.template);
  const compose = structuredClone(twins.compose);
  const spec = structuredClone(twins.spec);
  breakTwin(template, compose, spec);
  return checkParity(template, compose, spec);
}

/** The errors of a report as `service: field: reason` lines. */
export function parityErrors(report: ParityReport): string[] {
  return report.errors.map((e) => `${e.service}: ${e.field}: ${e.reason}`);
}

/** The template's resources of `type`, by logical id. */
export function resourcesOf(template: any, type: string): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type));
}

/** The IAM actions granted to the task role of the task definition running container `name`. */
export function taskRoleActions(template: any, name: string): string[] {
  const [, task] = Object.entries<any>(resourcesOf(template, 'AWS::ECS::TaskDefinition')).find(([, t]) =>
    t.Properties.ContainerDefinitions.some((c: any) => c.Name === name && c.Essential !== false),
  )!;
  const role = task.Properties.TaskRoleArn['Fn::GetAtt'][0];
  return Object.values<any>(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap((p) => [].concat(p.Properties.PolicyDocument.Statement))
    .flatMap((s: any) => [].concat(s.Action))
    .sort();
}

/** The environment of container `name` in the template, values as JSON. */
export function cloudEnvironment(template: any, name: string): Record<string, string> {
  for (const t of Object.values<any>(resourcesOf(template, 'AWS::ECS::TaskDefinition'))) {
    const c = t.Properties.ContainerDefinitions.find((x: any) => x.Name === name);
    if (c)
      return Object.fromEntries((c.Environment ?? []).map((e: any) => [e.Name, JSON.stringify(e.Value)]));
  }
  throw new Error(`no container ${name}`);
}
