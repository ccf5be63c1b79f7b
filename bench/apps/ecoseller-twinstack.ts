import { App, Stack } from 'aws-cdk-lib';
import { EcosellerStack } from '../../lib/examples/ecoseller/ecoseller-stack';
import { BENCH_STACK_PROPS } from './env';

/** (a) The Ecoseller example as it is in lib/examples. */
export const build = (app: App): Stack => new EcosellerStack(app, 'Ecoseller', BENCH_STACK_PROPS);
