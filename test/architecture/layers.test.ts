import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/test-app';

// The import rules of eslint.config.mjs, applied to small files placed in each layer of a scratch copy of
// the project's layout: a wrong-way import fails `npm run lint` with the rule's message; the imports the
// layer is for pass. The scratch directory sits in the project's node_modules so the config's packages
// resolve; one ESLint run lints every case.
const WRONG: readonly (readonly [string, string, string])[] = [
  ['constructs/model/example.ts', "import { x } from 'aws-cdk-lib';", 'model/ is the plain model'],
  ['constructs/model/example.ts', "import { x } from '../service';", 'model/ is the plain model'],
  [
    'constructs/model/rules/example.ts',
    "import { x } from '../../values/image';",
    'model/ is the plain model',
  ],
  ['constructs/compose/example.ts', "import { x } from 'constructs';", 'compose/ renders the local twin'],
  [
    'constructs/compose/example.ts',
    "import { x } from '../aws/task-host';",
    'compose/ renders the local twin',
  ],
  [
    'constructs/aws/example.ts',
    "import { x } from '../compose/compose-renderer';",
    'aws/ is the cloud layer',
  ],
  ['constructs/aws/example.ts', "import { x } from '../service';", 'aws/ is the cloud layer'],
  [
    'constructs/parity/example.ts',
    "import { x } from 'aws-cdk-lib';",
    'parity/ compares the two rendered twins',
  ],
  [
    'constructs/parity/aspects/example.ts',
    "import { x } from '../../job';",
    'parity/ compares the two rendered twins',
  ],
  [
    'constructs/values/example.ts',
    "import { x } from '../parity/check-parity';",
    'values/ turns typed user input',
  ],
  [
    'constructs/synthesis/example.ts',
    "import { x } from '../application';",
    'synthesis/ wires the renderers',
  ],
  ['constructs/example.ts', "import { x } from '../cli/main';", 'the library (constructs/) never imports'],
  [
    'constructs/example.ts',
    "import { x } from '@aws-sdk/client-ecs';",
    'the library (constructs/) never imports',
  ],
];

const RIGHT: readonly (readonly [string, string])[] = [
  ['constructs/model/rules/example.ts', "import { x } from '../spec';\nimport { y } from '../../errors';"],
  ['constructs/compose/example.ts', "import { x } from '../model/spec';\nimport { y } from 'yaml';"],
  [
    'constructs/aws/example.ts',
    "import { x } from 'aws-cdk-lib/aws-ecs';\nimport { y } from '../values/image';",
  ],
  [
    'constructs/parity/aspects/example.ts',
    "import { x } from '../../compose/proxy-config';\nimport { y } from '../../model/order';",
  ],
  [
    'constructs/example.ts',
    "import { x } from './aws/task-host';\nimport { y } from './synthesis/application-synthesis';",
  ],
];

const scratch = fs.mkdtempSync(path.join(PROJECT_ROOT, 'node_modules', '.cache', 'twinstack-layers-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Lints every case in one run; the messages of the import rule, by case file. */
const lintMessages = (() => {
  let found: Map<string, string[]> | undefined;
  return (): Map<string, string[]> => {
    if (found) return found;
    fs.copyFileSync(path.join(PROJECT_ROOT, 'eslint.config.mjs'), path.join(scratch, 'eslint.config.mjs'));
    const files: string[] = [];
    const write = (file: string, source: string, names: string) => {
      const name = file.replace(/example\.ts$/, `case-${files.length}.ts`);
      fs.mkdirSync(path.join(scratch, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(scratch, name), `${source}\nexport const used = [${names}];\n`);
      files.push(name);
      return name;
    };
    const wrong = WRONG.map(([file, source]) => write(file, source, 'x'));
    const right = RIGHT.map(([file, source]) => write(file, source, 'x, y'));
    const eslint = path.join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const result = spawnSync(process.execPath, [eslint, '--format', 'json', ...files], {
      cwd: scratch,
      encoding: 'utf8',
    });
    const reports = JSON.parse(result.stdout) as {
      filePath: string;
      messages: { ruleId: string; message: string }[];
    }[];
    found = new Map(
      reports.map((r) => [
        path.relative(scratch, r.filePath),
        r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message),
      ]),
    );
    expect([...found.keys()].sort()).toEqual([...wrong, ...right].sort());
    return found;
  };
})();

test.each(WRONG.map(([file, source, message], i) => [file, source, message, i] as const))(
  '%s: %s is a lint error',
  (file, _source, message, i) => {
    const errors = lintMessages().get(file.replace(/example\.ts$/, `case-${i}.ts`))!;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  },
);

test.each(RIGHT.map(([file, source], i) => [file, source, WRONG.length + i] as const))(
  '%s: the imports its layer is for pass',
  (file, _source, i) => {
    expect(lintMessages().get(file.replace(/example\.ts$/, `case-${i}.ts`))).toEqual([]);
  },
);
