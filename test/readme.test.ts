import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as cdk from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import * as twinstack from '../constructs';
import { composeSchemaErrors } from './support/compose-schema';
import { CDK_CONTEXT, PROJECT_ROOT } from './support/test-app';

/** The README's API tour, run as written (with `twinstack` resolved to this checkout). */
function runTour(): { app: App; stack: Stack } {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /## A tour of the API\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no API tour code block');
  const js = ts.transpileModule(`${block[1]}\nexport { app, stack };`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  // The tour builds ./api and ./site; give them Dockerfiles with the stages it names, in a scratch directory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-readme-'));
  fs.mkdirSync(path.join(dir, 'api'));
  fs.writeFileSync(
    path.join(dir, 'api', 'Dockerfile'),
    'FROM node:22 AS build\nFROM node:22-slim AS production\n',
  );
  fs.mkdirSync(path.join(dir, 'site'));
  fs.writeFileSync(path.join(dir, 'site', 'Dockerfile.prod'), 'FROM nginx:stable-alpine\n');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const exports: { app?: App; stack?: Stack } = {};
    // The tour's `new App()` gets the project's feature flags and skips the slow validator, like every unit test.
    class TestApp extends cdk.App {
      constructor() {
        super({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
      }
    }
    const modules: Record<string, unknown> = { twinstack, 'aws-cdk-lib': { ...cdk, App: TestApp } };
    const requireShim = (name: string) => {
      if (!(name in modules)) throw new Error(`the README tour imports ${name}; add it to this test`);
      return modules[name];
    };
    new Function('require', 'exports', js)(requireShim, exports);
    return { app: exports.app!, stack: exports.stack! };
  } finally {
    process.chdir(cwd);
  }
}

test('the README tour synthesizes both twins as it describes', () => {
  const { app, stack } = runTour();
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName('Shop').template);
  template.resourceCountIs('AWS::ECS::Service', 3);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
    Priority: 10,
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
  });
  template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  template.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([
      Match.objectLike({ Name: 'api', DependsOn: [{ ContainerName: 'migrate', Condition: 'SUCCESS' }] }),
      Match.objectLike({ Name: 'migrate', Essential: false }),
    ]),
  });
  const composeText = fs.readFileSync(path.join(assembly.directory, 'Shop.shop.compose.yaml'), 'utf8');
  expect(composeSchemaErrors(composeText)).toEqual([]);
  const compose = parse(composeText);
  expect(Object.keys(compose.services)).toEqual(['api', 'migrate', 'site', 'web', 'worker']);
  expect(compose.services.web.ports).toEqual(['127.0.0.1:80:80']);
  expect(compose.services.worker.environment.API_URL).toBe('http://api:8080');
  expect(compose.services.worker.depends_on).toEqual({ api: { condition: 'service_healthy' } });
  expect(compose.services.api.depends_on).toEqual({
    migrate: { condition: 'service_completed_successfully' },
  });
  expect(compose.services.api.build.target).toBe('production');
  void stack;
});
