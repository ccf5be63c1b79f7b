import { Environment, Stack, StackProps, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';
import { compareStrings } from './model/order';
import { checkProfileName } from './model/profiles';
import { checkSettings, resolveSettings, SettingValue } from './values/settings';

/** Settings every stage has: name to string, number or boolean. */
export type StageSettings = Record<string, SettingValue>;

/** The types of settings as declared, without the literal types TypeScript infers for their defaults. */
export type SettingTypes<S> = {
  -readonly [K in keyof S]: S[K] extends string
    ? string
    : S[K] extends number
      ? number
      : S[K] extends boolean
        ? boolean
        : S[K];
};

/** The settings type of a Stages definition: `StageStackProps<SettingsOf<typeof stages>>`. */
export type SettingsOf<T> = T extends Stages<StageSettings, infer R> ? R : never;

/** What one stage changes. */
export interface StageOptions<S extends StageSettings> {
  /**
   * AWS account and region the stage's stacks deploy to; stages may use different ones.
   * @default - environment-agnostic: the account and region of the credentials `cdk deploy` runs with
   */
  readonly env?: Environment;
  /**
   * Overrides of the shared settings for this stage. Only settings declared in `settings` may be overridden,
   * with a value of the same type.
   * @default - the shared settings as they are
   */
  readonly settings?: Partial<S>;
  /**
   * Optional parts (workload `profile`s) the cloud twin of this stage includes. Every profile is in the
   * local twin, where compose starts it on request (`--profile`, `COMPOSE_PROFILES`).
   * @default - none: optional workloads are left out of the stage's cloud twin
   */
  readonly profiles?: string[];
  /**
   * Protect the stage's stacks from deletion (CloudFormation termination protection).
   * @default false
   */
  readonly terminationProtection?: boolean;
}

/** Properties of a Stages definition. */
export interface StagesProps<S extends StageSettings> {
  /**
   * Settings every stage has, with the value they have unless a stage overrides it. A string may refer to
   * other settings and to the built-ins `{stage}`, `{account}` and `{region}` as `{name}` (write `{{` and `}}`
   * for literal braces), e.g. `bucket: 'shop-{stage}-{region}'`.
   * @default - no settings
   */
  readonly settings?: S;
  /**
   * The stages by name, e.g. `{ dev: {}, test: {...}, prod: {...} }`, in promotion order. Names are 1 to 20
   * lowercase letters, digits or "-", starting with a letter; they prefix the stacks' names.
   */
  readonly stages: { readonly [name: string]: StageOptions<SettingTypes<NoInfer<S>>> };
  /**
   * CDK context key that selects one stage (`cdk synth -c stage=prod`); without it every stage is
   * synthesized.
   * @default 'stage'
   */
  readonly contextKey?: string;
}

/** Properties the stacks of a stage are created with. */
export interface StageStackProps<S extends StageSettings = StageSettings> extends StackProps {
  /** The stage the stack belongs to; pass it on to the stack's Application. */
  readonly stage: DeploymentStage<S>;
}

const STAGE_NAME = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
const DEFINITION = 'Stages';

/**
 * One description of an application, deployed to several named stages (dev, test, prod, ...): each stage
 * has its own settings (the shared ones with its overrides, BigFlow style), its AWS environment and the
 * optional parts it includes. `createStacks` creates one stack per stage, named `<stage>-<id>`, and passes
 * the stage to it; `cdk synth -c stage=prod` synthesizes only that stage, and `twinstack compose --stage dev`
 * renders that stage's local twin.
 *
 * ```ts
 * const stages = new Stages({
 *   settings: { desiredCount: 1, logLevel: 'debug', apiUrl: 'https://{stage}.shop.example' },
 *   stages: {
 *     dev: {},
 *     prod: { env: { account: '333333333333', region: 'eu-west-1' }, settings: { desiredCount: 3, logLevel: 'warn' } },
 *   },
 * });
 * stages.createStacks(app, 'Shop', (scope, id, props) => new ShopStack(scope, id, props));
 * // in ShopStack: new Application(this, 'shop', { stage: props.stage });
 * //               new Service(shop, 'api', { desiredCount: props.stage.settings.desiredCount, ... });
 * ```
 */
export class Stages<S extends StageSettings = StageSettings, T extends StageSettings = SettingTypes<S>> {
  /** Names of the stages, in declaration (promotion) order. */
  public readonly names: readonly string[];
  /** Context key that selects a stage. */
  public readonly contextKey: string;
  private readonly byName = new Map<string, DeploymentStage<T>>();

  constructor(props: StagesProps<S>) {
    if (!props || typeof props !== 'object' || typeof props.stages !== 'object' || props.stages === null) {
      throw invalid(
        DEFINITION,
        'stages',
        props?.stages,
        'must name at least one stage, e.g. { dev: {}, prod: {} }',
      );
    }
    this.contextKey = props.contextKey ?? 'stage';
    if (typeof this.contextKey !== 'string' || this.contextKey === '') {
      throw invalid(DEFINITION, 'contextKey', props.contextKey, 'must be a non-empty string');
    }
    const shared = checkSettings(DEFINITION, props.settings);
    const names = Object.keys(props.stages);
    this.names = names;
    if (names.length === 0) {
      throw invalid(
        DEFINITION,
        'stages',
        props.stages,
        'must name at least one stage, e.g. { dev: {}, prod: {} }',
      );
    }
    for (const name of names) {
      if (!STAGE_NAME.test(name)) {
        throw invalid(
          DEFINITION,
          `stages.${name}`,
          name,
          'is not a valid stage name; use 1 to 20 lowercase letters, digits or "-", starting with a letter',
        );
      }
      const options = props.stages[name] ?? {};
      const at = `${DEFINITION}.${name}`;
      const env = options.env ?? {};
      const known = (v: string | undefined) => (v !== undefined && !Token.isUnresolved(v) ? v : undefined);
      const settings = resolveSettings(at, shared, options.settings, {
        stage: name,
        account: known(env.account),
        region: known(env.region),
      }) as T;
      const profiles = options.profiles ?? [];
      if (!Array.isArray(profiles))
        throw invalid(at, 'profiles', profiles, 'must be a list of profile names');
      for (const p of profiles) checkProfileName(at, 'profiles', p);
      this.byName.set(
        name,
        new DeploymentStage<T>(this, name, settings, [...new Set(profiles)].sort(compareStrings), options),
      );
    }
  }

  /** The stage named `name`; a ValidationError listing the stages when there is none. */
  public stage(name: string): DeploymentStage<T> {
    const stage = this.byName.get(name);
    if (!stage) {
      throw invalid(DEFINITION, 'stage', name, `is not a stage; the stages are ${this.describeNames()}`);
    }
    return stage;
  }

  /** Every stage, in declaration order. */
  public get all(): readonly DeploymentStage<T>[] {
    return this.names.map((n) => this.byName.get(n)!);
  }

  /**
   * The stages to synthesize: the one the CDK context names (`-c stage=prod`), or every stage when the
   * context does not name one. A name that is not a stage is a ValidationError listing the stages.
   */
  public selected(scope: IConstruct): readonly DeploymentStage<T>[] {
    const wanted: unknown = scope.node.tryGetContext(this.contextKey);
    if (wanted === undefined || wanted === null || wanted === '') return this.all;
    if (typeof wanted !== 'string' || !this.byName.has(wanted)) {
      throw invalid(
        scope.node.path || 'App',
        `context ${this.contextKey}`,
        wanted,
        `is not a stage of this app; use ${this.describeNames()} (or leave it out to synthesize every stage)`,
      );
    }
    return [this.byName.get(wanted)!];
  }

  /**
   * Creates one stack per selected stage with `factory`, with the id `<stage>-<id>` (also its stack name),
   * the stage's `env` and termination protection, and the stage itself in `props.stage`.
   */
  public createStacks<K extends Stack>(
    scope: Construct,
    id: string,
    factory: (scope: Construct, id: string, props: StageStackProps<T>) => K,
  ): K[] {
    return this.selected(scope).map((stage) =>
      factory(scope, stage.stackId(id), {
        stage,
        ...(stage.env ? { env: stage.env } : {}),
        ...(stage.terminationProtection ? { terminationProtection: true } : {}),
      }),
    );
  }

  private describeNames(): string {
    const quoted = this.names.map((n) => `'${n}'`);
    return quoted.length === 1
      ? quoted[0]
      : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  }
}

/**
 * One stage of a Stages definition, with its resolved settings. Pass it to the Application of the stage's
 * stack (`new Application(stack, 'shop', { stage })`) and read `settings` for what differs.
 */
export class DeploymentStage<S extends StageSettings = StageSettings> {
  /** AWS environment of the stage's stacks, when the stage names one. */
  public readonly env?: Environment;
  /** Whether the stage's stacks have termination protection. */
  public readonly terminationProtection: boolean;

  /** @internal */
  constructor(
    /** The stages of the definition this stage belongs to. */
    public readonly stages: { readonly names: readonly string[] },
    /** Name of the stage, e.g. `prod`. */
    public readonly name: string,
    /** The settings of this stage: the shared ones with its overrides, placeholders replaced. */
    public readonly settings: Readonly<S>,
    /** Optional parts (workload profiles) this stage's cloud twin includes. */
    public readonly profiles: readonly string[],
    options: StageOptions<StageSettings>,
  ) {
    if (options.env) this.env = options.env;
    this.terminationProtection = options.terminationProtection === true;
  }

  /** `<stage>-<id>`: the id and name of this stage's stack built from `id`. */
  public stackId(id: string): string {
    return `${this.name}-${id}`;
  }

  /**
   * The value for this stage from a map of stage name to value, or `fallback` for a stage the map leaves
   * out. A key that is not a stage, or a missing stage without fallback, is a ValidationError.
   */
  public select<T>(values: { readonly [stage: string]: T }, fallback?: T): T {
    for (const key of Object.keys(values ?? {})) {
      if (!this.stages.names.includes(key)) {
        throw invalid(
          `${DEFINITION}.${this.name}`,
          `select.${key}`,
          key,
          `is not a stage; the stages are ${this.stages.names.join(', ')}`,
        );
      }
    }
    if (Object.hasOwn(values, this.name)) return values[this.name];
    if (fallback !== undefined) return fallback;
    throw invalid(
      `${DEFINITION}.${this.name}`,
      'select',
      values,
      `has no value for stage '${this.name}' and no fallback; give one for every stage or a fallback`,
    );
  }
}
