import {
  Alias,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseDocument,
  Scalar,
  visit,
} from 'yaml';
import { ComposeImportError, Location } from './compose-import-error';

/** The YAML tags of the Compose Specification's merge rules. */
export type MergeTag = '!reset' | '!override';

/** A scalar with where it was written. */
export interface ScalarNode {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly loc: Location;
  readonly tag?: MergeTag;
}

/** One key of a mapping: its value and where the key was written. */
export interface Entry {
  readonly node: LocatedNode;
  readonly keyLoc: Location;
}

/** A mapping with where it was written; keys keep their order. */
export interface MapNode {
  readonly kind: 'map';
  readonly entries: Map<string, Entry>;
  readonly loc: Location;
  readonly tag?: MergeTag;
}

/** A sequence with where it was written. */
export interface SeqNode {
  readonly kind: 'seq';
  readonly items: LocatedNode[];
  readonly loc: Location;
  readonly tag?: MergeTag;
  /** For `command`, `entrypoint` and `healthcheck.test` written as one string: that string. */
  readonly shell?: string;
}

/** A YAML value with the location of each part: what interpolation, normalization and merging work on. */
export type LocatedNode = ScalarNode | MapNode | SeqNode;

export function scalar(value: ScalarNode['value'], loc: Location): ScalarNode {
  return { kind: 'scalar', value, loc };
}

export function mapping(loc: Location, entries: Iterable<[string, LocatedNode, Location?]> = []): MapNode {
  const map = new Map<string, Entry>();
  for (const [key, node, keyLoc] of entries) map.set(key, { node, keyLoc: keyLoc ?? node.loc });
  return { kind: 'map', entries: map, loc };
}

export function sequence(loc: Location, items: LocatedNode[]): SeqNode {
  return { kind: 'seq', items, loc };
}

/** The plain JavaScript value of a node. */
export function plain(node: LocatedNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(plain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) out[k] = plain(e.node);
      return out;
    }
  }
}

/** The node at `key` of a mapping node, if any. */
export function child(node: LocatedNode | undefined, key: string): LocatedNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.node : undefined;
}

/** A scalar's text as Compose reads it: numbers and booleans as written in their plain form. */
export function text(node: LocatedNode): string | undefined {
  if (node.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** Reads YAML text into located nodes: anchors, aliases and `<<` merge keys resolved as Compose does. */
export function readYaml(source: string, file: string): LocatedNode {
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter: lines,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const where = (offset: number): Location => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const firstLine = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ComposeImportError(`not YAML: ${firstLine}`, where(e.pos[0]));
  }
  if (doc.contents === null) {
    throw new ComposeImportError('not a compose file: the file is empty', where(0));
  }
  // Anchors found once: yaml's Alias.resolve searches the whole document on each call, which costs the
  // square of the size for files that merge an anchor into every service.
  const anchors = new Map<string, { node: YamlNode; offset: number }[]>();
  visit(doc, (_key, node) => {
    if (isNode(node) && node.anchor) {
      const list = anchors.get(node.anchor) ?? [];
      list.push({ node, offset: node.range?.[0] ?? 0 });
      anchors.set(node.anchor, list);
    }
  });
  const resolve = (alias: Alias): YamlNode | undefined => {
    const offset = alias.range?.[0] ?? 0;
    const candidates = (anchors.get(alias.source) ?? []).filter((a) => a.offset < offset);
    return candidates[candidates.length - 1]?.node;
  };
  return convert(resolve, doc.contents as YamlNode, where, new Set());
}

/**
 * The integers Compose's YAML reader (go-yaml v3) reads beyond YAML 1.2's core schema: a plain `0400` is
 * octal (256, as a file mode is meant) and `0b101` binary; the yaml package reads them as 400 and a string.
 */
function goInteger(node: Scalar): number | undefined {
  if (node.type !== 'PLAIN' || typeof node.source !== 'string') return undefined;
  const m = /^([-+]?)0([0-7]+|[bB][01]+)$/.exec(node.source);
  if (!m) return undefined;
  const n = /^[bB]/.test(m[2]) ? parseInt(m[2].slice(1), 2) : parseInt(m[2], 8);
  return m[1] === '-' ? -n : n;
}

function tagOf(node: YamlNode): MergeTag | undefined {
  const tag = (node as { tag?: string }).tag;
  return tag === '!reset' || tag === '!override' ? tag : undefined;
}

function convert(
  resolve: (alias: Alias) => YamlNode | undefined,
  node: YamlNode,
  where: (offset: number) => Location,
  resolving: Set<YamlNode>,
): LocatedNode {
  const loc = where(node.range?.[0] ?? 0);
  if (isAlias(node)) {
    const target = resolve(node);
    if (!target) throw new ComposeImportError(`alias *${node.source} has no anchor`, loc);
    if (resolving.has(target)) throw new ComposeImportError(`alias *${node.source} refers to itself`, loc);
    resolving.add(target);
    try {
      return convert(resolve, target, where, resolving);
    } finally {
      resolving.delete(target);
    }
  }
  const tag = tagOf(node);
  if (isScalar(node)) {
    const v = goInteger(node) ?? node.value;
    const value = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v;
    if (value !== null && typeof value === 'object')
      throw new ComposeImportError('unsupported YAML scalar', loc);
    return { kind: 'scalar', value: value as ScalarNode['value'], loc, ...(tag && { tag }) };
  }
  if (isSeq(node)) {
    return {
      kind: 'seq',
      items: node.items.map((i) => convert(resolve, i as YamlNode, where, resolving)),
      loc,
      ...(tag && { tag }),
    };
  }
  if (isMap(node)) {
    const entries = new Map<string, Entry>();
    const merged: Map<string, Entry>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyLoc = where(keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const s of sources) {
          const m = convert(resolve, s as YamlNode, where, resolving);
          if (m.kind !== 'map')
            throw new ComposeImportError('a merge key (<<) takes a mapping or a list of mappings', keyLoc);
          merged.push(m.entries);
        }
        continue;
      }
      if (keyNode !== null && !isScalar(keyNode))
        throw new ComposeImportError('a mapping key must be a scalar', keyLoc);
      const key = keyNode === null || keyNode.value === null ? 'null' : String(keyNode.value);
      const value: YamlNode | null = pair.value as YamlNode | null;
      const valueNode: LocatedNode =
        value === null
          ? { kind: 'scalar', value: null, loc: keyLoc }
          : convert(resolve, value, where, resolving);
      entries.set(key, { node: valueNode, keyLoc });
    }
    // Explicit keys win over merged ones; of merged mappings, the first listed wins (YAML merge key rules).
    for (const m of merged) {
      for (const [k, e] of m) if (!entries.has(k)) entries.set(k, e);
    }
    return { kind: 'map', entries, loc, ...(tag && { tag }) };
  }
  throw new ComposeImportError('unsupported YAML node', loc);
}
