import * as doc from 'prettier/doc';

type Doc = doc.builders.Doc;

// The few TypeScript forms the generated stack is made of (literals, identifiers, calls, objects, arrays),
// laid out as prettier lays them out with the project's .prettierrc (printWidth 110, single quotes,
// trailing commas): the documents below follow prettier's own printing of each form, and prettier's
// document printer (synchronous, unlike prettier.format) places the line breaks. The generated file is
// then already formatted (only prettier/doc is loaded, not prettier's parsers): `generateStack` stays a pure synchronous function, and its tests check that
// prettier.format leaves every output unchanged.

const { conditionalGroup, group, hardline, ifBreak, indent, indentIfBreak, join, line, softline } =
  doc.builders;

/** The project's .prettierrc.json, which the layout below assumes. */
export const PRETTIER_OPTIONS = { printWidth: 110, tabWidth: 2, singleQuote: true, trailingComma: 'all' };

/** An expression of the generated source. */
export type Expr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** An identifier, or a member chain of identifiers (`CpuArchitecture.ARM64`). */
  | { readonly kind: 'name'; readonly path: readonly string[] }
  /** `callee(args)` with `callee` a name or member chain, or `new callee(args)`. */
  | {
      readonly kind: 'call';
      readonly callee: readonly string[];
      readonly args: readonly Expr[];
      readonly isNew?: boolean;
    }
  /** An object literal; `expanded` keeps it one property per line whatever its width. */
  | { readonly kind: 'object'; readonly props: readonly Prop[]; readonly expanded?: boolean }
  | { readonly kind: 'array'; readonly items: readonly Expr[] };

/** A property of an object literal. */
export interface Prop {
  readonly key: string;
  readonly value: Expr;
}

export const str = (value: string): Expr => ({ kind: 'string', value });
export const num = (value: number): Expr => ({ kind: 'number', value });
export const bool = (value: boolean): Expr => ({ kind: 'boolean', value });
export const name = (...path: string[]): Expr => ({ kind: 'name', path });
export const call = (callee: string, ...args: Expr[]): Expr => ({
  kind: 'call',
  callee: callee.split('.'),
  args,
});
export const newCall = (callee: string, ...args: Expr[]): Expr => ({
  kind: 'call',
  callee: [callee],
  args,
  isNew: true,
});
export const obj = (props: readonly Prop[], expanded = false): Expr => ({ kind: 'object', props, expanded });
export const arr = (items: readonly Expr[]): Expr => ({ kind: 'array', items });

/**
 * A string literal as prettier prints it: single quotes unless the text holds more single than double
 * quotes; backslashes, the quote and characters a literal cannot hold as they are escaped.
 */
