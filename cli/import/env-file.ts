import { ComposeImportError, Location } from './compose-import-error';
import { InterpolationContext, substitute } from './interpolation';

/** One variable of an env file, with the line it is on. */
export interface EnvFileEntry {
  readonly name: string;
  /** Its value; undefined for a bare `NAME` line whose variable the environment does not set. */
  readonly value: string | undefined;
  readonly location: Location;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-[\]]*/;

/**
 * Reads the text of a `.env` or `env_file` file as Compose's dotenv reader does: `NAME=value` and
 * `export NAME=value`, `#` comments (after a blank in unquoted values), single-quoted values literal,
 * double-quoted ones with escapes (`\n`, `\t`, `\"`, `\\`) over several lines, `${VAR}` substituted in
 * unquoted and double-quoted values from the variables above and then `lookup`, and a bare `NAME` taken
 * from `lookup` (left out when unset).
 */
export function parseEnvFile(
  source: string,
  file: string,
  lookup: (name: string) => string | undefined,
): EnvFileEntry[] {
  const values = new Map<string, string>();
  const entries: EnvFileEntry[] = [];
  const ctx = new InterpolationContext((name) => values.get(name) ?? lookup(name));
  const text = source.replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const location: Location = { file, line: n + 1, column: 1 };
    let line = lines[n].replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (/^export\s+/.test(line)) line = line.replace(/^export\s+/, '');
    const name = KEY.exec(line)?.[0];
    if (!name)
      throw new ComposeImportError(
        `env file: unexpected character "${line[0]}" in a variable name`,
        location,
      );
    let rest = line.slice(name.length).replace(/^[ \t]+/, '');
    if (rest === '' || rest.startsWith('#')) {
      const value = lookup(name);
      entries.push({ name, value, location });
      if (value !== undefined) values.set(name, value);
      continue;
    }
    if (rest[0] !== '=' && rest[0] !== ':') {
      throw new ComposeImportError(
        `env file: unexpected character "${rest[0]}" after the variable name ${name}`,
        location,
      );
    }
    rest = rest.slice(1).replace(/^[ \t]+/, '');
    let value: string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let body = '';
      let i = 1;
      let m = n;
      let current = rest;
      let closed = false;
      for (;;) {
        for (; i < current.length; i++) {
          const ch = current[i];
          if (quote === '"' && ch === '\\' && i + 1 < current.length) {
            body += ch + current[i + 1];
            i++;
            continue;
          }
          if (ch === quote) {
            closed = true;
            break;
          }
          body += ch;
        }
        if (closed || m + 1 >= lines.length) break;
        body += '\n';
        m++;
        current = lines[m];
        i = 0;
      }
      if (!closed)
        throw new ComposeImportError(`env file: the quoted value of ${name} is not closed`, location);
      n = m;
      value = quote === "'" ? body : substitute(unescape(body), ctx, location);
    } else {
      const comment = /\s#/.exec(rest);
      const raw = (comment ? rest.slice(0, comment.index) : rest).trim();
      value = substitute(raw, ctx, location);
    }
    values.set(name, value);
    entries.push({ name, value, location });
  }
  return entries;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '$':
        return '$$';
      default:
        return c;
    }
  });
}
