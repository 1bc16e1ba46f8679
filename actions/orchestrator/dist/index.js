import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  advise,
  loadFormFields,
  parseIssueForm
} from "../../shared/dist/chunk-DRC5EZ5D.js";
import {
  loadConfig
} from "../../shared/dist/chunk-6KN4MZDE.js";
import {
  runOrchestrator
} from "../../shared/dist/chunk-COOD3UHG.js";
import "../../shared/dist/chunk-WUHT45SO.js";
import "../../shared/dist/chunk-3ABW4EEF.js";
import {
  context,
  createClient,
  getInput,
  setFailed,
  setOutput,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/orchestrator/src/main.ts
import { readFileSync } from "node:fs";
async function run() {
  try {
    loadConfig(getInput("config") || ".github/gitops-ml.yml");
    const fields = loadFormFields(getInput("form") || ".github/ISSUE_TEMPLATE/new-model.yml");
    const issue = context.payload.issue;
    if (!issue) throw new Error(`event "${context.eventName}" carries no issue`);
    const advice = advise(parseIssueForm(issue.body ?? "", fields), fields);
    if (!advice.accepted || !advice.request) throw new Error(`issue #${issue.number} is not an accepted request: ${advice.questions.join(" ")}`);
    const baseSpec = JSON.parse(readFileSync(getInput("base-spec") || "model/specs/sentiment.json", "utf8"));
    const r = await runOrchestrator(createClient(getInput("github-token", { required: true })), context.repo, issue.number, advice.request, baseSpec, getInput("dispatch") || void 0);
    setOutput("pull-number", String(r.pullNumber));
    setOutput("branch", r.branch);
    await summary.addHeading(`Model ${advice.request.slug}: PR #${r.pullNumber}`, 3).addList([`branch ${r.branch}${r.created.branch ? " (created)" : ""}`, `spec ${r.specPath}${r.created.spec ? " (added)" : " (updated)"}`, `pull request #${r.pullNumber}${r.created.pull ? " (opened)" : ""}`]).write();
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/orchestrator/src/index.ts
void run();
