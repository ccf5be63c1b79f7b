import type { CliIo } from './io';

/** How long synthesis runs before the tool says it is synthesizing, and how often it says so again. */
export const SYNTHESIS_PROGRESS_DELAY_MS = 3000;
export const SYNTHESIS_PROGRESS_INTERVAL_MS = 15000;

/** Progress of a long wait, on standard error, for a person watching a terminal. */
export interface Progress {
  /** Whether progress is shown: standard error is a terminal. */
  readonly shown: boolean;
  /** Writes one progress line. */
  note(text: string): void;
  /**
   * Notes `first` if the work is still running after `delayMs`, then `again(seconds)` every `intervalMs`;
   * returns what stops it, to call when the work is done.
   */
  whileRunning(
    first: string,
    again: (seconds: number) => string,
    delayMs: number,
    intervalMs: number,
  ): () => void;
}

const defaultSchedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

/**
 * The progress of a command. Shown only when standard error is a terminal: in CI, and when the output is
 * piped or redirected, there is none, so the logs hold results and errors only.
 */
export function progress(io: CliIo): Progress {
  const shown = io.err.isTTY === true;
  const schedule = io.schedule ?? defaultSchedule;
  const note = (text: string) => {
    if (shown) io.err.write(`twinstack: ${text}\n`);
  };
  return {
    shown,
    note,
    whileRunning(first, again, delayMs, intervalMs) {
      if (!shown) return () => {};
      let stopped = false;
      let cancel = () => {};
      let elapsed = delayMs;
      const tick = (text: string) => {
        if (stopped) return;
        note(text);
        cancel = schedule(() => {
          elapsed += intervalMs;
          tick(again(Math.round(elapsed / 1000)));
        }, intervalMs);
      };
      cancel = schedule(() => tick(first), delayMs);
      return () => {
        stopped = true;
        cancel();
      };
    },
  };
}
