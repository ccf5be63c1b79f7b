/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { parse } from 'yaml';
import {
  Application,
  Dependency,
  HealthCheck,
  Image,
  Job,
  LoadBalancer,
  Secret,
  Service,
  Volume,
  WarningIds,
} from '../../constructs';
import type { ApplicationSpec } from '../../constructs/model/spec';
import { readAssetManifests, readImageBuilds } from '../../constructs/parity';
import { testApp } from './test-app';

/** A synthesized application with one of everything the parity check compares. */
export interface ParityFixture {
  readonly template: any;
  readonly compose: any;
  readonly spec: ApplicationSpec;
  readonly assemblyDirectory: string;
  readonly buildDirectory: string;
  readonly imageBuilds: ReturnType<typeof readImageBuilds>;
}

/**
 * Synthesizes the fixture once: a built API (target, build args) with every container setting, an adjusted
 * health check, a host port, two tasks, a writable path, a read-only volume mount, a secret and a job it waits for; a worker
 * pulling from ECR that waits for the API to be healthy; a load balancer routing `/api/*` to the API.
 */
export function synthParityFixture(): ParityFixture {
  const buildDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-parity-build-'));
  fs.writeFileSync(
    path.join(buildDirectory, 'Dockerfile'),
    'FROM busybox:1.36 AS base\nFROM base AS production\n',
  );
  fs.writeFileSync(path.join(buildDirectory, 'app.sh'), 'echo api\n');
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const shop = new Application(stack, 'shop');
  const db = Secret.fromSecretName(shop, 'Db', 'shop/db', { localVariablePrefix: 'DB_' });
  const data = new Volume(shop, 'data');
  const migrate = new Job(shop, 'migrate', {
    image: Image.fromRegistry('busybox:1.36'),
    // Declared, so the local twin limits it too and a differing limit is an error.
    cpu: 256,
    memoryMiB: 512,
    command: ['sh', '-c', 'echo migrated > /data/done'],
    mounts: [{ volume: data, path: '/data' }],
  });
  const api = new Service(shop, 'api', {
    image: Image.fromDirectory(buildDirectory, { target: 'production', buildArgs: { VERSION: '1' } }),
    cpu: 256,
    memoryMiB: 512,
    entrypoint: ['/bin/sh', '-c'],
    command: ['sh app.sh'],
    workingDirectory: '/srv',
    user: '1000',
    writablePaths: ['/tmp'],
    environment: { LOG_LEVEL: 'info', PRICE: '$5' },
    secrets: { DB_URL: db.field('url') },
    ports: [
      { containerPort: 8080, protocol: 'http' },
      { containerPort: 9090, hostPort: 9090 },
    ],
    healthCheck: HealthCheck.http({ port: 8080, path: '/health', interval: Duration.seconds(2) }),
    mounts: [{ volume: data, path: '/srv/data', readOnly: true }],
    dependsOn: [Dependency.completedSuccessfully(migrate)],
    desiredCount: 2,
  });
  Annotations.of(api).acknowledgeWarning(
    WarningIds.HEALTH_CHECK_ADJUSTED,
    'the adjustment is what is tested',
  );
  new Service(shop, 'worker', {
    image: Image.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'shop/worker'), 'v1'),
    cpu: 256,
    memoryMiB: 512,
    dependsOn: [Dependency.healthy(api)],
  });
  const web = new LoadBalancer(shop, 'web');
  web.addRoute('api', { service: api, pathPatterns: ['/api/*'] });
  const assembly = app.synth();
  const dir = assembly.directory;
  return {
    template: JSON.parse(fs.readFileSync(path.join(dir, stack.templateFile), 'utf8')),
    compose: parse(fs.readFileSync(path.join(dir, shop.localTwinFiles.composeFile), 'utf8')),
    spec: shop.toSpec(),
    assemblyDirectory: dir,
    buildDirectory,
    imageBuilds: readImageBuilds(readAssetManifests(dir), dir),
  };
}

/** The container definition named `name` in the template: the essential one of a service, else a job's first. */
export function templateContainer(template: any, name: string): any {
  const containers = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => r.Properties.ContainerDefinitions as any[])
    .filter((c) => c.Name === name);
  return containers.find((c) => c.Essential !== false) ?? containers[0];
}

/** The first resource of `type` in the template whose properties satisfy `where`. */
export function templateResource(template: any, type: string, where: (r: any) => boolean = () => true): any {
  return Object.values(template.Resources as Record<string, any>).find((r) => r.Type === type && where(r));
}
