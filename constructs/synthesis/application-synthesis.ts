import * as fs from 'fs';
import * as path from 'path';
import { Annotations, attachCustomSynthesis } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { renderValidatedLocalTwin, serializeLocalTwin } from '../compose/compose-renderer';
import { ValidationError } from '../errors';
import { modelToJson } from '../model/model-file';
import type { ApplicationSpec } from '../model/spec';
import { ModelReport, validateModel } from '../model/validate';
import { localTwinOnlyRequested, synthesizeLocalTwinsOnly } from './local-twin-only';
import { checkParityOnSynth, WrittenLocalTwin } from './parity-on-synth';

/** The files the local twin consists of, as written next to the templates during `cdk synth`. */
export interface LocalTwinFiles {
  /** Compose file, relative to the cloud assembly directory. */
  readonly composeFile: string;
  /** `.env.example`, relative to the cloud assembly directory. */
  readonly envExampleFile: string;
  /** The application model as JSON, for the command-line tool. */
  readonly modelFile: string;
}

/** What synthesis needs of an Application. */
export interface SynthesizedApplication extends IConstruct {
  readonly name: string;
  readonly localTwinFiles: LocalTwinFiles;
  toSpec(): ApplicationSpec;
}

/** The model of an application as one synthesis sees it: turned into a spec and validated once. */
export interface ValidatedModel {
  readonly spec: ApplicationSpec;
  readonly report: ModelReport;
}

interface SynthesisState {
  /** The model validated in this synthesis, until the local twin is written from it. */
  validated?: ValidatedModel;
  written?: WrittenLocalTwin;
  /** The warnings already annotated, so a second synthesis does not repeat them. */
  readonly emitted: Set<string>;
}

const STATES = new WeakMap<IConstruct, SynthesisState>();

function stateOf(application: IConstruct): SynthesisState {
  let state = STATES.get(application);
  if (!state) STATES.set(application, (state = { emitted: new Set() }));
  return state;
}

/**
 * Turns `application` into its spec and validates it: the one validation of a synthesis. Errors throw a
 * ValidationError; warnings are annotated on the construct they name, once.
 */
export function validateForSynthesis(application: SynthesizedApplication): ValidatedModel {
  const spec = application.toSpec();
  const report = validateModel(spec);
  if (report.errors.length > 0) throw new ValidationError(report.errors);
  const state = stateOf(application);
  for (const w of report.warnings) {
    const key = `${w.id} ${w.path} ${w.message}`;
    if (state.emitted.has(key)) continue;
    state.emitted.add(key);
    Annotations.of(findByPath(application, w.path) ?? application).addWarningV2(w.id, w.message);
  }
  return { spec, report };
}

/**
 * Hooks `application` into synthesis: its model is validated once (aws-cdk-lib's validation phase), the
 * local twin is rendered once from that model and written into the assembly, and the parity check reads
 * the same document. Under `twinstack compose`, only the model files are written.
 */
export function attachApplicationSynthesis(
  application: SynthesizedApplication,
  isApplication: (x: unknown) => x is SynthesizedApplication,
): void {
  application.node.addValidation({
    validate: () => {
      stateOf(application).validated = validateForSynthesis(application);
      return [];
    },
  });
  attachCustomSynthesis(application, {
    onSynthesize: (session) => writeLocalTwin(application, session.outdir),
  });
  // Once the stack's template is written, the rendered twins must agree (see checkParityOnSynth).
  checkParityOnSynth(application, () => stateOf(application).written);
  if (localTwinOnlyRequested()) synthesizeLocalTwinsOnly(application, isApplication);
}

/** Writes the compose file, `.env.example` and model file of `application` into `outdir`. */
function writeLocalTwin(application: SynthesizedApplication, outdir: string): void {
  const state = stateOf(application);
  // Synthesis without its validation phase (`skipValidation`) still writes a valid local twin.
  const model = state.validated ?? validateForSynthesis(application);
  state.validated = undefined;
  const twin = renderValidatedLocalTwin(model.spec, { outputDirectory: outdir });
  const files = serializeLocalTwin(model.spec, twin, { outputDirectory: outdir });
  const names = application.localTwinFiles;
  fs.writeFileSync(path.join(outdir, names.composeFile), files.compose);
  fs.writeFileSync(path.join(outdir, names.envExampleFile), files.envExample);
  fs.writeFileSync(path.join(outdir, names.modelFile), modelToJson(model.spec, outdir));
  state.written = { spec: model.spec, outdir, text: files.compose, document: twin.compose };
}

function findByPath(root: IConstruct, fullPath: string): IConstruct | undefined {
  return root.node.findAll().find((c) => c.node.path === fullPath);
}
