import type { SynthesizedExamples } from './synthesized-examples';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Resource types that hold data: a refactor must never replace or delete them. */
export const STATEFUL = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::EFS::FileSystem',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::OpenSearchService::Domain',
  'AWS::AmazonMQ::Broker',
  'AWS::DocDB::DBCluster',
];

/** The resources of `template` that hold data. */
export function statefulResources(template: any): [string, any][] {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) =>
    STATEFUL.includes(r.Type),
  );
}

/** Stateful resources of every example keep their data when removed from the stack. */
export function statefulTests({ stacks, assembly }: SynthesizedExamples): void {
  const cases = stacks.flatMap((s) =>
    statefulResources(assembly.getStackByName(s.stackName).template).map(
      ([id, r]) => [`${s.stackName}/${id}`, r] as const,
    ),
  );

  test('the examples have stateful resources', () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  test.each(cases)('%s is retained or snapshotted', (_id, resource: any) => {
    if (
      resource.Type === 'AWS::SecretsManager::Secret' &&
      !resource.Properties.GenerateSecretString &&
      resource.Properties.SecretString
    ) {
      // A connection URL assembled from other secrets: nothing of its own to keep.
      expect(resource.DeletionPolicy).toBe('Delete');
      return;
    }
    if (
      resource.Type === 'AWS::ElastiCache::ReplicationGroup' &&
      resource.Properties.SnapshotRetentionLimit === undefined
    ) {
      // A cache without persistence holds nothing to keep.
      expect(resource.DeletionPolicy).toBe('Delete');
      return;
    }
    expect(['Retain', 'Snapshot']).toContain(resource.DeletionPolicy);
    expect(['Retain', 'Snapshot']).toContain(resource.UpdateReplacePolicy);
  });
}
