import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Application } from './application';
import { acknowledgeSecretFindings } from './aws/nag-findings';
import { invalid, ValidationError, ValidationProblem } from './errors';
import { localVariablePrefixProblem, localVariableProblem } from './model/rules/local-variables';
import { checkEnvName, checkInteger, upperSnake } from './model/names';
import type { SecretReferenceSpec, SecretSpec } from './model/spec';

/** Options shared by imported and generated secrets. */
export interface SecretOptions {
  /**
   * Prefix of the local variables for this secret's JSON fields: field `password` is read from
   * `${PREFIX}PASSWORD` in `.env`.
   * @default - the secret's id in UPPER_SNAKE_CASE followed by `_`
   */
  readonly localVariablePrefix?: string;
  /**
   * Local variable for the whole secret value.
   * @default - the secret's id in UPPER_SNAKE_CASE
   */
  readonly localVariable?: string;
}

/** Options of a generated secret. */
export interface GeneratedSecretOptions extends SecretOptions {
  /**
   * Length of the generated value.
   * @default 32
   */
  readonly length?: number;
  /**
   * Leave punctuation out of the generated value (safer inside URLs and shell commands).
   * @default true
   */
  readonly excludePunctuation?: boolean;
  /**
   * Description stored with the secret in Secrets Manager.
   * @default - none
   */
  readonly description?: string;
}

/** Options of one reference to a secret. */
export interface SecretReferenceOptions {
  /**
   * Variable the local twin reads from `.env` for this value.
   * @default - see SecretOptions
   */
  readonly localVariable?: string;
}

/** A secret value passed to a container: `secret.field('password')` or `secret.value()`. */
export class SecretReference {
  /** @internal */
  constructor(
    /** The secret. */
    public readonly secret: Secret,
    /** JSON key inside the secret; undefined for the whole value. */
    public readonly field: string | undefined,
    /** Variable the local twin reads from `.env`. */
    public readonly localVariable: string,
  ) {}

  /** @internal */
  public _toSpec(): SecretReferenceSpec {
    return {
      secret: this.secret.name,
      ...(this.field !== undefined ? { field: this.field } : {}),
      localVariable: this.localVariable,
    };
  }
}

/**
 * A secret: an existing Secrets Manager secret or one generated at deploy time. Cloud: injected by ECS
 * (`secrets`), read access granted to exactly the tasks that use it. Local: read from `.env` under a
 * variable listed in the generated `.env.example`. The value never appears in a template or compose file.
 */
export class Secret extends Construct {
  /** Imports an existing Secrets Manager secret by name. */
  public static fromSecretName(
    scope: Construct,
    id: string,
    secretName: string,
    options: SecretOptions = {},
  ): Secret {
    return new Secret(scope, id, { kind: 'imported', secretName }, options);
  }

  /**
   * Wraps a Secrets Manager secret created elsewhere (another construct or stack of the app, or imported
   * with `secretsmanager.Secret.fromSecret*`); the local twin reads it from `.env` like any other secret.
   */
  public static fromSecret(
    scope: Construct,
    id: string,
    secret: secretsmanager.ISecret,
    options: SecretOptions = {},
  ): Secret {
    const path = `${scope.node.path}/${id}`;
    if (secret instanceof Secret) {
      throw invalid(path, 'secret', secret.node.path, 'is already a twinstack Secret; use it as it is');
    }
    if (
      typeof secret !== 'object' ||
      secret === null ||
      typeof (secret as { secretArn?: unknown }).secretArn !== 'string' ||
      typeof (secret as { grantRead?: unknown }).grantRead !== 'function'
    ) {
      throw invalid(
        path,
        'secret',
        secret,
        'must be a secretsmanager.ISecret (a secretsmanager.Secret, or one imported with Secret.fromSecret*)',
      );
    }
    return new Secret(scope, id, { kind: 'imported', secretName: describeExisting(secret) }, options, secret);
  }

  /**
   * Imports an existing Secrets Manager secret by ARN: the complete ARN (with the 6-character suffix
   * Secrets Manager adds to the name), or without the suffix (a partial ARN).
   */
  public static fromSecretArn(
    scope: Construct,
    id: string,
    secretArn: string,
    options: SecretOptions = {},
  ): Secret {
    const path = `${scope.node.path}/${id}`;
    if (typeof secretArn !== 'string' || (!Token.isUnresolved(secretArn) && !SECRET_ARN.test(secretArn))) {
      throw invalid(
        path,
        'secretArn',
        secretArn,
        'is not a Secrets Manager secret ARN; use arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[-<suffix>]',
      );
    }
    const complete = Token.isUnresolved(secretArn) || COMPLETE_SUFFIX.test(secretArn);
    const imported = (owner: Construct) =>
      complete
        ? secretsmanager.Secret.fromSecretCompleteArn(owner, 'Secret', secretArn)
        : secretsmanager.Secret.fromSecretPartialArn(owner, 'Secret', secretArn);
    return new Secret(
      scope,
      id,
      {
        kind: 'imported',
        secretName: Token.isUnresolved(secretArn) ? `${path} (by ARN)` : secretArn.split(':secret:')[1],
      },
      options,
      imported,
    );
  }

  /** Generates a random value at deploy time and stores it in Secrets Manager (retained on stack deletion). */
  public static generate(scope: Construct, id: string, options: GeneratedSecretOptions = {}): Secret {
    const path = `${scope.node.path}/${id}`;
    const length = options.length === undefined ? 32 : checkInteger(path, 'length', options.length, 8, 4096);
    return new Secret(
      scope,
      id,
      { kind: 'generated', length, excludePunctuation: options.excludePunctuation ?? true },
      options,
    );
  }

