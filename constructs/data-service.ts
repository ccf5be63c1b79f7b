import { createHash } from 'crypto';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CfnResource, Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { Application } from './application';
import { acknowledgeSecretFindings } from './aws/nag-findings';
import { invalid, ValidationError } from './errors';
import { checkLocalVolumeName, dataVolumeWithoutData, localDataVolume } from './model/rules/naming';
import { checkInteger, checkName } from './model/names';
import { connectionUrlProblems } from './model/rules/data-services';
import type {
  ConnectionTlsSpec,
  ConnectionUrlSpec,
  ConnectionValue,
  DataServiceKind,
  DataServiceSpec,
  UrlPartsSpec,
} from './model/spec';
import type { Secret } from './secret';

/** Variable names a workload receives a data service's connection values under. */
export interface ConnectionOptions {
  /** Variable for the host name (the local container's name; the managed endpoint in the cloud). */
  readonly host?: string;
  /** Variable for the port. */
  readonly port?: string;
  /** Variable for the database name (databases only). */
  readonly database?: string;
  /** Variable for the user name. */
  readonly username?: string;
  /** Variable for the password or token, passed as a secret. */
  readonly password?: string;
  /**
   * Variable for a full connection URL with the credentials in it, passed as a secret in both twins: a
   * Secrets Manager secret CloudFormation builds from the endpoint and the password in the cloud; the
   * password from `.env` locally. A name gives the data service's own URL
   * (`<scheme>://<user>:<password>@<host>:<port><path>?<query>`: see `ConnectionUrl` for each one's);
   * a `ConnectionUrl` gives it another scheme, path or query, e.g.
   * `{ variable: 'SQL_ALCHEMY_CONN', scheme: 'postgresql+psycopg2' }`; a list gives several URLs.
   * @default - no URL
   */
  readonly url?: string | ConnectionUrl | readonly (string | ConnectionUrl)[];
  /**
   * Variable telling whether the connection is TLS: `true` in the cloud, where the managed service speaks
   * only TLS (Cache, SearchDomain, MessageBroker, DocumentDatabase), and `false` locally, where the stand-in
   * is plain. A name, or the name with each twin's spelling (e.g. `{ variable: 'REDIS_SSL', cloud: '1',
   * local: '0' }`). Not for a Database: its connections are TLS only when the client asks for it.
   * @default - no TLS flag
   */
  readonly tls?: string | TlsFlag;
}

/** Each twin's own value of a connection setting. */
export interface TwinValues {
  /** Value in the cloud twin, where the managed service answers. */
  readonly cloud: string;
  /** Value in the local twin, where the stand-in container answers. */
  readonly local: string;
}

/** A connection setting: one value for both twins, or each twin's own (`{ cloud: 'rediss', local: 'redis' }`). */
export type PerTwin = string | TwinValues;

/** A query parameter of a connection URL that only one twin has, or that has each twin's own value. */
export interface UrlQueryParameter {
  /**
   * Value in the cloud twin.
   * @default - the cloud twin's URL has no such parameter
   */
  readonly cloud?: string;
  /**
   * Value in the local twin.
   * @default - the local twin's URL has no such parameter
   */
  readonly local?: string;
}

/**
 * A connection URL with the scheme, path or query a client expects, e.g. SQLAlchemy's
 * `postgresql+psycopg2://`, Celery's `db+postgresql://` or redis-py's `rediss://.../0`. The credentials,
 * host and port stay the data service's, and the URL stays a secret in both twins.
 */
export interface ConnectionUrl {
  /** The environment variable. */
  readonly variable: string;
  /**
   * Scheme, one for both twins or each twin's own; any RFC 3986 scheme (the client reads it). A scheme
   * that asks for TLS (`rediss`, `valkeys`, `amqps`, `https`) is refused for the local twin, whose
   * stand-ins are plain, and its plain form for the cloud twin where the managed service is TLS-only.
   * @default - the data service's: `postgres` or `mysql` (Database) in both twins; `rediss` in the
   * cloud and `redis` locally (Cache: ElastiCache is TLS-only); `amqps` in the cloud and `amqp` locally
   * (MessageBroker); `https` in the cloud and `http` locally (SearchDomain); `mongodb` (DocumentDatabase)
   */
  readonly scheme?: PerTwin;
  /**
   * Path after the host and port: `/` and the rest, percent-encoded where needed, without `?` or `#`;
   * e.g. `/0` for Redis database 0.
   * @default - `/<database>` (Database, DocumentDatabase) in both twins; none for the others
   */
  readonly path?: PerTwin;
  /**
   * Query parameters, by name: a value for both twins, or a `UrlQueryParameter` with each twin's value
   * (`sslmode: { cloud: 'require', local: 'disable' }`) or with one twin's only. Names and values are
   * percent-encoded; they are added after the data service's own (a name given here replaces its value).
   * @default - the data service's own: DocumentDatabase's `tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`
   * in the cloud (what DocumentDB asks of clients) and `authSource=admin` locally; none for the others
   */
  readonly query?: Readonly<Record<string, string | UrlQueryParameter>>;
}

