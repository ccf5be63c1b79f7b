import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { Application, Dependency, Image, Job, Service, StartVariable, Volume } from '../../constructs';
import { forDockerCompose129 } from '../../constructs/compose/compatibility';
import { checkParity } from '../../constructs/parity';
import { composeSchemaErrors } from '../support/compose-schema';
import { testApp } from '../support/test-app';
import { controlTowerFindings } from '../support/control-tower';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const FIXTURE = 'test/fixtures/mounts-variables';

function synth(context: Record<string, unknown> = {}) {
  const app = testApp();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const stack = new Stack(app, 'Mv');
  const application = new Application(stack, 'mv');
  const api = new Service(application, 'api', {
    image: Image.fromDirectory(`${FIXTURE}/app`),
    environment: {
      PLAIN: 'a$b',
      LOG_LEVEL: StartVariable.named('LOG_LEVEL', { default: 'in$fo' }),
      REGION_NAME: StartVariable.named('REGION_NAME'),
      FEATURE_FLAGS: StartVariable.named('FEATURE_FLAGS', {
        default: 'none',
        parameterName: '/mv/feature-flags',
      }),
    },
    environmentFiles: [`${FIXTURE}/app.env`, `${FIXTURE}/more.env`],
    bindMounts: [
      { source: `${FIXTURE}/app/src`, path: '/app/src', selinux: 'shared' },
      { source: `${FIXTURE}/nginx.conf`, path: '/etc/nginx/nginx.conf', readOnly: true },
    ],
  });
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName('Mv').template);
  const file = path.join(assembly.directory, application.localTwinFiles.composeFile);
  const text = fs.readFileSync(file, 'utf8');
  const envExample = fs.readFileSync(
    path.join(assembly.directory, application.localTwinFiles.envExampleFile),
    'utf8',
  );
  return {
    api,
    stack,
    template,
    text,
    compose: parse(text),
    composeDirectory: path.dirname(file),
    envExample,
  };
}

const twins = synth({ REGION_NAME: 'eu-west-1' });

test('locally: bind mounts in long syntax relative to the compose file, valid against the specification', () => {
  const volumes = twins.compose.services.api.volumes;
  const rel = (p: string) => path.relative(twins.composeDirectory, path.resolve(p)).split(path.sep).join('/');
  expect(volumes).toEqual([
    { type: 'bind', source: rel(`${FIXTURE}/app/src`), target: '/app/src', bind: { selinux: 'z' } },
    { type: 'bind', source: rel(`${FIXTURE}/nginx.conf`), target: '/etc/nginx/nginx.conf', read_only: true },
  ]);
  for (const v of volumes) expect(fs.existsSync(path.resolve(twins.composeDirectory, v.source))).toBe(true);
  expect(composeSchemaErrors(twins.text)).toEqual([]);
});

test('locally: start-time variables are interpolated, literals escaped, and listed in .env.example', () => {
  const env = twins.compose.services.api.environment;
  expect(env.PLAIN).toBe('a$$b');
  expect(env.LOG_LEVEL).toBe('${LOG_LEVEL:-in$$fo}');
  expect(env.REGION_NAME).toBe('${REGION_NAME:?REGION_NAME must be set}');
  expect(twins.envExample).toMatch(/\nLOG_LEVEL=\n/);
  expect(twins.envExample).toMatch(/\nREGION_NAME=\n/);
});

test('locally: env_file relative to the compose file; the values stay in the file', () => {
  const [file] = twins.compose.services.api.env_file;
  expect(fs.readFileSync(path.resolve(twins.composeDirectory, file), 'utf8')).toContain('FEATURE_X=on');
  expect(twins.text).not.toContain('FEATURE_X');
});

