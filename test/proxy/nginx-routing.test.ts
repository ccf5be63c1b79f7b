/**
 * The local twin's reverse proxy against a REAL nginx: the configuration renderNginxConfig generates must route
 * every request to the route an ALB's listener rules would pick (see alb-reference.ts), and answer 404
 * `Not Found` where the load balancer's fixed default action would. Needs the `nginx` binary: run with
 * `npm run test:proxy`; it fails, never skips, when nginx is missing.
 */
import type * as http from 'http';
import { renderNginxConfig } from '../../constructs/compose/proxy-config';
import type { LoadBalancerSpec, RouteConditionsSpec, RouteSpec } from '../../constructs/model/spec';
import { albRoute, type ProbeRequest } from './alb-reference';
import {
  checkConfig,
  closeServer,
  findNginx,
  freePort,
  LOOPBACK,
  nginxVersion,
  send,
  startNginx,
  startRouteServer,
  type Echo,
  type RunningNginx,
} from './nginx-harness';

const NO_CONDITIONS: RouteConditionsSpec = {
  pathPatterns: [],
  hostHeaders: [],
  httpHeaders: {},
  queryStrings: [],
};

function route(
  name: string,
  priority: number | undefined,
  conditions: Partial<RouteConditionsSpec>,
  service = name,
  port = 8080,
): RouteSpec {
  return {
    name,
    path: `Test/Proxy/${name}`,
    service,
    port,
    conditions: { ...NO_CONDITIONS, ...conditions },
    ...(priority === undefined ? {} : { priority }),
    healthCheck: {
      path: '/health',
      port,
      healthyHttpCodes: '200',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
    },
    deregistrationDelaySeconds: 30,
  };
}

function loadBalancer(name: string, routes: RouteSpec[]): LoadBalancerSpec {
  return {
    name,
    path: `Test/Proxy/${name}`,
    internetFacing: true,
    httpPort: 80,
    localPort: 8080,
    localProxyImage: 'nginx:1.27',
    routes,
  };
}

/** Every condition kind, priorities that shadow each other, hostile values and a catch-all. */
const SHOP = loadBalancer('shop', [
  route('admin', 10, {
    hostHeaders: ['admin.example.com', 'admin-??.example.*'],
    pathPatterns: ['/admin', '/admin/*'],
  }),
  route(
    'api-beta',
    20,
    { pathPatterns: ['/api/*'], httpHeaders: { 'X-Channel': ['beta', 'canary-*'] } },
    'api',
    9090,
  ),
  route('api', 30, { pathPatterns: ['/api/*', '/v?/api'] }),
  route('preview', 40, {
    queryStrings: [{ key: 'preview', value: 'tru?' }, { value: '*draft*' }, { key: 'mode', value: 'a\\*b' }],
  }),
  route('tenant', 50, {
    hostHeaders: ['*.tenant.test'],
    httpHeaders: { 'X-Tenant': ['acme', 'glob*'], 'X-Plan': ['gold'] },
    queryStrings: [{ key: 'lang', value: 'e?' }],
  }),
  route('hostile', 60, { pathPatterns: ['/a;b{c}$d"e', '/p(a)r[e]n+s.x|y^z*'] }),
  route('evil-header', 70, { httpHeaders: { 'X-Evil': ['x;y}{z$w"v\''] } }),
  route('static', 80, { pathPatterns: ['*.css', '/assets/*.js'] }),
  route('web', undefined, {}),
]);

/** No catch-all: unmatched requests get the fixed 404. */
const DOCS = loadBalancer('docs', [
  route('docs', 1, { hostHeaders: ['docs.example.org'] }),
  route('search', 2, { pathPatterns: ['/search'], queryStrings: [{ key: 'q', value: '*' }] }),
  route('health', 3, { pathPatterns: ['/healthz'] }),
]);

const H = 'example.com';
const TENANT = { 'X-Tenant': 'acme', 'X-Plan': 'gold' };

