import type { ApplicationSpec, RouteSpec } from '../constructs/model/spec';
import { compareStrings } from '../constructs/model/order';

/** Formats `twinstack graph` writes. */
export type GraphFormat = 'mermaid' | 'dot';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly shape: 'service' | 'job' | 'volume' | 'secret' | 'load-balancer' | 'data-service' | 'aws-resource';
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly style: 'solid' | 'dotted';
}

interface DataServiceLike {
  readonly name: string;
  readonly kind?: string;
  readonly version?: string;
  readonly cloud?: string;
}

/**
 * A diagram of an application: its services, jobs, data services, buckets, queues, topics, tables, volumes,
 * secrets and load balancers, with access edges labelled with the declared access, topics' deliveries to
 * their queues,
 * with the routes (by condition), dependencies (by condition), mounts (by path), secret variables and
 * data-service connections between them. Deterministic: nodes and edges sorted.
 */
export function renderGraph(app: ApplicationSpec, format: GraphFormat): string {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  for (const lb of app.loadBalancers) {
    const port = lb.httpsPort !== undefined ? `HTTPS ${lb.httpsPort}` : `HTTP ${lb.httpPort}`;
    nodes.push({
      id: id('lb', lb.name),
      label: `${lb.name}\nload balancer, ${port}\nlocally: proxy on localhost:${lb.localPort}`,
      shape: 'load-balancer',
    });
    for (const r of lb.routes) {
      edges.push({
        from: id('lb', lb.name),
        to: id('w', r.service),
        label: `${describeRoute(r)} :${r.port}`,
        style: 'solid',
      });
    }
  }
  for (const w of app.workloads) {
    const count = w.autoScaling
      ? `${w.autoScaling.minCapacity}-${w.autoScaling.maxCapacity} tasks`
      : `${w.desiredCount} task${w.desiredCount === 1 ? '' : 's'}`;
    const ports = w.ports.map((p) => p.containerPort).join(', ');
    nodes.push({
      id: id('w', w.name),
      label: `${
        w.kind === 'job'
          ? `${w.name}\n${jobRun(w)}`
          : `${w.name}\nservice, ${count}${ports ? `\nports ${ports}` : ''}`
      }${w.profile !== undefined ? `\nprofile ${w.profile}${(app.profiles ?? []).includes(w.profile) ? '' : ' (not deployed)'}` : ''}`,
      shape: w.kind === 'job' ? 'job' : 'service',
    });
    for (const d of w.dependsOn)
      edges.push({
        from: id('w', w.name),
        to: id('w', d.target),
        label: `${d.condition}${d.optional ? ', optional' : ''}${d.restart ? ', restart' : ''}`,
        style: d.optional ? 'dotted' : 'solid',
      });
    for (const m of w.mounts) {
      edges.push({
        from: id('w', w.name),
        to: id('vol', m.volume),
        label: `${m.path}${m.readOnly ? ' (ro)' : ''}`,
        style: 'dotted',
      });
    }
    const bySecret = new Map<string, string[]>();
    for (const [variable, ref] of Object.entries(w.secrets))
      bySecret.set(ref.secret, [...(bySecret.get(ref.secret) ?? []), variable]);
    for (const [secret, variables] of bySecret) {
      edges.push({
        from: id('sec', secret),
        to: id('w', w.name),
        label: variables.sort(compareStrings).join(', '),
        style: 'dotted',
      });
    }
    const connections =
      (w as { connections?: readonly { target: string; variables: Record<string, string> }[] }).connections ??
      [];
    for (const c of w.resourceConnections ?? []) {
      const r = (app.awsResources ?? []).find(
        (x) => x.name === c.target && (c.kind === undefined || x.kind === c.kind),
      );
      edges.push({
        from: id('w', w.name),
        to: id(r?.kind ?? 'aws', c.target),
        label: `${c.access}: ${Object.keys(c.variables).sort(compareStrings).join(', ')}`,
        style: 'solid',
      });
    }
    for (const c of connections) {
      edges.push({
        from: id('w', w.name),
        to: id('ds', c.target),
        label: `connects: ${Object.keys(c.variables).sort(compareStrings).join(', ')}`,
        style: 'solid',
      });
    }
  }
  const dataServices = (app as { dataServices?: readonly DataServiceLike[] }).dataServices ?? [];
  for (const ds of dataServices) {
    const what = [ds.kind, ds.version].filter(Boolean).join(' ');
    nodes.push({
      id: id('ds', ds.name),
      label: `${ds.name}\n${what ? `${what}, ` : ''}${ds.cloud ?? 'managed'}\nlocally: a container`,
      shape: 'data-service',
    });
  }
  for (const r of app.awsResources ?? []) {
    nodes.push({
      id: id(r.kind, r.name),
      label: `${r.name}\n${r.kind}: ${r.cloud}\nlocally: ${r.localName} on a stand-in`,
      shape: 'aws-resource',
    });
    for (const s of r.topic?.subscriptions ?? [])
      edges.push({
        from: id('topic', r.name),
        to: id('queue', s.queue),
        label: `delivers${s.rawMessageDelivery ? ' raw' : ''}${s.filterPolicy ? `, filtered on ${Object.keys(s.filterPolicy).sort(compareStrings).join(', ')}` : ''}`,
        style: 'solid',
      });
  }
  for (const v of app.volumes)
    nodes.push({ id: id('vol', v.name), label: `${v.name}\nvolume: EFS / named volume`, shape: 'volume' });
  for (const s of app.secrets) {
    const source = s.source.kind === 'imported' ? s.source.secretName : 'generated';
    nodes.push({ id: id('sec', s.name), label: `${s.name}\nsecret: ${source}`, shape: 'secret' });
  }
  nodes.sort((a, b) => compareStrings(a.id, b.id));
  edges.sort((a, b) => compareStrings(`${a.from} ${a.to} ${a.label}`, `${b.from} ${b.to} ${b.label}`));
  return format === 'dot' ? dot(app.name, nodes, edges) : mermaid(app.name, nodes, edges);
}

