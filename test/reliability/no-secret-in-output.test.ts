import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { Application, Image, Secret, Service, WarningIds } from '../../constructs';
import { main } from '../../cli/main';
import { addExamples } from '../../lib/examples';
import { CDK_CONTEXT } from '../support/test-app';

/**
 * No secret value reaches any output. A secret's value exists, at synth time, only where a developer keeps
 * it for the local twin: in `.env`, or exported in the shell. So the test plants a known value for every
 * variable of every example's `.env.example` (generated and imported secrets alike) in all the places
 * a value could be picked up from: the process environment, a `.env` next to the compose file, a `.env`
 * inside an image's build context, and the CDK context under the secret's name and variable. Then it
 * synthesizes every example, writes every local twin with the command-line tool (both compose forms),
 * and scans every byte written (templates, compose files, `.env.example`, the model, the whole cloud
 * assembly with its asset copies) for the values, as text and base64.
 */

const planted = new Map<string, string>();
const plant = (variable: string) => {
  if (!planted.has(variable)) planted.set(variable, `planted-${variable}-${randomBytes(12).toString('hex')}`);
  return planted.get(variable)!;
};

let workDir: string;
let assembly: string;
let applications: Application[];
const written: string[] = [];
const savedEnv = { ...process.env };

/** Every file under `dir`, recursively (symbolic links are not followed). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** The planted values found in `file`, as `VARIABLE (form)`. */
function leaksIn(file: string): string[] {
  const bytes = fs.readFileSync(file);
  const found: string[] = [];
  for (const [variable, value] of planted) {
    if (bytes.includes(value)) found.push(`${variable} (text)`);
    if (bytes.includes(Buffer.from(value).toString('base64'))) found.push(`${variable} (base64)`);
  }
  return found;
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-secrets-'));
  // Learn the variables of every example's local twin, and the names of their secrets.
  const probe = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const probed = addExamples(probe).flatMap((s) => s.node.findAll().filter(Application.isApplication));
  const context: Record<string, string> = {};
  for (const application of probed) {
    // Start-time variables are settings, not secrets: the cloud twin takes them from the CDK context on
    // purpose, so they are not planted.
    const settings = new Set(
      application
        .toSpec()
        .workloads.flatMap((w) => Object.values(w.startVariables ?? {}).map((v) => v.variable)),
    );
    for (const v of application.renderLocalTwin(workDir).variables)
      if (!settings.has(v.name)) context[v.name] = plant(v.name);
    for (const s of application.node.findAll().filter((c): c is Secret => c instanceof Secret)) {
      const source = s.toSpec().source;
      if (source.kind === 'imported') context[source.secretName] = plant(`secret ${source.secretName}`);
      context[s.node.path] = plant(`secret ${s.node.path}`);
    }
  }
  expect(planted.size).toBeGreaterThan(5);

  // The developer's shell and .env hold every value.
  for (const [variable, value] of planted)
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) process.env[variable] = value;
  const dotenv = [...planted].map(([k, v]) => `${k}=${v}`).join('\n');
  fs.writeFileSync(path.join(workDir, '.env'), `${dotenv}\n`);

  assembly = path.join(workDir, 'cdk.out');
  const app = new App({
    context: { ...CDK_CONTEXT, ...context },
    outdir: assembly,
    builtinCloudFormationValidation: false,
  });
  applications = addExamples(app).flatMap((s) => s.node.findAll().filter(Application.isApplication));
  app.synth();

  // Every local twin, written by the command-line tool where the .env is, in both forms.
  const io = {
    cwd: workDir,
    env: process.env,
    out: { write: () => true },
    err: { write: (t: string) => process.stderr.write(t) },
  };
  // Every stack with an application (the brownfield example's platform stack has none).
  const withApplications = new Set(applications.map((a) => Stack.of(a)));
  for (const stack of app.node.children.filter(
    (c): c is Stack => c instanceof Stack && withApplications.has(c),
  )) {
    for (const compat of [[], ['--compat', 'docker-compose-1.29']]) {
      const dir = path.join(workDir, 'local', stack.artifactId, compat.length ? 'compat' : 'default');
      const code = await main(
        [
          'compose',
          '--assembly',
          assembly,
          '--stack',
          stack.artifactId,
          '-o',
          path.join(dir, 'docker-compose.yml'),
          ...compat,
        ],
        io,
      );
      expect(code).toBe(0);
      written.push(...filesUnder(dir));
    }
  }
}, 120_000);

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('no planted secret value appears in any output', () => {
  test('the whole cloud assembly: templates, compose files, .env.example, models, manifests, asset copies', () => {
    // The scan finds the values where they are.
    expect(leaksIn(path.join(workDir, '.env'))).toHaveLength(planted.size);
    const files = filesUnder(assembly);
    expect(files.some((f) => f.endsWith('.template.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.compose.yaml'))).toBe(true);
    expect(files.some((f) => f.endsWith('.env.example'))).toBe(true);
    expect(files.some((f) => f.endsWith('.twinstack.json'))).toBe(true);
    const leaks = files
      .map((f) => [path.relative(assembly, f), leaksIn(f)] as const)
      .filter(([, l]) => l.length);
    expect(leaks).toEqual([]);
  });

  test('what twinstack compose writes, in both compose forms', () => {
    expect(written.some((f) => f.endsWith('docker-compose.yml'))).toBe(true);
    expect(written.some((f) => f.endsWith('.env.example'))).toBe(true);
    const leaks = written
      .map((f) => [path.relative(workDir, f), leaksIn(f)] as const)
      .filter(([, l]) => l.length);
    expect(leaks).toEqual([]);
  });
});

