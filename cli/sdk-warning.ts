import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The AWS SDK's own, documented switch for its warning that a coming release needs a newer Node.js
 * (`true` turns it off). The SDK reads it from the process environment when a client is created.
 */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** How the SDK's warning begins (NodeVersionSupportWarning today, NodeDeprecationWarning before). */
const SDK_NODE_WARNING = /^Node(VersionSupport|Deprecation)Warning: The AWS SDK for JavaScript/;

/** The tool's cache directory: XDG_CACHE_HOME, else the platform's user cache directory. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'twinstack');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'twinstack');
  if (process.platform === 'win32' && env.LOCALAPPDATA)
    return path.join(env.LOCALAPPDATA, 'twinstack', 'Cache');
  return path.join(os.homedir(), '.cache', 'twinstack');
}

/** The file that remembers the SDK's warning was shown under this major version of Node.js. */
export function sdkWarningMarker(env: NodeJS.ProcessEnv, nodeVersion: string = process.version): string {
  const major = /^v?(\d+)/.exec(nodeVersion)?.[1] ?? 'unknown';
  return path.join(cacheDirectory(env), `aws-sdk-node-warning-shown.node${major}`);
}

function warningText(warning: unknown): string {
  return typeof warning === 'string' ? warning : ((warning as Error)?.message ?? '');
}

/**
 * Creates AWS SDK clients with `create` so that the SDK's Node.js version warning is shown once per major
 * version of Node.js, not on every command: the first time it is shown, a marker file in the user's cache
 * directory (see sdkWarningMarker) remembers it; with the marker present, the SDK's own switch turns the
 * warning off while the clients are created. Every other warning is shown as before, and a switch the user
 * set is left as it is. A cache directory that cannot be written only means the warning shows again.
 */
export function withSdkWarningOnce<T>(
  env: NodeJS.ProcessEnv,
  create: () => T,
  nodeVersion: string = process.version,
): T {
  if (process.env[SDK_NODE_WARNING_SWITCH] !== undefined) return create();
  const marker = sdkWarningMarker(env, nodeVersion);
  if (fs.existsSync(marker)) {
    process.env[SDK_NODE_WARNING_SWITCH] = 'true';
    try {
      return create();
    } finally {
      // Not left set: the app a later synthesis runs, and its own SDK, see the environment as it was.
      delete process.env[SDK_NODE_WARNING_SWITCH];
    }
  }
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    if (SDK_NODE_WARNING.test(warningText(warning))) remember(marker, nodeVersion);
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return create();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function remember(marker: string, nodeVersion: string): void {
  try {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(
      marker,
      `The AWS SDK's Node.js version warning was shown under Node.js ${nodeVersion}; twinstack does not repeat it for this major version. Remove this file to see it again.\n`,
    );
  } catch {
    // Not writable (a read-only home, a sandbox): the warning shows next time too.
  }
}
