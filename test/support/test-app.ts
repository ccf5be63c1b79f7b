import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The feature flags of cdk.json and the committed lookups of cdk.context.json (the availability zones of the
 * examples' stages), so tests synthesize exactly what `cdk synth` does.
 */
export const CDK_CONTEXT: Record<string, unknown> = {
  ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context,
  ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')),
};

/**
 * An App with the project's feature flags. The built-in CloudFormation validator costs ~1.4 s per synth, so
 * tests leave it off; test/lib/examples/all-examples.test.ts turns it on once, for every example.
 */
export function testApp(options: { cloudFormationValidation?: boolean; outdir?: string } = {}): App {
  return new App({
    context: CDK_CONTEXT,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
}

/** A fresh environment-agnostic stack in a fresh test App. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

/** Absolute path of the project root. */
export const PROJECT_ROOT = ROOT;