/** A TLS flag with each twin's spelling of its value. */
export interface TlsFlag {
  /** The environment variable. */
  readonly variable: string;
  /**
   * Value in the cloud twin, where the connection is TLS.
   * @default 'true'
   */
  readonly cloud?: string;
  /**
   * Value in the local twin, where the connection to the stand-in is plain.
   * @default 'false'
   */
  readonly local?: string;
}

/** What a connected container receives in the cloud for one value. */
export type CloudConnectionValue = { readonly environment: string } | { readonly secret: ecs.Secret };

/** Properties every data service has. */
export interface DataServiceProps {
  /**
   * Name in both twins: locally the stand-in container's service name, which is also the host name that
   * connected workloads receive.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port published on the developer's machine for the local stand-in (e.g. to inspect data with a client).
   * @default - not published
   */
  readonly hostPort?: number;
  /**
   * Name of the named volume the local stand-in keeps its data in, e.g. `db-data` to keep using the volume
   * of an existing compose file: compose finds it when the project has the same name (the application's
   * name, `<name>-<stage>` for a stage), as `<project>_db-data`. Local twin only: the managed service keeps
   * its own storage in the cloud. Unique in the application (among volumes and data services); only for a
   * stand-in that keeps data (a cache with `persistence`).
   * @default - `<name>-data`
   */
  readonly localVolumeName?: string;
}

/**
 * A managed data service with a local stand-in: managed in the cloud twin, a version-matched container in
 * the local twin. Workloads connect with `workload.connectTo(dataService, { host: 'DB_HOST', ... })` and get
 * the same variable names in both twins.
 */
export abstract class DataService extends Construct {
  /** Name in both twins. */
  public readonly name: string;
  /** The application this data service belongs to. */
  public readonly application: Application;
  /** Security group of the managed service; connected services are let in on its port only. */
  public abstract readonly securityGroup: ec2.ISecurityGroup;
  /** @internal */
  protected readonly hostPort?: number;
  /**
   * The declared `localVolumeName`.
   * @internal
   */
  public readonly _localVolumeName?: string;
  /**
   * The named volume the local stand-in keeps its data in (declared or `<name>-data`).
   * @internal
   */
  public readonly _localDataVolume: string;

  protected constructor(scope: Construct, id: string, props: DataServiceProps) {
    super(scope, id);
    if (props === undefined || props === null || typeof props !== 'object') {
      throw invalid(this.node.path, 'props', props, 'must be an object with at least `engine`');
    }
    this.application = Application.of(this);
    this.name = checkName(this.node.path, 'name', props.name ?? id);
    this.hostPort =
      props.hostPort === undefined
        ? undefined
        : checkInteger(this.node.path, 'hostPort', props.hostPort, 1, 65535);
    if (props.localVolumeName !== undefined) {
      const wrong = checkLocalVolumeName(this.node.path, props.localVolumeName);
      if (wrong) throw new ValidationError(wrong);
      this._localVolumeName = props.localVolumeName;
    }
    this._localDataVolume = localDataVolume(this.name, this._localVolumeName);
    // Registered first, so a name clash is reported as such before anything else is created.
    this.application._registerDataService(this);
  }

  /** The model of this data service. */
  public abstract toSpec(): DataServiceSpec;

  /**
   * The model's data directory of the local stand-in (none when it keeps no data) and the declared
   * volume that keeps it; a declared volume without data to keep is a ValidationError.
   * @internal
   */
  protected _localData(dataPath: string | undefined): { dataPath?: string; volumeName?: string } {
    if (dataPath === undefined) {
      if (this._localVolumeName !== undefined) {
        throw new ValidationError(dataVolumeWithoutData(this.node.path, this._localVolumeName));
      }
      return {};
    }
    return {
      dataPath,
      ...(this._localVolumeName !== undefined ? { volumeName: this._localVolumeName } : {}),
    };
  }

