import * as fs from 'fs';
import * as nodeModule from 'module';
import * as path from 'path';
import { isDependency, TranspileError, TypeScriptLoader } from './typescript-loader';
import type { EvaluateReply, EvaluateRequest, WarmAppOptions } from './warm-protocol';

/**
 * The warm app process of `twinstack dev`: it keeps aws-cdk-lib (and everything else under node_modules)
 * loaded and, for each regeneration, loads again only the app's modules that changed and the modules that
 * import them, then synthesizes the App the entry module creates, as the CDK CLI would (its `beforeExit`
 * synthesis), into the output directory the request names.
 *
 * Two kinds of state would otherwise grow with every regeneration and are released after each one:
 * - the App's `beforeExit` listener, which holds the App's whole construct tree;
 * - aws-cdk-lib's process-wide token map, which holds every token (and the constructs they reference) ever
 *   encoded. The tokens an evaluation registered are removed after it, except when aws-cdk-lib loaded new
 *   modules during it (tokens those modules created at load time are kept, as they live as long as the
 *   process). Should a removed token ever be looked up again, the evaluation fails with aws-cdk-lib's
 *   "Unrecognized token key" and the reply asks for a fresh process.
 */

/** Node's CommonJS module internals the process uses to follow which module imports which. */
interface NodeModule {
  id: string;
  filename: string;
  require(id: string): unknown;
}
interface ModuleStatics {
  prototype: NodeModule;
  _resolveFilename(request: string, parent: NodeModule): string;
}

/** aws-cdk-lib's token map (aws-cdk-lib/core/lib/private/token-map), kept on `global.__cdkTokenMap`. */
interface TokenMapShape {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
}

export class WarmApp {
  /** For each of the app's modules, the app's modules that import it. */
  private readonly importers = new Map<string, Set<string>>();
  private readonly loader: TypeScriptLoader | undefined;
  private readonly entry: string;
  private evaluations = 0;
  private pendingRelease: (() => void) | undefined;

  constructor(private readonly options: WarmAppOptions) {
    this.loader = TypeScriptLoader.install(options.root);
    this.entry = this.loader?.sourceOf(options.entry) ?? options.entry;
    if (!fs.existsSync(this.entry))
      throw new Error(
        `the app's entry module ${path.relative(options.root, options.entry)} does not exist, nor a TypeScript source it is compiled from; name it with --entry FILE`,
      );
    if (/\.c?ts$/.test(this.entry) && !this.loader)
      throw new Error(
        `the app's entry ${path.relative(options.root, this.entry)} is TypeScript and the project has no 'typescript' package; install it (npm install -D typescript)`,
      );
    this.followImports();
  }

  /** Records, for the app's own modules, which module imports which. */
  private followImports(): void {
    const Module = nodeModule.Module as unknown as ModuleStatics;
    const original = Module.prototype.require;
    const importers = this.importers;
    const isOwn = (f: string) => this.isOwn(f);
    const sourceOf = (f: string) => this.loader?.sourceOf(f);
    Module.prototype.require = function (this: NodeModule, id: string) {
      const exported = original.call(this, id);
      if (isOwn(this.filename) && !id.startsWith('node:')) {
        try {
          const found = Module._resolveFilename(id, this);
          // A compiled file loaded from its TypeScript source is known by the source's name.
          const resolved = sourceOf(found) ?? found;
          if (isOwn(resolved)) {
            let set = importers.get(resolved);
            if (!set) importers.set(resolved, (set = new Set()));
            set.add(this.filename);
          }
        } catch {
          // Unresolvable again: the require above would have thrown.
        }
      }
      return exported;
    } as NodeModule['require'];
  }

  /** Whether `file` is one of the app's own modules: under its directory, not an installed package. */
  private isOwn(file: string | undefined): boolean {
    if (!file || !path.isAbsolute(file)) return false;
    const relative = path.relative(this.options.root, file);
    return !relative.startsWith('..') && !path.isAbsolute(relative) && !isDependency(file);
  }

