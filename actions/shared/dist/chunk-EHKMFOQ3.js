import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  tickTask
} from "./chunk-COOD3UHG.js";

// actions/shared/src/review-checks.ts
import { readFileSync } from "node:fs";
function techLeadVerdict(eslint, typecheck, root = "") {
  const errors = eslint.reduce((n, f) => n + f.errorCount, 0);
  const warnings = eslint.reduce((n, f) => n + f.warningCount, 0);
  const typeOk = typecheck === "success";
  const findings = eslint.flatMap((f) => f.messages.filter((m) => m.severity === 2).map((m) => `${f.filePath.replace(root, "").replace(/^\//, "")}:${m.line ?? "?"} ${m.message} (${m.ruleId ?? "parse"})`));
  const pass = typeOk && errors === 0;
  const lines = [`- type-check: ${typeOk ? "passes" : `**${typecheck}**`}`, `- lint: ${errors} errors, ${warnings} warnings in ${eslint.length} files`];
  if (findings.length) lines.push("", ...findings.slice(0, 50).map((f) => `- ${f}`));
  return { pass, title: pass ? "Type-check and lint pass" : `${typeOk ? "" : "type errors; "}${errors} lint errors`, summary: lines.join("\n") };
}
function readJsonReport(path, what) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: cannot read the ${what} report (${err instanceof Error ? err.message : String(err)}); did the step that writes it run?`);
  }
}
async function reportVerdict(gh, w, checkName, tasks, v) {
  await gh.rest.checks.create({ owner: w.owner, repo: w.repo, name: checkName, head_sha: w.headSha, status: "completed", conclusion: v.pass ? "success" : "failure", output: { title: v.title, summary: v.summary.slice(0, 65e3) } });
  for (const t of tasks) await tickTask(gh, w, t, v.pass ? "done" : "failed", v.pass ? void 0 : v.title);
}

export {
  techLeadVerdict,
  readJsonReport,
  reportVerdict
};
