import { Application, Image, Service } from '../../../../constructs';
import type { PortSpec } from '../../../../constructs/model/spec';
import { validateModel } from '../../../../constructs/model/validate';
import { expectValidationError } from '../../../support/errors';
import { applicationSpec, jobSpec, serviceSpec, specPath } from '../../../support/spec-builders';
import { testStack } from '../../../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const port = (name: string, containerPort = 8080): PortSpec => ({ name, containerPort, protocol: 'http' });

describe('Service Connect discovery names (port names) are unique in the application', () => {
  test('my-api and my_api both get my-api-8080: the second is rejected, naming both services', () => {
    const errors = validateModel(
      applicationSpec([
        serviceSpec('my-api', { ports: [port('my-api-8080')] }),
        serviceSpec('my_api', { ports: [port('my-api-8080')] }),
      ]),
    ).errors;
    expect(errors).toEqual([
      {
        path: specPath('my_api'),
        prop: 'ports[0].name',
        value: '"my-api-8080"',
        message: expect.stringContaining(
          `is also the Service Connect discovery name of port 8080 of service 'my-api' (${specPath('my-api')})`,
        ),
      },
    ]);
    expect(errors[0].message).toContain('Cloud Map namespace');
  });

  test('one name on two different container ports is still one discovery name', () => {
    const errors = validateModel(
      applicationSpec([
        serviceSpec('a', { ports: [port('shared')] }),
        serviceSpec('b', { ports: [port('shared', 9090)] }),
      ]),
    ).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: specPath('b'), prop: 'ports[0].name' });
  });

  test('a name given twice in one service is rejected with the eager check’s text', () => {
    const [error] = validateModel(
      applicationSpec([serviceSpec('a', { ports: [port('web', 80), port('web', 81)] })]),
    ).errors;
    expect(error).toMatchObject({
      prop: 'ports[1].name',
      message: 'is already the name of another port of this service',
    });
  });

  test('distinct names, and jobs, are fine', () => {
    const report = validateModel(
      applicationSpec([
        serviceSpec('my-api', { ports: [port('my-api-8080')] }),
        serviceSpec('my-web', { ports: [port('my-web-8080')] }),
        jobSpec('my_api-8080'),
      ]),
    );
    expect(report.errors).toEqual([]);
  });

  test('the constructor rejects the second service at once, with the same text', () => {
    const application = new Application(testStack(), 'shop');
    new Service(application, 'my-api', { image: IMAGE, ports: [{ containerPort: 8080 }] });
    expectValidationError(
      () => new Service(application, 'my_api', { image: IMAGE, ports: [{ containerPort: 8080 }] }),
      'shop/my_api: ports[0].name "my-api-8080" is also the Service Connect discovery name of port 8080 of service \'my-api\'',
      'give one of the ports another name',
    );
  });

  test('an explicit port name that another service already has is rejected at once', () => {
    const application = new Application(testStack(), 'shop');
    new Service(application, 'a', { image: IMAGE, ports: [{ containerPort: 80, name: 'web' }] });
    expectValidationError(
      () => new Service(application, 'b', { image: IMAGE, ports: [{ containerPort: 80, name: 'web' }] }),
      'ports[0].name "web" is also the Service Connect discovery name',
    );
    const other = new Application(testStack(), 'shop');
    new Service(other, 'a', { image: IMAGE, ports: [{ containerPort: 80, name: 'web' }] });
    new Service(other, 'c', { image: IMAGE, ports: [{ containerPort: 80, name: 'other' }] });
    expect(other.validate().errors).toEqual([]);
  });
});