  /** Kind of data service. */
  public abstract readonly kind: DataServiceKind;

  /** The values this data service can hand to connected workloads. */
  protected abstract readonly supportedValues: readonly ConnectionValue[];

  /** The secret holding the credentials, if the service has any. */
  public abstract readonly credentials?: Secret;

  /**
   * The cloud twin's form of one connection value; for `url`, the URL with `url`'s parts (the data
   * service's own without).
   * @internal
   */
  public _cloudValue(value: ConnectionValue, url?: UrlPartsSpec): CloudConnectionValue {
    if (value === 'url') return { secret: ecs.Secret.fromSecretsManager(this._connectionUrlSecret(url)) };
    return this._cloudPlainValue(value);
  }

  /**
   * The cloud twin's form of a connection value other than `url`.
   * @internal
   */
  protected abstract _cloudPlainValue(value: Exclude<ConnectionValue, 'url'>): CloudConnectionValue;

  /**
   * The parts of this data service's own connection URL in each twin: scheme, path and query.
   * @internal
   */
  public abstract _ownUrl(): ConnectionUrlSpec;

  /**
   * What the cloud twin's connection URLs are built from: the credentials (literals and dynamic references,
   * `user:password`), the endpoint's host and port, and the resource the URL secret is created after.
   * @internal
   */
  protected abstract _cloudUrlEndpoint(): {
    readonly credentials: readonly string[];
    readonly host: string;
    readonly port: string;
    readonly after?: CfnResource;
  };

  /**
   * A job connected workloads wait for (e.g. a database's init job), besides the service itself.
   * @internal
   */
  public get _initJob(): import('./workload').Workload | undefined {
    return undefined;
  }

  /** The resource connected services must be created after. @internal */
  public abstract readonly _resource: IConstruct;

  /** The port connected services reach in the cloud. @internal */
  public abstract readonly _cloudPort: ec2.Port;

  /**
   * Validates connection options for `path` and returns variable -> value.
   * @internal
   */
  public _connectionVariables(path: string, options: ConnectionOptions): Record<string, ConnectionValue> {
    const variables: Record<string, ConnectionValue> = {};
    const entries: [ConnectionValue, string | undefined][] = [];
    for (const [value, variable] of Object.entries(options) as [string, unknown][]) {
      if (value === 'tls') continue;
      if (value === 'url') {
        for (const { variable: name } of urlEntries(path, variable)) entries.push(['url', name]);
      } else entries.push([value as ConnectionValue, variable as string | undefined]);
    }
    for (const [value, variable] of entries) {
      if (variable === undefined) continue;
      if (!this.supportedValues.includes(value)) {
        throw invalid(
          path,
          `connectTo.${value}`,
          variable,
          `is not a value ${this.kind} service '${this.name}' provides; it provides ${this.supportedValues.join(', ')}`,
        );
      }
      if (Object.prototype.hasOwnProperty.call(variables, variable)) {
        throw invalid(
          path,
          `connectTo.${value}`,
          variable,
          'is already used for another value of this connection',
        );
      }
      variables[variable] = value;
    }
    if (Object.keys(variables).length === 0 && options.tls === undefined) {
      throw invalid(
        path,
        'connectTo',
        options,
        `names no variable; give at least one of ${this.supportedValues.join(', ')}`,
      );
    }
    return variables;
  }

  /**
   * Whether connections to the managed service in the cloud are always TLS (the local stand-in is plain).
   * @internal
   */
  protected get _tlsInCloud(): boolean {
    return true;
  }

  /**
   * Validates the `tls` option of connection options for `path`: the flag's variable and each twin's value.
   * @internal
   */
  public _connectionTls(path: string, options: ConnectionOptions): ConnectionTlsSpec | undefined {
    const tls = options.tls;
    if (tls === undefined) return undefined;
    if (!this._tlsInCloud) {
      throw invalid(
        path,
        'connectTo.tls',
        tls,
        `${this.kind} service '${this.name}' is not TLS-only in the cloud, so no flag can say its connection is TLS; a TLS flag is for a Cache, SearchDomain, MessageBroker or DocumentDatabase`,
      );
    }
    const flag: TlsFlag = typeof tls === 'string' ? { variable: tls } : tls;
    if (typeof flag !== 'object' || flag === null || typeof flag.variable !== 'string') {
      throw invalid(path, 'connectTo.tls', tls, 'must be a variable name or { variable, cloud?, local? }');
    }
    const cloud = flag.cloud ?? 'true';
    const local = flag.local ?? 'false';
    for (const [prop, value] of [
      ['cloud', cloud],
      ['local', local],
    ] as const) {
      if (typeof value !== 'string' || value.length === 0 || /\p{Cc}/u.test(value)) {
        throw invalid(
          path,
          `connectTo.tls.${prop}`,
          value,
          'must be a non-empty string without control characters',
        );
      }
    }
    if (cloud === local) {
      throw invalid(
        path,
        'connectTo.tls',
        tls,
        `gives both twins the value '${cloud}'; the flag is for telling the TLS cloud connection from the plain local one`,
      );
    }
    return { variable: flag.variable, cloud, local };
  }

