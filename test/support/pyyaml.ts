import { spawnSync } from 'child_process';
import * as fs from 'fs';

/**
 * Reads YAML documents with PyYAML, the YAML 1.1 reader of docker-compose 1.29 (`yaml.safe_load`, pure
 * Python), and with its libyaml loader when it has one: all documents in one Python process, as JSON.
 * Needs Debian's python3-yaml (`apt-get install python3-yaml`; .ci/run installs it).
 */

/** What one loader made of one document: the value, or the loader's error message. */
export type PyYamlResult = { readonly value: unknown } | { readonly error: string };

/** The loaders' results of one document, by loader name (`SafeLoader`, and `CSafeLoader` if present). */
export type PyYamlResults = Readonly<Record<string, PyYamlResult>>;

const SCRIPT = `
import json, sys, yaml
loaders = {'SafeLoader': yaml.SafeLoader}
if getattr(yaml, '__with_libyaml__', False):
    loaders['CSafeLoader'] = yaml.CSafeLoader
out = []
for text in json.load(sys.stdin):
    results = {}
    for name, loader in loaders.items():
        try:
            results[name] = {'value': yaml.load(text, Loader=loader)}
        except Exception as e:
            results[name] = {'error': '%s: %s' % (type(e).__name__, e)}
    out.append(results)
json.dump(out, sys.stdout, ensure_ascii=True, default=repr)
`;

/** The Python with PyYAML: TWINSTACK_PYTHON, else Debian's /usr/bin/python3, else python3 from PATH. */
export function pythonWithPyYaml(): string | undefined {
  const candidates = [process.env.TWINSTACK_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string =>
    Boolean(c),
  );
  for (const python of candidates) {
    if (python.startsWith('/') && !fs.existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', 'import yaml'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** Loads every document with PyYAML; throws when no Python with PyYAML is found. */
export function loadWithPyYaml(documents: readonly string[]): PyYamlResults[] {
  const python = pythonWithPyYaml();
  if (!python) throw new Error('no python3 with PyYAML found: apt-get install python3-yaml');
  const run = spawnSync(python, ['-c', SCRIPT], {
    input: JSON.stringify(documents),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`PyYAML reader failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as PyYamlResults[];
}
