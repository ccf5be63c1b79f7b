/** The part of the Compose Specification twinstack writes. Field names are the specification's own. */

export interface ComposeBuild {
  readonly context: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly args?: Readonly<Record<string, string>>;
}

export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period?: string;
}

export type ComposeDependsOnCondition =
  'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeDependsOn {
  readonly condition: ComposeDependsOnCondition;
}

export interface ComposeVolumeMount {
  readonly type: 'volume';
  readonly source: string;
  readonly target: string;
  readonly read_only?: boolean;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly platform?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly working_dir?: string;
  readonly user?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly expose?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly depends_on?: Readonly<Record<string, ComposeDependsOn>>;
  readonly volumes?: readonly ComposeVolumeMount[];
  readonly configs?: readonly { readonly source: string; readonly target: string }[];
  readonly restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  readonly deploy?: {
    readonly resources: { readonly limits: { readonly cpus: string; readonly memory: string } };
  };
}

export interface ComposeDocument {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, Record<string, never>>>;
  readonly configs?: Readonly<Record<string, { readonly content: string }>>;
}
