/**
 * Splits a command string into words as Compose does (compose-go reads `command`, `entrypoint` and
 * `healthcheck.test` strings with go-shellwords' default parser): blanks separate words; single quotes
 * keep everything; double quotes keep blanks; a backslash outside single quotes takes the next character
 * as it is; `$VAR` and backquotes are not expanded. An unquoted `;`, `&`, `|`, `<` or `>` ends the
 * command there, as in go-shellwords. Undefined for an unclosed quote or a trailing backslash.
 *
 * Written here because the npm shell splitters (shell-quote, string-argv, args-tokenizer) either expand
 * variables and return operators or treat a backslash inside double quotes differently: the command a
 * service runs must be the one Compose would run.
 */
export function shellWords(line: string): { words: string[]; truncated: boolean } | undefined {
  const words: string[] = [];
  let word = '';
  let got = false;
  let escaped = false;
  let single = false;
  let double = false;
  let truncated = false;
  for (const ch of line) {
    if (escaped) {
      word += ch;
      escaped = false;
      got = true;
      continue;
    }
    if (ch === '\\') {
      if (single) word += ch;
      else escaped = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (single || double) word += ch;
      else if (got) {
        words.push(word);
        word = '';
        got = false;
      }
      continue;
    }
    if (ch === '"' && !single) {
      if (double) got = true;
      double = !double;
      continue;
    }
    if (ch === "'" && !double) {
      if (single) got = true;
      single = !single;
      continue;
    }
    if (';&|<>'.includes(ch) && !single && !double) {
      if (ch === '>' && word.length > 0 && /^[0-9]/.test(word)) got = false;
      truncated = true;
      break;
    }
    got = true;
    word += ch;
  }
  if (escaped || single || double) return undefined;
  if (got) words.push(word);
  return { words, truncated };
}
