import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of the library (ARCHITECTURE.md): which folder may import what. A wrong-way import fails
// `npm run lint` with the message of the rule it breaks.
const CLOUD_PACKAGES = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'];
const TOOL_PACKAGES = ['@aws-sdk/*', '@aws-cdk/cloudformation-diff', 'diff'];
// The constructs users import sit at the top of constructs/: a relative import that climbs to that level
// and names a file there (other than errors.ts, which every layer shares).
const topLevel = (depth) => `^${'\\.\\./'.repeat(depth)}(?!errors$)[a-z-]+$`;
const folder = (names) => `(^|/)(${names.join('|')})(/|$)`;

function layer(files, message, { packages = [], folders = [], depth }) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(packages.length ? [{ group: packages, message }] : []),
            ...(folders.length ? [{ regex: folder(folders), message }] : []),
            ...(depth !== undefined ? [{ regex: topLevel(depth), message }] : []),
          ],
        },
      ],
    },
  };
}

const MODEL =
  'model/ is the plain model and its rules: it imports only model/ and errors.ts, never aws-cdk-lib, a renderer or a construct (see ARCHITECTURE.md)';
const COMPOSE =
  'compose/ renders the local twin as a pure function of the model: it imports only model/, errors.ts and yaml, never aws-cdk-lib, the cloud layer or a construct (see ARCHITECTURE.md)';
const CLOUD =
  'aws/ is the cloud layer under the constructs: it imports aws-cdk-lib, model/ and values/, never compose/, parity/, synthesis/ or a construct (see ARCHITECTURE.md)';
const PARITY =
  'parity/ compares the two rendered twins: it imports model/, compose/ and errors.ts, never aws-cdk-lib, the cloud layer or a construct (see ARCHITECTURE.md)';
const VALUES =
  'values/ turns typed user input into model specs: it imports aws-cdk-lib, model/ and errors.ts, never a renderer, parity or a construct (see ARCHITECTURE.md)';
const SYNTHESIS =
  'synthesis/ wires the renderers and parity into cdk synth: it never imports a construct; constructs call it (see ARCHITECTURE.md)';
const LIBRARY =
  'the library (constructs/) never imports the command-line tool, the examples or the tests, nor the packages only the command-line tool uses (see ARCHITECTURE.md)';
const OUTSIDE = ['cli', 'lib', 'bin', 'test', 'bench'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', '**/*.js', '!eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
    },
  },
  layer(['constructs/*.ts'], LIBRARY, { packages: TOOL_PACKAGES, folders: OUTSIDE }),
  layer(['constructs/model/*.ts'], MODEL, {
    packages: [...CLOUD_PACKAGES, 'yaml'],
    folders: ['aws', 'compose', 'parity', 'synthesis', 'values', ...OUTSIDE],
    depth: 1,
  }),
  layer(['constructs/model/*/*.ts'], MODEL, {
    packages: [...CLOUD_PACKAGES, 'yaml'],
    folders: ['aws', 'compose', 'parity', 'synthesis', 'values', ...OUTSIDE],
    depth: 2,
  }),
  layer(['constructs/compose/*.ts'], COMPOSE, {
    packages: [...CLOUD_PACKAGES, ...TOOL_PACKAGES],
    folders: ['aws', 'parity', 'synthesis', 'values', ...OUTSIDE],
    depth: 1,
  }),
  layer(['constructs/aws/*.ts'], CLOUD, {
    packages: TOOL_PACKAGES,
    folders: ['compose', 'parity', 'synthesis', ...OUTSIDE],
    depth: 1,
  }),
  layer(['constructs/parity/*.ts'], PARITY, {
    packages: [...CLOUD_PACKAGES, ...TOOL_PACKAGES],
    folders: ['aws', 'synthesis', 'values', ...OUTSIDE],
    depth: 1,
  }),
  layer(['constructs/parity/*/*.ts'], PARITY, {
    packages: [...CLOUD_PACKAGES, ...TOOL_PACKAGES],
    folders: ['aws', 'synthesis', 'values', ...OUTSIDE],
    depth: 2,
  }),
  layer(['constructs/values/*.ts'], VALUES, {
    packages: TOOL_PACKAGES,
    folders: ['aws', 'compose', 'parity', 'synthesis', ...OUTSIDE],
    depth: 1,
  }),
  layer(['constructs/synthesis/*.ts'], SYNTHESIS, { packages: TOOL_PACKAGES, folders: OUTSIDE, depth: 1 }),
);
