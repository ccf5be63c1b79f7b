import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AccessDeniedException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  Service as EcsService,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { Application, HealthCheck, Image, Service } from '../../constructs';
import { Clock, statusCommand } from '../../cli/status-command';
import { readCloudTwin } from '../../constructs/parity';
import { recordingIo } from '../support/cli-io';
import { testApp } from '../support/test-app';

const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-status-'));
const app = testApp({ outdir: assembly });
const shop = new Application(new Stack(app, 'Shop'), 'shop');
new Service(shop, 'api', {
  image: Image.fromRegistry('nginx:1.27'),
  ports: [{ containerPort: 80 }],
  healthCheck: HealthCheck.tcp({ port: 80 }),
  desiredCount: 2,
});
new Service(shop, 'worker', { image: Image.fromRegistry('busybox:1.36') });
app.synth();
const template = JSON.parse(fs.readFileSync(path.join(assembly, 'Shop.template.json'), 'utf8'));
const logicalIds = Object.fromEntries(
  readCloudTwin(template, 'shop').services.map((s) => [s.name, s.logicalId]),
);
const clusterId = Object.keys(template.Resources).find(
  (k) => template.Resources[k].Type === 'AWS::ECS::Cluster',
)!;

const cfn = mockClient(CloudFormationClient);
const ecs = mockClient(ECSClient);

const arn = (name: string) => `arn:aws:ecs:eu-west-1:123456789012:service/shop-cluster/${name}`;

function service(name: string, overrides: Partial<EcsService> = {}): EcsService {
  return {
    serviceArn: arn(name),
    serviceName: name,
    desiredCount: name === 'api' ? 2 : 1,
    runningCount: name === 'api' ? 2 : 1,
    pendingCount: 0,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', failedTasks: 0 }],
    ...overrides,
  };
}

function deployed(services: Record<string, EcsService | EcsService[]>) {
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      ...Object.entries(logicalIds).map(([name, id]) => ({
        LogicalResourceId: id,
        PhysicalResourceId: arn(name),
        ResourceType: 'AWS::ECS::Service',
        ResourceStatus: 'CREATE_COMPLETE' as const,
        LastUpdatedTimestamp: new Date(0),
      })),
      {
        LogicalResourceId: clusterId,
        PhysicalResourceId: 'shop-cluster',
        ResourceType: 'AWS::ECS::Cluster',
        ResourceStatus: 'CREATE_COMPLETE' as const,
        LastUpdatedTimestamp: new Date(0),
      },
    ],
  });
  for (const [name, s] of Object.entries(services)) {
    const stub = ecs.on(DescribeServicesCommand, { cluster: 'shop-cluster', services: [arn(name)] });
    if (Array.isArray(s))
      s.reduce((chain, x) => chain.resolvesOnce({ services: [x] }), stub).resolves({ services: [s.at(-1)!] });
    else stub.resolves({ services: [s] });
  }
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
}

const fakeClock = (): Clock & { slept: number[] } => {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), slept };
};

async function status(...args: string[]) {
  const run = recordingIo(os.tmpdir());
  const clock = fakeClock();
  const code = await statusCommand(['--assembly', assembly, '--region', 'eu-west-1', ...args], run.io, clock);
  return { code, out: run.out(), err: run.err(), slept: clock.slept };
}

beforeEach(() => {
  cfn.reset();
  ecs.reset();
});

test('shows desired, running and pending tasks, rollout and circuit breaker of every service', async () => {
  deployed({ api: service('api'), worker: service('worker') });
  const result = await status();
  expect(result.code).toBe(0);
  expect(result.err).toBe('');
  const lines = result.out.split('\n');
  expect(lines[0]).toBe("stack Shop, application 'shop':");
  expect(lines[1]).toMatch(/^ {2}service +running\/desired +pending +rollout +circuit breaker$/);
  expect(lines[2]).toMatch(/^ {2}api +2\/2 +0 +COMPLETED +armed \(rollback\)$/);
  expect(lines[3]).toMatch(/^ {2}worker +1\/1 +0 +COMPLETED +armed \(rollback\)$/);
  expect(cfn.commandCalls(ListStackResourcesCommand)[0].args[0].input).toEqual({ StackName: 'Shop' });
});

