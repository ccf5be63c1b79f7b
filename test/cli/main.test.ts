import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, Image, Service } from '../../constructs';
import { main } from '../../cli/main';
import { synthesize } from '../../cli/assembly';
import type { ApplicationSpec, WorkloadSpec } from '../../constructs/model/spec';
import { recordingIo } from '../support/cli-io';
import { PROJECT_ROOT, testApp } from '../support/test-app';
import { applicationSpec, serviceSpec } from '../support/spec-builders';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-cli-'));
}

function workload(name: string, overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return serviceSpec(name, { path: `App/${name}`, ...overrides });
}

function model(name: string, workloads: WorkloadSpec[] = [workload('web')]): ApplicationSpec {
  return applicationSpec(workloads, { name, path: `Stack/${name}` });
}

/** A real cloud assembly with one application whose image is built from the dozer example's directory. */
function realAssembly(): string {
  const outdir = tmp();
  const app = testApp({ outdir });
  const application = new Application(new Stack(app, 'Web'), 'web');
  new Service(application, 'site', {
    image: Image.fromDirectory(path.join(PROJECT_ROOT, 'lib/examples/dozer/image')),
    ports: [{ containerPort: 80, hostPort: 8080 }],
  });
  app.synth();
  return outdir;
}

describe('twinstack compose', () => {
  test('writes the compose file and .env.example from an existing assembly, contexts relative to the output', async () => {
    const assembly = realAssembly();
    const cwd = tmp();
    const run = recordingIo(cwd);
    const code = await main(['compose', '--assembly', assembly, '-o', 'deploy/docker-compose.yml'], run.io);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    const compose = parse(fs.readFileSync(path.join(cwd, 'deploy/docker-compose.yml'), 'utf8'));
    expect(compose.name).toBe('web');
    expect(compose.services.site.ports).toEqual(['127.0.0.1:8080:80']);
    const expected = path.relative(
      path.join(cwd, 'deploy'),
      path.join(PROJECT_ROOT, 'lib/examples/dozer/image'),
    );
    expect(compose.services.site.build.context).toBe(expected);
    expect(fs.existsSync(path.join(cwd, 'deploy/.env.example'))).toBe(true);
    expect(run.out()).toContain("wrote deploy/docker-compose.yml (application 'web')");
  });

  test('--no-env-example writes only the compose file; the default output is docker-compose.yml', async () => {
    const assembly = realAssembly();
    const cwd = tmp();
    const code = await main(['compose', '--assembly', assembly, '--no-env-example'], recordingIo(cwd).io);
    expect(code).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual(['docker-compose.yml']);
  });

  test('synthesizes the app named in cdk.json with its context, then removes the temporary assembly', async () => {
    const cwd = tmp();
    fs.writeFileSync(
      path.join(cwd, 'cdk.json'),
      JSON.stringify({
        app: `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`,
        context: { flag: true },
      }),
    );
    const run = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop')]) });
    expect(await main(['compose'], run.io)).toBe(0);
    expect(parse(fs.readFileSync(path.join(cwd, 'docker-compose.yml'), 'utf8')).services.web.image).toBe(
      'nginx:1.27',
    );
  });

  test('passes the cdk.json context to the app and skips the CloudFormation validator', () => {
    const cwd = tmp();
    fs.writeFileSync(path.join(cwd, 'cdk.json'), JSON.stringify({ context: { '@aws-cdk/x:y': true } }));
    const outdir = synthesize(
      cwd,
      { ...process.env },
      `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`,
    );
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'context-seen.json'), 'utf8'))).toEqual({
      '@aws-cdk/x:y': true,
    });
  });

  test('asks for --application when the app defines several, and names them', async () => {
    const cwd = tmp();
    const app = `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`;
    const run = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop'), model('blog')]) });
    expect(await main(['compose', '--app', app], run.io)).toBe(2);
    expect(run.err()).toBe(
      'twinstack: the app defines several applications (shop (stack Stack0), blog (stack Stack1)); choose one with --application or --stack\n',
    );
    const ok = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop'), model('blog')]) });
    expect(await main(['compose', '--app', app, '--application', 'blog'], ok.io)).toBe(0);
    expect(parse(fs.readFileSync(path.join(cwd, 'docker-compose.yml'), 'utf8')).name).toBe('blog');
    const byStack = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop'), model('shop')]) });
    expect(await main(['compose', '--app', app, '--stack', 'Stack1', '-o', 'shop.yml'], byStack.io)).toBe(0);
    expect(byStack.out()).toContain("wrote shop.yml (application 'shop')");
    const both = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop'), model('shop')]) });
    expect(await main(['compose', '--app', app, '-a', 'shop'], both.io)).toBe(2);
    expect(both.err()).toContain(
      "several applications named 'shop' (shop (stack Stack0), shop (stack Stack1))",
    );
  });

  test('reports an unknown application, a failing app and a missing app as one line, exit 2', async () => {
    const cwd = tmp();
    const app = `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`;
    const unknown = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([model('shop')]) });
    expect(await main(['compose', '--app', app, '-a', 'blog'], unknown.io)).toBe(2);
    expect(unknown.err()).toBe(
      "twinstack: no application named 'blog'; the app defines shop (stack Stack0)\n",
    );

    const failing = recordingIo(cwd, { FAKE_APP_FAIL: 'boom: bad input' });
    expect(await main(['compose', '--app', app], failing.io)).toBe(2);
    expect(failing.err()).toContain('synthesis failed');
    expect(failing.err()).toContain('boom: bad input');

    // The library's own error: its message, without the source line and the stack Node prints.
    const rejected = recordingIo(cwd, {
      FAKE_APP_THROW: 'App: context stage "nope" is not a stage of this app',
    });
    expect(await main(['compose', '--app', app], rejected.io)).toBe(2);
    expect(rejected.err()).toBe(
      `twinstack: synthesis failed (${app}):\nValidationError: App: context stage "nope" is not a stage of this app\n`,
    );

    const none = recordingIo(cwd);
    expect(await main(['compose'], none.io)).toBe(2);
    expect(none.err()).toContain('no app to synthesize');
  });

  test('reports a model that breaks a whole-model rule without a stack trace', async () => {
    const cwd = tmp();
    const app = `node ${path.join(PROJECT_ROOT, 'test/fixtures/cli/fake-app.js')}`;
    const broken = model('shop', [
      workload('a', { dependsOn: [{ target: 'b', condition: 'started' }] }),
      workload('b', { dependsOn: [{ target: 'a', condition: 'started' }] }),
    ]);
    const run = recordingIo(cwd, { FAKE_APP_MODELS: JSON.stringify([broken]) });
    expect(await main(['compose', '--app', app], run.io)).toBe(2);
    expect(run.err()).toMatch(/^twinstack: App\/a: dependsOn "a -> b -> a" is a dependency cycle/);
    expect(run.err()).not.toMatch(/\n\s+at /);
  });

  test('an --assembly that does not exist or is not a cloud assembly is one line, exit 2, for every command', async () => {
    const cwd = tmp();
    fs.mkdirSync(path.join(cwd, 'notes'));
    fs.writeFileSync(path.join(cwd, 'notes', 'todo.txt'), 'x');
    for (const command of ['compose', 'parity', 'diff', 'graph', 'images', 'status']) {
      const missing = recordingIo(cwd);
      expect(await main([command, '--assembly', 'cdk.out'], missing.io)).toBe(2);
      expect(missing.err()).toBe(
        'twinstack: cloud assembly cdk.out does not exist; give the directory cdk synth wrote (e.g. cdk.out)\n',
      );
      const other = recordingIo(cwd);
      expect(await main([command, '--assembly', 'notes'], other.io)).toBe(2);
      expect(other.err()).toBe(
        'twinstack: notes is not a cloud assembly: it has no manifest.json; give the directory cdk synth wrote (e.g. cdk.out)\n',
      );
    }
  });

  test('usage errors exit 2; help exits 0', async () => {
    const unknownCommand = recordingIo(tmp());
    expect(await main(['deploy'], unknownCommand.io)).toBe(2);
    expect(unknownCommand.err()).toContain("unknown command 'deploy'");
    const badOption = recordingIo(tmp());
    expect(await main(['compose', '--bogus'], badOption.io)).toBe(2);
    expect(badOption.err()).toContain('--bogus');
    const help = recordingIo(tmp());
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Usage: twinstack <command>');
    expect(await main([], recordingIo(tmp()).io)).toBe(2);
  });

  test('an app without twinstack applications is reported', async () => {
    const outdir = tmp();
    const app = testApp({ outdir });
    new Stack(app, 'Empty');
    app.synth();
    const run = recordingIo(tmp());
    expect(await main(['compose', '--assembly', outdir], run.io)).toBe(2);
    expect(run.err()).toBe('twinstack: the app defines no twinstack Application\n');
  });
});
