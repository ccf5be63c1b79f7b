import { ComposeImportError, Location } from './compose-import-error';
import { LocatedNode } from './located-node';

/** A variable a compose file reads: what `twinstack import` turns into a start-time variable. */
export interface ComposeVariable {
  /** Its name. */
  readonly name: string;
  /** The default written with `:-` or `-` (as written, before interpolation), if any use has one. */
  readonly default?: string;
  /** Whether a use has `:?` or `?`: Compose refuses to start without it. */
  readonly required: boolean;
  /** The message of `:?` or `?`, if any. */
  readonly requiredMessage?: string;
  /** Every value that reads it. */
  readonly usedAt: Location[];
}

/** A warning of the loader: something Compose accepts with a warning, or ignores. */
export interface ComposeWarning {
  readonly message: string;
  readonly location: Location;
}

interface MutableVariable {
  name: string;
  default?: string;
  required: boolean;
  requiredMessage?: string;
  usedAt: Location[];
}

/** What interpolation reads and what it records. */
export class InterpolationContext {
  private readonly recorded = new Map<string, MutableVariable>();
  readonly warnings: ComposeWarning[] = [];
  /** The text of every value that interpolates, before interpolation, by `file:line:column`. */
  readonly written = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(
    /** The value of a variable, undefined when unset. */
    readonly lookup: (name: string) => string | undefined,
  ) {}

  /** The variables recorded so far, in the order first met. */
  variables(): ComposeVariable[] {
    return [...this.recorded.values()].map((v) => ({ ...v, usedAt: [...v.usedAt] }));
  }

  record(name: string, loc: Location, use: { default?: string; required?: boolean; message?: string }): void {
    let v = this.recorded.get(name);
    if (!v) {
      v = { name, required: false, usedAt: [] };
      this.recorded.set(name, v);
    }
    if (!v.usedAt.some((l) => l.file === loc.file && l.line === loc.line && l.column === loc.column))
      v.usedAt.push(loc);
    if (use.default !== undefined && v.default === undefined) v.default = use.default;
    if (use.required) {
      v.required = true;
      if (use.message && v.requiredMessage === undefined) v.requiredMessage = use.message;
    }
  }

  warnUnset(name: string, loc: Location): void {
    const key = `${name}@${loc.file}:${loc.line}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({
      message: `The "${name}" variable is not set. Defaulting to a blank string.`,
      location: loc,
    });
  }
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** The index of the `}` closing the `${` whose content starts at `start`, or -1. */
function closingBrace(s: string, start: number): number {
  let depth = 1;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '$') {
      i++;
    } else if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Substitutes the variables of one string as Compose does: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nested in the operand, and
 * `$$` for a literal `$`. `evaluate` false only records the variables (of an operand not used).
 */
export function substitute(s: string, ctx: InterpolationContext, loc: Location, evaluate = true): string {
  if (!s.includes('$')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(s, i + 2);
      if (end < 0)
        throw new ComposeImportError(`invalid interpolation format for "${s}": a \${ is not closed`, loc);
      out += braced(s.slice(i + 2, end), s, ctx, loc, evaluate);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(s.slice(i + 1))?.[0];
    if (name) {
      ctx.record(name, loc, {});
      if (evaluate) {
        const value = ctx.lookup(name);
        if (value === undefined) ctx.warnUnset(name, loc);
        out += value ?? '';
      }
      i += 1 + name.length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

function braced(
  body: string,
  whole: string,
  ctx: InterpolationContext,
  loc: Location,
  evaluate: boolean,
): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new ComposeImportError(`invalid interpolation format for "${whole}": "\${${body}}"`, loc);
  const rest = body.slice(name.length);
  if (rest === '') {
    ctx.record(name, loc, {});
    if (!evaluate) return '';
    const value = ctx.lookup(name);
    if (value === undefined) ctx.warnUnset(name, loc);
    return value ?? '';
  }
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) throw new ComposeImportError(`invalid interpolation format for "${whole}": "\${${body}}"`, loc);
  const operand = rest.slice(op.length);
  const value = ctx.lookup(name);
  const emptyCounts = op.startsWith(':');
  const unset = value === undefined || (emptyCounts && value === '');
  switch (op) {
    case ':-':
    case '-':
      ctx.record(name, loc, { default: operand });
      if (!evaluate) {
        substitute(operand, ctx, loc, false);
        return '';
      }
      if (unset) return substitute(operand, ctx, loc, true);
      substitute(operand, ctx, loc, false);
      return value!;
    case ':?':
    case '?': {
      const message = substitute(operand, ctx, loc, evaluate && unset);
      ctx.record(name, loc, { required: true, message: operand });
      if (evaluate && unset) {
        throw new ComposeImportError(
          `required variable ${name} is missing a value${message ? `: ${message}` : ''}`,
          loc,
        );
      }
      return value ?? '';
    }
    default: {
      // :+ and +: the operand when set, else empty.
      ctx.record(name, loc, {});
      const used = evaluate && !unset;
      const alt = substitute(operand, ctx, loc, used);
      return used ? alt : '';
    }
  }
}

/** The key of a location in `InterpolationContext.written`. */
export function locationKey(loc: Location): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Interpolates every string value of a node (never a key), as Compose does to each file before merging. */
export function interpolate(node: LocatedNode, ctx: InterpolationContext): LocatedNode {
  switch (node.kind) {
    case 'scalar':
      if (typeof node.value !== 'string' || !node.value.includes('$')) return node;
      ctx.written.set(locationKey(node.loc), node.value);
      return { ...node, value: substitute(node.value, ctx, node.loc) };
    case 'seq':
      return { ...node, items: node.items.map((i) => interpolate(i, ctx)) };
    case 'map': {
      const entries = new Map(
        [...node.entries].map(([k, e]) => [k, { ...e, node: interpolate(e.node, ctx) }]),
      );
      return { ...node, entries };
    }
  }
}
