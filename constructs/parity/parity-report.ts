import type { StandInKind } from './stand-ins';

/** How one compared field of the twins relates. */
export type ParityKind = 'same' | 'stand-in' | 'error';

/** One compared field of one service (or job, or load balancer). */
export interface ParityEntry {
  /** Name of the service, job or load balancer in both twins. */
  readonly service: string;
  /** The compared field, e.g. `command`, `environment.LOG_LEVEL`, `healthCheck.timing`. */
  readonly field: string;
  /** The cloud twin's value, rendered for humans; undefined when absent. */
  readonly cloud?: string;
  /** The local twin's value, rendered for humans; undefined when absent. */
  readonly local?: string;
  readonly kind: ParityKind;
  /** The declared stand-in, for kind `stand-in`. */
  readonly standIn?: StandInKind;
  /** Why the values differ (a stand-in) or what is wrong (an error). */
  readonly reason?: string;
}

/** A field where the twins differ: a declared stand-in or an error. */
export interface ParityDifference extends ParityEntry {
  readonly kind: 'stand-in' | 'error';
  readonly reason: string;
}

/** The result of a parity check. */
export interface ParityReport {
  /** Name of the application (the compose project). */
  readonly application: string;
  /** Every compared field, by service, in report order. */
  readonly entries: readonly ParityEntry[];
  /** Every field where the twins differ. */
  readonly differences: readonly ParityDifference[];
  /** The differences that are errors. */
  readonly errors: readonly ParityDifference[];
  /** What could not be compared, and why. */
  readonly notes: readonly string[];
}

/** The report of the compared `entries`, in their order. */
export function parityReport(
  application: string,
  entries: readonly ParityEntry[],
  notes: readonly string[],
): ParityReport {
  const differences = entries.filter((e): e is ParityDifference => e.kind !== 'same');
  return { application, entries, differences, errors: differences.filter((d) => d.kind === 'error'), notes };
}

/** A field both twins agree on. */
export function same(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  return { ..._compared(service, field, cloud, local), kind: 'same' };
}

/** A field where the twins differ as the model declares: one of the STAND_IN_KINDS. */
export function standIn(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
  kind: StandInKind,
  reason: string,
): ParityDifference {
  return { ..._compared(service, field, cloud, local), kind: 'stand-in', standIn: kind, reason };
}

/** A field where the twins differ and nothing declares it: an error. */
export function problem(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
  reason: string,
): ParityDifference {
  return { ..._compared(service, field, cloud, local), kind: 'error', reason };
}

/** `same` when the two values are equal, otherwise an error. */
export function compareValue(
  service: string,
  field: string,
  cloud: string | undefined,
  local: string | undefined,
): ParityEntry {
  return cloud === local
    ? same(service, field, cloud, local)
    : problem(
        service,
        field,
        cloud,
        local,
        cloud === undefined || local === undefined ? 'set in one twin only' : 'the twins differ',
      );
}

/** A list of values as the report shows it (JSON), or undefined. */
export function describeList(values: readonly string[] | undefined): string | undefined {
  return values === undefined ? undefined : JSON.stringify(values);
}

/** The fields every entry has; a value a twin does not have is left out. */
function _compared(service: string, field: string, cloud: string | undefined, local: string | undefined) {
  return {
    service,
    field,
    ...(cloud !== undefined ? { cloud } : {}),
    ...(local !== undefined ? { local } : {}),
  };
}