  /** The cached modules to load again: the changed ones, what imports them, and always the entry. */
  private stale(changed: readonly string[]): Set<string> {
    const stale = new Set<string>();
    const visit = (file: string) => {
      if (stale.has(file)) return;
      stale.add(file);
      for (const importer of this.importers.get(file) ?? []) visit(importer);
    };
    for (const file of changed) visit(file);
    visit(this.entry);
    return stale;
  }

  /** Evaluates the app once; its models are in the request's output directory when it succeeds. */
  evaluate(request: EvaluateRequest): EvaluateReply {
    this.release();
    const evaluation = ++this.evaluations;
    const stale = this.stale(request.changed);
    let reloaded = 0;
    for (const key of Object.keys(require.cache)) {
      const m = require.cache[key];
      if (m && (stale.has(key) || stale.has(m.filename))) {
        delete require.cache[key];
        reloaded++;
      }
    }
    for (const [k, v] of Object.entries(request.env)) process.env[k] = v;
    const dependenciesBefore = this.dependencyCount();
    const tokens = tokenMap();
    const tokensBefore = tokens ? new Set(tokens.stringTokenMap.keys()) : undefined;
    const numbersBefore = tokens ? new Set(tokens.numberTokenMap.keys()) : undefined;
    const references = this.referenceTable();
    const referencesBefore = references ? new Set(references.keys()) : undefined;
    const listenersBefore = new Set(process.listeners('beforeExit'));
    try {
      // The app's entry, loaded as the CDK CLI's `node bin/app.js` would load it.
      require(this.entry); // eslint-disable-line @typescript-eslint/no-require-imports
      // The CDK App synthesizes on `beforeExit` (as under the CDK CLI): run what the evaluation added.
      for (const listener of process.listeners('beforeExit')) {
        if (listenersBefore.has(listener)) continue;
        process.removeListener('beforeExit', listener);
        (listener as (code: number) => void)(0);
      }
      return {
        id: request.id,
        ok: true,
        modules: Object.values(require.cache)
          .map((m) => m?.filename)
          .filter((f): f is string => this.isOwn(f)),
        reloaded,
        ...memory(),
      };
    } catch (e) {
      const message = describeFailure(e, this.options.root, (f, l, c) =>
        this.loader?.originalPosition(f, l, c),
      );
      return {
        id: request.id,
        ok: false,
        message,
        ...(/Unrecognized token key|Encoded representation of unknown number Token/.test(message)
          ? { restart: true }
          : {}),
      };
    } finally {
      for (const listener of process.listeners('beforeExit'))
        if (!listenersBefore.has(listener)) process.removeListener('beforeExit', listener);
      this.pendingRelease = () => {
        // References are cached per construct: the tree of this evaluation is not used again.
        if (references && referencesBefore)
          for (const key of references.keys()) if (!referencesBefore.has(key)) references.delete(key);
        // The first evaluation loads the library and may create tokens it keeps; later ones add only
        // their own tree's, unless the library loaded more of itself.
        if (tokens && tokensBefore && numbersBefore && evaluation > 1)
          if (this.dependencyCount() === dependenciesBefore) {
            for (const key of tokens.stringTokenMap.keys())
              if (!tokensBefore.has(key)) tokens.stringTokenMap.delete(key);
            for (const key of tokens.numberTokenMap.keys())
              if (!numbersBefore.has(key)) tokens.numberTokenMap.delete(key);
          }
      };
    }
  }

  /**
   * Releases what aws-cdk-lib keeps of the last evaluation's tree (see the class's description): after
   * the reply is sent, so that it costs the developer no time, and at the latest before the next one.
   */
  release(): void {
    const release = this.pendingRelease;
    this.pendingRelease = undefined;
    release?.();
  }

