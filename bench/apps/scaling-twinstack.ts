import { App, Stack } from 'aws-cdk-lib';
import { BENCH_STACK_PROPS } from './env';
import { TwinstackScalingStack } from './scaling-stack';

/** (a) The generated app of `services` services, with twinstack. */
export const build = (app: App, services: number): Stack =>
  new TwinstackScalingStack(app, 'Scale', services, BENCH_STACK_PROPS);
