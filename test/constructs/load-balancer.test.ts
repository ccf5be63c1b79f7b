import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NIST80053R5Checks } from 'cdk-nag';
import {
  Application,
  HealthCheck,
  Image,
  LoadBalancer,
  LoadBalancerProps,
  renderNginxConfig,
  Service,
} from '../../constructs';
import { PROJECT_ROOT, testApp, testStack } from '../support/test-app';
import { expectValidationError, logicalId } from '../support/errors';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
const LOG_DELIVERY = 'logdelivery.elasticloadbalancing.amazonaws.com';
/** The Elastic Load Balancing account that writes access logs in eu-west-1. */
const EU_WEST_1_ELB_ACCOUNT = '156460612806';

interface Shop {
  stack: Stack;
  application: Application;
  api: Service;
}

/** An application `shop` with a service `api` on 8080 that has an HTTP health check. */
function newShop(stack: Stack = testStack()): Shop {
  const application = new Application(stack, 'shop');
  const api = new Service(application, 'api', {
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'http' }],
    healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
  });
  return { stack, application, api };
}

function certificate(stack: Stack): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
}

/** cdk-nag NIST 800-53 R5 findings of `stack` that nobody acknowledged, as `rule: path` strings. */
function nistFindings(stack: Stack): string[] {
  return new NIST80053R5Checks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`));
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(
    ([, r]) => r.Type === type,
  );
}

function listenerOnPort(template: Template, port: number): Resource {
  const found = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener').filter(
    ([, r]) => r.Properties.Port === port,
  );
  expect(found).toHaveLength(1);
  return found[0][1];
}

describe('LoadBalancer: internet-facing HTTP with access logs', () => {
  let stack: Stack;
  let api: Service;
  let web: LoadBalancer;
  let template: Template;

  beforeAll(() => {
    const shop = newShop();
    stack = shop.stack;
    api = shop.api;
    web = new LoadBalancer(shop.application, 'web');
    web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
    template = Template.fromStack(stack);
  });

  test('creates one internet-facing application load balancer in the public subnets', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      SecurityGroups: [{ 'Fn::GetAtt': [logicalId(web.securityGroup), 'GroupId'] }],
    });
    const [[, alb]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const subnets = alb.Properties.Subnets as { Ref: string }[];
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.Ref).toMatch(/^shopVpcpublicSubnet/);
  });

  test('drops invalid header fields', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
  });

  test('writes access logs to its own bucket', () => {
    expect(web.accessLogsBucket).toBeDefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: logicalId(web.accessLogsBucket!) } },
        { Key: 'access_logs.s3.prefix', Value: '' },
      ]),
    });
  });

  test('the access-log bucket is encrypted, private, owner-enforced, versioned, expires logs and is retained', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        // A deleted, overwritten or expired log stays recoverable for 30 days.
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: 90,
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              Status: 'Enabled',
            }),
          ],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('cdk-nag NIST 800-53 R5 finds only the plain-HTTP listener, which the user chose', () => {
    expect(nistFindings(stack).sort()).toEqual([
      'NIST.800.53.R5-ALBHttpToHttpsRedirection: Test/shop/web/LoadBalancer/Http/Resource',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired: Test/shop/web/LoadBalancer/Http/Resource',
    ]);
  });

  test('the load balancer is created after the bucket policy that lets it write logs', () => {
    const policy = web.accessLogsBucket!.policy!;
    const [[, alb]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(alb.DependsOn).toContain(logicalId(policy));
  });

  test('env-agnostic: the log writer is chosen at deploy time from the regional ELB accounts', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(web.accessLogsBucket!) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ElasticLoadBalancingAccessLogs',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: {
              'Fn::If': [
                'TwinstackElbLegacyRegion',
                {
                  AWS: {
                    'Fn::Sub': [
                      'arn:${AWS::Partition}:iam::${Account}:root',
                      {
                        Account: {
                          'Fn::FindInMap': ['TwinstackElbLogAccounts', { Ref: 'AWS::Region' }, 'account'],
                        },
                      },
                    ],
                  },
                },
                { Service: LOG_DELIVERY },
              ],
            },
            Resource: {
              'Fn::Join': [
                '',
                [
                  { 'Fn::GetAtt': [logicalId(web.accessLogsBucket!), 'Arn'] },
                  '/AWSLogs/',
                  { Ref: 'AWS::AccountId' },
                  '/*',
                ],
              ],
            },
          },
        ]),
      },
    });
  });

  test('env-agnostic: the mapping holds the regional ELB accounts, not the newer regions', () => {
    const mappings = template.toJSON().Mappings as Record<string, Record<string, { account: string }>>;
    const accounts = mappings.TwinstackElbLogAccounts;
    expect(accounts['eu-west-1']).toEqual({ account: EU_WEST_1_ELB_ACCOUNT });
    expect(accounts['us-east-1']).toEqual({ account: '127311923021' });
    expect(accounts['il-central-1']).toBeUndefined();
  });

  test('env-agnostic: the condition is true exactly in the regions of the mapping, at most 10 per Fn::Or', () => {
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const mappings = template.toJSON().Mappings as Record<string, Record<string, unknown>>;
    const regions: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (Array.isArray(record['Fn::Or']))
        expect((record['Fn::Or'] as unknown[]).length).toBeLessThanOrEqual(10);
      if (Array.isArray(record['Fn::Equals'])) {
        const [left, right] = record['Fn::Equals'] as unknown[];
        expect(left).toEqual({ Ref: 'AWS::Region' });
        regions.push(right as string);
        return;
      }
      Object.values(record).forEach(visit);
    };
    visit(conditions.TwinstackElbLegacyRegion);
    expect(regions.sort()).toEqual(Object.keys(mappings.TwinstackElbLogAccounts).sort());
  });

  test('the bucket denies every request not made over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [
              { 'Fn::GetAtt': [logicalId(web.accessLogsBucket!), 'Arn'] },
              {
                'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(web.accessLogsBucket!), 'Arn'] }, '/*']],
              },
            ],
          },
        ]),
      },
    });
  });

  test('one HTTP listener on 80 whose default, without a catch-all route, is a fixed 404', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      LoadBalancerArn: { Ref: logicalId(web.loadBalancer) },
      DefaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' },
        },
      ],
    });
    expect(logicalId(web.listener)).toBe(
      resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener')[0][0],
    );
  });

  test('the security group admits the internet on the listener port only', () => {
    const group = template.toJSON().Resources[logicalId(web.securityGroup)] as Resource;
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTP listener', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' },
    ]);
    const extraIngress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) =>
      JSON.stringify(r.Properties.GroupId).includes(logicalId(web.securityGroup)),
    );
    expect(extraIngress).toEqual([]);
  });

  test('the security group reaches nothing but the routed service port', () => {
    const group = template.toJSON().Resources[logicalId(web.securityGroup)] as Resource;
    // allowAllOutbound: false leaves only aws-cdk-lib's "Disallow all traffic" placeholder inline.
    const inline = (group.Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[];
    for (const rule of inline)
      expect(rule).toMatchObject({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' });
    const egress = resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) =>
      JSON.stringify(r.Properties.GroupId).includes(logicalId(web.securityGroup)),
    );
    expect(egress.map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        DestinationSecurityGroupId: {
          'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'],
        },
      }),
    ]);
  });

  test("the routed service admits the load balancer's security group on its port", () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [logicalId(api.fargateService.connections.securityGroups[0]), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(web.securityGroup), 'GroupId'] },
    });
  });

  test('synthesizes without warnings', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('the model records the defaults', () => {
    expect(web.toSpec()).toMatchObject({
      name: 'web',
      path: 'Test/shop/web',
      internetFacing: true,
      httpPort: 80,
      localPort: 80,
      localProxyImage: 'nginx:1.27-alpine',
    });
    expect(web.toSpec().httpsPort).toBeUndefined();
  });
});

describe('LoadBalancer: internal', () => {
  let web: LoadBalancer;
  let template: Template;

  beforeAll(() => {
    const { stack, application, api } = newShop();
    web = new LoadBalancer(application, 'web', { internetFacing: false });
    web.addRoute('api', { service: api });
    template = Template.fromStack(stack);
  });

  test('is internal, in the private subnets', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const [[, alb]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const subnets = alb.Properties.Subnets as { Ref: string }[];
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.Ref).toMatch(/^shopVpcprivateSubnet/);
  });

  test('admits only the VPC CIDR on the listener port', () => {
    const group = template.toJSON().Resources[logicalId(web.securityGroup)] as Resource;
    expect(group.Properties.SecurityGroupIngress).toEqual([
      {
        CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^shopVpc[0-9A-F]{8}$/), 'CidrBlock'] },
        Description: 'HTTP listener',
        FromPort: 80,
        ToPort: 80,
        IpProtocol: 'tcp',
      },
    ]);
  });

  test('is recorded as internal in the model', () => {
    expect(web.toSpec().internetFacing).toBe(false);
  });
});

describe('LoadBalancer: access logs per region', () => {
  function accessLogStatement(template: Template): Record<string, unknown> {
    const [[, policy]] = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const found = statements.find((s) => s.Sid === 'ElasticLoadBalancingAccessLogs');
    expect(found).toBeDefined();
    return found!;
  }

  test('in a stack in eu-west-1 the regional ELB account writes, with no mapping or condition', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const { application, api } = newShop(stack);
    new LoadBalancer(application, 'web').addRoute('api', { service: api });
    const template = Template.fromStack(stack);
    const principal = JSON.stringify(accessLogStatement(template).Principal);
    expect(principal).toContain(`:iam::${EU_WEST_1_ELB_ACCOUNT}:root`);
    expect(principal).not.toContain('Fn::If');
    expect(principal).not.toContain(LOG_DELIVERY);
    expect(template.toJSON().Mappings?.TwinstackElbLogAccounts).toBeUndefined();
    expect(template.toJSON().Conditions?.TwinstackElbLegacyRegion).toBeUndefined();
  });

  test('in a region opened after August 2022 (il-central-1) the log-delivery service principal writes', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'il-central-1' } });
    const { application, api } = newShop(stack);
    new LoadBalancer(application, 'web').addRoute('api', { service: api });
    const template = Template.fromStack(stack);
    expect(accessLogStatement(template).Principal).toEqual({ Service: LOG_DELIVERY });
    expect(template.toJSON().Mappings?.TwinstackElbLogAccounts).toBeUndefined();
  });

  test('two load balancers of an env-agnostic stack share one mapping and one condition', () => {
    const { stack, application, api } = newShop();
    new LoadBalancer(application, 'web').addRoute('api', { service: api });
    new LoadBalancer(application, 'admin', { localPort: 8081 }).addRoute('api', { service: api });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Mappings)).toEqual(['TwinstackElbLogAccounts']);
    expect(Object.keys(template.toJSON().Conditions)).toEqual(['TwinstackElbLegacyRegion']);
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies)
      expect(JSON.stringify(policy)).toContain('"Fn::If":["TwinstackElbLegacyRegion"');
  });

  test('accessLogs: false creates no bucket and no access-log attributes', () => {
    const { stack, application, api } = newShop();
    const web = new LoadBalancer(application, 'web', { accessLogs: false });
    web.addRoute('api', { service: api });
    expect(web.accessLogsBucket).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    const [[, alb]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(JSON.stringify(alb.Properties.LoadBalancerAttributes)).not.toContain('access_logs');
    expect(template.toJSON().Mappings?.TwinstackElbLogAccounts).toBeUndefined();
  });

  test('accessLogRetentionDays sets the expiration of the logs', () => {
    const { stack, application, api } = newShop();
    new LoadBalancer(application, 'web', { accessLogRetentionDays: 30 }).addRoute('api', { service: api });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
    });
  });
});

describe('LoadBalancer: HTTPS', () => {
  let stack: Stack;
  let web: LoadBalancer;
  let template: Template;

  beforeAll(() => {
    const shop = newShop();
    stack = shop.stack;
    web = new LoadBalancer(shop.application, 'web', { certificate: certificate(stack) });
    web.addRoute('api', { service: shop.api, pathPatterns: ['/api/*'] });
    template = Template.fromStack(stack);
  });

  test('RECOMMENDED_TLS is the TLS 1.3 and 1.2 policy', () => {
    expect(elbv2.SslPolicy.RECOMMENDED_TLS).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
  });

  test('an HTTPS listener on 443 serves the certificate with the recommended TLS policy', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    const https = listenerOnPort(template, 443);
    expect(https.Properties).toMatchObject({
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [expect.objectContaining({ Type: 'fixed-response' })],
    });
  });

  test('the HTTP listener on 80 redirects permanently to HTTPS on 443', () => {
    const http = listenerOnPort(template, 80);
    expect(http.Properties.Protocol).toBe('HTTP');
    expect(http.Properties.DefaultActions).toEqual([
      { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
    ]);
    expect(http.Properties.Certificates).toBeUndefined();
  });

  test('routes are rules of the HTTPS listener', () => {
    const [[httpsId]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener').filter(
      ([, r]) => r.Properties.Port === 443,
    );
    expect(logicalId(web.listener)).toBe(httpsId);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: httpsId },
    });
  });

  test('the security group admits the internet on 443 and 80 only', () => {
    const group = template.toJSON().Resources[logicalId(web.securityGroup)] as Resource;
    const ingress = group.Properties.SecurityGroupIngress as Record<string, unknown>[];
    expect(ingress).toHaveLength(2);
    expect(ingress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' }),
      ]),
    );
  });

  test('passes cdk-nag NIST 800-53 R5: the HTTP listener only redirects', () => {
    expect(nistFindings(stack)).toEqual([]);
  });

  test('the model records the HTTPS port', () => {
    expect(web.toSpec()).toMatchObject({ httpPort: 80, httpsPort: 443, localPort: 80 });
  });

  test('synthesizes without warnings', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('custom ports and TLS policy', () => {
    const shop = newShop();
    const lb = new LoadBalancer(shop.application, 'web', {
      certificate: certificate(shop.stack),
      sslPolicy: elbv2.SslPolicy.TLS13_13,
      httpPort: 8080,
      httpsPort: 8443,
    });
    lb.addRoute('api', { service: shop.api });
    const t = Template.fromStack(shop.stack);
    expect(listenerOnPort(t, 8443).Properties).toMatchObject({
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    });
    expect(listenerOnPort(t, 8080).Properties.DefaultActions).toEqual([
      { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '8443', StatusCode: 'HTTP_301' } },
    ]);
    const group = t.toJSON().Resources[logicalId(lb.securityGroup)] as Resource;
    expect(
      (group.Properties.SecurityGroupIngress as { FromPort: number }[]).map((r) => r.FromPort).sort(),
    ).toEqual([8080, 8443]);
  });
});

describe('LoadBalancer: local twin', () => {
  const DIR = PROJECT_ROOT;

  function shopWithWeb(props: LoadBalancerProps = {}) {
    const shop = newShop();
    const site = new Service(shop.application, 'site', {
      image: IMAGE,
      ports: [{ containerPort: 80 }],
      healthCheck: HealthCheck.http({ port: 80 }),
    });
    const web = new LoadBalancer(shop.application, 'web', props);
    web.addRoute('api', { service: shop.api, pathPatterns: ['/api/*'] });
    web.addRoute('api-v2', { service: shop.api, pathPatterns: ['/v2/*'] });
    web.addRoute('site', { service: site });
    return { ...shop, site, web };
  }

  test('the load balancer is an nginx service of the same name, published on localPort', () => {
    const { application } = shopWithWeb({ localPort: 8080 });
    const compose = application.renderLocalTwin(DIR).compose;
    expect(compose.services.web).toEqual({
      image: 'nginx:1.27-alpine',
      ports: ['127.0.0.1:8080:80'],
      configs: [{ source: 'web-nginx-conf', target: '/etc/nginx/conf.d/default.conf' }],
      depends_on: { api: { condition: 'service_started' }, site: { condition: 'service_started' } },
      restart: 'unless-stopped',
      // The networks of the routed services (the cloud admits the load balancer into them), and its own.
      networks: { api: {}, site: {}, web: {} },
    });
  });

  test('localProxyImage replaces the nginx image', () => {
    const { application, web } = shopWithWeb({ localProxyImage: 'public.ecr.aws/nginx/nginx:1.27-alpine' });
    expect(web.localProxyImage).toBe('public.ecr.aws/nginx/nginx:1.27-alpine');
    expect(application.renderLocalTwin(DIR).compose.services.web.image).toBe(
      'public.ecr.aws/nginx/nginx:1.27-alpine',
    );
  });

  test('without localPort the proxy is published on the HTTP port', () => {
    const { application } = shopWithWeb({ httpPort: 8000 });
    expect(application.renderLocalTwin(DIR).compose.services.web.ports).toEqual(['127.0.0.1:8000:8000']);
  });

  test('the nginx configuration is inline, with every $ doubled for compose', () => {
    const { application, web } = shopWithWeb({ localPort: 8080 });
    const compose = application.renderLocalTwin(DIR).compose;
    const content = (compose.configs?.['web-nginx-conf'] as { content: string } | undefined)?.content;
    expect(content).toBeDefined();
    expect(content).toContain('$$');
    // No lone "$" is left for compose to interpolate.
    expect(content!.replace(/\$\$/g, '')).not.toContain('$');
    expect(content).toBe(renderNginxConfig(web.toSpec()).replace(/\$/g, '$$$$'));
  });

  test('a load balancer without routes waits for nothing', () => {
    const { application } = newShop();
    new LoadBalancer(application, 'web', { localPort: 8080 });
    const web = application.renderLocalTwin(DIR).compose.services.web;
    expect(web.depends_on).toBeUndefined();
    expect(web.ports).toEqual(['127.0.0.1:8080:80']);
  });

  test('the compose header says the proxy stands in for the load balancer', () => {
    const { application } = shopWithWeb({ localPort: 8080 });
    const text = application.renderLocalTwinFiles(DIR).compose;
    const header = text.split('\n').filter((line) => line.startsWith('#'));
    expect(header).toContain(
      "# web: the load balancer's routes, reproduced by an nginx proxy on localhost:8080.",
    );
  });

  test('with a certificate the compose header says HTTPS is cloud-only', () => {
    const stack = testStack();
    const { application, api } = newShop(stack);
    const web = new LoadBalancer(application, 'web', { certificate: certificate(stack), localPort: 8080 });
    web.addRoute('api', { service: api });
    const text = application.renderLocalTwinFiles(DIR).compose;
    const note = text.split('\n').find((line) => line.startsWith('# web:'));
    expect(note).toBeDefined();
    expect(note).toContain('HTTPS on 443 in the cloud');
    expect(note).toContain('plain HTTP on localhost:8080');
    // Locally the proxy serves the routes over plain HTTP on the HTTP port.
    expect(application.renderLocalTwin(DIR).compose.services.web.ports).toEqual(['127.0.0.1:8080:80']);
  });
});

describe('LoadBalancer: validation', () => {
  const cases: [string, (stack: Stack) => LoadBalancerProps, string[]][] = [
    ['httpsPort without a certificate', () => ({ httpsPort: 8443 }), ['httpsPort', '8443', 'certificate']],
    [
      'sslPolicy without a certificate',
      () => ({ sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS }),
      ['sslPolicy', '"ELBSecurityPolicy-TLS13-1-2-2021-06"', 'certificate'],
    ],
    [
      'httpsPort equal to httpPort',
      (stack) => ({ certificate: certificate(stack), httpPort: 8080, httpsPort: 8080 }),
      ['httpsPort', '8080', 'HTTP port'],
    ],
    [
      'the default httpsPort given as httpPort',
      (stack) => ({ certificate: certificate(stack), httpPort: 443 }),
      ['httpsPort', '443', 'HTTP port'],
    ],
    ['httpPort 0', () => ({ httpPort: 0 }), ['httpPort', ' 0 ', '1 to 65535']],
    ['httpPort 65536', () => ({ httpPort: 65536 }), ['httpPort', '65536', '1 to 65535']],
    ['a fractional httpPort', () => ({ httpPort: 80.5 }), ['httpPort', '80.5']],
    [
      'httpsPort 70000',
      (stack) => ({ certificate: certificate(stack), httpsPort: 70000 }),
      ['httpsPort', '70000', '1 to 65535'],
    ],
    ['localPort 0', () => ({ localPort: 0 }), ['localPort', ' 0 ', '1 to 65535']],
    ['accessLogRetentionDays 0', () => ({ accessLogRetentionDays: 0 }), ['accessLogRetentionDays', ' 0 ']],
    ['the invalid name "Web"', () => ({ name: 'Web' }), ['name', '"Web"']],
    [
      'an invalid localProxyImage',
      () => ({ localProxyImage: 'NGINX latest' }),
      ['localProxyImage', '"NGINX latest"'],
    ],
  ];

  test.each(cases)('%s is a ValidationError naming path, prop and value', (_title, props, fragments) => {
    const { stack, application } = newShop();
    expectValidationError(
      () => new LoadBalancer(application, 'web', props(stack)),
      'Test/shop/web:',
      ...fragments,
    );
  });

  test('two load balancers with the same name in one application are a ValidationError', () => {
    const { application } = newShop();
    new LoadBalancer(application, 'web');
    const error = expectValidationError(
      () => new LoadBalancer(application, 'public', { name: 'web', localPort: 8080 }),
      'Test/shop/public',
      '"web"',
      'Test/shop/web',
    );
    expect(error.prop).toBe('name');
  });

  test('a load balancer named like a service fails validation and synthesis', () => {
    const { stack, application } = newShop();
    new LoadBalancer(application, 'public', { name: 'api', localPort: 8080 });
    expect(application.validate().errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/public', prop: 'name', value: '"api"' }),
    ]);
    expectValidationError(
      () => Template.fromStack(stack),
      'Test/shop/public',
      'name',
      '"api"',
      'Test/shop/api',
      'compose service',
    );
  });

  test('a localPort that a service publishes fails validation and synthesis', () => {
    const stack = testStack();
    const application = new Application(stack, 'shop');
    new Service(application, 'api', {
      image: IMAGE,
      ports: [{ containerPort: 8080, hostPort: 8080 }],
      healthCheck: HealthCheck.http({ port: 8080 }),
    });
    new LoadBalancer(application, 'web', { localPort: 8080 });
    expect(application.validate().errors).toEqual([
      expect.objectContaining({ path: 'Test/shop/web', prop: 'localPort', value: '8080' }),
    ]);
    expectValidationError(
      () => Template.fromStack(stack),
      'Test/shop/web',
      'localPort',
      '8080',
      'Test/shop/api',
    );
  });

  test('two load balancers on the same localPort fail synthesis', () => {
    const { stack, application } = newShop();
    new LoadBalancer(application, 'web', { localPort: 8080 });
    new LoadBalancer(application, 'admin', { localPort: 8080 });
    expectValidationError(() => Template.fromStack(stack), 'localPort', '8080');
  });

  test('a load balancer outside an Application is a ValidationError', () => {
    const stack = testStack();
    expectValidationError(() => new LoadBalancer(stack, 'web'), 'Test/web', 'scope', 'Application');
  });

  test('an internet-facing load balancer in a VPC without public subnets is a ValidationError', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-11111111', 'subnet-22222222'],
    });
    const application = new Application(stack, 'shop', { vpc });
    expectValidationError(() => new LoadBalancer(application, 'web'), 'Test/shop/web', 'public');
  });
});
