import { Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Application } from '../../../constructs';
import { addExamples } from '../../../lib/examples';
import { testApp } from '../../support/test-app';

/** Every example the CDK app defines, synthesized once. */
export interface SynthesizedExamples {
  readonly stacks: readonly Stack[];
  readonly applications: readonly { readonly stack: Stack; readonly application: Application }[];
  readonly assembly: CloudAssembly;
}

/**
 * Synthesizes every example in one app with aws-cdk-lib's built-in CloudFormation validation and AWS
 * Control Tower's proactive controls on: they are paid once for all examples, where each example's own
 * test file synthesizes without them.
 */
export function synthesizeExamples(): SynthesizedExamples {
  const app = testApp({ cloudFormationValidation: true });
  const stacks = addExamples(app);
  // AWS Control Tower's proactive controls, as `npm run synth` runs them: a finding fails synthesis.
  Validations.of(app).addPlugins(new CfnGuardValidator());
  const assembly = app.synth();
  const applications = stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .filter(Application.isApplication)
      .map((application) => ({ stack, application })),
  );
  return { stacks, applications, assembly };
}
