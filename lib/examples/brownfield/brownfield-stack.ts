import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Application, HealthCheck, Image, LoadBalancer, Service } from '../../../constructs';
import { PlatformStack } from './platform-stack';

/** Properties of the brownfield example. */
export interface BrownfieldStackProps extends StackProps {
  /** The platform the application is added to. */
  readonly platform: PlatformStack;
}

/**
 * An application added to an existing platform (PlatformStack) by reference: it runs in the platform's
 * cluster and Service Connect namespace, and its routes are rules of the platform's shared ALB listener,
 * in the priority range the platform reserved for it (101-1099; the platform keeps 1-99 for itself).
 * Locally it is an ordinary twinstack application: the proxy stands in for the shared listener.
 */
export class BrownfieldStack extends Stack {
  /** The orders application. */
  public readonly application: Application;
  /** The API. */
  public readonly api: Service;
  /** The routes on the platform's listener. */
  public readonly web: LoadBalancer;

  constructor(scope: Construct, id: string, props: BrownfieldStackProps) {
    super(scope, id, {
      description: "Orders API in a platform's ECS cluster, behind its shared ALB (twinstack example)",
      ...props,
    });
    const { platform } = props;
    const application = new Application(this, 'Orders', {
      name: 'orders',
      cluster: platform.cluster,
      namespace: platform.namespace,
    });
    this.application = application;
    this.api = new Service(application, 'orders-api', {
      image: Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
      ports: [{ containerPort: 80, protocol: 'http' }],
      healthCheck: HealthCheck.http({ port: 80, path: '/' }),
      desiredCount: 2,
    });
    this.web = new LoadBalancer(application, 'web', {
      listener: platform.listener,
      existingLoadBalancer: platform.loadBalancer,
      priorityBase: 100,
      localPort: 8080,
    });
    this.web.addRoute('orders', { service: this.api, pathPatterns: ['/orders', '/orders/*'] });
    this.web.addRoute('root', { service: this.api, hostHeaders: ['orders.example.org'] });
  }
}
