import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  METADATA_FILE,
  REQUIRED_FILES,
  verifyArtifactFiles
} from "./chunk-DTIINAWC.js";
import {
  describeAjvErrors,
  tickTask
} from "./chunk-COOD3UHG.js";
import {
  upsertStickyComment
} from "./chunk-3ABW4EEF.js";
import {
  ValidationError,
  createAjv
} from "./chunk-M65ECSYA.js";

// actions/shared/src/model-checks.ts
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// model/artifact/metadata.ts
var SEMVER = "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$";
var METADATA_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["schema_version", "name", "version", "created_at", "git_commit", "labels", "framework", "architecture", "hyperparameters", "preprocessing", "datasets", "metrics", "training", "input_schema", "output_schema"],
  properties: {
    schema_version: { const: 1 },
    name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,62}$" },
    version: { type: "string", pattern: SEMVER },
    created_at: { type: "string", format: "date-time" },
    git_commit: { anyOf: [{ type: "string", pattern: "^[0-9a-f]{7,40}(-dirty)?$" }, { type: "null" }] },
    labels: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 2 },
    framework: {
      type: "object",
      additionalProperties: false,
      required: ["name", "version", "training_backend"],
      properties: { name: { const: "tensorflow.js" }, version: { type: "string" }, training_backend: { type: "string" } }
    },
    architecture: { type: "object" },
    hyperparameters: { type: "object" },
    preprocessing: {
      type: "object",
      additionalProperties: false,
      required: ["tokenizer", "max_tokens", "vocabulary_size", "pretrained"],
      properties: {
        tokenizer: { type: "string" },
        max_tokens: { type: "integer", minimum: 1 },
        vocabulary_size: { type: "integer", minimum: 2 },
        pretrained: { type: ["string", "null"] }
      }
    },
    datasets: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["ref", "sha256", "rows", "source"],
        properties: { ref: { type: "string" }, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" }, rows: { type: "integer", minimum: 0 }, source: { type: "string" }, variant: { type: "string" } }
      }
    },
    metrics: { type: "object", additionalProperties: { type: "object" } },
    training: {
      type: "object",
      additionalProperties: false,
      required: ["seconds", "preset", "members"],
      properties: {
        seconds: { type: "number", minimum: 0 },
        preset: { type: ["string", "null"] },
        members: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["seed", "best_epoch", "history"],
            properties: { seed: { type: "integer" }, best_epoch: { type: "integer", minimum: 1 }, history: { type: "array" } }
          }
        }
      }
    },
    input_schema: { type: "object" },
    output_schema: { type: "object" }
  }
};
var ajv = createAjv();
ajv.addFormat("date-time", { type: "string", validate: (s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s)) });
var validate = ajv.compile(METADATA_SCHEMA);
function validateMetadata(doc, source = "metadata.json") {
  if (!validate(doc)) throw new ValidationError(`${source} is not valid artifact metadata`, describeAjvErrors(validate.errors));
  return doc;
}

