import * as fs from 'fs';
import * as path from 'path';
import { ComposeImportError, loadCompose, type LoadedCompose } from '../../cli/import';
import type { CorpusEntry } from './corpus';

/** Where corpus projects are set up to be imported: inside the project, so that relative paths stay short. */
export const WORK_DIR = path.join(__dirname, '.work');

/**
 * Variables a project's own `.env.example` (not in the corpus) gives, where Compose cannot read the file
 * without them (a port or a path made of a variable): the values a user copying that file would have.
 */
const EXAMPLE_ENVIRONMENT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  jitsi: {
    CONFIG: './jitsi-meet-cfg',
    HTTP_PORT: '8000',
    HTTPS_PORT: '8443',
    JVB_PORT: '10000',
    JVB_TCP_PORT: '4443',
    RESTART_POLICY: 'unless-stopped',
    XMPP_DOMAIN: 'meet.jitsi',
    XMPP_SERVER: 'xmpp.meet.jitsi',
  },
  supabase: {
    KONG_HTTP_PORT: '8000',
    KONG_HTTPS_PORT: '8443',
    POSTGRES_PORT: '5432',
    POSTGRES_HOST: 'db',
    POSTGRES_DB: 'postgres',
    POOLER_PROXY_PORT_TRANSACTION: '6543',
    DOCKER_SOCKET_LOCATION: '/var/run/docker.sock',
    SMTP_PORT: '2500',
  },
};

/** A corpus project set up as a new user would before importing it, and read as Compose reads it. */
export interface PreparedProject {
  readonly entry: CorpusEntry;
  /** The copy of the project's folder the import reads. */
  readonly dir: string;
  /** The compose files, in the order of `-f`: the base file, then the files written to override it. */
  readonly files: readonly string[];
  /** What the user was asked for: env files created empty, required variables given a value. */
  readonly preparation: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly model: LoadedCompose;
}

/**
 * Copies a corpus project and does what its README asks of a new user before `docker compose up`: creates
 * the env files it names (empty) and gives each required variable a value, one at a time as Compose asks
 * for them; then reads it. The first compose file is the base, and the files that say they override it
 * come after it.
 */
export function prepareProject(entry: CorpusEntry): PreparedProject {
  const dir = path.join(WORK_DIR, entry.project);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(entry.dir)) fs.copyFileSync(path.join(entry.dir, f), path.join(dir, f));
  const overrides = new Map(
    (entry.origin.files ?? []).flatMap((f) => (f.overrides ? [[f.file, f.overrides] as const] : [])),
  );
  const names = entry.composeFiles.map((f) => path.basename(f));
  const base = names.find((n) => !overrides.has(n) && names.some((o) => overrides.get(o) === n)) ?? names[0];
  const files = [base, ...names.filter((n) => overrides.get(n) === base)].map((n) => path.join(dir, n));
  const environment: Record<string, string> = { ...EXAMPLE_ENVIRONMENT[entry.project] };
  const preparation: string[] = Object.keys(environment).length
    ? [`set ${Object.keys(environment).join(', ')} as its .env.example does`]
    : [];
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const model = loadCompose({ files: files.map((f) => path.relative(process.cwd(), f)), environment });
      // The project's own sources, which the corpus does not hold: each build context with a Dockerfile
      // that has the stages the services build.
      const stages = new Map<string, { service: string; targets: Set<string> }>();
      for (const [name, service] of Object.entries(model.services)) {
        if (!service.build) continue;
        const context = path.resolve(model.projectDir, service.build.context);
        const dockerfile = path.resolve(context, service.build.dockerfile ?? 'Dockerfile');
        const entry = stages.get(dockerfile) ?? { service: name, targets: new Set<string>() };
        if (service.build.target) entry.targets.add(service.build.target);
        stages.set(dockerfile, entry);
      }
      for (const [dockerfile, { service, targets }] of stages) {
        if (fs.existsSync(dockerfile)) continue;
        fs.mkdirSync(path.dirname(dockerfile), { recursive: true });
        const lines = targets.size ? [...targets].map((t) => `FROM scratch AS ${t}`) : ['FROM scratch'];
        fs.writeFileSync(dockerfile, `${lines.join('\n')}\n`);
        preparation.push(`wrote a placeholder ${path.relative(dir, dockerfile)} for ${service}`);
      }
      return { entry, dir, files, preparation, environment, model };
    } catch (e) {
      if (!(e instanceof ComposeImportError)) throw e;
      const missingFile = /env_file: (.+) not found$/.exec(e.reason);
      const missingVariable = /^required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value/.exec(e.reason);
      if (missingFile) {
        const file = path.resolve(path.dirname(e.location?.file ?? files[0]), missingFile[1]);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, '');
        preparation.push(`created ${path.relative(dir, file)} (empty)`);
      } else if (missingVariable) {
        environment[missingVariable[1]] = `imported-${missingVariable[1].toLowerCase()}`;
        preparation.push(`set ${missingVariable[1]}`);
      } else throw e;
    }
  }
  throw new Error(`${entry.project}: could not be prepared: ${preparation.join(', ')}`);
}
