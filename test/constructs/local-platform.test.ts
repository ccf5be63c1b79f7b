import * as os from 'os';
import { Template } from 'aws-cdk-lib/assertions';
import { Application, CpuArchitecture, Image, Service } from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { logicalId } from '../support/errors';
import { testStack } from '../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** Application `shop` with services of the given architectures; both twins rendered. */
function twins(architectures: Record<string, CpuArchitecture | undefined>) {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  const workloads = Object.entries(architectures).map(
    ([name, cpuArchitecture]) =>
      new Service(application, name, { image: IMAGE, ...(cpuArchitecture ? { cpuArchitecture } : {}) }),
  );
  const compose = application.renderLocalTwin(os.tmpdir()).compose;
  expect(composeSchemaErrors(compose)).toEqual([]);
  const template = Template.fromStack(stack).toJSON();
  const runtimePlatform = (w: Service) =>
    template.Resources[logicalId(w.taskDefinition)].Properties.RuntimePlatform;
  return { compose, workloads, runtimePlatform };
}

test('a workload that declares no architecture has no compose platform; the cloud twin keeps X86_64', () => {
  const { compose, workloads, runtimePlatform } = twins({ api: undefined });
  expect(compose.services.api).not.toHaveProperty('platform');
  expect(runtimePlatform(workloads[0])).toEqual({
    CpuArchitecture: 'X86_64',
    OperatingSystemFamily: 'LINUX',
  });
  expect(workloads[0].toSpec()).not.toHaveProperty('localPlatform');
});

test.each([
  [CpuArchitecture.X86_64, 'linux/amd64', 'X86_64'],
  [CpuArchitecture.ARM64, 'linux/arm64', 'ARM64'],
])('a declared %s is compose platform %s and Fargate %s', (architecture, platform, fargate) => {
  const { compose, workloads, runtimePlatform } = twins({ api: architecture });
  expect(compose.services.api.platform).toBe(platform);
  expect(runtimePlatform(workloads[0])).toMatchObject({ CpuArchitecture: fargate });
});
