import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderLocalTwin, serializeLocalTwin } from '../../constructs/compose/compose-renderer';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { commandOptions, SELECTION_OPTIONS } from '../args';
import {
  appCommandOf,
  readApplications,
  readCdkJson,
  selectApplication,
  synthesisVariables,
} from '../assembly';
import { CliError } from '../cli-error';
import { stageApplications, writeLocalTwinFiles } from '../compose-command';
import { ExitCode, exitCodesUsage } from '../exit-codes';
import type { CliIo } from '../io';
import { appEntry } from './app-entry';
import { ComposeSession, composeSession, findComposeV2 } from './compose-session';
import { SourceWatcher, sourceFilter } from './source-watcher';
import { describeComposeChanges, Mapping } from './twin-changes';
import { WarmAppProcess } from './warm-process';

export const DEV_USAGE = `Usage: twinstack dev [options]

Runs the local twin as a development loop: writes it (like twinstack compose), starts it with Compose v2
(built, started, its develop.watch rules watched, its logs shown), and keeps going. When the app's own
sources change (cdk.json's watch include/exclude), the app is evaluated again in a process that keeps
aws-cdk-lib loaded, the compose file is rewritten only when the twin changed, what changed is listed, and
Compose applies it. An edit that breaks the app prints the error and keeps the last good twin running.
Ctrl-C stops the loop; with --down, the twin too.

Options:
  -o, --output FILE        compose file to write (default: docker-compose.yml)
  -a, --application NAME   application to run, when the app defines several
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
      --stage NAME         run that stage of an app with stages (CDK context stage=NAME)
      --app COMMAND        command that runs the CDK app (default: "app" in cdk.json); its entry module
                           (the last .ts or .js file it names) is what the loop loads
      --entry FILE         the app's entry module, when the command does not name it
      --no-up              regenerate the local twin only: no Compose, no containers
      --down               on Ctrl-C, also stop and remove the twin's containers (volumes are kept)
      --compose PROGRAM    Compose v2 to run (default: TWINSTACK_COMPOSE, else docker compose)
      --no-env-example     do not write .env.example next to the compose file
  -h, --help               show this help

${exitCodesUsage({ ok: 'the loop was stopped' })}`;

/** When the loop stops: Ctrl-C by default; tests resolve it themselves. */
export interface DevControl {
  readonly stopped: Promise<void>;
}

/** Stops the loop on SIGINT or SIGTERM. */
export function signalControl(): DevControl {
  return {
    stopped: new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  };
}

/** What the loop needs to know of the last good twin. */
interface Twin {
  readonly spec: ApplicationSpec;
  readonly compose: string;
  /** The compose file read as data. */
  readonly document: Mapping;
  /** Files the model names (see modelPaths). */
  readonly files: ReadonlySet<string>;
  /** Build contexts of its services, absolute: files in them are the services' code, not the app's. */
  readonly buildContexts: readonly string[];
}

