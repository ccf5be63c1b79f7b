/* eslint-disable @typescript-eslint/no-explicit-any */
import * as os from 'os';
import { Stack } from 'aws-cdk-lib';
import { NIST80053R5Checks } from 'cdk-nag';
import {
  Application,
  Bucket,
  Job,
  JobRun,
  modelFromJson,
  modelToJson,
  renderLocalTwin,
  renderLocalTwinFiles,
  Service,
  validateModel,
} from '../../constructs';
import { controlTowerFindings } from '../support/control-tower';
import { nagFindings } from '../support/data-service-twins';
import { expectValidationError, logicalId } from '../support/errors';
import {
  cloudEnvironment,
  IMAGE,
  parityErrors,
  parityOf,
  resourcesOf,
  resourceTwins,
  ResourceTwins,
  taskRoleActions,
} from '../support/aws-resource-twins';
import { testApp, testStack } from '../support/test-app';

/** An API that reads and writes uploads, a worker that only reads them and a job that only writes. */
function shop(application: Application): void {
  const uploads = new Bucket(application, 'uploads');
  const api = new Service(application, 'api', { image: IMAGE });
  api.connectTo(uploads, { access: 'readWrite', bucketName: 'UPLOADS_BUCKET' });
  const worker = new Service(application, 'worker', { image: IMAGE });
  worker.connectTo(uploads, { access: 'read', bucketName: 'UPLOADS_BUCKET', bucketArn: 'UPLOADS_ARN' });
  const importer = new Job(application, 'importer', { image: IMAGE, runs: JobRun.oncePerDeployment() });
  importer.connectTo(uploads, { access: 'write', bucketName: 'INBOX' });
}

describe('Bucket: the cloud twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('an S3 bucket with a rotated KMS key, versioning, no public access, TLS only, access logs, retained', () => {
    const buckets = resourcesOf(twins.template, 'AWS::S3::Bucket');
    const [id, bucket] = Object.entries<any>(buckets).find(([, b]) =>
      (b.Properties.Tags ?? []).some((t: any) => t.Key === 'twinstack:bucket'),
    )!;
    expect(id).toMatch(/^shopuploadsBucket[0-9A-F]{8}$/);
    const p = bucket.Properties;
    const sse = p.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(sse.BucketKeyEnabled).toBe(true);
    const key = sse.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
    expect(twins.template.Resources[key].Properties.EnableKeyRotation).toBe(true);
    expect(twins.template.Resources[key].DeletionPolicy).toBe('Retain');
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(p.LifecycleConfiguration.Rules[0]).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const logs = twins.template.Resources[p.LoggingConfiguration.DestinationBucketName.Ref];
    expect(logs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
    expect(logs.DeletionPolicy).toBe('Retain');
    const policies = Object.values<any>(resourcesOf(twins.template, 'AWS::S3::BucketPolicy'));
    const own = policies.find((x) => x.Properties.Bucket.Ref === id)!;
    expect(own.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Principal: { AWS: '*' },
      }),
    );
    // Nothing allows anyone but the account's own principals.
    for (const policy of policies) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        if (s.Effect === 'Allow') expect(s.Principal).not.toEqual({ AWS: '*' });
      }
    }
  });

  test('each task role gets exactly the access its workload declares', () => {
    const api = taskRoleActions(twins.template, 'api');
    expect(api).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject', 's3:DeleteObject*']));
    const worker = taskRoleActions(twins.template, 'worker');
    expect(worker).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:List*', 'kms:Decrypt']));
    expect(worker.filter((a) => /^s3:(Put|Delete|Abort)/.test(a))).toEqual([]);
    const importer = taskRoleActions(twins.template, 'importer');
    expect(importer).toEqual(expect.arrayContaining(['s3:PutObject', 'kms:GenerateDataKey*']));
    expect(importer.filter((a) => /^s3:(GetObject|List)/.test(a))).toEqual([]);
  });

  test('the variables name the bucket, by reference to it', () => {
    const id = logicalId(twins.application.node.findChild('uploads').node.findChild('Bucket') as any);
    expect(cloudEnvironment(twins.template, 'api')).toEqual({ UPLOADS_BUCKET: JSON.stringify({ Ref: id }) });
    expect(cloudEnvironment(twins.template, 'worker')).toEqual({
      UPLOADS_ARN: JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
      UPLOADS_BUCKET: JSON.stringify({ Ref: id }),
    });
  });

  test('cdk-nag AwsSolutions and NIST 800-53 R5 find nothing unacknowledged', () => {
    const stack = testStack();
    shop(new Application(stack, 'shop'));
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stack, new NIST80053R5Checks())).toEqual([]);
  });

  test("AWS Control Tower's controls find nothing unacknowledged, with and without access logs", () => {
    expect(controlTowerFindings((stack) => shop(new Application(stack, 'shop')))).toEqual([]);
    expect(
      controlTowerFindings((stack) => {
        const application = new Application(stack, 'shop');
        new Bucket(application, 'cache', {
          accessLogs: false,
          accessLogsReason: 'Holds only rendered thumbnails the application can rebuild from the originals.',
        });
      }),
    ).toEqual([]);
  });

  test('without access logs, the log findings are acknowledged with the reason given', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    const reason = 'Holds only rendered thumbnails the application can rebuild from the originals.';
    const bucket = new Bucket(application, 'thumbs', { accessLogs: false, accessLogsReason: reason });
    expect(bucket.accessLogsBucket).toBeUndefined();
    expect(nagFindings(stack)).toEqual([]);
    const metadata = JSON.stringify(bucket.bucket.node.findAll().map((c) => c.node.metadata));
    expect(metadata).toContain('AwsSolutions-S1');
    expect(metadata).toContain(reason);
  });

  test('a second synth of the same model keeps the logical ids', () => {
    const ids = (t: any) => Object.keys(t.Resources).sort();
    expect(ids(resourceTwins(shop).template)).toEqual(ids(twins.template));
  });
});

