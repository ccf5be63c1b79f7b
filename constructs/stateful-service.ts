import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid, ValidationError } from './errors';
import { mountPathProblem } from './model/rules/workloads';
import { Service, ServiceProps } from './service';
import type { AutoScalingOptions } from './service-options';
import type { WorkloadExtras } from './workload';
import { Volume } from './volume';

/** Where a stateful service keeps its data: a volume of its own. */
export interface StatefulData {
  /** Absolute path of the data directory in the container, e.g. `/var/lib/clickhouse`. */
  readonly path: string;
  /**
   * Name of the volume in both twins: the compose named volume (keep an existing file's name to reuse its
   * local data) and the EFS access point path `/<name>`.
   * @default `<service name>-data`
   */
  readonly volumeName?: string;
  /**
   * POSIX user id owning the data directory and used for every file operation in the cloud (EFS access
   * point); the image's non-root user, e.g. 101 for ClickHouse. Local: not applied (a named volume takes the
   * ownership of the image's directory on first use).
   * @default - the container's own user; the directory is owned by 0
   */
  readonly uid?: number;
  /**
   * POSIX group id, with `uid`.
   * @default - the value of `uid`
   */
  readonly gid?: number;
  /**
   * Octal permissions of the data directory when it is created.
   * @default '755'
   */
  readonly permissions?: string;
  /**
   * What happens to the file system when it leaves the stack.
   * @default RemovalPolicy.RETAIN - the data outlives the stack; remove it by hand
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a StatefulService: a Service's, without what would run the data twice. */
export interface StatefulServiceProps extends Omit<
  ServiceProps,
  'desiredCount' | 'minHealthyPercent' | 'maxHealthyPercent'
> {
  /** The data directory and the volume that keeps it. */
  readonly data: StatefulData;
}

/** Props a stateful service fixes, with why; a plain-JavaScript caller who passes them anyway is told. */
const FIXED: Readonly<Record<string, { readonly value: number; readonly why: string }>> = {
  desiredCount: { value: 1, why: 'a stateful service runs exactly one task (one writer of its data)' },
  minHealthyPercent: {
    value: 0,
    why: 'a deployment stops the old task before the new one starts, so two never write the data at once',
  },
  maxHealthyPercent: {
    value: 100,
    why: 'a deployment stops the old task before the new one starts, so two never write the data at once',
  },
};

/**
 * A self-hosted stateful service: software that keeps its own data and has no managed AWS equivalent
 * (ClickHouse, an S3-compatible store, a search engine of one's own). Cloud: one Fargate task of a Service
 * whose deployments never overlap (minimum healthy 0 %, maximum 100 %: the old task stops before the new
 * one starts), no autoscaling, its data on an EFS volume of its own (encrypted, backed up, retained) at
 * `data.path`. Local: a compose service with a named volume at the same path.
 *
 * EFS is a network file system: engines that fsync often run slower on it than on a local disk, and
 * engines that need POSIX locks across hosts are not served by it; use a managed construct (Database,
 * Cache, SearchDomain...) where one exists.
 */
export class StatefulService extends Service {
  /** The volume holding the data. */
  public readonly dataVolume: Volume;
  /** The data directory in the container. */
  public readonly dataPath: string;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    const loose = (props ?? {}) as unknown as Record<string, unknown>;
    for (const [prop, fixed] of Object.entries(FIXED)) {
      if (loose[prop] !== undefined && loose[prop] !== fixed.value) {
        throw invalid(
          `${scope.node.path}/${id}`,
          prop,
          loose[prop],
          `is always ${fixed.value}: ${fixed.why}`,
        );
      }
    }
    const data = props?.data;
    if (!data || typeof data !== 'object') {
      throw invalid(
        `${scope.node.path}/${id}`,
        'data',
        data,
        "must say where the service keeps its data, e.g. { path: '/var/lib/clickhouse' }",
      );
    }
    const bad = mountPathProblem(`${scope.node.path}/${id}`, 'data.path', data.path);
    if (bad) throw new ValidationError(bad);
    super(scope, id, {
      ...props,
      desiredCount: FIXED.desiredCount.value,
      minHealthyPercent: FIXED.minHealthyPercent.value,
      maxHealthyPercent: FIXED.maxHealthyPercent.value,
    });
    this.dataPath = data.path;
    this.dataVolume = new Volume(this, 'Data', {
      name: data.volumeName ?? `${this.name}-data`,
      ...(data.uid !== undefined ? { uid: data.uid } : {}),
      ...(data.gid !== undefined ? { gid: data.gid } : {}),
      ...(data.permissions !== undefined ? { permissions: data.permissions } : {}),
      ...(data.removalPolicy !== undefined ? { removalPolicy: data.removalPolicy } : {}),
      ...(this.profile !== undefined ? { profile: this.profile } : {}),
    });
    this.addMount({ volume: this.dataVolume, path: data.path });
  }

  /** Refused: a stateful service runs one task; more would write its data at once. */
  public override autoScale(options: AutoScalingOptions): void {
    throw invalid(
      this.node.path,
      'autoScale',
      options,
      'is not available on a StatefulService: it runs exactly one task, the only writer of its data; scale a stateless Service instead',
    );
  }

  protected override extras(): WorkloadExtras {
    const extras = super.extras();
    if (this.dataVolume === undefined) return extras;
    return { ...extras, stateful: { volume: this.dataVolume.name, path: this.dataPath } };
  }
}
