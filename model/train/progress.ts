/** Human-readable durations for progress lines ("3m12s", "45s"). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Estimates time left from work done so far: `done` and `total` are in any unit
 * (batches across all members), `elapsed` in seconds.
 */
export function eta(done: number, total: number, elapsedSeconds: number): number {
  // The first batches include JIT warm-up; an estimate from under 1% of the work misleads.
  if (done <= 0 || done / total < 0.01) return Number.NaN;
  return (elapsedSeconds / done) * Math.max(0, total - done);
}

export interface ProgressSink {
  /** A transient status line (overwritten on a TTY, throttled elsewhere). */
  status(line: string): void;
  /** A permanent line (epoch summaries, results). */
  line(line: string): void;
}

/** Progress on stderr: \r-updated status on a terminal, one status line per 15 s in CI logs. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = stream.isTTY === true;
  let lastStatus = 0;
  let pending = false;
  return {
    status(line) {
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        pending = true;
      } else if (Date.now() - lastStatus > 15000) {
        lastStatus = Date.now();
        stream.write(`${line}\n`);
      }
    },
    line(line) {
      if (pending) stream.write('\r\x1b[2K');
      pending = false;
      stream.write(`${line}\n`);
    },
  };
}

export const silentProgress: ProgressSink = { status: () => undefined, line: () => undefined };
