import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  cacheDirectory,
  SDK_NODE_WARNING_SWITCH,
  sdkWarningMarker,
  withSdkWarningOnce,
} from '../../cli/sdk-warning';

const SDK_WARNING =
  'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after the first week of January 2027\nwill require node >=22.';

/** What the SDK does when a client is created: the warning unless its switch is `true`, once per process. */
function fakeSdk() {
  let emitted = false;
  return () => {
    if (!emitted) {
      emitted = true;
      if (process.env[SDK_NODE_WARNING_SWITCH] !== 'true') process.emitWarning(SDK_WARNING);
    }
    return { client: true };
  };
}

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
    warnings.push(typeof w === 'string' ? w : w.message);
  });
  delete process.env[SDK_NODE_WARNING_SWITCH];
});
afterEach(() => {
  jest.restoreAllMocks();
  delete process.env[SDK_NODE_WARNING_SWITCH];
});

const cacheEnv = () => ({ XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-cache-')) });

test('shown the first time, then remembered in the cache directory and not shown again', () => {
  const env = cacheEnv();
  expect(withSdkWarningOnce(env, fakeSdk(), 'v20.20.2')).toEqual({ client: true });
  expect(warnings).toEqual([SDK_WARNING]);
  const marker = path.join(env.XDG_CACHE_HOME, 'twinstack', 'aws-sdk-node-warning-shown.node20');
  expect(sdkWarningMarker(env, 'v20.20.2')).toBe(marker);
  expect(fs.readFileSync(marker, 'utf8')).toContain('Node.js v20.20.2');

  // The next command is a new process: a new SDK, which would warn again.
  expect(withSdkWarningOnce(env, fakeSdk(), 'v20.21.0')).toEqual({ client: true });
  expect(warnings).toEqual([SDK_WARNING]);
  // The switch was set only while the clients were created: a synthesis started later does not inherit it.
  expect(process.env[SDK_NODE_WARNING_SWITCH]).toBeUndefined();
});

test('shown again under another major version of Node.js', () => {
  const env = cacheEnv();
  withSdkWarningOnce(env, fakeSdk(), 'v20.20.2');
  withSdkWarningOnce(env, fakeSdk(), 'v21.7.0');
  expect(warnings).toEqual([SDK_WARNING, SDK_WARNING]);
  expect(fs.readdirSync(path.join(env.XDG_CACHE_HOME, 'twinstack')).sort()).toEqual([
    'aws-sdk-node-warning-shown.node20',
    'aws-sdk-node-warning-shown.node21',
  ]);
});

test('other warnings are never hidden, with or without the marker', () => {
  const env = cacheEnv();
  const noisy = (sdk: () => unknown) => () => {
    process.emitWarning('ExperimentalWarning: something else');
    return sdk();
  };
  withSdkWarningOnce(env, noisy(fakeSdk()), 'v20.1.0');
  // Another warning does not count as the SDK's: no marker from it alone.
  const other = cacheEnv();
  withSdkWarningOnce(other, () => process.emitWarning('DeprecationWarning: not the SDK'), 'v20.1.0');
  expect(fs.existsSync(sdkWarningMarker(other, 'v20.1.0'))).toBe(false);
  withSdkWarningOnce(env, noisy(fakeSdk()), 'v20.1.0');
  expect(warnings).toEqual([
    'ExperimentalWarning: something else',
    SDK_WARNING,
    'DeprecationWarning: not the SDK',
    'ExperimentalWarning: something else',
  ]);
});

test('a switch the user set is left alone, and a cache directory that cannot be written only repeats the warning', () => {
  process.env[SDK_NODE_WARNING_SWITCH] = 'false';
  const env = cacheEnv();
  withSdkWarningOnce(env, fakeSdk(), 'v20.1.0');
  expect(warnings).toEqual([SDK_WARNING]);
  expect(process.env[SDK_NODE_WARNING_SWITCH]).toBe('false');
  expect(fs.existsSync(sdkWarningMarker(env, 'v20.1.0'))).toBe(false);

  delete process.env[SDK_NODE_WARNING_SWITCH];
  const file = path.join(cacheEnv().XDG_CACHE_HOME, 'a-file');
  fs.writeFileSync(file, '');
  const unwritable = { XDG_CACHE_HOME: file };
  expect(withSdkWarningOnce(unwritable, fakeSdk(), 'v20.1.0')).toEqual({ client: true });
  expect(withSdkWarningOnce(unwritable, fakeSdk(), 'v20.1.0')).toEqual({ client: true });
  expect(warnings).toEqual([SDK_WARNING, SDK_WARNING, SDK_WARNING]);
});

test('the cache directory is XDG_CACHE_HOME, else the platform’s', () => {
  expect(cacheDirectory({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'twinstack'));
  const platform = cacheDirectory({});
  expect(platform.endsWith('twinstack') || platform.endsWith(path.join('twinstack', 'Cache'))).toBe(true);
  expect(platform.startsWith(os.homedir()) || process.platform === 'win32').toBe(true);
});

test('with the real SDK: a client created after the marker was written shows no warning of the SDK', () => {
  const env = cacheEnv();
  const created = (): string[] => {
    const before = warnings.length;
    jest.isolateModules(() => {
      // A fresh SDK, as in a new process.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ECSClient } = require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
      withSdkWarningOnce(env, () => new ECSClient({ region: 'eu-west-1' }));
    });
    return warnings.slice(before).filter((w) => w.includes('AWS SDK for JavaScript'));
  };
  const first = created();
  // The SDK warns under the Node.js versions it is about to leave; where it warned, it is remembered.
  expect(fs.existsSync(sdkWarningMarker(env))).toBe(first.length === 1);
  fs.mkdirSync(path.dirname(sdkWarningMarker(env)), { recursive: true });
  fs.writeFileSync(sdkWarningMarker(env), '');
  expect(created()).toEqual([]);
});
