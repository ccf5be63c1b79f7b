import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Application } from '../../../constructs';
import * as renderer from '../../../constructs/compose/compose-renderer';
import * as validation from '../../../constructs/model/validate';
import type { ApplicationSpec } from '../../../constructs/model/spec';
import { addExamples } from '../../../lib/examples';
import { testApp } from '../../support/test-app';

// One synthesis of every example, with each call of the model's validation and of the compose renderer
// recorded by application.
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-counts-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const validated: string[] = [];
const rendered: string[] = [];
const specs: string[] = [];
const documents = new Map<string, unknown>();
const key = (spec: ApplicationSpec) => spec.path;

// Captured before the spies replace them.
const { validateModel } = validation;
const { renderValidatedLocalTwin } = renderer;
const { toSpec } = Application.prototype;

beforeAll(() => {
  jest.spyOn(validation, 'validateModel').mockImplementation((spec) => {
    validated.push(key(spec));
    return validateModel(spec);
  });
  // Every way of rendering a local twin from outside the renderer's module ends in one of these.
  jest.spyOn(renderer, 'renderValidatedLocalTwin').mockImplementation((spec, options) => {
    rendered.push(key(spec));
    const twin = renderValidatedLocalTwin(spec, options);
    // Each top-level stack is its own artifact: `<stack>.<application>.compose.yaml`.
    documents.set(`${spec.path.split('/')[0]}.${spec.name}.compose.yaml`, twin.compose);
    return twin;
  });
  for (const name of ['renderLocalTwin', 'renderLocalTwinFiles'] as const) {
    const original = renderer[name];
    jest.spyOn(renderer, name).mockImplementation(((
      spec: ApplicationSpec,
      options: renderer.ComposeRenderOptions,
    ) => {
      rendered.push(key(spec));
      return original(spec, options);
    }) as never);
  }
  jest.spyOn(Application.prototype, 'toSpec').mockImplementation(function (this: Application) {
    specs.push(this.node.path);
    return toSpec.call(this);
  });
  const app = testApp({ outdir });
  addExamples(app);
  app.synth();
  jest.restoreAllMocks();
});

const applications = () => [...new Set(specs)].sort();

test('the examples have applications to count', () => {
  expect(applications().length).toBeGreaterThanOrEqual(9);
});

test('one synthesis turns each application into its model once', () => {
  for (const a of applications()) expect(specs.filter((s) => s === a)).toEqual([a]);
});

test('one synthesis validates each model once', () => {
  expect([...validated].sort()).toEqual(applications());
});

test('one synthesis renders each local twin once', () => {
  expect([...rendered].sort()).toEqual(applications());
});

test('the parity check reads the document the compose file was written from: it is what the file reads back as', () => {
  expect(documents.size).toBe(applications().length);
  for (const [file, document] of documents) {
    expect(document).toStrictEqual(parse(fs.readFileSync(path.join(outdir, file), 'utf8'), { merge: true }));
  }
});