describe('where a secret would sit in each twin, there is a reference instead', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const templates = () =>
    filesUnder(assembly)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).Resources as Record<string, any>);

  test('generated secrets are generated by Secrets Manager; a secret built from others only refers to them', () => {
    const secrets = templates().flatMap((r) =>
      Object.values(r).filter((x: any) => x.Type === 'AWS::SecretsManager::Secret'),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
      if (s.Properties.SecretString === undefined) {
        expect(s.Properties).toHaveProperty('GenerateSecretString');
      } else {
        // e.g. a connection URL: CloudFormation resolves the other secret's value at deploy time.
        expect(JSON.stringify(s.Properties.SecretString)).toContain('{{resolve:secretsmanager:');
      }
    }
  });

  test('every secret of every workload reaches its container through ECS secrets, never its environment', () => {
    let checked = 0;
    for (const application of applications) {
      const template = path.join(assembly, `${Stack.of(application).artifactId}.template.json`);
      const containers = Object.values(JSON.parse(fs.readFileSync(template, 'utf8')).Resources as any[])
        .filter((x: any) => x.Type === 'AWS::ECS::TaskDefinition')
        .flatMap((x: any) => x.Properties.ContainerDefinitions);
      for (const w of application.toSpec().workloads) {
        for (const c of containers.filter((x: any) => x.Name === w.name)) {
          const environment = (c.Environment ?? []).map((e: any) => e.Name);
          for (const key of Object.keys(w.secrets)) {
            expect(environment).not.toContain(key);
            expect((c.Secrets ?? []).find((s: any) => s.Name === key)?.ValueFrom).toBeDefined();
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('every secret of the local twin is a ${VAR:?...} reference, and .env.example leaves it empty', () => {
    for (const application of applications) {
      const dir = path.join(workDir, 'render', application.name);
      const files = application.renderLocalTwinFiles(dir);
      const services = parse(files.compose).services;
      for (const w of application.toSpec().workloads) {
        for (const [key, ref] of Object.entries(w.secrets)) {
          expect(services[w.name].environment[key]).toBe(
            `\${${ref.localVariable}:?set ${ref.localVariable} in .env}`,
          );
          expect(files.envExample).toMatch(new RegExp(`^${ref.localVariable}=$`, 'm'));
        }
      }
    }
  });

  test('no example passes a credential as a plain environment value or a build argument', () => {
    const credential = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
    for (const application of applications) {
      expect(
        application.validate().warnings.filter((w) => w.id === WarningIds.ENV_LOOKS_LIKE_SECRET),
      ).toEqual([]);
      for (const w of application.toSpec().workloads) {
        const args = w.image.kind === 'directory' ? Object.keys(w.image.buildArgs) : [];
        expect(args.filter((a) => credential.test(a))).toEqual([]);
      }
    }
  });
});

describe('a .env inside a build context', () => {
  test('stays out of the cloud assembly', () => {
    const context = fs.mkdtempSync(path.join(workDir, 'context-'));
    fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY app /app\n');
    fs.writeFileSync(path.join(context, 'app'), 'the application\n');
    const value = plant('CONTEXT_DOTENV');
    fs.writeFileSync(path.join(context, '.env'), `API_TOKEN=${value}\n`);
    fs.writeFileSync(path.join(context, '.env.production'), `API_TOKEN=${value}\n`);
    fs.writeFileSync(path.join(context, '.env.example'), 'API_TOKEN=\n');
    const outdir = path.join(workDir, 'context-out');
    const app = new App({ context: CDK_CONTEXT, outdir, builtinCloudFormationValidation: false });
    const application = new Application(new Stack(app, 'Context'), 'context');
    new Service(application, 'api', { image: Image.fromDirectory(context) });
    app.synth();
    const copied = filesUnder(outdir).map((f) => path.basename(f));
    expect(copied).toContain('app');
    expect(copied).toContain('.env.example');
    const leaks = filesUnder(outdir).filter((f) => fs.readFileSync(f).includes(value));
    expect(leaks.map((f) => path.relative(outdir, f))).toEqual([]);
  });
});
