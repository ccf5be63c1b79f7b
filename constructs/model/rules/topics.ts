import type { ValidationProblem } from '../../errors';
import type { AwsResourceSpec } from '../spec';
import { problem } from './problems';

/**
 * The local twin's SNS stand-in (moto's server). In an application with topics it serves the queues too:
 * it delivers a topic's messages only to queues it holds itself.
 */
export const SNS_STAND_IN = 'aws-sns';

const TOPIC_NAME = /^[A-Za-z0-9_-]+$/;
/** Longest SNS topic name, `.fifo` included. */
const MAX_TOPIC_NAME = 256;
/** Most message attributes a filter policy may name, and most value combinations it may have. */
export const MAX_FILTER_ATTRIBUTES = 5;
export const MAX_FILTER_COMBINATIONS = 150;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A topic's model name, without `.fifo` (the library adds it to a FIFO topic's names in both twins):
 * letters, digits, "-" and "_", at most SNS's 256 characters with the suffix.
 */
export function topicNameProblem(path: string, name: string, fifo: boolean): ValidationProblem | undefined {
  if (name.endsWith('.fifo'))
    return problem(
      path,
      'name',
      name,
      fifo
        ? 'ends with ".fifo"; give the name without it: fifo: true adds ".fifo" to the topic\'s names in both twins'
        : 'ends with ".fifo", which SNS allows only for FIFO topics; set fifo: true and give the name without ".fifo"',
    );
  if (!TOPIC_NAME.test(name))
    return problem(path, 'name', name, 'is not a valid topic name; use letters, digits, "-" or "_"');
  const room = MAX_TOPIC_NAME - (fifo ? '.fifo'.length : 0);
  if (name.length > room)
    return problem(
      path,
      'name',
      name,
      `is ${name.length} characters long; SNS allows ${MAX_TOPIC_NAME}${fifo ? ' with the ".fifo" suffix' : ''}, so at most ${room}`,
    );
  return undefined;
}

/**
 * A queue subscribed to a topic must be of the topic's type: SNS refuses to deliver a standard topic's
 * messages to a FIFO queue, and a standard queue would lose the order and deduplication a FIFO topic gives.
 */
export function subscriptionTypeProblem(
  path: string,
  prop: string,
  topicFifo: boolean,
  queue: Pick<AwsResourceSpec, 'name' | 'queue'>,
): ValidationProblem | undefined {
  const queueFifo = queue.queue?.fifo ?? false;
  if (topicFifo === queueFifo) return undefined;
  return problem(
    path,
    prop,
    queue.name,
    topicFifo
      ? 'is a standard queue; a FIFO topic delivers to FIFO queues here, so that the order and deduplication it gives reach the consumer (make the queue fifo: true)'
      : 'is a FIFO queue; SNS delivers a standard topic’s messages only to standard queues (make the topic fifo: true, or subscribe a standard queue)',
  );
}

/**
 * A simple filter policy: at most 5 message attributes, each with a non-empty list of string values, at
 * most 150 combinations of values in all (SNS's limits).
 */
export function filterPolicyProblem(
  path: string,
  prop: string,
  policy: unknown,
): ValidationProblem | undefined {
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy))
    return problem(
      path,
      prop,
      policy,
      "must map message attribute names to the string values to deliver, e.g. { kind: ['order'] }",
    );
  const entries = Object.entries(policy as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_FILTER_ATTRIBUTES)
    return problem(
      path,
      prop,
      entries.length,
      `must name 1 to ${MAX_FILTER_ATTRIBUTES} message attributes (SNS's limit)`,
    );
  let combinations = 1;
  for (const [attribute, values] of entries) {
    if (!ATTRIBUTE_NAME.test(attribute) || /^(aws|amazon)\./i.test(attribute))
      return problem(
        path,
        prop,
        attribute,
        'is not a message attribute name; use 1 to 256 letters, digits, "_", "-" or ".", not starting with "AWS." or "Amazon."',
      );
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      values.some((v) => typeof v !== 'string' || v.length === 0 || CONTROL.test(v))
    )
      return problem(
        path,
        `${prop}.${attribute}`,
        values,
        'must be a non-empty list of non-empty strings without control characters, the values of the attribute a message is delivered for',
      );
    combinations *= values.length;
  }
  if (combinations > MAX_FILTER_COMBINATIONS)
    return problem(
      path,
      prop,
      combinations,
      `has ${combinations} combinations of values; SNS allows at most ${MAX_FILTER_COMBINATIONS}`,
    );
  return undefined;
}
