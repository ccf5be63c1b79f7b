import * as http from 'http';
import {
  BootTools,
  COMPOSE_V2_HINT,
  ContainerEngine,
  findBootTools,
  findComposeV2,
  sleep,
} from './container-engine';

/**
 * What the boot tests share: the tools the development ones need (and whether they are skipped), HTTP
 * against a published port, the running container of a compose service, and a failing step's diagnostics.
 */

/** The boot tools and Compose v2, what is missing, and whether the tests are skipped (outside CI only). */
export function devBootTools(what: string): {
  tools: BootTools | undefined;
  composeV2: string | undefined;
  missing: string[];
  skipped: boolean;
} {
  let tools: BootTools | undefined;
  let why: string | undefined;
  try {
    tools = findBootTools();
  } catch (e) {
    why = (e as Error).message;
  }
  const composeV2 = findComposeV2();
  const missing = [...(why ? [why] : []), ...(composeV2 ? [] : [COMPOSE_V2_HINT])];
  const skipped = missing.length > 0 && process.env.CI !== 'true';
  if (skipped) console.warn(`${missing.join('; ')}; ${what} is skipped here (it fails in CI).`);
  return { tools, composeV2, missing, skipped };
}

/** GET `target` on 127.0.0.1:`port`: its status and body. */
export function get(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${target}: no answer`)));
  });
}

/** Polls GET `target` until it answers `body` (at most `attempts` times); what it last answered. */
export async function pollFor(port: number, target: string, body: string, attempts = 120): Promise<string> {
  let last = '(nothing)';
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await get(port, target);
      last = `${res.status} ${res.body}`;
      if (res.status === 200 && res.body === body) return res.body;
    } catch (e) {
      last = String(e);
    }
    await sleep(500);
  }
  return last;
}

/** The running container of `service` in compose project `project`: its id and the id of its image. */
export async function runningContainer(
  engine: ContainerEngine,
  project: string,
  service: string,
): Promise<{ id: string; image: string }> {
  const ps = await engine.podman([
    'ps',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--format',
    '{{.ID}} {{.ImageID}}',
  ]);
  const [id, image] = ps.stdout.trim().split('\n')[0]?.split(' ') ?? [];
  return { id, image };
}

/** Runs `check`; when it fails, its error carries `diagnostics()` (what the tools said) too. */
export async function withDiagnostics(check: () => Promise<void>, diagnostics: () => string): Promise<void> {
  try {
    await check();
  } catch (e) {
    (e as Error).message += `\n${diagnostics()}`;
    throw e;
  }
}
