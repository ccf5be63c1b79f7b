import { invalid } from './errors';

/**
 * What one engine states about its versions; `checkEngineVersion` does the rest. `R` is what a version
 * resolves to: at least the version the managed service runs and the local stand-in's image.
 */
export interface EngineVersions<R extends EngineRelease> {
  /** The versions to offer in messages, in order (majors where minors of them are accepted too). */
  readonly supported: readonly string[];
  /**
   * Whether a missing or blank version is reported as required before it is looked up.
   * @default true
   */
  readonly required?: boolean;
  /** What a version given by the user resolves to; undefined when the engine does not offer it. */
  readonly resolve: (version: string) => R | undefined;
  /** What the error says of a version the engine does not offer. */
  readonly rejection: (version: unknown) => string;
}

/** One release of an engine, as both twins run it. */
export interface EngineRelease {
  /** The engine version the managed service runs, as the template states it. */
  readonly cloud: string;
  /** The local stand-in's image. */
  readonly image: string;
}

/**
 * Resolves the version an engine was given, or throws the library's ValidationError naming `at`,
 * `engine.version`, the value and what the engine offers.
 */
export function checkEngineVersion<R extends EngineRelease>(
  at: string,
  version: unknown,
  versions: EngineVersions<R>,
): R {
  if ((versions.required ?? true) && (typeof version !== 'string' || version.trim() === '')) {
    throw invalid(at, 'engine.version', version, `is required; use one of ${versions.supported.join(', ')}`);
  }
  const release = typeof version === 'string' ? versions.resolve(version) : undefined;
  if (release === undefined) throw invalid(at, 'engine.version', version, versions.rejection(version));
  return release;
}
