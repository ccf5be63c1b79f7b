import { fullDiff } from '@aws-cdk/cloudformation-diff';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * `template` as another stage would name it: every `from` replaced by its `to` (the stage's stack name, and
 * for stages in other environments their account and region), logical ids without the hashes aws-cdk-lib
 * derives from construct paths (which include the stack name). A diff of two stages' templates prepared
 * this way shows what the stages' settings change, not the names every resource derives from its stack.
 */
export function asStage<T>(template: T, replacements: Readonly<Record<string, string>>): T {
  let text = JSON.stringify(template);
  const plain = (x: string) => x.replace(/[^A-Za-z0-9]/g, '');
  for (const [from, to] of Object.entries(replacements)) {
    text = text.split(from).join(to);
    if (plain(from) !== from) text = text.split(plain(from)).join(plain(to));
  }
  return withoutIdHashes(JSON.parse(text));
}

/** Logical ids with the 8-digit hashes of construct paths removed, everywhere they are referenced. */
export function withoutIdHashes<T>(template: T): T {
  const ids = Object.keys((template as any).Resources ?? {}).sort((a, b) => b.length - a.length);
  let text = JSON.stringify(template);
  for (const id of ids) {
    const short = id.replace(/[0-9A-F]{8,}/g, '');
    if (short !== id) text = text.split(id).join(short);
  }
  return JSON.parse(text) as T;
}

/**
 * What differs between two stages' templates, as @aws-cdk/cloudformation-diff reports it, one line per
 * changed resource property: `<type> <logical id> <property>`, `+ <type> <logical id>` for an added
 * resource, `- <type> <logical id>` for a removed one. Container definitions are compared one level
 * deeper (`ContainerDefinitions[<name>].<field>[.<variable>]`) so a changed environment variable is told
 * apart from a changed image. Sorted.
 */
export function stageDifferences(before: object, after: object): string[] {
  const lines: string[] = [];
  fullDiff(before, after).resources.forEachDifference((id, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? '?';
    if (change.isAddition) return void lines.push(`+ ${type} ${id}`);
    if (change.isRemoval) return void lines.push(`- ${type} ${id}`);
    for (const [property, diff] of Object.entries(change.propertyUpdates)) {
      if (property === 'ContainerDefinitions') {
        lines.push(...containerDifferences(type, id, diff.oldValue ?? [], diff.newValue ?? []));
      } else lines.push(`${type} ${id} ${property}`);
    }
    for (const [key, diff] of Object.entries(change.otherChanges)) {
      if (diff.isDifferent) lines.push(`${type} ${id} (${key})`);
    }
  });
  return lines.sort();
}

function containerDifferences(type: string, id: string, before: any[], after: any[]): string[] {
  const out: string[] = [];
  const byName = (list: any[]) => new Map(list.map((c) => [c.Name, c]));
  const a = byName(before);
  const b = byName(after);
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name) ?? {};
    const y = b.get(name) ?? {};
    for (const field of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (JSON.stringify(x[field]) === JSON.stringify(y[field])) continue;
      if (field === 'Environment' || field === 'Secrets') {
        const vars = (list: any[] = []) => new Map(list.map((e) => [e.Name, JSON.stringify(e)]));
        const vx = vars(x[field]);
        const vy = vars(y[field]);
        for (const v of new Set([...vx.keys(), ...vy.keys()])) {
          if (vx.get(v) !== vy.get(v)) out.push(`${type} ${id} ContainerDefinitions[${name}].${field}.${v}`);
        }
      } else out.push(`${type} ${id} ContainerDefinitions[${name}].${field}`);
    }
  }
  return out;
}
