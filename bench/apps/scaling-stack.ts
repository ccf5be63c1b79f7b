import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  Application,
  Database,
  DatabaseEngine,
  HealthCheck,
  Image,
  LoadBalancer,
  Service,
} from '../../constructs';

/** Routes per load balancer: an ALB listener holds 100 rules by default, so the app adds one per 100. */
export const ROUTES_PER_LOAD_BALANCER = 100;

/**
 * A generated twinstack app of `services` services, each with an HTTP health check, a path route on a
 * shared load balancer and a connection to one shared PostgreSQL database.
 */
export class TwinstackScalingStack extends Stack {
  constructor(scope: Construct, id: string, services: number, props: StackProps = {}) {
    super(scope, id, props);
    const application = new Application(this, 'Scale', { name: 'scale' });
    const db = new Database(application, 'db', {
      engine: DatabaseEngine.postgres('16'),
      databaseName: 'app',
    });
    let web: LoadBalancer | undefined;
    for (let i = 0; i < services; i++) {
      if (i % ROUTES_PER_LOAD_BALANCER === 0) {
        const n = i / ROUTES_PER_LOAD_BALANCER;
        // Locally each load balancer is a proxy on its own host port.
        web = new LoadBalancer(application, `web${n}`, n === 0 ? {} : { localPort: 8000 + n });
      }
      const service = new Service(application, `svc${i}`, {
        image: Image.fromRegistry('public.ecr.aws/docker/library/nginx:1.27'),
        ports: [{ containerPort: 8080, protocol: 'http' }],
        healthCheck: HealthCheck.http({ port: 8080, path: '/health' }),
      });
      service.connectTo(db, {
        host: 'DB_HOST',
        port: 'DB_PORT',
        database: 'DB_NAME',
        username: 'DB_USER',
        password: 'DB_PASSWORD',
      });
      web!.addRoute(`svc${i}`, { service, pathPatterns: [`/svc${i}/*`] });
    }
  }
}
