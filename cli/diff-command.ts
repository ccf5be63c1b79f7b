import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { renderLocalTwinFiles } from '../constructs/compose/compose-renderer';
import { ASSEMBLY_OPTIONS, ASSEMBLY_USAGE, commandOptions } from './args';
import { readApplications, withAssembly } from './assembly';
import { readStacks } from './assembly-files';
import { CliError } from './cli-error';
import type { CliIo } from './io';
import { diffTemplates } from './template-diff';
import { ExitCode, exitCodesUsage } from './exit-codes';

const USAGE = `Usage: twinstack diff [options]

Synthesizes the app and compares every stack's template and every application's compose file with a
committed baseline directory, offline (no AWS credentials). Template changes are shown by
@aws-cdk/cloudformation-diff, with replaced or deleted stateful resources and broadened IAM permissions
called out; compose changes as a unified diff. Asset hashes are set aside: a rebuilt image or bundle is
reported as such and is not a change. Synthesis runs the parity check: a parity error is a finding too.

Options:
      --baseline DIR       the committed baseline (default: twinstack-baseline)
      --update             write the synthesized files to the baseline instead of comparing
  -s, --stack ID           only this stack (artifact id)
${ASSEMBLY_USAGE}
  -h, --help               show this help

${exitCodesUsage({ ok: 'no change against the baseline (or the baseline was updated)', finding: 'a change against the baseline, or a parity error' })}`;

const BASELINE_FILE = /\.(template\.json|compose\.yaml)$/;

/** `twinstack diff`: the CI synth-and-diff against a committed baseline. */
export async function diffCommand(argv: string[], io: CliIo): Promise<number> {
  const values = commandOptions(
    argv,
    {
      baseline: { type: 'string' },
      update: { type: 'boolean' },
      stack: { type: 'string', short: 's' },
      ...ASSEMBLY_OPTIONS,
    },
    USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const baseline = path.resolve(io.cwd, values.baseline ?? 'twinstack-baseline');
  return withAssembly(io, values, (assembly) => {
    const current = synthesizedFiles(assembly, baseline, values.stack);
    if (values.stack !== undefined && current.size === 0) {
      throw new CliError(
        `no stack '${values.stack}' in the app; its stacks are ${
          readStacks(assembly)
            .map((s) => s.id)
            .join(', ') || '(none)'
        }`,
      );
    }
    const inScope = (file: string) =>
      values.stack === undefined || path.basename(file).startsWith(`${values.stack}.`);
    const previous = listBaseline(baseline).filter(inScope);
    if (values.update) {
      for (const file of previous) if (!current.has(file)) fs.rmSync(path.join(baseline, file));
      for (const [file, text] of current) {
        fs.mkdirSync(path.dirname(path.join(baseline, file)), { recursive: true });
        fs.writeFileSync(path.join(baseline, file), text);
      }
      io.out.write(
        `updated ${path.relative(io.cwd, baseline) || baseline}: ${current.size} file${current.size === 1 ? '' : 's'}\n`,
      );
      return ExitCode.OK;
    }
    if (!fs.existsSync(baseline)) {
      io.out.write(
        `no baseline at ${path.relative(io.cwd, baseline) || baseline}; create it with: twinstack diff --update\n`,
      );
    }
    let changes = 0;
    const report: string[] = [];
    for (const file of [...new Set([...previous, ...current.keys()])].sort()) {
      const before = previous.includes(file) ? fs.readFileSync(path.join(baseline, file), 'utf8') : undefined;
      const after = current.get(file);
      if (before === undefined) {
        changes++;
        report.push(`+ ${file}: new (not in the baseline)`);
      } else if (after === undefined) {
        changes++;
        report.push(`- ${file}: removed (in the baseline, no longer synthesized)`);
      } else if (file.endsWith('.template.json')) {
        const result = diffTemplates(JSON.parse(before), JSON.parse(after));
        if (result.assetsOnly) {
          report.push(
            `= ${file}: no change except asset hashes (a build context or bundled file changed; the assets are rebuilt on deploy)`,
          );
        } else if (result.changed) {
          changes++;
          report.push(`~ ${file}:`);
          for (const w of result.warnings) report.push(`  !!! ${w}`);
          report.push(indent(result.text.trimEnd()));
        } else report.push(`= ${file}: no change`);
      } else if (before !== after) {
        changes++;
        report.push(
          `~ ${file}:`,
          indent(
            createTwoFilesPatch(`baseline/${file}`, `synthesized/${file}`, before, after, '', '', {
              context: 3,
            }).trimEnd(),
          ),
        );
      } else report.push(`= ${file}: no change`);
    }
    io.out.write(`${report.join('\n')}\n`);
    io.out.write(
      changes === 0
        ? 'no change against the baseline\n'
        : `${changes} file${changes === 1 ? '' : 's'} changed against the baseline; if intended, run: twinstack diff --update\n`,
    );
    return changes === 0 ? ExitCode.OK : ExitCode.FINDING;
  });
}

/**
 * The files the baseline holds, as synthesized now: each stack's template, and each application's compose
 * file rendered as if it lived in the baseline directory, so its build contexts do not depend on where the
 * assembly was written.
 */
function synthesizedFiles(assembly: string, baseline: string, stack?: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const s of readStacks(assembly)) {
    if (stack !== undefined && s.id !== stack) continue;
    files.set(s.templateFile, fs.readFileSync(path.join(assembly, s.templateFile), 'utf8'));
  }
  for (const app of readApplications(assembly)) {
    if (stack !== undefined && app.stack !== stack) continue;
    const relative = path.relative(assembly, path.dirname(app.file)).split(path.sep).join('/');
    const file = path.posix.join(relative, `${app.stack}.${app.spec.name}.compose.yaml`);
    const outputDirectory = path.join(baseline, relative);
    files.set(file, renderLocalTwinFiles(app.spec, { outputDirectory }).compose);
  }
  return files;
}

function listBaseline(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return listBaseline(path.join(dir, e.name), rel);
    return BASELINE_FILE.test(e.name) ? [rel] : [];
  });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
}
