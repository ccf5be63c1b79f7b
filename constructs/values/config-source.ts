import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { invalid } from '../errors';

/** A config file's source: a UTF-8 text file relative to the CDK app's directory, and its text. */
export function configSource(at: string, prop: string, source: unknown): { file: string; content: string } {
  if (typeof source !== 'string' || source.trim() === '' || Token.isUnresolved(source))
    throw invalid(at, prop, source, "must be a file relative to the CDK app's directory, e.g. ./nginx.conf");
  if (path.isAbsolute(source))
    throw invalid(
      at,
      prop,
      source,
      "must be relative to the CDK app's directory, so the compose file works on every machine",
    );
  const file = path.resolve(source);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw invalid(at, prop, source, `must be a regular file (looked for ${file})`);
  const bytes = fs.readFileSync(file);
  const content = bytes.toString('utf8');
  if (!Buffer.from(content, 'utf8').equals(bytes) || content.includes('\u0000'))
    throw invalid(at, prop, source, 'must be a UTF-8 text file: the cloud twin carries its text');
  return { file, content };
}
