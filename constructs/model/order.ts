/**
 * Orders strings by UTF-16 code units, the same on every machine. `localeCompare` would follow the
 * machine's language settings and make rendered output differ between developers.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders objects by their `name`, see compareStrings. */
export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareStrings(a.name, b.name);
}

/** Orders `[key, value]` entries by key, see compareStrings. */
export function byKey<T>(a: readonly [string, T], b: readonly [string, T]): number {
  return compareStrings(a[0], b[0]);
}
