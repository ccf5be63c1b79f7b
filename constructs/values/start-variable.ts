import { Token } from 'aws-cdk-lib';
import { invalid } from '../errors';
import type { StartVariableSpec } from '../model/spec';

/** Name of a variable compose can interpolate: letters, digits and `_`, not starting with a digit. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Options of a start-time variable. */
export interface StartVariableOptions {
  /**
   * The value when none is given when the application starts. Without it the variable is required: the
   * local twin refuses to start without it (`${VAR:?...}`) and the cloud twin's synthesis fails without a
   * stage setting or context value.
   * @default - none: the variable is required
   */
  readonly default?: string;
  /**
   * An SSM Parameter Store parameter the cloud twin reads the value from each time a task starts (an ECS
   * container secret whose `valueFrom` is the parameter; the task's execution role may read that parameter
   * only). String and SecureString parameters encrypted with the AWS managed key work as they are. The
   * parameter must exist before a task starts: ECS does not start a task whose parameter it cannot read.
   * With it, stage settings and the CDK context are not consulted, and `default` applies locally only.
   * @default - none: the cloud twin's value is found at synth time (stage setting, context, default)
   */
  readonly parameterName?: string;
}

/** SSM parameter names: letters, digits and `_.-/`; hierarchical ones start with `/`. */
const PARAMETER_NAME = /^(?:\/?[A-Za-z0-9_.-]+)+$/;

/** Why `name` is no SSM parameter name ECS can read, if it is not. */
function parameterNameProblem(name: unknown): string | undefined {
  const allowed =
    "must be an SSM parameter name: 1 to 1011 letters, digits, '_', '.', '-' and '/', hierarchical ones starting with '/', e.g. /shop/log-level";
  if (typeof name !== 'string' || Token.isUnresolved(name)) return `${allowed}, known at synth time`;
  if (name.length === 0 || name.length > 1011 || !PARAMETER_NAME.test(name)) return allowed;
  if (name.includes('/') && !name.startsWith('/')) return `${allowed} (a name with '/' starts with '/')`;
  if (/^\/?(aws|ssm)/i.test(name)) return "must not start with 'aws' or 'ssm', which SSM reserves";
  return undefined;
}

/**
 * The value of an environment variable given when the application starts rather than written into the
 * model, e.g. `environment: { LOG_LEVEL: StartVariable.named('LOG_LEVEL', { default: 'info' }) }`.
 *
 * Local twin: compose interpolates it when `docker compose up` runs, from the shell or `.env`
 * (`${LOG_LEVEL:-info}`, or `${LOG_LEVEL:?...}` when required); `.env.example` lists it.
 * Cloud twin: with `parameterName`, the value of that SSM parameter, read by ECS each time a task starts;
 * otherwise the value found at synth time, in this order: the application's stage setting of that name,
 * the CDK context value of that name (`cdk synth -c LOG_LEVEL=debug`), the default. A required variable
 * with none of these is a ValidationError at synth naming the variable and these ways to give it.
 */
export class StartVariable {
  /**
   * A variable read when the application starts.
   * @param variable - the variable's name: letters, digits and `_`, not starting with a digit
   */
  public static named(variable: string, options: StartVariableOptions = {}): StartVariable {
    return new StartVariable(variable, options);
  }

  private constructor(
    /** The variable's name. */
    public readonly variable: string,
    private readonly options: StartVariableOptions,
  ) {}

  /** The value used when none is given, if any. */
  public get defaultValue(): string | undefined {
    return this.options.default;
  }

  /** Checks the variable for the workload at `at` and records where the cloud value comes from. @internal */
  public _resolve(
    at: string,
    prop: string,
    lookups: {
      readonly stageSetting: (name: string) => unknown;
      readonly context: (name: string) => unknown;
    },
  ): { spec: StartVariableSpec; cloudValue?: string } {
    if (typeof this.variable !== 'string' || !VARIABLE_NAME.test(this.variable)) {
      throw invalid(
        at,
        `${prop}.variable`,
        this.variable,
        'must be letters, digits and "_", not starting with a digit (a name compose can interpolate)',
      );
    }
    const def = this.options.default;
    if (def !== undefined && (typeof def !== 'string' || Token.isUnresolved(def))) {
      throw invalid(at, `${prop}.default`, def, 'must be a plain string known at synth time');
    }
    if (def !== undefined && /[}\n\r]/.test(def)) {
      throw invalid(
        at,
        `${prop}.default`,
        def,
        'must not hold "}" or a line break: compose ends `${VAR:-default}` at the first "}"',
      );
    }
    const parameterName = this.options.parameterName;
    if (parameterName !== undefined) {
      const bad = parameterNameProblem(parameterName);
      if (bad) throw invalid(at, `${prop}.parameterName`, parameterName, bad);
      return {
        spec: {
          variable: this.variable,
          ...(def !== undefined ? { default: def } : {}),
          cloudSource: 'ssm-parameter',
          parameterName,
        },
      };
    }
    const fromStage = lookups.stageSetting(this.variable);
    const fromContext = lookups.context(this.variable);
    const found: [StartVariableSpec['cloudSource'], unknown] | undefined =
      fromStage !== undefined
        ? ['stage-setting', fromStage]
        : fromContext !== undefined
          ? ['context', fromContext]
          : def !== undefined
            ? ['default', def]
            : undefined;
    if (found === undefined) {
      throw invalid(
        at,
        prop,
        this.variable,
        `is a required start-time variable and the cloud twin has no value for it; give a stage setting '${this.variable}', the CDK context value (cdk synth -c ${this.variable}=...), or a default`,
      );
    }
    const [cloudSource, value] = found;
    if (!['string', 'number', 'boolean'].includes(typeof value) || Token.isUnresolved(value)) {
      throw invalid(
        at,
        prop,
        this.variable,
        `has a ${cloudSource} value that is not a string, number or boolean known at synth time`,
      );
    }
    return {
      spec: { variable: this.variable, ...(def !== undefined ? { default: def } : {}), cloudSource },
      cloudValue: String(value),
    };
  }
}
