import { Stack } from 'aws-cdk-lib';
import { Application, Image, Service } from '../../../constructs';
import { ParityError } from '../../../constructs/parity';
import { PARITY_CONTEXT_KEY } from '../../../constructs/synthesis/parity-on-synth';
import { CDK_CONTEXT } from '../../support/test-app';
import { App } from 'aws-cdk-lib';

function appWithDrift(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CDK_CONTEXT, ...context }, builtinCloudFormationValidation: false });
  const application = new Application(new Stack(app, 'Shop'), 'shop');
  const api = new Service(application, 'api', {
    image: Image.fromRegistry('nginx:1.27'),
    environment: { LOG_LEVEL: 'info' },
  });
  // Bypasses the model: only the cloud twin gets the variable.
  api.container.addEnvironment('FEATURE_FLAG', 'on');
  return app;
}

test('synthesis fails with a ParityError naming the service and the field', () => {
  let thrown: unknown;
  try {
    appWithDrift().synth();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ParityError);
  const error = thrown as ParityError;
  expect(error.message).toContain("service 'api': environment.FEATURE_FLAG: cloud on, local (absent)");
  expect(error.message).toContain("application 'shop' (stack Shop)");
  expect(error.errors.map((e) => `${e.service} ${e.field}`)).toEqual(['api environment.FEATURE_FLAG']);
});

test(`context ${PARITY_CONTEXT_KEY}=false skips the check`, () => {
  expect(() => appWithDrift({ [PARITY_CONTEXT_KEY]: false }).synth()).not.toThrow();
});

test('an application whose twins agree synthesizes', () => {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  new Service(new Application(new Stack(app, 'Ok'), 'ok'), 'api', {
    image: Image.fromRegistry('nginx:1.27'),
  });
  expect(() => app.synth()).not.toThrow();
});