/** `twinstack dev`: the local twin as a development loop (see DEV_USAGE). */
export async function devCommand(
  argv: string[],
  io: CliIo,
  control: DevControl = signalControl(),
): Promise<number> {
  const values = commandOptions(
    argv,
    {
      output: { type: 'string', short: 'o' },
      ...SELECTION_OPTIONS,
      stage: { type: 'string' },
      app: { type: 'string' },
      entry: { type: 'string' },
      'no-up': { type: 'boolean' },
      down: { type: 'boolean' },
      compose: { type: 'string' },
      'no-env-example': { type: 'boolean' },
    },
    DEV_USAGE,
    io,
  );
  if (!values) return ExitCode.OK;
  const cwd = io.cwd;
  const command = appCommandOf(cwd, values.app);
  const entry = appEntry(cwd, command, values.entry);
  const up = !values['no-up'];
  const program = up ? findComposeV2(io.env, values.compose) : undefined;
  if (up && !program)
    throw new CliError(
      'Compose v2 (2.22 or newer, for develop.watch) was not found: neither TWINSTACK_COMPOSE nor `docker compose` ' +
        'runs here. Install Docker or Compose v2, or run `twinstack dev --no-up` to regenerate the local twin only.',
    );
  const output = path.resolve(cwd, values.output ?? 'docker-compose.yml');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-dev-'));
  const say = (text: string) => io.out.write(`${text}\n`);
  const show = (file: string) => path.relative(cwd, file) || file;

  const warm = new WarmAppProcess({ root: cwd, entry, env: io.env, output: (t) => io.err.write(t) });
  let twin: Twin | undefined;
  let modules = new Set<string>();
  let session: ComposeSession | undefined;
  let written = [output];

  /** Evaluates the app and writes its twin when it changed; true when it was written. */
  const regenerate = async (changed: readonly string[]): Promise<boolean> => {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir, { recursive: true });
    const context = values.stage !== undefined ? { stage: values.stage } : {};
    const reply = await warm.evaluate(
      changed,
      synthesisVariables(cwd, outdir, context, { localTwinOnly: true }),
    );
    if (!reply.ok && reply.fatal && !twin) throw new CliError(reply.message);
    if (!reply.ok) {
      io.err.write(
        `twinstack: the app failed${twin ? '; the last good local twin stays' : ''}:\n${reply.message}\n`,
      );
      return false;
    }
    modules = new Set(reply.modules);
    let spec: ApplicationSpec;
    try {
      spec = selectApplication(
        stageApplications(readApplications(outdir), values.stage),
        values.application,
        values.stack,
      ).spec;
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      io.err.write(`twinstack: ${e.message}\n`);
      return false;
    }
    const options = { outputDirectory: path.dirname(output) };
    const rendered = renderLocalTwin(spec, options);
    const files = serializeLocalTwin(spec, rendered, options);
    if (twin && twin.compose === files.compose) {
      say('local twin unchanged');
      return false;
    }
    const previous = twin;
    // The document as data, as a reader of the file gets it (the text is its YAML form).
    const document = JSON.parse(JSON.stringify(rendered.compose)) as Mapping;
    twin = {
      spec,
      compose: files.compose,
      document,
      files: modelPaths(spec),
      buildContexts: buildContexts(document, path.dirname(output)),
    };
    written = writeLocalTwinFiles(output, files, !values['no-env-example']);
    say(`wrote ${show(output)} (application '${spec.name}')`);
    for (const line of describeComposeChanges(previous?.document, document)) say(`  ${line}`);
    return true;
  };

  /** Starts the twin under Compose, once there is one. */
  const start = async () => {
    if (!program || session || !twin) return;
    say(`starting the local twin with Compose ${program.version} (up --build, then watch and logs)`);
    const s = composeSession(program, {
      file: output,
      project: twin.spec.name,
      cwd: path.dirname(output),
      env: io.env,
      out: io.out,
      err: io.err,
    });
    try {
      await s.start();
      session = s;
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      io.err.write(`twinstack: ${e.message}\n`);
      return;
    }
    for (const line of watching(twin.document)) say(line);
    for (const lb of twin.spec.loadBalancers) say(`open http://localhost:${lb.localPort}/ (${lb.name})`);
  };

  say(`loading ${show(entry)} (the app's entry module) in a warm process`);
  try {
    await regenerate([]);
  } catch (e) {
    warm.close();
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  // Started once there is a twin: now, or after the first good edit.
  await start();
  if (!program)
    say('--no-up: the local twin is regenerated as you edit; start it with docker compose up --watch');

  // Changes are handled one at a time; what arrives meanwhile is handled next, together.
  let queue: string[] = [];
  let running: Promise<void> | undefined;
  const handle = (files: string[]) => {
    const relevant = files.filter((f) => isAppFile(f, modules, twin));
    if (relevant.length === 0) return;
    queue.push(...relevant);
    if (running) return;
    running = (async () => {
      while (queue.length > 0) {
        const batch = [...new Set(queue)];
        queue = [];
        say(`changed: ${batch.map(show).join(', ')}`);
        const changedTwin = await regenerate(batch);
        if (changedTwin && session) {
          try {
            await session.apply();
          } catch (e) {
            if (!(e instanceof CliError)) throw e;
            io.err.write(`twinstack: ${e.message}\n`);
          }
        } else if (changedTwin) await start();
      }
    })().finally(() => (running = undefined));
  };
  const isSource = sourceFilter(cwd, readCdkJson(cwd).watch, []);
  const watcher = new SourceWatcher(
    cwd,
    (f) => isSource(f) && !written.includes(path.resolve(cwd, f)),
    handle,
  );
  await watcher.ready();
  say(
    `watching the app's sources for changes; Ctrl-C stops${values.down ? ' the loop and the twin' : ' (the twin keeps running; --down stops it too)'}`,
  );

  await control.stopped;
  say('stopping');
  await watcher.close();
  await running;
  warm.close();
  if (session) await session.stop({ down: values.down === true });
  fs.rmSync(outdir, { recursive: true, force: true });
  return ExitCode.OK;
}

/**
 * Whether a change to `file` can change the twin: one of the app's modules (or a JavaScript, TypeScript or
 * JSON file outside every build context: a module not loaded yet, a settings file), a file the model names
 * (an env file, a config source), or a build's Dockerfile or .dockerignore (the development rules are
 * inferred from them). A service's own code is Compose's to sync or rebuild; anything else (logs, notes)
 * changes nothing.
 */
function isAppFile(file: string, modules: ReadonlySet<string>, twin: Twin | undefined): boolean {
  if (modules.has(file) || twin?.files.has(file)) return true;
  if (/(^|[\\/])(Dockerfile[^\\/]*|Containerfile[^\\/]*|\.dockerignore)$/.test(file)) return true;
  const inBuild = (twin?.buildContexts ?? []).some((c) => file === c || file.startsWith(c + path.sep));
  return !inBuild && /\.([cm]?[jt]sx?|json)$/.test(file);
}

/** Every absolute path the model names (env files, config sources, Dockerfiles, build contexts). */
function modelPaths(spec: ApplicationSpec): Set<string> {
  const paths = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      if (path.isAbsolute(value)) paths.add(path.normalize(value));
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(spec);
  return paths;
}

/** The build contexts of a compose file's services, absolute. */
function buildContexts(compose: Mapping, directory: string): string[] {
  const doc = compose as { services?: Record<string, { build?: string | { context?: string } }> };
  return Object.values(doc.services ?? {}).flatMap((s) => {
    const context = typeof s.build === 'string' ? s.build : s.build?.context;
    return context !== undefined ? [path.resolve(directory, context)] : [];
  });
}

/** Lines naming the services Compose watches, with their rules. */
function watching(compose: Mapping): string[] {
  const doc = compose as {
    services?: Record<string, { develop?: { watch?: { action: string; path: string; target?: string }[] } }>;
  };
  const lines: string[] = [];
  for (const [name, s] of Object.entries(doc.services ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rules = s.develop?.watch ?? [];
    if (rules.length === 0) continue;
    lines.push(
      `watching ${name}: ${rules.map((r) => `${r.action} ${r.path}${r.target ? ` -> ${r.target}` : ''}`).join(', ')}`,
    );
  }
  return lines;
}
