import { describeValue, ValidationProblem } from '../../errors';

/** A finding that does not stop synthesis; `id` is stable so users can acknowledge it. */
export interface ModelWarning {
  readonly id: string;
  readonly path: string;
  readonly message: string;
}

/** What the whole-model rules found: errors stop synthesis, warnings are reported. */
export interface ModelReport {
  readonly errors: ValidationProblem[];
  readonly warnings: ModelWarning[];
}

/** Stable ids of the warnings twinstack emits. */
export const WarningIds = {
  /** A plain environment value under a key that looks like a credential. */
  ENV_LOOKS_LIKE_SECRET: 'twinstack:env-looks-like-secret',
  /** A job nothing depends on: it runs locally but has no cloud counterpart. */
  JOB_WITHOUT_DEPENDENTS: 'twinstack:job-without-dependents',
  /** A health check whose timing ECS cannot express exactly; the cloud twin uses the nearest allowed values. */
  HEALTH_CHECK_ADJUSTED: 'twinstack:health-check-adjusted',
  /** A load balancer without routes: it answers every request with 404 in both twins. */
  LOAD_BALANCER_WITHOUT_ROUTES: 'twinstack:load-balancer-without-routes',
  /** A data service in private subnets because the application's VPC has no isolated subnets. */
  DATA_IN_PRIVATE_SUBNETS: 'twinstack:data-in-private-subnets',
  /** An image pulled with registry credentials in the cloud: locally `docker login` is needed first. */
  REGISTRY_LOGIN_NEEDED: 'twinstack:registry-login-needed',
  /**
   * A bind mount (local twin only) hides files the image puts at its path (WORKDIR, a COPY or ADD
   * destination): the local twin runs the host's files there, the cloud twin the image's.
   */
  BIND_MOUNT_HIDES_IMAGE_FILES: 'twinstack:bind-mount-hides-image-files',
  /** Extra hosts (`/etc/hosts` entries) the local twin has and the cloud twin (Fargate, awsvpc) cannot. */
  EXTRA_HOSTS_LOCAL_ONLY: 'twinstack:extra-hosts-local-only',
  /** A UDP port: Service Connect carries TCP only, so other services reach it by name only locally. */
  UDP_PORT: 'twinstack:udp-port',
  /**
   * An environment value names another service's endpoint (`<service>:<port>`) the workload does not
   * depend on: neither twin lets it connect.
   */
  ENDPOINT_WITHOUT_DEPENDENCY: 'twinstack:endpoint-without-dependency',
} as const;

/** One problem at `path`, with the value described for the message. */
export function problem(path: string, prop: string, value: unknown, message: string): ValidationProblem {
  return { path, prop, value: describeValue(value), message };
}
