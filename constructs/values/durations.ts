import { Duration, Token } from 'aws-cdk-lib';
import { invalid } from '../errors';

/** Converts a Duration to whole seconds for the model, rejecting tokens and fractions with our own error. */
export function wholeSeconds(
  path: string,
  prop: string,
  duration: Duration,
  min: number,
  max: number,
): number {
  if (!(duration instanceof Duration)) {
    throw invalid(path, prop, duration, 'must be a Duration, e.g. Duration.seconds(30)');
  }
  const ms = duration.toMilliseconds();
  if (Token.isUnresolved(ms)) throw invalid(path, prop, duration.toString(), 'must be known at synth time');
  if (ms % 1000 !== 0) {
    throw invalid(path, prop, `${ms} ms`, 'must be a whole number of seconds (both twins count in seconds)');
  }
  const seconds = ms / 1000;
  if (seconds < min || seconds > max) {
    throw invalid(path, prop, `${seconds} s`, `is out of range; use ${min} to ${max} seconds`);
  }
  return seconds;
}
