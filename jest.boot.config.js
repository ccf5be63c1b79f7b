/**
 * `npm run test:boot`: boots the local twin in real containers, with docker-compose 1.29 and with Compose
 * v2. Needs podman, docker-compose 1.29, busybox-static, nginx and python3-yaml (Debian 12), and Compose v2
 * at TWINSTACK_COMPOSE_V2 or /opt/compose-v2 (see .ci/run); builds its images locally, pulls nothing. Same
 * transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/boot'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
