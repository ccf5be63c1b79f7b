import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { nagFindings } from '../support/data-service-twins';
import { evaluateGenerated } from '../support/generated-stack';
import { CDK_CONTEXT } from '../support/test-app';
import * as ts from 'typescript';
import { ComposeImportError, loadCompose, type LoadedCompose } from '../../cli/import';
import { generateStack } from '../../cli/import/generate';
import { mapCompose } from '../../cli/import/map-compose';
import { importReport } from '../../cli/import/report';
import { compareRoundTrip, summarizeRoundTrip } from '../../cli/import/round-trip';
import * as library from '../../constructs';
import { corpusEntries } from './corpus';
import { prepareProject, WORK_DIR } from './corpus-project';

/**
 * The import corpus, imported as a new user would: each project prepared as its README asks, imported,
 * the generated stack compiled and synthesized (the whole-model rules and the parity check run at synth),
 * its local twin read back as Compose reads it and compared service by service with the original. Every
 * difference must be one the fidelity report declares.
 */

afterAll(() => fs.rmSync(WORK_DIR, { recursive: true, force: true }));

/** The generated stack of each project, type-checked together once every project is imported. */
const generated = new Map<string, string>();

describe.each(corpusEntries().map((e) => [e.project, e] as const))('%s', (_project, entry) => {
  test('imports, synthesizes, and its local twin differs from the original only where the report says', () => {
    const prepared = prepareProject(entry);
    const { plan, entries } = mapCompose(prepared.model, {
      name: entry.project,
      appDirectory: process.cwd(),
    });
    const report = importReport(prepared.model.files, entries, prepared.model.warnings);
    const source = generateStack(plan);
    generated.set(entry.project, source);
    const exported = evaluateGenerated(source);
    const StackClass = exported[plan.className] as new (scope: App, id: string) => Stack;
    expect(StackClass).toBeDefined();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-corpus-'));
    try {
      // Required start-time variables take their cloud value from the context, as `cdk synth -c` gives it.
      const app = new App({
        outdir,
        context: { ...CDK_CONTEXT, ...prepared.environment },
        // The built-in CloudFormation validator checks the template, as `cdk synth` does.
        builtinCloudFormationValidation: true,
      });
      const stack = new StackClass(app, 'Imported');
      const application = stack.node
        .findAll()
        .find((c) => c instanceof library.Application) as library.Application;
      const assembly = app.synth();
      // cdk-nag AwsSolutions: the generated stack acknowledges, with a reason, what the original chose
      // (a writable root filesystem, root); nothing is left unacknowledged.
      expect(nagFindings(stack)).toEqual([]);
      expect(assembly.getStackByName('Imported').template.Resources).toBeDefined();
      const composeFile = path.join(assembly.directory, application.localTwinFiles.composeFile);
      // The shell the original was read with; the secrets the local twin requires from .env, given a value
      // as Compose asks for each.
      const environment: Record<string, string> = { ...prepared.environment };
      let rendered: LoadedCompose | undefined;
      for (let attempt = 0; rendered === undefined; attempt++) {
        try {
          rendered = loadCompose({ files: [composeFile], environment });
        } catch (e) {
          const m = /^required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value/.exec(
            e instanceof ComposeImportError ? e.reason : '',
          );
          if (!m || attempt > 200) throw e;
          environment[m[1]] = `local-${m[1].toLowerCase()}`;
        }
      }

      const result = compareRoundTrip(prepared.model, rendered, report, { environment });
      if (result.undeclared.length) throw new Error(`undeclared differences:\n${summarizeRoundTrip(result)}`);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test('every generated stack compiles under strict without edits, importing only aws-cdk-lib, constructs and twinstack', () => {
  expect(generated.size).toBe(corpusEntries().length);
  const out = path.join(WORK_DIR, 'generated');
  fs.mkdirSync(out, { recursive: true });
  for (const [project, source] of generated) {
    fs.writeFileSync(path.join(out, `${project}.ts`), source);
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(new Set(imports)).toEqual(new Set(['aws-cdk-lib', 'constructs', 'twinstack']));
  }
  const options: ts.CompilerOptions = {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    // The library's own sources, which the paths below point at, need Node's types.
    types: ['node'],
    baseUrl: out,
    paths: { twinstack: [path.relative(out, path.join(process.cwd(), 'constructs', 'index.ts'))] },
  };
  const program = ts.createProgram(
    [...generated.keys()].map((p) => path.join(out, `${p}.ts`)),
    options,
  );
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
  expect(diagnostics).toEqual([]);
}, 120_000);
