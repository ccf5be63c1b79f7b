import type * as http from 'http';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { Application, LoadBalancer } from '../../constructs';
import { addExamples } from '../../lib/examples';
import {
  cloudRouteTables,
  existingListenerRouteTable,
  RouteTable,
  specOfTable,
} from '../support/route-tables';
import { PROJECT_ROOT, testApp } from '../support/test-app';
import { albRoute, ProbeRequest } from './alb-reference';
import {
  closeServer,
  findNginx,
  freePort,
  RunningNginx,
  send,
  startNginx,
  startRouteServer,
} from './nginx-harness';

/**
 * Every example's local proxy, exactly as its compose file carries it, run in real nginx and compared
 * request by request with the listener rules read back from the example's CloudFormation template.
 */

const app = testApp();
const stacks = addExamples(app);
const assembly = app.synth();
const cases = stacks.flatMap((stack) =>
  stack.node
    .findAll()
    .filter((c): c is LoadBalancer => c instanceof LoadBalancer)
    .map((lb) => ({ stack, lb, application: Application.of(lb) })),
);

/** Requests that exercise each row of a route table: one matching it, and near misses. */
function probes(table: RouteTable): ProbeRequest[] {
  const fill = (pattern: string) => pattern.replace(/\*/g, 'x/y').replace(/\?/g, 'q');
  const out: ProbeRequest[] = [
    { target: '/', host: 'example.com' },
    { target: '/unrouted/path?x=1', host: 'example.com' },
  ];
  for (const row of table.rows) {
    const c = row.conditions;
    const host = c.hostHeaders.length ? fill(c.hostHeaders[0]).replace(/\//g, '') : 'example.com';
    const headers = Object.fromEntries(Object.entries(c.httpHeaders).map(([k, v]) => [k, fill(v[0])]));
    const query = c.queryStrings.map((q) => `${q.key ?? 'k'}=${fill(q.value)}`).join('&');
    for (const p of c.pathPatterns.length ? c.pathPatterns : ['/']) {
      const path = fill(p);
      out.push({ target: query ? `${path}?${query}` : path, host, headers });
      out.push({ target: path, host: 'other.example', headers: {} });
      out.push({ target: path.toUpperCase(), host, headers });
      out.push({ target: `${path}/deeper?z=1`, host, headers });
      out.push({ target: path.replace(/.$/, ''), host, headers });
    }
  }
  return out;
}

test('the examples have load balancers to check', () => {
  expect(cases.length).toBeGreaterThan(0);
});

describe.each(cases.map((c) => [`${c.stack.stackName}/${c.lb.name}`, c] as const))(
  '%s',
  (_name, { stack, lb, application }) => {
    const binary = findNginx();
    const servers: http.Server[] = [];
    let nginx: RunningNginx;
    let table: RouteTable;

    beforeAll(async () => {
      const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template).toJSON();
      // On an existing listener the template holds only the application's rules (see LoadBalancer listener).
      const tables = lb.onExistingListener
        ? [existingListenerRouteTable(template, lb.toSpec().httpPort)]
        : cloudRouteTables(template);
      expect(tables).toHaveLength(1);
      table = tables[0];
      // The proxy configuration exactly as the compose file carries it (compose turns `$$` back into `$`).
      const compose = parse(application.renderLocalTwinFiles(PROJECT_ROOT).compose);
      let config: string = compose.configs[`${lb.name}-nginx-conf`].content.replace(/\$\$/g, '$');
      for (const target of new Set(table.rows.map((r) => r.target).filter((t) => t !== '404'))) {
        const { server, address } = await startRouteServer(target);
        servers.push(server);
        const line = `server ${target};`;
        expect(config).toContain(line);
        config = config.split(line).join(`server ${address};`);
      }
      const port = await freePort();
      const listen = `listen ${lb.toSpec().httpPort};`;
      expect(config.split(listen)).toHaveLength(2);
      nginx = await startNginx(binary, config.replace(listen, `listen 127.0.0.1:${port};`), port);
    });

    afterAll(async () => {
      await nginx?.stop();
      await Promise.all(servers.map(closeServer));
    });

    test('routes every probe where the load balancer would', async () => {
      const spec = specOfTable(lb.name, table);
      const expected = (p: ProbeRequest) => {
        const name = albRoute(spec, p);
        const route = spec.routes.find((r) => r.name === name);
        return route ? `${route.service}:${route.port}` : '404';
      };
      const requests = probes(table);
      const results: string[] = [];
      for (const p of requests) {
        const response = await send(nginx.port, p.target, p.host, p.headers);
        const got =
          response.status === 404 && response.body.trim() === 'Not Found'
            ? '404'
            : JSON.parse(response.body).route;
        results.push(`${p.host}${p.target} -> ${got}`);
      }
      expect(results).toEqual(requests.map((p) => `${p.host}${p.target} -> ${expected(p)}`));
      // With several routes the probes reach more than one outcome; a lone catch-all takes every probe.
      const outcomes = new Set(results.map((r) => r.split(' -> ')[1])).size;
      if (spec.routes.length > 1) expect(outcomes).toBeGreaterThan(1);
      else expect(outcomes).toBe(1);
    });
  },
);