test('in the cloud: the synth-time values, an S3 environment file, no host mounts', () => {
  const [task] = Object.values(twins.template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const main = task.Properties.ContainerDefinitions.find((c: any) => c.Name === 'api');
  expect(main.Environment).toEqual(
    expect.arrayContaining([
      { Name: 'LOG_LEVEL', Value: 'in$fo' },
      { Name: 'REGION_NAME', Value: 'eu-west-1' },
      { Name: 'PLAIN', Value: 'a$b' },
    ]),
  );
  expect(main.EnvironmentFiles).toHaveLength(2);
  expect(main.EnvironmentFiles.map((f: any) => f.Type)).toEqual(['s3', 's3']);
  expect(main.MountPoints ?? []).toEqual([]);
  expect(JSON.stringify(twins.template.toJSON())).not.toContain('FEATURE_X');
  expect(JSON.stringify(twins.template.toJSON())).not.toContain('MORE_ITEMS');
});

test('in the cloud: the execution role may fetch exactly the environment files, which ECS needs to start', () => {
  const [task] = Object.values(twins.template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const main = task.Properties.ContainerDefinitions.find((c: any) => c.Name === 'api');
  const executionRole = task.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
  const policies = Object.values(twins.template.findResources('AWS::IAM::Policy')) as any[];
  const statements = policies
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === executionRole))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const objectKeys = (value: any) =>
    [...JSON.stringify(value).matchAll(/[0-9a-f]{64}\.env/g)].map((m) => m[0]);
  const fetched = statements
    .filter((s: any) => s.Action === 's3:GetObject')
    .flatMap((s: any) => objectKeys(s.Resource));
  expect(fetched.sort()).toEqual(main.EnvironmentFiles.flatMap((f: any) => objectKeys(f.Value)).sort());
  expect(new Set(fetched).size).toBe(2);
  expect(statements.filter((s: any) => s.Action === 's3:GetBucketLocation')).not.toHaveLength(0);
  // Nothing broader than those objects.
  for (const s of statements.filter((s: any) => String(s.Action).startsWith('s3:')))
    expect(JSON.stringify(s.Resource)).not.toContain('/*');
});

test('a directory bind mount over the WORKDIR or a COPY destination is a warning', () => {
  Annotations.fromStack(twins.stack).hasWarning(
    '/Mv/mv/api',
    Match.stringLikeRegexp("hides what the image puts there \\(COPY /app/src.*the cloud twin the image's"),
  );
});

