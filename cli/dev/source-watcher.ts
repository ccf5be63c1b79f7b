import * as path from 'path';
import { FSWatcher, watch } from 'chokidar';
import picomatch from 'picomatch';
import { CliError } from '../cli-error';

/** The `watch` setting of `cdk.json`, as `cdk watch` reads it. */
export interface WatchSetting {
  readonly include?: string | readonly string[];
  readonly exclude?: string | readonly string[];
}

/**
 * What is never the app's source, whatever `cdk.json` says (as `cdk watch` excludes them too): the cloud
 * assembly, installed packages, hidden files and directories (`.git`, `.env`), and what the loop writes.
 */
const ALWAYS_EXCLUDED = ['cdk.out/**', '**/node_modules/**', '**/.*', '**/.*/**'];

/** A setting of `cdk.json`'s `watch` that is not a glob or a list of globs: an error naming it. */
function globs(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((g) => typeof g !== 'string'))
    throw new CliError(
      `cdk.json: watch.${name} is ${JSON.stringify(value)}; give a glob or a list of globs (e.g. "lib/**")`,
    );
  return list as string[];
}

/**
 * Which files of the app at `root` are its sources: `include` (default everything) minus `exclude` of
 * `cdk.json`'s `watch`, minus ALWAYS_EXCLUDED and `written` (the loop's own output files).
 */
export function sourceFilter(
  root: string,
  setting: unknown,
  written: readonly string[],
): (file: string) => boolean {
  if (setting !== undefined && (typeof setting !== 'object' || setting === null || Array.isArray(setting)))
    throw new CliError(
      `cdk.json: watch is ${JSON.stringify(setting)}; give { "include": [...], "exclude": [...] }`,
    );
  const { include, exclude } = (setting ?? {}) as WatchSetting;
  const included = globs(include, 'include');
  const isIncluded = picomatch(included.length ? included : ['**'], { dot: true });
  const isExcluded = picomatch([...globs(exclude, 'exclude'), ...ALWAYS_EXCLUDED], { dot: true });
  const writtenFiles = new Set(written.map((f) => path.resolve(f)));
  return (file) => {
    const absolute = path.resolve(root, file);
    if (writtenFiles.has(absolute)) return false;
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('../')) return false;
    return isIncluded(relative) && !isExcluded(relative);
  };
}

/**
 * Watches the app's sources (see sourceFilter) and calls `changed` with the files that changed, added or
 * went away, gathered over `settleMs` after the first one: an editor's save (write, rename, touch) is one
 * change. Directories that are excluded as a whole are not descended into.
 */
export class SourceWatcher {
  private readonly watcher: FSWatcher;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    root: string,
    isSource: (file: string) => boolean,
    changed: (files: string[]) => void,
    settleMs = 25,
  ) {
    const skipDirectory = (file: string) => {
      const relative = path.relative(root, file).split(path.sep).join('/');
      return (
        relative !== '' && /(^|\/)(node_modules|cdk\.out|\.[^/]+)$/.test(relative) // whole trees never watched
      );
    };
    this.watcher = watch(root, {
      ignoreInitial: true,
      ignored: (file, stats) => skipDirectory(file) || (stats?.isFile() === true && !isSource(file)),
    });
    const note = (file: string) => {
      if (!isSource(file)) return;
      this.pending.add(path.resolve(root, file));
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const files = [...this.pending].sort();
        this.pending = new Set();
        changed(files);
      }, settleMs);
    };
    this.watcher.on('add', note).on('change', note).on('unlink', note);
  }

  /** Resolves once the initial scan is done: changes from then on are seen. */
  ready(): Promise<void> {
    return new Promise((resolve) => this.watcher.once('ready', () => resolve()));
  }

  /** Stops watching. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.watcher.close();
  }
}
