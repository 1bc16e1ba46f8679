/**
 * The entry point bundled (esbuild) into a handoff package as `lib/gitops-ml-model.mjs`:
 * the repository's own artifact loader, tokenizer and inference code in one ESM file,
 * so a backend team predicts exactly as the service does without this repository.
 * TensorFlow.js stays external (`@tensorflow/tfjs` and its wasm backend, declared in the
 * package's package.json); it decodes the weights once at load, and inference itself is
 * plain JavaScript (with a WebAssembly SIMD kernel where available).
 *
 * Keep this module small and its API stable: it is what integrators import.
 */
import { loadArtifact } from '../artifact/artifact.js';
import type { Prediction } from '../inference/sentiment-model.js';

export type { Prediction } from '../inference/sentiment-model.js';

export interface PackagedModel {
  readonly name: string;
  readonly version: string;
  /** [negative label, positive label]. */
  readonly labels: readonly [string, string];
  /** Texts longer than this many tokens are truncated before scoring. */
  readonly maxTokens: number;
  /** The artifact's metadata.json (as verified at load). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `{ label, score }` of one text; score = P(positive), label = positive when score ≥ 0.5. */
  predict(text: string): Prediction;
  /** Predictions of several texts, in order. */
  predictBatch(texts: readonly string[]): Prediction[];
}

function checkText(text: unknown, where: string): string {
  if (typeof text !== 'string') throw new TypeError(`${where}: expected a string, got ${text === null ? 'null' : typeof text}`);
  if (text.length === 0) throw new TypeError(`${where}: the text is empty (the API refuses empty texts too)`);
  return text;
}

/**
 * Loads the artifact in `dir` (a package's `model/` folder): every file is checked
 * against the artifact's manifest.json (size and sha256) before it is used, the
 * metadata and tokenizer are validated, and a tampered or incomplete artifact is refused.
 */
export async function loadModel(dir: string): Promise<PackagedModel> {
  const model = await loadArtifact(dir);
  const metadata = model.metadata;
  return Object.freeze({
    name: model.name,
    version: model.version,
    labels: [metadata.labels[0], metadata.labels[1]] as const,
    maxTokens: model.tokenizerFile.max_tokens,
    metadata: metadata as unknown as Readonly<Record<string, unknown>>,
    predict: (text: string): Prediction => model.predict(checkText(text, 'predict')),
    predictBatch: (texts: readonly string[]): Prediction[] => {
      if (!Array.isArray(texts)) throw new TypeError('predictBatch: expected an array of strings');
      return model.predictBatch(texts.map((t, i) => checkText(t, `predictBatch[${i}]`)));
    },
  });
}
