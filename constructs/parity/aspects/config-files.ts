import * as fs from 'fs';
import * as path from 'path';
import { compareStrings } from '../../model/order';
import { literal, type ComposeService } from '../compose-twin';
import type { ParityContext, WorkloadInstance } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/**
 * Inline config files: compose `configs` with inline content locally; in the cloud, files a helper container
 * writes into a task volume that the workload mounts at the file's directory. Path and content must agree.
 */
export function compareConfigFiles(
  ctx: ParityContext,
  name: string,
  i: WorkloadInstance,
  local: ComposeService,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  const localFiles = new Map<string, string>();
  const kinds = new Map<string, string>();
  for (const c of local.configs) {
    const content = ctx.local.inlineConfigs.get(c.source);
    const file = ctx.local.fileConfigs.get(c.source);
    if (file !== undefined) kinds.set(c.target, `config of the file ${literal(file)}`);
    localFiles.set(
      c.target,
      content !== undefined
        ? literal(content)
        : file !== undefined
          ? readLocalFile(path.resolve(ctx.options.composeDirectory ?? process.cwd(), literal(file)))
          : '(not inline)',
    );
  }
  const cloudFiles = new Map<string, string>();
  const writer = i.host.containers.find((c) => c.role === 'config-files' && c.name === `${name}-files`);
  for (const w of writer?.writes ?? []) {
    const slash = w.path.lastIndexOf('/');
    const writerMount = writer!.mounts.find((m) => m.path === w.path.slice(0, slash));
    const mount = i.container.mounts.find((m) => m.volume === writerMount?.volume);
    if (!mount) continue;
    cloudFiles.set(`${mount.path}/${w.path.slice(slash + 1)}`, writer!.environment[w.variable] ?? '');
  }
  for (const p of [...new Set([...localFiles.keys(), ...cloudFiles.keys()])].sort(compareStrings)) {
    const field = `configFiles[${p}]`;
    const c = cloudFiles.get(p);
    const l = localFiles.get(p);
    const bytes = (t: string) => `${Buffer.byteLength(t)} bytes`;
    if (c === undefined || l === undefined)
      out.push(
        problem(
          name,
          field,
          c === undefined ? undefined : `written by ${name}-files`,
          l === undefined ? undefined : (kinds.get(p) ?? 'inline config'),
          'the file exists in one twin only',
        ),
      );
    else if (c !== l)
      out.push(problem(name, field, bytes(c), bytes(l), 'the twins write different contents'));
    else
      out.push(
        standIn(
          name,
          field,
          `written by ${name}-files into a task volume (${bytes(c)})`,
          `${kinds.get(p) ?? 'inline config'} (${bytes(l)})`,
          'config-file',
          'ECS cannot mount a file from the template; a helper container writes the same content',
        ),
      );
  }
  return out;
}

/** A config file's text as compose would read it now, or a marker the cloud's text never equals. */
function readLocalFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return `(${file} cannot be read)`;
  }
}
