import type {
  ApplicationSpec,
  LoadBalancerSpec,
  SecretSpec,
  VolumeSpec,
  WorkloadSpec,
} from '../../constructs/model/spec';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Any part of a workload spec, replacing the default. */
export type WorkloadOverrides = Partial<Mutable<WorkloadSpec>>;

/** Construct path of a workload, volume or secret named `name` in the application `applicationSpec` builds. */
export const specPath = (name: string): string => `Stack/Shop/${name}`;

/** A workload spec with the defaults a construct records, overridden by `overrides`. */
export function workloadSpec(
  kind: WorkloadSpec['kind'],
  name: string,
  overrides: WorkloadOverrides = {},
): WorkloadSpec {
  return {
    kind,
    name,
    path: specPath(name),
    image: { kind: 'registry', reference: 'nginx:1.27' },
    environment: {},
    secrets: {},
    ports: [],
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
    cpuArchitecture: 'x86_64',
    dependsOn: [],
    mounts: [],
    ...overrides,
  };
}

/** A service spec with the construct defaults. */
export const serviceSpec = (name: string, overrides: WorkloadOverrides = {}): WorkloadSpec =>
  workloadSpec('service', name, overrides);

/** A job spec with the construct defaults. */
export const jobSpec = (name: string, overrides: WorkloadOverrides = {}): WorkloadSpec =>
  workloadSpec('job', name, overrides);

/** What an application spec holds besides its workloads; each part defaults to none. */
export interface ApplicationExtras {
  /** @default 'shop' */
  readonly name?: string;
  /** @default 'Stack/Shop' */
  readonly path?: string;
  readonly volumes?: VolumeSpec[];
  readonly secrets?: SecretSpec[];
  readonly loadBalancers?: LoadBalancerSpec[];
  readonly stage?: string;
}

/** An application spec (`shop` at `Stack/Shop` unless `extras` say otherwise) with `workloads`. */
export function applicationSpec(workloads: WorkloadSpec[], extras: ApplicationExtras = {}): ApplicationSpec {
  return {
    name: extras.name ?? 'shop',
    path: extras.path ?? 'Stack/Shop',
    workloads,
    volumes: extras.volumes ?? [],
    secrets: extras.secrets ?? [],
    loadBalancers: extras.loadBalancers ?? [],
    ...(extras.stage !== undefined ? { stage: extras.stage } : {}),
  };
}
