/**
 * Reading compose files for `twinstack import`: {@link loadCompose} reads one or more files as Compose does
 * and returns a {@link LoadedCompose}, the first layer of the importer (the mapper to constructs and the
 * code generator build on it).
 *
 * The shape the next layer reads:
 *
 * ```ts
 * const model = loadCompose({ files: ['compose.yaml', 'compose.override.yaml'], environment: process.env });
 * model.services.api.ports;            // [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]
 * model.services.api.healthcheck;      // { test: ['CMD-SHELL', 'curl -f ...'], interval: 30000 }
 * model.variables;                     // [{ name: 'TAG', default: 'latest', required: false, usedAt: [...] }]
 * model.warnings;                      // [{ message: 'The "X" variable is not set. ...', location }]
 * model.locationOf(['services', 'api', 'ports', 0]);  // { file: 'compose.yaml', line: 12, column: 9 }
 * for (const { path, value, location } of model.entries('services', 'api')) report(path, value, location);
 * ```
 *
 * - `services`, `volumes`, `networks`, `secrets`, `configs`: the merged model in the long syntax (see
 *   {@link ServiceDefinition} for the differences from `docker compose config`).
 * - `extensions`: the top-level `x-*` keys, interpolated.
 * - `variables`: every variable interpolation read, with the default written, whether a use requires it
 *   (`:?`/`?`) and each place it is used; what becomes a start-time variable.
 * - `warnings`: what Compose accepts but warns about or does not read, each with its location.
 * - `shellForms`: `command`, `entrypoint` and `healthcheck.test` as the string written, where they were one.
 * - `locationOf(path)` and `entries(section, name)`: the file, line and column of every key and entry,
 *   after merging the last file that set it, after `extends` the file of the service it came from, and for
 *   an `env_file` variable the line of the env file.
 *
 * A file Compose would refuse is a {@link ComposeImportError} whose message starts with `file:line:`.
 */
export { ComposeImportError } from './compose-import-error';
export type { Location } from './compose-import-error';
export type { PortConfig, VolumeMount } from './compose-values';
export type { ComposeVariable, ComposeWarning } from './interpolation';
export { loadCompose } from './load-compose';
export type {
  ComposeEntry,
  ComposeSection,
  LoadComposeOptions,
  LoadedCompose,
  ServiceDefinition,
  ServiceDependency,
  ServiceHealthcheck,
} from './load-compose';
export { generateStack } from './generate';
