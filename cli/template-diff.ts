import { Writable } from 'stream';
import { formatDifferences, fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';

/**
 * Resource types that hold data: replacing or removing one loses (or orphans) what it stores, so a diff
 * calls it out.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'AWS::EFS::FileSystem',
  'AWS::EFS::AccessPoint',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::MemoryDB::Cluster',
  'AWS::AmazonMQ::Broker',
  'AWS::OpenSearchService::Domain',
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
];

/** What changed between two templates. */
export interface TemplateDiffResult {
  /** Whether the templates differ once asset hashes are set aside. */
  readonly changed: boolean;
  /** Whether only asset hashes differ (a build context or bundled file changed). */
  readonly assetsOnly: boolean;
  /** The formatted differences (cloudformation-diff), without colours. */
  readonly text: string;
  /** Changes to call out: replaced or removed stateful resources, broadened IAM permissions. */
  readonly warnings: readonly string[];
}

// Colour codes of the formatter (chalk); CI logs and files want plain text.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const ASSET_HASH = /(?<!sha256:)\b[a-f0-9]{64}\b/g;

/**
 * Replaces content hashes of assets (64 hex digits, not preceded by `sha256:` as image digests are) with a
 * placeholder, so an asset that was rebuilt does not show as a change of every resource that names it.
 */
export function normalizeAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(ASSET_HASH, '[asset hash]')) as T;
}

/** Diffs two templates with @aws-cdk/cloudformation-diff, asset hashes set aside. */
export function diffTemplates(before: object, after: object): TemplateDiffResult {
  const diff = fullDiff(normalizeAssetHashes(before), normalizeAssetHashes(after));
  if (diff.isEmpty) {
    return {
      changed: false,
      assetsOnly: JSON.stringify(before) !== JSON.stringify(after),
      text: '',
      warnings: [],
    };
  }
  const warnings: string[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? '';
    if (!STATEFUL_RESOURCE_TYPES.includes(type)) return;
    const impact = change.changeImpact;
    if (impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE) {
      warnings.push(
        `${logicalId} (${type}) ${impact === ResourceImpact.WILL_REPLACE ? 'WILL BE REPLACED' : 'MAY BE REPLACED'}: its data does not move to the new resource`,
      );
    } else if (impact === ResourceImpact.WILL_DESTROY || impact === ResourceImpact.WILL_ORPHAN) {
      warnings.push(
        `${logicalId} (${type}) ${impact === ResourceImpact.WILL_DESTROY ? 'WILL BE DELETED' : 'leaves the stack (retained, orphaned)'}`,
      );
    }
  });
  // formatDifferences lists the IAM statement and security-group changes first when there are any.
  const text = capture((s) => formatDifferences(s, diff));
  if (diff.permissionsBroadened) {
    warnings.push(
      'IAM permissions or security-group access are BROADENED (see the IAM and security group tables)',
    );
  }
  return { changed: true, assetsOnly: false, text: text.replace(ANSI_COLOUR, ''), warnings };
}

function capture(write: (stream: NodeJS.WritableStream) => void): string {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  write(stream);
  return chunks.join('');
}
