import * as fs from 'fs';
import * as path from 'path';
import { App, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ValidationError } from '../errors';
import { modelToJson } from '../model/model-file';
import type { ApplicationSpec } from '../model/spec';
import { validateModel } from '../model/validate';

/**
 * Environment variable that `twinstack compose` sets when it runs the CDK app: synthesis then writes only
 * each application's model file, which is all the command reads. The cloud twin is not synthesized, so
 * neither aws-cdk-lib's CloudFormation validator, nor policy-validation plugins, nor the parity check run.
 */
export const LOCAL_TWIN_ONLY_ENV = 'TWINSTACK_LOCAL_TWIN_ONLY';

/**
 * Context passed to the app in that mode: nothing reads the staged assets or the construction stack
 * traces, so aws-cdk-lib need not copy build contexts into the assembly nor capture a trace per construct.
 */
export const LOCAL_TWIN_ONLY_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:disable-asset-staging': true,
  'aws:cdk:disable-stack-trace': true,
};

/** What local-twin-only synthesis needs of an Application. */
export interface ModelledApplication extends IConstruct {
  readonly localTwinFiles: { readonly modelFile: string };
  toSpec(): ApplicationSpec;
}

const INSTALLED = Symbol.for('twinstack.localTwinOnlySynthesis');

/** Whether the process runs for `twinstack compose` (LOCAL_TWIN_ONLY_ENV set to anything but "" or "0"). */
export function localTwinOnlyRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[LOCAL_TWIN_ONLY_ENV];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Makes the synthesis of `application`'s App write only the model file of every application in it (each
 * into its stage's assembly directory, where a full synthesis writes it too), after the same whole-model
 * validation a full synthesis runs. Installed once per App; `isApplication` tells applications apart
 * from other constructs. The App's `synth()` returns undefined in this mode.
 */
export function synthesizeLocalTwinsOnly(
  application: IConstruct,
  isApplication: (x: unknown) => x is ModelledApplication,
): void {
  const app = App.of(application);
  if (!app || INSTALLED in app) return;
  Object.defineProperty(app, INSTALLED, { value: true });
  Object.defineProperty(app, 'synth', {
    configurable: true,
    value: () => {
      const models = app.node
        .findAll()
        .filter(isApplication)
        .map((a) => ({ application: a, spec: a.toSpec() }));
      for (const { spec } of models) {
        const report = validateModel(spec);
        if (report.errors.length > 0) throw new ValidationError(report.errors);
      }
      for (const { application: a, spec } of models) {
        const outdir = Stage.of(a)?.outdir ?? app.outdir;
        fs.writeFileSync(path.join(outdir, a.localTwinFiles.modelFile), modelToJson(spec, outdir));
      }
      return undefined;
    },
  });
}
