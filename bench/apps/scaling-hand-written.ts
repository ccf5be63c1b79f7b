import { App, Stack } from 'aws-cdk-lib';
import { HandWrittenScalingStack } from '../hand-written/scaling-stack';
import { BENCH_STACK_PROPS } from './env';

/** (b) The generated app of `services` services, written by hand with aws-cdk-lib. */
export const build = (app: App, services: number): Stack =>
  new HandWrittenScalingStack(app, 'Scale', services, BENCH_STACK_PROPS);
