import type { JobRunRecord, RunAnnotation, StepRunRecord, WorkflowRunRecord } from '../types.js';

/**
 * What a run shows while it happens, as events; a logger decides how to print them. The
 * console logger prints what GitHub's run page shows: the workflow and its event, each
 * job with its steps, conclusions, durations and annotations.
 */
export type RunnerLogEvent =
  | { type: 'run-queued' | 'run-started' | 'run-completed' | 'run-pending' | 'run-action-required'; run: WorkflowRunRecord }
  | { type: 'job-waiting' | 'job-started' | 'job-completed'; run: WorkflowRunRecord; job: JobRunRecord }
  | { type: 'step-started' | 'step-completed'; run: WorkflowRunRecord; job: JobRunRecord; step: StepRunRecord }
  | { type: 'line'; run: WorkflowRunRecord; job: JobRunRecord; step: string; text: string }
  | { type: 'annotation'; run: WorkflowRunRecord; job?: JobRunRecord; annotation: RunAnnotation };

export interface RunnerLogger {
  log(event: RunnerLogEvent): void;
}

export const silentLogger: RunnerLogger = { log: () => undefined };

/** Keeps every event (tests read them). */
export class MemoryLogger implements RunnerLogger {
  readonly events: RunnerLogEvent[] = [];
  log(event: RunnerLogEvent): void {
    this.events.push(event);
  }
  lines(): string[] {
    return this.events.flatMap((e) => (e.type === 'line' ? [e.text] : []));
  }
}

const ICON: Record<string, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '-', action_required: '!' };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

export function formatAnnotation(a: RunAnnotation): string {
  const where = a.file ? ` ${a.file}${a.line ? `#L${a.line}` : ''}` : '';
  const label = a.level[0]?.toUpperCase() + a.level.slice(1);
  return `${label}${where}: ${a.title ? `${a.title}: ` : ''}${a.message}`;
}

export function consoleLogger(opts: { write?: (text: string) => void; steps?: boolean; lines?: boolean } = {}): RunnerLogger {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  return {
    log(e) {
      switch (e.type) {
        case 'run-started':
          write(`● ${e.run.workflow} #${e.run.run_number} · ${e.run.event}${e.run.action ? ` (${e.run.action})` : ''} · ${e.run.head_sha.slice(0, 7)}\n`);
          break;
        case 'run-action-required':
          write(`! ${e.run.workflow} #${e.run.run_number} · ${e.run.event}${e.run.action ? ` (${e.run.action})` : ''}: action_required — ${e.run.approval_reason ?? 'approve workflows to run'}\n`);
          break;
        case 'run-pending':
          write(`… ${e.run.workflow} #${e.run.run_number} pending (concurrency ${e.run.concurrency ?? ''})\n`);
          break;
        case 'job-waiting':
          write(`  … ${e.job.name} waiting for environment ${e.job.environment?.name ?? ''}\n`);
          break;
        case 'job-completed': {
          write(`  ${ICON[e.job.conclusion ?? ''] ?? '?'} ${e.job.name} · ${e.job.conclusion} · ${formatDuration(e.job.duration_ms)}\n`);
          if (opts.steps !== false) for (const s of e.job.steps) write(`      ${ICON[s.conclusion] ?? '?'} ${s.name}${s.conclusion === 'skipped' ? '' : ` · ${formatDuration(s.duration_ms)}`}${s.outcome !== s.conclusion ? ` (outcome ${s.outcome})` : ''}\n`);
          for (const a of e.job.annotations) write(`      ${formatAnnotation(a)}\n`);
          break;
        }
        case 'run-completed':
          for (const a of e.run.annotations) write(`  ${formatAnnotation(a)}\n`);
          write(`${ICON[e.run.conclusion ?? ''] ?? '?'} ${e.run.workflow} #${e.run.run_number} · ${e.run.conclusion} · ${formatDuration(e.run.duration_ms)}\n`);
          break;
        case 'line':
          if (opts.lines) write(`        | ${e.text}\n`);
          break;
        default:
          break;
      }
    },
  };
}
