/**
 * `npm run test:package`: the package as published. The declarations it ships, checked by compiling
 * against the built `.d.ts` files (test/package/declarations.test.ts); the tarball of `npm pack`, its
 * contents, and the tarball installed into fresh CDK apps with the oldest and the newest supported
 * aws-cdk-lib (test/package/tarball.test.ts: installs from the npm registry through npm's cache, so
 * it needs the network on a cold cache). Minutes, not seconds, so not in `npm test`. Same transform as
 * jest.config.js.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/package'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
