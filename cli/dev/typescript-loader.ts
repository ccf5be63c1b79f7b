import * as fs from 'fs';
import * as nodeModule from 'module';
import * as path from 'path';

/** What the loader needs of the TypeScript compiler API (the project's own `typescript` package). */
type TypeScript = typeof import('typescript');

/** A module as Node's CommonJS loader hands it to an extension handler. */
interface LoadingModule {
  filename: string;
  paths: string[];
  _compile(code: string, filename: string): unknown;
}

type ExtensionHandler = (module: LoadingModule, filename: string) => void;

/** Node's CommonJS loader, as far as the loader touches it. */
interface ModuleLoader {
  _extensions: Record<string, ExtensionHandler>;
  _nodeModulePaths(directory: string): string[];
}

/** A file's transpiled code, kept while the file is unchanged (same size and modification time). */
interface Transpiled {
  readonly size: number;
  readonly mtimeMs: number;
  readonly code: string;
}

/** Where a module of the app failed to transpile: its file, line and column, and the compiler's words. */
export class TranspileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranspileError';
  }
}

/**
 * Loads the app's TypeScript modules in this process, as `ts-node --transpile-only` does: each `.ts` file
 * is transpiled on its own with the project's `typescript` and its tsconfig's compiler options (module
 * forced to CommonJS), without type checking, with an inline source map that `originalPosition` reads to
 * name the `.ts` line of a stack frame. (Node's own source-map support is left off: in a process that loads
 * modules again and again, its cache of maps grows with every load.) A `.js` file beside a `.ts` of the same name (tsc's output in place, as `cdk init` projects have)
 * is loaded from the `.ts`, so an edit counts before it is compiled. Files under `node_modules` are never
 * transpiled. Transpiled code is kept per file until the file changes: re-evaluating a module after an
 * edit elsewhere costs no compilation.
 */
export class TypeScriptLoader {
  private readonly cache = new Map<string, Transpiled>();
  private readonly options: import('typescript').CompilerOptions;
  private readonly outDir: string | undefined;
  private readonly rootDir: string | undefined;

  private constructor(
    private readonly ts: TypeScript,
    private readonly root: string,
    tsconfig: string | undefined,
  ) {
    const base: import('typescript').CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    };
    const configured = tsconfig ? readCompilerOptions(ts, tsconfig) : {};
    this.outDir = configured.outDir;
    this.rootDir = configured.rootDir;
    // Options of a whole program (where its files are, where output goes) say nothing of one file's code,
    // and transpiling a file outside `rootDir` (a library the app imports by path) would be an error.
    // The module settings go with the CommonJS output below: resolution is Node's own here, and ESM-only
    // checks (verbatimModuleSyntax) do not apply to it.
    const {
      outDir: _outDir,
      rootDir: _rootDir,
      rootDirs: _rootDirs,
      moduleResolution: _moduleResolution,
      verbatimModuleSyntax: _verbatim,
      ...perFile
    } = configured;
    void [_outDir, _rootDir, _rootDirs, _moduleResolution, _verbatim];
    this.options = {
      ...base,
      ...perFile,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      declaration: false,
      declarationMap: false,
      noEmit: false,
      emitDeclarationOnly: false,
      composite: false,
      incremental: false,
    };
  }

  /**
   * Installs the loader in this process for the app at `root`: its `typescript` package (resolved from
   * `root`) and its `tsconfig.json` when there is one. Undefined when the project has no `typescript`.
   */
  static install(
    root: string,
    loader: ModuleLoader = nodeModule as unknown as ModuleLoader,
  ): TypeScriptLoader | undefined {
    let ts: TypeScript;
    try {
      // The app's own compiler, found from the app's directory: not one this tool brings.
      ts = require(require.resolve('typescript', { paths: [root] })) as TypeScript; // eslint-disable-line @typescript-eslint/no-require-imports
    } catch {
      return undefined;
    }
    const tsconfig = path.join(root, 'tsconfig.json');
    const instance = new TypeScriptLoader(ts, root, fs.existsSync(tsconfig) ? tsconfig : undefined);
    instance.register(loader);
    return instance;
  }

  /** The TypeScript source of `file` when it is one of the app's `.js` files compiled from one. */
  sourceOf(file: string): string | undefined {
    if (isDependency(file)) return undefined;
    if (/\.c?ts$/.test(file)) return file;
    if (!/\.c?js$/.test(file)) return undefined;
    const toTs = (f: string) => f.replace(/\.(c?)js$/, '.$1ts');
    if (fs.existsSync(toTs(file))) return toTs(file);
    // tsc's output directory: dist/bin/app.js is compiled from <rootDir>/bin/app.ts.
    const { outDir, rootDir } = this;
    if (outDir) {
      const relative = path.relative(outDir, file);
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
        const source = toTs(path.join(rootDir ?? this.root, relative));
        if (fs.existsSync(source)) return source;
      }
    }
    return undefined;
  }

  private register(loader: ModuleLoader): void {
    const compileTs: ExtensionHandler = (module, filename) => {
      module._compile(this.transpile(filename), filename);
    };
    loader._extensions['.ts'] = compileTs;
    loader._extensions['.cts'] = compileTs;
    const js = loader._extensions['.js'];
    loader._extensions['.js'] = (module, filename) => {
      const source = this.sourceOf(filename);
      if (!source || source === filename) return js(module, filename);
      // The module reads as the source file: its own requires resolve beside the source.
      module.filename = source;
      module.paths = loader._nodeModulePaths(path.dirname(source));
      module._compile(this.transpile(source), source);
    };
  }

  /** The CommonJS code of `file`, transpiled once per version of the file. */
  transpile(file: string): string {
    const stat = fs.statSync(file);
    const cached = this.cache.get(file);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.code;
    const output = this.ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: this.options,
      fileName: file,
      reportDiagnostics: true,
    });
    const errors = (output.diagnostics ?? []).filter((d) => d.category === this.ts.DiagnosticCategory.Error);
    if (errors.length > 0) throw new TranspileError(errors.map((d) => this.describe(d)).join('\n'));
    this.cache.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, code: output.outputText });
    return output.outputText;
  }

  /** The line and column (1-based) in the TypeScript source of a position in its transpiled code. */
  originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined {
    const code = this.cache.get(file)?.code;
    const inline =
      code && /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    if (!inline) return undefined;
    const entry = new nodeModule.SourceMap(
      JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8')),
    ).findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }

  private describe(d: import('typescript').Diagnostic): string {
    const text = this.ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(this.root, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
  }
}

/** Whether `file` is an installed package's, which the app does not edit. */
export function isDependency(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

/** The compiler options of a tsconfig (with what it extends); unreadable options count as none. */
function readCompilerOptions(ts: TypeScript, tsconfig: string): import('typescript').CompilerOptions {
  const read = ts.readConfigFile(tsconfig, (f) => ts.sys.readFile(f));
  if (read.error) return {};
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig));
  return parsed.options;
}
