import { Template } from 'aws-cdk-lib/assertions';
import { Application, Dependency, Image, Job, Service } from '../../../constructs';
import { logicalId } from '../../support/errors';
import { testStack } from '../../support/test-app';

// Fargate refuses a task definition whose containers reserve more memory than the task has. Every
// container has a hard limit of its own (AWS Control Tower's CT.ECS.PR.7), so the reservations are set to
// fit: helpers their share, the task's own container at least 6 MiB, hosted jobs the rest.

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

type Container = { Name: string; Memory?: number; MemoryReservation?: number };

function containersOf(memoryMiB: number, jobMiB: readonly number[], writablePaths: string[] = []) {
  const stack = testStack();
  const application = new Application(stack, 'shop');
  const jobs = jobMiB.map(
    (m, i) =>
      new Job(application, `job${i}`, { image: IMAGE, command: ['true'], memoryMiB: m, writablePaths }),
  );
  const api = new Service(application, 'api', {
    image: IMAGE,
    cpu: memoryMiB >= 1024 ? 512 : 256,
    memoryMiB,
    dependsOn: jobs.map((j) => Dependency.completedSuccessfully(j)),
  });
  const task = Template.fromStack(stack).toJSON().Resources[logicalId(api.taskDefinition)];
  return task.Properties.ContainerDefinitions as Container[];
}

const reserved = (containers: Container[]) =>
  containers.reduce((sum, c) => sum + (c.MemoryReservation ?? c.Memory ?? 0), 0);

test('a default job in a default service: the reservations fit in the 512 MiB task', () => {
  const containers = containersOf(512, [512]);
  expect(reserved(containers)).toBeLessThanOrEqual(512);
  const byName = Object.fromEntries(containers.map((c) => [c.Name, c]));
  expect(byName.api).toMatchObject({ Memory: 512, MemoryReservation: 6 });
  expect(byName.job0).toMatchObject({ Memory: 512, MemoryReservation: 506 });
});

test('two jobs and their writable-path helpers that fill the task give up their share in proportion', () => {
  const containers = containersOf(1024, [512, 512], ['/tmp']);
  expect(reserved(containers)).toBeLessThanOrEqual(1024);
  for (const c of containers) expect(c.MemoryReservation ?? c.Memory).toBeGreaterThanOrEqual(6);
  // the hard limits stay what each workload declares
  expect(containers.find((c) => c.Name === 'job0')?.Memory).toBe(512);
});

test('jobs with room to spare reserve their whole memory', () => {
  const containers = containersOf(2048, [512]);
  const byName = Object.fromEntries(containers.map((c) => [c.Name, c]));
  expect(byName.job0.MemoryReservation).toBe(512);
  expect(byName.api.MemoryReservation).toBe(2048 - 512);
});