test('an SSM parameter: read by ECS when a task starts in the cloud, interpolated with its default locally', () => {
  expect(twins.compose.services.api.environment.FEATURE_FLAGS).toBe('${FEATURE_FLAGS:-none}');
  const [task] = Object.values(twins.template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const main = task.Properties.ContainerDefinitions.find((c: any) => c.Name === 'api');
  expect(main.Environment.map((e: any) => e.Name)).not.toContain('FEATURE_FLAGS');
  const secret = main.Secrets.find((s: any) => s.Name === 'FEATURE_FLAGS');
  expect(JSON.stringify(secret.ValueFrom)).toMatch(/:parameter\/mv\/feature-flags"/);
  // The execution role may read that parameter, and no other.
  const executionRole = task.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
  const statements = (Object.values(twins.template.findResources('AWS::IAM::Policy')) as any[])
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === executionRole))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const ssm = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ssm:')));
  expect(ssm).toHaveLength(1);
  expect([ssm[0].Action].flat()).toContain('ssm:GetParameters');
  expect(JSON.stringify(ssm[0].Resource)).toMatch(/:parameter\/mv\/feature-flags"/);
  expect(twins.api.toSpec().startVariables?.FEATURE_FLAGS).toEqual({
    variable: 'FEATURE_FLAGS',
    default: 'none',
    cloudSource: 'ssm-parameter',
    parameterName: '/mv/feature-flags',
  });
});

test('an SSM parameter wins over a stage setting and the context: the cloud reads it when a task starts', () => {
  const fromContext = synth({ REGION_NAME: 'x', FEATURE_FLAGS: 'all' });
  const main = (Object.values(fromContext.template.findResources('AWS::ECS::TaskDefinition'))[0] as any)
    .Properties.ContainerDefinitions[0];
  expect(main.Environment.map((e: any) => e.Name)).not.toContain('FEATURE_FLAGS');
  expect(main.Secrets.map((s: any) => s.Name)).toContain('FEATURE_FLAGS');
});

test('a stage setting wins over the context, and the context over the default', () => {
  const fromContext = synth({ REGION_NAME: 'x', LOG_LEVEL: 'debug' });
  const main = (Object.values(fromContext.template.findResources('AWS::ECS::TaskDefinition'))[0] as any)
    .Properties.ContainerDefinitions[0];
  expect(main.Environment).toContainEqual({ Name: 'LOG_LEVEL', Value: 'debug' });
  expect(fromContext.api.toSpec().startVariables?.LOG_LEVEL.cloudSource).toBe('context');
});

test('docker-compose 1.29 gets the relabel flag in short syntax', () => {
  const twin = forDockerCompose129(twins.compose);
  expect(twin.compose.services.api.volumes).toContainEqual(expect.stringMatching(/app\/src:\/app\/src:z$/));
});

function service(props: Record<string, unknown>, context: Record<string, unknown> = {}) {
  const app = testApp();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const application = new Application(new Stack(app, 'S'), 'bad');
  return () => new Service(application, 'api', { image: Image.fromRegistry('nginx:1.27'), ...props } as any);
}

test('a required start-time variable without a cloud value is a ValidationError naming the ways to give it', () => {
  expectValidationError(
    service({ environment: { REGION: StartVariable.named('REGION') } }),
    'environment.REGION',
    'stage setting',
    'cdk synth -c REGION=',
    'default',
  );
});

test('bad variable names, defaults, sources, paths and overlaps are ValidationErrors', () => {
  expectValidationError(
    service({ environment: { A: StartVariable.named('1BAD', { default: 'x' }) } }),
    'variable',
  );
  expectValidationError(
    service({ environment: { A: StartVariable.named('A', { default: 'a}b' }) } }),
    'environment.A.default',
  );
  for (const [name, why] of [
    ['shop/level', "starts with '/'"],
    ['/shop level', 'SSM parameter name'],
    ['', 'SSM parameter name'],
    ['/aws/reserved', 'reserves'],
    ['ssm-level', 'reserves'],
    ['/shop//level', 'SSM parameter name'],
    [`/${'p'.repeat(1011)}`, 'SSM parameter name'],
  ])
    expectValidationError(
      service({ environment: { A: StartVariable.named('A', { parameterName: name }) } }),
      'environment.A.parameterName',
      why,
    );
  // A required variable read from SSM needs no value at synth: ECS reads it when a task starts.
  expect(
    service({ environment: { A: StartVariable.named('A', { parameterName: '/shop/a' }) } }),
  ).not.toThrow();
  expectValidationError(service({ bindMounts: [{ source: './missing-dir', path: '/x' }] }), 'does not exist');
  expectValidationError(service({ bindMounts: [{ source: '/etc', path: '/x' }] }), 'relative');
  expectValidationError(service({ bindMounts: [{ source: FIXTURE, path: 'x/../y' }] }), 'bindMounts[0].path');
  expectValidationError(
    service({ bindMounts: [{ source: FIXTURE, path: '/a/../b' }] }),
    'bindMounts[0].path',
  );
  expectValidationError(
    service({ bindMounts: [{ source: FIXTURE, path: '/x', selinux: 'yes' }] }),
    'bindMounts[0].selinux',
  );
  expectValidationError(
    service({
      bindMounts: [
        { source: FIXTURE, path: '/x' },
        { source: FIXTURE, path: '/x/' },
      ],
    }),
    'already a mount point',
  );
  expectValidationError(
    service({ environmentFiles: ['./missing.env'] }),
    'environmentFiles[0]',
    'does not exist',
  );
  expectValidationError(
    service({ environmentFiles: [`${FIXTURE}/app.env`], environment: { FEATURE_X: 'off' } }),
    'FEATURE_X',
    'already set',
  );
});

test('a volume and a bind mount at one path is a ValidationError', () => {
  const app = testApp();
  const application = new Application(new Stack(app, 'S'), 'bad');
  const data = new Volume(application, 'data');
  expectValidationError(
    () =>
      new Service(application, 'api', {
        image: Image.fromRegistry('nginx:1.27'),
        mounts: [{ volume: data, path: '/data' }],
        bindMounts: [{ source: FIXTURE, path: '/data' }],
      }),
    'already a mount point',
  );
});

describe('parity', () => {
  const check = (compose: any, template: any = twins.template.toJSON()) =>
    checkParity(template, compose, twins.api.application.toSpec(), {
      composeDirectory: twins.composeDirectory,
    });
  const entries = (report: any, field: string) => report.entries.filter((e: any) => e.field === field);
  const edit = (f: (api: any) => void) => {
    const doc = structuredClone(twins.compose);
    f(doc.services.api);
    return doc;
  };

  test('the twins agree, each input reported as its stand-in', () => {
    const report = check(twins.compose);
    expect(report.errors).toEqual([]);
    expect(entries(report, 'volumes[/app/src]')[0]).toMatchObject({
      kind: 'stand-in',
      standIn: 'bind-mount',
    });
    expect(entries(report, 'environment.LOG_LEVEL')[0]).toMatchObject({
      kind: 'stand-in',
      standIn: 'start-variable',
    });
    expect(entries(report, 'environmentFiles')[0]).toMatchObject({
      kind: 'stand-in',
      standIn: 'environment-file',
    });
  });

  test.each([
    ['a bind mount dropped locally', (api: any) => (api.volumes = api.volumes.slice(1)), 'volumes[/app/src]'],
    [
      'a bind mount made writable',
      (api: any) => delete api.volumes[1].read_only,
      'volumes[/etc/nginx/nginx.conf]',
    ],
    [
      'another default',
      (api: any) => (api.environment.LOG_LEVEL = '${LOG_LEVEL:-warn}'),
      'environment.LOG_LEVEL',
    ],
    [
      'a literal instead',
      (api: any) => (api.environment.REGION_NAME = 'eu-west-1'),
      'environment.REGION_NAME',
    ],
    ['env_file dropped', (api: any) => delete api.env_file, 'environmentFiles'],
    [
      'an SSM-backed variable made a literal',
      (api: any) => (api.environment.FEATURE_FLAGS = 'none'),
      'environment.FEATURE_FLAGS',
    ],
  ])('broken local twin: %s', (_what, f, field) => {
    const report = check(edit(f));
    expect(report.errors.map((d: any) => d.field)).toContain(field);
  });

  test('the SSM-backed variable is the start-variable stand-in, read from its parameter', () => {
    expect(entries(check(twins.compose), 'environment.FEATURE_FLAGS')[0]).toMatchObject({
      kind: 'stand-in',
      standIn: 'start-variable',
      cloud: 'SSM parameter /mv/feature-flags (when a task starts)',
    });
  });

  test.each([
    [
      'the parameter secret dropped',
      (c: any) => (c.Secrets = c.Secrets.filter((s: any) => s.Name !== 'FEATURE_FLAGS')),
    ],
    [
      'another parameter',
      (c: any) => {
        const s = c.Secrets.find((x: any) => x.Name === 'FEATURE_FLAGS');
        s.ValueFrom = JSON.parse(JSON.stringify(s.ValueFrom).replace('/mv/feature-flags', '/mv/other'));
      },
    ],
    [
      'a synth-time value instead',
      (c: any) => {
        c.Secrets = c.Secrets.filter((s: any) => s.Name !== 'FEATURE_FLAGS');
        c.Environment.push({ Name: 'FEATURE_FLAGS', Value: 'none' });
      },
    ],
  ])('broken cloud twin: %s', (_what, f) => {
    const template = structuredClone(twins.template.toJSON());
    for (const r of Object.values(template.Resources) as any[])
      if (r.Type === 'AWS::ECS::TaskDefinition')
        for (const c of r.Properties.ContainerDefinitions) if (c.Name === 'api') f(c);
    expect(check(twins.compose, template).errors.map((d: any) => d.field)).toContain(
      'environment.FEATURE_FLAGS',
    );
  });

  test('broken cloud twin: the environment file dropped', () => {
    const template = structuredClone(twins.template.toJSON());
    for (const r of Object.values(template.Resources) as any[])
      if (r.Type === 'AWS::ECS::TaskDefinition')
        for (const c of r.Properties.ContainerDefinitions) delete c.EnvironmentFiles;
    expect(check(twins.compose, template).errors.map((d: any) => d.field)).toContain('environmentFiles');
  });
});

test('cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls stay clean with the environment file', () => {
  for (const pack of [new AwsSolutionsChecks(), new NIST80053R5Checks()]) {
    expect(pack.validateScope(twins.stack).violations.map((v) => v.ruleName)).toEqual([]);
  }
  const findings = controlTowerFindings((stack) => {
    const application = new Application(stack, 'mv');
    new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      environmentFiles: [`${FIXTURE}/app.env`],
    });
  });
  expect(findings).toEqual([]);
});

