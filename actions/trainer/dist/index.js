import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  reportTarget,
  reportTraining
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

// actions/trainer/src/main.ts
async function run() {
  try {
    const target = reportTarget(context.payload, { pullNumber: getInput("pull-number"), headSha: getInput("head-sha") });
    const gh = createClient(getInput("github-token", { required: true }));
    const m = await reportTraining(gh, { ...context.repo, ...target }, getInput("artifact-dir"));
    setOutput("version", m.version);
    await summary.addHeading(`Trained ${m.name} ${m.version}`, 3).write();
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/trainer/src/index.ts
void run();
