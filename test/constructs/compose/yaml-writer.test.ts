import { parse } from 'yaml';
import { composeToYaml, renderLocalTwinFiles } from '../../../constructs/compose/compose-renderer';
import { writeYaml } from '../../../constructs/compose/yaml-writer';
import { ValidationError } from '../../../constructs/errors';
import { composeLiteral, HOSTILE_OUT, hostileModel, readWithYamlPackage } from '../../support/hostile-values';
import { loadWithPyYaml, pythonWithPyYaml } from '../../support/pyyaml';

/**
 * The compose writer's output means the same to YAML 1.1 readers (PyYAML, docker-compose 1.29) and YAML 1.2
 * readers (the `yaml` package, Compose v2). Each case below was written in a form some reader took as
 * something else: `=` and `<<` unquoted (PyYAML cannot load the file), `0o17` unquoted (YAML 1.2 reads 15),
 * U+2028, U+2029, DEL and U+FFFE raw (PyYAML cannot load the file), U+0085 raw (PyYAML reads a space).
 */

const python = pythonWithPyYaml();
const withPyYaml = python || process.env.CI === 'true' ? test : test.skip;
if (!python) console.warn('PyYAML not found (apt-get install python3-yaml): its checks are skipped here.');

const REGRESSIONS: readonly (readonly [string, string])[] = [
  ['the YAML 1.1 value key', '='],
  ['the YAML 1.1 merge key', '<<'],
  ['a YAML 1.2 octal', '0o17'],
  ['U+2028 LINE SEPARATOR', 'a\u2028b'],
  ['U+2029 PARAGRAPH SEPARATOR', 'a\u2029b'],
  ['DEL', 'a\x7fb'],
  ['the noncharacter U+FFFE', 'a\ufffeb'],
  ['U+0085 NEXT LINE', 'a\x85b'],
];

