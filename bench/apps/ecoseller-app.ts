#!/usr/bin/env node
// A CDK app of the Ecoseller example alone, for timing `twinstack compose --app` on a one-stack app.
import { App } from 'aws-cdk-lib';
import { EcosellerStack } from '../../lib/examples/ecoseller/ecoseller-stack';

new EcosellerStack(new App(), 'Ecoseller');
