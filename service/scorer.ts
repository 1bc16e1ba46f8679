import { LRUCache } from 'lru-cache';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import type { ServiceMetrics } from './metrics.js';

export interface Scored {
  label: 'negative' | 'positive';
  score: number;
}

/**
 * The service's way to score texts: the model behind an LRU cache of P(positive) per
 * exact text (size 0 turns it off). Keys carry the model version so a cache can never
 * answer for another model.
 */
export class CachedScorer {
  private readonly cache?: LRUCache<string, number>;

  constructor(
    private readonly metrics: ServiceMetrics,
    size: number,
  ) {
    if (size > 0) this.cache = new LRUCache({ max: size });
  }

  score(model: SentimentModel, text: string): number {
    if (!this.cache) return model.score(text);
    const key = `${model.version}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.metrics.cacheHits.inc();
      return hit;
    }
    this.metrics.cacheMisses.inc();
    const s = model.score(text);
    this.cache.set(key, s);
    return s;
  }

  predict(model: SentimentModel, text: string): Scored {
    const score = this.score(model, text);
    return { label: score >= 0.5 ? 'positive' : 'negative', score };
  }
}
