import type { LoadBalancerSpec, RouteConditionsSpec } from '../../constructs/model/spec';

/**
 * A reference evaluator of ALB listener rules, written independently of the nginx renderer (plain string
 * matching, no regular expressions), so the real-nginx test compares nginx's routing with what the load
 * balancer would do.
 */

/** One request as sent on the wire. */
export interface ProbeRequest {
  /** Raw request target: path and optional `?query`, exactly as sent. */
  readonly target: string;
  /** Host header, with an optional port. */
  readonly host: string;
  /** Other headers; each name is sent once. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The name of the route the load balancer picks, or undefined for its fixed 404 response. */
export function albRoute(lb: LoadBalancerSpec, request: ProbeRequest): string | undefined {
  return lb.routes.find((r) => matches(r.conditions, request))?.name;
}

function matches(c: RouteConditionsSpec, request: ProbeRequest): boolean {
  const queryAt = request.target.indexOf('?');
  const path = queryAt === -1 ? request.target : request.target.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : request.target.slice(queryAt + 1);
  const host = request.host.replace(/:[0-9]*$/, '');

  if (c.pathPatterns.length > 0 && !c.pathPatterns.some((p) => globMatch(p, path, false, false)))
    return false;
  if (c.hostHeaders.length > 0 && !c.hostHeaders.some((h) => globMatch(h, host, true, false))) return false;
  for (const [name, values] of Object.entries(c.httpHeaders)) {
    if (values.length === 0) continue;
    const value = Object.entries(request.headers ?? {}).find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (value === undefined) return false;
    if (!values.some((v) => globMatch(v, value[1], true, false))) return false;
  }
  if (c.queryStrings.length > 0) {
    // Parameters: non-empty `&`-separated pieces; key before the first `=`, value after it (empty without).
    const params = (query ?? '')
      .split('&')
      .filter((piece) => piece !== '')
      .map((piece) => {
        const eq = piece.indexOf('=');
        return eq === -1
          ? { key: piece, value: '' }
          : { key: piece.slice(0, eq), value: piece.slice(eq + 1) };
      });
    const found = params.some((p) =>
      c.queryStrings.some(
        (q) =>
          (q.key === undefined || globMatch(q.key, p.key, true, true)) &&
          globMatch(q.value, p.value, true, true),
      ),
    );
    if (!found) return false;
  }
  return true;
}

type Token =
  { readonly kind: 'star' } | { readonly kind: 'one' } | { readonly kind: 'literal'; readonly ch: string };

/**
 * Whole-string wildcard match: `*` any run of characters, `?` exactly one; with `escapes`, `\*` and `\?`
 * are a literal `*` and `?` (query-string conditions). Case-insensitive compares ASCII letters only.
 */
export function globMatch(
  pattern: string,
  text: string,
  caseInsensitive: boolean,
  escapes: boolean,
): boolean {
  const fold = (s: string) => (caseInsensitive ? s.replace(/[A-Z]/g, (ch) => ch.toLowerCase()) : s);
  const tokens: Token[] = [];
  const chars = [...fold(pattern)];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (escapes && ch === '\\' && (chars[i + 1] === '*' || chars[i + 1] === '?')) {
      tokens.push({ kind: 'literal', ch: chars[++i] });
    } else if (ch === '*') tokens.push({ kind: 'star' });
    else if (ch === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'literal', ch });
  }
  const input = [...fold(text)];
  // reachable[j]: the tokens so far can match exactly the first j characters.
  let reachable = input.map((_, j) => j === 0).concat(input.length === 0);
  for (const token of tokens) {
    const next = new Array<boolean>(input.length + 1).fill(false);
    for (let j = 0; j <= input.length; j++) {
      if (!reachable[j]) continue;
      if (token.kind === 'star') {
        for (let k = j; k <= input.length; k++) next[k] = true;
        break;
      }
      if (j < input.length && (token.kind === 'one' || input[j] === token.ch)) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[input.length];
}
