import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Application, Image, Service } from '../../constructs';
import { testApp, testStack } from '../support/test-app';
import { expectValidationError } from '../support/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

const IMAGE = Image.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const queued = new cloudwatch.Metric({
  namespace: 'Shop',
  metricName: 'QueuedJobs',
  dimensionsMap: { Queue: 'default' },
  statistic: 'Maximum',
  period: Duration.minutes(1),
});

// Two workers: no port, no load balancer; one scaled in steps on a queue's depth, one tracking a target.
const app = testApp();
const stack = new Stack(app, 'Shop');
const shop = new Application(stack, 'shop');
const steps = new Service(shop, 'rq-worker', { image: IMAGE, command: ['rqworker'] });
steps.autoScale({
  minCapacity: 1,
  maxCapacity: 8,
  metric: {
    metric: queued,
    steps: [
      { upper: 0, change: -1 },
      { lower: 50, change: 2 },
    ],
  },
});
const tracking = new Service(shop, 'indexer', { image: IMAGE });
tracking.autoScale({ minCapacity: 1, maxCapacity: 4, metric: { metric: queued, targetValue: 100 } });
const assembly = app.synth();
const template = Template.fromJSON(assembly.getStackByName('Shop').template);

test('a worker is a service without ports or routes: no port mapping, no Service Connect alias', () => {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  expect(task.Properties.ContainerDefinitions[0].PortMappings).toBeUndefined();
  const [service] = Object.values(template.findResources('AWS::ECS::Service')) as any[];
  expect(service.Properties.ServiceConnectConfiguration.Services ?? []).toEqual([]);
  expect(service.Properties.LoadBalancers ?? []).toEqual([]);
});

test('step scaling on the queue metric', () => {
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    MinCapacity: 1,
    MaxCapacity: 8,
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'Shop',
    MetricName: 'QueuedJobs',
    Dimensions: [{ Name: 'Queue', Value: 'default' }],
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Threshold: 50,
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity' },
  });
  expect(steps.toSpec().autoScaling).toEqual({
    minCapacity: 1,
    maxCapacity: 8,
    metric: {
      metric: 'Shop/QueuedJobs (Queue)',
      steps: [
        { upper: 0, change: -1 },
        { lower: 50, change: 2 },
      ],
    },
  });
});

test('target tracking on the metric', () => {
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 100,
      CustomizedMetricSpecification: { Namespace: 'Shop', MetricName: 'QueuedJobs', Statistic: 'Maximum' },
    },
  });
});

test('the local twin runs one container and says how the cloud scales', () => {
  const text = fs.readFileSync(path.join(assembly.directory, shop.localTwinFiles.composeFile), 'utf8');
  expect(text).toContain(
    '# rq-worker: 1-8 tasks (autoscaled on Shop/QueuedJobs (Queue)) in the cloud; 1 container locally.',
  );
});

test('metric scaling needs exactly one of a target value or steps', () => {
  const application = new Application(testStack(), 'app');
  const worker = () =>
    new Service(application, `w${Math.random().toString(36).slice(2, 8)}`, { image: IMAGE });
  expectValidationError(
    () => worker().autoScale({ minCapacity: 1, maxCapacity: 2, metric: { metric: queued } }),
    'autoScale.metric "(neither)" needs exactly one of targetValue (target tracking) or steps (step scaling)',
  );
  expectValidationError(
    () => worker().autoScale({ minCapacity: 1, maxCapacity: 2, metric: { metric: queued, targetValue: 0 } }),
    'autoScale.metric.targetValue 0 must be a positive number',
  );
  expectValidationError(
    () =>
      worker().autoScale({
        minCapacity: 1,
        maxCapacity: 2,
        metric: { metric: queued, steps: [{ lower: 1, change: 1 }] },
      }),
    'needs at least two intervals',
  );
  expectValidationError(
    () =>
      worker().autoScale({
        minCapacity: 1,
        maxCapacity: 2,
        metric: {
          metric: queued,
          steps: [
            { upper: 0, change: 0 },
            { lower: 1, change: 1 },
          ],
        },
      }),
    'autoScale.metric.steps[0].change 0 must be a whole number of tasks',
  );
  expectValidationError(
    () =>
      worker().autoScale({
        minCapacity: 1,
        maxCapacity: 2,
        metric: { metric: 'QueuedJobs' as never, targetValue: 1 },
      }),
    'must be a CloudWatch metric',
  );
});