describe('Bucket: the local twin', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('the S3 stand-in keeps objects on a named volume and answers to the bucket host names', () => {
    const s3 = twins.compose.services['aws-s3'];
    expect(s3.image).toBe('versity/versitygw:v1.8.0');
    expect(s3.command).toEqual([
      '--port',
      ':7070',
      '--region',
      '${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}',
      '--virtual-domain',
      'aws-s3',
      'posix',
      '/data',
    ]);
    expect(s3.volumes).toEqual([{ type: 'volume', source: 'aws-s3-data', target: '/data' }]);
    // On its own network, which only what is connected to a bucket joins: the aliases are set there.
    expect(s3.networks).toEqual({ 'aws-s3': { aliases: ['uploads.aws-s3'] } });
    expect(twins.compose.networks?.['aws-s3']).toEqual({ internal: true });
    expect(s3.environment).toEqual({
      ROOT_ACCESS_KEY: '${LOCAL_AWS_ACCESS_KEY_ID:?set LOCAL_AWS_ACCESS_KEY_ID in .env}',
      ROOT_SECRET_KEY: '${LOCAL_AWS_SECRET_ACCESS_KEY:?set LOCAL_AWS_SECRET_ACCESS_KEY in .env}',
    });
    expect(twins.compose.volumes).toHaveProperty('aws-s3-data');
    expect(twins.compose.services['aws-sqs']).toBeUndefined();
  });

  test('the init job creates the bucket once the stand-in answers', () => {
    const init = twins.compose.services['aws-init'];
    expect(init.image).toBe('amazon/aws-cli:2.27.9');
    expect(init.depends_on).toEqual({ 'aws-s3': { condition: 'service_started' } });
    expect(init.restart).toBe('no');
    const script = init.command![0];
    expect(script).toContain('until aws s3api list-buckets');
    expect(script).toContain('aws s3api create-bucket --bucket uploads');
    // `$` is doubled for compose.
    expect(script).toContain('$$((i+1))');
    expect(script.indexOf('list-buckets')).toBeLessThan(script.indexOf('create-bucket'));
  });

  test('every connected workload starts after the init job, with the same variables and the stand-in endpoint', () => {
    for (const name of ['api', 'worker', 'importer']) {
      const s = twins.compose.services[name];
      expect(s.depends_on?.['aws-init']).toEqual({ condition: 'service_completed_successfully' });
      expect(s.environment).toMatchObject({
        AWS_ENDPOINT_URL_S3: 'http://aws-s3:7070',
        AWS_ACCESS_KEY_ID: '${LOCAL_AWS_ACCESS_KEY_ID:?set LOCAL_AWS_ACCESS_KEY_ID in .env}',
        AWS_SECRET_ACCESS_KEY: '${LOCAL_AWS_SECRET_ACCESS_KEY:?set LOCAL_AWS_SECRET_ACCESS_KEY in .env}',
        AWS_REGION: '${LOCAL_AWS_REGION:?set LOCAL_AWS_REGION in .env}',
      });
      expect(s.environment).not.toHaveProperty('AWS_ENDPOINT_URL_SQS');
    }
    expect(twins.compose.services.api.environment).toMatchObject({ UPLOADS_BUCKET: 'uploads' });
    expect(twins.compose.services.worker.environment).toMatchObject({
      UPLOADS_BUCKET: 'uploads',
      UPLOADS_ARN: 'arn:aws:s3:::uploads',
    });
    expect(twins.compose.services.importer.environment).toMatchObject({ INBOX: 'uploads' });
  });

  test('.env.example lists the stand-in credentials and region, empty', () => {
    for (const v of ['LOCAL_AWS_ACCESS_KEY_ID', 'LOCAL_AWS_SECRET_ACCESS_KEY', 'LOCAL_AWS_REGION'])
      expect(twins.envExample).toMatch(new RegExp(`^${v}=$`, 'm'));
  });

  test('a workload without a connection gets none of it', () => {
    const t = resourceTwins((application) => {
      new Bucket(application, 'uploads');
      new Service(application, 'web', { image: IMAGE });
    });
    expect(t.compose.services.web.environment).toBeUndefined();
    expect(t.compose.services.web.depends_on).toBeUndefined();
  });
});

