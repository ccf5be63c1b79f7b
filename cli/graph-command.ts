import * as fs from 'fs';
import * as path from 'path';
import { ASSEMBLY_OPTIONS, ASSEMBLY_USAGE, commandOptions, SELECTION_OPTIONS } from './args';
import { readApplications, selectApplication, withAssembly } from './assembly';
import { CliError } from './cli-error';
import { GraphFormat, renderGraph } from './graph';
import type { CliIo } from './io';
import { ExitCode, exitCodesUsage } from './exit-codes';

const USAGE = `Usage: twinstack graph [options]

Draws the application: services, jobs, data services, volumes, secrets and load balancers, with routes,
dependencies (and their conditions), mounts, secret variables and connections.

Options:
      --format FORMAT      mermaid (default) or dot (Graphviz)
  -o, --output FILE        write to FILE instead of standard output
  -a, --application NAME   the application, when the app defines several
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
${ASSEMBLY_USAGE}
  -h, --help               show this help

${exitCodesUsage({ ok: 'the diagram is written' })}`;

/** `twinstack graph`: a Mermaid or Graphviz diagram of one application. */
export async function graphCommand(argv: string[], io: CliIo): Promise<number> {
  const values = commandOptions(
    argv,
    {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      ...SELECTION_OPTIONS,
      ...ASSEMBLY_OPTIONS,
    },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const format = values.format ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') {
    throw new CliError(
      `--format ${format} is not supported; use mermaid or dot\n\n${USAGE}`,
      ExitCode.CANNOT_RUN,
    );
  }
  return withAssembly(io, values, (assembly) => {
    const app = selectApplication(readApplications(assembly), values.application, values.stack);
    const text = renderGraph(app.spec, format as GraphFormat);
    if (values.output) {
      const file = path.resolve(io.cwd, values.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      io.out.write(
        `wrote ${path.relative(io.cwd, file) || file} (application '${app.spec.name}', ${format})\n`,
      );
    } else io.out.write(text);
    return ExitCode.OK;
  });
}
