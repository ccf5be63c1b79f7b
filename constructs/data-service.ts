import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { CfnResource, Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { Application } from './application';
import { acknowledgeSecretFindings } from './aws/nag-findings';
import { invalid, ValidationError } from './errors';
import { checkLocalVolumeName, dataVolumeWithoutData, localDataVolume } from './model/rules/naming';
import { checkInteger, checkName } from './model/names';
import type { ConnectionTlsSpec, ConnectionValue, DataServiceKind, DataServiceSpec } from './model/spec';
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
  /** Variable for a full connection URL with the credentials in it, passed as a secret. */
  readonly url?: string;
  /**
   * Variable telling whether the connection is TLS: `true` in the cloud, where the managed service speaks
   * only TLS (Cache, SearchDomain, MessageBroker, DocumentDatabase), and `false` locally, where the stand-in
   * is plain. A name, or the name with each twin's spelling (e.g. `{ variable: 'REDIS_SSL', cloud: '1',
   * local: '0' }`). Not for a Database: its connections are TLS only when the client asks for it.
   * @default - no TLS flag
   */
  readonly tls?: string | TlsFlag;
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
   * The cloud twin's form of one connection value.
   * @internal
   */
  public abstract _cloudValue(value: ConnectionValue): CloudConnectionValue;

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
    for (const [value, variable] of Object.entries(options) as [ConnectionValue, string | undefined][]) {
      if (variable === undefined || (value as string) === 'tls') continue;
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
   * A secret holding a full connection URL, built by CloudFormation from `parts` (endpoint attributes and a
   * dynamic reference to the password): the template holds the reference, never the value. It follows the
   * password on the next deployment after a change. Created once per data service.
   * @internal
   */
  protected _connectionUrlSecret(parts: string[]): secretsmanager.ISecret {
    const existing = this.node.tryFindChild('ConnectionUrl') as secretsmanager.Secret | undefined;
    if (existing) return existing;
    const url = new secretsmanager.Secret(this, 'ConnectionUrl', {
      description: `Connection URL of ${this.kind} service ${this.name}`,
      secretStringValue: new SecretValue(Fn.join('', parts)),
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