describe('Bucket: parity', () => {
  let twins: ResourceTwins;
  beforeAll(() => {
    twins = resourceTwins(shop);
  });

  test('the twins agree: the bucket, its variables and the access are declared stand-ins or the same', () => {
    const report = parityOf(twins);
    expect(parityErrors(report)).toEqual([]);
    const entry = (service: string, field: string) =>
      report.entries.find((e) => e.service === service && e.field === field);
    expect(entry('uploads', 'bucket')).toMatchObject({ kind: 'stand-in', standIn: 'aws-resource' });
    expect(entry('aws-s3', 'presence')).toMatchObject({ kind: 'stand-in', standIn: 'aws-resource' });
    expect(entry('api', 'environment.UPLOADS_BUCKET')).toMatchObject({ kind: 'stand-in' });
    expect(entry('api', 'environment.AWS_ENDPOINT_URL_S3')).toMatchObject({ kind: 'stand-in' });
    expect(entry('worker', 'access.uploads')).toMatchObject({ kind: 'same' });
    expect(entry('api', 'dependsOn.aws-init')).toMatchObject({ kind: 'stand-in' });
  });

  test('synthesis runs the parity check and passes', () => {
    const app = testApp();
    shop(new Application(new Stack(app, 'Shop'), 'shop'));
    expect(() => app.synth()).not.toThrow();
  });

  test("resources of the template that are not the model's, with intrinsic lists, are left alone", () => {
    const report = parityOf(twins, (t) => {
      t.Resources.Other = {
        Type: 'AWS::S3::Bucket',
        Properties: { Tags: { 'Fn::If': ['Cond', [], []] } },
      };
      t.Resources.OtherPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: { 'Fn::Split': [',', 'a,b'] },
          PolicyDocument: { Statement: { Effect: 'Allow' } },
        },
      };
    });
    expect(parityErrors(report)).toEqual([]);
  });

  test('a task role with more access than declared is an error', () => {
    const report = parityOf(twins, (t) => {
      const worker = Object.values<any>(t.Resources).find(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles).includes('workerTaskDefinitionTaskRole'),
      );
      worker.Properties.PolicyDocument.Statement[0].Action.push('s3:PutObject');
    });
    expect(parityErrors(report)).toEqual([
      expect.stringMatching(/^worker: access\.uploads: the task role's grants on bucket 'uploads' differ/),
    ]);
  });

  test('a task role without its grant is an error', () => {
    const report = parityOf(twins, (t) => {
      for (const [id, r] of Object.entries<any>(t.Resources)) {
        if (
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles).includes('apiTaskDefinitionTaskRole')
        )
          delete t.Resources[id];
      }
    });
    expect(parityErrors(report)).toEqual([expect.stringMatching(/^api: access\.uploads: /)]);
  });

  test('a bucket the init job does not create is an error', () => {
    const report = parityOf(twins, (_t, c) => {
      c.services['aws-init'].command = [
        c.services['aws-init'].command[0].replace(/.*create-bucket.*\n?/, ''),
      ];
    });
    expect(parityErrors(report)).toEqual([
      expect.stringMatching(/^uploads: bucket: .*does not create it on aws-s3/),
    ]);
  });

  test('a bucket missing from the cloud twin is an error, and so is one the model does not declare', () => {
    const missing = parityOf(twins, (t) => {
      for (const r of Object.values<any>(t.Resources))
        if (r.Type === 'AWS::S3::Bucket') r.Properties.Tags = [];
    });
    expect(parityErrors(missing)).toContainEqual(expect.stringMatching(/^uploads: bucket: .*none tagged/));
    const extra = parityOf(twins, (_t, _c, s) => {
      s.awsResources[0] = { ...s.awsResources[0], name: 'other', localName: 'other' };
    });
    expect(parityErrors(extra)).toContainEqual('uploads: bucket: the model has no bucket of that name');
  });

  test('a variable the local twin leaves out, or an endpoint the cloud twin sets, is an error', () => {
    const local = parityOf(twins, (_t, c) => {
      delete c.services.api.environment.UPLOADS_BUCKET;
    });
    expect(parityErrors(local)).toEqual(['api: environment.UPLOADS_BUCKET: the local twin does not set it']);
    const cloud = parityOf(twins, (t) => {
      const task = Object.values<any>(t.Resources).find(
        (r) =>
          r.Type === 'AWS::ECS::TaskDefinition' &&
          r.Properties.ContainerDefinitions.some((c: any) => c.Name === 'api'),
      );
      task.Properties.ContainerDefinitions[0].Environment.push({
        Name: 'AWS_ENDPOINT_URL_S3',
        Value: 'http://aws-s3:7070',
      });
    });
    expect(parityErrors(cloud)).toEqual([
      expect.stringMatching(/^api: environment\.AWS_ENDPOINT_URL_S3: the cloud twin sets it/),
    ]);
  });
});

