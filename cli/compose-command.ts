import * as fs from 'fs';
import * as path from 'path';
import { LocalTwinTexts, renderLocalTwinFiles } from '../constructs/compose/compose-renderer';
import { COMPOSE_COMPATIBILITIES, ComposeCompatibility } from '../constructs/compose/compatibility';
import { ASSEMBLY_OPTIONS, commandOptions, SELECTION_OPTIONS } from './args';
import { AssemblyApplication, readApplications, selectApplication, withAssembly } from './assembly';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { COMPOSE_USAGE as USAGE } from './usage';
import { ExitCode } from './exit-codes';

function isCompatibility(value: string): value is ComposeCompatibility {
  return (COMPOSE_COMPATIBILITIES as readonly string[]).includes(value);
}

/** The applications of stage `stage` (all of them without one); none is an error naming the stages. */
export function stageApplications(
  apps: AssemblyApplication[],
  stage: string | undefined,
): AssemblyApplication[] {
  if (stage === undefined) return apps;
  const matching = apps.filter((a) => a.spec.stage === stage);
  if (matching.length > 0) return matching;
  const stages = [...new Set(apps.flatMap((a) => (a.spec.stage ? [a.spec.stage] : [])))].sort();
  throw new CliError(
    `no application of stage '${stage}' in the synthesized app; ${stages.length ? `its stages are ${stages.join(', ')}` : 'it defines no stages'}`,
  );
}

/** `twinstack compose`: writes the local twin of one application (and its `.env.example`). */
export async function composeCommand(argv: string[], io: CliIo): Promise<number> {
  const values = commandOptions(
    argv,
    {
      output: { type: 'string', short: 'o' },
      ...SELECTION_OPTIONS,
      stage: { type: 'string' },
      ...ASSEMBLY_OPTIONS,
      'no-env-example': { type: 'boolean' },
      compat: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const compatibility = values.compat;
  if (compatibility !== undefined && !isCompatibility(compatibility)) {
    throw new CliError(
      `--compat ${compatibility} is not supported; use ${COMPOSE_COMPATIBILITIES.join(' or ')}\n\n${USAGE}`,
      ExitCode.CANNOT_RUN,
    );
  }
  // Only the models are read: the app skips its templates and parity check.
  const synthesis = {
    context: values.stage !== undefined ? { stage: values.stage } : {},
    localTwinOnly: true,
  };
  const write = (assembly: string) => writeLocalTwin(assembly, values, compatibility, io);
  return withAssembly(io, values, write, synthesis);
}

/** Writes the local twin of the application selected in `assembly`; the exit code. */
function writeLocalTwin(
  assembly: string,
  values: {
    output?: string;
    application?: string;
    stack?: string;
    stage?: string;
    'no-env-example'?: boolean;
  },
  compatibility: ComposeCompatibility | undefined,
  io: CliIo,
): number {
  const app = selectApplication(
    stageApplications(readApplications(assembly), values.stage),
    values.application,
    values.stack,
  );
  const output = path.resolve(io.cwd, values.output ?? 'docker-compose.yml');
  const files = renderLocalTwinFiles(app.spec, {
    outputDirectory: path.dirname(output),
    ...(compatibility ? { compatibility } : {}),
  });
  const [compose, ...others] = writeLocalTwinFiles(output, files, !values['no-env-example']);
  io.out.write(`wrote ${path.relative(io.cwd, compose) || compose} (application '${app.spec.name}')\n`);
  // The files the compose file mounts, then .env.example.
  const envExample = values['no-env-example'] ? undefined : others.pop();
  for (const file of others) io.out.write(`wrote ${path.relative(io.cwd, file)}\n`);
  if (compatibility === 'docker-compose-1.29') {
    io.out.write(
      `run it with: docker-compose -p ${app.spec.name} -f ${path.relative(io.cwd, output) || output} up\n`,
    );
  }
  if (envExample) io.out.write(`wrote ${path.relative(io.cwd, envExample)}\n`);
  return ExitCode.OK;
}

/**
 * Writes the local twin's files: the compose file at `output`, the files it mounts beside it and, with
 * `envExample`, `.env.example` there too. The paths written, in that order.
 */
export function writeLocalTwinFiles(output: string, files: LocalTwinTexts, envExample: boolean): string[] {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, files.compose);
  const written = [output];
  for (const [name, text] of Object.entries(files.files)) {
    const file = path.join(path.dirname(output), name);
    fs.writeFileSync(file, text);
    written.push(file);
  }
  if (envExample) {
    const file = path.join(path.dirname(output), '.env.example');
    fs.writeFileSync(file, files.envExample);
    written.push(file);
  }
  return written;
}
