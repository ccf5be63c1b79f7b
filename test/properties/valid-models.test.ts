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
  const resources = plan.resources ?? [];
  const kinds = new Set(resources.map((r) => r.kind));
  const standIns = [
    ...(kinds.size ? ['aws-init'] : []),
    ...(kinds.has('bucket') ? ['aws-s3'] : []),
    // With a topic, moto holds the topics and the queues they deliver to; otherwise ElasticMQ the queues.
    ...(kinds.has('topic') ? ['aws-sns'] : kinds.has('queue') ? ['aws-sqs'] : []),
    ...(kinds.has('table') ? ['aws-dynamodb'] : []),
  ];
  expect(Object.keys(doc.services).sort()).toEqual(
    [...workloads.map((w) => w.name), ...lbNames, ...dataNames, ...standIns].sort(),
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
    // A TLS flag is false against the local stand-ins (true in the cloud).
    const tls = (w.connections ?? []).flatMap((c) => (c.tls !== undefined ? [c.tls as string] : []));
    for (const variable of tls) expect(environment[variable]).toBe('false');
    // Buckets, queues and tables: the variables named, the model names locally, and the SDK's endpoints
    // and stand-in credentials, never a real key.
    const reached = w.resourceConnections ?? [];
    const resourceVariables = reached.flatMap((c) => Object.values(c.variables) as string[]);
    for (const c of reached) {
      const r = resources[c.resource];
      const expected = (
        (r.kind === 'queue' || r.kind === 'topic') && r.fifo ? `${r.name as string}.fifo` : r.name
      ) as string;
      for (const [value, variable] of Object.entries(c.variables) as [string, string][]) {
        if (value.endsWith('Name')) expect(environment[variable]).toBe(expected);
        else expect(environment[variable]).toContain(expected);
      }
    }
    const reachedKinds = new Set(reached.map((c) => resources[c.resource].kind));
    const endpoints = {
      bucket: 'AWS_ENDPOINT_URL_S3',
      queue: 'AWS_ENDPOINT_URL_SQS',
      topic: 'AWS_ENDPOINT_URL_SNS',
      table: 'AWS_ENDPOINT_URL_DYNAMODB',
    };
    const sdkVariables = reached.length
      ? [
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'AWS_REGION',
          ...[...reachedKinds].map((k) => endpoints[k]),
        ]
      : [];
    for (const variable of sdkVariables) expect(environment).toHaveProperty([variable]);
    expect(environment.AWS_ACCESS_KEY_ID ?? '${LOCAL_AWS_ACCESS_KEY_ID}').toMatch(
      /^\$\{LOCAL_AWS_ACCESS_KEY_ID/,
    );
    // Required start-time variables: compose refuses to start without them, naming the variable.
    for (const key of w.requiredStartVariables ?? []) {
      expect(environment[key]).toMatch(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`));
      expect(variables.has(key)).toBe(true);
    }
    // Start-time variables: interpolated with their default (its `$` doubled), listed in .env.example.
    for (const [key, value] of Object.entries(w.startVariables ?? {})) {
      expect(environment[key]).toBe(`\${${key}:-${value.replace(/\$/g, '$$$$')}}`);
      expect(variables.has(key)).toBe(true);
    }
    const started = Object.keys(w.startVariables ?? {}).length + (w.requiredStartVariables ?? []).length;
    expect(Object.keys(environment).length).toBe(
      Object.keys(w.environment).length +
        w.secrets.length +
        connected.length +
        tls.length +
        started +
        resourceVariables.length +
        sdkVariables.length,
    );
    // Environment files stay files: compose reads them, the compose file holds none of their values.
    expect((service.env_file ?? []).length).toBe((w.environmentFiles ?? []).length);
    expect(service.stop_grace_period).toBe(
      w.stopGracePeriodSeconds === undefined ? undefined : `${w.stopGracePeriodSeconds}s`,
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
        ...(reached.length ? [['aws-init', { condition: 'service_completed_successfully' }]] : []),
      ]),
    );
    expect(service.restart).toBe(w.restart ?? (w.kind === 'job' ? 'no' : 'unless-stopped'));
    // Networks mirror the cloud's reachability: a workload joins the network of each data service it is
    // connected to (internal unless the service publishes a port) and of each stand-in it reaches.
    const joined = Object.keys(service.networks ?? {});
    if (plan.localNetworks === 'single') expect(service.networks).toBeUndefined();
    else
      for (const c of w.connections ?? []) {
        const ds = plan.dataServices![c.dataService as number];
        expect(joined).toContain(ds.name);
        expect(doc.networks?.[ds.name as string]?.internal === true).toBe(ds.hostPort === undefined);
      }
    for (const kind of plan.localNetworks === 'single' ? [] : reachedKinds) {
      const standIn = {
        bucket: 'aws-s3',
        queue: kinds.has('topic') ? 'aws-sns' : 'aws-sqs',
        topic: 'aws-sns',
        table: 'aws-dynamodb',
      }[kind];
      expect(joined).toContain(standIn);
      expect(doc.networks?.[standIn]?.internal).toBe(true);
    }
    // The platform only where the workload declares its architecture.
    expect(service.platform).toBe(
      w.arm64 ? 'linux/arm64' : w.declareArchitecture ? 'linux/amd64' : undefined,
    );
    expect((service.volumes ?? []).map((v) => v.target).sort()).toEqual(
      [
        ...w.mounts.map((m) => m.path as string),
        ...(w.bindMounts ?? []).map((_, j) => `/twinstack-bind-${j}`),
        ...(w.stateful ? [w.stateful.path as string] : []),
      ].sort(),
    );
    for (const v of service.volumes ?? []) {
      if (v.type === 'bind') {
        const bind = w.bindMounts![Number(v.target.slice(16))];
        expect(v.read_only === true).toBe(bind.readOnly);
        expect(v.bind?.selinux).toBe(
          bind.selinux === undefined ? undefined : bind.selinux === 'shared' ? 'z' : 'Z',
        );
      } else expect(doc.volumes).toHaveProperty([v.source]);
    }
    if (w.stateful) {
      const data = (service.volumes ?? []).find((v) => v.target === w.stateful!.path);
      expect(data?.source).toBe(w.stateful.volumeName ?? `${workloads[i].name}-data`);
    }
    expect(service.ports ?? []).toEqual(
      w.ports
        .filter((p) => p.hostPort !== undefined)
        .map((p) => `127.0.0.1:${p.hostPort}:${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`),
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
