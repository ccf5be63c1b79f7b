import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Application, Dependency, Image, Job, Mount, Service, Volume, VolumeProps } from '../../constructs';
import { testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

type Statement = { Action: string | string[]; Resource: unknown };

/** The IAM actions granted to `service`'s task role on the file system of `volume`. */
function efsActionsOf(template: Template, service: Service, volume: Volume): string[] {
  const role = logicalId(service.taskDefinition.taskRole);
  const fileSystem = logicalId(volume.fileSystem);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => JSON.stringify(s.Resource).includes(`"${fileSystem}"`))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();
}

function newApplication(): { stack: Stack; application: Application } {
  const stack = testStack();
  return { stack, application: new Application(stack, 'shop') };
}

describe('Volume mounted by a service', () => {
  let template: Template;
  let data: Volume;
  let api: Service;

  beforeAll(() => {
    const { stack, application } = newApplication();
    data = new Volume(application, 'data');
    api = new Service(application, 'api', {
      image: IMAGE,
      mounts: [{ volume: data, path: '/var/lib/data' }],
    });
    template = Template.fromStack(stack);
  });

  test('creates an encrypted EFS file system with automatic backups', () => {
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.hasResourceProperties('AWS::EFS::FileSystem', {
      Encrypted: true,
      BackupPolicy: { Status: 'ENABLED' },
    });
  });

  test('the file system is retained when it leaves the stack', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('mount targets are in the private subnets', () => {
    const targets = Object.values(template.findResources('AWS::EFS::MountTarget'));
    expect(targets).toHaveLength(2);
    for (const t of targets) expect(t.Properties.SubnetId.Ref).toMatch(/^shopVpcprivateSubnet/);
  });

  test('one access point at /<name>, owned by 0 with 755, without a POSIX user by default', () => {
    template.resourceCountIs('AWS::EFS::AccessPoint', 1);
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      FileSystemId: { Ref: logicalId(data.fileSystem) },
      RootDirectory: {
        Path: '/data',
        CreationInfo: { OwnerUid: '0', OwnerGid: '0', Permissions: '755' },
      },
      PosixUser: Match.absent(),
    });
  });

  test('the task definition has an EFS volume with transit encryption, IAM and the access point', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [
        {
          Name: 'data',
          EFSVolumeConfiguration: {
            FilesystemId: { Ref: logicalId(data.fileSystem) },
            TransitEncryption: 'ENABLED',
            AuthorizationConfig: {
              AccessPointId: { Ref: logicalId(data.accessPoint) },
              IAM: 'ENABLED',
            },
          },
        },
      ],
    });
  });

  test('the container has a mount point on the volume', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'api',
          MountPoints: [{ SourceVolume: 'data', ContainerPath: '/var/lib/data', ReadOnly: false }],
        }),
      ],
    });
  });

  test("NFS is open on the file system's security group to the service's security group only", () => {
    const efsGroup = logicalId(data.fileSystem.connections.securityGroups[0]);
    const serviceGroup = logicalId(api.fargateService.connections.securityGroups[0]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 2049,
      ToPort: 2049,
      GroupId: { 'Fn::GetAtt': [efsGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [serviceGroup, 'GroupId'] },
    });
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress'))).toHaveLength(1);
    const efsGroupResource = template.toJSON().Resources[efsGroup];
    expect(efsGroupResource.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('the task role may mount and write the file system', () => {
    expect(efsActionsOf(template, api, data)).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
    ]);
  });
});

