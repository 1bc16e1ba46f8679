import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  require_dist
} from "./chunk-6KN4MZDE.js";
import {
  DATASET_REGISTRY
} from "./chunk-WUHT45SO.js";
import {
  upsertStickyComment
} from "./chunk-3ABW4EEF.js";
import {
  GitopsMlError,
  __toESM
} from "./chunk-M65ECSYA.js";

// actions/shared/src/advisor.ts
function formFields(form) {
  return form.body.filter((b) => b.type !== "markdown" && b.id && b.attributes?.label).map((b) => ({ id: b.id, label: b.attributes?.label, required: b.validations?.required === true, ...b.attributes?.options ? { options: b.attributes.options } : {} }));
}
function parseIssueForm(body, fields) {
  const byLabel = new Map(fields.map((f) => [f.label.toLowerCase(), f.id]));
  const answers = {};
  const sections = `
${body.replace(/\r\n/g, "\n")}`.split(/\n### /).slice(1);
  for (const section of sections) {
    const nl = section.indexOf("\n");
    const label = (nl < 0 ? section : section.slice(0, nl)).trim().toLowerCase();
    const value = nl < 0 ? "" : section.slice(nl + 1).trim();
    const id = byLabel.get(label);
    if (id && value && value !== "_No response_") answers[id] = value;
  }
  return answers;
}
function parseShare(text) {
  const m = /^([\d.]+)\s*(%)?$/.exec(text.trim());
  if (!m) return void 0;
  let v = Number(m[1]);
  if (Number.isNaN(v)) return void 0;
  if (m[2] || v > 1) v /= 100;
  return v > 0 && v <= 1 ? v : void 0;
}
var SENTIMENT_DATASETS = Object.values(DATASET_REGISTRY).filter((d) => d.kind === "sentiment").map((d) => d.name);
var REACHABLE_ACCURACY = 0.9;
var BIGRU_P50_MS = 0.5;
var TRAIN_MINUTES = { bigru: 5, cnn: 3 };
function advise(answers, fields) {
  const questions = [];
  const label = (id) => fields.find((f) => f.id === id)?.label ?? id;
  for (const f of fields) if (f.required && !answers[f.id]) questions.push(`**${f.label}** is empty: please fill it in.`);
  const rawName = answers.name ?? "";
  const slug = rawName.trim().toLowerCase();
  if (rawName && !/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug)) questions.push(`**${label("name")}** "${rawName}" cannot name a branch: use lower-case letters, digits and hyphens (at most 40), e.g. \`${slug.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "my-model"}\`.`);
  const goal = answers.goal ?? "";
  if (goal && goal.length < 20) questions.push(`**${label("goal")}** is very short: what does the model decide, for whom, and what does a wrong answer cost?`);
  let dataset;
  const ds = (answers.dataset ?? "").trim();
  if (ds) {
    if (SENTIMENT_DATASETS.includes(ds)) dataset = { kind: "registry", ref: ds };
    else if (/^https:\/\/\S+$/.test(ds)) dataset = { kind: "url", ref: ds };
    else if (/^[\w./-]+\.(tsv|csv|jsonl)$/.test(ds) && !ds.split("/").includes("..") && !ds.startsWith("/")) dataset = { kind: "path", ref: ds };
    else questions.push(`**${label("dataset")}** "${ds}" is not a sentiment dataset of the registry (${SENTIMENT_DATASETS.join(", ")}), a repository path to a .tsv/.csv/.jsonl file, or an https URL.`);
  }
  let targetAccuracy;
  if (answers["target-accuracy"]) {
    targetAccuracy = parseShare(answers["target-accuracy"]);
    if (targetAccuracy === void 0) questions.push(`**${label("target-accuracy")}** "${answers["target-accuracy"]}" is not a share: write it like 0.86 or 86%.`);
    else if (targetAccuracy > REACHABLE_ACCURACY) questions.push(`**${label("target-accuracy")}** ${targetAccuracy} is above what this template's models reach (about 0.86 on SST-2). Is a lower target acceptable, or is a larger model out of this template's scope worth it?`);
  }
  let targetF1;
  if (answers["target-f1"]) {
    targetF1 = parseShare(answers["target-f1"]);
    if (targetF1 === void 0) questions.push(`**${label("target-f1")}** "${answers["target-f1"]}" is not a share: write it like 0.85 or 85%.`);
  }
  let latencyBudgetMs;
  if (answers["latency-budget"]) {
    const m = /^([\d.]+)\s*(ms)?$/i.exec(answers["latency-budget"].trim());
    latencyBudgetMs = m && !Number.isNaN(Number(m[1])) ? Number(m[1]) : void 0;
    if (latencyBudgetMs === void 0 || latencyBudgetMs <= 0) questions.push(`**${label("latency-budget")}** "${answers["latency-budget"]}" is not a number of milliseconds.`);
  }
  const archText = (answers.architecture ?? "auto").split(" ")[0];
  const architecture = ["auto", "bigru", "cnn"].includes(archText) ? archText : "auto";
  if (architecture === "bigru" && latencyBudgetMs !== void 0 && latencyBudgetMs < BIGRU_P50_MS) {
    questions.push(`**${label("architecture")}** bigru and a latency budget of ${latencyBudgetMs} ms contradict each other: bigru takes about ${BIGRU_P50_MS} ms per text. Raise the budget or choose cnn.`);
  }
  if (questions.length > 0 || !dataset || targetAccuracy === void 0 || latencyBudgetMs === void 0) return { accepted: false, questions };
  const chosen = architecture === "auto" ? latencyBudgetMs < 2 * BIGRU_P50_MS ? "cnn" : "bigru" : architecture;
  const reason = architecture !== "auto" ? "as requested" : chosen === "bigru" ? `the most accurate model here (0.865 on SST-2) fits the ${latencyBudgetMs} ms budget` : `the ${latencyBudgetMs} ms budget is tight for bigru (~${BIGRU_P50_MS} ms per text)`;
  return {
    accepted: true,
    questions: [],
    request: { slug, goal, dataset, targetAccuracy, ...targetF1 !== void 0 ? { targetF1 } : {}, latencyBudgetMs, architecture, ...answers.notes ? { notes: answers.notes } : {} },
    recommendation: { architecture: chosen, reason, estimatedTrainingMinutes: TRAIN_MINUTES[chosen] }
  };
}
function adviceMarkdown(a) {
  if (!a.accepted || !a.request || !a.recommendation) {
    return `### \u{1F50E} The advisor needs a few answers

${a.questions.map((q) => `- ${q}`).join("\n")}

Edit the issue to answer; the advisor reads it again on every edit.`;
  }
  const r = a.request;
  return [
    "### \u2705 Request accepted",
    "",
    "| field | value |",
    "| --- | --- |",
    `| model | \`${r.slug}\` (branch \`model/${r.slug}\`) |`,
    `| dataset | ${r.dataset.kind} \`${r.dataset.ref}\` |`,
    `| target accuracy | ${r.targetAccuracy} |`,
    ...r.targetF1 !== void 0 ? [`| target macro-F1 | ${r.targetF1} |`] : [],
    `| latency budget | ${r.latencyBudgetMs} ms |`,
    `| architecture | ${a.recommendation.architecture} (${a.recommendation.reason}) |`,
    `| estimated training | about ${a.recommendation.estimatedTrainingMinutes} min on a 2-core runner |`,
    "",
    "The orchestrator opens the model pull request next."
  ].join("\n");
}