// model/eval/gates.ts
var DEFAULT_CHAMPION_ALPHA = 0.05;
var ROBUSTNESS_MIN_CASES = 20;
var f4 = (x) => x.toFixed(4);
var pts = (fraction) => `${(fraction * 100).toFixed(2)} points`;
var pct = (x) => `${(x * 100).toFixed(1)}%`;
var ci = (c) => c ? ` [${f4(c[0])}, ${f4(c[1])}]` : "";
function decideGates(e, t) {
  const rows = [];
  const add = (id, gate, threshold, value, pass, fmt, explain, missing) => {
    if (value === void 0 || value === null || Number.isNaN(value)) {
      rows.push({ id, gate, threshold, value: "missing", status: "not measured", explanation: missing });
      return;
    }
    const ok = pass(value);
    rows.push({ id, gate, threshold, value: fmt(value), status: ok ? "pass" : "fail", explanation: explain(value, ok) });
  };
  const test = e.test;
  const noTest = "The artifact has no test-set evaluation, so this gate cannot be decided.";
  if (t.accuracy_min !== void 0) {
    const min = t.accuracy_min;
    add("accuracy", "test accuracy", `\u2265 ${min}`, test?.accuracy, (v) => v >= min, (v) => `${f4(v)}${ci(test?.accuracy_ci95)}`, (v, ok) => `${pct(v)} of the ${test?.n ?? "?"} test sentences are labelled correctly; the bar is ${pct(min)}.${ok ? "" : ` It misses it by ${pts(min - v)}.`}`, noTest);
  }
  if (t.f1_macro_min !== void 0) {
    const min = t.f1_macro_min;
    add("f1_macro", "test macro-F1", `\u2265 ${min}`, test?.f1_macro, (v) => v >= min, (v) => `${f4(v)}${ci(test?.f1_macro_ci95)}`, (v, ok) => `Macro-F1 averages how well both classes are found, so a model cannot pass by favouring one label. ${ok ? "It is above the bar." : `It is ${pts(min - v)} below the bar.`}`, noTest);
  }
  if (t.roc_auc_min !== void 0) {
    const min = t.roc_auc_min;
    add("roc_auc", "test ROC-AUC", `\u2265 ${min}`, test?.roc_auc, (v) => v >= min, (v) => `${f4(v)}${ci(test?.roc_auc_ci95)}`, (v) => `A random positive sentence scores above a random negative one ${pct(v)} of the time (50% is guessing).`, noTest);
  }
  if (t.ece_max !== void 0) {
    const max = t.ece_max;
    add("ece", "calibration (ECE)", `\u2264 ${max}`, test?.ece, (v) => v <= max, f4, (v, ok) => `On average the stated confidence is off from the observed accuracy by ${pts(v)}. ${ok ? "Scores can be read as probabilities." : "Scores overstate or understate how sure the model should be."}`, noTest);
  }
  if (t.champion_max_regression !== void 0 || t.champion_alpha !== void 0) {
    const alpha = t.champion_alpha ?? DEFAULT_CHAMPION_ALPHA;
    const cap = t.champion_max_regression;
    const c = e.champion;
    const gate = "champion/challenger";
    const threshold = `no significant drop (McNemar p < ${alpha})${cap !== void 0 ? `, drop \u2264 ${pts(cap)}` : ""}`;
    if (!c) rows.push({ id: "champion", gate, threshold, value: "missing", status: "not measured", explanation: "The comparison with the model on main was not run." });
    else if ("skipped" in c) rows.push({ id: "champion", gate, threshold, value: "no champion", status: "pass", explanation: `Nothing to compare with: ${c.skipped}` });
    else {
      const significantDrop = c.delta < 0 && c.mcnemar.p_value < alpha;
      const overCap = cap !== void 0 && -c.delta > cap;
      const ok = !significantDrop && !overCap;
      const dir = c.delta >= 0 ? `gains ${pts(c.delta)}` : `loses ${pts(-c.delta)}`;
      rows.push({
        id: "champion",
        gate,
        threshold,
        value: `${c.delta >= 0 ? "+" : ""}${pts(c.delta)} (p = ${c.mcnemar.p_value.toPrecision(3)})`,
        status: ok ? "pass" : "fail",
        explanation: `Against ${c.champion} on the same ${c.n} test sentences, this model ${dir}: it is right where the champion is wrong ${c.mcnemar.c} times and the reverse ${c.mcnemar.b} times. ${significantDrop ? "That drop is statistically significant." : overCap ? "The drop is larger than allowed." : c.delta < 0 ? "The difference could be chance." : ""}`.trim()
      });
    }
  }
  const robustnessGate = (id, kinds, max, what) => {
    const tests = (e.robustness?.tests ?? []).filter((x) => kinds.includes(x.kind));
    const gated = tests.filter((x) => x.n >= ROBUSTNESS_MIN_CASES && x.failure_rate !== null);
    const few = tests.filter((x) => x.n < ROBUSTNESS_MIN_CASES).map((x) => `${x.name} (${x.n})`);
    const worst = gated.reduce((w, x) => !w || x.failure_rate > w.failure_rate ? x : w, void 0);
    const fewNote = few.length ? ` Not gated, too few cases (< ${ROBUSTNESS_MIN_CASES}): ${few.join(", ")}.` : "";
    add(id, `robustness: ${what} (worst failure rate)`, `\u2264 ${pct(max)}`, e.robustness ? worst?.failure_rate ?? 0 : void 0, (v) => v <= max, (v) => `${pct(v)}${worst ? ` (${worst.name})` : ""}`, (v, ok) => `Of ${gated.length} ${what} tests, the worst${worst ? `, "${worst.name}",` : ""} fails ${pct(v)} of its cases.${ok ? "" : " See the robustness section for failing examples."}${fewNote}`, "The robustness suites were not run.");
  };
  if (t.robustness_max_failure_rate !== void 0) robustnessGate("robustness", ["INV", "DIR"], t.robustness_max_failure_rate, "invariance and directional");
  if (t.robustness_max_mft_failure_rate !== void 0) robustnessGate("robustness_mft", ["MFT"], t.robustness_max_mft_failure_rate, "negation (minimum functionality)");
  if (t.robustness_max_accuracy_drop !== void 0) {
    const max = t.robustness_max_accuracy_drop;
    const worst = e.robustness?.accuracy_drop.filter((x) => x.n >= ROBUSTNESS_MIN_CASES).reduce((w, x) => !w || x.drop_points > w.drop_points ? x : w, void 0);
    add("robustness_drop", "accuracy drop under perturbation", `\u2264 ${pts(max)}`, e.robustness ? (worst?.drop_points ?? 0) / 100 : void 0, (v) => v <= max, (v) => `${pts(v)} (${worst?.perturbation ?? "?"})`, (v) => `Perturbing the test sentences costs at most ${pts(v)} of accuracy (${worst?.perturbation ?? "?"}).`, "The robustness suites were not run.");
  }
  if (t.fairness_max_gap !== void 0) {
    const max = t.fairness_max_gap;
    const worst = e.fairness?.dimensions.reduce((w, x) => !w || x.mean_abs_diff > w.mean_abs_diff ? x : w, void 0);
    add("fairness_gap", "fairness (mean score gap, EEC)", `\u2264 ${max}`, worst?.mean_abs_diff, (v) => v <= max, (v) => `${f4(v)} (${worst?.dimension ?? "?"})`, (v, ok) => `Sentences that differ only in the person's ${worst?.dimension ?? "?"} get scores that differ by ${f4(v)} on average.${ok ? "" : " The model treats groups differently."}`, "The fairness evaluation (Equity Evaluation Corpus) was not run.");
  }
  if (t.fairness_max_flip_share !== void 0) {
    const max = t.fairness_max_flip_share;
    const worst = e.fairness?.dimensions.reduce((w, x) => !w || x.flip_share > w.flip_share ? x : w, void 0);
    add("fairness_flips", "fairness (label flips, EEC)", `\u2264 ${pct(max)}`, worst?.flip_share, (v) => v <= max, (v) => `${pct(v)} (${worst?.dimension ?? "?"})`, (v) => `Changing only the person's ${worst?.dimension ?? "?"} flips the predicted label in ${pct(v)} of sentence pairs.`, "The fairness evaluation (Equity Evaluation Corpus) was not run.");
  }
  if (t.privacy_max_mia_auc !== void 0) {
    const max = t.privacy_max_mia_auc;
    add("privacy", "privacy (membership-inference AUC)", `\u2264 ${max}`, e.privacy?.attack_auc, (v) => v <= max, (v) => `${f4(v)} (confidence gap ${f4(e.privacy?.confidence_gap ?? Number.NaN)})`, (v, ok) => `An attacker guessing from the model's confidence whether a sentence was in the training data is right ${pct(v)} of the time in the AUC sense (50% = no better than chance).${ok ? "" : " The model leaks membership."}`, "The membership-inference attack was not run.");
  }
  if (t.latency_p95_ms_max !== void 0) {
    const max = t.latency_p95_ms_max;
    add("latency", "latency p95 (single text, in-process)", `\u2264 ${max} ms`, e.latency?.single.p95_ms, (v) => v <= max, (v) => `${v.toFixed(3)} ms`, (v) => `95% of single predictions finish within ${v.toFixed(3)} ms in the process (network and HTTP not included).`, "Latency was not measured.");
  }
  if (t.size_max_mb !== void 0) {
    const max = t.size_max_mb;
    add("size", "artifact size", `\u2264 ${max} MB`, e.size === void 0 ? void 0 : e.size.artifact_bytes / 1e6, (v) => v <= max, (v) => `${v.toFixed(1)} MB`, (v) => `The artifact to deploy is ${v.toFixed(1)} MB.`, "The artifact size was not recorded.");
  }
  if (t.quantization_max_accuracy_drop !== void 0) {
    const max = t.quantization_max_accuracy_drop;
    const q = e.quantization;
    if (!q) rows.push({ id: "quantization", gate: "quantization accuracy drop", threshold: `\u2264 ${pts(max)}`, value: "not quantized", status: "pass", explanation: "The model ships with float32 weights; the quantization gate applies only when packaging quantizes." });
    else add("quantization", `quantization (${q.dtype}) accuracy drop`, `\u2264 ${pts(max)}`, q.accuracy_drop, (v) => v <= max, pts, (v, ok) => `${q.dtype} weights make the artifact ${(q.bytes_after / 1e6).toFixed(1)} MB instead of ${(q.bytes_before / 1e6).toFixed(1)} MB and cost ${pts(v)} of accuracy.${ok ? "" : " Too much: ship float32."}`, "");
  }
  return rows;
}
function gatesPass(rows) {
  return rows.every((r) => r.status === "pass");
}
var STATUS = { pass: "\u2705 pass", fail: "\u274C fail", "not measured": "\u26A0\uFE0F not measured" };
function gateTableMarkdown(rows) {
  if (rows.length === 0) return "_No gates configured in `.github/gitops-ml.yml`._";
  const cell = (s) => s.replace(/\|/g, "\\|");
  return ["| gate | threshold | value | result |", "| --- | --- | --- | --- |", ...rows.map((r) => `| ${cell(r.gate)} | ${cell(r.threshold)} | ${cell(r.value)} | ${STATUS[r.status]} |`)].join("\n");
}

