/* eslint-disable @typescript-eslint/no-explicit-any */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parse } from 'yaml';
import type { Application } from '../../../constructs';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

/** Both twins of one example stack, synthesized once (without the validator, cdk-nag or parity). */
export interface ExampleTwins<S> {
  readonly stack: S;
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** The local twin as written, relative to the project root. */
  readonly composeText: string;
  readonly compose: any;
}

/** Synthesizes the stack `create` adds to a test app, and renders its application's local twin. */
export function synthesizeExample<S extends Stack & { readonly application: Application }>(
  create: (app: App) => S,
): ExampleTwins<S> {
  const app = testApp();
  const stack = create(app);
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  const composeText = stack.application.renderLocalTwinFiles(PROJECT_ROOT).compose;
  return { stack, assembly, template, composeText, compose: parse(composeText) };
}

/** Every container definition of the template's task definitions, by container name. */
export function taskContainers(template: Template): Record<string, any> {
  return Object.fromEntries(
    Object.values(template.findResources('AWS::ECS::TaskDefinition')).flatMap((td: any) =>
      td.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]),
    ),
  );
}

/** A container definition's plain environment, by variable name. */
export function environmentOf(container: any): Record<string, unknown> {
  return Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}
