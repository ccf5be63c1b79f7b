import { App, Stack } from 'aws-cdk-lib';
import { AirflowStack } from './airflow/airflow-stack';
import { BrownfieldStack } from './brownfield/brownfield-stack';
import { PlatformStack } from './brownfield/platform-stack';
import { DozerStack } from './dozer/dozer-stack';
import { EcosellerStack } from './ecoseller/ecoseller-stack';
import { GoalsStack } from './goals/goals-stack';
import { LangfuseStack } from './langfuse/langfuse-stack';
import { ValawaiStack } from './valawai/valawai-stack';
import { WorkflowsStack } from './workflows/workflows-stack';
import { WORKFLOWS_STAGES } from './workflows/workflows-stages';

/**
 * Adds every example application to `app`, one stack each; the workflows example has one stack per stage
 * (`dev-Workflows`, `test-Workflows`, `prod-Workflows`), or only the one `-c stage=<name>` selects. The
 * brownfield example's application is added to a platform stack (`Platform`) it does not own, which is
 * not in the returned list: it holds no application.
 */
export function addExamples(app: App): Stack[] {
  const platform = new PlatformStack(app, 'Platform');
  return [
    new BrownfieldStack(app, 'Brownfield', { platform }),
    new DozerStack(app, 'Dozer'),
    new GoalsStack(app, 'Goals', { database: 'container' }),
    new GoalsStack(app, 'GoalsHosted', { database: 'hosted' }),
    new EcosellerStack(app, 'Ecoseller'),
    new AirflowStack(app, 'Airflow'),
    new LangfuseStack(app, 'Langfuse'),
    new ValawaiStack(app, 'Valawai', { mov: true }),
    new ValawaiStack(app, 'ValawaiComponent', { mov: false, brokerHost: 'mq.valawai.example.org' }),
    ...WORKFLOWS_STAGES.createStacks(
      app,
      'Workflows',
      (scope, id, props) => new WorkflowsStack(scope, id, props),
    ),
  ];
}
