import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { EvaluateReply, WarmAppOptions } from './warm-protocol';

/** How the warm app process is started: its options, environment, and where its output goes. */
export interface WarmProcessOptions extends WarmAppOptions {
  /** Environment of the process (the developer's, as the app would see it under the CDK CLI). */
  readonly env: NodeJS.ProcessEnv;
  /** What the app itself prints (console.log in its modules), passed on as it comes. */
  readonly output: (text: string) => void;
  /** More options of the Node process itself (it always runs with --expose-gc: see warm-app.ts). */
  readonly nodeOptions?: readonly string[];
}

/**
 * The command that starts the warm app process: the compiled `warm-app.js` beside this file, or, when the
 * tool runs from its TypeScript sources, `warm-app.ts` through a transpile-only hook of `typescript`.
 */
function warmAppCommand(options: WarmAppOptions): string[] {
  const compiled = path.join(__dirname, 'warm-app.js');
  if (fs.existsSync(compiled)) return [compiled, JSON.stringify(options)];
  const source = path.join(__dirname, 'warm-app.ts');
  const ts = require.resolve('typescript');
  const bootstrap =
    `const ts = require(${JSON.stringify(ts)}); const fs = require('fs');` +
    `require.extensions['.ts'] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, 'utf8'), ` +
    `{ compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: f }).outputText, f);` +
    `require(${JSON.stringify(source)}).runWarmApp(JSON.parse(process.argv[1]));`;
  return ['-e', bootstrap, JSON.stringify(options)];
}

/**
 * The app kept loaded in a child process between regenerations (see warm-app.ts), so that a change costs
 * re-evaluating the app's changed modules rather than starting Node and loading aws-cdk-lib again. The
 * child is started on the first evaluation and again after it exits or its state cannot be trusted (a
 * reply that asks for a restart); the app calling `process.exit` is a failed evaluation, not a crash of
 * the loop.
 */
export class WarmAppProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private waiting: { id: number; resolve: (reply: EvaluateReply) => void } | undefined;
  /** How many processes were started: 1 while the first one lives. */
  public starts = 0;

  constructor(private readonly options: WarmProcessOptions) {}

  /** The child's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    const { env, output, nodeOptions, ...options } = this.options;
    const child = spawn(
      process.execPath,
      ['--expose-gc', ...(nodeOptions ?? []), ...warmAppCommand(options)],
      {
        cwd: options.root,
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    this.starts++;
    child.stdout!.setEncoding('utf8').on('data', output);
    child.stderr!.setEncoding('utf8').on('data', output);
    child.on('message', (reply: EvaluateReply) => {
      if (this.waiting && reply.id === this.waiting.id) {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve(reply);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.waiting) {
        const { id, resolve } = this.waiting;
        this.waiting = undefined;
        resolve({
          id,
          ok: false,
          message: `the app's process exited (${signal ?? `code ${code}`}) while the app was evaluated; does a module of the app call process.exit?`,
        });
      }
    });
    return child;
  }

  /**
   * Evaluates the app with `env` set, reloading the modules `changed` touches; resolves with the reply
   * (never rejects: a failure is a reply with the app's error).
   */
  evaluate(changed: readonly string[], env: Readonly<Record<string, string>>): Promise<EvaluateReply> {
    if (this.waiting) throw new Error('an evaluation is already running');
    const child = this.child ?? (this.child = this.start());
    const id = this.nextId++;
    return new Promise<EvaluateReply>((resolve) => {
      this.waiting = { id, resolve };
      child.send({ id, changed, env });
    }).then((reply) => {
      if (!reply.ok && reply.restart) this.stopChild();
      return reply;
    });
  }

  private stopChild(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill();
  }

  /** Stops the process. */
  close(): void {
    this.stopChild();
  }
}
