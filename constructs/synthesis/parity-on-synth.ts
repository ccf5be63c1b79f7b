import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Stack, Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { parse } from 'yaml';
import type { ApplicationSpec } from '../model/spec';
import { checkParity } from '../parity/check-parity';
import { readAssetManifests, readImageBuilds } from '../parity/image-builds';
import { ParityError } from '../parity/parity-error';

/** Context key that turns the synth-time parity check off (`false`); `twinstack parity` sets it to report instead. */
export const PARITY_CONTEXT_KEY = 'twinstack:parity';

/** The compose file an application wrote during a synthesis, and the model and document it came from. */
export interface WrittenLocalTwin {
  readonly spec: ApplicationSpec;
  readonly outdir: string;
  readonly text: string;
  readonly document: unknown;
}

/** What the synth-time check needs of an Application. */
export interface ParityCheckedApplication extends IConstruct {
  readonly name: string;
  readonly localTwinFiles: { readonly composeFile: string };
  toSpec(): ApplicationSpec;
}

/**
 * Checks the parity of `application`'s twins during synthesis, failing it with a ParityError.
 *
 * The check reads what synthesis wrote: the stack's template, its asset manifest and the compose file.
 * aws-cdk-lib synthesizes the construct tree children first, so the Application's own synthesis hook (which
 * writes the compose file) runs before its stack writes the template. The check therefore hangs on a small
 * construct added to the stack's stage (the App, or a Stage) after the stack: it is synthesized after the
 * stack, when the template and asset manifest are on disk. Resolving the template a second time instead
 * (`Stack.resolve` of every element) would not include the asset manifest, which says how each image is
 * built, and could drift from what the stack synthesizer writes. With a synthesizer that writes no template
 * file there is nothing to read, and the check does not run.
 *
 * `written` tells what the application wrote in this synthesis: when the compose file is unchanged since,
 * the check compares the model and document it was rendered from instead of parsing the file again (the
 * YAML writer round-trips; the tests check it for every example). For an app of 50 services, parsing cost
 * four times the rest of the check.
 */
export function checkParityOnSynth(
  application: ParityCheckedApplication,
  written: () => WrittenLocalTwin | undefined,
): void {
  const stack = Stack.of(application);
  const stage = Stage.of(stack);
  if (!stage) return;
  const checker = new Construct(stage, `TwinstackParity${stack.node.addr}${application.name}`);
  attachCustomSynthesis(checker, {
    onSynthesize: (session) => {
      const setting = application.node.tryGetContext(PARITY_CONTEXT_KEY);
      if (setting === false || setting === 'false') return;
      const templateFile = path.join(session.outdir, stack.templateFile);
      const composeFile = path.join(session.outdir, application.localTwinFiles.composeFile);
      if (!fs.existsSync(templateFile) || !fs.existsSync(composeFile)) return;
      const text = fs.readFileSync(composeFile, 'utf8');
      const twin = written();
      const fresh = twin !== undefined && twin.outdir === session.outdir && twin.text === text;
      const spec = fresh ? twin.spec : application.toSpec();
      const report = checkParity(
        JSON.parse(fs.readFileSync(templateFile, 'utf8')),
        fresh ? twin.document : parse(text),
        spec,
        {
          imageBuilds: readImageBuilds(readAssetManifests(session.outdir), session.outdir),
          composeDirectory: session.outdir,
        },
      );
      if (report.errors.length > 0) throw new ParityError(report, `stack ${stack.stackName}`);
    },
  });
}
