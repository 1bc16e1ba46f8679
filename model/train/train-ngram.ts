/**
 * The n-gram linear member on its own: TF-IDF features (optionally negation-marked, with
 * the two-stage negation lexicon), then logistic regression. Separate from the neural
 * members so it can be trained, and its variants compared, without retraining them.
 */
import { buildNgramVocabulary, lexiconFromWeights, NgramFeaturizer } from '../nn/ngram-features.js';
import type { NgramVocabularyJSON, SparseRow } from '../nn/ngram-features.js';
import { trainNgramLinear } from '../nn/ngram-linear.js';
import type { NgramLinearWeights } from '../nn/ngram-linear.js';
import { tokenize } from '../text/tokenizer.js';
import type { ModelSpec } from '../spec/spec.js';
import type { Example } from '../types.js';
import { silentProgress } from './progress.js';
import type { ProgressSink } from './progress.js';

export type NgramMemberConfig = ModelSpec['architecture']['ngramMember'];

export interface NgramMemberInputs {
  config: NgramMemberConfig;
  seed: number;
  maxTokens: number;
  train: readonly Example[];
  /** Tokens of `train`, when the caller has them already. */
  trainTokens?: readonly string[][];
  dev?: readonly Example[];
  progress?: ProgressSink;
}

export interface NgramMember {
  vocab: NgramVocabularyJSON;
  weights: NgramLinearWeights;
}

export function trainNgramMember(inputs: NgramMemberInputs): NgramMember {
  const { config: ng, seed, maxTokens } = inputs;
  const progress = inputs.progress ?? silentProgress;
  const truncated = (ts: readonly string[]): readonly string[] => (ts.length > maxTokens ? ts.slice(0, maxTokens) : ts);
  const trainTokens = inputs.trainTokens ?? inputs.train.map((e) => tokenize(e.text));
  const sw = ng.subword;
  const featureOptions = {
    negation: ng.negation ?? 'none',
    ...(sw?.enabled ? { subword: { minN: sw.minN, maxN: Math.max(sw.minN, sw.maxN), buckets: sw.buckets, weight: sw.weight } } : {}),
  };
  const docs = trainTokens.map(truncated);
  let vocab = buildNgramVocabulary(docs, ng.maxN, ng.minCount, featureOptions);
  let featurizer = new NgramFeaturizer(vocab);
  const rows = (xs: readonly Example[], toks?: readonly (readonly string[])[]): { rows: SparseRow[]; labels: Uint8Array } => ({
    rows: xs.map((e, i) => featurizer.featurize(truncated(toks?.[i] ?? tokenize(e.text)))),
    labels: Uint8Array.from(xs, (e) => e.label),
  });
  const options = (features: number): Parameters<typeof trainNgramLinear>[0] => ({ features, epochs: ng.epochs, batchSize: ng.batchSize, learningRate: ng.learningRate, seed });
  const devRows = (): ReturnType<typeof rows> | undefined => (inputs.dev && inputs.dev.length ? rows(inputs.dev) : undefined);
  const lex = ng.negationLexicon;
  if (lex?.enabled && (ng.negation ?? 'none') !== 'none') {
    // Stage 1: the same features without the lexicon; its plain-unigram weights are the lexicon.
    const first = trainNgramLinear(options(featurizer.size), rows(inputs.train, trainTokens), devRows());
    const lexicon = lexiconFromWeights(vocab, first.weights, lex.size, lex.clip);
    vocab = buildNgramVocabulary(docs, ng.maxN, ng.minCount, {
      ...featureOptions,
      negationLexicon: lexicon,
      ...(lex.poolPolarWords ? { dropped: singleWordExamples(trainTokens) } : {}),
    });
    featurizer = new NgramFeaturizer(vocab);
    progress.line(`[train] n-gram member stage 1 (negation lexicon of ${lexicon.tokens.length} words) done`);
  }
  progress.line(
    `[train] n-gram member: ${featurizer.size} features (1–${ng.maxN}-grams seen in >= ${ng.minCount} texts` +
      (vocab.negation ? `, negation scope: ${vocab.negation}` : '') +
      (vocab.negationDropped ? `, ${vocab.negationDropped.length} polar words pooled only` : '') +
      (vocab.subword ? `, ${vocab.subword.buckets} char ${vocab.subword.minN}–${vocab.subword.maxN}-gram buckets` : '') +
      ')',
  );
  const weights = trainNgramLinear(options(featurizer.size), rows(inputs.train, trainTokens), devRows(), (p) =>
    progress.line(
      `[train] n-gram member epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}` +
        (p.devAccuracy !== null ? ` dev_acc ${p.devAccuracy.toFixed(4)}${p.best ? ' *' : ''}` : '') +
        ` (${p.seconds.toFixed(1)}s)`,
    ),
  );
  return { vocab, weights };
}

/**
 * The tokens that are a training example on their own. SST labels every phrase of its
 * trees and GLUE keeps the non-neutral ones, so its one-word examples are the words
 * annotators found polar by themselves ("dull", "charm"), and no neutral word ("movie",
 * "think") is among them.
 */
export function singleWordExamples(tokens: readonly (readonly string[])[]): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) if (t.length === 1) out.add(t[0] as string);
  return out;
}
