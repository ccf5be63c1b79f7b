import { child, Entry, LocatedNode, MapNode, sequence, text } from './located-node';

/** Sequences Compose replaces instead of appending (merge.md, "Shell commands"). */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);

type KeyOf = (node: LocatedNode) => string;
const byValue: KeyOf = (n) => JSON.stringify(text(n) ?? null);
const field =
  (name: string, fallback?: (n: LocatedNode) => string): KeyOf =>
  (n) =>
    text(child(n, name) ?? { kind: 'scalar', value: null, loc: n.loc }) ?? fallback?.(n) ?? JSON.stringify(n);

/**
 * Sequences whose entries are unique by a key (merge.md, "Unique resources", and compose-go's unicity
 * rules): a later entry with the same key replaces the earlier one, in its place.
 */
const UNIQUE: Readonly<Record<string, KeyOf>> = {
  ports: (n) =>
    ['host_ip', 'target', 'published', 'protocol'].map((k) => text(child(n, k) ?? n) ?? '').join('|'),
  volumes: field('target'),
  secrets: field('target', (n) => `/run/secrets/${text(child(n, 'source')!) ?? ''}`),
  configs: field('target', (n) => `/${text(child(n, 'source')!) ?? ''}`),
  env_file: field('path'),
  expose: byValue,
  dns: byValue,
  dns_opt: byValue,
  dns_search: byValue,
  cap_add: byValue,
  cap_drop: byValue,
  profiles: byValue,
  links: byValue,
  tmpfs: byValue,
  devices: byValue,
  'build.tags': byValue,
  'build.platforms': byValue,
  'build.cache_from': byValue,
};

/** The unique-entry rule of a sequence at a path inside a service, if any (also `networks.*.aliases`). */
function uniqueRule(servicePath: string[]): KeyOf | undefined {
  const joined = servicePath.join('.');
  if (UNIQUE[joined]) return UNIQUE[joined];
  if (servicePath.length === 3 && servicePath[0] === 'networks' && servicePath[2] === 'aliases')
    return byValue;
  return undefined;
}

/** Entries of a sequence made unique by `key`, a later one replacing an earlier one in its place. */
export function unique(items: LocatedNode[], key: KeyOf): LocatedNode[] {
  const out: LocatedNode[] = [];
  const index = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    const i = index.get(k);
    if (i === undefined) {
      index.set(k, out.length);
      out.push(item);
    } else {
      out[i] = item;
    }
  }
  return out;
}

function strip(node: LocatedNode): LocatedNode {
  if (!node.tag) return node;
  const rest = { ...node };
  delete rest.tag;
  return rest as LocatedNode;
}

/**
 * Merges an overriding value into a base one as Compose merges files and `extends` (merge.md): mappings key
 * by key, sequences appended (unique ones by their key), `command`, `entrypoint` and `healthcheck.test`
 * replaced, scalars replaced, `!override` replacing and `!reset` removing. `servicePath` is the path
 * inside a service (`['healthcheck', 'test']`), empty outside services. Undefined means removed.
 */
export function mergeNodes(
  base: LocatedNode | undefined,
  over: LocatedNode,
  servicePath: string[],
): LocatedNode | undefined {
  if (over.tag === '!reset') return undefined;
  if (over.tag === '!override' || base === undefined) return clearResets(strip(over));
  const joined = servicePath.join('.');
  if (over.kind === 'seq' && base.kind === 'seq' && !REPLACED.has(joined)) {
    const items = [...base.items, ...over.items];
    const rule = uniqueRule(servicePath);
    return sequence(over.loc, rule ? unique(items, rule) : items);
  }
  if (over.kind === 'map' && base.kind === 'map') {
    if (joined === 'logging') {
      const a = text(child(base, 'driver') ?? over);
      const b = text(child(over, 'driver') ?? base);
      if (child(base, 'driver') && child(over, 'driver') && a !== b) return clearResets(over);
    }
    return mergeMaps(base, over, servicePath);
  }
  return clearResets(over);
}

export function mergeMaps(base: MapNode, over: MapNode, servicePath: string[]): MapNode {
  const entries = new Map<string, Entry>(base.entries);
  for (const [k, e] of over.entries) {
    const merged = mergeNodes(base.entries.get(k)?.node, e.node, [...servicePath, k]);
    if (merged === undefined) entries.delete(k);
    else
      entries.set(k, {
        node: merged,
        keyLoc:
          base.entries.has(k) && merged === base.entries.get(k)!.node
            ? base.entries.get(k)!.keyLoc
            : e.keyLoc,
      });
  }
  return { kind: 'map', entries, loc: base.loc };
}

/** A value with its nested `!reset` entries removed and `!override` tags dropped (nothing to merge with). */
export function clearResets(node: LocatedNode): LocatedNode {
  if (node.kind === 'map') {
    const entries = new Map<string, Entry>();
    for (const [k, e] of node.entries)
      if (e.node.tag !== '!reset') entries.set(k, { ...e, node: clearResets(strip(e.node)) });
    return { kind: 'map', entries, loc: node.loc };
  }
  if (node.kind === 'seq') {
    return {
      ...node,
      tag: undefined,
      items: node.items.filter((i) => i.tag !== '!reset').map((i) => clearResets(strip(i))),
    };
  }
  return strip(node);
}

/** Applies the unique-entry rules to a merged service (compose-go enforces them on the final model too). */
export function enforceUnique(service: MapNode): MapNode {
  const walk = (node: LocatedNode, p: string[]): LocatedNode => {
    if (node.kind === 'seq') {
      const rule = uniqueRule(p);
      return rule ? { ...node, items: unique(node.items, rule) } : node;
    }
    if (node.kind === 'map' && p.length < 3) {
      const entries = new Map<string, Entry>();
      for (const [k, e] of node.entries) entries.set(k, { ...e, node: walk(e.node, [...p, k]) });
      return { ...node, entries };
    }
    return node;
  };
  return walk(service, []) as MapNode;
}
