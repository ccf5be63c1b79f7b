#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { localTwinOnlyRequested } from '../constructs/synthesis/local-twin-only';
import { addExamples } from '../lib/examples';

// The example applications, each its own stack; `cdk synth` also writes each one's compose file.
const app = new App();
addExamples(app);
// cdk-nag's AwsSolutions and NIST 800-53 R5 packs and AWS Control Tower's proactive controls (cfn-guard)
// check the cloud twin, which `twinstack compose` does not synthesize: loading them would be a tenth of
// that command's time.
if (!localTwinOnlyRequested()) {
  const { AwsSolutionsChecks, NIST80053R5Checks } = require('cdk-nag') as typeof import('cdk-nag'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { CfnGuardValidator } =
    require('@cdklabs/cdk-validator-cfnguard') as typeof import('@cdklabs/cdk-validator-cfnguard'); // eslint-disable-line @typescript-eslint/no-require-imports
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new CfnGuardValidator(),
  );
}
