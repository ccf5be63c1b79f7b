import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Application,
  CpuArchitecture,
  Dependency,
  HealthCheck,
  Image,
  Job,
  JobRun,
  JobSchedule,
  Service,
  ValidationError,
} from '../../../constructs';
import { forDockerCompose129 } from '../../../constructs/compose/compatibility';
import { renderLocalTwin } from '../../../constructs/compose/compose-renderer';
import { composeSchemaErrors } from '../../support/compose-schema';
import { PROJECT_ROOT, testApp, testStack } from '../../support/test-app';

// The compose keys this project writes that docker-compose 1.29 predates: profiles, start_interval,
// build.platforms, depends_on.restart and depends_on.required.
const CONTEXT = path.join(PROJECT_ROOT, 'lib/examples/dozer/image');
const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const stack = new Stack(testApp(), 'Shop');
const shop = new Application(stack, 'shop');
const mq = new Service(shop, 'mq', {
  image: IMAGE,
  profile: 'mov',
  healthCheck: HealthCheck.shell('true', {
    interval: Duration.minutes(1),
    startPeriod: Duration.minutes(1),
    startInterval: Duration.seconds(5),
  }),
});
const db = new Service(shop, 'db', { image: IMAGE, healthCheck: HealthCheck.shell('true') });
new Service(shop, 'component', {
  image: Image.fromDirectory(CONTEXT, { platforms: [Platform.LINUX_ARM64, Platform.LINUX_AMD64] }),
  cpuArchitecture: CpuArchitecture.X86_64,
  dependsOn: [
    Dependency.healthy(mq, { optional: true, restart: true }),
    Dependency.healthy(db, { restart: true }),
  ],
});
new Job(shop, 'nightly', { image: IMAGE, runs: JobRun.onSchedule(JobSchedule.rate(Duration.days(1))) });
const doc = renderLocalTwin(shop.toSpec(), { outputDirectory: PROJECT_ROOT }).compose;

test('the Compose Specification form has each key, and passes the schema', () => {
  expect(doc.services.mq.profiles).toEqual(['mov']);
  expect(doc.services.nightly.profiles).toEqual(['jobs']);
  expect(doc.services.mq.healthcheck).toEqual({
    test: ['CMD-SHELL', 'true'],
    interval: '60s',
    timeout: '5s',
    retries: 3,
    start_period: '60s',
    start_interval: '5s',
  });
  expect(doc.services.component.build).toEqual({
    context: './lib/examples/dozer/image',
    platforms: ['linux/amd64', 'linux/arm64'],
  });
  expect(doc.services.component.platform).toBe('linux/amd64');
  expect(doc.services.component.depends_on).toEqual({
    db: { condition: 'service_healthy', restart: true },
    mq: { condition: 'service_healthy', restart: true, required: false },
  });
  expect(composeSchemaErrors(doc)).toEqual([]);
});

test('docker-compose 1.29 gets the same file without them, each drop named in the header', () => {
  const twin = forDockerCompose129(doc);
  const services = twin.compose.services;
  expect(services.mq.profiles).toEqual(['mov']); // 1.29 has profiles
  expect(services.mq.healthcheck).toEqual({
    test: ['CMD-SHELL', 'true'],
    interval: '60s',
    timeout: '5s',
    retries: 3,
    start_period: '60s',
  });
  expect(services.component.build).toEqual({ context: './lib/examples/dozer/image' });
  expect(services.component.depends_on).toEqual({ db: { condition: 'service_healthy' } });
  expect(twin.notes).toEqual([
    'For docker-compose 1.29: run it as `docker-compose -p shop up` (1.29 reads no top-level name).',
    "component: build platforms linux/amd64, linux/arm64 dropped (1.29 builds the service's platform only).",
    'component: restart with db dropped (1.29 does not restart dependents).',
    'component: optional dependency on mq dropped (1.29 cannot start without it when it is off).',
    'mq: health check start_interval 5s dropped (1.29 probes every interval while starting).',
  ]);
  // The keys keep their order.
  expect(Object.keys(services.component)).toEqual(Object.keys(doc.services.component));
});

test('ECS has no start interval: the cloud twin drops it and says so', () => {
  const own = testStack();
  new Service(new Application(own, 'app'), 'api', {
    image: IMAGE,
    healthCheck: HealthCheck.shell('true', {
      startPeriod: Duration.minutes(1),
      startInterval: Duration.seconds(5),
    }),
  });
  Template.fromStack(own).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [
      Match.objectLike({
        HealthCheck: {
          Command: ['CMD-SHELL', 'true'],
          Interval: 30,
          Retries: 3,
          StartPeriod: 60,
          Timeout: 5,
        },
      }),
    ],
  });
  Annotations.fromStack(own).hasWarning(
    '/Test/app/api',
    Match.stringLikeRegexp(
      'startInterval 5s dropped \\(ECS has no start interval; it probes every 30s during the start period too\\)',
    ),
  );
});

test('a start interval needs a start period and is not longer than the interval', () => {
  const check = (options: Parameters<typeof HealthCheck.shell>[1]) => () =>
    HealthCheck.shell('true', options)._toSpec('App/api');
  expect(check({ startInterval: Duration.seconds(5) })).toThrow(
    'App/api: healthCheck.startInterval "5 s" applies only during the start period; give a startPeriod too',
  );
  expect(
    check({
      startPeriod: Duration.seconds(30),
      interval: Duration.seconds(10),
      startInterval: Duration.seconds(20),
    }),
  ).toThrow('is longer than the interval (10 s)');
  expect(
    check({ startPeriod: Duration.seconds(30), startInterval: Duration.seconds(5) })().startIntervalSeconds,
  ).toBe(5);
});

test('the platforms of a multi-platform build include the workload’s own', () => {
  const application = new Application(testStack(), 'app');
  let thrown: unknown;
  try {
    new Service(application, 'arm', {
      image: Image.fromDirectory(CONTEXT, { platforms: [Platform.LINUX_AMD64] }),
      cpuArchitecture: CpuArchitecture.ARM64,
    });
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  expect((thrown as Error).message).toContain(
    'image.platforms ["linux/amd64"] does not include linux/arm64, the platform of cpuArchitecture arm64',
  );
  expect(
    () =>
      new Service(application, 'bad', {
        image: Image.fromDirectory(CONTEXT, { platforms: [Platform.custom('linux/riscv64')] }),
      }),
  ).toThrow('image.platforms[0] "linux/riscv64" is not a platform Fargate runs');
});
