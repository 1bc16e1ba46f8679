import { Worker } from 'node:worker_threads';
import { initBackend } from '../nn/backend.js';
import type { BackendName, BackendPreference } from '../nn/backend.js';
import type { EnsembleWeights } from '../nn/layers-export.js';
import { pretrainedMatrix, PRETRAINED_DIM } from '../nn/pretrained.js';
import type { TokenizerFile } from '../inference/sentiment-model.js';
import { UNK_ID, Vocabulary } from '../text/vocabulary.js';
import { tokenize, TOKENIZER_VERSION } from '../text/tokenizer.js';
import { markNegation, NEGATION_MARK, NEGATION_VERSION } from '../text/negation.js';
import type { ModelSpec } from '../spec/spec.js';
import type { Example } from '../types.js';
import { createRng } from '../util/random.js';
import { formatDuration, eta, silentProgress } from './progress.js';
import type { ProgressSink } from './progress.js';
import { trainMember } from './train-member.js';
import { trainNgramMember } from './train-ngram.js';
import type { EncodedSplit, MemberArchitecture, MemberProgress, MemberResult, MemberTrainingOptions } from './train-member.js';
import type { BiGruWeights } from '../nn/bigru.js';
import type { TextCnnWeights } from '../nn/text-cnn.js';

export interface TrainInputs {
  spec: ModelSpec;
  train: readonly Example[];
  dev?: readonly Example[];
  cacheDir: string;
  backend?: BackendPreference;
  progress?: ProgressSink;
}

export interface TrainedModel {
  tokenizer: TokenizerFile;
  /** What gets saved and served. */
  ensemble: EnsembleWeights;
  /** Training record of each CNN member (history, best epoch). */
  members: MemberResult[];
  seeds: number[];
  backend: BackendName;
  seconds: number;
  pretrainedCoverage: number | null;
}

export function encodeExamples(examples: readonly Example[], vocabulary: Vocabulary, maxTokens: number, negation = false): EncodedSplit {
  const sequences = examples.map((e) => {
    const tokens = negation ? markNegation(tokenize(e.text)) : tokenize(e.text);
    return vocabulary.encode(tokens, Math.min(tokens.length, maxTokens));
  });
  return { sequences, labels: Uint8Array.from(examples, (e) => e.label) };
}

/** Seeds of the ensemble members: spec seed, then fixed offsets (so member i is the same whatever the ensemble size). */
export function memberSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (seed + i * 7919) >>> 0);
}

/** Workers run the compiled member-worker.js; under ts-jest (TypeScript sources) members train in-process. */
function workerScript(): URL | undefined {
  const url = new URL('./member-worker.js', import.meta.url);
  return import.meta.url.endsWith('.js') ? url : undefined;
}

