import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Application } from './application';
import { CONTROL_TOWER } from './aws/nag-findings';
import { invalid } from './errors';
import { checkInteger, checkName } from './model/names';
import { checkProfileName } from './model/profiles';
import type { VolumeSpec } from './model/spec';

/** Properties of a Volume. */
export interface VolumeProps {
  /**
   * Name of the volume in both twins (compose named volume; EFS access point path `/<name>`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * POSIX user id that owns the volume's root directory and that every file operation runs as, so
   * non-root containers can write. Cloud: EFS access point POSIX user and creation owner.
   * Local: not applied (named volumes take the ownership of the image's directory on first use).
   * @default - operations run as the container's own user; the root directory is owned by 0
   */
  readonly uid?: number;
  /**
   * POSIX group id, used with `uid`.
   * @default - the value of `uid`, or 0
   */
  readonly gid?: number;
  /**
   * Octal permissions of the volume's root directory when it is created.
   * @default '755'
   */
  readonly permissions?: string;
  /**
   * What happens to the file system when it leaves the stack.
   * @default RemovalPolicy.RETAIN - data outlives the stack; remove it by hand
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The optional part (compose profile) the volume belongs to: only workloads of that profile mount it,
   * and the cloud twin creates its file system only when the stage includes the profile.
   * @default - part of every stage
   */
  readonly profile?: string;
}

/**
 * A persistent volume shared by one or more workloads. Cloud: an encrypted EFS file system (automatic
 * backups, retained by default) with one access point, mount targets in the application's private subnets
 * and NFS allowed only from the services that mount it, over TLS with IAM authorisation.
 * Local: a named volume.
 */
export class Volume extends Construct {
  /** Name of the volume in both twins. */
  public readonly name: string;
  /** The optional part (profile) the volume belongs to, if any. */
  public readonly profile?: string;
  /** Whether the cloud twin has the volume (false when its profile is left out of the stage). */
  public readonly isDeployed: boolean;
  private readonly cloud?: { readonly fileSystem: efs.FileSystem; readonly accessPoint: efs.AccessPoint };
  /** The application this volume belongs to. */
  public readonly application: Application;
  private readonly spec: VolumeSpec;

  constructor(scope: Construct, id: string, props: VolumeProps = {}) {
    super(scope, id);
    const path = this.node.path;
    this.application = Application.of(this);
    this.name = checkName(path, 'name', props.name ?? id);
    const uid = props.uid === undefined ? undefined : checkInteger(path, 'uid', props.uid, 0, 4294967295);
    const gid = props.gid === undefined ? undefined : checkInteger(path, 'gid', props.gid, 0, 4294967295);
    if (gid !== undefined && uid === undefined) throw invalid(path, 'gid', gid, 'needs uid as well');
    const permissions = props.permissions ?? '755';
    if (!/^[0-7]{3,4}$/.test(permissions))
      throw invalid(path, 'permissions', permissions, 'must be octal, e.g. "755" or "0770"');
    if (props.profile !== undefined) this.profile = checkProfileName(path, 'profile', props.profile);
    this.isDeployed = this.application.includesProfile(this.profile);
    this.spec = {
      name: this.name,
      path: `/${this.name}`,
      ...(uid !== undefined ? { uid, gid: gid ?? uid } : {}),
      permissions,
      ...(this.profile !== undefined ? { profile: this.profile } : {}),
    };
    if (!this.isDeployed) {
      this.application._registerVolume(this);
      return;
    }

    const fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: this.application.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      encrypted: true,
      enableAutomaticBackups: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // Only principals granted access (the tasks that mount the volume) may mount, write or act as root,
      // and only over TLS. aws-cdk-lib's default policy would allow writes and root access to anyone
      // who can reach a mount target; with this policy in place, the IAM grants decide.
      allowAnonymousAccess: true,
      fileSystemPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'DenyUnencryptedTransport',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [
              'elasticfilesystem:ClientMount',
              'elasticfilesystem:ClientWrite',
              'elasticfilesystem:ClientRootAccess',
            ],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      }),
    });
    Validations.of(fileSystem).acknowledge({
      id: 'NIST.800.53.R5-EFSInBackupPlan',
      reason:
        "Automatic backups are on: AWS Backup's default EFS plan backs the file system up daily and keeps each backup 35 days. The rule only recognizes a backup selection in the same stack.",
    });
    const owner = String(this.spec.uid ?? 0);
    const group = String(this.spec.gid ?? 0);
    const accessPoint = fileSystem.addAccessPoint('AccessPoint', {
      path: this.spec.path,
      createAcl: { ownerUid: owner, ownerGid: group, permissions },
      ...(this.spec.uid !== undefined ? { posixUser: { uid: owner, gid: group } } : {}),
    });
    if (this.spec.uid === undefined) {
      Validations.of(accessPoint).acknowledge({
        id: `${CONTROL_TOWER}::efs_access_point_enforce_user_identity_check`,
        reason: `Volume ${this.node.path} declares no uid (props uid, gid), so each task reads and writes as its own container's user, as it does on the local named volume; set uid and gid to make the access point enforce one POSIX identity.`,
      });
    }
    this.cloud = { fileSystem, accessPoint };
    this.application._registerVolume(this);
  }

  /** The EFS file system of the cloud twin. Throws for a volume the stage leaves out. */
  public get fileSystem(): efs.FileSystem {
    return this.deployed().fileSystem;
  }

  /** The access point every mount goes through. Throws for a volume the stage leaves out. */
  public get accessPoint(): efs.AccessPoint {
    return this.deployed().accessPoint;
  }

  private deployed(): NonNullable<Volume['cloud']> {
    if (this.cloud) return this.cloud;
    throw invalid(
      this.node.path,
      'profile',
      this.profile,
      'is not included in the cloud twin of this stage, so the volume has no file system; enable the profile or check isDeployed first',
    );
  }

  /** The model of this volume. */
  public toSpec(): VolumeSpec {
    return this.spec;
  }
}