  /**
   * Validates the typed URLs of connection options for `path` (`url` given as a `ConnectionUrl`) and
   * returns their parts in each twin, by variable; a URL that is the data service's own is left out.
   * @internal
   */
  public _connectionUrls(path: string, options: ConnectionOptions): Record<string, ConnectionUrlSpec> {
    const out: Record<string, ConnectionUrlSpec> = {};
    for (const { variable, url, at } of urlEntries(path, options.url)) {
      if (url === undefined) continue;
      const own = this._ownUrl();
      const scheme = perTwin(path, `${at}.scheme`, url.scheme);
      const urlPath = perTwin(path, `${at}.path`, url.path);
      const query = queryStrings(path, `${at}.query`, url.query, own);
      const spec: ConnectionUrlSpec = {
        cloud: {
          scheme: scheme?.cloud ?? own.cloud.scheme,
          path: urlPath?.cloud ?? own.cloud.path,
          query: query.cloud,
        },
        local: {
          scheme: scheme?.local ?? own.local.scheme,
          path: urlPath?.local ?? own.local.path,
          query: query.local,
        },
      };
      const problems = connectionUrlProblems(path, variable, { kind: this.kind, name: this.name }, spec);
      if (problems.length) throw new ValidationError(problems[0]);
      if (sameParts(spec.cloud, own.cloud) && sameParts(spec.local, own.local)) continue;
      out[variable] = spec;
    }
    return out;
  }

