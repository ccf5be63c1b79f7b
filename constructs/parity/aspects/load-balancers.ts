import { renderNginxConfig } from '../../compose/proxy-config';
import type { LoadBalancerSpec } from '../../model/spec';
import { compareStrings } from '../../model/order';
import type { CloudLoadBalancer } from '../cloud-twin';
import { literal, PROXY_CONFIG_TARGET, type ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { hostAddressProblem } from './ports';
import { ParityEntry, problem, same, standIn } from '../parity-report';
import { describeRow, modelRows, pairLoadBalancers } from './load-balancer-pairing';

/**
 * Names of the local proxies that stand in for load balancers: the model's load balancers, or without a
 * model the compose services that mount a proxy configuration.
 */
export function proxyNames(ctx: ParityContext): ReadonlySet<string> {
  if (ctx.spec) return new Set(ctx.spec.loadBalancers.map((lb) => lb.name));
  return new Set(
    [...ctx.local.services]
      .filter(([, s]) => s?.configs.some((c) => c.target === PROXY_CONFIG_TARGET))
      .map(([n]) => n),
  );
}

/**
 * Compares every load balancer of the cloud twin with its local proxy: with the model, each of the model's
 * load balancers (listener, proxy configuration, routes); without it, only that a proxy publishes each
 * listener port.
 */
export function compareLoadBalancers(ctx: ParityContext, proxies: ReadonlySet<string>): ParityEntry[] {
  const cloud = ctx.cloud.twin;
  const spec = ctx.spec;
  const entries: ParityEntry[] = [];
  if (spec) {
    // Load balancers without routes can be paired only with the model's own route-less ones.
    const routeless = spec.loadBalancers.filter((lb) => lb.routes.length === 0);
    const unmatched = cloud.loadBalancers.filter((c) => !c.routeless);
    const pairs = new Map([
      ...pairLoadBalancers(
        spec.loadBalancers.filter((lb) => lb.routes.length > 0),
        unmatched,
      ),
      ...pairLoadBalancers(
        routeless,
        cloud.loadBalancers.filter((c) => c.routeless),
      ),
    ]);
    for (const lb of [...spec.loadBalancers].sort((a, b) => compareStrings(a.name, b.name))) {
      const paired = pairs.get(lb);
      if (paired && unmatched.includes(paired)) unmatched.splice(unmatched.indexOf(paired), 1);
      entries.push(..._compareLoadBalancer(ctx, lb, paired));
    }
    for (const extra of unmatched) {
      entries.push(
        problem(
          extra.logicalId,
          'presence',
          _describeLb(extra),
          undefined,
          'a load balancer of the cloud twin has no local proxy in the model',
        ),
      );
    }
    return entries;
  }
  // Without the model, a load balancer without routes is taken for the application's when it has services.
  for (const lb of cloud.loadBalancers.filter((c) => !c.routeless || cloud.services.length > 0)) {
    // Rules of an existing listener have no port to match: any proxy may stand in for them.
    const proxy = [...proxies].find(
      (p) =>
        lb.existingListener ||
        (ctx.local.services.get(p)?.published ?? []).map((port) => port.container).includes(lb.port ?? -1),
    );
    entries.push(
      proxy
        ? standIn(
            proxy,
            'load balancer',
            _describeLb(lb),
            _describeProxy(ctx.local.services.get(proxy)!),
            'load-balancer',
            'the local proxy stands in for the load balancer',
          )
        : problem(
            lb.logicalId,
            'presence',
            _describeLb(lb),
            undefined,
            'no local proxy service publishes the listener port',
          ),
    );
  }
  if (cloud.loadBalancers.length > 0)
    ctx.notes.push('routes were not compared: they are checked against the model, and no model was given');
  return entries;
}

function _compareLoadBalancer(
  ctx: ParityContext,
  lb: LoadBalancerSpec,
  cloud: CloudLoadBalancer | undefined,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const proxy = ctx.local.services.get(lb.name);
  if (!cloud)
    return [
      problem(
        lb.name,
        'presence',
        undefined,
        proxy ? _describeProxy(proxy) : undefined,
        'the model has a load balancer the template does not',
      ),
    ];
  if (!proxy)
    return [
      problem(
        lb.name,
        'presence',
        _describeLb(cloud),
        undefined,
        'the local twin has no proxy service for the load balancer',
      ),
    ];
  out.push(
    standIn(
      lb.name,
      'presence',
      _describeLb(cloud),
      _describeProxy(proxy),
      'load-balancer',
      'the local proxy applies the same rules as the listener',
    ),
  );
  out.push(
    lb.existingListener ? _compareExistingListener(lb, cloud, proxy) : _compareListener(lb, cloud, proxy),
  );
  out.push(_compareProxyConfig(ctx, lb, proxy));
  const listening = proxy.published.find((p) => p.host === lb.localPort && p.container === lb.httpPort);
  const wrongAddress = listening && hostAddressProblem(ctx, listening.hostIp);
  if (wrongAddress)
    out.push(
      problem(
        lb.name,
        'localHostIp',
        'not published',
        `${listening.hostIp ?? '*'}:${listening.host}:${listening.container}`,
        wrongAddress,
      ),
    );

  const model = modelRows(lb.routes, lb.existingListener);
  // On an existing listener of the template (a platform's, in the same stack), its owner's rules and
  // default action are not the application's: only the rules to the application's services are compared.
  const targets = new Set(model.map((r) => r.target));
  const cloudRoutes = lb.existingListener
    ? cloud.routes.filter((r) => r.priority !== undefined && targets.has(r.target))
    : cloud.routes;
  const rows = Math.max(model.length, cloudRoutes.length);
  let equal = true;
  for (let n = 0; n < rows; n++) {
    const c = cloudRoutes[n];
    const m = model[n];
    const ct = c ? describeRow(c) : undefined;
    const mt = m ? describeRow(m) : undefined;
    if (ct !== mt) {
      equal = false;
      out.push(problem(lb.name, `routes[${n}]`, ct, mt, 'the listener rule and the proxy route differ'));
    }
  }
  if (equal)
    out.push(same(lb.name, 'routes', model.map(describeRow).join('; '), model.map(describeRow).join('; ')));
  return out;
}

function _compareListener(
  lb: LoadBalancerSpec,
  cloud: CloudLoadBalancer,
  proxy: ComposeService,
): ParityEntry {
  const listener = lb.httpsPort ?? lb.httpPort;
  const published = proxy.published;
  const expected = published.some((p) => p.host === lb.localPort && p.container === lb.httpPort);
  const cloudPorts = cloud.listenerPorts.join(', ');
  const localPorts = published.map((p) => `${p.host}:${p.container}`).join(', ');
  if (cloud.port !== listener)
    return problem(lb.name, 'listener', cloudPorts, localPorts, `the model's listener port is ${listener}`);
  if (!expected)
    return problem(
      lb.name,
      'listener',
      cloudPorts,
      localPorts,
      `the proxy must publish localhost:${lb.localPort} on the HTTP port ${lb.httpPort}`,
    );
  if (lb.httpsPort === undefined && lb.localPort === lb.httpPort && cloud.listenerPorts.length === 1)
    return same(lb.name, 'listener', cloudPorts, localPorts);
  return standIn(
    lb.name,
    'listener',
    cloudPorts,
    localPorts,
    'listener-port',
    lb.httpsPort !== undefined
      ? 'HTTPS in the cloud; the proxy serves the same routes over plain HTTP'
      : `the proxy is published on the model's localPort ${lb.localPort}`,
  );
}

function _compareExistingListener(
  lb: LoadBalancerSpec,
  cloud: CloudLoadBalancer,
  proxy: ComposeService,
): ParityEntry {
  const cloudPorts = cloud.existingListener ? 'an existing listener' : `${cloud.listenerPorts.join(', ')}`;
  const localPorts = proxy.published.map((p) => `${p.host}:${p.container}`).join(', ');
  if (!proxy.published.some((p) => p.host === lb.localPort && p.container === lb.httpPort))
    return problem(
      lb.name,
      'listener',
      cloudPorts,
      localPorts,
      `the proxy must publish localhost:${lb.localPort} on the HTTP port ${lb.httpPort}`,
    );
  return standIn(
    lb.name,
    'listener',
    cloudPorts,
    localPorts,
    'listener-port',
    "rules of an existing listener, whose ports and default action are its owner's; the proxy serves the same routes on the model's localPort and answers the rest with 404",
  );
}

function _compareProxyConfig(ctx: ParityContext, lb: LoadBalancerSpec, proxy: ComposeService): ParityEntry {
  const config = proxy.configs.find((c) => c.target === PROXY_CONFIG_TARGET);
  const content = config ? ctx.local.inlineConfigs.get(config.source) : undefined;
  if (config === undefined || content === undefined)
    return problem(
      lb.name,
      'proxyConfig',
      undefined,
      undefined,
      `the proxy mounts no configuration at ${PROXY_CONFIG_TARGET}`,
    );
  if (literal(content) !== renderNginxConfig(lb))
    return problem(
      lb.name,
      'proxyConfig',
      'rendered from the routes',
      `configs.${config.source}`,
      'the proxy configuration is not the one rendered from the routes',
    );
  return same(lb.name, 'proxyConfig', 'rendered from the routes', `configs.${config.source}`);
}

function _describeLb(lb: CloudLoadBalancer): string {
  if (lb.existingListener) return `rules of ${lb.logicalId}`;
  return `ALB ${lb.logicalId}${lb.scheme ? ` (${lb.scheme})` : ''}, listeners ${lb.listenerPorts.join(', ')}`;
}

function _describeProxy(s: ComposeService): string {
  return `proxy ${s.image ?? ''}, published ${s.published.map((p) => `${p.host}:${p.container}`).join(', ')}`;
}
