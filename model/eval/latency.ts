import type { SentimentModel } from '../inference/sentiment-model.js';

export interface LatencyReport {
  calls: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mean_ms: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** What the pipeline measures and reports: one text at a time, and batches of 32. */
export interface LatencySummary {
  single: LatencyReport;
  batch32: LatencyReport;
}

export function summarizeLatencies(ms: ArrayLike<number>): LatencyReport {
  const sorted = Float64Array.from(ms).sort();
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { calls: sorted.length, p50_ms: percentile(sorted, 0.5), p95_ms: percentile(sorted, 0.95), p99_ms: percentile(sorted, 0.99), mean_ms: mean };
}

/**
 * In-process latency of single-text prediction (tokenize + forward), cycling through
 * `texts`. A short warm-up first, so JIT compilation is not what gets measured.
 */
export function measureSingleLatency(model: SentimentModel, texts: readonly string[], calls = 1000, warmup = 200): LatencyReport {
  if (texts.length === 0) throw new Error('measureSingleLatency needs at least one text');
  for (let i = 0; i < warmup; i++) model.predict(texts[i % texts.length] as string);
  const ms = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t = texts[i % texts.length] as string;
    const start = performance.now();
    model.predict(t);
    ms[i] = performance.now() - start;
  }
  return summarizeLatencies(ms);
}

/** Latency per batch of `batchSize` texts. */
export function measureBatchLatency(model: SentimentModel, texts: readonly string[], batchSize = 32, batches = 50): LatencyReport & { batch_size: number } {
  const ms = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const batch = Array.from({ length: batchSize }, (_, i) => texts[(b * batchSize + i) % texts.length] as string);
    const start = performance.now();
    model.predictBatch(batch);
    ms[b] = performance.now() - start;
  }
  return { ...summarizeLatencies(ms), batch_size: batchSize };
}