describe('Volume props', () => {
  test('uid sets the creation owner and the POSIX user; gid defaults to uid', () => {
    const { stack, application } = newApplication();
    new Volume(application, 'data', { uid: 1000 });
    Template.fromStack(stack).hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: {
        Path: '/data',
        CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '755' },
      },
      PosixUser: { Uid: '1000', Gid: '1000' },
    });
  });

  test('uid, gid, permissions and name are applied', () => {
    const { stack, application } = newApplication();
    const volume = new Volume(application, 'State', {
      name: 'app-state',
      uid: 1000,
      gid: 2000,
      permissions: '0770',
    });
    expect(volume.name).toBe('app-state');
    expect(volume.toSpec()).toEqual({
      name: 'app-state',
      path: '/app-state',
      uid: 1000,
      gid: 2000,
      permissions: '0770',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: {
        Path: '/app-state',
        CreationInfo: { OwnerUid: '1000', OwnerGid: '2000', Permissions: '0770' },
      },
      PosixUser: { Uid: '1000', Gid: '2000' },
    });
  });

  test('removalPolicy DESTROY deletes the file system with the stack', () => {
    const { stack, application } = newApplication();
    new Volume(application, 'scratch', { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('a volume nothing mounts still exists, reachable by no one', () => {
    const { stack, application } = newApplication();
    new Volume(application, 'data');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('Volume access', () => {
  test('a read-only mount grants ClientMount but not ClientWrite', () => {
    const { stack, application } = newApplication();
    const data = new Volume(application, 'data');
    const reader = new Service(application, 'reader', {
      image: IMAGE,
      mounts: [{ volume: data, path: '/data', readOnly: true }],
    });
    const template = Template.fromStack(stack);
    expect(efsActionsOf(template, reader, data)).toEqual(['elasticfilesystem:ClientMount']);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ MountPoints: [{ SourceVolume: 'data', ContainerPath: '/data', ReadOnly: true }] }),
      ],
    });
  });

  test('only the services that mount a volume reach it over NFS', () => {
    const { stack, application } = newApplication();
    const data = new Volume(application, 'data');
    const writer = new Service(application, 'writer', {
      image: IMAGE,
      mounts: [{ volume: data, path: '/d' }],
    });
    const other = new Service(application, 'other', { image: IMAGE });
    const template = Template.fromStack(stack);
    const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => r.Properties.FromPort === 2049)
      .map((r) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]);
    expect(sources).toEqual([logicalId(writer.fargateService.connections.securityGroups[0])]);
    expect(efsActionsOf(template, other, data)).toEqual([]);
  });

  test('a volume mounted twice in one task, read-only and writable, is one task volume granted write', () => {
    const { stack, application } = newApplication();
    const data = new Volume(application, 'data');
    const migrate = new Job(application, 'migrate', {
      image: IMAGE,
      mounts: [{ volume: data, path: '/data' }],
    });
    const api = new Service(application, 'api', {
      image: IMAGE,
      mounts: [{ volume: data, path: '/data', readOnly: true }],
      dependsOn: [Dependency.completedSuccessfully(migrate)],
    });
    const template = Template.fromStack(stack);
    const td = template.toJSON().Resources[logicalId(api.taskDefinition)];
    expect(td.Properties.Volumes).toHaveLength(1);
    expect(efsActionsOf(template, api, data)).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
    ]);
    expect(
      Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
        (r) => r.Properties.FromPort === 2049,
      ),
    ).toHaveLength(1);
  });

  test('mounts added after construction are applied', () => {
    const { stack, application } = newApplication();
    const data = new Volume(application, 'data');
    const api = new Service(application, 'api', { image: IMAGE });
    api.addMount({ volume: data, path: '/data' });
    expect(api.mounts.map((m) => m.path)).toEqual(['/data']);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [Match.objectLike({ Name: 'data' })],
    });
  });
});

describe('Volume validation', () => {
  const cases: [string, VolumeProps, string[]][] = [
    ['permissions "999"', { permissions: '999' }, ['permissions', '"999"', 'octal']],
    ['permissions "rwx"', { permissions: 'rwx' }, ['permissions', '"rwx"']],
    ['gid without uid', { gid: 1000 }, ['gid', '1000', 'uid']],
    ['a negative uid', { uid: -1 }, ['uid', '-1']],
    ['a fractional uid', { uid: 1.5 }, ['uid', '1.5']],
    ['an invalid name', { name: 'My Data' }, ['name', '"My Data"']],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, props, fragments) => {
    const { application } = newApplication();
    expectValidationError(() => new Volume(application, 'data', props), 'Test/shop/data:', ...fragments);
  });

  test('two volumes with the same name are a ValidationError', () => {
    const { application } = newApplication();
    new Volume(application, 'data');
    expectValidationError(
      () => new Volume(application, 'data2', { name: 'data' }),
      'Test/shop/data2',
      '"data"',
      'Test/shop/data',
    );
  });

  test('a volume outside an application is a ValidationError', () => {
    expectValidationError(() => new Volume(testStack(), 'data'), 'Test/data');
  });

  const mountCases: [string, (volume: Volume) => Mount, string[]][] = [
    ['mount path "/"', (volume) => ({ volume, path: '/' }), ['mounts[0].path', '"/"']],
    ['a relative mount path', (volume) => ({ volume, path: 'data' }), ['mounts[0].path', '"data"']],
    ['a mount path with a space', (volume) => ({ volume, path: '/my data' }), ['mounts[0].path']],
    ['a mount path with ":"', (volume) => ({ volume, path: '/data:ro' }), ['mounts[0].path']],
    ['a volume that is not a Volume', () => ({ volume: {} as Volume, path: '/data' }), ['mounts[0].volume']],
  ];

  test.each(mountCases)('%s is a ValidationError', (_title, mount, fragments) => {
    const { application } = newApplication();
    const data = new Volume(application, 'data');
    expectValidationError(
      () => new Service(application, 'api', { image: IMAGE, mounts: [mount(data)] }),
      'Test/shop/api:',
      ...fragments,
    );
  });

  test('a volume of another application is a ValidationError', () => {
    const stack = testStack();
    const shop = new Application(stack, 'shop');
    const billing = new Application(stack, 'billing');
    const ledger = new Volume(billing, 'ledger');
    expectValidationError(
      () => new Service(shop, 'api', { image: IMAGE, mounts: [{ volume: ledger, path: '/ledger' }] }),
      'Test/shop/api',
      'mounts[0].volume',
      'Test/billing/ledger',
      "'shop'",
    );
  });

  test('the same path mounted twice is a ValidationError', () => {
    const { application } = newApplication();
    const a = new Volume(application, 'a');
    const b = new Volume(application, 'b');
    expectValidationError(
      () =>
        new Service(application, 'api', {
          image: IMAGE,
          mounts: [
            { volume: a, path: '/data' },
            { volume: b, path: '/data' },
          ],
        }),
      'Test/shop/api',
      'mounts[1].path',
      '"/data"',
      'already',
    );
  });
});
