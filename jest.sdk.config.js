/**
 * `npm run test:sdk`: the AWS SDK for JavaScript against S3, SQS and DynamoDB emulators from npm (s3rver,
 * local-aws-sqs, dynalite) on 127.0.0.1, with the variables the local twin sets. Needs nothing beyond
 * `npm ci`. Same transform as jest.config.js.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/sdk'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