describe('Bucket: validation', () => {
  const app = () => new Application(testStack(), 'shop');

  test.each([
    ['Uploads', 'is not a valid bucket name'],
    ['my.uploads', 'is not a valid bucket name'],
    ['ab', 'is not a valid bucket name'],
    ['-uploads', 'is not a valid bucket name'],
    ['xn--uploads', 'starts with "xn--", which S3 reserves'],
    ['uploads-s3alias', 'ends with "-s3alias", which S3 reserves'],
  ])('bucket name %s: %s', (name, message) => {
    expectValidationError(() => new Bucket(app(), 'b', { name }), 'shop/b', 'name', name, message);
  });

  test('two buckets of one name', () => {
    const a = app();
    new Bucket(a, 'uploads');
    expectValidationError(() => new Bucket(a, 'again', { name: 'uploads' }), 'bucket names must be unique');
  });

  test('access logs off needs a reason; the reason needs access logs off', () => {
    expectValidationError(
      () => new Bucket(app(), 'bkt', { accessLogs: false }),
      'accessLogsReason',
      'is required',
    );
    expectValidationError(
      () => new Bucket(app(), 'bkt', { accessLogsReason: 'x' }),
      'accessLogsReason',
      'applies only with accessLogs: false',
    );
  });

  test('connectTo: an access level a bucket does not have, a value it does not provide, no variable', () => {
    const a = app();
    const bucket = new Bucket(a, 'uploads');
    const api = new Service(a, 'api', { image: IMAGE });
    expectValidationError(
      () => api.connectTo(bucket, { access: 'send' as any, bucketName: 'B' }),
      'connectTo.access',
      "use 'read', 'write', 'readWrite'",
    );
    expectValidationError(
      () => api.connectTo(bucket, { access: 'read', queueUrl: 'Q' } as any),
      'connectTo.queueUrl',
      'provides bucketName, bucketArn',
    );
    expectValidationError(
      () => api.connectTo(bucket, { access: 'read' }),
      "grants 'read' access to bucket 'uploads' but names no variable",
    );
    expectValidationError(() => api.connectTo(bucket, undefined as any), 'must say what the workload may do');
  });

  test('connectTo: twice, a taken variable, a bucket of another application', () => {
    const a = app();
    const bucket = new Bucket(a, 'uploads');
    const api = new Service(a, 'api', { image: IMAGE, environment: { TAKEN: 'x' } });
    expectValidationError(
      () => api.connectTo(bucket, { access: 'read', bucketName: 'TAKEN' }),
      'is already set',
    );
    api.connectTo(bucket, { access: 'read', bucketName: 'B' });
    expectValidationError(
      () => api.connectTo(bucket, { access: 'write', bucketName: 'C' }),
      'is already connected',
    );
    const other = new Application(Stack.of(a), 'other');
    expectValidationError(
      () =>
        new Service(other, 'web', { image: IMAGE }).connectTo(bucket, { access: 'read', bucketName: 'B' }),
      "belongs to application 'shop'",
    );
  });

  test('a connected workload may not set the variables the twins set for the SDK', () => {
    const a = app();
    const bucket = new Bucket(a, 'uploads');
    const api = new Service(a, 'api', { image: IMAGE, environment: { AWS_REGION: 'eu-west-1' } });
    api.connectTo(bucket, { access: 'read', bucketName: 'B' });
    expect(a.validate().errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/api', prop: 'environment.AWS_REGION' }),
    ]);
  });

  test('nor name a connection value like one of them', () => {
    const a = app();
    const bucket = new Bucket(a, 'uploads');
    new Service(a, 'api', { image: IMAGE }).connectTo(bucket, {
      access: 'read',
      bucketName: 'AWS_ENDPOINT_URL_S3',
    });
    expect(a.validate().errors).toEqual([
      expect.objectContaining({ prop: 'connectTo.uploads', value: '"AWS_ENDPOINT_URL_S3"' }),
    ]);
  });

  test('a workload named like a stand-in', () => {
    const a = app();
    new Bucket(a, 'uploads');
    new Service(a, 'aws-s3', { image: IMAGE });
    expect(a.validate().errors).toEqual([
      expect.objectContaining({
        prop: 'name',
        message: expect.stringContaining('aws-s3, aws-sqs, aws-sns, aws-dynamodb, aws-init'),
      }),
    ]);
  });
});

