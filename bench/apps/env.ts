import type { StackProps } from 'aws-cdk-lib';

/**
 * Every benchmark app is deployed to one region, as a user writing the ALB's access logging by hand would
 * do (aws-cdk-lib's `logAccessLogs` needs the region); account-agnostic, so nothing is looked up.
 */
export const BENCH_STACK_PROPS: StackProps = { env: { region: 'eu-west-1' } };

/** The apps the benchmark synthesizes, each a module in this folder exporting `build`. */
export const APP_NAMES = [
  'ecoseller-twinstack',
  'ecoseller-hand-written',
  'scaling-twinstack',
  'scaling-hand-written',
] as const;