const SHOP_REQUESTS: ProbeRequest[] = [
  { target: '/', host: H },
  { target: '/admin', host: 'admin.example.com' },
  { target: '/admin/users', host: 'ADMIN.Example.COM:8080' },
  { target: '/admin', host: 'admin-01.example.net' },
  { target: '/admin', host: 'admin-1.example.net' },
  { target: '/administrator', host: 'admin.example.com' },
  { target: '/Admin', host: 'admin.example.com' },
  { target: '/admin', host: 'other.example.com' },
  { target: '/api/users', host: H },
  { target: '/api/users', host: H, headers: { 'X-Channel': 'beta' } },
  { target: '/api/users', host: H, headers: { 'x-channel': 'BETA' } },
  { target: '/api/users', host: H, headers: { 'X-Channel': 'canary-7' } },
  { target: '/api/users', host: H, headers: { 'X-Channel': 'canary' } },
  { target: '/api/users', host: H, headers: { 'X-Channel': 'betamax' } },
  { target: '/api', host: H },
  { target: '/api/', host: H },
  { target: '/API/x', host: H },
  { target: '/v1/api', host: H },
  { target: '/v10/api', host: H },
  { target: '/v1/api?x=1', host: H },
  { target: '/x?preview=true', host: H },
  { target: '/x?preview=TRUE', host: H },
  { target: '/x?preview=trues', host: H },
  { target: '/x?a=1&preview=tru5&b=2', host: H },
  { target: '/x?foo=my-draft-post', host: H },
  { target: '/x?DRAFT', host: H },
  { target: '/x?mode=a*b', host: H },
  { target: '/x?mode=aXb', host: H },
  { target: '/api/x?preview=true', host: H },
  { target: '/?x=a&&preview=true', host: H },
  { target: '/?preview', host: H },
  { target: '/t?lang=en', host: 't1.tenant.test', headers: TENANT },
  { target: '/t?lang=eng', host: 't1.tenant.test', headers: TENANT },
  { target: '/t?lang=EN', host: 'T1.Tenant.Test:8443', headers: { ...TENANT, 'X-Tenant': 'Globex' } },
  { target: '/t?lang=en', host: 't1.tenant.test', headers: { 'X-Tenant': 'acme' } },
  { target: '/t?lang=en', host: 'tenant.test', headers: TENANT },
  { target: '/a;b{c}$d"e', host: H },
  { target: '/a;b{c}$d"eX', host: H },
  { target: '/a;b{c}$d"e?q=1', host: H },
  { target: '/p(a)r[e]n+s.x|y^z/any', host: H },
  { target: '/p(a)r[e]n+sXx|y^z', host: H },
  { target: '/evil', host: H, headers: { 'X-Evil': 'x;y}{z$w"v\'' } },
  { target: '/evil', host: H, headers: { 'X-Evil': 'X;Y}{Z$W"V\'' } },
  { target: '/evil', host: H, headers: { 'X-Evil': "x;y}{z$w\"v''" } },
  { target: '/style/site.css', host: H },
  { target: '/assets/app.js', host: H },
  { target: '/assets/deep/app.js', host: H },
  { target: '/assets/app.JS', host: H },
  { target: '/site.css?v=1', host: H },
  { target: '/api/site.css', host: H },
];

const DOCS_REQUESTS: ProbeRequest[] = [
  { target: '/', host: 'docs.example.org' },
  { target: '/anything?q=1', host: 'DOCS.example.org:443' },
  { target: '/search?q=nginx', host: H },
  { target: '/search?Q=', host: H },
  { target: '/search?q', host: H },
  { target: '/search', host: H },
  { target: '/search?x=1', host: H },
  { target: '/search/?q=1', host: H },
  { target: '/healthz', host: H },
  { target: '/healthz/', host: H },
  { target: '/', host: H },
  { target: '/docs', host: 'docs.example.org.evil' },
];

/** What the request looked like, for test names. */
function requestLine(r: ProbeRequest): string {
  const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return [`GET ${r.target}`, `Host: ${r.host}`, ...headers].join(' | ');
}

let nginxBinary: string | undefined;
let version = '';
const servers: http.Server[] = [];
const addresses = new Map<string, string>();
const running: RunningNginx[] = [];
let shop: RunningNginx;
let docs: RunningNginx;

/** Starts nginx with the configuration rendered for `lb`, listening on loopback only. */
async function serve(lb: LoadBalancerSpec): Promise<RunningNginx> {
  const port = await freePort();
  const generated = renderNginxConfig(lb, {
    upstream: (_service, _port) => addresses.get(routeOf(lb, _service, _port))!,
    listenPort: port,
  });
  // The container listens on every interface; this test binds the loopback address only.
  const listen = `    listen ${port};\n`;
  if (generated.split(listen).length !== 2) throw new Error(`expected exactly one "${listen.trim()}"`);
  const nginx = await startNginx(
    nginxBinary!,
    generated.replace(listen, `    listen ${LOOPBACK}:${port};\n`),
    port,
  );
  running.push(nginx);
  return nginx;
}