describe('Bucket: the model', () => {
  test('a model file renders the same local twin, stand-ins and init job included', () => {
    const twins = resourceTwins(shop);
    const again = modelFromJson(modelToJson(twins.spec, os.tmpdir()), os.tmpdir());
    expect(renderLocalTwin(again, { outputDirectory: os.tmpdir() }).compose).toEqual(twins.compose);
  });

  test('the whole-model rules: an unknown bucket, an access level of a queue, no variable, a taken volume', () => {
    const twins = resourceTwins(shop);
    const spec: any = structuredClone(twins.spec);
    const api = spec.workloads.find((w: any) => w.name === 'api');
    api.resourceConnections = [
      { target: 'nope', access: 'read', variables: { X: 'bucketName' } },
      { target: 'uploads', access: 'send', variables: {} },
    ];
    spec.volumes = [{ name: 'aws-s3-data', path: 'Test/shop/v', permissions: '755' }];
    expect(validateModel(spec).errors.map((e) => `${e.prop}: ${e.message}`)).toEqual([
      expect.stringContaining("name: is the volume the local twin's S3 stand-in keeps its objects in"),
      "connectTo: is not a bucket, queue, topic or table of application 'shop'",
      "connectTo.access: is not an access level of bucket 'uploads'; use read, write, readWrite",
      "connectTo: grants 'send' access but names no variable to find bucket 'uploads' by",
    ]);
  });

  test('for docker-compose 1.29 the stand-in keeps its bucket host names', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    shop(application);
    const text = renderLocalTwinFiles(application.toSpec(), {
      outputDirectory: os.tmpdir(),
      compatibility: 'docker-compose-1.29',
    }).compose;
    expect(text).toContain('uploads.aws-s3');
  });
});
