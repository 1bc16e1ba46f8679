import { SPECIAL_TOKENS, tokenize, TOKENIZER_VERSION } from '../text/tokenizer.js';
import { UNK_ID, Vocabulary } from '../text/vocabulary.js';
import { negationScope, NEGATION_MARK, NEGATION_VERSION } from '../text/negation.js';
import type { VocabularyJSON } from '../text/vocabulary.js';
import type { EnsembleWeights } from '../nn/layers-export.js';
import { NgramFeaturizer } from '../nn/ngram-features.js';
import type { NgramVocabularyJSON } from '../nn/ngram-features.js';
import { scoreNgramLinear } from '../nn/ngram-linear.js';
import { BiGruPredictor } from '../nn/bigru-predictor.js';
import { CnnPredictor } from '../nn/predictor.js';
import type { ArtifactMetadata } from '../artifact/metadata.js';

/** Training occurrences below which a placeholder's weight is one text's sentiment, not the placeholder's. */
export const PLACEHOLDER_MIN_COUNT = 50;

/**
 * The placeholders (`<url>`, `<email>`, `<user>`, `<num>`) a model leaves out of a text:
 * those its training data held fewer than PLACEHOLDER_MIN_COUNT times. Read as `<unk>`, or
 * with a weight learnt from a handful of texts, they carry a sentiment a link or a mention
 * does not have: SST-2's only URLs are one negative sentence's "feardotcom.com" (9
 * phrases), and a link after a review then flipped 3.4% of the test labels. A model
 * trained on text full of links (reviews scraped from the web, posts) reads them.
 */
export function unreliablePlaceholders(vocabulary: Vocabulary): ReadonlySet<string> {
  return new Set(SPECIAL_TOKENS.filter((t) => vocabulary.countOf(t) < PLACEHOLDER_MIN_COUNT));
}

export interface Prediction {
  label: 'negative' | 'positive';
  /** P(positive). */
  score: number;
}

/** What the artifact's tokenizer.json holds: tokenizer version, length cap, and the token of each embedding row. */
export interface TokenizerFile {
  tokenizer: string;
  max_tokens: number;
  vocabulary: VocabularyJSON;
  /** Features of the n-gram linear member, when the model has one. */
  ngrams?: NgramVocabularyJSON;
  /** Set (to NEGATION_VERSION) when the neural members read negation-marked tokens. */
  negation?: string;
}

/**
 * A loaded model ready to predict raw text: the project's tokenizer (the same code as
 * training), the vocabulary, and the CNN members. Holds no TF.js tensors, so a
 * long-running server cannot leak backend memory through it.
 */
export class SentimentModel {
  readonly vocabulary: Vocabulary;
  /** One scorer per neural member (the CNN members share one predictor that averages them). */
  private readonly neural: { weight: number; predict: (ids: Int32Array) => number }[];
  private readonly featurizer?: NgramFeaturizer;
  /**
   * Negation-marking models: token → id of its NEG_ form, so a marked token's id is found
   * without building the marked string (what vocabulary.encode(markNegation(tokens))
   * gives, UNK_ID for an unseen marked form).
   */
  private readonly negatedIds?: Map<string, number>;
  /** Placeholders the model does not read (`unreliablePlaceholders`). */
  private readonly unseenPlaceholders: ReadonlySet<string>;

