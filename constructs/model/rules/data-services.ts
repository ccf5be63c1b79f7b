import type { ValidationProblem } from '../../errors';
import type { ConnectionUrlSpec, DataServiceKind, DataServiceSpec } from '../spec';
import type { RuleContext } from './context';
import { problem } from './problems';

/** Kinds whose managed service in the cloud accepts plain connections too: a TLS flag could not be true. */
const NOT_TLS_ONLY: readonly DataServiceKind[] = ['postgres', 'mysql', 'mariadb'];

/** Each connection names a data service of the application; a TLS flag only one that is TLS-only in the cloud. */
export function checkConnections(ctx: RuleContext): void {
  const { app } = ctx;
  const dataServices = new Map((app.dataServices ?? []).map((d) => [d.name, d]));
  for (const w of app.workloads) {
    for (const c of w.connections ?? []) {
      const target = dataServices.get(c.target);
      if (!target)
        ctx.errors.push(
          problem(w.path, 'connectTo', c.target, `is not a data service of application '${app.name}'`),
        );
      else if (c.tls && NOT_TLS_ONLY.includes(target.kind))
        ctx.errors.push(
          problem(
            w.path,
            'connectTo.tls',
            c.tls.variable,
            `${target.kind} service '${target.name}' is not TLS-only in the cloud; a TLS flag is for a cache, search domain, message broker or document database`,
          ),
        );
      else if (c.tls && c.tls.cloud === c.tls.local)
        ctx.errors.push(
          problem(w.path, 'connectTo.tls', c.tls.variable, `has the value '${c.tls.cloud}' in both twins`),
        );
      if (!target) continue;
      for (const [variable, url] of Object.entries(c.urls ?? {})) {
        if (c.variables[variable] !== 'url')
          ctx.errors.push(
            problem(
              w.path,
              `connectTo.url[${variable}]`,
              variable,
              'is not a url variable of this connection',
            ),
          );
        else ctx.errors.push(...connectionUrlProblems(w.path, variable, target, url));
      }
    }
  }
}

/** RFC 3986 scheme: a letter, then letters, digits, `+`, `-` and `.`. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** RFC 3986 path of an URL with an authority: empty, or `/` and segments of pchar (percent-encoded or not). */
const PATH = /^(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*)?$/;
/** RFC 3986 query, as written into the URL: pchar, `/` and `?`, with `&`-separated `name=value` pairs. */
const QUERY = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/** Query parameter names that would carry a credential in clear. */
const CREDENTIAL_PARAMETER = /password|passwd|pwd|secret|token|credential/i;

/**
 * Schemes that ask the client for TLS, with the scheme of the same protocol in plain text. A TLS scheme
 * cannot reach a local stand-in (all are plain); a plain one cannot reach a managed service that is
 * TLS-only in the cloud.
 */
export const TLS_SCHEMES: Readonly<Record<string, string>> = {
  rediss: 'redis',
  valkeys: 'valkey',
  amqps: 'amqp',
  https: 'http',
};

/**
 * What is wrong with the declared parts of the connection URL in `variable` to `target`, in each twin:
 * the syntax of each part (RFC 3986), a TLS scheme for the plain local stand-in, a plain scheme for a
 * managed service that is TLS-only in the cloud. Any other valid scheme is the client's business
 * (`postgresql+psycopg2`, `db+postgresql`).
 */
export function connectionUrlProblems(
  path: string,
  variable: string,
  target: Pick<DataServiceSpec, 'kind' | 'name'>,
  url: ConnectionUrlSpec,
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const service = `${target.kind} service '${target.name}'`;
  for (const twin of ['cloud', 'local'] as const) {
    const parts = url?.[twin];
    const at = `connectTo.url[${variable}]`;
    if (!parts || typeof parts !== 'object') {
      out.push(problem(path, `${at}.${twin}`, parts, 'must give the scheme, path and query of the URL'));
      continue;
    }
    const { scheme, path: urlPath, query } = parts;
    if (typeof scheme !== 'string' || !SCHEME.test(scheme))
      out.push(
        problem(
          path,
          `${at}.scheme.${twin}`,
          scheme,
          'is not a URL scheme; use a letter, then letters, digits, "+", "-" or "." (RFC 3986), e.g. "postgresql+psycopg2"',
        ),
      );
    else if (twin === 'local' && TLS_SCHEMES[scheme.toLowerCase()] !== undefined)
      out.push(
        problem(
          path,
          `${at}.scheme.local`,
          scheme,
          `asks for TLS, which the local stand-in of ${service} does not speak; use '${TLS_SCHEMES[scheme.toLowerCase()]}' locally, e.g. scheme: { cloud: '${scheme}', local: '${TLS_SCHEMES[scheme.toLowerCase()]}' }`,
        ),
      );
    else if (twin === 'cloud' && !NOT_TLS_ONLY.includes(target.kind)) {
      const tls = Object.entries(TLS_SCHEMES).find(([, plain]) => plain === scheme.toLowerCase())?.[0];
      if (tls)
        out.push(
          problem(
            path,
            `${at}.scheme.cloud`,
            scheme,
            `is plain, but the managed ${service} accepts only TLS in the cloud; use '${tls}' there, e.g. scheme: { cloud: '${tls}', local: '${scheme}' }`,
          ),
        );
    }
    if (typeof urlPath !== 'string' || !PATH.test(urlPath))
      out.push(
        problem(
          path,
          `${at}.path.${twin}`,
          urlPath,
          'is not a URL path; start it with "/" and use no "?", "#", spaces or control characters (percent-encode them)',
        ),
      );
    if (typeof query !== 'string' || !QUERY.test(query))
      out.push(
        problem(path, `${at}.query.${twin}`, query, 'is not an encoded URL query string (name=value&...)'),
      );
    else {
      const credential = query
        .split('&')
        .map((pair) => pair.split('=')[0])
        .find((name) => CREDENTIAL_PARAMETER.test(name));
      if (credential !== undefined)
        out.push(
          problem(
            path,
            `${at}.query.${twin}`,
            credential,
            "looks like a credential: the query is written in clear into the URL secret's template and the compose file; the URL's password is the data service's, and another secret belongs in a Secret of its own",
          ),
        );
    }
  }
  return out;
}
