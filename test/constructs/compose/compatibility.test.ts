import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  Service,
  Volume,
} from '../../../constructs';
import { main } from '../../../cli/main';
import { forDockerCompose129 } from '../../../constructs/compose/compatibility';
import { renderLocalTwin, renderLocalTwinFiles } from '../../../constructs/compose/compose-renderer';
import type { ApplicationSpec } from '../../../constructs/model/spec';
import { composeSchemaErrors } from '../../support/compose-schema';
import { testApp } from '../../support/test-app';

const OUT = path.resolve('/projects/shop');

/** An application with everything docker-compose 1.29 might trip over: a proxy, a job, a volume, `$`. */
function shop(scope = new Stack(testApp(), 'Shop')): Application {
  const application = new Application(scope, 'shop');
  const data = new Volume(application, 'data');
  const migrate = new Job(application, 'migrate', {
    image: Image.fromRegistry('busybox:1.36'),
    command: ['sh', '-c', 'echo $HOME'],
    mounts: [{ volume: data, path: '/data' }],
  });
  const api = new Service(application, 'api', {
    image: Image.fromRegistry('nginx:1.27'),
    ports: [{ containerPort: 8080, protocol: 'http' }],
    environment: { PRICE: '$5' },
    healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
    mounts: [{ volume: data, path: '/srv', readOnly: true }],
    dependsOn: [Dependency.completedSuccessfully(migrate)],
  });
  new Service(application, 'worker', {
    image: Image.fromRegistry('busybox:1.36'),
    dependsOn: [Dependency.healthy(api)],
  });
  const web = new LoadBalancer(application, 'web', { localPort: 8000 });
  web.addRoute('api', { service: api, pathPatterns: ['/api/*'], queryStrings: [{ value: 'a$b' }] });
  return application;
}

describe('forDockerCompose129', () => {
  const spec: ApplicationSpec = shop().toSpec();
  const twin = renderLocalTwin(spec, { outputDirectory: OUT });
  const compat = forDockerCompose129(twin.compose);

  test('drops the top-level name and gives it as the project name', () => {
    expect(compat.compose).not.toHaveProperty('name');
    expect(compat.projectName).toBe('shop');
    expect(compat.notes[0]).toBe(
      'For docker-compose 1.29: run it as `docker-compose -p shop up` (1.29 reads no top-level name).',
    );
  });

  test('turns each inline config into a file mounted read-only where the config was', () => {
    expect(compat.compose).not.toHaveProperty('configs');
    expect(Object.keys(compat.files)).toEqual(['web-nginx-conf']);
    expect(compat.compose.services.web).not.toHaveProperty('configs');
    expect(compat.compose.services.web.volumes).toEqual([
      { type: 'bind', source: './web-nginx-conf', target: '/etc/nginx/conf.d/default.conf', read_only: true },
    ]);
  });

  test("the file holds the configuration's exact text: the compose file's $$ escapes are undone", () => {
    const inline = (twin.compose.configs!['web-nginx-conf'] as { content: string }).content;
    const file = compat.files['web-nginx-conf'];
    expect(inline).toContain('$$request_uri');
    expect(file).toContain('map $request_uri ');
    expect(file).not.toContain('$$');
    expect(file.replace(/\$/g, '$$$$')).toBe(inline);
  });

  test('leaves every other service exactly as the specification form has it', () => {
    for (const name of ['api', 'migrate', 'worker']) {
      expect(compat.compose.services[name]).toEqual(twin.compose.services[name]);
    }
    expect(compat.compose.volumes).toEqual(twin.compose.volumes);
    expect(compat.compose.services.api.environment).toEqual({ PRICE: '$$5' });
  });

  test('an application without load balancers needs no files; its services are unchanged', () => {
    const application = new Application(new Stack(testApp(), 'Plain'), 'plain');
    new Service(application, 'api', { image: Image.fromRegistry('nginx:1.27') });
    const plain = renderLocalTwin(application.toSpec(), { outputDirectory: OUT }).compose;
    const result = forDockerCompose129(plain);
    expect(result.files).toEqual({});
    expect(result.compose).toEqual({ services: plain.services, networks: plain.networks });
    expect(result.notes).toHaveLength(1);
  });

  test('is deterministic and leaves its input alone', () => {
    const before = JSON.stringify(twin.compose);
    expect(forDockerCompose129(twin.compose)).toEqual(compat);
    expect(JSON.stringify(twin.compose)).toBe(before);
  });
});

describe('renderLocalTwinFiles with compatibility', () => {
  const spec = shop().toSpec();

  test('docker-compose-1.29: no name, no configs, a header note, the files to write', () => {
    const files = renderLocalTwinFiles(spec, { outputDirectory: OUT, compatibility: 'docker-compose-1.29' });
    const doc = parse(files.compose);
    expect(doc).not.toHaveProperty('name');
    expect(doc).not.toHaveProperty('configs');
    expect(files.compose).toMatch(/^# Local twin of application 'shop', rendered by twinstack/);
    expect(files.compose).toContain('# For docker-compose 1.29: run it as `docker-compose -p shop up`');
    expect(files.compose).toContain('# web-nginx-conf, next to this file, is mounted read-only');
    expect(Object.keys(files.files)).toEqual(['web-nginx-conf']);
    expect(files.envExample).toBe(renderLocalTwinFiles(spec, { outputDirectory: OUT }).envExample);
    // Still a valid Compose Specification file: 1.29's form is a subset.
    expect(composeSchemaErrors(files.compose)).toEqual([]);
  });

  test('the default is the Compose Specification form, with no files', () => {
    const files = renderLocalTwinFiles(spec, { outputDirectory: OUT });
    expect(parse(files.compose).name).toBe('shop');
    expect(parse(files.compose).configs['web-nginx-conf']).toHaveProperty('content');
    expect(files.files).toEqual({});
  });
});

describe('twinstack compose --compat', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-compat-'));
  const io = (cwd: string) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      io: {
        cwd,
        env: process.env,
        out: { write: (t: string) => out.push(t) },
        err: { write: (t: string) => err.push(t) },
      },
      out: () => out.join(''),
      err: () => err.join(''),
    };
  };
  const assembly = () => {
    const outdir = tmp();
    const app = testApp({ outdir });
    shop(new Stack(app, 'Shop'));
    app.synth();
    return outdir;
  };

  test('docker-compose-1.29 writes the compose file, the proxy configuration next to it, and says how to run it', async () => {
    const cwd = tmp();
    const run = io(cwd);
    const code = await main(
      [
        'compose',
        '--assembly',
        assembly(),
        '-o',
        'local/docker-compose.yml',
        '--compat',
        'docker-compose-1.29',
      ],
      run.io,
    );
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'local')).sort()).toEqual([
      '.env.example',
      'docker-compose.yml',
      'web-nginx-conf',
    ]);
    const doc = parse(fs.readFileSync(path.join(cwd, 'local/docker-compose.yml'), 'utf8'));
    expect(doc).not.toHaveProperty('name');
    expect(fs.readFileSync(path.join(cwd, 'local/web-nginx-conf'), 'utf8')).toContain('map $request_uri ');
    expect(run.out()).toContain('wrote local/web-nginx-conf\n');
    expect(run.out()).toContain('run it with: docker-compose -p shop -f local/docker-compose.yml up\n');
  });

  test('an unknown target is a usage error that lists the supported ones', async () => {
    const run = io(tmp());
    expect(await main(['compose', '--compat', 'compose-0.1'], run.io)).toBe(2);
    expect(run.err()).toContain('--compat compose-0.1 is not supported; use docker-compose-1.29');
  });
});
