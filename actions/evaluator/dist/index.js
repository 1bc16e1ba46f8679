import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  loadConfig
} from "../../shared/dist/chunk-6KN4MZDE.js";
import {
  gateReport,
  reportEvaluation,
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

// actions/evaluator/src/main.ts
async function run() {
  try {
    const config = loadConfig(getInput("config") || ".github/gitops-ml.yml");
    const target = reportTarget(context.payload, { pullNumber: getInput("pull-number"), headSha: getInput("head-sha") });
    const gh = createClient(getInput("github-token", { required: true }));
    const r = await reportEvaluation(gh, { ...context.repo, ...target }, getInput("artifact-dir", { required: true }), config.gates);
    setOutput("pass", String(r.pass));
    await summary.addHeading(r.pass ? "All gates pass" : "Gates fail", 3).addRaw(gateReport(r.rows), true).write();
    if (!r.pass) setFailed(`gates fail: ${r.rows.filter((x) => x.status !== "pass").map((x) => `${x.gate} (${x.status})`).join(", ")}`);
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/evaluator/src/index.ts
void run();
