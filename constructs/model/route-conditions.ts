import { invalid } from '../errors';
import type { RouteConditionsSpec } from './spec';

/** ALB evaluates at most this many condition values per listener rule. */
export const MAX_CONDITION_VALUES = 5;

const PATH = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;
const HOST = /^[A-Za-z0-9\-.*?]{1,128}$/;
// Letters, digits and '-' only: nginx, the local twin's proxy, ignores headers with other characters.
const HEADER_NAME = /^[A-Za-z0-9-]{1,40}$/;
const VALUE = /^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/;
const QUERY_PART = /^[A-Za-z0-9_\-.$/~"'@:+*?%]{1,128}$/;

/** Options a route matches requests on; every kind given must match, any value of a kind may. */
export interface RouteConditions {
  /**
   * URL path patterns: case-sensitive, `*` matches any characters, `?` one character.
   * @default - any path
   */
  readonly pathPatterns?: string[];
  /**
   * Host names (case-insensitive, `*` and `?` wildcards).
   * @default - any host
   */
  readonly hostHeaders?: string[];
  /**
   * Header name to accepted values (case-insensitive, wildcards).
   * @default - no header condition
   */
  readonly httpHeaders?: Record<string, string[]>;
  /**
   * Query-string pairs, any of which must be present; omit `key` to match the value under any key.
   * @default - no query-string condition
   */
  readonly queryStrings?: { key?: string; value: string }[];
}

/** Validates route conditions and records them in the model, sorted where order carries no meaning. */
export function conditionsSpec(path: string, c: RouteConditions): RouteConditionsSpec {
  const list = (prop: string, values: unknown, pattern: RegExp, what: string): string[] => {
    if (values === undefined) return [];
    if (!Array.isArray(values) || values.length === 0)
      throw invalid(path, prop, values, 'must be a non-empty list');
    for (const v of values) {
      if (typeof v !== 'string' || !pattern.test(v)) throw invalid(path, prop, v, `is not a valid ${what}`);
    }
    if (new Set(values).size !== values.length) throw invalid(path, prop, values, 'lists a value twice');
    return [...values];
  };
  const pathPatterns = list(
    'pathPatterns',
    c.pathPatterns,
    PATH,
    'path pattern (start with "/", at most 128 characters, letters, digits and _-.$/~"\'@:+&*?)',
  );
  const hostHeaders = list(
    'hostHeaders',
    c.hostHeaders,
    HOST,
    'host name pattern (letters, digits, "-", ".", "*", "?")',
  ).map((h) => h.toLowerCase());
  const httpHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(c.httpHeaders ?? {})) {
    if (!HEADER_NAME.test(name))
      throw invalid(
        path,
        'httpHeaders',
        name,
        'is not a header name both twins can match; use letters, digits and "-"',
      );
    const key = name.toLowerCase();
    if (key === 'host')
      throw invalid(path, 'httpHeaders', name, 'cannot be matched as a header; use hostHeaders');
    if (key in httpHeaders)
      throw invalid(path, 'httpHeaders', name, 'is listed twice (header names are case-insensitive)');
    httpHeaders[key] = list(
      `httpHeaders.${name}`,
      values,
      VALUE,
      'header value (printable ASCII, at most 128 characters)',
    );
  }
  const queryStrings = (c.queryStrings ?? []).map((q, i) => {
    if (!q || typeof q.value !== 'string' || !QUERY_PART.test(q.value)) {
      throw invalid(
        path,
        `queryStrings[${i}].value`,
        q?.value,
        'is not a valid query-string value (no "&", "=", spaces)',
      );
    }
    if (q.key !== undefined && (typeof q.key !== 'string' || !QUERY_PART.test(q.key))) {
      throw invalid(
        path,
        `queryStrings[${i}].key`,
        q.key,
        'is not a valid query-string key (no "&", "=", spaces)',
      );
    }
    return q.key === undefined ? { value: q.value } : { key: q.key, value: q.value };
  });
  if (c.queryStrings !== undefined && queryStrings.length === 0)
    throw invalid(path, 'queryStrings', [], 'must be a non-empty list');
  const spec: RouteConditionsSpec = {
    pathPatterns,
    hostHeaders,
    httpHeaders: Object.fromEntries(
      Object.entries(httpHeaders).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    queryStrings,
  };
  const count = conditionValueCount(spec);
  if (count > MAX_CONDITION_VALUES) {
    throw invalid(
      path,
      'conditions',
      `${count} values`,
      `are more than an ALB listener rule evaluates; use at most ${MAX_CONDITION_VALUES} in all`,
    );
  }
  return spec;
}

/** Number of values ALB counts against its per-rule limit. */
export function conditionValueCount(c: RouteConditionsSpec): number {
  return (
    c.pathPatterns.length +
    c.hostHeaders.length +
    Object.values(c.httpHeaders).reduce((n, v) => n + v.length, 0) +
    c.queryStrings.length
  );
}

/** Whether a route has no condition at all (the catch-all). */
export function isCatchAll(c: RouteConditionsSpec): boolean {
  return conditionValueCount(c) === 0;
}

/** A canonical text of the conditions: equal texts mean the same requests match. */
export function conditionsKey(c: RouteConditionsSpec): string {
  return JSON.stringify({
    p: [...c.pathPatterns].sort(),
    h: [...c.hostHeaders].sort(),
    H: Object.entries(c.httpHeaders).map(([k, v]) => [k, [...v].map((x) => x.toLowerCase()).sort()]),
    q: c.queryStrings.map((q) => `${q.key?.toLowerCase() ?? ''}=${q.value.toLowerCase()}`).sort(),
  });
}