test('a job in its dependents’ tasks gets the start-time value and the file there, and the twins agree', () => {
  const app = testApp();
  const stack = new Stack(app, 'J');
  const application = new Application(stack, 'j');
  const migrate = new Job(application, 'migrate', {
    image: Image.fromRegistry('busybox:1.37'),
    environment: {
      MODE: StartVariable.named('MODE', { default: 'up' }),
      BATCH: StartVariable.named('BATCH', { parameterName: 'migrate-batch' }),
    },
    environmentFiles: [`${FIXTURE}/app.env`],
    bindMounts: [{ source: `${FIXTURE}/app/src`, path: '/src', readOnly: true }],
  });
  new Service(application, 'api', {
    image: Image.fromRegistry('nginx:1.27'),
    dependsOn: [Dependency.completedSuccessfully(migrate)],
  });
  const template = Template.fromJSON(app.synth().getStackByName('J').template);
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const job = task.Properties.ContainerDefinitions.find((c: any) => c.Name === 'migrate');
  expect(job.Environment).toContainEqual({ Name: 'MODE', Value: 'up' });
  expect(job.EnvironmentFiles).toHaveLength(1);
  const batch = job.Secrets.find((s: any) => s.Name === 'BATCH');
  expect(JSON.stringify(batch.ValueFrom)).toMatch(/:parameter\/migrate-batch"/);
});
