import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Application, Dependency, HealthCheck, Image, Job, Service } from '../../constructs';
import { main } from '../../cli/main';
import { recordingIo } from '../support/cli-io';
import { testApp } from '../support/test-app';

function assembly(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-parity-cli-'));
  const app = testApp({ outdir });
  const shop = new Application(new Stack(app, 'Shop'), 'shop');
  const migrate = new Job(shop, 'migrate', { image: Image.fromRegistry('busybox:1.36'), command: ['true'] });
  new Service(shop, 'api', {
    image: Image.fromRegistry('nginx:1.27'),
    ports: [{ containerPort: 80 }],
    environment: { MODE: 'production' },
    healthCheck: HealthCheck.tcp({ port: 80 }),
    dependsOn: [Dependency.completedSuccessfully(migrate)],
  });
  app.synth();
  return outdir;
}

const dir = assembly();

test('prints a table per service and exits 0 when the twins agree', async () => {
  const run = recordingIo(os.tmpdir());
  expect(await main(['parity', '--assembly', dir], run.io)).toBe(0);
  expect(run.err()).toBe('');
  const out = run.out();
  expect(out).toContain("stack Shop: parity of application 'shop': 0 errors, 7 declared stand-ins,");
  expect(out).toMatch(/\napi\n {2}field +\| cloud +\| local +\| verdict\n/);
  expect(out).toMatch(/ {2}environment +\| MODE=production +\| MODE=production +\| same/);
  expect(out).toMatch(/ {2}platform +\| linux\/amd64 +\| - +\| stand-in \(default-platform\)/);
  expect(out).toMatch(/ {2}restart +\| ECS replaces a stopped task +\| unless-stopped +\| same/);
  expect(out).toMatch(/\nmigrate\n/);
});

test('exits 1 and names the service and field when a twin was edited', async () => {
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-parity-cli-'));
  fs.cpSync(dir, broken, { recursive: true });
  const compose = path.join(broken, 'Shop.shop.compose.yaml');
  fs.writeFileSync(compose, fs.readFileSync(compose, 'utf8').replace('MODE: production', 'MODE: staging'));
  const run = recordingIo(os.tmpdir());
  expect(await main(['parity', '--assembly', broken, '--differences'], run.io)).toBe(1);
  expect(run.out()).toMatch(/environment\.MODE +\| production +\| staging +\| ERROR/);
  expect(run.out()).not.toMatch(/\| same\n/);
});

test('an unknown application is a clear error, exit 2', async () => {
  const run = recordingIo(os.tmpdir());
  expect(await main(['parity', '--assembly', dir, '-a', 'nope'], run.io)).toBe(2);
  expect(run.err()).toBe('twinstack: no application matches; the app defines shop (stack Shop)\n');
});
