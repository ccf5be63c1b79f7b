import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { renderLocalTwinFiles } from '../constructs/compose/compose-renderer';
import { COMPOSE_COMPATIBILITIES, ComposeCompatibility } from '../constructs/compose/compatibility';
import { ValidationError } from '../constructs/errors';
import {
  AssemblyApplication,
  existingAssembly,
  readApplications,
  selectApplication,
  synthesize,
} from './assembly';
import { CliError } from './cli-error';
import type { CliIo } from './io';

const USAGE = `Usage: twinstack <command> [options]

Commands:
  compose   Write the local twin (compose file and .env.example) of an application.
  parity    Compare the synthesized twins field by field; exit 1 when they differ.
  diff      Compare the synthesized templates and compose files with a committed baseline (CI).
  status    Show the deployed services: tasks, rollout, circuit breaker, failed tasks (--wait).
  images    Check the application's ECR images exist, with scan findings; --lock pins digests.
  graph     Draw the application as Mermaid or Graphviz.
  Run 'twinstack <command> --help' for the options of each.

Options of compose:
  -o, --output FILE        compose file to write (default: docker-compose.yml)
  -a, --application NAME   application to render, when the app defines several
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
      --stage NAME         render that stage of an app with stages (CDK context stage=NAME)
      --app COMMAND        command that runs the CDK app (default: "app" in cdk.json)
      --assembly DIR       read an existing cloud assembly (cdk.out) instead of synthesizing
      --no-env-example     do not write .env.example next to the compose file
      --compat TARGET      render for an older compose: docker-compose-1.29 (no top-level name, the
                           proxy configuration as a file next to the compose file)
  -h, --help               show this help
`;

function isCompatibility(value: string): value is ComposeCompatibility {
  return (COMPOSE_COMPATIBILITIES as readonly string[]).includes(value);
}

/** Runs the command-line tool; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.out.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'compose') return compose(rest, io);
    // The other commands are loaded when run: with their AWS SDK clients and the template differ they
    // would triple the start-up time of `twinstack compose`, the command of the local inner loop.
    if (command === 'parity') return (await import('./parity-command')).parityCommand(rest, io);
    if (command === 'diff') return (await import('./diff-command')).diffCommand(rest, io);
    if (command === 'status') return await (await import('./status-command')).statusCommand(rest, io);
    if (command === 'images') return await (await import('./images-command')).imagesCommand(rest, io);
    if (command === 'graph') return (await import('./graph-command')).graphCommand(rest, io);
    throw new CliError(`unknown command '${command}'\n\n${USAGE}`, 2);
  } catch (e) {
    if (e instanceof CliError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ValidationError) {
      io.err.write(`twinstack: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** The applications of stage `stage` (all of them without one); none is an error naming the stages. */
function stageApplications(apps: AssemblyApplication[], stage: string | undefined): AssemblyApplication[] {
  if (stage === undefined) return apps;
  const matching = apps.filter((a) => a.spec.stage === stage);
  if (matching.length > 0) return matching;
  const stages = [...new Set(apps.flatMap((a) => (a.spec.stage ? [a.spec.stage] : [])))].sort();
  throw new CliError(
    `no application of stage '${stage}' in the synthesized app; ${stages.length ? `its stages are ${stages.join(', ')}` : 'it defines no stages'}`,
  );
}

function compose(argv: string[], io: CliIo): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        output: { type: 'string', short: 'o' },
        application: { type: 'string', short: 'a' },
        stack: { type: 'string', short: 's' },
        stage: { type: 'string' },
        app: { type: 'string' },
        assembly: { type: 'string' },
        'no-env-example': { type: 'boolean' },
        compat: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    io.out.write(USAGE);
    return 0;
  }
  const compatibility = values.compat;
  if (compatibility !== undefined && !isCompatibility(compatibility)) {
    throw new CliError(
      `--compat ${compatibility} is not supported; use ${COMPOSE_COMPATIBILITIES.join(' or ')}\n\n${USAGE}`,
      2,
    );
  }
  const assembly = values.assembly
    ? existingAssembly(io.cwd, values.assembly)
    : synthesize(io.cwd, io.env, values.app, values.stage !== undefined ? { stage: values.stage } : {}, {
        localTwinOnly: true,
      });
  try {
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
    fs.mkdirSync(path.dirname(output), { recursive: true });
    fs.writeFileSync(output, files.compose);
    io.out.write(`wrote ${path.relative(io.cwd, output) || output} (application '${app.spec.name}')\n`);
    for (const [name, text] of Object.entries(files.files)) {
      const file = path.join(path.dirname(output), name);
      fs.writeFileSync(file, text);
      io.out.write(`wrote ${path.relative(io.cwd, file)}\n`);
    }
    if (compatibility === 'docker-compose-1.29') {
      io.out.write(
        `run it with: docker-compose -p ${app.spec.name} -f ${path.relative(io.cwd, output) || output} up\n`,
      );
    }
    if (!values['no-env-example']) {
      const envExample = path.join(path.dirname(output), '.env.example');
      fs.writeFileSync(envExample, files.envExample);
      io.out.write(`wrote ${path.relative(io.cwd, envExample)}\n`);
    }
    return 0;
  } finally {
    if (!values.assembly) fs.rmSync(assembly, { recursive: true, force: true });
  }
}
