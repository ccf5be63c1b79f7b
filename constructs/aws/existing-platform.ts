import { Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { invalid } from '../errors';

/** The parts of an Application's props that name an existing platform. */
export interface ExistingPlatformProps {
  readonly vpc?: ec2.IVpc;
  readonly cluster?: ecs.ICluster;
  readonly namespace?: servicediscovery.INamespace;
  readonly containerInsights?: boolean;
}

/** The existing cluster and namespace an application at `path` runs in, checked; undefined for its own. */
export interface ExistingPlatform {
  readonly cluster?: ecs.ICluster;
  readonly namespace?: servicediscovery.INamespace;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * Checks an existing cluster and Service Connect namespace given to the application at `path`: the cluster
 * must be an `ecs.ICluster` in the application's VPC, Container Insights is the existing cluster's own
 * setting, and a namespace is an HTTP namespace that comes with the cluster it is shared with.
 */
export function checkExistingPlatform(path: string, props: ExistingPlatformProps): ExistingPlatform {
  const { cluster, namespace } = props;
  if (cluster !== undefined) {
    if (
      !isObject(cluster) ||
      typeof cluster.clusterName !== 'string' ||
      typeof cluster.clusterArn !== 'string' ||
      !isObject(cluster.vpc)
    ) {
      throw invalid(
        path,
        'cluster',
        cluster,
        'must be an ecs.ICluster with its VPC: an ecs.Cluster, or ecs.Cluster.fromClusterAttributes({ clusterName, vpc })',
      );
    }
    if (props.vpc !== undefined && !sameVpc(props.vpc, cluster.vpc)) {
      throw invalid(
        path,
        'cluster',
        cluster.node.path,
        `runs in VPC ${describeVpc(cluster.vpc)}, not in the application's VPC ${describeVpc(props.vpc)}; the services join the cluster's VPC, so give the cluster's VPC as vpc (or leave vpc out to use it)`,
      );
    }
    if (props.containerInsights !== undefined) {
      throw invalid(
        path,
        'containerInsights',
        props.containerInsights,
        'is a setting of the cluster the application creates; an existing cluster keeps its own, so leave containerInsights out (or set it where the cluster is created)',
      );
    }
  }
  if (namespace !== undefined) {
    if (!isObject(namespace) || typeof namespace.namespaceArn !== 'string') {
      throw invalid(
        path,
        'namespace',
        namespace,
        'must be a servicediscovery.INamespace: a HttpNamespace, or HttpNamespace.fromHttpNamespaceAttributes(...)',
      );
    }
    if (namespace.type !== servicediscovery.NamespaceType.HTTP) {
      throw invalid(
        path,
        'namespace',
        namespace.namespaceName,
        `is a ${String(namespace.type)} namespace; Service Connect of a twinstack application uses a Cloud Map HTTP namespace (servicediscovery.HttpNamespace)`,
      );
    }
    if (cluster === undefined) {
      throw invalid(
        path,
        'namespace',
        namespace.namespaceName,
        "needs `cluster`: an existing namespace is shared with the cluster of the platform it belongs to; give that cluster too (or leave namespace out for one of the application's own)",
      );
    }
  }
  return { ...(cluster ? { cluster } : {}), ...(namespace ? { namespace } : {}) };
}

/** The name of the namespace when it is known at synth time. */
export function knownNamespaceName(namespace: servicediscovery.INamespace): string | undefined {
  const name = namespace.namespaceName;
  return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
}

function sameVpc(a: ec2.IVpc, b: ec2.IVpc): boolean {
  return a === b || a.vpcId === b.vpcId;
}

function describeVpc(vpc: ec2.IVpc): string {
  return Token.isUnresolved(vpc.vpcId) ? vpc.node.path : vpc.vpcId;
}
