import * as fs from 'fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  Service,
  Task,
} from '@aws-sdk/client-ecs';
import { readCloudTwin } from '../constructs/parity/cloud-twin';
import {
  ASSEMBLY_OPTIONS,
  ASSEMBLY_USAGE,
  AWS_OPTIONS,
  AWS_USAGE,
  commandOptions,
  numberOption,
  SELECTION_OPTIONS,
} from './args';
import { matchingApplications, readApplications, withAssembly } from './assembly';
import { twinFiles } from './assembly-files';
import { awsError, clientConfig, clientRegion, stackResources } from './aws';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { progress } from './progress';
import { withSdkWarningOnce } from './sdk-warning';
import { ExitCode, exitCodesUsage } from './exit-codes';

const USAGE = `Usage: twinstack status [options]

Shows each service of the deployed application: desired, running and pending tasks, the rollout state,
the deployment circuit breaker, and why the last failed tasks stopped. Reads the stack's resources with
the usual AWS credential chain, in the region of the stack's environment unless --region names one.

Options:
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
  -a, --application NAME   the application, when the app defines several
      --wait               poll until every service is stable, a rollout fails, or the timeout
      --timeout SECONDS    how long --wait waits (default: 600)
      --interval SECONDS   time between two polls of --wait (default: 15)
${AWS_USAGE}
${ASSEMBLY_USAGE}
  -h, --help               show this help

${exitCodesUsage({ ok: 'every rollout healthy (with --wait: every service stable)', finding: 'a rollout failed (with --wait: or did not finish before the timeout)', aws: true })}`;

/** Clock and sleep of the polling loop; tests replace them. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The state of one service, as shown. */
export interface ServiceStatus {
  readonly name: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  /** Rollout state of the primary deployment: COMPLETED, IN_PROGRESS or FAILED. */
  readonly rollout: string;
  readonly rolloutReason?: string;
  readonly deployments: number;
  readonly circuitBreaker: string;
  readonly failedTasks: number;
  readonly stable: boolean;
  readonly failed: boolean;
  readonly lastFailures: readonly string[];
}

