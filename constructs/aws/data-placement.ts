import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { WarningIds } from '../model/rules/problems';

/** Where a data service's resources are placed in the application's VPC. */
export interface DataPlacement {
  /** The subnets: isolated where the VPC has them, else private with egress. */
  readonly subnetType: ec2.SubnetType;
  /** Whether they are isolated subnets. */
  readonly isolated: boolean;
  /** The subnets in words, for acknowledgements: "isolated subnets" or "private subnets (...)". */
  readonly where: string;
}

const PLACEMENTS = new WeakMap<IConstruct, DataPlacement>();

/**
 * The subnets of the data service `dataService` (`what` names it, e.g. "database 'orders'"): the VPC's
 * isolated subnets, which have no route out of the VPC, or, in a VPC without any (a VPC given to the
 * application), its private subnets, which have one (e.g. through a NAT gateway). The latter is what the
 * VPC allows, not what a data service should have, so it is said: a warning with a stable id
 * (`twinstack:data-in-private-subnets`) on the data service, which `Annotations.of(dataService)
 * .acknowledgeWarning(...)` accepts.
 */
export function placeData(dataService: IConstruct, vpc: ec2.IVpc, what: string): DataPlacement {
  const isolated = vpc.isolatedSubnets.length > 0;
  const placement: DataPlacement = isolated
    ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, isolated, where: 'isolated subnets' }
    : {
        subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
        isolated,
        where: "private subnets (the application's VPC has no isolated subnets), without a public address",
      };
  if (!isolated) {
    Annotations.of(dataService).addWarningV2(
      WarningIds.DATA_IN_PRIVATE_SUBNETS,
      `${what} is placed in the VPC's private subnets, which have a route out of the VPC (e.g. through a NAT gateway): the VPC has no isolated subnets; add isolated subnets (ec2.SubnetType.PRIVATE_ISOLATED) to the VPC to keep data services off any route to the internet`,
    );
  }
  PLACEMENTS.set(dataService, placement);
  return placement;
}

/** Where `dataService` was placed by `placeData`, in words ("isolated subnets" before it was placed). */
export function placedIn(dataService: IConstruct): string {
  return PLACEMENTS.get(dataService)?.where ?? 'isolated subnets';
}