function describeRoute(r: RouteSpec): string {
  const c = r.conditions;
  const parts = [
    ...(c.hostHeaders.length ? [`host ${c.hostHeaders.join('|')}`] : []),
    ...(c.pathPatterns.length ? [c.pathPatterns.join('|')] : []),
    ...Object.entries(c.httpHeaders).map(([h, v]) => `${h}: ${v.join('|')}`),
    ...(c.queryStrings.length
      ? [`?${c.queryStrings.map((q) => `${q.key ?? '*'}=${q.value}`).join('|')}`]
      : []),
  ];
  return r.priority === undefined ? 'default' : `${r.priority}: ${parts.join(' & ')}`;
}

const MERMAID_SHAPES: Record<Node['shape'], [string, string]> = {
  service: ['(', ')'],
  job: ['[/', '/]'],
  volume: ['[(', ')]'],
  'data-service': ['[(', ')]'],
  'aws-resource': ['[[', ']]'],
  secret: ['>', ']'],
  'load-balancer': ['{{', '}}'],
};

function mermaid(name: string, nodes: Node[], edges: Edge[]): string {
  const text = (s: string) => `"${s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>')}"`;
  const lines = ['flowchart LR', `  %% application ${name}, rendered by twinstack graph`];
  for (const n of nodes)
    lines.push(`  ${n.id}${MERMAID_SHAPES[n.shape][0]}${text(n.label)}${MERMAID_SHAPES[n.shape][1]}`);
  for (const e of edges)
    lines.push(`  ${e.from} ${e.style === 'dotted' ? '-.->' : '-->'}|${text(e.label)}| ${e.to}`);
  return `${lines.join('\n')}\n`;
}

const DOT_SHAPES: Record<Node['shape'], string> = {
  service: 'shape=box, style=rounded',
  job: 'shape=parallelogram',
  volume: 'shape=cylinder',
  'data-service': 'shape=cylinder, style=bold',
  'aws-resource': 'shape=component',
  secret: 'shape=note',
  'load-balancer': 'shape=hexagon',
};

function dot(name: string, nodes: Node[], edges: Edge[]): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const lines = [
    `digraph ${q(name)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of nodes) lines.push(`  ${n.id} [label=${q(n.label)}, ${DOT_SHAPES[n.shape]}];`);
  for (const e of edges)
    lines.push(
      `  ${e.from} -> ${e.to} [label=${q(e.label)}${e.style === 'dotted' ? ', style=dashed' : ''}];`,
    );
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** How a job runs, for its node's label. */
function jobRun(w: ApplicationSpec['workloads'][number]): string {
  switch (w.run?.kind) {
    case 'deployment':
      return 'job, once per deployment';
    case 'schedule':
      return `job, ${w.run.expression}`;
    default:
      return 'job';
  }
}
