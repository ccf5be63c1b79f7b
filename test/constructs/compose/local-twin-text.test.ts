import { Stack } from 'aws-cdk-lib';
import { renderEnvExample } from '../../../constructs/compose/compose-renderer';
import type { LocalTwin } from '../../../constructs/compose/compose-renderer';
import { renderNginxConfig } from '../../../constructs/compose/proxy-config';
import { writeYaml } from '../../../constructs/compose/yaml-writer';
import { ValidationError } from '../../../constructs/errors';
import type { LoadBalancerSpec } from '../../../constructs/model/spec';
import { Application, HealthCheck, Image, LoadBalancer, Service } from '../../../constructs';
import { testApp } from '../../support/test-app';

/**
 * The local twin's other text files mean the same to every reader too: the nginx configuration (carried
 * inside the compose file as a literal block) and `.env.example`, whose readers (compose's `.env` parsers,
 * Python's `splitlines`) end a line at more than `\n`.
 */

const SEPARATORS = ['\u2028', '\u2029', '\x85', '\x7f', '\ufffe', '\u{10ffff}', '\r', '\x0b', '\x1c'];

function twin(description: string, name = 'API_TOKEN'): LocalTwin {
  return { compose: { name: 'shop', services: {} }, variables: [{ name, description }] };
}

describe('.env.example', () => {
  test.each(SEPARATORS.map((c) => [JSON.stringify(c), c]))(
    'a description holding %s stays one comment line, the character escaped',
    (_shown, c) => {
      const text = renderEnvExample(twin(`field 'a${c}B=x' of secret 's'`));
      // Every line Python's splitlines (docker-compose 1.29) or a \n split (Compose v2) sees.
      // eslint-disable-next-line no-control-regex
      const lines = text.split(/\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/);
      expect(lines.filter((l) => /^[A-Za-z_]/.test(l))).toEqual(['API_TOKEN=']);
      expect(text).not.toContain(c);
      expect(text).toContain(`# field 'a\\`);
    },
  );

  test('a newline in a description cannot start an assignment', () => {
    const text = renderEnvExample(twin("field 'a\nEVIL=1' of secret 's'"));
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual(['API_TOKEN=']);
    expect(text).toContain("# field 'a\\x0aEVIL=1' of secret 's'");
  });

  test('a variable name no .env file can define is a ValidationError', () => {
    expect(() => renderEnvExample(twin('d', 'A B=1'))).toThrow(ValidationError);
    expect(() => renderEnvExample(twin('d', 'A\nB'))).toThrow(
      expect.objectContaining({ path: 'shop', prop: 'localVariable' }),
    );
  });
});

describe('the nginx configuration', () => {
  /**
   * The load balancer of an application, as the constructs record it, given the path pattern `pattern` as
   * plain data: the constructs accept only printable ASCII in route values; the renderer holds on its own.
   */
  const lb = (pattern: string): LoadBalancerSpec => {
    const application = new Application(new Stack(testApp(), 'Shop'), 'shop');
    const api = new Service(application, 'api', {
      image: Image.fromRegistry('nginx:1.27'),
      ports: [{ containerPort: 8080, protocol: 'http' }],
      healthCheck: HealthCheck.http({ port: 8080 }),
    });
    new LoadBalancer(application, 'web').addRoute('api', { service: api, pathPatterns: ['/x'] });
    const spec = application.toSpec().loadBalancers[0];
    return {
      ...spec,
      routes: spec.routes.map((r) => ({ ...r, conditions: { ...r.conditions, pathPatterns: [pattern] } })),
    };
  };

  test.each(SEPARATORS.map((c) => [JSON.stringify(c), c]))(
    'a route value holding %s is escaped in the regex and in the comment, so the file stays ASCII-safe',
    (_shown, c) => {
      const config = renderNginxConfig(lb(`/a${c}b/*`));
      expect(config).not.toContain(c);
      // The comment shows the value as JSON with an escape; the regex matches its UTF-8 bytes.
      expect(config).toMatch(/# "\/a\\(?:r|u[0-9a-f]{4}(?:\\u[0-9a-f]{4})?)b\/\*"/);
      // Carried in the compose file, it stays a readable literal block.
      expect(writeYaml({ content: config }, { owner: 't' })).toMatch(/^content: \|/);
    },
  );
});