  /**
   * A secret holding a full connection URL with `parts` (the data service's own without), built by
   * CloudFormation from the endpoint's attributes and a dynamic reference to the password: the template
   * holds the reference, never the value. It follows the password on the next deployment after a change.
   * Created once per data service and URL: `ConnectionUrl` for the data service's own, `ConnectionUrl`
   * and a digest of the parts for another.
   * @internal
   */
  protected _connectionUrlSecret(parts?: UrlPartsSpec): secretsmanager.ISecret {
    const own = this._ownUrl().cloud;
    const p = parts ?? own;
    const id = sameParts(p, own)
      ? 'ConnectionUrl'
      : `ConnectionUrl${createHash('sha256')
          .update(JSON.stringify([p.scheme, p.path, p.query]))
          .digest('hex')
          .slice(0, 8)}`;
    const existing = this.node.tryFindChild(id) as secretsmanager.Secret | undefined;
    if (existing) return existing;
    const endpoint = this._cloudUrlEndpoint();
    const suffix = `${p.path}${p.query ? `?${p.query}` : ''}`;
    const url = new secretsmanager.Secret(this, id, {
      description: `Connection URL of ${this.kind} service ${this.name}${id === 'ConnectionUrl' ? '' : ` (${p.scheme}://...${suffix})`}`,
      secretStringValue: new SecretValue(
        Fn.join(
          '',
          [`${p.scheme}://`, ...endpoint.credentials, '@', endpoint.host, ':', endpoint.port, suffix].filter(
            (part) => part !== '',
          ),
        ),
      ),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (endpoint.after) (url.node.defaultChild as CfnResource).addResourceDependency(endpoint.after);
    acknowledgeSecretFindings(
      url,
      'Derived from the service credentials by CloudFormation; it changes with them on the next deployment.',
    );
    return url;
  }

  /**
   * Lets `connections` reach this service's port; `orderAfter` orders what connects after its resources.
   * @internal
   */
  public _allowFrom(
    connections: ec2.IConnectable,
    orderAfter: (resource: CfnResource) => void,
    from: string,
  ): void {
    this.securityGroup.connections.allowFrom(connections, this._cloudPort, `from ${from}`);
    this._orderAfter(orderAfter);
  }

  /**
   * Has `orderAfter` order what waits for this service after its resources (the service is available once
   * they are created): what connects to it, and what declares a dependency on it.
   * @internal
   */
  public _orderAfter(orderAfter: (resource: CfnResource) => void): void {
    const target = this._resource instanceof CfnResource ? this._resource : this._resource.node.defaultChild;
    if (target instanceof CfnResource) orderAfter(target);
  }
}

/** Whether two URLs have the same parts. */
function sameParts(a: UrlPartsSpec, b: UrlPartsSpec): boolean {
  return a.scheme === b.scheme && a.path === b.path && a.query === b.query;
}

/** The URLs of a connection's `url` option: each one's variable, its typed form, and where it was given. */
function urlEntries(path: string, url: unknown): { variable: string; url?: ConnectionUrl; at: string }[] {
  if (url === undefined) return [];
  const list = Array.isArray(url);
  if (list && url.length === 0) {
    throw invalid(path, 'connectTo.url', url, 'is an empty list; give at least one URL or leave url out');
  }
  return (list ? (url as unknown[]) : [url]).map((entry, i) => {
    const at = list ? `connectTo.url[${i}]` : 'connectTo.url';
    if (typeof entry === 'string') return { variable: entry, at };
    const known = ['variable', 'scheme', 'path', 'query'];
    if (
      entry === null ||
      typeof entry !== 'object' ||
      Array.isArray(entry) ||
      typeof (entry as ConnectionUrl).variable !== 'string'
    ) {
      throw invalid(path, at, entry, 'must be a variable name or { variable, scheme?, path?, query? }');
    }
    const unknown = Object.keys(entry).find((k) => !known.includes(k));
    if (unknown !== undefined) {
      throw invalid(
        path,
        `${at}.${unknown}`,
        (entry as Record<string, unknown>)[unknown],
        `is not a part of a connection URL; give ${known.join(', ')}`,
      );
    }
    return { variable: (entry as ConnectionUrl).variable, url: entry as ConnectionUrl, at };
  });
}

/** A `PerTwin` value as each twin's, validated as a string for each (the parts' rules check the rest). */
function perTwin(path: string, prop: string, value: PerTwin | undefined): TwinValues | undefined {
  if (value === undefined) return undefined;
  const both = typeof value === 'string' ? { cloud: value, local: value } : value;
  if (
    both === null ||
    typeof both !== 'object' ||
    typeof both.cloud !== 'string' ||
    typeof both.local !== 'string'
  ) {
    throw invalid(path, prop, value, 'must be a string or { cloud, local } with a string for each twin');
  }
  return { cloud: both.cloud, local: both.local };
}

/**
 * Each twin's query string: the data service's own parameters, then `query`'s (a name given replacing
 * the own value), names and values percent-encoded.
 */
function queryStrings(
  path: string,
  prop: string,
  query: ConnectionUrl['query'],
  own: ConnectionUrlSpec,
): TwinValues {
  if (query !== undefined && (query === null || typeof query !== 'object' || Array.isArray(query))) {
    throw invalid(path, prop, query, 'must be an object of parameter name -> value or { cloud?, local? }');
  }
  const encode = (at: string, text: unknown): string => {
    if (typeof text !== 'string') throw invalid(path, at, text, 'must be a string');
    try {
      return encodeURIComponent(text);
    } catch {
      throw invalid(path, at, text, 'cannot be percent-encoded: it holds a lone surrogate');
    }
  };
  const twin = (which: keyof TwinValues): string => {
    const pairs = new Map<string, string>();
    for (const pair of own[which].query.split('&').filter((x) => x !== '')) {
      const eq = pair.indexOf('=');
      pairs.set(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? '' : pair.slice(eq + 1));
    }
    for (const [name, value] of Object.entries(query ?? {})) {
      if (name === '') throw invalid(path, prop, name, 'has a parameter without a name');
      const key = encode(prop, name);
      let text: unknown = value;
      if (value !== null && typeof value === 'object') {
        const extra = Object.keys(value).filter((k) => k !== 'cloud' && k !== 'local');
        if (extra.length || (value.cloud === undefined && value.local === undefined)) {
          throw invalid(
            path,
            `${prop}.${name}`,
            value,
            'must be a string or { cloud?, local? } with at least one twin',
          );
        }
        text = value[which];
        if (text === undefined) continue;
      }
      pairs.set(key, encode(`${prop}.${name}${typeof value === 'object' ? `.${which}` : ''}`, text));
    }
    return [...pairs].map(([k, v]) => `${k}=${v}`).join('&');
  };
  return { cloud: twin('cloud'), local: twin('local') };
}
