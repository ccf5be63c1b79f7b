import * as fs from 'fs';
import * as path from 'path';
import { invalid } from '../errors';
import type { EnvironmentFileSpec } from '../model/spec';

const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Checks the dotenv files of the workload at `at` and records them: each path relative to the CDK app's
 * directory, an existing file whose lines are blank, `# comments` or `NAME=value`. Both twins must read
 * the same values, and ECS takes a value literally while compose strips quotes and interpolates `$`, so a
 * value that starts with a quote or holds a `$` is refused, as is a line of another form (`export`) and a
 * name given twice. The values are never kept in the model: the file stays a file.
 */
export function environmentFileSpecs(at: string, files: unknown): EnvironmentFileSpec[] {
  if (files === undefined) return [];
  if (!Array.isArray(files)) {
    throw invalid(at, 'environmentFiles', files, "must be a list of dotenv file paths, e.g. ['./app.env']");
  }
  const seen = new Map<string, string>();
  const specs: EnvironmentFileSpec[] = [];
  files.forEach((f, i) => {
    const prop = `environmentFiles[${i}]`;
    if (typeof f !== 'string' || f.trim() === '' || path.isAbsolute(f)) {
      throw invalid(at, prop, f, "must be a path relative to the CDK app's directory, e.g. ./app.env");
    }
    const file = path.resolve(f);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw invalid(at, prop, f, `does not exist or is not a file (looked for ${file})`);
    }
    if (specs.some((s) => s.file === file)) throw invalid(at, prop, f, 'is given twice; give each file once');
    const variables: string[] = [];
    fs.readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((raw, n) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        const where = `${prop} (${f} line ${n + 1})`;
        const m = LINE.exec(line);
        if (!m) {
          throw invalid(
            at,
            where,
            line.split('=')[0],
            'must be NAME=value (letters, digits and "_"), a # comment or blank; ECS reads no other form',
          );
        }
        const [, name, value] = m;
        if (/^["']/.test(value) || value.includes('$')) {
          throw invalid(
            at,
            where,
            name,
            'has a value starting with a quote or holding "$": compose strips quotes and interpolates "$", ECS takes the value as written; write the value plain',
          );
        }
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          throw invalid(at, where, name, `is already defined in ${earlier}; define each variable once`);
        }
        seen.set(name, f);
        variables.push(name);
      });
    specs.push({ file, variables });
  });
  return specs;
}