export function stringLiteral(value: string): string {
  const singles = (value.match(/'/g) ?? []).length;
  const doubles = (value.match(/"/g) ?? []).length;
  const quote = singles > doubles ? '"' : "'";
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else if (code >= 0xd800 && code <= 0xdfff)
      out += `\\u${code.toString(16)}`; // a lone surrogate
    else out += ch;
  }
  return quote + out + quote;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key: bare when it is an identifier, else a string literal (prettier's quoteProps as-needed). */
export function propertyKey(key: string): string {
  // `__proto__: x` (quoted or not) would set the object's prototype: a computed key makes it a property.
  if (key === '__proto__') return `[${stringLiteral(key)}]`;
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

/** prettier's isLoneShortArgument: a call with such an argument breaks after `=` or `:`, not inside. */
function isShortArgument(e: Expr): boolean {
  const threshold = PRETTIER_OPTIONS.printWidth / 4;
  switch (e.kind) {
    case 'string':
      return stringLiteral(e.value).length <= threshold;
    case 'number':
    case 'boolean':
      return true;
    case 'name':
      return e.path.length === 1 && e.path[0]!.length <= threshold;
    default:
      return false;
  }
}

/** prettier's isPoorlyBreakableMemberOrCallChain, for the calls the generated source has. */
function isPoorlyBreakableCall(e: Expr): boolean {
  return (
    e.kind === 'call' &&
    !e.isNew &&
    e.callee.length > 1 &&
    (e.args.length === 0 || (e.args.length === 1 && isShortArgument(e.args[0]!)))
  );
}

/** `left<operator> right` as prettier's printAssignment lays it out (the layouts it picks for these forms). */
function assignment(left: Doc, operator: string, right: Expr, shortKey: boolean): Doc {
  const rightDoc = printExpr(right);
  if (shortKey || right.kind === 'number' || right.kind === 'boolean') {
    return group([left, operator, ' ', rightDoc]);
  }
  if (
    right.kind === 'string' ||
    (right.kind === 'name' && right.path.length > 1) ||
    isPoorlyBreakableCall(right)
  ) {
    return group([left, operator, group(indent([line, rightDoc]))]);
  }
  const groupId = Symbol('assignment');
  return group([left, operator, group(indent(line), { id: groupId }), indentIfBreak(rightDoc, { groupId })]);
}

const couldExpand = (e: Expr): boolean =>
  (e.kind === 'object' && e.props.length > 0) || (e.kind === 'array' && e.items.length > 0);

/** prettier's isConciselyPrintedArray: every item a number. */
const isConcise = (e: Expr): boolean => e.kind === 'array' && e.items.every((i) => i.kind === 'number');

function printArguments(args: readonly Expr[]): Doc {
  if (args.length === 0) return '()';
  const printed = args.map(printExpr);
  const separated = printed.map((d, i) => (i === printed.length - 1 ? d : [d, ',', line]));
  const allArgsBrokenOut = () =>
    group(['(', indent([line, ...separated, ',']), line, ')'], { shouldBreak: true });
  const last = args[args.length - 1]!;
  const penultimate = args.length > 1 ? args[args.length - 2] : undefined;
  const groupLast =
    couldExpand(last) &&
    (penultimate === undefined || penultimate.kind !== last.kind) &&
    !(args.length > 1 && isConcise(last));
  if (!groupLast) {
    return group(['(', indent([softline, ...separated]), ifBreak(','), softline, ')']);
  }
  const head = separated.slice(0, -1);
  return conditionalGroup([
    ['(', ...head, printed[printed.length - 1]!, ')'],
    ['(', ...head, group(printed[printed.length - 1]!, { shouldBreak: true }), ')'],
    allArgsBrokenOut(),
  ]);
}

/** The prettier document of an expression. */
export function printExpr(e: Expr): Doc {
  switch (e.kind) {
    case 'string':
      return stringLiteral(e.value);
    case 'number':
      return String(e.value);
    case 'boolean':
      return String(e.value);
    case 'name':
      return e.path.join('.');
    case 'call': {
      const callee = e.callee.join('.');
      const args = printArguments(e.args);
      return e.isNew ? ['new ', callee, args] : group([callee, args]);
    }
    case 'object': {
      if (e.props.length === 0) return '{}';
      const props = e.props.map((p) => {
        const key = propertyKey(p.key);
        return assignment(key, ':', p.value, key.length < PRETTIER_OPTIONS.tabWidth + 3);
      });
      return group(['{', indent([line, join([',', line], props)]), ifBreak(','), line, '}'], {
        shouldBreak: e.expanded === true,
      });
    }
    case 'array': {
      if (e.items.length === 0) return '[]';
      const first = e.items[0]!;
      // prettier breaks an array of two or more objects (or arrays) that each have two or more entries.
      const size = (i: Expr) =>
        i.kind === 'object' ? i.props.length : i.kind === 'array' ? i.items.length : 0;
      const shouldBreak =
        e.items.length > 1 &&
        (first.kind === 'object' || first.kind === 'array') &&
        e.items.every((i) => i.kind === first.kind && size(i) > 1);
      return group(
        ['[', indent([softline, join([',', line], e.items.map(printExpr))]), ifBreak(','), softline, ']'],
        { shouldBreak },
      );
    }
  }
}

/** A statement of the generated source. */
export type Statement =
  | {
      readonly kind: 'const';
      readonly name: string;
      readonly value: Expr;
      readonly comments?: readonly string[];
    }
  | { readonly kind: 'expression'; readonly value: Expr; readonly comments?: readonly string[] }
  | { readonly kind: 'blank' };

/** `// ` lines of a comment, its words wrapped to fit at the given indentation. */
export function commentLines(text: string, indentation: number): string[] {
  const width = PRETTIER_OPTIONS.printWidth - indentation - 3;
  const out: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let current = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else current = current === '' ? word : `${current} ${word}`;
    }
    out.push(current);
  }
  return out.map((l) => (l === '' ? '//' : `// ${l}`));
}

/** The statements of a block, at the given indentation (for the comments' width). */
export function printStatements(statements: readonly Statement[], indentation: number): Doc {
  const parts: Doc[] = [];
  statements.forEach((s, i) => {
    if (s.kind === 'blank') {
      if (i > 0 && i < statements.length - 1 && statements[i - 1]!.kind !== 'blank') parts.push('');
      return;
    }
    const comments = (s.comments ?? []).flatMap((c) => commentLines(c, indentation));
    const body =
      s.kind === 'const'
        ? [assignment(['const ', s.name], ' =', s.value, false), ';']
        : [printExpr(s.value), ';'];
    parts.push([...comments.flatMap((c) => [c, hardline]), body]);
  });
  return join(hardline, parts);
}

/** Lays a document out as prettier would. */
export function render(d: Doc): string {
  return doc.printer.printDocToString(d, {
    printWidth: PRETTIER_OPTIONS.printWidth,
    tabWidth: PRETTIER_OPTIONS.tabWidth,
    useTabs: false,
  } as Parameters<typeof doc.printer.printDocToString>[1]).formatted;
}

/** `import { a, b } from 'module';` */
export function importDeclaration(names: readonly string[], module: string): Doc {
  return group([
    'import {',
    indent([line, join([',', line], [...names])]),
    ifBreak(','),
    line,
    '} from ',
    stringLiteral(module),
    ';',
  ]);
}

export { group, hardline, indent };
