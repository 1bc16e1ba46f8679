/** Types of predict.mjs, the package's loader. */
export interface Prediction {
  label: 'negative' | 'positive';
  /** P(positive); label is "positive" when score >= 0.5. */
  score: number;
}

export interface PackagedModel {
  readonly name: string;
  readonly version: string;
  /** [negative label, positive label]. */
  readonly labels: readonly [string, string];
  /** Texts longer than this many tokens are truncated before scoring. */
  readonly maxTokens: number;
  /** The artifact's metadata.json, as verified at load. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Throws a TypeError for anything but a non-empty string. */
  predict(text: string): Prediction;
  predictBatch(texts: readonly string[]): Prediction[];
}

/** Absolute path of the packaged model artifact (the package's model/ folder). */
export const MODEL_DIR: string;

/** Loads (and verifies against its manifest) the packaged model, or the artifact in `dir`. */
export function loadModel(dir?: string): Promise<PackagedModel>;