function runInWorker(script: URL, backend: BackendPreference, options: MemberTrainingOptions, train: EncodedSplit, dev: EncodedSplit | undefined, onProgress: (p: MemberProgress) => void): Promise<MemberResult> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(script, { workerData: { backend, options, train, dev } });
    let settled = false;
    worker.on('message', (msg: { type: string; progress?: MemberProgress; result?: MemberResult; message?: string }) => {
      if (msg.type === 'progress' && msg.progress) onProgress(msg.progress);
      else if (msg.type === 'done' && msg.result) {
        settled = true;
        resolvePromise(msg.result);
        void worker.terminate();
      } else if (msg.type === 'error') {
        settled = true;
        reject(new Error(`training worker failed: ${msg.message ?? 'unknown error'}`));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code} before finishing`));
    });
  });
}

/**
 * Trains the spec's model: vocabulary, embedding initialisation, then `ensemble`
 * seeded CNN members (in parallel worker threads when `training.parallel` > 1).
 */
export async function trainModel(inputs: TrainInputs): Promise<TrainedModel> {
  const { spec } = inputs;
  const progress = inputs.progress ?? silentProgress;
  const started = performance.now();
  const backend = await initBackend(inputs.backend ?? 'wasm');
  const arch = spec.architecture;
  const tr = spec.training;

  const trainTokens = inputs.train.map((e) => tokenize(e.text));
  // The neural members may read negation-marked tokens (NEG_w after a negator); the n-gram member marks its own.
  // "mark": NEG_w is a word of its own (seen negated in training, or <unk>); "shift": every
  // word has its NEG_w row, w's row plus one shared learned shift (ShiftedEmbeddingTable).
  const negation = arch.negation === 'mark' || arch.negation === 'shift' || arch.negation === 'affine';
  const shift = arch.negation === 'shift' || arch.negation === 'affine';
  if (shift && arch.type !== 'bigru') throw new Error(`architecture.negation "${arch.negation}" needs the bigru architecture, not ${arch.type}`);
  let vocabulary = Vocabulary.build(negation && !shift ? trainTokens.map(markNegation) : trainTokens, { minCount: spec.preprocessing.minCount });
  let tokens = vocabulary.toJSON().tokens;
  const rng = createRng(tr.seed);
  let base: Float32Array;
  let baseDim: number;
  let coverage: number | null = null;
  if (arch.pretrained) {
    const init = pretrainedMatrix(tokens, arch.extraPretrainedWords, rng, inputs.cacheDir, (m) => progress.line(m));
    const json = vocabulary.toJSON();
    // Words only the pretrained vectors know get rows too (count 0), so they are not <unk> when served.
    vocabulary = Vocabulary.fromJSON({ ...json, tokens: [...json.tokens, ...init.extraWords], counts: [...json.counts, ...init.extraWords.map(() => 0)] });
    tokens = vocabulary.toJSON().tokens;
    base = init.matrix;
    baseDim = PRETRAINED_DIM;
    coverage = init.covered / (tokens.length - 1);
    progress.line(`vocabulary: ${tokens.length} tokens (${init.extraWords.length} from the pretrained vectors only), ${(coverage * 100).toFixed(1)}% with a pretrained vector`);
  } else {
    baseDim = arch.embeddingDim;
    base = new Float32Array(tokens.length * baseDim);
    for (let i = baseDim; i < base.length; i++) base[i] = (rng.next() * 2 - 1) * 0.25;
    progress.line(`vocabulary: ${tokens.length} tokens, random embeddings`);
  }
  // <unk> starts at zero (a random row would push unseen words in a random direction) and learns from word dropout.
  base.fill(0, UNK_ID * baseDim, (UNK_ID + 1) * baseDim);
  // The GRU reads one fine-tuned copy; "multichannel" applies to the CNN.
  const multichannel = arch.type === 'text-cnn' && arch.channels === 'multichannel';
  const dim = multichannel ? 2 * baseDim : baseDim;
  let embedding = base;
  if (multichannel) {
    embedding = new Float32Array(tokens.length * dim);
    for (let r = 0; r < tokens.length; r++) {
      const row = base.subarray(r * baseDim, (r + 1) * baseDim);
      embedding.set(row, r * dim);
      embedding.set(row, r * dim + baseDim);
    }
  }
  if (shift) {
    // The second half of the vocabulary: NEG_w at id words + id(w), in the same order.
    const json = vocabulary.toJSON();
    vocabulary = Vocabulary.fromJSON({ ...json, tokens: [...json.tokens, ...json.tokens.map((t) => NEGATION_MARK + t)], counts: [...json.counts, ...json.counts.map(() => 0)] });
    tokens = vocabulary.toJSON().tokens;
  }
  const maxTokens = spec.preprocessing.maxTokens;
  const train = encodeExamples(inputs.train, vocabulary, maxTokens, negation);
  const dev = inputs.dev && inputs.dev.length > 0 ? encodeExamples(inputs.dev, vocabulary, maxTokens, negation) : undefined;

  const architecture: MemberArchitecture =
    arch.type === 'bigru'
      ? { family: 'bigru', config: { vocabSize: tokens.length, dim, hidden: arch.hidden, dropout: tr.dropout, ...(shift ? { negationShift: true, negationTransform: arch.negation === 'affine' ? ('affine' as const) : ('shift' as const) } : {}) } }
      : { family: 'text-cnn', config: { vocabSize: tokens.length, dim, widths: arch.widths, filters: arch.filters, dropout: tr.dropout, staticColumns: multichannel ? baseDim : 0 } };
  const seeds = memberSeeds(tr.seed, arch.ensemble);
  const batchesPerEpoch = Math.ceil(train.sequences.length / tr.batchSize);
  const totalBatches = seeds.length * tr.epochs * batchesPerEpoch;
  const done = new Array<number>(seeds.length).fill(0);
  const status = new Array<string>(seeds.length).fill('waiting');
  const onProgress = (mi: number) => (p: MemberProgress): void => {
    const elapsed = (performance.now() - started) / 1000;
    if (p.kind === 'batch') {
      done[mi] = (p.epoch - 1) * batchesPerEpoch + p.batch;
      status[mi] = `m${mi + 1} e${p.epoch}/${tr.epochs} ${Math.round((p.batch / p.batches) * 100)}% loss ${p.loss.toFixed(3)}`;
      const sum = done.reduce((s, x) => s + x, 0);
      progress.status(`[train] ${status.filter((s) => s !== 'waiting' && s !== 'done').join(' | ')} | ETA ${formatDuration(eta(sum, totalBatches, elapsed))}`);
    } else {
      done[mi] = p.epoch * batchesPerEpoch;
      const sum = done.reduce((s, x) => s + x, 0);
      progress.line(
        `[train] member ${mi + 1}/${seeds.length} epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}` +
          (p.devAccuracy !== null ? ` dev_acc ${p.devAccuracy.toFixed(4)}${p.best ? ' *' : ''}` : '') +
          ` (${p.seconds.toFixed(1)}s) ETA ${formatDuration(eta(sum, totalBatches, elapsed))}`,
      );
    }
  };
  const optionsFor = (seed: number): MemberTrainingOptions => ({
    architecture,
    embedding,
    seed,
    epochs: tr.epochs,
    batchSize: tr.batchSize,
    learningRate: tr.learningRate,
    embeddingLearningRate: tr.embeddingLearningRate,
    wordDropout: tr.wordDropout,
    learningRateDecay: tr.learningRateDecay,
  });
  const script = workerScript();
  const ng = arch.ngramMember;
  const parallel = Math.min(tr.parallel, seeds.length);
  // With two or more cores allowed, even a single neural member goes to a worker thread
  // when there is an n-gram member: the main thread trains that one meanwhile instead of
  // after (about 20% of the quick preset's training time on two cores).
  const useWorkers = script !== undefined && tr.parallel > 1 && (parallel > 1 || ng.enabled);
  progress.line(
    `[train] backend ${backend}; ${seeds.length} member(s) × ${tr.epochs} epoch(s) × ${batchesPerEpoch} batches; ${train.sequences.length} examples` +
      (useWorkers ? `; ${parallel} worker thread(s)${ng.enabled ? ', the n-gram member alongside on the main thread' : ''}` : ''),
  );
  const members: MemberResult[] = new Array(seeds.length);
  let neural: Promise<void> | undefined;
  if (useWorkers) {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < seeds.length) {
        const mi = next++;
        members[mi] = await runInWorker(script, backend, optionsFor(seeds[mi] as number), train, dev, onProgress(mi));
        status[mi] = 'done';
      }
    };
    neural = Promise.all(Array.from({ length: parallel }, lane)).then(() => undefined);
  } else {
    seeds.forEach((seed, mi) => {
      members[mi] = trainMember(optionsFor(seed), train, dev, onProgress(mi));
      status[mi] = 'done';
    });
  }
  let linear: ReturnType<typeof trainNgramMember> | undefined;
  try {
    linear = ng.enabled ? trainNgramMember({ config: ng, seed: tr.seed, maxTokens, train: inputs.train, trainTokens, ...(inputs.dev ? { dev: inputs.dev } : {}), progress }) : undefined;
  } catch (e) {
    // The workers' outcome is no longer awaited: keep their rejection from going unhandled.
    neural?.catch(() => undefined);
    throw e;
  }
  await neural;
  const tokenizer: TokenizerFile = { tokenizer: TOKENIZER_VERSION, max_tokens: maxTokens, vocabulary: vocabulary.toJSON(), ...(linear ? { ngrams: linear.vocab } : {}), ...(negation ? { negation: NEGATION_VERSION } : {}) };
  const weights = members.map((m) => m.weights);
  const ensemble: EnsembleWeights = {
    cnn: weights.filter((w): w is TextCnnWeights => w.kind === 'text-cnn'),
    gru: weights.filter((w): w is BiGruWeights => w.kind === 'bigru'), ...(linear ? { linear: linear.weights } : {}), linearShare: linear ? ng.share : 0 };
  return { tokenizer, ensemble, members, seeds, backend, seconds: (performance.now() - started) / 1000, pretrainedCoverage: coverage };
}