test('a failed rollout exits 1 with the circuit breaker and the last failed tasks’ stop reasons', async () => {
  deployed({
    api: service('api', {
      runningCount: 1,
      deployments: [
        {
          status: 'PRIMARY',
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
          failedTasks: 3,
        },
      ],
    }),
    worker: service('worker'),
  });
  ecs.on(ListTasksCommand, { serviceName: arn('api') }).resolves({ taskArns: ['t1', 't2'] });
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/shop-cluster/aaa',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        stoppedAt: new Date('2025-01-01T10:00:00Z'),
        containers: [{ name: 'api', exitCode: 1 }],
      },
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/shop-cluster/bbb',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by deployment',
        stoppedAt: new Date('2025-01-01T11:00:00Z'),
        containers: [{ name: 'api', exitCode: 0 }],
      },
    ],
  });
  const result = await status();
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/ {2}api +1\/2 +0 +FAILED +tripped, rolled back/);
  expect(result.out).toContain('  api: ECS deployment circuit breaker: tasks failed to start.');
  expect(result.out).toContain(
    '  api, last failed tasks:\n    2025-01-01T10:00:00.000Z task aaa: Essential container in task exited (api: exit 1)\n',
  );
  expect(result.out).not.toContain('bbb');
  expect(result.err).toBe(
    'twinstack: rollout failed: api (ECS deployment circuit breaker: tasks failed to start.)\n',
  );
});

test('--wait polls until every service is stable', async () => {
  const rolling = service('api', {
    runningCount: 1,
    pendingCount: 1,
    deployments: [
      { status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
      { status: 'ACTIVE', rolloutState: 'COMPLETED' },
    ],
  });
  deployed({ api: [rolling, rolling, service('api')], worker: service('worker') });
  const result = await status('--wait', '--interval', '10');
  expect(result.code).toBe(0);
  expect(result.slept).toEqual([10000, 10000]);
  expect(result.out).toMatch(/ {2}api +1\/2 +1 +IN_PROGRESS \(2 deployments\)/);
  expect(result.out).toContain('waiting for api (10 s of 600 s)');
  expect(result.out.trimEnd().endsWith('every service is stable')).toBe(true);
});

test('--wait gives up at the timeout with exit 1', async () => {
  const rolling = service('api', {
    runningCount: 0,
    pendingCount: 2,
    deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }],
  });
  deployed({ api: rolling, worker: service('worker') });
  const result = await status('--wait', '--interval', '30', '--timeout', '60');
  expect(result.code).toBe(1);
  expect(result.slept).toEqual([30000, 30000]);
  expect(result.err).toBe('twinstack: not stable after 60 s: api\n');
});

test('a stack that is not deployed is named', async () => {
  cfn.on(ListStackResourcesCommand).rejects(
    new CloudFormationServiceException({
      name: 'ValidationError',
      $fault: 'client',
      $metadata: {},
      message: 'Stack with id Shop does not exist',
    }),
  );
  await expect(status()).rejects.toThrow(
    'stack Shop does not exist in this account and region; deploy it first (cdk deploy Shop) or pass --region/--profile',
  );
});

test('throttling that outlasts the retries, denied permissions and missing credentials are clear errors', async () => {
  cfn.on(ListStackResourcesCommand).rejects(
    new CloudFormationServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { attempts: 5 },
      message: 'Rate exceeded',
    }),
  );
  await expect(status()).rejects.toThrow(
    'AWS kept throttling list the resources of stack Shop (cloudformation:ListStackResources) (5 attempts); wait a minute and run again',
  );

  cfn.reset();
  deployed({ api: service('api'), worker: service('worker') });
  ecs
    .on(DescribeServicesCommand)
    .rejects(new AccessDeniedException({ $metadata: {}, message: 'not authorized' }));
  await expect(status()).rejects.toThrow(
    'permission denied: the caller may not describe ECS service api (ecs:DescribeServices) (AccessDeniedException: not authorized)',
  );

  cfn.reset();
  cfn.on(ListStackResourcesCommand).rejects(
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
  );
  await expect(status()).rejects.toThrow('no AWS credentials found: set AWS_PROFILE or pass --profile');
});
