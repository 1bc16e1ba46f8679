import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  provenanceFor,
  recordWithProvenance
} from "../../shared/dist/chunk-4DAYKPWW.js";
import {
  MANIFEST_FILE,
  METADATA_FILE,
  REQUIRED_FILES,
  verifyArtifactFiles
} from "../../shared/dist/chunk-DTIINAWC.js";
import {
  tickTask
} from "../../shared/dist/chunk-COOD3UHG.js";
import "../../shared/dist/chunk-WUHT45SO.js";
import "../../shared/dist/chunk-3ABW4EEF.js";
import {
  context,
  createClient,
  getInput,
  getMultilineInput,
  setFailed,
  setOutput,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/docs/src/main.ts
import { readFileSync as readFileSync2 } from "node:fs";

// actions/shared/src/docs-role.ts
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
var SAFE_PATH = /^docs\/[\w./-]+$/;
function modelCardDoc(artifactDir, provenance) {
  const meta = JSON.parse(readFileSync(join(artifactDir, METADATA_FILE), "utf8"));
  if (typeof meta.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(meta.name)) throw new Error(`docs: ${join(artifactDir, METADATA_FILE)} has no model name usable as a file name`);
  let content;
  try {
    content = readFileSync(join(artifactDir, "model-card.md"), "utf8");
  } catch {
    throw new Error(`docs: ${artifactDir} has no model-card.md; was it written by \`gitops-ml train\`?`);
  }
  const docs = [{ path: `docs/model-cards/${meta.name}.md`, content }];
  const record = join(artifactDir, "evaluation.json");
  if (provenance) {
    if (!existsSync(record)) throw new Error(`docs: ${artifactDir} has no evaluation.json to record the artifact's provenance in; was it trained with the evaluation gates?`);
    verifyArtifactFiles(artifactDir, REQUIRED_FILES);
    const p = provenanceFor({ runId: provenance.runId, artifactName: provenance.artifactName, manifest: readFileSync(join(artifactDir, MANIFEST_FILE)), model: { name: meta.name, version: String(meta.version) } });
    docs.push({ path: `docs/model-cards/${meta.name}.json`, content: recordWithProvenance(readFileSync(record, "utf8"), p) });
  } else if (existsSync(record)) docs.push({ path: `docs/model-cards/${meta.name}.json`, content: readFileSync(record, "utf8") });
  return docs;
}
async function commitDocs(gh, where, branch, files, readLocal = (p) => readFileSync(p, "utf8")) {
  const { owner, repo } = where;
  const result = { committed: [], unchanged: [] };
  for (const path of files) {
    if (!SAFE_PATH.test(path) || path.split("/").includes("..")) throw new Error(`docs: "${path}" is not a file under docs/`);
    const content = readLocal(path);
    let sha;
    let current;
    try {
      const { data } = await gh.rest.repos.getContent({ owner, repo, path, ref: branch });
      if (!Array.isArray(data) && data.type === "file" && "content" in data) {
        sha = data.sha;
        current = Buffer.from(data.content, "base64").toString("utf8");
      }
    } catch (err) {
      if (err.status !== 404) throw err;
    }
    if (current === content) {
      result.unchanged.push(path);
      continue;
    }
    await gh.rest.repos.createOrUpdateFileContents({ owner, repo, path, branch, message: `docs: regenerate ${path} (#${where.pullNumber})`, content: Buffer.from(content).toString("base64"), ...sha ? { sha } : {} });
    result.committed.push(path);
  }
  await tickTask(gh, where, "docs", "done", result.committed.length ? `updated ${result.committed.join(", ")}` : "up to date");
  return result;
}

// actions/docs/src/main.ts
async function run() {
  try {
    const pr = context.payload.pull_request;
    const pullNumber = Number(getInput("pull-number")) || pr?.number;
    const branch = getInput("branch") || pr?.head?.ref;
    if (!pullNumber || !branch) throw new Error("docs: no pull request: run on a pull_request event or pass pull-number and branch");
    const files = getMultilineInput("files");
    const fromArtifact = getInput("model-card-from");
    const artifactName = getInput("artifact-name");
    const runId = Number(getInput("artifact-run-id") || context.runId);
    if (artifactName && !fromArtifact) throw new Error("docs: artifact-name records the provenance of model-card-from: give both");
    if (artifactName && !(Number.isSafeInteger(runId) && runId > 0)) throw new Error(`docs: artifact-run-id must be a workflow run id (got "${getInput("artifact-run-id")}")`);
    const generated = fromArtifact ? modelCardDoc(fromArtifact, artifactName ? { runId, artifactName } : void 0) : [];
    files.push(...generated.map((d) => d.path));
    if (files.length === 0) throw new Error("docs: nothing to commit: give files and/or model-card-from");
    const read = (p) => generated.find((d) => d.path === p)?.content ?? readFileSync2(p, "utf8");
    const r = await commitDocs(createClient(getInput("github-token", { required: true })), { ...context.repo, pullNumber }, branch, files, read);
    setOutput("committed", r.committed.join("\n"));
    await summary.addHeading("Docs", 3).addList([...r.committed.map((f) => `${f} (committed)`), ...r.unchanged.map((f) => `${f} (unchanged)`)]).write();
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/docs/src/index.ts
void run();
