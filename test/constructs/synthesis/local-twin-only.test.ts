import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import { Application, Dependency, Image, Service, ValidationError } from '../../../constructs';
import { readApplications, synthesize } from '../../../cli/assembly';
import { main } from '../../../cli/main';
import {
  LOCAL_TWIN_ONLY_CONTEXT,
  LOCAL_TWIN_ONLY_ENV,
  localTwinOnlyRequested,
} from '../../../constructs/synthesis/local-twin-only';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-local-only-'));
}

/** An app with two applications, one of them in a nested stage, as `cdk synth` would build it. */
function shop(outdir: string) {
  const app = testApp({ outdir });
  const web = new Application(new Stack(app, 'Web'), 'web');
  const api = new Service(web, 'api', {
    image: Image.fromDirectory(path.join(PROJECT_ROOT, 'lib/examples/dozer/image')),
    ports: [{ containerPort: 8080 }],
  });
  new Service(web, 'worker', {
    image: Image.fromRegistry('busybox:1.36'),
    dependsOn: [Dependency.started(api)],
  });
  const prod = new Stage(app, 'Prod');
  new Service(new Application(new Stack(prod, 'Blog'), 'blog'), 'site', {
    image: Image.fromRegistry('nginx:1.27'),
  });
  return { app, web };
}

function withEnv<T>(value: string | undefined, run: () => T): T {
  const before = process.env[LOCAL_TWIN_ONLY_ENV];
  if (value === undefined) delete process.env[LOCAL_TWIN_ONLY_ENV];
  else process.env[LOCAL_TWIN_ONLY_ENV] = value;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env[LOCAL_TWIN_ONLY_ENV];
    else process.env[LOCAL_TWIN_ONLY_ENV] = before;
  }
}

describe(`synthesis with ${LOCAL_TWIN_ONLY_ENV} (twinstack compose)`, () => {
  test('writes only the model files, each into its stage assembly, no template', () => {
    const outdir = tmp();
    withEnv('1', () => shop(outdir).app.synth());
    // Assets are staged while the app is constructed (the command turns that off with its context).
    const written = fs.readdirSync(outdir).filter((f) => !f.startsWith('asset.'));
    expect(written.sort()).toEqual(['Web.web.twinstack.json', 'assembly-Prod']);
    expect(fs.readdirSync(path.join(outdir, 'assembly-Prod'))).toEqual([
      'ProdBlog1597C723.blog.twinstack.json',
    ]);
    expect(readApplications(outdir).map((a) => `${a.stack} ${a.spec.name}`)).toEqual([
      'Web web',
      'ProdBlog1597C723 blog',
    ]);
  });

  test('the models read back are the ones a full synthesis writes', () => {
    const fast = tmp();
    const full = tmp();
    withEnv('1', () => shop(fast).app.synth());
    withEnv(undefined, () => shop(full).app.synth());
    expect(fs.existsSync(path.join(full, 'Web.template.json'))).toBe(true);
    expect(readApplications(fast).map((a) => a.spec)).toEqual(readApplications(full).map((a) => a.spec));
  });

  test('twinstack compose writes the same files from either assembly', async () => {
    const fast = tmp();
    const full = tmp();
    withEnv('1', () => shop(fast).app.synth());
    withEnv(undefined, () => shop(full).app.synth());
    const written = async (assembly: string) => {
      const cwd = tmp();
      const io = { cwd, env: {}, out: { write: () => true }, err: { write: () => true } };
      expect(await main(['compose', '--assembly', assembly, '--stack', 'Web'], io)).toBe(0);
      return ['docker-compose.yml', '.env.example'].map((f) => fs.readFileSync(path.join(cwd, f), 'utf8'));
    };
    expect(await written(fast)).toEqual(await written(full));
  });

  test('an invalid model still fails synthesis with the ValidationError', () => {
    const { app, web } = shop(tmp());
    new Service(web, 'loop-a', { image: Image.fromRegistry('busybox:1.36') });
    const a = web.node.findChild('loop-a') as Service;
    const b = new Service(web, 'loop-b', {
      image: Image.fromRegistry('busybox:1.36'),
      dependsOn: [Dependency.started(a)],
    });
    a.addDependency(Dependency.started(b));
    expect(() => withEnv('1', () => app.synth())).toThrow(ValidationError);
  });

  test('"", "0" and "false" leave synthesis as it is', () => {
    for (const value of ['', '0', 'false', undefined]) {
      expect(localTwinOnlyRequested({ [LOCAL_TWIN_ONLY_ENV]: value })).toBe(false);
    }
    expect(localTwinOnlyRequested({ [LOCAL_TWIN_ONLY_ENV]: '1' })).toBe(true);
  });

  test('synthesize() sets the variable and the context only when asked', () => {
    const cwd = tmp();
    const app = path.join(cwd, 'seen.js');
    fs.writeFileSync(
      app,
      `require('fs').writeFileSync(require('path').join(process.env.CDK_OUTDIR, 'seen.json'), JSON.stringify({ env: process.env.${LOCAL_TWIN_ONLY_ENV}, context: JSON.parse(process.env.CDK_CONTEXT_JSON) }));`,
    );
    const seen = (localTwinOnly: boolean) =>
      JSON.parse(
        fs.readFileSync(
          path.join(
            synthesize(
              cwd,
              { ...process.env, [LOCAL_TWIN_ONLY_ENV]: '1' },
              `node ${app}`,
              { k: 1 },
              { localTwinOnly },
            ),
            'seen.json',
          ),
          'utf8',
        ),
      );
    expect(seen(true)).toEqual({ env: '1', context: { ...LOCAL_TWIN_ONLY_CONTEXT, k: 1 } });
    // An inherited variable does not turn it on for the other commands.
    expect(seen(false)).toEqual({ env: '', context: { k: 1 } });
  });
});
