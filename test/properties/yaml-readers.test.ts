import fc from 'fast-check';
import { renderLocalTwinFiles } from '../../constructs';
import {
  composeLiteral,
  HOSTILE_OUT,
  hostileModel,
  hostileString,
  readWithYamlPackage,
} from '../support/hostile-values';
import { loadWithPyYaml, pythonWithPyYaml } from '../support/pyyaml';
import { checkProperty, printCases, runs } from './runs';

/**
 * Environment values and command arguments drawn from every troublesome class of Unicode and of YAML
 * (controls, line separators, noncharacters, YAML 1.1 and 1.2 specials, indicators, `$` forms), rendered
 * through the real renderer, come back exactly from every reader of compose files: the `yaml` package
 * as YAML 1.1 and 1.2, and PyYAML (docker-compose 1.29's reader), pure Python and libyaml. The `yaml`
 * readers run inside the property; PyYAML reads every rendered document in one process afterwards.
 */

afterAll(printCases);

interface Case {
  readonly values: readonly string[];
  readonly args: readonly string[];
  readonly compose: string;
}

const caseArb = fc.record({
  values: fc.array(hostileString, { minLength: 1, maxLength: 4 }),
  args: fc.array(hostileString, { minLength: 0, maxLength: 4 }),
});

/** What a reader must give back for the service: the literals, `$` doubled as compose expects. */
function expected(c: Pick<Case, 'values' | 'args'>) {
  return {
    environment: Object.fromEntries(c.values.map((v, i) => [`V${i}`, composeLiteral(v)])),
    command: c.args.length ? c.args.map(composeLiteral) : ['true'],
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function serviceOf(doc: any) {
  const api = doc?.services?.api;
  return { environment: api?.environment, command: api?.command };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const python = pythonWithPyYaml();
const testWithPyYaml = python || process.env.CI === 'true' ? test : test.skip;
if (!python) {
  console.warn('PyYAML not found (apt-get install python3-yaml): the PyYAML round trip is skipped here.');
}

testWithPyYaml(
  'hostile environment values and command arguments come back exactly from YAML 1.1, YAML 1.2 and PyYAML',
  () => {
    const rendered: Case[] = [];
    checkProperty(
      'hostile values read back exactly by the yaml package (1.1 and 1.2)',
      fc.property(caseArb, ({ values, args }) => {
        const { compose } = renderLocalTwinFiles(hostileModel(values, args), {
          outputDirectory: HOSTILE_OUT,
        });
        const want = expected({ values, args });
        for (const [reader, doc] of Object.entries(readWithYamlPackage(compose))) {
          expect({ reader, ...serviceOf(doc) }).toEqual({ reader, ...want });
        }
        rendered.push({ values, args, compose });
      }),
      runs(200),
    );

    const results = loadWithPyYaml(rendered.map((c) => c.compose));
    const wrong: string[] = [];
    rendered.forEach((c, i) => {
      const want = expected(c);
      for (const [loader, result] of Object.entries(results[i])) {
        const got = 'value' in result ? serviceOf(result.value) : result.error;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          wrong.push(
            `PyYAML ${loader} on values ${JSON.stringify(c.values)}, args ${JSON.stringify(c.args)}:\n` +
              `  got ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}\n--- compose file\n${c.compose}`,
          );
        }
      }
    });
    process.stdout.write(`PyYAML read ${rendered.length} rendered compose files back\n`);
    expect(wrong.slice(0, 3)).toEqual([]);
  },
);
