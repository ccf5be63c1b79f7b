import * as fs from 'fs';
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import type { Application } from '../../../constructs';
import {
  checkParity,
  formatParityReport,
  readAssetManifests,
  readImageBuilds,
} from '../../../constructs/parity';
import { awsStandIns } from '../../../constructs/parity/aws-resources';
import type { SynthesizedExamples } from './synthesized-examples';

/**
 * The parity of every example, read back from the files synthesis wrote (synthesis itself already ran the
 * check, which would have thrown a ParityError) and checked field by field.
 */
export function parityTests({ applications, assembly }: SynthesizedExamples): void {
  const imageBuilds = readImageBuilds(readAssetManifests(assembly.directory), assembly.directory);
  const reportOf = (stack: Stack, application: Application) =>
    checkParity(
      JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8')),
      parse(fs.readFileSync(path.join(assembly.directory, application.localTwinFiles.composeFile), 'utf8')),
      application.toSpec(),
      { imageBuilds, composeDirectory: assembly.directory },
    );
  describe.each(applications.map((a) => [`${a.stack.stackName}/${a.application.name}`, a] as const))(
    '%s',
    (_name, { stack, application }) => {
      const report = reportOf(stack, application);

      test('its twins agree: every difference is a declared stand-in', () => {
        expect(report.errors).toEqual([]);
        expect(report.notes).toEqual([]);
        expect(report.entries.length).toBeGreaterThan(0);
      });

      test('every workload and load balancer of the model is compared', () => {
        const spec = application.toSpec();
        const compared = new Set(report.entries.map((e) => e.service));
        expect([...compared].sort()).toEqual(
          [
            ...spec.workloads.map((w) => w.name),
            ...spec.loadBalancers.map((l) => l.name),
            ...(spec.dataServices ?? []).map((d) => d.name),
            ...(spec.awsResources ?? []).map((r) => r.name),
            ...awsStandIns(spec).map((s) => s.name),
          ].sort(),
        );
        for (const w of spec.workloads) {
          const fields = report.entries.filter((e) => e.service === w.name).map((e) => e.field);
          const dependents = spec.workloads.filter((o) => o.dependsOn.some((d) => d.target === w.name));
          const ownTask = w.run !== undefined && w.run.kind !== 'dependents';
          if (w.kind === 'job' && dependents.length === 0 && !ownTask) {
            // Nothing to run it in the cloud: only its presence is compared (a declared stand-in).
            expect(fields).toEqual(['presence']);
            continue;
          }
          if (w.profile !== undefined && !(spec.profiles ?? []).includes(w.profile)) {
            // An optional part this cloud twin leaves out: only its presence is compared (a declared stand-in).
            expect(fields).toEqual(['presence']);
            continue;
          }
          expect(fields).toEqual(expect.arrayContaining(['platform', 'resources']));
          expect(fields.some((f) => f === 'image' || f.startsWith('image.'))).toBe(true);
        }
      });

      test('the formatted report has one table per service', () => {
        const text = formatParityReport(report);
        expect(text.split('\n')[0]).toMatch(
          /^parity of application '[\w-]+': 0 errors, \d+ declared stand-ins?, \d+ fields the same$/,
        );
        for (const service of new Set(report.entries.map((e) => e.service))) {
          expect(text).toContain(`\n${service}\n  field`);
        }
      });
    },
  );

  test('a workload that declares no CPU architecture is the default-platform stand-in, and only such a one', () => {
    let undeclared = 0;
    for (const { stack, application } of applications) {
      const report = reportOf(stack, application);
      const spec = application.toSpec();
      const compared = new Set(report.entries.filter((e) => e.field === 'platform').map((e) => e.service));
      const expected = spec.workloads
        .filter((w) => w.localPlatform === undefined && compared.has(w.name))
        .map((w) => w.name)
        .sort();
      undeclared += expected.length;
      const found = report.differences
        .filter((d) => d.field === 'platform')
        .map((d) => [d.service, d.standIn, d.cloud, d.local]);
      expect(found.sort()).toEqual(expected.map((n) => [n, 'default-platform', 'linux/amd64', undefined]));
      for (const w of spec.workloads.filter((x) => x.localPlatform !== undefined && compared.has(x.name))) {
        expect(report.entries.find((e) => e.service === w.name && e.field === 'platform')).toMatchObject({
          kind: 'same',
          local: w.localPlatform,
        });
      }
    }
    expect(undeclared).toBeGreaterThan(0);
  });

  test('the declared stand-ins of the examples are the ones their models describe', () => {
    // The default platform is checked for every example below.
    const standIns = (stackName: string) => {
      const { stack, application } = applications.find((a) => a.stack.stackName === stackName)!;
      const report = reportOf(stack, application);
      return report.differences
        .filter((d) => d.standIn !== 'default-platform')
        .map((d) => `${d.service} ${d.field} ${d.standIn}`)
        .sort();
    };
    expect(standIns('Dozer')).toEqual([
      'dozer-api hostPorts[50051] host-port',
      'dozer-api hostPorts[8080] host-port',
      'dozer-api secrets secret',
      'dozer-api volumes[/usr/local/bin/.dozer] volume',
      'dozer-app healthCheck.timing health-check-adjustment',
      'dozer-app hostPorts[50053] host-port',
      'dozer-app secrets secret',
      'dozer-app volumes[/usr/local/bin/.dozer] volume',
      'dozer-build presence job-placement',
      'dozer-build secrets secret',
      'dozer-build volumes[/usr/local/bin/.dozer] volume',
    ]);
    expect(standIns('GoalsHosted')).toEqual([
      // The goals app declares no cpu or memoryMiB: no local limits (the stand-in default-resources).
      'backend memoryLimit default-resources',
      'backend resources default-resources',
      'backend secrets secret',
      'backend taskCount task-count',
      'backend writablePaths[/tmp] writable-path',
      'frontend memoryLimit default-resources',
      'frontend resources default-resources',
      'frontend taskCount task-count',
      'frontend writablePaths[/tmp] writable-path',
      'frontend writablePaths[/var/cache/nginx] writable-path',
      'frontend writablePaths[/var/run] writable-path',
      'web presence load-balancer',
    ]);
    // Optional parts: included with a profile in Valawai, left out in ValawaiComponent, where the component's
    // optional dependencies on them are absent from the cloud twin.
    expect(
      standIns('Valawai').filter((d) => /profile|platforms|restart|config-file|adjustment/.test(d)),
    ).toEqual([
      'echo_example_with_python_and_pika dependsOn.mov.restart dependency-restart',
      'echo_example_with_python_and_pika healthCheck.timing health-check-adjustment',
      'echo_example_with_python_and_pika image.platforms build-platforms',
      'mongo configFiles[/docker-entrypoint-initdb.d/init-mongo.js] config-file',
      'mongo healthCheck.timing health-check-adjustment',
      'mongo profile profile',
      'mov dependsOn.mongo.restart dependency-restart',
      'mov dependsOn.mq.restart dependency-restart',
      'mov healthCheck.timing health-check-adjustment',
      'mov profile profile',
      'mq healthCheck.timing health-check-adjustment',
      'mq profile profile',
    ]);
    expect(standIns('ValawaiComponent')).toEqual([
      'echo_example_with_python_and_pika dependsOn.mov optional-dependency',
      'echo_example_with_python_and_pika dependsOn.mov.restart dependency-restart',
      'echo_example_with_python_and_pika dependsOn.mq optional-dependency',
      'echo_example_with_python_and_pika healthCheck.timing health-check-adjustment',
      'echo_example_with_python_and_pika image.platforms build-platforms',
      'echo_example_with_python_and_pika memoryLimit default-resources',
      // The component reaches the optional parts on their networks, where it also meets the mov.
      'echo_example_with_python_and_pika networks.mov.mov profile',
      'echo_example_with_python_and_pika networks.mq.mov profile',
      'echo_example_with_python_and_pika networks.mq.mq profile',
      'echo_example_with_python_and_pika resources default-resources',
      'echo_example_with_python_and_pika secrets secret',
      'echo_example_with_python_and_pika writablePaths[/app/logs] writable-path',
      'echo_example_with_python_and_pika writablePaths[/tmp] writable-path',
      'mongo presence profile',
      'mov presence profile',
      'mq presence profile',
    ]);
    // Jobs with a task of their own; the database browser only where the stage enables `tools`.
    const jobsAndParts = (d: string) =>
      /migrate presence|daily presence|db-browser (presence|profile)/.test(d);
    expect(standIns('dev-Workflows').filter(jobsAndParts)).toEqual([
      'daily presence scheduled-job',
      'db-browser profile profile',
      'migrate presence deployment-job',
    ]);
    expect(standIns('prod-Workflows').filter(jobsAndParts)).toEqual([
      'daily presence scheduled-job',
      // Locally the left-out browser still reaches the database it connects to.
      'db networks.db.db-browser profile',
      'db-browser presence profile',
      'migrate presence deployment-job',
    ]);
    // The trainer, with a cloud home now: its own task once per deployment, on the recommender's volume.
    expect(
      standIns('Ecoseller').filter((d) => /^recommender_system_trainer (presence|volumes)/.test(d)),
    ).toEqual([
      'recommender_system_trainer presence deployment-job',
      'recommender_system_trainer volumes[/usr/src/app/data] volume',
    ]);
  });
}
