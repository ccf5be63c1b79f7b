import { Stack } from 'aws-cdk-lib';
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
 * Synthesizes every example in one app with aws-cdk-lib's built-in CloudFormation validation on: the
 * validator is paid once for all of them, where each example's own test file synthesizes without it.
 */
export function synthesizeExamples(): SynthesizedExamples {
  const app = testApp({ cloudFormationValidation: true });
  const stacks = addExamples(app);
  const assembly = app.synth();
  const applications = stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .filter(Application.isApplication)
      .map((application) => ({ stack, application })),
  );
  return { stacks, applications, assembly };
}
