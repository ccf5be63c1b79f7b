import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Token } from 'aws-cdk-lib';
import { invalid, ValidationError } from './errors';
import { portNameTaken } from './model/rules/service-connect';
import { checkInteger } from './model/names';
import type { MetricScalingSpec, PortProtocol, PortSpec } from './model/spec';

// The options of a Service that are more than one value, and their checks.

/** A port the service listens on. */
export interface PortOptions {
  /** Port inside the container. */
  readonly containerPort: number;
  /**
   * Port published on the developer's machine. Local only: the cloud never publishes a port (routes do).
   * @default - not published; reachable by other services of the application
   */
  readonly hostPort?: number;
  /**
   * Protocol spoken on the port; Service Connect records per-protocol metrics for http, http2 and grpc.
   * `'udp'`: a UDP port in both twins (ECS port mapping protocol UDP, compose `5353/udp`). Service Connect
   * carries no UDP, so in the cloud twin other services cannot reach it as `<name>:<port>` (warning
   * `twinstack:udp-port`, stand-in `udp-port`), and no route may target it.
   * @default 'tcp'
   */
  readonly protocol?: PortProtocol;
  /**
   * Name of the port mapping (Service Connect).
   * @default - `<service name>-<containerPort>`
   */
  readonly name?: string;
}

/** Task-count scaling of a service. */
export interface AutoScalingOptions {
  /** Fewest tasks. */
  readonly minCapacity: number;
  /** Most tasks. */
  readonly maxCapacity: number;
  /**
   * Target average CPU utilisation (percent).
   * @default - not scaled on CPU
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average memory utilisation (percent).
   * @default - not scaled on memory
   */
  readonly memoryUtilizationPercent?: number;
  /**
   * Target ALB requests per task per minute, over the service's routes.
   * @default - not scaled on requests
   */
  readonly requestsPerTarget?: number;
  /**
   * Scaling on a CloudWatch metric you give, e.g. the depth of the queue a worker reads: target tracking
   * (`targetValue`) or step scaling (`steps`). Cloud only; the local twin runs one container.
   * @default - not scaled on a metric
   */
  readonly metric?: MetricScalingOptions;
}

/** Scaling on a CloudWatch metric. Give `targetValue` or `steps`. */
export interface MetricScalingOptions {
  /** The metric, e.g. `queue.metricApproximateNumberOfMessagesVisible()` or a metric your workers publish. */
  readonly metric: cloudwatch.IMetric;
  /**
   * Target tracking: the value of the metric the service keeps by adding and removing tasks (for a
   * per-task metric, such as backlog per task).
   * @default - step scaling with `steps`
   */
  readonly targetValue?: number;
  /**
   * Step scaling: how many tasks to add (positive `change`) or remove (negative) while the metric is in a
   * range, e.g. `[{ upper: 0, change: -1 }, { lower: 100, change: +1 }, { lower: 1000, change: +5 }]`.
   * @default - target tracking with `targetValue`
   */
  readonly steps?: appscaling.ScalingInterval[];
}

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'http', 'http2', 'grpc', 'udp'];
const PORT_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

/** Checks the metric scaling options of the service at `path` and records them in the model. */
export function checkMetricScaling(path: string, options: MetricScalingOptions): MetricScalingSpec {
  const prop = 'autoScale.metric';
  const m = options?.metric as cloudwatch.IMetric & {
    namespace?: string;
    metricName?: string;
    dimensions?: Record<string, unknown>;
  };
  if (!m || typeof m.toMetricConfig !== 'function') {
    throw invalid(
      path,
      `${prop}.metric`,
      m,
      'must be a CloudWatch metric, e.g. new cloudwatch.Metric({ ... })',
    );
  }
  const hasTarget = options.targetValue !== undefined;
  const hasSteps = options.steps !== undefined;
  if (hasTarget === hasSteps) {
    throw invalid(
      path,
      prop,
      hasTarget ? 'targetValue and steps' : '(neither)',
      'needs exactly one of targetValue (target tracking) or steps (step scaling)',
    );
  }
  if (
    hasTarget &&
    (typeof options.targetValue !== 'number' ||
      !(options.targetValue > 0) ||
      Token.isUnresolved(options.targetValue))
  ) {
    throw invalid(
      path,
      `${prop}.targetValue`,
      options.targetValue,
      'must be a positive number known at synth time',
    );
  }
  const steps = (options.steps ?? []).map((s, i) => {
    const bad = (x: unknown) =>
      x !== undefined && (typeof x !== 'number' || !Number.isFinite(x) || Token.isUnresolved(x));
    if (!s || bad(s.lower) || bad(s.upper) || (s.lower === undefined && s.upper === undefined)) {
      throw invalid(path, `${prop}.steps[${i}]`, s, 'needs a lower and/or an upper bound, each a number');
    }
    if (!Number.isInteger(s.change) || s.change === 0) {
      throw invalid(
        path,
        `${prop}.steps[${i}].change`,
        s.change,
        'must be a whole number of tasks to add (positive) or remove (negative)',
      );
    }
    return {
      ...(s.lower !== undefined ? { lower: s.lower } : {}),
      ...(s.upper !== undefined ? { upper: s.upper } : {}),
      change: s.change,
    };
  });
  if (hasSteps && steps.length < 2) {
    throw invalid(
      path,
      `${prop}.steps`,
      options.steps,
      'needs at least two intervals (one to scale out, one to scale in)',
    );
  }
  const dims = m.dimensions ? Object.keys(m.dimensions).sort() : [];
  const name =
    typeof m.namespace === 'string' && typeof m.metricName === 'string' && !Token.isUnresolved(m.namespace)
      ? `${m.namespace}/${m.metricName}${dims.length ? ` (${dims.join(', ')})` : ''}`
      : 'a CloudWatch metric';
  return { metric: name, ...(hasTarget ? { targetValue: options.targetValue } : { steps }) };
}

/** Checks the ports of service `service` at `path`, naming each port for Service Connect. */
export function checkPorts(path: string, service: string, ports: readonly PortOptions[]): PortSpec[] {
  if (!Array.isArray(ports)) throw invalid(path, 'ports', ports, 'must be a list of ports');
  const seen = new Set<number>();
  const names = new Set<string>();
  return ports.map((p, i) => {
    const prop = `ports[${i}]`;
    const containerPort = checkInteger(path, `${prop}.containerPort`, p?.containerPort, 1, 65535);
    if (seen.has(containerPort)) {
      throw invalid(
        path,
        `${prop}.containerPort`,
        containerPort,
        'is declared twice; declare each container port once',
      );
    }
    seen.add(containerPort);
    const hostPort =
      p.hostPort === undefined ? undefined : checkInteger(path, `${prop}.hostPort`, p.hostPort, 1, 65535);
    const protocol = p.protocol ?? 'tcp';
    if (!PROTOCOLS.includes(protocol))
      throw invalid(path, `${prop}.protocol`, protocol, `is not supported; use ${PROTOCOLS.join(', ')}`);
    const name = p.name ?? `${service.replace(/_/g, '-')}-${containerPort}`;
    if (!PORT_NAME.test(name))
      throw invalid(
        path,
        `${prop}.name`,
        name,
        'must be 1-64 lowercase letters, digits or "-", not starting or ending with "-"',
      );
    if (names.has(name)) throw new ValidationError(portNameTaken(path, `${prop}.name`, name));
    names.add(name);
    return { name, containerPort, ...(hostPort !== undefined ? { hostPort } : {}), protocol };
  });
}
