import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Application, Image, Service } from '../../../constructs';
import { ParityError } from '../../../constructs/parity';
import { testApp } from '../../support/test-app';

// The synth-time parity check takes the compose document rendered from the model instead of parsing the
// compose file it just wrote (every example's file parses back to that document: all-examples.test.ts).
test('a compose file changed after it was written is parsed, and its drift fails synthesis', () => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const application = new Application(stack, 'shop');
  new Service(application, 'api', {
    image: Image.fromRegistry('nginx:1.27'),
    environment: { LOG_LEVEL: 'info' },
  });
  // Synthesized after the application (a later sibling) and before the parity check (on the App).
  attachCustomSynthesis(new Construct(stack, 'EditsTheComposeFile'), {
    onSynthesize: (session) => {
      const file = path.join(session.outdir, application.localTwinFiles.composeFile);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
    },
  });
  let thrown: unknown;
  try {
    app.synth();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ParityError);
  expect((thrown as ParityError).message).toContain('environment.LOG_LEVEL: cloud info, local debug');
});