/** `twinstack status`: the deployed services of an application, optionally until they are stable. */
export async function statusCommand(argv: string[], io: CliIo, clock: Clock = REAL_CLOCK): Promise<number> {
  const values = commandOptions(
    argv,
    {
      ...SELECTION_OPTIONS,
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      ...AWS_OPTIONS,
      ...ASSEMBLY_OPTIONS,
    },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const timeout = numberOption(values.timeout, 'timeout', 600, USAGE);
  const interval = numberOption(values.interval, 'interval', 15, USAGE);
  const target = await withAssembly(io, values, (assembly) => {
    const apps = matchingApplications(readApplications(assembly), values.application, values.stack);
    if (apps.length !== 1) {
      throw new CliError(
        apps.length === 0
          ? 'no application matches; check --stack and --application'
          : `several applications match (${apps.map((a) => `${a.spec.name} in ${a.stack}`).join(', ')}); choose one with --stack or --application`,
      );
    }
    const files = twinFiles(apps[0]);
    const template = JSON.parse(fs.readFileSync(files.template, 'utf8'));
    return {
      stack: apps[0].stack,
      stackName: files.stackName,
      environment: files.environment,
      application: apps[0].spec.name,
      services: readCloudTwin(
        template,
        apps[0].spec.name,
        apps[0].spec.namespace ?? apps[0].spec.name,
      ).services.map((s) => ({
        logicalId: s.logicalId,
        name: s.name,
        cluster: template.Resources[s.logicalId].Properties?.Cluster?.Ref,
      })),
    };
  });

  // The stack's own region unless --region names another; the SDK's chain for an environment-agnostic stack.
  const config = clientConfig({
    region: values.region ?? target.environment.region,
    profile: values.profile,
  });
  const [cloudFormation, ecs] = withSdkWarningOnce(io.env, () => [
    new CloudFormationClient(config),
    new ECSClient(config),
  ]);
  const region = await clientRegion(cloudFormation, `stack ${target.stack}`);
  const physical = await stackResources(cloudFormation, target.stackName, region);
  const wait = progress(io);
  const started = clock.now();
  for (;;) {
    const statuses = await describe(ecs, target.services, physical);
    io.out.write(format(target.stackName, target.application, statuses));
    const failed = statuses.filter((s) => s.failed);
    if (failed.length > 0) {
      io.err.write(
        `twinstack: rollout failed: ${failed.map((s) => `${s.name} (${s.rolloutReason ?? s.rollout})`).join('; ')}\n`,
      );
      return ExitCode.FINDING;
    }
    const unstable = statuses.filter((s) => !s.stable);
    if (!values.wait) return ExitCode.OK;
    if (unstable.length === 0) {
      io.out.write('every service is stable\n');
      return ExitCode.OK;
    }
    const elapsed = (clock.now() - started) / 1000;
    if (elapsed + interval > timeout) {
      io.err.write(
        `twinstack: not stable after ${Math.round(elapsed)} s: ${unstable.map((s) => s.name).join(', ')}\n`,
      );
      return ExitCode.FINDING;
    }
    wait.note(
      `waiting for ${unstable.map((s) => s.name).join(', ')} (${Math.round(elapsed)} s of ${timeout} s; next check in ${interval} s)`,
    );
    io.out.write('\n');
    await clock.sleep(interval * 1000);
  }
}

async function describe(
  ecs: ECSClient,
  services: { logicalId: string; name: string; cluster: string }[],
  physical: Map<string, string>,
): Promise<ServiceStatus[]> {
  const out: ServiceStatus[] = [];
  for (const s of services) {
    const arn = physical.get(s.logicalId);
    const cluster = physical.get(s.cluster);
    if (!arn || !cluster)
      throw new CliError(
        `service ${s.name} (${s.logicalId}) is not in the deployed stack; deploy the app first`,
      );
    let service: Service | undefined;
    try {
      const res = await ecs.send(new DescribeServicesCommand({ cluster, services: [arn] }));
      service = res.services?.[0];
      if (!service)
        throw new CliError(
          `ECS does not know service ${s.name} (${arn}): ${res.failures?.[0]?.reason ?? 'MISSING'}`,
        );
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw awsError(e, `describe ECS service ${s.name} (ecs:DescribeServices)`);
    }
    out.push(await statusOf(ecs, s.name, cluster, service));
  }
  return out;
}

async function statusOf(
  ecs: ECSClient,
  name: string,
  cluster: string,
  service: Service,
): Promise<ServiceStatus> {
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY') ?? service.deployments?.[0];
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  const rollout = primary?.rolloutState ?? 'UNKNOWN';
  const failedTasks = primary?.failedTasks ?? 0;
  const desired = service.desiredCount ?? 0;
  const running = service.runningCount ?? 0;
  const pending = service.pendingCount ?? 0;
  const circuitBreaker = !breaker?.enable
    ? 'off'
    : rollout === 'FAILED' && /circuit breaker/i.test(primary?.rolloutStateReason ?? '')
      ? `tripped${breaker.rollback ? ', rolled back' : ''}`
      : `armed${breaker.rollback ? ' (rollback)' : ''}${failedTasks ? `, ${failedTasks} failed task${failedTasks === 1 ? '' : 's'}` : ''}`;
  return {
    name,
    desired,
    running,
    pending,
    rollout,
    ...(primary?.rolloutStateReason ? { rolloutReason: primary.rolloutStateReason } : {}),
    deployments: service.deployments?.length ?? 0,
    circuitBreaker,
    failedTasks,
    stable:
      (service.deployments?.length ?? 0) <= 1 &&
      rollout !== 'IN_PROGRESS' &&
      running === desired &&
      pending === 0,
    failed: rollout === 'FAILED',
    lastFailures: await lastFailures(ecs, cluster, service.serviceArn ?? name, name),
  };
}

/** Why the last (at most 3) failed tasks of the service stopped, newest first. */
async function lastFailures(
  ecs: ECSClient,
  cluster: string,
  serviceArn: string,
  name: string,
): Promise<string[]> {
  try {
    const list = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: serviceArn, desiredStatus: 'STOPPED', maxResults: 20 }),
    );
    if (!list.taskArns?.length) return [];
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns }))).tasks ?? [];
    return tasks
      .filter(isFailure)
      .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
      .slice(0, 3)
      .map((t) => {
        const id = t.taskArn?.split('/').pop() ?? '?';
        const containers = (t.containers ?? [])
          .filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason)
          .map((c) => `${c.name}: ${c.reason ?? `exit ${c.exitCode}`}`);
        const when = t.stoppedAt ? `${t.stoppedAt.toISOString()} ` : '';
        return `${when}task ${id}: ${t.stoppedReason ?? t.stopCode ?? 'stopped'}${containers.length ? ` (${containers.join('; ')})` : ''}`;
      });
  } catch (e) {
    throw awsError(e, `list the stopped tasks of ${name} (ecs:ListTasks, ecs:DescribeTasks)`);
  }
}

function isFailure(t: Task): boolean {
  if (t.stopCode === 'TaskFailedToStart' || t.stopCode === 'EssentialContainerExited') return true;
  if ((t.containers ?? []).some((c) => c.exitCode !== undefined && c.exitCode !== 0)) return true;
  return /health ?check|failed/i.test(t.stoppedReason ?? '');
}

function format(stackName: string, application: string, statuses: ServiceStatus[]): string {
  const rows = statuses.map((s) => [
    s.name,
    `${s.running}/${s.desired}`,
    String(s.pending),
    `${s.rollout}${s.deployments > 1 ? ` (${s.deployments} deployments)` : ''}`,
    s.circuitBreaker,
  ]);
  const header = ['service', 'running/desired', 'pending', 'rollout', 'circuit breaker'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd();
  const lines = [`stack ${stackName}, application '${application}':`, line(header), ...rows.map(line)];
  for (const s of statuses) {
    if (s.rolloutReason && s.rollout !== 'COMPLETED') lines.push(`  ${s.name}: ${s.rolloutReason}`);
    if (s.lastFailures.length)
      lines.push(`  ${s.name}, last failed tasks:`, ...s.lastFailures.map((f) => `    ${f}`));
  }
  return `${lines.join('\n')}\n`;
}
