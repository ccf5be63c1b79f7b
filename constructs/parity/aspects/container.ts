import { literal, type ComposeService } from '../compose-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { compareValue, describeList, ParityEntry, problem, same, standIn } from '../parity-report';
import { compareConfigFiles } from './config-files';
import { compareConnectionUrls } from './connection-urls';
import { compareContainerSettings, compareLimit, declaredResources } from './container-settings';
import { compareDependencies } from './dependencies';
import { compareEnvironment, compareSecrets } from './environment';
import { compareHardening } from './hardening';
import { compareHealthCheck } from './health-check';
import { compareImage } from './image';
import { comparePorts } from './ports';
import { compareVolumes } from './volumes';
import { compareLocalInputs } from './local-inputs';

const ARCHITECTURES: Record<string, string> = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' };

/**
 * Compares one container that runs a workload in the cloud with its compose service, field by field:
 * image, platform, resources, process, hardening (user, read-only root filesystem, writable paths, memory
 * limit), environment, secrets, connection URLs, ports, health check, dependencies, volumes, config files and task count. Fields neither twin sets are left out.
 */
export function compareInstance(
  ctx: ParityContext,
  name: string,
  local: ComposeService,
  i: WorkloadInstance,
): ParityEntry[] {
  const c = i.container;
  const out: ParityEntry[] = [];
  out.push(...compareImage(ctx, name, c, local));
  const platform = i.host.cpuArchitecture
    ? (ARCHITECTURES[i.host.cpuArchitecture] ?? i.host.cpuArchitecture)
    : undefined;
  out.push(_comparePlatform(ctx, name, platform, local.platform));
  out.push(_compareResources(ctx, name, i, local));
  out.push(
    compareValue(
      name,
      'entrypoint',
      describeList(c.entryPoint),
      describeList(local.entrypoint?.map((t) => literal(t))),
    ),
  );
  out.push(
    compareValue(
      name,
      'command',
      describeList(c.command),
      describeList(local.command?.map((t) => literal(t))),
    ),
  );
  out.push(compareValue(name, 'workingDirectory', c.workingDirectory, literal(local.workingDir)));
  out.push(...compareHardening(name, i, local, declaredResources(ctx, name).memoryMiB));
  out.push(...compareContainerSettings(ctx, name, i, local));
  out.push(...compareEnvironment(ctx, name, c, local));
  out.push(...compareSecrets(ctx, name, c, local));
  out.push(...compareConnectionUrls(ctx, name, c, local));
  if (!i.job) out.push(...comparePorts(ctx, name, c, local));
  out.push(...compareHealthCheck(name, c.healthCheck, local.healthCheck));
  out.push(...compareDependencies(ctx, name, i, local));
  out.push(...compareVolumes(ctx, name, i, local));
  out.push(...compareConfigFiles(ctx, name, i, local));
  out.push(...compareLocalInputs(ctx, name, i, local));
  if (!i.job) out.push(_compareTaskCount(name, i, local));
  return out.filter((e) => !(e.kind === 'same' && e.cloud === undefined && e.local === undefined));
}

/**
 * The resources: the Fargate size (a hosted job: its container's share) against the local limits, which
 * the local twin has only for what the workload declares (otherwise the stand-in `default-resources`).
 */
function _compareResources(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry {
  const cpu = i.job && !i.ownTask ? i.container.cpu : i.host.taskCpu;
  const memory = i.job && !i.ownTask ? i.container.memoryMiB : i.host.taskMemoryMiB;
  const cloud =
    cpu !== undefined || memory !== undefined
      ? `cpus ${cpu === undefined ? '-' : cpu / 1024}, memory ${memory ?? '-'}M`
      : undefined;
  const { cpus, memoryMiB } = local.limits;
  const localText =
    cpus !== undefined || memoryMiB !== undefined
      ? `cpus ${cpus ?? '-'}, memory ${memoryMiB ?? '-'}M`
      : undefined;
  const declared = declaredResources(ctx, name);
  const parts = [
    compareLimit(
      name,
      'resources',
      cpu === undefined ? undefined : String(cpu / 1024),
      cpus === undefined ? undefined : String(cpus),
      declared.cpu,
      'cpu',
    ),
    compareLimit(
      name,
      'resources',
      memory === undefined ? undefined : `${memory}M`,
      memoryMiB === undefined ? undefined : `${memoryMiB}M`,
      declared.memoryMiB,
      'memoryMiB',
    ),
  ];
  const error = parts.find((p) => p.kind === 'error');
  const stand = parts.filter((p) => p.kind === 'stand-in');
  if (error) return { ...error, ...compared(cloud, localText) };
  if (stand.length)
    return {
      ...stand[0],
      ...compared(cloud, localText),
      reason:
        stand.length === 2
          ? "the workload declares no cpu or memoryMiB: the cloud twin has Fargate's default size, the local twin no limit"
          : stand[0].reason,
    };
  return compareValue(name, 'resources', cloud, localText);
}

/** The two values of an entry, each only when present. */
function compared(cloud: string | undefined, local: string | undefined): { cloud?: string; local?: string } {
  return { ...(cloud !== undefined ? { cloud } : {}), ...(local !== undefined ? { local } : {}) };
}

function _compareTaskCount(name: string, i: WorkloadInstance, local: ComposeService): ParityEntry {
  const count = i.host.desiredCount ?? 1;
  const replicas = local.replicas;
  const cloudCount = `${count} task${count === 1 ? '' : 's'}${i.host.autoScaled ? ', autoscaled' : ''}`;
  const localCount = `${replicas} container${replicas === 1 ? '' : 's'}`;
  return count === replicas && !i.host.autoScaled
    ? same(name, 'taskCount', cloudCount, localCount)
    : replicas === 1
      ? standIn(
          name,
          'taskCount',
          cloudCount,
          localCount,
          'task-count',
          'the local twin runs one container of each service',
        )
      : problem(
          name,
          'taskCount',
          cloudCount,
          localCount,
          'the local twin runs one container of each service',
        );
}

/**
 * The platform: the same in both twins, or, for a workload that declares no CPU architecture (so says the
 * model; without one, the renderer's mapping), the cloud's default X86_64 against no compose `platform`.
 */
function _comparePlatform(
  ctx: ParityContext,
  name: string,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  const declared = ctx.spec?.workloads.find((w) => w.name === name)?.localPlatform;
  if (local === undefined && cloud === 'linux/amd64' && declared === undefined) {
    return standIn(
      name,
      'platform',
      cloud,
      undefined,
      'default-platform',
      'the workload declares no cpuArchitecture: the cloud runs the default X86_64, the local twin the machine’s own platform',
    );
  }
  return compareValue(name, 'platform', cloud, local);
}
