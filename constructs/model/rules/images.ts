import type { RuleContext } from './context';
import { WarningIds } from './problems';

/** The registry host of an image reference: its first part when that names a host, else Docker Hub. */
export function registryHost(reference: string): string {
  const first = reference.split('/')[0];
  return reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

/**
 * Images the cloud twin pulls with registry credentials (ECS repositoryCredentials) are pulled locally
 * with the developer's own login, which the local twin cannot hold: each is a warning with the command.
 */
export function checkRegistryCredentials(ctx: RuleContext): void {
  for (const w of ctx.app.workloads) {
    if (w.image.kind !== 'registry' || !w.image.credentials) continue;
    const host = registryHost(w.image.reference);
    ctx.warnings.push({
      id: WarningIds.REGISTRY_LOGIN_NEEDED,
      path: w.path,
      message: `image ${w.image.reference} of '${w.name}' is pulled with registry credentials in the cloud (repositoryCredentials); locally, run \`docker login ${host}\` before \`docker compose up\``,
    });
  }
}
