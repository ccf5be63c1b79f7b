import { renderEnvExample } from '../../../constructs/compose/compose-renderer';
import type { LocalTwin } from '../../../constructs/compose/compose-renderer';
import { renderNginxConfig } from '../../../constructs/compose/proxy-config';
import { writeYaml } from '../../../constructs/compose/yaml-writer';
import { ValidationError } from '../../../constructs/errors';
import type { LoadBalancerSpec } from '../../../constructs/model/spec';

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
  const lb = (pattern: string, name = 'web'): LoadBalancerSpec => ({
    name,
    path: `Stack/Shop/${name}`,
    internetFacing: true,
    httpPort: 80,
    localPort: 8080,
    localProxyImage: 'nginx:1.27',
    routes: [
      {
        name: 'api',
        path: 'Stack/Shop/web/api',
        service: 'api',
        port: 8080,
        priority: 10,
        conditions: { pathPatterns: [pattern], hostHeaders: [], httpHeaders: {}, queryStrings: [] },
        healthCheck: {
          path: '/health',
          port: 8080,
          healthyHttpCodes: '200',
          intervalSeconds: 30,
          timeoutSeconds: 5,
          healthyThreshold: 5,
          unhealthyThreshold: 2,
        },
        deregistrationDelaySeconds: 30,
      },
    ],
  });

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
