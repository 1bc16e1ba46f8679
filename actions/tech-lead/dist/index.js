import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  readJsonReport,
  reportVerdict,
  techLeadVerdict
} from "../../shared/dist/chunk-EHKMFOQ3.js";
import {
  reportTarget
} from "../../shared/dist/chunk-JR3SJQYI.js";
import "../../shared/dist/chunk-DTIINAWC.js";
import "../../shared/dist/chunk-COOD3UHG.js";
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

// actions/tech-lead/src/main.ts
async function run() {
  try {
    const target = reportTarget(context.payload, { pullNumber: getInput("pull-number"), headSha: getInput("head-sha") });
    const gh = createClient(getInput("github-token", { required: true }));
    let verdict;
    try {
      verdict = techLeadVerdict(readJsonReport(getInput("eslint-report") || "reports/eslint.json", "ESLint"), getInput("typecheck", { required: true }), process.env.GITHUB_WORKSPACE ?? process.cwd());
    } catch (err) {
      verdict = { pass: false, title: "No lint report", summary: err instanceof Error ? err.message : String(err) };
    }
    await reportVerdict(gh, { ...context.repo, ...target }, "gitops-ml/tech-lead", ["tech-lead"], verdict);
    setOutput("pass", String(verdict.pass));
    await summary.addHeading(`Tech lead: ${verdict.title}`, 3).addRaw(verdict.summary, true).write();
    if (!verdict.pass) setFailed(`tech lead: ${verdict.title}`);
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/tech-lead/src/index.ts
void run();
