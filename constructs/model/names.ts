import { invalid } from '../errors';

/**
 * Names shared by both twins: a compose service name, an ECS container name and a Service Connect DNS
 * name at once, so only what all three accept is allowed.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
export const NAME_RULE =
  'is not a valid name; use 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter';

/**
 * Names of local named volumes: what a compose file's `volumes:` keys and `docker volume create` both
 * accept, e.g. `db-data` or `pg_data.v2`.
 */
export const VOLUME_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const VOLUME_NAME_RULE =
  'is not a compose volume name; use 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit';

/** Environment variable names accepted by both ECS and compose. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function checkName(path: string, prop: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw invalid(path, prop, name, NAME_RULE);
  return name;
}

export function checkEnvName(path: string, prop: string, name: string): string {
  if (name === '__proto__') {
    throw invalid(
      path,
      prop,
      name,
      'is a name a JavaScript object cannot hold as a key, so the variable would be lost; choose another name',
    );
  }
  if (!ENV_NAME_PATTERN.test(name)) {
    throw invalid(
      path,
      prop,
      name,
      'is not a valid environment variable name; use letters, digits, "_", "." or "-", not starting with a digit',
    );
  }
  return name;
}

/** `my-service` -> `MY_SERVICE`: the default stem of local `.env` variables. */
export function upperSnake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

export function checkInteger(path: string, prop: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, prop, value, `is out of range; use a whole number from ${min} to ${max}`);
  }
  return value;
}

export function checkNonEmptyString(path: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw invalid(path, prop, value, 'must be a non-empty string');
  }
  return value;
}
