import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';
import { parse } from 'yaml';

// The official Compose Specification schema (compose-spec/compose-spec, schema/compose-spec.json),
// unchanged. It is draft-07; ajv 8 compiles it once `$schema` is dropped and strict mode is off.
const schema = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'compose-spec.json'), 'utf8'),
);
delete schema.$schema;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

/** Schema errors of a compose document (object or YAML text); empty when it conforms. */
export function composeSchemaErrors(doc: unknown): ErrorObject[] {
  const value = typeof doc === 'string' ? parse(doc, { merge: true }) : doc;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
