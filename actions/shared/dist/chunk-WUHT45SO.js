import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  GitopsMlError
} from "./chunk-M65ECSYA.js";

// model/data/registry.ts
var MB = 1024 * 1024;
var CANONICAL_ARCHIVES = {
  "glue-sst2": {
    url: "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip",
    format: "zip",
    bytes: 7439277,
    sha256: "d67e16fb55739c1b32cdce9877596db1c127dc322d93c082281f64057c16deaa",
    sha256Source: "tensorflow/datasets url_checksums/glue.txt",
    maxBytes: 16 * MB
  },
  "sst-trees": {
    url: "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip",
    format: "zip",
    bytes: 789539,
    sha256: "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc",
    sha256Source: "huggingface/datasets datasets/sst/dataset_infos.json",
    maxBytes: 4 * MB
  },
  "mr-polarity": {
    url: "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz",
    format: "tar.gz",
    bytes: 487770,
    sha256: "a05befe52aafda71d458d188a1c54506a998b1308613ba76bbda2e5029409ce9",
    sha256Source: "huggingface/datasets datasets/rotten_tomatoes/dataset_infos.json",
    maxBytes: 4 * MB
  },
  eec: {
    url: "https://saifmohammad.com/WebDocs/EEC/Equity-Evaluation-Corpus.zip",
    format: "zip",
    maxBytes: 8 * MB
  }
};
var DATASET_REGISTRY = {
  sst2: {
    name: "sst2",
    kind: "sentiment",
    description: "Stanford Sentiment Treebank, binary (SST-2). train/dev as packaged by GLUE (train includes phrases); test is the standard labelled binary SST test set (GLUE hides these labels, so it comes from the original treebank release); train_sentences is the train split restricted to full sentences; train_phrases is every labelled phrase of the train split's trees (GLUE's train.tsv holds about 87% of them). Lower-cased, PTB-tokenised, except test_as_written: the test sentences as people write them (the treebank's casing, contractions and punctuation joined, quotes and brackets restored), to measure a model on raw text.",
    license: "No explicit license; distributed by the Stanford NLP group for research use (see homepage).",
    citation: 'Socher et al., "Recursive Deep Models for Semantic Compositionality Over a Sentiment Treebank", EMNLP 2013; Wang et al., "GLUE: A Multi-Task Benchmark and Analysis Platform for Natural Language Understanding", 2018.',
    homepage: "https://nlp.stanford.edu/sentiment/",
    format: "tsv",
    textColumn: "sentence",
    labelColumn: "label",
    files: {
      train: {
        path: "train.tsv",
        sha256: "4c5e12ec5fabed1f7aa8b4fde0f0257412d76ab9c4314bb1eec46ba80c7a4438",
        rows: 67349,
        source: {
          archive: "glue-sst2",
          members: [{ path: "SST-2/train.tsv", sha256: "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1", maxBytes: 16 * MB }],
          normalise: "glue-sst2-train"
        }
      },
      dev: {
        path: "dev.tsv",
        sha256: "a269a31e23281cf561f1cbb4739b3d8aadff189a9e48ce500c1f8ad17675fa5e",
        rows: 872,
        source: {
          archive: "sst-trees",
          members: [{ path: "trees/dev.txt", sha256: "0e9336aed6e4730e19f58d00a77b3f0297efdb755f7b5e598c98a05e3f97ea40", maxBytes: 4 * MB }],
          normalise: "sst-trees-binary"
        }
      },
      test: {
        path: "test.tsv",
        sha256: "9ac1781c9093d950f58ec9589503375054b06d273bf92da1b35f0f586144660c",
        rows: 1821,
        source: {
          archive: "sst-trees",
          members: [{ path: "trees/test.txt", sha256: "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761", maxBytes: 4 * MB }],
          normalise: "sst-trees-binary"
        }
      },
      train_sentences: {
        path: "train_sentences.tsv",
        sha256: "3bfd45234df31b9e5f0d04a3706ab0e869a3d361e9509b912605caae122b1474",
        rows: 6920,
        source: {
          archive: "sst-trees",
          members: [{ path: "trees/train.txt", sha256: "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7", maxBytes: 16 * MB }],
          normalise: "sst-trees-binary"
        }
      },
      train_phrases: {
        path: "train_phrases.tsv",
        sha256: "48f8075edd3cb51472baffeb9f184fface486f305844249314dccac20539f868",
        rows: 77195,
        source: {
          archive: "sst-trees",
          members: [{ path: "trees/train.txt", sha256: "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7", maxBytes: 16 * MB }],
          normalise: "sst-trees-phrases"
        }
      },
      test_as_written: {
        path: "test_as_written.tsv",
        sha256: "7d8120c84c4ff2f3ca7b42d2cc88cc3e02aa0a4fa6ab73ab5f9221519b08cbab",
        rows: 1821,
        source: {
          archive: "sst-trees",
          members: [{ path: "trees/test.txt", sha256: "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761", maxBytes: 4 * MB }],
          normalise: "sst-trees-as-written"
        }
      }
    }
  },
  mr: {
    name: "mr",
    kind: "sentiment",
    description: "Movie Review sentence polarity v1.0 (Pang & Lee 2005). No official split: use cross-validation. SST was built from the same reviews, so never train on one and test on the other.",
    license: "No explicit license; distributed by the authors for research use (see homepage).",
    citation: 'Pang & Lee, "Seeing stars: Exploiting class relationships for sentiment categorization with respect to rating scales", ACL 2005.',
    homepage: "https://www.cs.cornell.edu/people/pabo/movie-review-data/",
    format: "tsv",
    textColumn: "sentence",
    labelColumn: "label",
    files: {
      all: {
        path: "rt-polarity.tsv",
        sha256: "6480e8be0c62874d61d18c7c02cf606ae4b4bd5aa050855408b6e14c30984bbc",
        rows: 10662,
        source: {
          archive: "mr-polarity",
          members: [
            { path: "rt-polaritydata/rt-polarity.neg", sha256: "4af43bf489620b498a0852c5a8c6a535155dec7985fdfea782b8f7756b957ccc", maxBytes: 4 * MB },
            { path: "rt-polaritydata/rt-polarity.pos", sha256: "d79ef14009bbf87cd6be21f91c3ea1a3cbcb73b34dfb4231aef7bbcd7677abc4", maxBytes: 4 * MB }
          ],
          normalise: "mr-polarity"
        }
      }
    }
  },
  eec: {
    name: "eec",
    kind: "fairness",
    description: "Equity Evaluation Corpus: template sentences differing only in a person name or gendered noun phrase, for measuring gender and race bias. No sentiment labels.",
    license: "Made freely available by the NRC for research use (see homepage for terms).",
    citation: 'Kiritchenko & Mohammad, "Examining Gender and Race Bias in Two Hundred Sentiment Analysis Systems", *SEM 2018.',
    homepage: "https://saifmohammad.com/WebPages/Biases-SA.html",
    format: "csv",
    textColumn: "Sentence",
    columns: ["ID", "Sentence", "Template", "Person", "Gender", "Race", "Emotion", "Emotion word"],
    files: {
      all: {
        path: "Equity-Evaluation-Corpus.csv",
        sha256: "d90ff4e56e46475c12d0bb89c2f7bb3e3d23ef36d0fb64e1fb371157c80a45c3",
        rows: 8640,
        source: {
          archive: "eec",
          members: [
            {
              path: "Equity-Evaluation-Corpus/Equity-Evaluation-Corpus.csv",
              sha256: "d138b0e0bf941e426dcb3fa914aed678ea28267de100839c31216b353d877845",
              maxBytes: 8 * MB
            }
          ],
          normalise: "crlf-to-lf"
        },
        // A later release spells "disappointed" right (240 rows); the original pin above
        // is the first release, "dissapointed". Both are accepted; the one used is recorded.
        variants: [
          {
            name: "corrected",
            memberSha256: ["9145215017a0c2de02580a86931a09914f9e65d031a422f0d1d4345ef092a875"],
            sha256: "e8610ad246f87aedb64d3faeb079cba9433fdfed1f0b67486dd6b1b550b92017"
          }
        ]
      }
    }
  }
};
function getDataset(name, registry = DATASET_REGISTRY) {
  const entry = Object.hasOwn(registry, name) ? registry[name] : void 0;
  if (!entry) {
    throw new GitopsMlError(
      "E_DATASET_UNKNOWN",
      `unknown dataset "${name}"; known datasets: ${Object.keys(registry).join(", ")}`
    );
  }
  return entry;
}
function defaultSplit(entry) {
  const splits = Object.keys(entry.files);
  return splits.length === 1 ? splits[0] : void 0;
}

export {
  DATASET_REGISTRY,
  getDataset,
  defaultSplit
};