  constructor(
    readonly metadata: ArtifactMetadata,
    readonly tokenizerFile: TokenizerFile,
    readonly ensemble: EnsembleWeights,
  ) {
    if (tokenizerFile.tokenizer !== TOKENIZER_VERSION) {
      throw new Error(`artifact was built with tokenizer "${tokenizerFile.tokenizer}", this code has "${TOKENIZER_VERSION}": retrain or use a matching release`);
    }
    if (tokenizerFile.negation !== undefined && tokenizerFile.negation !== NEGATION_VERSION) {
      throw new Error(`artifact marks negation as "${tokenizerFile.negation}", this code as "${NEGATION_VERSION}": retrain or use a matching release`);
    }
    this.vocabulary = Vocabulary.fromJSON(tokenizerFile.vocabulary);
    this.unseenPlaceholders = unreliablePlaceholders(this.vocabulary);
    if (tokenizerFile.negation) {
      const negatedIds = new Map<string, number>();
      for (let id = 0; id < this.vocabulary.size; id++) {
        const t = this.vocabulary.tokenOf(id);
        if (t.startsWith(NEGATION_MARK)) negatedIds.set(t.slice(NEGATION_MARK.length), id);
      }
      this.negatedIds = negatedIds;
    }
    const members = ensemble.cnn.length + ensemble.gru.length;
    if (members === 0) throw new Error('the model has no CNN or GRU member');
    this.neural = [];
    const checkRows = (rows: number): void => {
      if (rows !== this.vocabulary.size) throw new Error(`vocabulary has ${this.vocabulary.size} tokens but an embedding has ${rows} rows`);
    };
    if (ensemble.cnn.length) {
      const cnn = new CnnPredictor(ensemble.cnn);
      checkRows(cnn.vocabSize);
      this.neural.push({ weight: ensemble.cnn.length / members, predict: (ids) => cnn.predict(ids) });
    }
    for (const g of ensemble.gru) {
      const gru = new BiGruPredictor(g);
      checkRows(gru.vocabSize);
      this.neural.push({ weight: 1 / members, predict: (ids) => gru.predict(ids) });
    }
    if (ensemble.linear) {
      if (!tokenizerFile.ngrams) throw new Error('the model has an n-gram member but the tokenizer file has no "ngrams" section');
      this.featurizer = new NgramFeaturizer(tokenizerFile.ngrams);
      if (this.featurizer.size !== ensemble.linear.weights.length) {
        throw new Error(`n-gram member has ${ensemble.linear.weights.length} weights but the tokenizer file lists ${this.featurizer.size} n-grams`);
      }
    }
  }

  get name(): string {
    return this.metadata.name;
  }

  get version(): string {
    return this.metadata.version;
  }

  /** Tokens of a raw text, truncated to the model's max_tokens. */
  tokens(text: string): string[] {
    let tokens = tokenize(text);
    const unseen = this.unseenPlaceholders;
    if (unseen.size > 0 && tokens.some((t) => unseen.has(t))) tokens = tokens.filter((t) => !unseen.has(t));
    return tokens.length > this.tokenizerFile.max_tokens ? tokens.slice(0, this.tokenizerFile.max_tokens) : tokens;
  }

  /** Token ids of a raw text as the neural members read them (negation-marked when the model was trained so), truncated to the model's max_tokens. */
  encode(text: string): Int32Array {
    const tokens = this.tokens(text);
    return this.neuralIds(tokens, this.negatedIds ? negationScope(tokens) : undefined);
  }

  /** P(positive) of a raw text. */
  score(text: string): number {
    const tokens = this.tokens(text);
    // One scope for both members (the n-gram member needs it too when it marks negation or has a lexicon).
    const scope = this.negatedIds || this.featurizer?.vocab.negation ? negationScope(tokens) : undefined;
    const ids = this.neuralIds(tokens, scope);
    let neural = 0;
    for (const n of this.neural) neural += n.weight * n.predict(ids);
    const { linear, linearShare } = this.ensemble;
    if (!linear || !this.featurizer) return neural;
    return (1 - linearShare) * neural + linearShare * scoreNgramLinear(linear, this.featurizer.featurize(tokens, scope));
  }

  /** vocabulary.encode(markNegation(tokens)) for marking models (else vocabulary.encode(tokens)), with marked tokens found by their plain form. */
  private neuralIds(tokens: readonly string[], scope: Uint8Array | undefined): Int32Array {
    const negated = this.negatedIds;
    if (!negated || !scope) return this.vocabulary.encode(tokens);
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      ids[i] = scope[i] ? (negated.get(t) ?? UNK_ID) : this.vocabulary.idOf(t);
    }
    return ids;
  }

  predict(text: string): Prediction {
    const score = this.score(text);
    return { label: score >= 0.5 ? 'positive' : 'negative', score };
  }

  predictBatch(texts: readonly string[]): Prediction[] {
    return texts.map((t) => this.predict(t));
  }
}
