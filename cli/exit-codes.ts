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

/** The column the meaning of each code starts at, as the options of a help do. */
const COLUMN = 27;

/** `code` and its meaning, the meaning wrapped at the width of the help. */
function codeLine(code: number, meaning: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of meaning.split(' ')) {
    if (line && COLUMN + line.length + 1 + word.length > 110) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l, i) => `${i === 0 ? `  ${code}`.padEnd(COLUMN) : ' '.repeat(COLUMN)}${l}`).join('\n');
}

/**
 * The "Exit codes:" block of a command's help. `finding` says what exit code 1 means for the command (none
 * for a command that finds nothing); `aws` adds the AWS causes of exit code 2.
 */
export function exitCodesUsage(options: { finding?: string; ok?: string; aws?: boolean } = {}): string {
  return [
    'Exit codes:',
    codeLine(ExitCode.OK, options.ok ?? 'done'),
    ...(options.finding ? [codeLine(ExitCode.FINDING, options.finding)] : []),
    codeLine(
      ExitCode.CANNOT_RUN,
      options.aws ? `${CANNOT_RUN_TEXT}, ${AWS_CANNOT_RUN_TEXT}` : CANNOT_RUN_TEXT,
    ),
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
