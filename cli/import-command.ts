import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CliError } from './cli-error';
import { ExitCode, exitCodesUsage } from './exit-codes';
import { ComposeImportError, loadCompose, type Location } from './import';
import { generateStack } from './import/generate';
import { mapCompose, type ManagedChoice } from './import/map-compose';
import { formatReport, importReport } from './import/report';
import type { CliIo } from './io';

const MANAGED_CHOICES: readonly ManagedChoice[] = [
  'database',
  'cache',
  'search',
  'broker',
  'document',
  'container',
];

export const IMPORT_USAGE = `Usage: twinstack import <compose-file> [options]

Reads a compose file as Compose does (anchors, merge keys, interpolation with .env beside it, env_file,
extends, overrides) and writes one TypeScript file: a CDK stack of twinstack constructs that renders both
twins. Every key of every service, volume, network, secret and config is reported as mapped, approximated
or dropped, with its file and line.

Options:
  -f, --file FILE          another compose file, merged over the ones before it as Compose merges
                           overrides (repeatable; the first may also be given as <compose-file>)
  -o, --output FILE        the TypeScript file to write (default: lib/<name>-stack.ts)
      --name NAME          the stack's name: the class is <Name>Stack (default: the project's name)
      --managed S=KIND     bring service S across as database, cache, search, broker, document or
                           container, overriding what its image suggests (repeatable)
      --env-file FILE      the variables for interpolation (default: .env beside the first file)
      --app-dir DIR        the CDK app's directory, which the stack's paths are relative to
                           (default: the current directory)
      --report FILE        write the fidelity report as JSON
      --strict             exit 1 when any key is approximated or dropped
  -v, --verbose            list the mapped keys too
  -h, --help               show this help

${exitCodesUsage({ ok: 'the stack is written', finding: 'with --strict: a key was approximated or dropped' })}`;

/** `twinstack import`: a compose project becomes a typed twinstack stack, with a fidelity report. */
export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${IMPORT_USAGE}`, ExitCode.CANNOT_RUN);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out.write(IMPORT_USAGE);
    return ExitCode.OK;
  }
  const files = [...positionals, ...(values.file ?? [])].map((f) => path.resolve(io.cwd, f));
  if (files.length === 0) throw new CliError(`no compose file given\n\n${IMPORT_USAGE}`, ExitCode.CANNOT_RUN);
  const managed: Record<string, ManagedChoice> = {};
  for (const m of values.managed ?? []) {
    const [service, choice] = m.split('=');
    if (!service || !MANAGED_CHOICES.includes(choice as ManagedChoice))
      throw new CliError(
        `--managed ${m}: give SERVICE=KIND with KIND one of ${MANAGED_CHOICES.join(', ')}\n\n${IMPORT_USAGE}`,
        ExitCode.CANNOT_RUN,
      );
    managed[service] = choice as ManagedChoice;
  }
  let model;
  try {
    model = loadCompose({
      files,
      ...(values['env-file'] ? { envFile: path.resolve(io.cwd, values['env-file']) } : {}),
      environment: io.env,
    });
  } catch (e) {
    if (e instanceof ComposeImportError) throw new CliError(shown(e.message), ExitCode.CANNOT_RUN);
    throw e;
  }
  for (const service of Object.keys(managed))
    if (!Object.hasOwn(model.services, service))
      throw new CliError(
        `--managed ${service}: the project has no service '${service}'`,
        ExitCode.CANNOT_RUN,
      );
  const name = values.name ?? model.name ?? path.basename(path.dirname(files[0]));
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    throw new CliError(
      `--name ${name}: give a name of letters, digits, "-" and "_", starting with a letter`,
      ExitCode.CANNOT_RUN,
    );
  const appDirectory = path.resolve(io.cwd, values['app-dir'] ?? '.');
  const { plan, entries } = mapCompose(model, { name, managed, appDirectory });
  const source = generateStack({ ...plan, files: model.files.map(shown) });
  const output = path.resolve(io.cwd, values.output ?? path.join('lib', `${kebab(name)}-stack.ts`));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, source);
  // Files are named as the user named them: relative to the directory the command runs in.
  const local = <T extends { location: Location }>(x: T): T => ({
    ...x,
    location: { ...x.location, file: shown(x.location.file) },
  });
  const report = importReport(
    model.files.map(shown),
    entries.map(local),
    model.warnings.map(local),
    shown(output),
  );
  if (values.report) {
    const file = path.resolve(io.cwd, values.report);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
  io.out.write(formatReport(report, { verbose: values.verbose === true }));
  io.out.write(`wrote ${report.output}: class ${plan.className}\n`);
  const imperfect = report.counts.approximated + report.counts.dropped;
  return values.strict && imperfect > 0 ? ExitCode.FINDING : ExitCode.OK;

  function shown(text: string): string {
    return text.split(`${io.cwd}${path.sep}`).join('');
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      output: { type: 'string', short: 'o' },
      name: { type: 'string' },
      managed: { type: 'string', multiple: true },
      'env-file': { type: 'string' },
      'app-dir': { type: 'string' },
      report: { type: 'string' },
      strict: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}
