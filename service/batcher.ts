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
 * Each queued request remembers the model it was admitted with: a hot reload between
 * admission and flush does not change which model answers it (its response names that
 * model's version), and one flush may call two models.
 */
export interface BatcherOptions {
  maxTexts: number;
  /** 0 = no timer: flush at the end of the current event-loop turn. */
  maxWaitMs: number;
}

interface Pending<M> {
  model: M;
  texts: readonly string[];
  resolve: (scores: number[]) => void;
  reject: (err: unknown) => void;
}

export type ScoreBatch<M> = (model: M, texts: readonly string[]) => number[];

export class MicroBatcher<M> {
  private queue: Pending<M>[] = [];
  private queued = 0;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;

  constructor(
    private readonly scoreBatch: ScoreBatch<M>,
    private readonly options: BatcherOptions,
    /** Called with the size of every model call (for the batch-size histogram). */
    private readonly onCall: (texts: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(options.maxTexts) || options.maxTexts < 1) throw new RangeError(`maxTexts must be a positive integer, got ${options.maxTexts}`);
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
  }

  /** Texts waiting for the next call (for tests and metrics). */
  get pending(): number {
    return this.queued;
  }

  score(model: M, texts: readonly string[]): Promise<number[]> {
    if (this.options.maxTexts === 1) {
      try {
        return Promise.resolve(this.call(model, texts));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      if (this.queued > 0 && this.queued + texts.length > this.options.maxTexts) this.flush();
      this.queue.push({ model, texts, resolve, reject });
      this.queued += texts.length;
      if (this.queued >= this.options.maxTexts) this.flush();
      else if (this.options.maxWaitMs === 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Scores everything queued now (also used on shutdown so nothing is left waiting). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    // Group by model; within a model, one call over all texts in arrival order.
    const byModel = new Map<M, Pending<M>[]>();
    for (const p of batch) {
      const group = byModel.get(p.model);
      if (group) group.push(p);
      else byModel.set(p.model, [p]);
    }
    for (const [model, group] of byModel) {
      let scores: number[];
      try {
        scores = this.call(
          model,
          group.flatMap((p) => p.texts),
        );
      } catch (err) {
        for (const p of group) p.reject(err);
        continue;
      }
      let offset = 0;
      for (const p of group) {
        p.resolve(scores.slice(offset, offset + p.texts.length));
        offset += p.texts.length;
      }
    }
  }

  private call(model: M, texts: readonly string[]): number[] {
    this.onCall(texts.length);
    const scores = this.scoreBatch(model, texts);
    if (scores.length !== texts.length) throw new Error(`model returned ${scores.length} scores for ${texts.length} texts`);
    return scores;
  }
}