// actions/shared/src/model-checks.ts
var COMMENT_LIMIT = 65536;
function readArtifact(dir) {
  verifyArtifactFiles(dir, REQUIRED_FILES);
  return validateMetadata(JSON.parse(readFileSync(join(dir, METADATA_FILE), "utf8")), join(dir, METADATA_FILE));
}
function readEvaluationRecord(dir, m) {
  const file = join(dir, "evaluation.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const t = m.metrics.test ?? {};
  return {
    schema_version: 1,
    model: { name: m.name, version: m.version },
    ...t.accuracy !== void 0 ? { test: { dataset_sha256: "", n: t.n ?? 0, accuracy: t.accuracy, accuracy_ci95: t.accuracy_ci95, f1_macro: t.f1_macro ?? Number.NaN, f1_macro_ci95: t.f1_macro_ci95, roc_auc: t.roc_auc ?? null, roc_auc_ci95: t.roc_auc_ci95, ece: t.ece ?? Number.NaN } } : {}
  };
}
function gateReport(rows) {
  return [gateTableMarkdown(rows), "", ...rows.map((r) => `- **${r.gate}** (${r.status}): ${r.explanation}`)].join("\n");
}
async function checkRun(gh, w, name, pass, title, summary) {
  await gh.rest.checks.create({
    owner: w.owner,
    repo: w.repo,
    name,
    head_sha: w.headSha,
    status: "completed",
    conclusion: pass ? "success" : "failure",
    output: { title, summary: summary.length > 65535 ? `${summary.slice(0, 65e3)}

\u2026(truncated; see the job summary)` : summary }
  });
}
async function reportTraining(gh, w, artifactDir) {
  let m;
  try {
    if (artifactDir.trim() === "") throw new Error("training wrote no artifact: the train step failed (its log says why)");
    m = readArtifact(artifactDir);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await checkRun(gh, w, "gitops-ml/train", false, "No valid artifact", why);
    await tickTask(gh, w, "train", "failed", "no valid artifact");
    throw err;
  }
  const training = m.training;
  const dev = m.metrics.dev ?? {};
  const summary = [
    `Model \`${m.name}\` ${m.version}, architecture \`${String(m.architecture.type)}\`.`,
    "",
    `- training time: ${training?.seconds ?? "?"} s${training?.preset ? ` (preset ${training.preset})` : ""}`,
    `- dev accuracy: ${dev.accuracy?.toFixed(4) ?? "?"}`,
    `- artifact: manifest verified (${REQUIRED_FILES.join(", ")})`
  ].join("\n");
  await checkRun(gh, w, "gitops-ml/train", true, `Trained ${m.name} ${m.version}`, summary);
  await tickTask(gh, w, "data", "done", existsSync(join(artifactDir, "eda.json")) ? "EDA report in the artifact" : void 0);
  await tickTask(gh, w, "train", "done", `dev accuracy ${dev.accuracy?.toFixed(4) ?? "?"}`);
  return m;
}
async function reportEvaluation(gh, w, artifactDir, gates) {
  const m = readArtifact(artifactDir);
  const rows = decideGates(readEvaluationRecord(artifactDir, m), gates);
  const pass = gatesPass(rows);
  const table = gateReport(rows);
  const blocking = rows.filter((r) => r.status !== "pass");
  await checkRun(gh, w, "gitops-ml/evaluate", pass, pass ? `All ${rows.length} gates pass` : `${blocking.length} of ${rows.length} gates fail or were not measured`, table);
  const cardFile = join(artifactDir, "model-card.md");
  const card = existsSync(cardFile) ? readFileSync(cardFile, "utf8") : "_The artifact has no model card._";
  const header = `### Model card: ${m.name} ${m.version}

Gates against \`.github/gitops-ml.yml\`:

${gateTableMarkdown(rows)}

`;
  let body = `${header}${card}`;
  if (body.length > COMMENT_LIMIT - 200) body = `${body.slice(0, COMMENT_LIMIT - 400)}

\u2026(cut to fit GitHub's comment limit; the full card is in the artifact)`;
  await upsertStickyComment(gh, { owner: w.owner, repo: w.repo, issueNumber: w.pullNumber }, "model-card", body);
  const failed = blocking.map((r) => `${r.gate} ${r.value} (${r.threshold})`);
  await tickTask(gh, w, "evaluate", pass ? "done" : "failed", pass ? void 0 : failed.join("; "));
  return { pass, rows };
}
function reportTarget(payload, inputs) {
  const pr = payload.pull_request;
  const pullNumber = inputs.pullNumber ? Number(inputs.pullNumber) : pr?.number;
  const headSha = inputs.headSha || pr?.head?.sha;
  if (!pullNumber || !Number.isInteger(pullNumber) || pullNumber < 1) throw new Error("no pull request: run on a pull_request event or pass the pull-number input");
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) throw new Error("no head commit: run on a pull_request event or pass the head-sha input (40 hex characters)");
  return { pullNumber, headSha };
}

export {
  readArtifact,
  gateReport,
  reportTraining,
  reportEvaluation,
  reportTarget
};
