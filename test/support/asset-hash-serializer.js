// Snapshot serializer: asset hashes change with every byte of a build context or bundled handler, so
// snapshots show a placeholder instead and stay stable. Targeted assertions check the real values.
const HAS_HASH = /[0-9a-f]{64}/;
const HASHES = /[0-9a-f]{64}/g;

module.exports = {
  test: (value) => typeof value === 'string' && HAS_HASH.test(value),
  serialize: (value) => JSON.stringify(value.replace(HASHES, '[ASSET HASH]')),
};
