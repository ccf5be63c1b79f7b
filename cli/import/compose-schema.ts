import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { ComposeImportError, Location } from './compose-import-error';
import { LocatedNode } from './located-node';
import schema from './compose-spec.json';

let validator: ValidateFunction | undefined;

/**
 * The Compose Specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json, the copy
 * the tests validate rendered files with), compiled once. It is draft-07; ajv 8 compiles it with strict
 * mode off once `$schema` is dropped.
 */
function validate(): ValidateFunction {
  if (!validator) {
    const draft07 = { ...(schema as Record<string, unknown>) };
    delete draft07.$schema;
    validator = new Ajv({ strict: false, allErrors: true }).compile(draft07);
  }
  return validator;
}

/** The node at a JSON pointer of the schema's error (`/services/api/ports/0`), or the nearest above it. */
function nodeAt(
  root: LocatedNode,
  pointer: string,
): { node: LocatedNode; keyLoc?: Location; path: string[] } {
  const path =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root;
  let keyLoc: Location | undefined;
  const walked: string[] = [];
  for (const segment of path) {
    if (node.kind === 'map' && node.entries.has(segment)) {
      const e = node.entries.get(segment)!;
      node = e.node;
      keyLoc = e.keyLoc;
    } else if (node.kind === 'seq' && node.items[Number(segment)] !== undefined) {
      node = node.items[Number(segment)];
      keyLoc = node.loc;
    } else {
      break;
    }
    walked.push(segment);
  }
  return { node, keyLoc, path: walked };
}

/** The plain value the schema checks: `!reset` entries left out, as Compose removes them before checking. */
function unreset(node: LocatedNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.filter((i) => i.tag !== '!reset').map(unreset);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) if (e.node.tag !== '!reset') out[k] = unreset(e.node);
      return out;
    }
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = { object: 'mapping', array: 'list' };

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(p.additionalProperty)}"`;
    case 'type':
      return `must be a ${String(p.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ')}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `needs "${String(p.missingProperty)}"`;
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * Checks one compose file (after interpolation) against the Compose Specification's schema, as Compose
 * does; the first problem, at the deepest place the schema names, is a ComposeImportError there.
 */
export function checkSchema(root: LocatedNode): void {
  const v = validate();
  if (v(unreset(root))) return;
  const errors = (v.errors ?? []).filter((e) => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword));
  const all = errors.length > 0 ? errors : (v.errors ?? []);
  const depth = (e: ErrorObject) =>
    e.instancePath.split('/').length + (e.keyword === 'additionalProperties' ? 1 : 0);
  const best = [...all].sort((a, b) => depth(b) - depth(a))[0];
  const { node, path } = nodeAt(root, best.instancePath);
  let { keyLoc } = nodeAt(root, best.instancePath);
  if (best.keyword === 'additionalProperties' && node.kind === 'map') {
    const extra = String((best.params as Record<string, unknown>).additionalProperty);
    keyLoc = node.entries.get(extra)?.keyLoc ?? keyLoc;
  }
  const where = path.length === 0 ? 'the file' : path.join('.');
  throw new ComposeImportError(`not a valid compose file: ${where} ${describe(best)}`, keyLoc ?? node.loc);
}
