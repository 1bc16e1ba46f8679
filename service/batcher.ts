/**
 * Micro-batching: texts that arrive within `maxWaitMs` of each other are scored in one
 * model call of at most `maxTexts` texts. A request's texts are never split across
 * calls, so a request larger than `maxTexts` is a call of its own.
 *
 * `maxWaitMs = 0` batches without waiting: the call runs once the event loop has parsed
 * every request that arrived in the same I/O turn (setImmediate). Under load that is
 * exactly the requests that queued while the previous call ran; a lone request pays
 * nothing. `maxTexts = 1` turns batching off (each request is its own call, at once).
 *
 * The model call may be asynchronous (inference threads): then at most `maxInFlight`
 * calls run at once and requests that arrive meanwhile wait for the next free slot,
 * which is where batches grow under load.
 *
 * Each queued request remembers the model it was admitted with: a hot reload between
 * admission and flush does not change which model answers it (its response names that
 * model's version), and one flush may call two models.
 */
export interface BatcherOptions {
  maxTexts: number;
  /** 0 = no timer: flush at the end of the current event-loop turn. */
  maxWaitMs: number;
  /** Most model calls running at once (asynchronous calls only); default unlimited. */
  maxInFlight?: number;
}

interface Pending<M> {
  model: M;
  texts: readonly string[];
  resolve: (scores: number[]) => void;
  reject: (err: unknown) => void;
}

export type ScoreBatch<M> = (model: M, texts: readonly string[]) => number[] | Promise<number[]>;

export class MicroBatcher<M> {
  private queue: Pending<M>[] = [];
  private queued = 0;
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private readonly maxInFlight: number;

  constructor(
    private readonly scoreBatch: ScoreBatch<M>,
    private readonly options: BatcherOptions,
    /** Called with the size of every model call (for the batch-size histogram). */
    private readonly onCall: (texts: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(options.maxTexts) || options.maxTexts < 1) throw new RangeError(`maxTexts must be a positive integer, got ${options.maxTexts}`);
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    this.maxInFlight = options.maxInFlight ?? Infinity;
    if (!(this.maxInFlight >= 1)) throw new RangeError(`maxInFlight must be >= 1, got ${options.maxInFlight}`);
  }

  /** Texts waiting for a model call (for tests and metrics). */
  get pending(): number {
    return this.queued;
  }

  score(model: M, texts: readonly string[]): Promise<number[]> {
    // Nothing to group with and a free slot (batching off, or a request as large as a batch):
    // the call starts now, without the queue, the per-model grouping and the copy per request.
    if (this.queue.length === 0 && texts.length >= this.options.maxTexts && this.inFlight < this.maxInFlight) return this.callAlone(model, texts);
    return new Promise((resolve, reject) => {
      this.queue.push({ model, texts, resolve, reject });
      this.queued += texts.length;
      if (this.queued >= this.options.maxTexts) this.flush();
      else if (this.options.maxWaitMs === 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Starts model calls for what is queued, as far as free call slots allow (also used on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) this.startCall(this.takeBatch(this.batchLimit()));
  }

  /**
   * Texts for the next call: maxTexts, except that with several asynchronous call slots
   * free the queue is shared among them. Otherwise a wave of requests that queued while
   * every slot was busy goes out as one call, and the thread that scores it and the one
   * that answers it take turns instead of overlapping (measured: at 16 connections the
   * inference thread and the HTTP thread were 61% and 51% busy, docs/BENCHMARKS.md).
   */
  private batchLimit(): number {
    const free = this.maxInFlight - this.inFlight;
    if (!Number.isFinite(free) || free <= 1) return this.options.maxTexts;
    return Math.min(this.options.maxTexts, Math.ceil(this.queued / free));
  }

  /** Requests in arrival order up to `limit` texts (at least one request, never split). */
  private takeBatch(limit: number): Pending<M>[] {
    let n = 0;
    let k = 0;
    while (k < this.queue.length && (k === 0 || n + (this.queue[k] as Pending<M>).texts.length <= limit)) {
      n += (this.queue[k] as Pending<M>).texts.length;
      k++;
    }
    this.queued -= n;
    return this.queue.splice(0, k);
  }

  private startCall(batch: Pending<M>[]): void {
    // Group by model; within a model, one call over all texts in arrival order.
    const byModel = new Map<M, Pending<M>[]>();
    for (const p of batch) {
      const group = byModel.get(p.model);
      if (group) group.push(p);
      else byModel.set(p.model, [p]);
    }
    for (const [model, group] of byModel) {
      const texts = group.flatMap((p) => p.texts);
      let result: number[] | Promise<number[]>;
      try {
        this.onCall(texts.length);
        result = this.scoreBatch(model, texts);
      } catch (err) {
        for (const p of group) p.reject(err);
        continue;
      }
      if (Array.isArray(result)) {
        this.settle(group, texts.length, result);
        continue;
      }
      this.inFlight++;
      result.then(
        (scores) => this.settle(group, texts.length, scores),
        (err: unknown) => {
          for (const p of group) p.reject(err);
        },
      ).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.flush();
      });
    }
  }

  /** One request as one model call (what flush would do for a queue of just this request). */
  private async callAlone(model: M, texts: readonly string[]): Promise<number[]> {
    this.onCall(texts.length);
    const result = this.scoreBatch(model, texts);
    let scores: ArrayLike<number>;
    if (Array.isArray(result)) scores = result;
    else {
      this.inFlight++;
      try {
        scores = await result;
      } finally {
        this.inFlight--;
        if (this.queue.length > 0) this.flush();
      }
    }
    if (scores.length !== texts.length) throw new Error(`model returned ${scores.length} scores for ${texts.length} texts`);
    return Array.isArray(scores) ? (scores as number[]) : Array.from(scores);
  }

  private settle(group: Pending<M>[], expected: number, scores: ArrayLike<number>): void {
    if (scores.length !== expected) {
      const err = new Error(`model returned ${scores.length} scores for ${expected} texts`);
      for (const p of group) p.reject(err);
      return;
    }
    let offset = 0;
    for (const p of group) {
      p.resolve(Array.from({ length: p.texts.length }, (_, i) => scores[offset + i] as number));
      offset += p.texts.length;
    }
  }
}
