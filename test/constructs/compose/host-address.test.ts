import { parse } from 'yaml';
import {
  Application,
  Cache,
  CacheEngine,
  Image,
  LoadBalancer,
  Service,
  validateModel,
} from '../../../constructs';
import { expectValidationError } from '../../support/errors';
import { testStack } from '../../support/test-app';

// Published ports listen on this machine only unless the application says otherwise: a laptop's
// services are not reachable from the network it is on by default.

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const DIR = '/tmp';

function shop(localHostIp?: string) {
  const application = new Application(testStack(), 'shop', localHostIp === undefined ? {} : { localHostIp });
  const api = new Service(application, 'api', {
    image: IMAGE,
    ports: [{ containerPort: 8080, hostPort: 18080, protocol: 'http' }],
  });
  new Cache(application, 'cache', { engine: CacheEngine.redis('7.1'), hostPort: 16379 });
  const web = new LoadBalancer(application, 'web', { localPort: 8000 });
  web.addRoute('api', { service: api, healthCheck: { path: '/health' } });
  return application;
}

function publishedPorts(application: Application): Record<string, unknown> {
  const { services } = application.renderLocalTwin(DIR).compose;
  return Object.fromEntries(
    Object.entries(services)
      .filter(([, s]) => s.ports !== undefined)
      .map(([name, s]) => [name, s.ports]),
  );
}

test('by default every published port (workload, stand-in, proxy) listens on 127.0.0.1 only', () => {
  expect(publishedPorts(shop())).toEqual({
    api: ['127.0.0.1:18080:8080'],
    cache: ['127.0.0.1:16379:6379'],
    web: ['127.0.0.1:8000:80'],
  });
});

test("localHostIp '0.0.0.0' publishes on every interface, as the application chose", () => {
  expect(publishedPorts(shop('0.0.0.0'))).toEqual({
    api: ['0.0.0.0:18080:8080'],
    cache: ['0.0.0.0:16379:6379'],
    web: ['0.0.0.0:8000:80'],
  });
});

test('an IPv6 address is written in brackets, and YAML readers get the mapping back as a string', () => {
  const application = shop('::1');
  expect(publishedPorts(application).api).toEqual(['[::1]:18080:8080']);
  const yaml = application.renderLocalTwinFiles(DIR).compose;
  expect(parse(yaml).services.web.ports).toEqual(['[::1]:8000:80']);
});

test('the model records the address, and the whole-model rules check one read from a file', () => {
  const spec = shop().toSpec();
  expect(spec.localHostIp).toBe('127.0.0.1');
  const report = validateModel({ ...spec, localHostIp: 'localhost' });
  expect(report.errors.map((e) => `${e.prop}: ${e.message}`)).toEqual([
    expect.stringContaining('localHostIp'),
  ]);
});

test.each([['localhost'], ['127.0.0.1:80'], [''], [80]])(
  'localHostIp %j is rejected with a ValidationError',
  (ip) => {
    expectValidationError(
      () => new Application(testStack(), 'shop', { localHostIp: ip as never }),
      'Test/shop',
      'localHostIp',
      JSON.stringify(ip),
      'IPv4 or IPv6 address literal',
    );
  },
);
