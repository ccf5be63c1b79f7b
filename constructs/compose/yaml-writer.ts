import { Document, isMap, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';
import { invalid } from '../errors';

/**
 * Writes YAML that every reader of a compose file takes as meant: YAML 1.1 readers (PyYAML, and so
 * docker-compose 1.29) and YAML 1.2 readers (Compose v2's go-yaml, the `yaml` package) alike.
 *
 * A string is written plain only when it is provably a string to all of them: printable characters that
 * none of them treats specially, no indicator where it would start a token, and nothing any of them would
 * resolve to another type (booleans of YAML 1.1 in any case, `y`/`n`, null and `~`, every number form of
 * 1.1, 1.2 and go-yaml: octal `0o17` and `017`, hex, binary, sexagesimal `1:20`, underscores, `.inf`,
 * `.nan`; timestamps; the 1.1 value key `=` and merge key `<<`). A multi-line string of such characters is
 * a literal block (`|`); a string holding `"` and no `'` is single-quoted. Every other string is
 * double-quoted on one line, with escapes for what a reader would drop, fold or normalise there: C0 and C1
 * controls, DEL, U+0085 (a line break to YAML 1.1 and go-yaml), U+2028 and U+2029 (the same), U+FEFF, and
 * the noncharacters (U+FDD0-U+FDEF and the last two code points of every plane), so the string reads back
 * exactly. Comments get the same escapes, as text, so nothing in them can end the comment.
 *
 * The one thing no YAML can carry is a lone surrogate (half of a UTF-16 pair): a YAML stream is Unicode
 * text, and UTF-8 cannot encode it (nor can a process environment hold it); it is a ValidationError.
 */
export function writeYaml(value: unknown, options: YamlWriteOptions): string {
  const doc = new Document(value, { version: '1.1', customTags: withStringWriter });
  visit(doc, {
    Scalar(_, node, path) {
      if (typeof node.value === 'string' && hasLoneSurrogate(node.value)) {
        throw invalid(options.owner, locationOf(path, node), node.value, LONE_SURROGATE_RULE);
      }
    },
  });
  if (options.comment?.length) doc.commentBefore = options.comment.map(commentText).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** Options of writeYaml. */
export interface YamlWriteOptions {
  /** What the document belongs to (a model name or construct path), for errors. */
  readonly owner: string;
  /** Lines of the comment at the top of the document, each written after `#`. */
  readonly comment?: readonly string[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` holds half of a UTF-16 surrogate pair without the other half. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** What a lone surrogate error says is allowed. */
export const LONE_SURROGATE_RULE =
  'holds a lone surrogate (U+D800-U+DFFF without its pair), which no YAML file, .env file or process environment can carry: UTF-8 cannot encode it; use whole characters';

/**
 * Whether a character is written escaped: C0 controls (tab and line feed included: they are escaped in
 * quoted strings, and allowed raw only in blocks), DEL, C1 controls (U+0085 among them), U+2028, U+2029,
 * U+FEFF, the noncharacters U+FDD0-U+FDEF and U+nFFFE/U+nFFFF of every plane, and surrogates.
 */
function isEscaped(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0xfeff ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

/** Whether any character of `text` is written escaped. */
function hasEscaped(text: string, allowed: string = ''): boolean {
  for (const ch of text) if (!allowed.includes(ch) && isEscaped(ch.codePointAt(0)!)) return true;
  return false;
}

/**
 * Numbers in any YAML 1.1 or 1.2 form, or as go-yaml reads them (it drops every `_` first, then takes
 * Go's integer syntax with 0x/0o/0b prefixes and a leading-0 octal), and the `yaml` package's YAML 1.1
 * floats, whose mantissa may be empty (`E0`, `.`): tested on the string as it is and with its underscores
 * removed. Deliberately wide (e.g. any case of `inf`/`nan`): a string that only looks like a number is
 * quoted, which costs nothing.
 */
const NUMBER =
  /^[-+]?(?:0b[01]+|0o[0-7]+|0x[0-9a-f]+|[0-9]+(?::[0-5]?[0-9])*(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?|[0-9]*\.[0-9]*(?:e[-+]?[0-9]+)?|[0-9]*\.?[0-9]*e[-+]?[0-9]+|\.?inf(?:inity)?|\.?nan)$/i;

/** Words YAML 1.1 or 1.2 reads as a boolean or null, in any case; and the 1.1 value and merge keys. */
const WORD = /^(?:y|n|yes|no|true|false|on|off|null|~|=|<<)$/i;

/** The start of a YAML 1.1 timestamp (`2001-12-14`, `2001-1-2t...`). */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])/;

/**
 * Plain text that ends or starts a token somewhere: an indicator first (`-`, `?` and `:` only followed by
 * a blank), `: ` or ` #` inside, a `:` last, blanks at either end, a document marker first, or a tab.
 */
const PLAIN_SYNTAX = /^[\s,[\]{}#&*!|>'"%@`]|^[-?:](?:\s|$)|^(?:---|\.\.\.)|:\s|\s#|:$|\s$|\t|\n|\r/u;

/** Whether `text` reads back as this very string, written plain, in every reader (block context). */
function isPlainSafe(text: string, inFlow: boolean): boolean {
  if (text === '' || hasEscaped(text) || PLAIN_SYNTAX.test(text)) return false;
  if (inFlow && /[,[\]{}]/.test(text)) return false;
  if (WORD.test(text) || TIMESTAMP.test(text)) return false;
  return !NUMBER.test(text) && !NUMBER.test(text.replace(/_/g, ''));
}

/**
 * Whether `text` can be a literal block that reads back exactly: several lines of characters that need
 * no escape (tab and line feed allowed), no carriage return (readers normalise line ends in blocks), no
 * line of only blanks and no trailing blanks on the last line (a block cannot carry them).
 */
function isBlockSafe(text: string): boolean {
  if (!text.includes('\n')) return false;
  if (/(^|\n)[ \t]+(\n|$)/.test(text) || /^\n*\t/.test(text)) return false;
  return !hasEscaped(text, '\n\t');
}

/** A single-quoted string: only `'` needs care, and it is doubled. */
function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const NAMED_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\0': '\\0',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** `\xHH`, `\uHHHH` or `\UHHHHHHHH`, escapes every YAML reader knows. */
function hexEscape(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** A double-quoted string on one line: every character a reader could change is escaped. */
function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += NAMED_ESCAPES[ch] ?? (isEscaped(cp) ? hexEscape(cp) : ch);
  }
  return `${out}"`;
}

/**
 * Text with every character a line-based reader could take as a line break or drop (the characters
 * double-quoted strings escape, see isEscaped) written as a `\xHH`, `\uHHHH` or `\UHHHHHHHH` escape, except
 * those in `keep`: for comments, in YAML or in a `.env` file, which end at any of them.
 */
export function escapeControls(text: string, keep: string = ''): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += keep.includes(ch) || !isEscaped(cp) ? ch : hexEscape(cp);
  }
  return out;
}

/** Comment text: what would end the comment or be changed in it is written as an escape. */
function commentText(line: string): string {
  return escapeControls(line, '\n');
}

/** Tags of the values a compose document holds: the others (e.g. `<<` as a merge key) are never written. */
const WRITTEN_TAGS = ['map', 'seq', 'str', 'null', 'bool', 'int', 'float'].map(
  (t) => `tag:yaml.org,2002:${t}`,
);

/**
 * The schema's tags for what a compose document holds, with the string tag writing strings as described on
 * writeYaml.
 */
function withStringWriter(tags: Tags): Tags {
  const kept = tags.filter((tag) => typeof tag === 'string' || WRITTEN_TAGS.includes(tag.tag));
  return kept.map((tag) => {
    if (typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:str' || !('resolve' in tag)) return tag;
    const base = tag as ScalarTag;
    const writer: ScalarTag = {
      ...base,
      stringify(item, ctx, onComment, onChompKeep) {
        const text = String(item.value);
        if (isPlainSafe(text, Boolean(ctx.inFlow))) return text;
        if (!ctx.implicitKey && !ctx.inFlow && isBlockSafe(text)) {
          const block = Object.assign(new Scalar(text), item, { type: Scalar.BLOCK_LITERAL });
          return base.stringify!(block, ctx, onComment, onChompKeep);
        }
        if (text.includes('"') && !text.includes("'") && !hasEscaped(text)) return singleQuoted(text);
        return doubleQuoted(text);
      },
    };
    return writer;
  });
}

/** `services.api.environment.TEXT`: where a scalar is in the document, for errors. */
function locationOf(path: readonly unknown[], node: Scalar): string {
  const parts: string[] = [];
  const chain = [...path, node];
  for (let i = 0; i < chain.length; i++) {
    const item = chain[i];
    const next = chain[i + 1];
    if (isPair(item) && isScalar(item.key)) parts.push(String(item.key.value));
    else if (isSeq(item) && next !== undefined) parts.push(String(item.items.indexOf(next as never)));
    else if (isMap(item) && next === undefined) parts.push('(key)');
  }
  return parts.join('.') || '(document)';
}
