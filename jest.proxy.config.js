/**
 * `npm run test:proxy`: behavioural tests of the local twin's reverse proxy against a real nginx; they need
 * the `nginx` binary (`apt-get install nginx`). Same transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/test/proxy'], testPathIgnorePatterns: ['/node_modules/'] };
