import { tokenize, TOKENIZER_VERSION } from '../text/tokenizer.js';
import { Vocabulary } from '../text/vocabulary.js';
import type { VocabularyJSON } from '../text/vocabulary.js';
import { CnnPredictor } from '../nn/predictor.js';
import type { TextCnnWeights } from '../nn/text-cnn.js';
import type { ArtifactMetadata } from '../artifact/metadata.js';

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
}

/**
 * A loaded model ready to predict raw text: the project's tokenizer (the same code as
 * training), the vocabulary, and the CNN members. Holds no TF.js tensors, so a
 * long-running server cannot leak backend memory through it.
 */
export class SentimentModel {
  readonly vocabulary: Vocabulary;
  private readonly predictor: CnnPredictor;

  constructor(
    readonly metadata: ArtifactMetadata,
    readonly tokenizerFile: TokenizerFile,
    members: readonly TextCnnWeights[],
  ) {
    if (tokenizerFile.tokenizer !== TOKENIZER_VERSION) {
      throw new Error(`artifact was built with tokenizer "${tokenizerFile.tokenizer}", this code has "${TOKENIZER_VERSION}": retrain or use a matching release`);
    }
    this.vocabulary = Vocabulary.fromJSON(tokenizerFile.vocabulary);
    this.predictor = new CnnPredictor(members);
    if (this.predictor.vocabSize !== this.vocabulary.size) {
      throw new Error(`vocabulary has ${this.vocabulary.size} tokens but the embedding has ${this.predictor.vocabSize} rows`);
    }
  }

  get name(): string {
    return this.metadata.name;
  }

  get version(): string {
    return this.metadata.version;
  }

  /** Token ids of a raw text, truncated to the model's max_tokens. */
  encode(text: string): Int32Array {
    const tokens = tokenize(text);
    return this.vocabulary.encode(tokens, Math.min(tokens.length, this.tokenizerFile.max_tokens));
  }

  score(text: string): number {
    return this.predictor.predict(this.encode(text));
  }

  predict(text: string): Prediction {
    const score = this.score(text);
    return { label: score >= 0.5 ? 'positive' : 'negative', score };
  }

  predictBatch(texts: readonly string[]): Prediction[] {
    return texts.map((t) => this.predict(t));
  }
}
