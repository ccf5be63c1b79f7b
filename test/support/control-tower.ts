import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CDK_CONTEXT } from './test-app';

/** A finding of AWS Control Tower's proactive controls: the rule and the construct path it names. */
export interface ControlTowerFinding {
  readonly rule: string;
  readonly path: string;
}

/** Where the cfn-guard validator plugin's report lands in a synthesized assembly. */
export function controlTowerFindingsIn(assemblyDirectory: string): ControlTowerFinding[] {
  const report = JSON.parse(fs.readFileSync(path.join(assemblyDirectory, 'validation-report.json'), 'utf8'));
  return (
    report.pluginReports as {
      pluginName: string;
      violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    }[]
  )
    .filter((p) => p.pluginName === 'cdk-validator-cfnguard')
    .flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath })),
      ),
    );
}

/**
 * Synthesizes a stack `Test` built by `build` with the Control Tower rule set as a validation plugin and
 * returns what it finds after the acknowledgements (an app with findings fails synthesis; the report says
 * which).
 */
export function controlTowerFindings(build: (stack: Stack) => void): ControlTowerFinding[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  try {
    const app = new App({ context: CDK_CONTEXT, outdir });
    build(new Stack(app, 'Test'));
    Validations.of(app).addPlugins(new CfnGuardValidator());
    try {
      app.synth();
    } catch (e) {
      if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw e;
    }
    return controlTowerFindingsIn(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
