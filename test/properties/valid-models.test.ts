import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { parse } from 'yaml';
import { composeToYaml, forDockerCompose129 } from '../../constructs';
import type { ComposeDocument } from '../../constructs';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp } from '../support/test-app';
import { AppPlan, buildApplication, validPlanArb } from './model-plan';
import { checkProperty, printCases, runs } from './runs';

/**
 * Random valid applications, built with the constructs, always pass the whole-model rules and render a local
 * twin that conforms to the Compose Specification and says what the model says: every workload and proxy,
 * every literal value exactly (a `$` escaped so compose does not interpolate it), every dependency with its
 * condition, every secret as a variable of `.env.example`; and docker-compose 1.29's form of it too.
 */

const OUT = path.resolve('/projects/prop');

afterAll(printCases);

/** A literal of the compose file back to the text it stands for. */
const literal = (text: string) => text.replace(/\$\$/g, '$');

function checkLocalTwin(plan: AppPlan): void {
  const { application, workloads } = buildApplication(new Stack(testApp(), 'Prop'), plan);
  expect(application.validate().errors).toEqual([]);
  const twin = application.renderLocalTwin(OUT);
  const doc: ComposeDocument = twin.compose;

  const yaml = composeToYaml(doc);
  expect(composeSchemaErrors(yaml)).toEqual([]);
  // What compose reads back is exactly the document (no value lost to YAML quoting).
  expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(doc)));

  const lbNames = plan.loadBalancers.map((l) => l.name as string);
  const dataNames = (plan.dataServices ?? []).map((d) => d.name as string);
  expect(Object.keys(doc.services).sort()).toEqual(
    [...workloads.map((w) => w.name), ...lbNames, ...dataNames].sort(),
  );
  const variables = new Set(twin.variables.map((v) => v.name));
  plan.workloads.forEach((w, i) => {
    const service = doc.services[workloads[i].name];
    const environment = service.environment ?? {};
    for (const [key, value] of Object.entries(w.environment)) expect(literal(environment[key])).toBe(value);
    for (const use of w.secrets) {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*):\?[^}]*\}$/.exec(environment[use.key as string]);
      expect(m).not.toBeNull();
      expect(variables.has(m![1])).toBe(true);
    }
    // Each connection's variables, a data service's secrets read from .env like any other.
    const connected = (w.connections ?? []).flatMap((c) => Object.values(c.variables) as string[]);
    for (const variable of connected) expect(environment).toHaveProperty([variable]);
    // Start-time variables: interpolated with their default (its `$` doubled), listed in .env.example.
    for (const [key, value] of Object.entries(w.startVariables ?? {})) {
      expect(environment[key]).toBe(`\${${key}:-${value.replace(/\$/g, '$$$$')}}`);
      expect(variables.has(key)).toBe(true);
    }
    const started = Object.keys(w.startVariables ?? {}).length;
    expect(Object.keys(environment).length).toBe(
      Object.keys(w.environment).length + w.secrets.length + connected.length + started,
    );
    if (w.command) expect(service.command!.map(literal)).toEqual(w.command);
    if (w.entrypoint) expect(service.entrypoint!.map(literal)).toEqual(w.entrypoint);
    const conditions = {
      started: 'service_started',
      healthy: 'service_healthy',
      'completed-successfully': 'service_completed_successfully',
    };
    expect(service.depends_on ?? {}).toEqual(
      Object.fromEntries([
        ...w.dependsOn.map((d) => [
          workloads[d.target as number].name,
          { condition: conditions[d.condition] },
        ]),
        ...(w.connections ?? []).map((c) => [
          plan.dataServices![c.dataService as number].name,
          { condition: 'service_healthy' },
        ]),
      ]),
    );
    expect(service.restart).toBe(w.restart ?? (w.kind === 'job' ? 'no' : 'unless-stopped'));
    // The platform only where the workload declares its architecture.
    expect(service.platform).toBe(
      w.arm64 ? 'linux/arm64' : w.declareArchitecture ? 'linux/amd64' : undefined,
    );
    expect((service.volumes ?? []).map((v) => v.target)).toEqual([
      ...w.mounts.map((m) => m.path),
      ...(w.bindMounts ?? []).map((_, j) => `/twinstack-bind-${j}`),
    ]);
    for (const v of service.volumes ?? []) {
      if (v.type === 'bind')
        expect(v.read_only === true).toBe(w.bindMounts![Number(v.target.slice(16))].readOnly);
      else expect(doc.volumes).toHaveProperty([v.source]);
    }
    expect(service.ports ?? []).toEqual(
      w.ports
        .filter((p) => p.hostPort !== undefined)
        .map((p) => `127.0.0.1:${p.hostPort}:${p.containerPort}`),
    );
  });
  const envExample = application.renderLocalTwinFiles(OUT).envExample;
  for (const v of variables) expect(envExample).toContain(`\n${v}=\n`);

  // docker-compose 1.29's form: no name, each proxy configuration as a file, mounted where it was.
  const compat = forDockerCompose129(doc);
  expect(compat.compose).not.toHaveProperty('name');
  expect(compat.compose).not.toHaveProperty('configs');
  expect(Object.keys(compat.files).sort()).toEqual(lbNames.map((n) => `${n}-nginx-conf`).sort());
  for (const name of lbNames) {
    expect(compat.compose.services[name].volumes).toContainEqual(
      expect.objectContaining({ type: 'bind', source: `./${name}-nginx-conf`, read_only: true }),
    );
  }
  expect(composeSchemaErrors(composeToYaml(compat.compose, [], plan.name as string))).toEqual([]);
}

test('valid models build, pass the whole-model rules and render a conforming, faithful local twin', () => {
  checkProperty('valid models render a local twin', fc.property(validPlanArb, checkLocalTwin), runs(100));
});
