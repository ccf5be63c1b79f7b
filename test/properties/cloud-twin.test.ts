import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { parse } from 'yaml';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp } from '../support/test-app';
import { AppPlan, buildApplication, validPlanArb } from './model-plan';
import { checkProperty, printCases, runs } from './runs';

/**
 * Random valid applications synthesize: the cloud twin's template has one ECS service per service, each
 * workload's container where it belongs (a job inside every task of the services waiting for it) with its
 * environment exactly as declared, one listener rule per conditional route; and the local twin written
 * into the cloud assembly conforms to the Compose Specification. Heavier than the local-twin property (a
 * full synthesis per case): `npm test` runs a few dozen cases, `npm run test:properties` 1,000.
 */

afterAll(printCases);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Resources = Record<string, { Type: string; Properties: any }>;

/** Indices of the jobs whose containers run in the tasks of service `i`. */
function hostedJobs(plan: AppPlan, i: number, found = new Set<number>()): Set<number> {
  for (const d of plan.workloads[i].dependsOn) {
    const t = d.target as number;
    if (plan.workloads[t].kind === 'job' && !found.has(t)) {
      found.add(t);
      hostedJobs(plan, t, found);
    }
  }
  return found;
}

function checkCloudTwin(plan: AppPlan): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-prop-'));
  try {
    const app = testApp({ outdir });
    const { application, workloads } = buildApplication(new Stack(app, 'Prop'), plan);
    const assembly = app.synth();
    const resources: Resources = assembly.getStackByName('Prop').template.Resources;
    const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

    const services = plan.workloads.map((_, i) => i).filter((i) => plan.workloads[i].kind === 'service');
    expect(ofType('AWS::ECS::Service')).toHaveLength(services.length);
    const containers = ofType('AWS::ECS::TaskDefinition').flatMap(
      ([, r]) => r.Properties.ContainerDefinitions,
    );
    plan.workloads.forEach((w, i) => {
      const mine = containers.filter((c: any) => c.Name === workloads[i].name);
      const hosts = services.filter((s) => hostedJobs(plan, s).has(i)).length;
      expect(mine).toHaveLength(w.kind === 'service' ? 1 : hosts);
      for (const c of mine) {
        expect(c.Essential).toBe(w.kind === 'service');
        const environment = Object.fromEntries((c.Environment ?? []).map((e: any) => [e.Name, e.Value]));
        const secrets: string[] = (c.Secrets ?? []).map((s: any) => s.Name);
        // Connection values arrive as environment values (host, port, ...) or secrets (password, url).
        const connected = (w.connections ?? []).flatMap((x) => Object.values(x.variables) as string[]);
        for (const [key, value] of Object.entries(w.environment)) expect(environment[key]).toEqual(value);
        // Start-time variables: the default, as no stage setting or context value is given; a required
        // one the context value.
        for (const [key, value] of Object.entries(w.startVariables ?? {}))
          expect(environment[key]).toEqual(value);
        for (const key of w.requiredStartVariables ?? [])
          expect(environment[key]).toEqual(plan.context![key]);
        // A TLS flag is true against the cloud's services.
        const tls = (w.connections ?? []).flatMap((x) => (x.tls !== undefined ? [x.tls as string] : []));
        for (const key of tls) expect(environment[key]).toBe('true');
        // Buckets, queues and tables: the variables named, and none of the SDK's own (the SDK finds the
        // endpoints, region and the task role's credentials itself).
        const reached = (w.resourceConnections ?? []).flatMap((x) => Object.values(x.variables) as string[]);
        expect(Object.keys(environment).filter((k) => k.startsWith('AWS_'))).toEqual([]);
        expect([...Object.keys(environment), ...secrets].sort()).toEqual(
          [
            ...Object.keys(w.environment),
            ...Object.keys(w.startVariables ?? {}),
            ...(w.requiredStartVariables ?? []),
            ...w.secrets.map((s) => s.key as string),
            ...connected,
            ...tls,
            ...reached,
          ].sort(),
        );
        expect((c.EnvironmentFiles ?? []).length).toBe((w.environmentFiles ?? []).length);
        expect(c.StopTimeout).toBe(w.stopGracePeriodSeconds);
        // Fargate cannot mount host paths: no bind mount reaches the cloud twin.
        for (const m of c.MountPoints ?? []) expect(m.ContainerPath).not.toMatch(/^\/twinstack-bind/);
        for (const s of w.secrets) expect(secrets).toContain(s.key);
      }
    });
    const conditional = plan.loadBalancers.flatMap((l) => l.routes).filter((r) => r.id !== 'fallback');
    expect(ofType('AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(conditional.length);
    const statefulServices = plan.workloads.filter((w) => w.stateful).length;
    expect(ofType('AWS::EFS::FileSystem')).toHaveLength(plan.volumes.length + statefulServices);
    // A stateful service: one task, and a deployment that stops it before starting the next.
    plan.workloads.forEach((w, i) => {
      if (!w.stateful) return;
      const [taskId] = ofType('AWS::ECS::TaskDefinition').find(([, r]) =>
        r.Properties.ContainerDefinitions.some((c: any) => c.Name === workloads[i].name && c.Essential),
      )!;
      const [, service] = ofType('AWS::ECS::Service').find(
        ([, r]) => r.Properties.TaskDefinition.Ref === taskId,
      )!;
      expect(service.Properties.DesiredCount).toBe(1);
      expect(service.Properties.DeploymentConfiguration).toMatchObject({
        MinimumHealthyPercent: 0,
        MaximumPercent: 100,
      });
    });
    const resourcesOf = (kind: string) => (plan.resources ?? []).filter((r) => r.kind === kind);
    const tagged = (type: string, tag: string) =>
      ofType(type).filter(([, r]) => (r.Properties.Tags ?? []).some((t: any) => t.Key === tag));
    expect(tagged('AWS::S3::Bucket', 'twinstack:bucket')).toHaveLength(resourcesOf('bucket').length);
    expect(ofType('AWS::SQS::Queue')).toHaveLength(
      resourcesOf('queue').reduce(
        (n, q) => n + (q.kind === 'queue' && q.deadLetterQueue === false ? 1 : 2),
        0,
      ),
    );
    expect(ofType('AWS::DynamoDB::GlobalTable')).toHaveLength(resourcesOf('table').length);
    expect(ofType('AWS::SNS::Topic')).toHaveLength(resourcesOf('topic').length);
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(
      resourcesOf('topic').reduce((n, t) => n + (t.kind === 'topic' ? (t.subscriptions ?? []).length : 0), 0),
    );

    const compose = fs.readFileSync(path.join(outdir, application.localTwinFiles.composeFile), 'utf8');
    expect(composeSchemaErrors(compose)).toEqual([]);
    const kinds = new Set((plan.resources ?? []).map((r) => r.kind));
    expect(Object.keys(parse(compose).services)).toHaveLength(
      plan.workloads.length +
        plan.loadBalancers.length +
        (plan.dataServices ?? []).length +
        // aws-init and one stand-in per kind, but moto serves the queues where there is a topic.
        (kinds.size ? 1 + kinds.size - (kinds.has('topic') && kinds.has('queue') ? 1 : 0) : 0),
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('valid models synthesize both twins into the cloud assembly', () => {
  checkProperty('valid models synthesize', fc.property(validPlanArb, checkCloudTwin), runs(20));
});