function render(values: readonly string[], args: readonly string[]): string {
  return renderLocalTwinFiles(hostileModel(values, args), { outputDirectory: HOSTILE_OUT }).compose;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const apiOf = (doc: any) => ({
  environment: doc.services.api.environment,
  command: doc.services.api.command,
});
/* eslint-enable @typescript-eslint/no-explicit-any */

describe.each(REGRESSIONS)('%s (%j) as an environment value and a command argument', (_name, value) => {
  const compose = () => render([value], [value]);
  const want = { environment: { V0: composeLiteral(value) }, command: [composeLiteral(value)] };

  test('reads back exactly with the yaml package as YAML 1.1 and as YAML 1.2', () => {
    const readers = readWithYamlPackage(compose());
    expect(Object.keys(readers)).toEqual(['yaml 1.1', 'yaml 1.2']);
    for (const [reader, doc] of Object.entries(readers)) {
      expect({ reader, ...apiOf(doc) }).toEqual({ reader, ...want });
    }
  });

  withPyYaml('reads back exactly with PyYAML (docker-compose 1.29 reads with it)', () => {
    const [results] = loadWithPyYaml([compose()]);
    expect(Object.keys(results)).toContain('SafeLoader');
    for (const [loader, result] of Object.entries(results)) {
      expect({ loader, ...('value' in result ? apiOf(result.value) : { error: result.error }) }).toEqual({
        loader,
        ...want,
      });
    }
  });
});

describe('what is written plain and what is quoted', () => {
  test.each([
    ['10s'],
    ['-c'],
    ['--port=8080'],
    ['nginx:1.27'],
    ['8080:8080'],
    ['info'],
    ['a,b'],
    ['x#y'],
    ['1.2.3'],
    ['512M'],
    ['é'],
  ])('%j stays plain: no reader types it', (value) => {
    expect(writeYaml({ v: value }, { owner: 't' })).toBe(`v: ${value}\n`);
  });

  test.each([
    ['=', '"="'],
    ['<<', '"<<"'],
    ['0o17', '"0o17"'],
    ['0x1F', '"0x1F"'],
    ['017', '"017"'],
    ['08', '"08"'],
    ['22:22', '"22:22"'],
    ['1_000', '"1_000"'],
    ['E0', '"E0"'],
    ['.', '"."'],
    ['.inf', '".inf"'],
    ['y', '"y"'],
    ['OFF', '"OFF"'],
    ['~', '"~"'],
    ['NULL', '"NULL"'],
    ['2001-12-14', '"2001-12-14"'],
    [' a', '" a"'],
    ['a: b', '"a: b"'],
    ['a #b', '"a #b"'],
    ['"hi" she said', `'"hi" she said'`],
    ['say "hi"', 'say "hi"'],
    ['\u2028', '"\\u2028"'],
    ['\x85', '"\\x85"'],
    ['\x7f', '"\\x7f"'],
    ['\ufffe', '"\\ufffe"'],
    ['\u{10ffff}', '"\\U0010ffff"'],
    ['\ufeff', '"\\ufeff"'],
    ['a\r\nb', '"a\\r\\nb"'],
  ])('%j is written %s', (value, written) => {
    expect(writeYaml({ v: value }, { owner: 't' })).toBe(`v: ${written}\n`);
    expect(parse(`v: ${written}\n`, { version: '1.1' }).v).toBe(value);
  });

  test('several lines of ordinary text stay a literal block', () => {
    expect(writeYaml({ v: 'a\nb\n' }, { owner: 't' })).toBe('v: |\n  a\n  b\n');
  });

  test('a block whose first line starts with a tab is double-quoted: libyaml reads that tab as indentation', () => {
    expect(writeYaml({ v: '\ta\nb' }, { owner: 't' })).toBe('v: "\\ta\\nb"\n');
  });
});

describe('what no YAML can carry', () => {
  test('a lone surrogate in an environment value is a ValidationError naming the workload and the variable', () => {
    const error = (() => {
      try {
        render(['ok', 'a\ud800b'], []);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ path: 'Hostile/hostile/api', prop: 'environment.V1' });
    expect((error as Error).message).toContain('lone surrogate');
  });

  test('a lone surrogate in a command argument is a ValidationError too', () => {
    expect(() => render(['ok'], ['x', '\udc00'])).toThrow(
      expect.objectContaining({ name: 'ValidationError', prop: 'command[1]' }),
    );
  });

  test('the writer itself refuses one, naming where in the document it is', () => {
    expect(() =>
      composeToYaml({ name: 'shop', services: { api: { environment: { TEXT: '\ud83d' } } } }),
    ).toThrow(expect.objectContaining({ path: 'shop', prop: 'services.api.environment.TEXT' }));
  });

  test('a surrogate pair is a whole character and is written as it is', () => {
    expect(writeYaml({ v: '\ud83d\ude00' }, { owner: 't' })).toBe('v: \u{1f600}\n');
  });
});

describe('the header comment', () => {
  const header = ['line\u2028separator', 'next\x85line', 'carriage\rreturn', 'and: "quotes" # here'];
  const yaml = () => composeToYaml({ name: 'shop', services: { api: { image: 'x' } } }, header);

  test('escapes what a reader would take as the end of the comment', () => {
    expect(yaml()).toContain('# line\\u2028separator\n');
    expect(yaml()).toContain('# next\\x85line\n');
    expect(yaml()).toContain('# carriage\\x0dreturn\n');
    expect(yaml()).toContain('# and: "quotes" # here\n');
    for (const doc of Object.values(readWithYamlPackage(yaml()))) {
      expect(doc).toEqual({ name: 'shop', services: { api: { image: 'x' } } });
    }
  });

  withPyYaml('stays a comment for PyYAML', () => {
    const [results] = loadWithPyYaml([yaml()]);
    for (const result of Object.values(results)) {
      expect(result).toEqual({ value: { name: 'shop', services: { api: { image: 'x' } } } });
    }
  });
});
