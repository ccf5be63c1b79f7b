import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { synthesize } from '../../cli/assembly';
import { main } from '../../cli/main';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { PROJECT_ROOT } from '../support/test-app';
import { applicationSpec, serviceSpec } from '../support/spec-builders';

const APP = `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`;

function run(cwd: string, models: ApplicationSpec[]) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      cwd,
      env: { ...process.env, FAKE_APP_MODELS: JSON.stringify(models) } as NodeJS.ProcessEnv,
      out: { write: (t: string) => out.push(t) },
      err: { write: (t: string) => err.push(t) },
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

function model(stage?: string): ApplicationSpec {
  return applicationSpec(
    [serviceSpec('web', { path: 'Stack/shop/web', environment: { STAGE: stage ?? 'none' } })],
    { path: 'Stack/shop', stage },
  );
}

describe('twinstack compose --stage', () => {
  test('synthesizes with the stage as CDK context, lookups included, and renders that stage’s local twin', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-stage-'));
    fs.writeFileSync(path.join(cwd, 'cdk.context.json'), JSON.stringify({ 'availability-zones:x': ['a'] }));
    const r = run(cwd, [model('dev'), model('prod')]);
    expect(await main(['compose', '--app', APP, '--stage', 'prod', '--no-env-example'], r.io)).toBe(0);
    const compose = parse(fs.readFileSync(path.join(cwd, 'docker-compose.yml'), 'utf8'));
    expect(compose.name).toBe('shop-prod');
    expect(compose.services.web.environment).toEqual({ STAGE: 'prod' });
    expect(r.out()).toContain("wrote docker-compose.yml (application 'shop')");
    // What the app sees: the stage and the committed lookups as context.
    const outdir = synthesize(cwd, r.io.env, APP, { stage: 'prod' });
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'context-seen.json'), 'utf8'))).toEqual({
      'availability-zones:x': ['a'],
      stage: 'prod',
    });
  });

  test('a stage no application has is an error naming the stages', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-stage-'));
    const r = run(cwd, [model('dev'), model('prod')]);
    expect(await main(['compose', '--app', APP, '--stage', 'qa'], r.io)).toBe(2);
    expect(r.err()).toBe(
      "twinstack: no application of stage 'qa' in the synthesized app; its stages are dev, prod\n",
    );
    const none = run(cwd, [model()]);
    expect(await main(['compose', '--app', APP, '--stage', 'dev'], none.io)).toBe(2);
    expect(none.err()).toContain('it defines no stages');
  });

  test('an app whose Stages refuse the stage fails synthesis with their message', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-stage-'));
    const r = run(cwd, []);
    r.io.env.FAKE_APP_FAIL =
      "ValidationError: App: context stage \"qa\" is not a stage of this app; use 'dev', 'test' or 'prod'";
    expect(await main(['compose', '--app', APP, '--stage', 'qa'], r.io)).toBe(2);
    expect(r.err()).toContain("context stage \"qa\" is not a stage of this app; use 'dev', 'test' or 'prod'");
  });
});
