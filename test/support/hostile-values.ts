import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { Application, Image, Service } from '../../constructs';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { testApp } from './test-app';

/**
 * Values that YAML readers, compose and `.env` parsers are known to take as something else, and the
 * readers that check a rendered compose file gives them back.
 */

/** Whole strings some YAML version types, tags or treats as syntax. */
export const HOSTILE_WORDS: readonly string[] = [
  // YAML 1.1 value and merge keys
  '=',
  '<<',
  // numbers: 1.2 and go-yaml octal, 1.1 octal, leading zeros, hex, binary, sexagesimal, underscores, floats
  '0o17',
  '0O17',
  '-0o17',
  '017',
  '08',
  '0x1F',
  '+0x1f',
  '0b101',
  '1:20',
  '-1:20',
  '190:20:30.15',
  '1_000',
  '+_1',
  '0_x1F',
  '1e3',
  '1E+3',
  '1.',
  '.5',
  '.',
  '-.',
  '._',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  'inf',
  'nan',
  '0',
  '-0',
  '+1',
  '12345678901234567890',
  // booleans of YAML 1.1 and 1.2, in several cases
  'y',
  'Y',
  'n',
  'N',
  'yes',
  'No',
  'ON',
  'off',
  'True',
  'FALSE',
  'oN',
  // null
  '~',
  'null',
  'Null',
  'NULL',
  '',
  // timestamps
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5',
  // syntax: indicators, comments, document markers, blanks at the ends
  '---',
  '...',
  '--- x',
  '- a',
  '-',
  '? x',
  '?',
  ': x',
  ':',
  '#x',
  'a #b',
  'a: b',
  'a:',
  ' a',
  'a ',
  '\ta',
  'a\t',
  '@x',
  '`x',
  '%YAML 1.1',
  '!x',
  '!!str',
  '&a',
  '*a',
  '|',
  '>',
  "'",
  '"',
  "'x'",
  '"x"',
  '[a, b]',
  '{a: b}',
  ',',
  // compose interpolation: `$` must reach the container literally
  '$HOME',
  '${X}',
  '${X:-d}',
  '$${X}',
  '$$',
  '$',
  '\\$x',
  // lines
  '\n',
  'a\nb',
  'a\n\nb\n',
  'a\r\nb',
  ' \n',
  'a\n ',
  '\n a',
];

/**
 * Single characters of every troublesome class: C0 controls, DEL, C1 controls (U+0085 NEL among them), no-break
 * and other spaces, line and paragraph separators, the byte order mark, noncharacters of the BMP and of the
 * last planes, characters outside the BMP, quotes, backslash, indicators, `$` and `_`.
 */
export const HOSTILE_CHARS: readonly string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  '\x7f',
  '\x80',
  '\x85',
  '\x9b',
  '\x9f',
  '\xa0',
  '\u1680',
  '\u2000',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u3000',
  '\ufeff',
  '\ufdd0',
  '\ufdef',
  '\ufffd',
  '\ufffe',
  '\uffff',
  '\u{1fffe}',
  '\u{1ffff}',
  '\u{10fffe}',
  '\u{10ffff}',
  '\u{1f600}',
  'é',
  'ß',
  '"',
  "'",
  '\\',
  ...'#:-?,[]{}&*!|>%@`~=<.+_$ '.split(''),
  ...'0179xobeE'.split(''),
];

/** A string built from hostile words, hostile characters and arbitrary code points (no lone surrogate). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_WORDS) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_CHARS) },
          { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_WORDS) },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
          { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((parts) => parts.join('')),
  },
);

/** Where the compose file of a hostile model is written. */
export const HOSTILE_OUT = path.resolve('/projects/hostile');

let base: ApplicationSpec | undefined;

/**
 * The model of an application whose service `api` has exactly these environment values (as `V0`, `V1`,
 * ...) and command arguments: built once with the constructs, then given the values as plain data, so
 * each case costs only a render.
 */
export function hostileModel(values: readonly string[], args: readonly string[]): ApplicationSpec {
  if (!base) {
    const application = new Application(new Stack(testApp(), 'Hostile'), 'hostile');
    new Service(application, 'api', {
      image: Image.fromRegistry('busybox:1.36'),
      command: ['true'],
      environment: { V0: 'x' },
    });
    base = application.toSpec();
  }
  const environment = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
  return {
    ...base,
    workloads: base.workloads.map((w) =>
      w.name === 'api' ? { ...w, environment, command: args.length ? [...args] : ['true'] } : w,
    ),
  };
}

/** The compose file's form of a literal: `$` doubled, so compose does not interpolate it. */
export function composeLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** The readers of the `yaml` package a compose file must satisfy: YAML 1.1 (with merge keys) and 1.2. */
export const YAML_PACKAGE_READERS = {
  'yaml 1.1': { version: '1.1', merge: true },
  'yaml 1.2': { version: '1.2' },
} as const;

/**
 * What each of the `yaml` package's readers makes of a document; a reader that reports an error or a
 * warning gives `{ error }`.
 */
export function readWithYamlPackage(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, options] of Object.entries(YAML_PACKAGE_READERS)) {
    const doc = parseDocument(text, options);
    const problems = [...doc.errors, ...doc.warnings];
    out[name] = problems.length ? { error: problems.map((p) => p.message).join('; ') } : doc.toJS();
  }
  return out;
}
