import type { UrlPartsSpec } from '../../model/spec';
import type { CloudContainer } from '../cloud-twin';
import type { ComposeService } from '../compose-twin';
import type { ParityContext } from '../parity-context';
import { ParityEntry, problem, standIn } from '../parity-report';

/** A connection URL whose parts the model declares per twin (`connectTo`'s typed `url`). */
interface DeclaredUrl {
  /** The data service connected to. */
  readonly target: string;
  readonly cloud: UrlPartsSpec;
  readonly local: UrlPartsSpec;
}

/**
 * The URL variables of `workload`'s connections whose parts the model declares: variable -> parts. Read
 * defensively, as the model may come from a file.
 */
function declaredUrls(ctx: ParityContext, workload: string): ReadonlyMap<string, DeclaredUrl> {
  const out = new Map<string, DeclaredUrl>();
  const w = ctx.spec?.workloads.find((x) => x.name === workload);
  for (const c of w?.connections ?? []) {
    for (const [variable, url] of Object.entries((c.urls ?? {}) as Record<string, unknown>)) {
      const u = url as Partial<Record<'cloud' | 'local', unknown>> | undefined;
      if (isParts(u?.cloud) && isParts(u?.local))
        out.set(variable, { target: c.target, cloud: u.cloud, local: u.local });
    }
  }
  return out;
}

function isParts(x: unknown): x is UrlPartsSpec {
  const p = x as Partial<Record<string, unknown>> | undefined;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.scheme === 'string' &&
    typeof p.path === 'string' &&
    typeof p.query === 'string'
  );
}

/**
 * The scheme, path and query of a connection URL as a twin renders it, with `\u0000` for each value it
 * does not hold as text (the password, the endpoint in the cloud): `<scheme>://<credentials>@<host>:<port><path>[?<query>]`.
 */
export function urlParts(text: string): UrlPartsSpec | undefined {
  const m = /^([^:/?#]+):\/\/(?:[^@/?#]*@)?[^/?#]*([^?#]*)(?:\?([^#]*))?$/.exec(text);
  return m ? { scheme: m[1], path: m[2], query: m[3] ?? '' } : undefined;
}

/** A compose value with each interpolation (`${VAR:?...}`) as `\u0000` and `$$` as `$`. */
function composeText(value: string): string {
  return value.replace(/\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (m) => (m === '$$' ? '$' : '\u0000'));
}

/** A URL's declared or found parts, for humans: `scheme://…path?query`. */
function describe(parts: UrlPartsSpec | undefined): string | undefined {
  return parts ? `${parts.scheme}://…${parts.path}${parts.query ? `?${parts.query}` : ''}` : undefined;
}

/**
 * Compares the connection URLs whose parts the model declares: the cloud twin's URL secret (built by the
 * template) and the local twin's compose value must each have the scheme, path and query declared for it.
 */
export function compareConnectionUrls(
  ctx: ParityContext,
  name: string,
  c: CloudContainer,
  local: ComposeService,
): ParityEntry[] {
  const out: ParityEntry[] = [];
  for (const [variable, declared] of declaredUrls(ctx, name)) {
    const field = `environment.${variable}`;
    const cloudText = c.builtSecrets?.[variable];
    const localText = local.environment[variable];
    const cloud = cloudText === undefined ? undefined : urlParts(cloudText);
    const here =
      localText === undefined || localText === null ? undefined : urlParts(composeText(String(localText)));
    const cloudShown = describe(cloud) ?? (c.secrets.includes(variable) ? '(secret)' : undefined);
    const localShown = describe(here) ?? (localText === undefined ? undefined : String(localText));
    const wrong = [
      describe(cloud) !== describe(declared.cloud)
        ? `the cloud twin's is ${cloudShown === undefined ? 'missing' : cloudShown === '(secret)' ? 'not a URL the template builds' : `'${cloudShown}'`}`
        : undefined,
      describe(here) !== describe(declared.local)
        ? `the local twin's is ${localShown === undefined ? 'missing' : `'${localShown}'`}`
        : undefined,
    ].filter((x) => x !== undefined);
    out.push(
      wrong.length === 0
        ? standIn(
            name,
            field,
            cloudShown,
            localShown,
            'managed-service',
            `connection URL to '${declared.target}', a managed service in the cloud and a container locally, with the declared scheme, path and query in each twin`,
          )
        : problem(
            name,
            field,
            cloudShown,
            localShown,
            `the model declares the URL of the connection to '${declared.target}' as '${describe(declared.cloud)}' in the cloud and '${describe(declared.local)}' locally; ${wrong.join(' and ')}`,
          ),
    );
  }
  return out;
}
