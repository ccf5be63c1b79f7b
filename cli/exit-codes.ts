/**
 * The exit codes of the command-line tool, the one place that defines them. CI tells a finding (something
 * the job exists to catch) from a job that could not do its work.
 */
export const ExitCode = {
  /** The command did its work and found nothing to report. */
  OK: 0,
  /** A finding: a template change (`diff`), a parity error, a failed rollout, a missing image. */
  FINDING: 1,
  /**
   * The command could not run: a usage error, no app or cloud assembly, a synthesis or model error, no such
   * stack or application, no AWS credentials or region, a denied permission or another AWS error.
   */
  CANNOT_RUN: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What exit code 2 covers, the same for every command. */
const CANNOT_RUN_TEXT =
  'could not run: a usage error, no app or cloud assembly, the app failed to synthesize, no such stack or application';
const AWS_CANNOT_RUN_TEXT = 'no AWS credentials or region, a denied permission or another AWS error';

/**
 * The "Exit codes:" block of a command's help. `finding` says what exit code 1 means for the command (none
 * for a command that finds nothing); `aws` adds the AWS causes of exit code 2.
 */
export function exitCodesUsage(options: { finding?: string; ok?: string; aws?: boolean } = {}): string {
  const cannotRun = `${CANNOT_RUN_TEXT}${options.aws ? `,\n                           ${AWS_CANNOT_RUN_TEXT}` : ''}`;
  return [
    'Exit codes:',
    `  0                        ${options.ok ?? 'done'}`,
    ...(options.finding ? [`  1                        ${options.finding}`] : []),
    `  2                        ${cannotRun}`,
    '',
  ].join('\n');
}

/** The "Exit codes:" block of the top-level help: every command's findings and the causes of exit code 2. */
export const EXIT_CODES_USAGE = `Exit codes:
  0   ok: no change, the twins agree, every rollout healthy, every image present
  1   a finding: a template or compose change (diff), a parity error (parity, or synthesis in any command),
      a failed or unfinished rollout (status), a missing image (images)
  2   could not run: a usage error, no app or cloud assembly, the app failed to synthesize, no such stack or
      application, no AWS credentials or region, a denied permission or another AWS error
`;
