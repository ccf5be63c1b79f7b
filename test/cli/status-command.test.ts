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
import { main } from '../../cli/main';
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

// The AWS SDK's warning is remembered here, not in the user's cache directory.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-status-cache-'));

async function status(terminal: { tty?: boolean } = {}, ...args: string[]) {
  const run = recordingIo(os.tmpdir(), { XDG_CACHE_HOME: cacheHome });
  const io = { ...run.io, err: { write: run.io.err.write, isTTY: terminal.tty === true } };
  const clock = fakeClock();
  const code = await statusCommand(['--assembly', assembly, '--region', 'eu-west-1', ...args], io, clock);
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

test('--wait polls until every service is stable; progress goes to a terminal’s stderr, never to stdout', async () => {
  const rolling = service('api', {
    runningCount: 1,
    pendingCount: 1,
    deployments: [
      { status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
      { status: 'ACTIVE', rolloutState: 'COMPLETED' },
    ],
  });
  deployed({ api: [rolling, rolling, service('api')], worker: service('worker') });
  const result = await status({ tty: true }, '--wait', '--interval', '10');
  expect(result.code).toBe(0);
  expect(result.slept).toEqual([10000, 10000]);
  expect(result.out).toMatch(/ {2}api +1\/2 +1 +IN_PROGRESS \(2 deployments\)/);
  expect(result.out).not.toContain('waiting');
  expect(result.err).toBe(
    'twinstack: waiting for api (0 s of 600 s; next check in 10 s)\n' +
      'twinstack: waiting for api (10 s of 600 s; next check in 10 s)\n',
  );
  expect(result.out.trimEnd().endsWith('every service is stable')).toBe(true);

  // Piped or in CI, standard error is no terminal: no progress at all, the same result on stdout.
  cfn.reset();
  ecs.reset();
  deployed({ api: [rolling, rolling, service('api')], worker: service('worker') });
  const piped = await status({}, '--wait', '--interval', '10');
  expect(piped.code).toBe(0);
  expect(piped.err).toBe('');
  expect(piped.out).toBe(result.out);
});

test('--wait gives up at the timeout with exit 1', async () => {
  const rolling = service('api', {
    runningCount: 0,
    pendingCount: 2,
    deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }],
  });
  deployed({ api: rolling, worker: service('worker') });
  const result = await status({}, '--wait', '--interval', '30', '--timeout', '60');
  expect(result.code).toBe(1);
  expect(result.slept).toEqual([30000, 30000]);
  expect(result.err).toBe('twinstack: not stable after 60 s: api\n');
});

/** `twinstack status` run by the tool's entry point, which turns errors into the exit code and one line. */
async function statusMain(assemblyDir: string, ...args: string[]) {
  const run = recordingIo(os.tmpdir(), { XDG_CACHE_HOME: cacheHome });
  const code = await main(['status', '--assembly', assemblyDir, ...args], run.io);
  return { code, out: run.out(), err: run.err() };
}

test('a stack that is not deployed is named, exit 2', async () => {
  cfn.on(ListStackResourcesCommand).rejects(
    new CloudFormationServiceException({
      name: 'ValidationError',
      $fault: 'client',
      $metadata: {},
      message: 'Stack with id Shop does not exist',
    }),
  );
  expect(await statusMain(assembly, '--region', 'eu-west-1')).toEqual({
    code: 2,
    out: '',
    err: 'twinstack: stack Shop does not exist in region eu-west-1 of this account; deploy it first (cdk deploy Shop) or pass --region/--profile\n',
  });
});

test('throttling that outlasts the retries, denied permissions and missing credentials are clear errors, exit 2', async () => {
  cfn.on(ListStackResourcesCommand).rejects(
    new CloudFormationServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { attempts: 5 },
      message: 'Rate exceeded',
    }),
  );
  expect(await statusMain(assembly, '--region', 'eu-west-1')).toEqual({
    code: 2,
    out: '',
    err: 'twinstack: AWS kept throttling list the resources of stack Shop (cloudformation:ListStackResources) (5 attempts); wait a minute and run again\n',
  });

  cfn.reset();
  deployed({ api: service('api'), worker: service('worker') });
  ecs
    .on(DescribeServicesCommand)
    .rejects(new AccessDeniedException({ $metadata: {}, message: 'not authorized' }));
  expect(await statusMain(assembly, '--region', 'eu-west-1')).toEqual({
    code: 2,
    out: '',
    err: 'twinstack: permission denied: the caller may not describe ECS service api (ecs:DescribeServices) (AccessDeniedException: not authorized)\n',
  });

  cfn.reset();
  cfn.on(ListStackResourcesCommand).rejects(
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
  );
  const noCredentials = await statusMain(assembly, '--region', 'eu-west-1');
  expect(noCredentials.code).toBe(2);
  expect(noCredentials.err).toMatch(
    /^twinstack: no AWS credentials found: set AWS_PROFILE or pass --profile/,
  );

  // Any other error of the SDK: its name and message, and the command could not run.
  cfn.reset();
  cfn.on(ListStackResourcesCommand).rejects(
    new CloudFormationServiceException({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
      message: 'We encountered an internal error',
    }),
  );
  expect(await statusMain(assembly, '--region', 'eu-west-1')).toMatchObject({
    code: 2,
    err: 'twinstack: list the resources of stack Shop (cloudformation:ListStackResources) failed: InternalFailure: We encountered an internal error\n',
  });
});

describe('the region', () => {
  // The same application in a stack whose environment names its account and region.
  const placed = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-status-env-'));
  const placedApp = testApp({ outdir: placed });
  new Service(
    new Application(
      new Stack(placedApp, 'Shop', { env: { account: '123456789012', region: 'eu-central-1' } }),
      'shop',
    ),
    'api',
    { image: Image.fromRegistry('nginx:1.27') },
  );
  placedApp.synth();

  const saved = { ...process.env };
  beforeEach(() => {
    // No region from the SDK's chain: no variable, no profile, no config file.
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = path.join(placed, 'no-aws-config');
  });
  afterEach(() => {
    for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  /** The regions ListStackResources was called in. */
  function recordRegions(): string[] {
    const regions: string[] = [];
    cfn.on(ListStackResourcesCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      return { StackResourceSummaries: [] };
    });
    return regions;
  }

  test('is the one the stack’s environment in the manifest names; --region overrides it', async () => {
    const regions = recordRegions();
    const fromManifest = await statusMain(placed);
    // The mocked stack has no resources: the command went as far as comparing them with the template.
    expect(fromManifest.err).toMatch(/^twinstack: service api \(\w+\) is not in the deployed stack/);
    expect(fromManifest.code).toBe(2);
    await statusMain(placed, '--region', 'us-east-2');
    expect(regions).toEqual(['eu-central-1', 'us-east-2']);
  });

  test('is the SDK’s (AWS_REGION) for an environment-agnostic stack; neither is a clear error, exit 2', async () => {
    const regions = recordRegions();
    process.env.AWS_REGION = 'ap-south-1';
    await statusMain(assembly);
    expect(regions).toEqual(['ap-south-1']);

    delete process.env.AWS_REGION;
    expect(await statusMain(assembly)).toEqual({
      code: 2,
      out: '',
      err: 'twinstack: no AWS region: the environment of stack Shop names none (the stack is environment-agnostic) and none is configured; pass --region, set AWS_REGION, or give the stack an env with a region\n',
    });
    expect(regions).toEqual(['ap-south-1']);
  });
});
