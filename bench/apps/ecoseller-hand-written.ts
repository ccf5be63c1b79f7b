import { App, Stack } from 'aws-cdk-lib';
import { HandWrittenEcosellerStack } from '../hand-written/ecoseller-stack';
import { BENCH_STACK_PROPS } from './env';

/** (b) The Ecoseller example written by hand with aws-cdk-lib. */
export const build = (app: App): Stack => new HandWrittenEcosellerStack(app, 'Ecoseller', BENCH_STACK_PROPS);
