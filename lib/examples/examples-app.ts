import { App, Stack } from 'aws-cdk-lib';
import { DozerStack } from './dozer/dozer-stack';
import { EcosellerStack } from './ecoseller/ecoseller-stack';
import { GoalsStack } from './goals/goals-stack';

/** Adds every example application to `app`, one stack each. */
export function addExamples(app: App): Stack[] {
  return [
    new DozerStack(app, 'Dozer'),
    new GoalsStack(app, 'Goals', { database: 'container' }),
    new GoalsStack(app, 'GoalsHosted', { database: 'hosted' }),
    new EcosellerStack(app, 'Ecoseller'),
  ];
}
