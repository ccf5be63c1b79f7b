import * as fs from 'fs';
import { parse } from 'yaml';
import { checkParity } from '../constructs/parity/check-parity';
import { formatParityReport } from '../constructs/parity/format-report';
import { readAssetManifests, readImageBuilds } from '../constructs/parity/image-builds';
import { PARITY_CONTEXT_KEY } from '../constructs/synthesis/parity-on-synth';
import { ASSEMBLY_OPTIONS, ASSEMBLY_USAGE, commandOptions, SELECTION_OPTIONS } from './args';
import { AssemblyApplication, matchingApplications, readApplications, withAssembly } from './assembly';
import { twinFiles } from './assembly-files';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { ExitCode, exitCodesUsage } from './exit-codes';

const USAGE = `Usage: twinstack parity [options]

Compares the synthesized twins of each application (the CloudFormation template and the compose file)
and prints a table per service: every field the same, a declared stand-in, or an ERROR.

Options:
  -a, --application NAME   check only this application
  -s, --stack ID           check only the applications of this stack (artifact id)
${ASSEMBLY_USAGE}
      --differences        show only the fields where the twins differ
  -h, --help               show this help

${exitCodesUsage({ ok: 'the twins agree', finding: 'a parity error' })}`;

/** `twinstack parity`: the parity report of every selected application. */
export async function parityCommand(argv: string[], io: CliIo): Promise<number> {
  const values = commandOptions(
    argv,
    { ...SELECTION_OPTIONS, ...ASSEMBLY_OPTIONS, differences: { type: 'boolean' } },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  // Synthesis would stop at the first parity error; turn the check off there and report here instead.
  const synthesis = { context: { [PARITY_CONTEXT_KEY]: false } };
  return withAssembly(
    io,
    values,
    (assembly) => writeReports(readApplications(assembly), values, io),
    synthesis,
  );
}

/** Writes the parity report of each application selected; the exit code. */
function writeReports(
  all: AssemblyApplication[],
  values: { application?: string; stack?: string; differences?: boolean },
  io: CliIo,
): number {
  const apps = matchingApplications(all, values.application, values.stack);
  if (apps.length === 0) {
    throw new CliError(
      all.length === 0
        ? 'the app defines no twinstack Application'
        : `no application matches; the app defines ${all.map((a) => `${a.spec.name} (stack ${a.stack})`).join(', ')}`,
    );
  }
  let errors = 0;
  for (const [i, app] of apps.entries()) {
    const files = twinFiles(app);
    const report = checkParity(
      JSON.parse(fs.readFileSync(files.template, 'utf8')),
      parse(fs.readFileSync(files.compose, 'utf8')),
      app.spec,
      {
        imageBuilds: readImageBuilds(readAssetManifests(files.directory), files.directory),
        composeDirectory: files.directory,
      },
    );
    errors += report.errors.length;
    io.out.write(`${i > 0 ? '\n' : ''}stack ${app.stack}: `);
    io.out.write(formatParityReport(report, { showSame: !values.differences }));
  }
  return errors > 0 ? ExitCode.FINDING : ExitCode.OK;
}
