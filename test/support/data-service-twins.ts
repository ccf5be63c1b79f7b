import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { Application, ComposeService, DataService, Image, Service } from '../../constructs';
import { composeSchemaErrors } from './compose-schema';
import { PROJECT_ROOT, testStack } from './test-app';

export { expectValidationError } from './errors';

/** One data service in a fresh stack, connected to `api` (and not to `worker`), rendered in both twins. */
export interface ConnectedTwins<T extends DataService> {
  readonly stack: Stack;
  readonly application: Application;
  readonly dataService: T;
  readonly api: Service;
  readonly worker: Service;
  readonly template: Template;
  readonly compose: { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
  readonly envExample: string;
}

/**
 * Builds application `shop` with the data service `create` makes, a service `api` connected to it with
 * `variables` and a service `worker` that is not, and renders both twins.
 */
export function connectedTwins<T extends DataService>(
  create: (application: Application) => T,
  variables: Parameters<Service['connectTo']>[1],
): ConnectedTwins<T> {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  const dataService = create(application);
  const image = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.36');
  const api = new Service(application, 'api', { image, command: ['sleep', 'infinity'] });
  api.connectTo(dataService, variables);
  const worker = new Service(application, 'worker', { image, command: ['sleep', 'infinity'] });
  const template = Template.fromStack(stack);
  const files = application.renderLocalTwinFiles(PROJECT_ROOT);
  const { compose } = application.renderLocalTwin(PROJECT_ROOT);
  return {
    stack,
    application,
    dataService,
    api,
    worker,
    template,
    compose: compose as ConnectedTwins<T>['compose'],
    envExample: files.envExample,
  };
}

/** A container definition as the template has it (the parts these tests read). */
export interface TemplateContainer {
  readonly Name: string;
  readonly Environment?: { readonly Name: string; readonly Value: unknown }[];
  readonly Secrets?: { readonly Name: string; readonly ValueFrom: unknown }[];
}

/** The container definition of `service` in the template. */
export function cloudContainer(template: Template, service: Service): TemplateContainer {
  const name = service.container.containerName;
  for (const definition of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
    const container = (definition.Properties.ContainerDefinitions as TemplateContainer[]).find(
      (c) => c.Name === name,
    );
    if (container) return container;
  }
  throw new Error(`no container ${name} in the template`);
}

/** Variable names a container receives in the cloud twin (environment and secrets), sorted. */
export function cloudVariables(template: Template, service: Service): string[] {
  const c = cloudContainer(template, service);
  return [...(c.Environment ?? []), ...(c.Secrets ?? [])].map((e) => e.Name).sort();
}

/** The ECS secret reference (`ValueFrom`) of `variable` on `service`'s container. */
export function cloudSecret(template: Template, service: Service, variable: string): unknown {
  return (cloudContainer(template, service).Secrets ?? []).find((s) => s.Name === variable)?.ValueFrom;
}

/** The environment value of `variable` on `service`'s container. */
export function cloudEnvironment(template: Template, service: Service, variable: string): unknown {
  return (cloudContainer(template, service).Environment ?? []).find((e) => e.Name === variable)?.Value;
}

/** Logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: { node: { defaultChild?: unknown } } | object): string {
  const element = ((construct as { node: { defaultChild?: unknown } }).node.defaultChild ??
    construct) as never;
  return Stack.of(element).getLogicalId(element);
}

/** Security-group ingress rules into `groupLogicalId`: `{ from, port }` for each, from a group's logical id. */
export function ingressInto(template: Template, groupLogicalId: string): { from: string; port: number }[] {
  return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .filter((r) => JSON.stringify(r.Properties.GroupId).includes(`"${groupLogicalId}"`))
    .map((r) => ({
      from: r.Properties.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] ?? JSON.stringify(r.Properties),
      port: r.Properties.FromPort,
    }));
}

/** Findings of a cdk-nag pack (AwsSolutions unless given) in `stack` that nobody acknowledged, with where they are. */
export function nagFindings(stack: Stack, pack: NagPack = new AwsSolutionsChecks()): string[] {
  return pack
    .validateScope(stack)
    .violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

/** Compose Specification schema errors of a rendered document. */
export function schemaErrors(compose: unknown): unknown[] {
  return composeSchemaErrors(compose);
}