// actions/shared/src/advisor-role.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
var FORM_PATH = ".github/ISSUE_TEMPLATE/new-model.yml";
function loadFormFields(path = FORM_PATH) {
  try {
    return formFields((0, import_yaml.parse)(readFileSync(path, "utf8")));
  } catch (err) {
    throw new GitopsMlError("E_FORM", `${path}: cannot read the new-model issue form (${err instanceof Error ? err.message : String(err)})`);
  }
}
function filedThroughForm(body, fields) {
  const first = fields[0];
  return first !== void 0 && (body ?? "").split("\n").some((l) => l.trim() === `### ${first.label}`);
}
async function runAdvisor(gh, where, issue, config, fields) {
  const labels = (issue.labels ?? []).map((l) => typeof l === "string" ? l : l.name ?? "");
  const labelled = labels.includes(config.labels.new_model);
  if (!labelled && !filedThroughForm(issue.body, fields)) return void 0;
  const advice = advise(parseIssueForm(issue.body ?? "", fields), fields);
  await upsertStickyComment(gh, { ...where, issueNumber: issue.number }, "advisor", adviceMarkdown(advice));
  const [add, remove] = advice.accepted ? [config.labels.accepted, config.labels.needs_info] : [config.labels.needs_info, config.labels.accepted];
  const toAdd = [...labelled ? [] : [config.labels.new_model], ...labels.includes(add) ? [] : [add]];
  if (toAdd.length > 0) await gh.rest.issues.addLabels({ ...where, issue_number: issue.number, labels: toAdd });
  if (labels.includes(remove)) await gh.rest.issues.removeLabel({ ...where, issue_number: issue.number, name: remove });
  return advice;
}

export {
  parseIssueForm,
  advise,
  loadFormFields,
  runAdvisor
};
