import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  loadConfig
} from "../../shared/dist/chunk-6KN4MZDE.js";
import {
  upsertStickyComment
} from "../../shared/dist/chunk-3ABW4EEF.js";
import {
  context,
  createClient,
  expandPrincipals,
  getInput,
  info,
  setFailed,
  setOutput,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/shared/src/sign-off.ts
var PASSING = /* @__PURE__ */ new Set(["success", "neutral", "skipped"]);
var DECISIVE = /* @__PURE__ */ new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
var order = (a, b) => (a.submitted_at ?? "").localeCompare(b.submitted_at ?? "") || a.id - b.id;
function latestVerdicts(reviews) {
  const verdicts = /* @__PURE__ */ new Map();
  for (const r of [...reviews].sort(order)) {
    const state = r.state.toUpperCase();
    if (!r.user || !DECISIVE.has(state)) continue;
    verdicts.set(r.user.login.toLowerCase(), { ...r, state });
  }
  return verdicts;
}
function latestRuns(runs) {
  const byName = /* @__PURE__ */ new Map();
  const sorted = [...runs].sort((a, b) => (a.started_at ?? "").localeCompare(b.started_at ?? "") || (a.id ?? 0) - (b.id ?? 0));
  for (const r of sorted) byName.set(r.name, r);
  return byName;
}
function decideSignOff(input) {
  const ceos = new Set(input.ceoLogins.map((l) => l.toLowerCase()));
  const missing = [];
  let failed = false;
  const runs = latestRuns(input.checkRuns);
  for (const name of input.requiredChecks) {
    const run2 = runs.get(name);
    if (!run2) missing.push(`check "${name}" has not run on the head commit${input.checkedSha && input.checkedSha !== input.headSha ? ` (or on ${input.checkedSha.slice(0, 7)}, below the model-card commit)` : ""}`);
    else if (run2.status !== "completed") missing.push(`check "${name}" is ${run2.status.replace("_", " ")}`);
    else if (!PASSING.has(run2.conclusion ?? "")) {
      failed = true;
      missing.push(`check "${name}" concluded ${run2.conclusion ?? "without a conclusion"}`);
    }
  }
  const approvedBy = [];
  const staleApprovals = [];
  for (const [login, v] of latestVerdicts(input.reviews)) {
    if (!ceos.has(login)) continue;
    const who = v.user?.login ?? login;
    if (v.state === "CHANGES_REQUESTED") {
      failed = true;
      missing.push(`${who} (CEO) requested changes`);
    } else if (v.state === "APPROVED") {
      if (v.commit_id === input.headSha) approvedBy.push(who);
      else staleApprovals.push(who);
    }
  }
  const ceoBlocks = missing.some((m) => m.endsWith("(CEO) requested changes"));
  if (approvedBy.length === 0 && !ceoBlocks) {
    missing.push(
      staleApprovals.length > 0 ? `CEO approval is on an older commit (${staleApprovals.join(", ")}); approve the head commit ${input.headSha.slice(0, 7)} again` : `no approving review from a CEO (${[...input.ceoLogins].join(", ") || "none configured"}) on the head commit`
    );
  }
  const state = failed ? "failure" : missing.length === 0 ? "success" : "pending";
  const description = state === "success" ? `Signed off by ${approvedBy.join(", ")} on ${input.headSha.slice(0, 7)}` : `${state === "failure" ? "Blocked" : "Waiting"}: ${missing[0] ?? ""}${missing.length > 1 ? ` (+${missing.length - 1} more)` : ""}`;
  return { state, description: description.length > 140 ? `${description.slice(0, 139)}\u2026` : description, missing, approvedBy };
}
var ACTIONS_BOT = "github-actions[bot]";
var CARRY_OVER_PATHS = /^docs\/model-cards\/[\w-]+\.(?:md|json)$/;
function carriesChecks(c) {
  return c.author?.login === ACTIONS_BOT && c.parents.length === 1 && (c.files?.length ?? 0) > 0 && (c.files ?? []).every((f) => CARRY_OVER_PATHS.test(f.filename));
}

// actions/shared/src/approval-gate.ts
var SIGN_OFF_CONTEXT = "gitops-ml/sign-off";
function pullNumberOf(payload) {
  const pr = payload.pull_request;
  if (pr?.number) return pr.number;
  for (const key of ["check_run", "check_suite"]) {
    const prs = payload[key]?.pull_requests;
    if (prs?.[0]) return prs[0].number;
  }
  return void 0;
}
function signOffMarkdown(d) {
  const head = d.headSha.slice(0, 7);
  const carried = d.checkedSha && d.checkedSha !== d.headSha ? ` (checks from \`${d.checkedSha.slice(0, 7)}\`: the commits above it only regenerate the model card)` : "";
  if (d.state === "success") return `### \u2705 Signed off

Approved by ${d.approvedBy.map((l) => `@${l}`).join(", ")} on \`${head}\`, with every required check green${carried}. Merging deploys this model.`;
  const title = d.state === "failure" ? "### \u26D4 Sign-off blocked" : "### \u23F3 Waiting for sign-off";
  return `${title}

On head commit \`${head}\`${carried}:

${d.missing.map((m) => `- [ ] ${m}`).join("\n")}

A new commit resets the sign-off: the CEO approves the head commit.`;
}
var MAX_CARRY_OVER = 5;
async function checkedCommit(gh, where, headSha) {
  let sha = headSha;
  for (let i = 0; i < MAX_CARRY_OVER; i++) {
    const { data } = await gh.rest.repos.getCommit({ owner: where.owner, repo: where.repo, ref: sha });
    if (!carriesChecks({ sha: data.sha, parents: data.parents, author: data.author && "login" in data.author ? { login: data.author.login } : null, files: data.files })) break;
    sha = data.parents[0].sha;
  }
  return sha;
}
function isModelPull(changedFiles) {
  return changedFiles.some((f) => /^model\/specs\/[^/]+\.json$/.test(f));
}
async function runApprovalGate(gh, where, config, targetUrl) {
  const { owner, repo, pullNumber } = where;
  const { data: pull } = await gh.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  const headSha = pull.head.sha;
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { owner, repo, pull_number: pullNumber, per_page: 100 });
  const checkedSha = await checkedCommit(gh, where, headSha);
  const checkRuns = await gh.paginate(gh.rest.checks.listForRef, { owner, repo, ref: checkedSha, per_page: 100 });
  const ceoLogins = await expandPrincipals(gh, config.roles.ceo);
  const files = await gh.paginate(gh.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 });
  const requiredChecks = isModelPull(files.map((f) => f.filename)) ? config.required_checks.filter((c) => c !== SIGN_OFF_CONTEXT) : [];
  const decision = decideSignOff({ headSha, checkedSha, reviews, checkRuns, requiredChecks, ceoLogins });
  await gh.rest.repos.createCommitStatus({ owner, repo, sha: headSha, state: decision.state, context: SIGN_OFF_CONTEXT, description: decision.description, ...targetUrl ? { target_url: targetUrl } : {} });
  const result = { ...decision, headSha, checkedSha };
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, "sign-off", signOffMarkdown(result));
  return result;
}

// actions/approval-gate/src/main.ts
async function run() {
  try {
    const config = loadConfig(getInput("config") || ".github/gitops-ml.yml");
    const pullNumber = Number(getInput("pull-number")) || pullNumberOf(context.payload);
    if (!pullNumber) {
      info(`event "${context.eventName}" is not about a pull request: nothing to decide`);
      return;
    }
    const gh = createClient(getInput("github-token", { required: true }));
    const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    const d = await runApprovalGate(gh, { ...context.repo, pullNumber }, config, runUrl);
    setOutput("state", d.state);
    setOutput("signed-off", String(d.state === "success"));
    await summary.addHeading(`${SIGN_OFF_CONTEXT}: ${d.state}`, 3).addRaw(d.description, true).addList(d.missing.length ? d.missing : ["nothing missing"]).write();
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/approval-gate/src/index.ts
void run();
