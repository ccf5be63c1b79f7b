import { compareStrings } from '../../model/order';
import type { CloudContainer } from '../cloud-twin';
import { isInterpolation, literal, type ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, same, standIn } from '../parity-report';
import { compareDeclaredValue, declaredConnectionValues } from './connection-values';

/**
 * Compares the environment variables with literal values: the cloud container's plain variables with the
 * compose variables that are not read from `.env`. Connections to managed data services differ by design.
 */
export function compareEnvironment(
  ctx: ParityContext,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const start = startVariableNames(ctx, name);
  const env = Object.fromEntries(Object.entries(local.environment).filter(([k]) => !start.has(k)));
  const literals: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (!isInterpolation(v ?? '')) literals[k] = literal(v ?? '');
  const connections = ctx.connections.get(name) ?? new Map<string, string>();
  const declared = declaredConnectionValues(ctx, name);
  const out: ParityEntry[] = [];
  const keys = [...new Set([...Object.keys(c.environment), ...Object.keys(literals), ...declared.keys()])]
    .filter((k) => !start.has(k))
    .sort(compareStrings);
  const agreed: string[] = [];
  for (const k of keys) {
    const cloud = c.environment[k];
    const here = literals[k];
    const target = connections.get(k);
    const aws = ctx.awsVariables.get(name)?.get(k);
    const declaredValue = declared.get(k);
    if (declaredValue !== undefined) {
      out.push(compareDeclaredValue(name, k, declaredValue, cloud, here));
    } else if (aws !== undefined) {
      const cloudText = cloud ?? (c.secrets.includes(k) ? '(secret)' : undefined);
      const localText = here ?? (k in env ? '(from .env)' : undefined);
      const missing =
        localText === undefined
          ? 'the local twin does not set it'
          : aws.inBoth && cloudText === undefined
            ? 'the cloud twin does not set it'
            : !aws.inBoth && cloudText !== undefined
              ? 'the cloud twin sets it, where the SDK finds its endpoints, region and credentials itself'
              : undefined;
      out.push(
        missing
          ? problem(name, `environment.${k}`, cloudText, localText, missing)
          : standIn(name, `environment.${k}`, cloudText, localText, 'aws-resource', aws.what),
      );
    } else if (target !== undefined) {
      out.push(
        standIn(
          name,
          `environment.${k}`,
          cloud ?? (c.secrets.includes(k) ? '(secret)' : undefined),
          here ?? (k in env ? '(from .env)' : undefined),
          'managed-service',
          `connection to '${target}', a managed service in the cloud and a container locally`,
        ),
      );
    } else if (cloud === undefined && c.secrets.includes(k)) {
      out.push(
        problem(
          name,
          `environment.${k}`,
          '(secret)',
          here,
          'a secret in the cloud twin is a literal value locally',
        ),
      );
    } else if (here === undefined && k in env) {
      out.push(
        problem(
          name,
          `environment.${k}`,
          cloud,
          String(env[k]),
          'a literal value in the cloud twin is read from .env locally',
        ),
      );
    } else if (cloud !== here) {
      out.push(
        problem(
          name,
          `environment.${k}`,
          cloud,
          here,
          cloud === undefined || here === undefined
            ? 'set in one twin only'
            : 'the twins set different values',
        ),
      );
    } else agreed.push(`${k}=${cloud}`);
  }
  if (agreed.length) out.unshift(same(name, 'environment', agreed.join(', '), agreed.join(', ')));
  return out;
}

/** The variables of a workload the model gives when the application starts (see compareStartVariables). */
function startVariableNames(ctx: ParityContext, name: string): Set<string> {
  return new Set(Object.keys(ctx.spec?.workloads.find((w) => w.name === name)?.startVariables ?? {}));
}

/** Compares the secrets: ECS secrets in the cloud, variables read from `.env` locally. */
export function compareSecrets(
  ctx: ParityContext,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const start = startVariableNames(ctx, name);
  const env = Object.fromEntries(Object.entries(local.environment).filter(([k]) => !start.has(k)));
  const fromEnvFile = Object.keys(env).filter((k) => isInterpolation(env[k] ?? ''));
  const connections = ctx.connections.get(name) ?? new Map<string, string>();
  const out: ParityEntry[] = [];
  const agreed: string[] = [];
  for (const k of [...new Set([...c.secrets, ...fromEnvFile])].sort(compareStrings)) {
    // A start-time variable read from an SSM parameter is an ECS secret: compared with the start variables.
    if (start.has(k)) continue;
    const cloud = c.secrets.includes(k);
    const here = fromEnvFile.includes(k);
    if (cloud && here) agreed.push(k);
    else if (connections.has(k) || ctx.awsVariables.get(name)?.has(k))
      continue; // compared with the environment
    else if (cloud && !(k in env))
      out.push(problem(name, `secrets.${k}`, 'ECS secret', undefined, 'the local twin does not set it'));
    else if (here && !(k in c.environment))
      out.push(problem(name, `secrets.${k}`, undefined, String(env[k]), 'the cloud twin does not set it'));
    // A secret on one side and a literal on the other is reported with the environment.
  }
  if (agreed.length)
    out.unshift(
      standIn(
        name,
        'secrets',
        `ECS secrets ${agreed.join(', ')}`,
        `from .env ${agreed.join(', ')}`,
        'secret',
        'Secrets Manager in the cloud, the .env file locally',
      ),
    );
  return out;
}
