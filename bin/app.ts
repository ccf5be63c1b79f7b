#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addExamples } from '../lib/examples';

// The example applications, each its own stack; `cdk synth` also writes each one's compose file.
const app = new App();
addExamples(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