  /** The Secrets Manager secret, for grants and references elsewhere in the stack. */
  public readonly secret: secretsmanager.ISecret;
  /** Name of the secret in the application model. */
  public readonly name: string;
  /** The application this secret belongs to. */
  public readonly application: Application;
  private readonly source: SecretSpec['source'];
  private readonly description?: string;
  private readonly prefix: string;
  private readonly wholeVariable: string;
  private readonly localVariables = new Map<string, { readonly field: string | undefined }>();

  /**
   * A secret a managed service created and keeps (e.g. the credentials RDS generates), made part of the
   * model so the local twin reads the same values from `.env`.
   * @internal
   */
  public static _managed(
    scope: Construct,
    id: string,
    secret: secretsmanager.ISecret,
    service: string,
    options: SecretOptions = {},
  ): Secret {
    return new Secret(scope, id, { kind: 'managed', service }, options, secret);
  }

  private constructor(
    scope: Construct,
    id: string,
    source: SecretSpec['source'],
    options: GeneratedSecretOptions,
    existing?: secretsmanager.ISecret | ((owner: Construct) => secretsmanager.ISecret),
  ) {
    super(scope, id);
    const path = this.node.path;
    this.application = Application.of(this);
    this.name = id;
    this.source = source;
    this.description = options.description;
    this.prefix = options.localVariablePrefix ?? `${upperSnake(id)}_`;
    this.wholeVariable = options.localVariable ?? upperSnake(id);
    if (options.localVariablePrefix !== undefined) {
      checkEnvName(path, 'localVariablePrefix', `${options.localVariablePrefix}X`);
      throwIf(localVariablePrefixProblem(path, options.localVariablePrefix));
    }
    checkEnvName(path, 'localVariable', this.wholeVariable);
    // A default variable (the id's) is checked when it is read: a secret read only by field never uses it.
    if (options.localVariable !== undefined)
      throwIf(localVariableProblem(path, 'localVariable', options.localVariable));
    if (source.kind === 'managed' || existing !== undefined) {
      this.secret = typeof existing === 'function' ? existing(this) : existing!;
    } else if (source.kind === 'imported') {
      if (Token.isUnresolved(source.secretName)) {
        throw invalid(
          path,
          'secretName',
          '(a token)',
          'must be known at synth time so the local twin can name it',
        );
      }
      if (typeof source.secretName !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(source.secretName)) {
        throw invalid(
          path,
          'secretName',
          source.secretName,
          'is not a Secrets Manager secret name; use letters, digits and /_+=.@-',
        );
      }
      this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', source.secretName);
    } else {
      const generated = new secretsmanager.Secret(this, 'Secret', {
        description: options.description,
        generateSecretString: {
          passwordLength: source.length,
          excludePunctuation: source.excludePunctuation,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.secret = generated;
      acknowledgeSecretFindings(
        generated,
        'A generated application secret has no generic rotation: rotating it also has to change what it ' +
          'protects (a database user, an API key). Add a rotation schedule to `secret.secret` where the ' +
          'application supports one.',
      );
    }
    this.application._registerSecret(this);
  }

  /** The value of JSON key `key` of the secret. */
  public field(key: string, options: SecretReferenceOptions = {}): SecretReference {
    if (this.source.kind === 'generated') {
      throw invalid(
        this.node.path,
        'field',
        key,
        'cannot be read: a generated secret holds one plain value, not JSON; use secret.value()',
      );
    }
    if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(key)) {
      throw invalid(
        this.node.path,
        'field',
        key,
        'is not a JSON key twinstack can pass; use letters, digits, "_", "." or "-"',
      );
    }
    const variable = options.localVariable ?? `${this.prefix}${upperSnake(key)}`;
    return this.reference(key, checkEnvName(this.node.path, 'localVariable', variable));
  }

  /** The whole secret value. */
  public value(options: SecretReferenceOptions = {}): SecretReference {
    const variable = options.localVariable ?? this.wholeVariable;
    return this.reference(undefined, checkEnvName(this.node.path, 'localVariable', variable));
  }

  /**
   * A reference to `field` (the whole value when undefined) read locally from `variable`. Locally one
   * variable holds one value, so two fields (`user-name`, `user_name`) cannot share one.
   */
  private reference(field: string | undefined, variable: string): SecretReference {
    throwIf(localVariableProblem(this.node.path, 'localVariable', variable));
    const describe = (f: string | undefined) => (f === undefined ? 'the whole value' : `field '${f}'`);
    const taken = this.localVariables.get(variable);
    if (taken !== undefined && taken.field !== field) {
      throw invalid(
        this.node.path,
        'localVariable',
        variable,
        `is already the local variable of ${describe(taken.field)}, so ${describe(field)} cannot be read from it too; pass a localVariable to tell them apart`,
      );
    }
    this.localVariables.set(variable, { field });
    return new SecretReference(this, field, variable);
  }

  /** The model of this secret. */
  public toSpec(): SecretSpec {
    return {
      name: this.name,
      source: this.source,
      ...(this.description ? { description: this.description } : {}),
    };
  }
}

/** A Secrets Manager secret ARN; the name may end in the 6-character suffix Secrets Manager adds. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const COMPLETE_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** How the local twin's `.env.example` names an existing secret: its name when known, else where it is. */
function describeExisting(secret: secretsmanager.ISecret): string {
  const name = secret.secretName;
  if (typeof name === 'string' && !Token.isUnresolved(name)) return name;
  return secret.node.path;
}

function throwIf(problem: ValidationProblem | undefined): void {
  if (problem) throw new ValidationError(problem);
}
