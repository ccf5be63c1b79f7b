/**
 * `npm run test:boot`: boots the local twin in real containers. Needs podman, docker-compose 1.29,
 * busybox-static and nginx (Debian 12: see .ci/run); builds its images locally, pulls nothing. Same
 * transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/boot'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
