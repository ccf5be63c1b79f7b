/**
 * `npm run test:package`: what the published package's declarations offer a consumer, checked by compiling
 * against the built `.d.ts` files. Slower than a unit test (two full TypeScript runs), so not in `npm test`.
 * Same transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/test/package'], testPathIgnorePatterns: ['/node_modules/'] };
