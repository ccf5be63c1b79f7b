/**
 * `npm run test:properties` (run by `.ci/run`): the property-based tests in test/properties, 1,000 random
 * models per property. They synthesize hundreds of apps, so `npm test` leaves them to this run. Same
 * transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/properties'],
  testPathIgnorePatterns: ['/node_modules/'],
};
