import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  loadFormFields,
  runAdvisor
} from "../../shared/dist/chunk-DRC5EZ5D.js";
import {
  loadConfig
} from "../../shared/dist/chunk-6KN4MZDE.js";
import "../../shared/dist/chunk-WUHT45SO.js";
import "../../shared/dist/chunk-3ABW4EEF.js";
import {
  context,
  createClient,
  getInput,
  info,
  setFailed,
  setOutput,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/advisor/src/main.ts
async function run() {
  try {
    const config = loadConfig(getInput("config") || ".github/gitops-ml.yml");
    const fields = loadFormFields(getInput("form") || ".github/ISSUE_TEMPLATE/new-model.yml");
    const issue = context.payload.issue;
    if (!issue) {
      info(`event "${context.eventName}" carries no issue: nothing to advise on`);
      return;
    }
    const advice = await runAdvisor(createClient(getInput("github-token", { required: true })), context.repo, issue, config, fields);
    setOutput("accepted", String(advice?.accepted === true));
    setOutput("slug", advice?.request?.slug ?? "");
    if (!advice) info(`issue #${issue.number} is not labelled ${config.labels.new_model}: skipped`);
    else await summary.addHeading(advice.accepted ? `#${issue.number} accepted` : `#${issue.number} needs info`, 3).addList(advice.accepted ? [`model ${advice.request?.slug ?? ""}`] : advice.questions).write();
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/advisor/src/index.ts
void run();
