import { Token } from 'aws-cdk-lib';
import { describeValue, invalid, ValidationError, ValidationProblem } from '../errors';
import { compareStrings } from '../model/order';

/** A value of a stage setting. */
export type SettingValue = string | number | boolean;

/** Settings by name. */
export type SettingValues = Readonly<Record<string, SettingValue>>;

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names every stage defines itself and settings may not use. */
export const BUILT_IN_SETTINGS = ['stage', 'account', 'region'] as const;

/**
 * Checks the shared settings' names and values; `at` names the definition in messages.
 */
export function checkSettings(at: string, settings: unknown): SettingValues {
  if (settings === undefined) return {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw invalid(at, 'settings', settings, 'must be an object of setting name to string, number or boolean');
  }
  for (const [key, value] of Object.entries(settings)) {
    if (!SETTING_NAME.test(key)) {
      throw invalid(at, `settings.${key}`, key, 'is not a valid setting name; use letters, digits and "_"');
    }
    if ((BUILT_IN_SETTINGS as readonly string[]).includes(key)) {
      throw invalid(
        at,
        `settings.${key}`,
        key,
        `is a built-in placeholder every stage defines (${BUILT_IN_SETTINGS.join(', ')}); choose another name`,
      );
    }
    checkValue(at, `settings.${key}`, value);
  }
  return settings as SettingValues;
}

/**
 * The settings of one stage: the shared settings with the stage's overrides, every `{name}` in a string
 * replaced by the (resolved) value of setting `name` or of a built-in (`{stage}`, `{account}`, `{region}`),
 * `{{` and `}}` by literal braces. An override of a setting that does not exist, a value of another type,
 * an unknown placeholder and a circular reference are reported together in one ValidationError.
 */
export function resolveSettings(
  at: string,
  shared: SettingValues,
  overrides: unknown,
  builtIns: Readonly<Record<string, string | undefined>>,
): Record<string, SettingValue> {
  const problems: ValidationProblem[] = [];
  const problem = (prop: string, value: unknown, message: string) =>
    problems.push({ path: at, prop, value: describeValue(value), message });
  const known = Object.keys(shared).sort(compareStrings);
  const merged: Record<string, SettingValue> = { ...shared };
  if (overrides !== undefined) {
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
      throw invalid(at, 'settings', overrides, 'must be an object of overrides of the shared settings');
    }
    for (const [key, value] of Object.entries(overrides)) {
      if (!Object.hasOwn(shared, key)) {
        problem(
          `settings.${key}`,
          value,
          `overrides a setting that does not exist; ${known.length ? `the settings are ${known.join(', ')}` : 'no settings are declared'} (declare it in the shared settings first)`,
        );
        continue;
      }
      checkValue(at, `settings.${key}`, value);
      if (typeof value !== typeof shared[key]) {
        problem(
          `settings.${key}`,
          value,
          `is a ${typeof value}, but the shared setting is a ${typeof shared[key]} (${describeValue(shared[key])})`,
        );
        continue;
      }
      merged[key] = value as SettingValue;
    }
  }

  const resolved = new Map<string, SettingValue>();
  const failed = new Set<string>();
  const resolve = (key: string, chain: readonly string[]): SettingValue | undefined => {
    if (resolved.has(key)) return resolved.get(key);
    if (failed.has(key)) return undefined;
    const value = merged[key];
    if (typeof value !== 'string') {
      resolved.set(key, value);
      return value;
    }
    let broken = false;
    const text = value.replace(PLACEHOLDER, (match, name: string | undefined) => {
      if (match === '{{') return '{';
      if (match === '}}') return '}';
      const ref = (name ?? '').trim();
      if (Object.hasOwn(builtIns, ref)) {
        const builtIn = builtIns[ref];
        if (builtIn === undefined) {
          problem(
            `settings.${key}`,
            value,
            `uses {${ref}}, which this stage does not know: give the stage an env with a concrete ${ref}`,
          );
          broken = true;
          return match;
        }
        return builtIn;
      }
      if (!Object.hasOwn(merged, ref)) {
        problem(
          `settings.${key}`,
          value,
          `refers to {${ref}}, which is not a setting; use one of ${[...known, ...BUILT_IN_SETTINGS].map((k) => `{${k}}`).join(', ')} (write {{ and }} for literal braces)`,
        );
        broken = true;
        return match;
      }
      if (chain.includes(ref)) {
        const cycle = [...chain.slice(chain.indexOf(ref)), ref];
        problem(
          `settings.${key}`,
          value,
          `is a circular reference (${cycle.join(' -> ')}); a setting cannot depend on itself`,
        );
        broken = true;
        return match;
      }
      const inner = resolve(ref, [...chain, ref]);
      if (inner === undefined) {
        broken = true;
        return match;
      }
      return String(inner);
    });
    if (broken) {
      failed.add(key);
      return undefined;
    }
    resolved.set(key, text);
    return text;
  };
  for (const key of Object.keys(merged).sort(compareStrings)) resolve(key, [key]);
  if (problems.length > 0) {
    // A cycle is found once from each of its members; report it once.
    const seen = new Set<string>();
    throw new ValidationError(
      problems.filter((p) => {
        const id = `${p.prop}|${p.message}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      }),
    );
  }
  return Object.fromEntries(Object.keys(merged).map((k) => [k, resolved.get(k)!]));
}

function checkValue(at: string, prop: string, value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalid(at, prop, value, 'must be a finite number');
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalid(at, prop, value, 'must be a string, number or boolean');
  }
  if ((typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value)) {
    throw invalid(at, prop, '(a token)', 'must be known at synth time so every stage and both twins get it');
  }
}
