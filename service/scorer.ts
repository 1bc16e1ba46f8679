import { LRUCache } from 'lru-cache';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import { MicroBatcher } from './batcher.js';
import type { BatcherOptions, ScoreBatch } from './batcher.js';
import type { ServiceMetrics } from './metrics.js';

export interface Scored {
  label: 'negative' | 'positive';
  score: number;
}

export const labelOf = (score: number): Scored['label'] => (score >= 0.5 ? 'positive' : 'negative');
export const toScored = (score: number): Scored => ({ label: labelOf(score), score });

/**
 * The service's way to score texts: an LRU cache of P(positive) per exact text (size 0
 * turns it off) in front of the micro-batcher, which groups the misses of concurrent
 * requests into model calls. Cache keys carry the model version so a cache can never
 * answer for another model (hot reload).
 */
export class CachedScorer {
  private readonly cache?: LRUCache<string, number>;
  private readonly batcher: MicroBatcher<SentimentModel>;

  constructor(
    private readonly metrics: ServiceMetrics,
    cacheSize: number,
    batching: BatcherOptions = { maxTexts: 32, maxWaitMs: 0 },
    /** Where model calls run; by default on this thread. */
    run: ScoreBatch<SentimentModel> = (model, texts) => texts.map((t) => model.score(t)),
  ) {
    if (cacheSize > 0) this.cache = new LRUCache({ max: cacheSize });
    this.batcher = new MicroBatcher<SentimentModel>(run, batching, (n) => metrics.batchSize.observe(n));
  }

  /** P(positive) of each text, in order. */
  async scoreMany(model: SentimentModel, texts: readonly string[]): Promise<number[]> {
    if (!this.cache) return this.batcher.score(model, texts);
    const scores: number[] = new Array<number>(texts.length);
    const missIndex: number[] = [];
    const missTexts: string[] = [];
    texts.forEach((t, i) => {
      const hit = this.cache?.get(`${model.version}\u0000${t}`);
      if (hit === undefined) {
        missIndex.push(i);
        missTexts.push(t);
      } else scores[i] = hit;
    });
    if (texts.length > missTexts.length) this.metrics.cacheHits.inc(texts.length - missTexts.length);
    if (missTexts.length > 0) {
      this.metrics.cacheMisses.inc(missTexts.length);
      const computed = await this.batcher.score(model, missTexts);
      computed.forEach((s, j) => {
        scores[missIndex[j] as number] = s;
        this.cache?.set(`${model.version}\u0000${missTexts[j] as string}`, s);
      });
    }
    return scores;
  }

  /** Scores whatever the micro-batcher still holds (shutdown). */
  drain(): void {
    this.batcher.flush();
  }
}
