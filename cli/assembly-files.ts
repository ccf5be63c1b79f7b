import * as fs from 'fs';
import * as path from 'path';
import type { AssemblyApplication } from './assembly';
import { CliError } from './cli-error';

/** The files of one application's twins in a cloud assembly. */
export interface TwinFiles {
  /** Directory of the (possibly nested) assembly that holds them. */
  readonly directory: string;
  /** The stack's CloudFormation template. */
  readonly template: string;
  /** The compose file written during synthesis. */
  readonly compose: string;
  /** Name of the stack in CloudFormation. */
  readonly stackName: string;
  /** Where the stack deploys, as far as its environment says. */
  readonly environment: StackEnvironment;
}

/** The account and region of a stack's environment (`aws://ACCOUNT/REGION`), each only when concrete. */
export interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
}

/**
 * The account and region a stack artifact's `environment` names. An environment-agnostic stack has
 * `aws://unknown-account/unknown-region`: neither is known, the SDK's chain decides.
 */
export function parseEnvironment(environment: string | undefined): StackEnvironment {
  const m = /^aws:\/\/([^/]*)\/([^/]*)$/.exec(environment ?? '');
  if (!m) return {};
  const concrete = (v: string) => v !== '' && !v.startsWith('unknown-') && !v.includes('${');
  return {
    ...(concrete(m[1]) ? { account: m[1] } : {}),
    ...(concrete(m[2]) ? { region: m[2] } : {}),
  };
}

/** One stack of a cloud assembly. */
export interface AssemblyStack {
  /** Artifact id. */
  readonly id: string;
  /** Name of the stack in CloudFormation. */
  readonly stackName: string;
  /** Template file, relative to the top-level assembly directory. */
  readonly templateFile: string;
  /** Where the stack deploys, from its environment in the manifest. */
  readonly environment: StackEnvironment;
}

interface ArtifactEntry {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: { stackName?: string; templateFile?: string; directoryName?: string };
}

/** Finds the template and compose file of `app` in the assembly it was read from. */
export function twinFiles(app: AssemblyApplication): TwinFiles {
  const directory = path.dirname(app.file);
  const stack = readStacks(directory, false).find((s) => s.id === app.stack);
  const template = path.join(directory, stack?.templateFile ?? `${app.stack}.template.json`);
  if (!fs.existsSync(template))
    throw new CliError(`the template of stack ${app.stack} is missing: ${template}`);
  return {
    directory,
    template,
    compose: path.join(directory, `${app.stack}.${app.spec.name}.compose.yaml`),
    stackName: stack?.stackName ?? app.stack,
    environment: stack?.environment ?? {},
  };
}

/** The environment of the stack that holds `app` (nothing known when the manifest does not name it). */
export function applicationEnvironment(app: AssemblyApplication): StackEnvironment {
  return readStacks(path.dirname(app.file), false).find((s) => s.id === app.stack)?.environment ?? {};
}

/** Every CloudFormation stack of the assembly at `directory` (and, with `nested`, its stage assemblies). */
export function readStacks(directory: string, nested = true, prefix = ''): AssemblyStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return [];
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries<ArtifactEntry>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      stacks.push({
        id,
        stackName: artifact.properties?.stackName ?? artifact.displayName ?? id,
        templateFile: path.posix.join(prefix, artifact.properties?.templateFile ?? `${id}.template.json`),
        environment: parseEnvironment(artifact.environment),
      });
    } else if (nested && artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const sub = artifact.properties.directoryName as string;
      stacks.push(...readStacks(path.join(directory, sub), true, path.posix.join(prefix, sub)));
    }
  }
  return stacks;
}
