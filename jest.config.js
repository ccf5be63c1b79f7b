/**
 * `npm test`. Transpile-only: tsconfig's `isolatedModules` makes ts-jest compile each file on its own
 * without type information; type-checking runs once, in `tsc --noEmit`, before jest.
 */
module.exports = {
  // Each test file gets its own TMPDIR, removed afterwards, and a passing test's console output is not
  // printed (test/support/jest-environment.js); aws-cdk-lib's helper removes the assemblies of apps
  // synthesized without an outdir after each file.
  testEnvironment: '<rootDir>/test/support/jest-environment.js',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  roots: ['<rootDir>/test'],
  // The property-based tests run in `npm run test:properties` (jest.properties.config.js), the SDK tests
  // against emulators in `npm run test:sdk` (jest.sdk.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/proxy/',
    '<rootDir>/test/boot/',
    '<rootDir>/test/properties/',
    '<rootDir>/test/sdk/',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60000,
  // A worker per core. Jest's default keeps one core for its own process, which on a 2-core machine (CI,
  // most laptops' containers) means one worker: the files ran one after another while a core idled.
  maxWorkers: '100%',
};
