import * as rds from 'aws-cdk-lib/aws-rds';
import { EngineRelease, checkEngineVersion } from './engine-version';
import { invalid } from './errors';

/** The relational engines a Database runs. */
export type DatabaseEngineKind = 'postgres' | 'mysql' | 'mariadb';

/** Engine majors RDS offers, per engine (checked against the RDS engine versions in service). */
const SUPPORTED: Record<DatabaseEngineKind, readonly string[]> = {
  postgres: ['13', '14', '15', '16', '17', '18'],
  mysql: ['8.0', '8.4'],
  mariadb: ['10.11', '11.4', '11.8'],
};

const ENGINE_NAMES: Record<DatabaseEngineKind, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
};

/**
 * Releases aws-cdk-lib still names that RDS no longer creates databases with: the CloudFormation validator
 * bundled with aws-cdk-lib rejects them (no orderable db.t4g instance for these PostgreSQL releases; no such
 * Aurora PostgreSQL release).
 */
const WITHDRAWN: Record<'instance' | 'aurora', readonly string[]> = {
  instance: ['13.9', '14.6', '14.17', '15.10', '15.12', '16.8', '17.4'],
  aurora: ['13.17', '14.14', '15.9', '16.0', '16.5', '17.1', '17.2'],
};

/**
 * The releases RDS creates of one engine: aws-cdk-lib's `*EngineVersion` constants without the withdrawn
 * ones, oldest first. Aurora MySQL is absent: it has its own releases of each major, and takes the major.
 */
const RELEASES: Record<DatabaseEngineKind | 'aurora-postgresql', readonly string[]> = {
  postgres: releasesOf(rds.PostgresEngineVersion, (v) => v.postgresFullVersion, WITHDRAWN.instance),
  mysql: releasesOf(rds.MysqlEngineVersion, (v) => v.mysqlFullVersion, WITHDRAWN.instance),
  mariadb: releasesOf(rds.MariaDbEngineVersion, (v) => v.mariaDbFullVersion, WITHDRAWN.instance),
  'aurora-postgresql': releasesOf(
    rds.AuroraPostgresEngineVersion,
    (v) => v.auroraPostgresFullVersion,
    WITHDRAWN.aurora,
  ),
};

/** Database engine and version, the same major version in both twins. */
export class DatabaseEngine {
  /** PostgreSQL; `version` is a major (`16`) or major.minor (`16.4`). */
  public static postgres(version: string): DatabaseEngine {
    return new DatabaseEngine('postgres', version);
  }

  /**
   * MySQL; `version` is a major (`8.0`: the newest release of it on an RDS instance, the major itself on
   * Aurora) or, on an RDS instance, a full version (`8.0.39`).
   */
  public static mysql(version: string): DatabaseEngine {
    return new DatabaseEngine('mysql', version);
  }

  /**
   * MariaDB, on an RDS instance (RDS for MariaDB; there is no Aurora MariaDB); `version` is a major
   * (`11.4`: the newest release of it that RDS creates and aws-cdk-lib names) or a full version (`11.4.5`).
   * Locally the official `mariadb` image of the major runs.
   */
  public static mariadb(version: string): DatabaseEngine {
    return new DatabaseEngine('mariadb', version);
  }

  private constructor(
    /** Engine name. */
    public readonly kind: DatabaseEngineKind,
    /** Version as given. */
    public readonly version: string,
  ) {}

  /**
   * The release this version resolves to on an RDS instance or on Aurora, after checking it is one RDS
   * offers: a PostgreSQL major stays a major (RDS starts from its default minor), a MySQL major becomes
   * the newest release of it on an instance (RDS takes MySQL majors on Aurora only), a MariaDB major
   * becomes the newest release of it (instances only), and a minor must be one RDS creates.
   * @internal
   */
  public _resolve(at: string, aurora: boolean): DatabaseRelease {
    const kind = this.kind;
    const name = ENGINE_NAMES[kind];
    if (aurora && kind === 'mariadb') {
      throw invalid(
        at,
        'aurora',
        true,
        'is not available for MariaDB: RDS runs MariaDB on instances only; leave aurora unset, or use DatabaseEngine.mysql(...) for Aurora MySQL',
      );
    }
    const majorOf = (version: string): string | undefined => {
      const parts = version.split('.');
      const major = kind === 'postgres' ? parts[0] : parts.slice(0, 2).join('.');
      const pattern = kind === 'postgres' ? /^\d+(\.\d+)?$/ : /^\d+\.\d+(\.\d+)?$/;
      return pattern.test(version) && SUPPORTED[kind].includes(major) ? major : undefined;
    };
    const releases =
      kind === 'postgres'
        ? RELEASES[aurora ? 'aurora-postgresql' : 'postgres']
        : aurora
          ? []
          : RELEASES[kind];
    const releasesOfMajor = (major: string) => releases.filter((r) => r.startsWith(`${major}.`));
    return checkEngineVersion(at, this.version, {
      supported: SUPPORTED[kind],
      resolve: (version) => {
        const major = majorOf(version);
        if (major === undefined) return undefined;
        const image = `${kind}:${major}`;
        if (version === major) {
          // RDS takes a PostgreSQL major, and a MySQL major on Aurora; an instance needs a MySQL release.
          if (kind === 'postgres' || aurora) return { major, cloud: major, image };
          const newest = releasesOfMajor(major).at(-1);
          return newest === undefined ? undefined : { major, cloud: newest, image };
        }
        return releases.includes(version) ? { major, cloud: version, image } : undefined;
      },
      rejection: (version) => {
        const major = typeof version === 'string' ? majorOf(version) : undefined;
        if (major === undefined) {
          return `is not a ${name} version RDS offers; use ${SUPPORTED[kind].join(', ')} (or a minor of one)`;
        }
        if (aurora && kind === 'mysql') {
          return `is a MySQL release, and Aurora MySQL has releases of its own; use the major (${major}): Aurora starts from its default release and applies minor upgrades`;
        }
        return `is not a ${name} ${major} release RDS creates ${aurora ? 'Aurora clusters' : 'instances'} with; use ${major} or one of ${releasesOfMajor(major).join(', ')}`;
      },
    });
  }
}

/** The release a database engine version resolves to. */
export interface DatabaseRelease extends EngineRelease {
  /** The major version: `16` for PostgreSQL, `8.0` for MySQL, `11.4` for MariaDB. */
  readonly major: string;
}

/** The releases in `versions` (aws-cdk-lib's constants of one engine) but `withdrawn`, oldest first. */
function releasesOf<V>(
  versions: { readonly prototype: V },
  full: (version: V) => string,
  withdrawn: readonly string[],
): string[] {
  return Object.values(versions)
    .filter(
      (v): v is V => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === versions.prototype,
    )
    .map(full)
    .filter((v) => /^\d+\.\d+(\.\d+)?$/.test(v) && !withdrawn.includes(v))
    .sort(compareReleases);
}

function compareReleases(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