  /**
   * aws-cdk-lib's process-wide cache of CloudFormation references (`CfnReference.referenceTable`), keyed by
   * construct, once aws-cdk-lib is loaded: the aws-cdk-lib the app resolves, read by its file path.
   */
  private referenceTable(): Map<unknown, unknown> | undefined {
    let file: string;
    try {
      const manifest = require.resolve('aws-cdk-lib/package.json', { paths: [path.dirname(this.entry)] });
      file = path.join(path.dirname(manifest), 'core', 'lib', 'private', 'cfn-reference.js');
    } catch {
      return undefined;
    }
    if (!require.cache[file]) return undefined;
    // By its file: aws-cdk-lib's package exports do not name it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const table = (require(file) as { CfnReference?: { referenceTable?: unknown } }).CfnReference
      ?.referenceTable;
    return table instanceof Map ? table : undefined;
  }

  /** How many modules outside the app (installed packages) are loaded. */
  private dependencyCount(): number {
    let n = 0;
    for (const key of Object.keys(require.cache)) if (!this.isOwn(key)) n++;
    return n;
  }
}

/** The process's memory after an evaluation. */
function memory(): { rss: number; heapUsed: number } {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

function tokenMap(): TokenMapShape | undefined {
  const map = (global as { __cdkTokenMap?: TokenMapShape }).__cdkTokenMap;
  return map && map.stringTokenMap instanceof Map && map.numberTokenMap instanceof Map ? map : undefined;
}

/**
 * What a failed evaluation shows: the library's own errors (ValidationError, ParityError) and transpile
 * errors by their message; anything else with the stack frames of the app's own files, so the line to fix
 * is named without the loader's and aws-cdk-lib's frames.
 */
export function describeFailure(
  e: unknown,
  root: string,
  original: (
    file: string,
    line: number,
    column: number,
  ) => { line: number; column: number } | undefined = () => undefined,
): string {
  if (!(e instanceof Error)) return String(e);
  if (e instanceof TranspileError || e.name === 'TranspileError') return `${e.message}`;
  if (e.name === 'ValidationError' || e.name === 'ParityError') return `${e.name}: ${e.message}`;
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => l.includes(root) && !l.includes(`${path.sep}node_modules${path.sep}`))
    .filter((l) => !/cli[\\/]dev[\\/](warm-app|typescript-loader)\./.test(l))
    .slice(0, 5)
    .map((l) =>
      // The lines of the TypeScript source, not of the code it was transpiled to.
      l.replace(/([^\s()]+\.c?ts):(\d+):(\d+)/, (whole, file: string, line: string, column: string) => {
        const at = original(file, Number(line), Number(column));
        return at ? `${file}:${at.line}:${at.column}` : whole;
      }),
    )
    .map((l) => l.split(root + path.sep).join(''));
  return [`${e.name}: ${e.message}`, ...frames].join('\n');
}

/** Runs the process: requests come from its parent over IPC. */
export function runWarmApp(options: WarmAppOptions): void {
  if (typeof process.send !== 'function') throw new Error('the warm app process runs under twinstack dev');
  let app: WarmApp | undefined;
  let cannotLoad = '';
  try {
    app = new WarmApp(options);
  } catch (e) {
    cannotLoad = (e as Error).message;
  }
  process.on('message', (request: EvaluateRequest) => {
    if (!app) {
      process.send!({ id: request.id, ok: false, message: cannotLoad, restart: true, fatal: true });
      return;
    }
    fs.mkdirSync(request.env.CDK_OUTDIR ?? '.', { recursive: true });
    process.send!(app.evaluate(request));
    // The tree just built is garbage: released and collected while the developer edits (the process
    // runs with --expose-gc), not during the next evaluation, and the heap does not grow between edits.
    setImmediate(() => {
      app!.release();
      (global as { gc?: () => void }).gc?.();
    });
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) runWarmApp(JSON.parse(process.argv[2] ?? '{}') as WarmAppOptions);