/** Each route gets its own server; routes are told apart by (service, port) in these specs. */
function routeOf(lb: LoadBalancerSpec, service: string, port: number): string {
  const matching = lb.routes.filter((r) => r.service === service && r.port === port);
  if (matching.length !== 1) throw new Error(`test specs must give each route its own service:port`);
  return `${lb.name}/${matching[0].name}`;
}

beforeAll(async () => {
  nginxBinary = findNginx(); // throws, failing every test, with the apt-get hint when nginx is missing
  version = nginxVersion(nginxBinary);
  for (const lb of [SHOP, DOCS]) {
    for (const r of lb.routes) {
      const { server, address } = await startRouteServer(r.name);
      servers.push(server);
      addresses.set(`${lb.name}/${r.name}`, address);
    }
  }
  shop = await serve(SHOP);
  docs = await serve(DOCS);
});

afterAll(async () => {
  await Promise.all(running.map((n) => n.stop()));
  await Promise.all(servers.map(closeServer));
});

test('runs against a real nginx', () => {
  expect(version).toMatch(/^nginx\/\d+\.\d+\.\d+/);
});

test('the request tables reach every route, and the 404 of a load balancer without catch-all', () => {
  expect(new Set(SHOP_REQUESTS.map((r) => albRoute(SHOP, r)))).toEqual(
    new Set(SHOP.routes.map((r) => r.name)),
  );
  expect(new Set(DOCS_REQUESTS.map((r) => albRoute(DOCS, r)))).toEqual(
    new Set([...DOCS.routes.map((r) => r.name), undefined]),
  );
  expect(SHOP_REQUESTS.length + DOCS_REQUESTS.length).toBeGreaterThanOrEqual(40);
});

describe('load balancer with a catch-all', () => {
  test.each(SHOP_REQUESTS.map((r) => [requestLine(r), r] as const))('%s', async (_name, request) => {
    const expected = albRoute(SHOP, request);
    const res = await send(shop.port, request.target, request.host, request.headers);
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body) as Echo;
    expect(echo.route).toBe(expected);
    expect(echo.url).toBe(request.target); // the raw request target reaches the service unchanged
  });
});

describe('load balancer without a catch-all', () => {
  test.each(DOCS_REQUESTS.map((r) => [requestLine(r), r] as const))('%s', async (_name, request) => {
    const expected = albRoute(DOCS, request);
    const res = await send(docs.port, request.target, request.host, request.headers);
    if (expected === undefined) {
      expect(res).toEqual({ status: 404, contentType: 'text/plain', body: 'Not Found' });
    } else {
      expect(res.status).toBe(200);
      expect((JSON.parse(res.body) as Echo).route).toBe(expected);
    }
  });
});

test('passes the request through like an ALB: Host, X-Forwarded-*, HTTP/1.1', async () => {
  const res = await send(shop.port, '/api/v1/items?id=7', 'shop.example.com:8080', {
    'X-Forwarded-For': '203.0.113.7',
    'X-Request-Id': 'abc',
    x_custom: 'kept',
  });
  const echo = JSON.parse(res.body) as Echo;
  expect(echo).toMatchObject({ route: 'api', method: 'GET', url: '/api/v1/items?id=7', httpVersion: '1.1' });
  expect(echo.headers).toMatchObject({
    host: 'shop.example.com:8080',
    'x-forwarded-for': `203.0.113.7, ${LOOPBACK}`,
    'x-forwarded-proto': 'http',
    'x-forwarded-port': String(shop.port),
    'x-request-id': 'abc',
    x_custom: 'kept',
  });
});

test('sets X-Forwarded-For to the client address when the client sent none', async () => {
  const echo = JSON.parse((await send(shop.port, '/', H)).body) as Echo;
  expect(echo.headers['x-forwarded-for']).toBe(LOOPBACK);
});

test('nginx accepts a configuration rendered from hostile names and values', async () => {
  const hostile = loadBalancer('lb"\n}\nerror_log /tmp/x;', [
    route('evil"\n}\nserver { listen 1; }', 1, {
      pathPatterns: ['/a;b{c}$d"e', "/'\\\n#"],
      hostHeaders: ['h;o{s}t$"\'.example'],
      httpHeaders: { 'X-Evil': ['x;y}{z$w"v\'\\', '#comment', '${host}'] },
      queryStrings: [{ key: 'k;{$"', value: 'v};$"\n' }, { value: '$1 \\" ;' }],
    }),
  ]);
  const generated = renderNginxConfig(hostile, {
    upstream: () => `${LOOPBACK}:9`,
    listenPort: await freePort(),
  });
  const result = checkConfig(nginxBinary!, generated);
  expect([result.ok, result.output]).toEqual([true, expect.stringContaining('syntax is ok')]);
});
