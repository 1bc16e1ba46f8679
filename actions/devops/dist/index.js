import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  checkPlannedVersion,
  loadProvenance,
  verifyApprovedArtifact
} from "../../shared/dist/chunk-4DAYKPWW.js";
import {
  imageRepository,
  loadConfig,
  require_dist
} from "../../shared/dist/chunk-6KN4MZDE.js";
import "../../shared/dist/chunk-DTIINAWC.js";
import {
  GitopsMlError,
  __toESM,
  context,
  createClient,
  getBooleanInput,
  getInput,
  setFailed,
  setOutput,
  setSecret,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/devops/src/main.ts
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// actions/shared/src/deploy.ts
var import_yaml = __toESM(require_dist(), 1);
var imageTag = (model, version) => `${model}-${version}`;
var overlayPath = (environment) => `deploy/k8s/overlays/${environment}/kustomization.yaml`;
function currentTag(kustomization) {
  const doc = (0, import_yaml.parse)(kustomization);
  const tag = doc?.images?.[0]?.newTag;
  return typeof tag === "string" || typeof tag === "number" ? String(tag) : void 0;
}
function httpSmoke(opts = {}) {
  const attempts = opts.attempts ?? 10;
  const delayMs = opts.delayMs ?? 3e3;
  const timeoutMs = opts.timeoutMs ?? 5e3;
  return async (url) => {
    const base = url.replace(/\/+$/, "");
    let last = "not tried";
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, delayMs));
      try {
        const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!ready.ok) {
          last = `GET /readyz answered ${ready.status}`;
          continue;
        }
        const res = await fetch(`${base}/v1/predict`, {
          method: "POST",
          headers: { "content-type": "application/json", ...opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {} },
          body: JSON.stringify({ text: "A wonderful, moving film." }),
          signal: AbortSignal.timeout(timeoutMs)
        });
        const body = await res.json().catch(() => void 0);
        if (res.ok && typeof body?.label === "string") return { ok: true, detail: `ready, and POST /v1/predict answered "${body.label}" (attempt ${i + 1})` };
        last = `POST /v1/predict answered ${res.status}${body?.label === void 0 ? " without a label" : ""}`;
      } catch (err) {
        last = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    return { ok: false, detail: `${last} (after ${attempts} attempts)` };
  };
}
async function readFile(gh, where, path, ref) {
  const { data } = await gh.rest.repos.getContent({ ...where, path, ref });
  if (Array.isArray(data) || data.type !== "file" || !("content" in data)) throw new Error(`${path} on ${ref} is not a file`);
  return { content: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
}
var GITOPS_BRANCH = "deploy";
async function ensureBranch(gh, where, branch, from) {
  try {
    await gh.rest.git.getRef({ ...where, ref: `heads/${branch}` });
    return false;
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  const { data: base } = await gh.rest.git.getRef({ ...where, ref: `heads/${from}` });
  try {
    await gh.rest.git.createRef({ ...where, ref: `refs/heads/${branch}`, sha: base.object.sha });
    return true;
  } catch (err) {
    if (err.status === 422) return false;
    throw err;
  }
}
async function commitOverlay(gh, where, branch, path, content, sha, message) {
  const { data } = await gh.rest.repos.createOrUpdateFileContents({ ...where, path, branch, sha, message, content: Buffer.from(content).toString("base64") });
  return data.content?.sha ?? sha;
}
async function deployVersion(gh, where, t, deps) {
  const branch = deps.branch ?? GITOPS_BRANCH;
  const path = overlayPath(t.environment);
  const tag = imageTag(t.model, t.version);
  const { data: deployment } = await gh.rest.repos.createDeployment({
    ...where,
    ref: t.ref,
    environment: t.environment,
    auto_merge: false,
    // The sign-off and the checks were required before the merge; the deploy does not re-check them.
    required_contexts: [],
    payload: { model: t.model, version: t.version, image: `${t.image}:${tag}` },
    description: `${t.model} ${t.version} \u2192 ${t.environment}`,
    production_environment: t.environment === "production"
  });
  if (!("id" in deployment)) throw new Error(`GitHub did not create the deployment: ${deployment.message ?? "no id"}`);
  const id = deployment.id;
  const status = (state, description) => gh.rest.repos.createDeploymentStatus({ ...where, deployment_id: id, state, description: description.slice(0, 140), ...t.url ? { environment_url: t.url } : {}, auto_inactive: state === "success" });
  await status("in_progress", `bumping ${path} on ${branch} to ${tag}`);
  let overlay;
  try {
    await ensureBranch(gh, where, branch, deps.from ?? "main");
    overlay = await readFile(gh, where, path, branch);
  } catch (err) {
    await status("failure", `cannot read ${path} on ${branch}`);
    throw err;
  }
  const previousTag = currentTag(overlay.content);
  let bumped;
  try {
    bumped = deps.bump(overlay.content, { image: t.image, tag, modelVersion: t.version });
  } catch (err) {
    await status("failure", `cannot bump ${path}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  let newSha = overlay.sha;
  try {
    if (bumped !== overlay.content) newSha = await commitOverlay(gh, where, branch, path, bumped, overlay.sha, `deploy(${t.environment}): ${t.model} ${t.version} [skip ci]`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await status("failure", `cannot commit ${path} to ${branch}: ${why}`);
    throw new Error(`cannot commit the overlay bump to ${branch}: ${why}${branch === (deps.from ?? "main") ? ` (a protected ${branch} refuses GITHUB_TOKEN's pushes: use the GitOps branch, gitops-branch: ${GITOPS_BRANCH})` : ""}`);
  }
  if (!t.url) {
    await status("success", `${tag} committed to ${path} on ${branch}; no environment URL configured, smoke test skipped`);
    return { state: "success", deploymentId: id, tag, ...previousTag ? { previousTag } : {}, rolledBack: false, detail: "no environment URL: smoke test skipped" };
  }
  const smoke = await deps.smoke(t.url);
  if (smoke.ok) {
    await status("success", `${tag} is live: ${smoke.detail}`);
    return { state: "success", deploymentId: id, tag, ...previousTag ? { previousTag } : {}, rolledBack: false, detail: smoke.detail };
  }
  let rolledBack = false;
  if (bumped !== overlay.content) {
    await commitOverlay(gh, where, branch, path, overlay.content, newSha, `rollback(${t.environment}): ${t.model} ${t.version} failed its smoke test, back to ${previousTag ?? "the previous overlay"} [skip ci]`);
    rolledBack = true;
  }
  await status("failure", `smoke test failed (${smoke.detail}); ${rolledBack ? `rolled back to ${previousTag ?? "the previous overlay"}` : "nothing to roll back"}`);
  return { state: "failure", deploymentId: id, tag, ...previousTag ? { previousTag } : {}, rolledBack, detail: smoke.detail };
}
async function rollbackTo(gh, where, t, deps) {
  const tagName = `${t.model}-v${t.version}`;
  let ref;
  try {
    const { data } = await gh.rest.git.getRef({ ...where, ref: `tags/${tagName}` });
    ref = data.object.sha;
  } catch (err) {
    if (err.status === 404) throw new Error(`rollback: ${t.model} ${t.version} was never released (no tag ${tagName}); released versions are the ${t.model}-v* tags`);
    throw err;
  }
  return deployVersion(gh, where, { ...t, ref }, deps);
}

// actions/shared/src/k8s-bump.ts
var import_yaml2 = __toESM(require_dist(), 1);
var MODEL_VERSION_LABEL = "gitops-ml/model-version";
var OverlayBumpError = class extends GitopsMlError {
  constructor(code, message) {
    super(code, message);
    this.name = "OverlayBumpError";
  }
};
var isDigest = (s) => /^sha256:[a-f0-9]{64}$/.test(s) || /^sha512:[a-f0-9]{128}$/.test(s);
var isTag = (s) => /^\w[\w.-]{0,127}$/.test(s);
var alnumEnds = (s) => /^[A-Za-z0-9]/.test(s) && /[A-Za-z0-9]$/.test(s);
var isLabelValue = (s) => /^[-A-Za-z0-9_.]{1,63}$/.test(s) && alnumEnds(s);
var isPathComponent = (s) => /^[a-z0-9._-]+$/.test(s) && alnumEnds(s) && !/[._]-|-[._]|\.\.|\._|_\.|___/.test(s);
var isDomain = (s) => {
  const [host = "", port, extra] = s.split(":");
  return extra === void 0 && /^[A-Za-z0-9.-]+$/.test(host) && alnumEnds(host) && (port === void 0 || /^\d{1,5}$/.test(port));
};
var child = (map, key) => map.get(key, true);
var get = (map, key) => map.get(key);
function imageProblem(image) {
  if (image.length === 0 || image.length > 255) return "must be 1 to 255 characters";
  if (image.includes("@")) return "must not carry a digest (pass it as the tag)";
  const parts = image.split("/");
  const first = parts[0] ?? "";
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain && !isDomain(first)) return `registry "${first}" is not a host name with an optional port`;
  const path = hasDomain ? parts.slice(1) : parts;
  for (const c of path) {
    if (c.includes(":")) return "must not carry a tag (pass it as the tag)";
    if (!isPathComponent(c)) return `path component "${c}" must be lower-case letters and digits joined by ".", "_", "__" or "-"`;
  }
  return void 0;
}
function checkInput(to) {
  const problems = [];
  const image = imageProblem(to.image);
  if (image) problems.push(`image "${to.image}": ${image}`);
  if (to.tag === "latest") problems.push('tag "latest" names no version: a deploy must pin one');
  else if (!isDigest(to.tag) && !isTag(to.tag)) problems.push(`tag "${to.tag}": must be a tag (a word character, then up to 127 of [A-Za-z0-9_.-]) or a digest sha256:<64 hex>`);
  if (!isLabelValue(to.modelVersion)) problems.push(`modelVersion "${to.modelVersion}": must be a Kubernetes label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`);
  if (problems.length) throw new OverlayBumpError("E_BUMP_INPUT", `cannot bump the overlay: ${problems.join("; ")}`);
}
function scalarText(node, value) {
  if (node.type === import_yaml2.Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (node.type === import_yaml2.Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (node.type === import_yaml2.Scalar.PLAIN) return plainSafe(value) ? value : JSON.stringify(value);
  return void 0;
}
function plainSafe(value) {
  const back = (0, import_yaml2.parseDocument)(value);
  return back.errors.length === 0 && (0, import_yaml2.isScalar)(back.contents) && back.contents.value === value;
}
function selectImage(images, image) {
  const entries = images.items.filter(import_yaml2.isMap);
  if (entries.length !== images.items.length) throw new OverlayBumpError("E_BUMP_SHAPE", "every images: entry must be a mapping (name, newName, newTag or digest)");
  if (entries.length === 1) return entries[0];
  const matching = entries.filter((e) => get(e, "newName") === image || get(e, "name") === image);
  if (matching.length !== 1) {
    throw new OverlayBumpError("E_BUMP_SHAPE", `the overlay has ${entries.length} images: entries and ${matching.length === 0 ? "none" : "several"} of them name ${image} (as name or newName): cannot tell which one to bump`);
  }
  return matching[0];
}
var Bumper = class {
  edits = [];
  structural = false;
  /** Sets `key` of `map` to the string `value`: an in-place edit when the key has a scalar, else a structural change. */
  set(map, key, value) {
    const node = child(map, key);
    if ((0, import_yaml2.isScalar)(node) && node.range) {
      if (node.value === value) return;
      if (scalarText(node, value) !== void 0) {
        this.edits.push({ node, value });
        return;
      }
    }
    const s = new import_yaml2.Scalar(value);
    if (!plainSafe(value)) s.type = import_yaml2.Scalar.QUOTE_DOUBLE;
    map.set(key, s);
    this.structural = true;
  }
  remove(map, key) {
    if (map.has(key)) {
      map.delete(key);
      this.structural = true;
    }
  }
};
function modelVersionLabels(doc) {
  const labels = doc.get("labels", true);
  if (labels === void 0 || labels === null) return [];
  if (!(0, import_yaml2.isSeq)(labels)) throw new OverlayBumpError("E_BUMP_SHAPE", "labels: must be a list of { pairs, includeSelectors, includeTemplates } entries");
  return labels.items.filter((e) => (0, import_yaml2.isMap)(e) && pairsOf(e)?.has(MODEL_VERSION_LABEL) === true);
}
function pairsOf(entry) {
  const pairs = child(entry, "pairs");
  return (0, import_yaml2.isMap)(pairs) ? pairs : void 0;
}
function bumpOverlay(kustomizationYaml, to) {
  checkInput(to);
  const doc = (0, import_yaml2.parseDocument)(kustomizationYaml);
  if (doc.errors.length > 0) throw new OverlayBumpError("E_BUMP_YAML", `the overlay is not valid YAML: ${doc.errors[0]?.message ?? ""}`);
  const root = doc.contents;
  if (!(0, import_yaml2.isMap)(root)) throw new OverlayBumpError("E_BUMP_SHAPE", "the overlay must be a kustomization (a YAML mapping)");
  const kind = get(root, "kind");
  if (kind !== void 0 && kind !== "Kustomization") throw new OverlayBumpError("E_BUMP_SHAPE", `the overlay's kind is ${String(kind)}, not Kustomization`);
  const images = child(root, "images");
  if (!(0, import_yaml2.isSeq)(images) || images.items.length === 0) throw new OverlayBumpError("E_BUMP_SHAPE", "the overlay has no images: entry to bump (add one whose name is the image name of the base Deployment)");
  const entry = selectImage(images, to.image);
  if (typeof get(entry, "name") !== "string") throw new OverlayBumpError("E_BUMP_SHAPE", "the images: entry has no name (the image name of the base Deployment it replaces)");
  const b = new Bumper();
  b.set(entry, "newName", to.image);
  if (isDigest(to.tag)) {
    b.set(entry, "digest", to.tag);
    b.remove(entry, "newTag");
  } else {
    b.set(entry, "newTag", to.tag);
    b.remove(entry, "digest");
  }
  const common = child(root, "commonLabels");
  if ((0, import_yaml2.isMap)(common) && common.has(MODEL_VERSION_LABEL)) {
    throw new OverlayBumpError("E_BUMP_UNSAFE", `${MODEL_VERSION_LABEL} is in commonLabels, which kustomize also writes into selectors (immutable on a Deployment): move it to a labels: entry with includeSelectors: false`);
  }
  const entries = modelVersionLabels(doc);
  for (const e of entries) {
    if (get(e, "includeSelectors") === true) throw new OverlayBumpError("E_BUMP_UNSAFE", `the labels: entry with ${MODEL_VERSION_LABEL} has includeSelectors: true; selectors are immutable on a Deployment, so a version change would break the rollout: set includeSelectors: false`);
    b.set(pairsOf(e), MODEL_VERSION_LABEL, to.modelVersion);
  }
  if (entries.length === 0) {
    const version = Object.assign(new import_yaml2.Scalar(to.modelVersion), { type: import_yaml2.Scalar.QUOTE_DOUBLE });
    const added = doc.createNode({ pairs: { [MODEL_VERSION_LABEL]: version }, includeSelectors: false, includeTemplates: true });
    const labels = child(root, "labels");
    if ((0, import_yaml2.isSeq)(labels)) labels.add(added);
    else root.set("labels", doc.createNode([added]));
    b.structural = true;
  }
  const annotations = child(root, "commonAnnotations");
  if ((0, import_yaml2.isMap)(annotations) && annotations.has(MODEL_VERSION_LABEL)) b.set(annotations, MODEL_VERSION_LABEL, to.modelVersion);
  let out;
  if (!b.structural && b.edits.length === 0) return kustomizationYaml;
  if (!b.structural) {
    out = kustomizationYaml;
    for (const { node, value } of [...b.edits].sort((x, y) => (y.node.range?.[0] ?? 0) - (x.node.range?.[0] ?? 0))) {
      const [start, end] = node.range;
      out = out.slice(0, start) + scalarText(node, value) + out.slice(end);
    }
  } else {
    for (const { node, value } of b.edits) node.value = value;
    out = doc.toString({ lineWidth: 0, indentSeq: !/^\S[^\n]*:[ \t]*\n-[ \t]/m.test(kustomizationYaml) });
  }
  verify(out, to);
  return out;
}
function verify(out, to) {
  const doc = (0, import_yaml2.parseDocument)(out);
  const root = doc.contents;
  const images = (0, import_yaml2.isMap)(root) ? child(root, "images") : void 0;
  const entry = (0, import_yaml2.isSeq)(images) ? selectImage(images, to.image) : void 0;
  const digest = isDigest(to.tag);
  const labels = doc.errors.length === 0 ? modelVersionLabels(doc) : [];
  const ok = doc.errors.length === 0 && entry !== void 0 && get(entry, "newName") === to.image && (digest ? get(entry, "digest") === to.tag && !entry.has("newTag") : get(entry, "newTag") === to.tag && !entry.has("digest")) && labels.length > 0 && labels.every((e) => pairsOf(e)?.get(MODEL_VERSION_LABEL) === to.modelVersion && get(e, "includeSelectors") !== true);
  if (!ok) throw new OverlayBumpError("E_BUMP_SHAPE", "the bumped overlay does not read back as asked (an unusual layout of the file?); edit it by hand");
}

// actions/shared/src/release.ts
import { createHash } from "node:crypto";

// actions/shared/src/versioning.ts
var RETRAIN_KEYS = ["dataset", "preprocessing", "architecture", "training", "search", "crossValidation", "labels", "task"];
var same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}
function decideBump(previous, next) {
  if (!previous) return { bump: "major", reasons: ["first release of this model"] };
  const archType = (s) => s.architecture?.type;
  if (archType(previous) !== archType(next)) return { bump: "major", reasons: [`architecture ${String(archType(previous))} \u2192 ${String(archType(next))}`] };
  const changed = RETRAIN_KEYS.filter((k) => !same(previous[k], next[k]));
  if (changed.length > 0) return { bump: "minor", reasons: changed.map((k) => k === "dataset" ? "new data" : `${k} changed (retrain)`) };
  const other = [.../* @__PURE__ */ new Set([...Object.keys(previous), ...Object.keys(next)])].filter((k) => !same(previous[k], next[k]));
  return { bump: "patch", reasons: other.length ? other.map((k) => `${k} changed`) : ["no spec change (rebuild)"] };
}
var SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
function nextVersion(previous, bump) {
  if (previous === void 0) return "1.0.0";
  const m = SEMVER.exec(previous);
  if (!m) throw new Error(`"${previous}" is not a semantic version (X.Y.Z)`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
var releaseTag = (model, version) => `${model}-v${version}`;
function planVersion(before, next, tags, at) {
  const model = next.name;
  if (typeof model !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(model)) throw new Error(`the spec's name ${JSON.stringify(model)} is not a model name (lower-case letters, digits and dashes)`);
  const prefix = `${model}-v`;
  const done = at === void 0 ? void 0 : tags.find((t) => t.sha === at && t.name.startsWith(prefix) && SEMVER.test(t.name.slice(prefix.length)));
  const decided = decideBump(before, next);
  if (done) {
    const version2 = done.name.slice(prefix.length);
    const previous2 = latestVersion(model, tags.filter((t) => t !== done && compareVersions(t.name.slice(prefix.length), version2) < 0).map((t) => t.name));
    return { model, version: version2, ...previous2 ? { previous: previous2 } : {}, bump: decided.bump, reasons: decided.reasons, tag: done.name, released: true };
  }
  const previous = latestVersion(model, tags.map((t) => t.name));
  const version = nextVersion(previous, decided.bump);
  return { model, version, ...previous ? { previous } : {}, bump: decided.bump, reasons: decided.reasons, tag: releaseTag(model, version), released: false };
}
function compareVersions(a, b) {
  const pa = SEMVER.exec(a)?.slice(1).map(Number);
  const pb = SEMVER.exec(b)?.slice(1).map(Number);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}
function latestVersion(model, tags) {
  const prefix = `${model}-v`;
  const versions = tags.filter((t) => t.startsWith(prefix) && SEMVER.test(t.slice(prefix.length))).map((t) => t.slice(prefix.length).split(".").map(Number));
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const top = versions.at(-1);
  return top ? top.join(".") : void 0;
}
function releaseNotes(o) {
  return [
    `## ${o.model} ${o.version}`,
    "",
    `${o.bump} release${o.previous ? ` after ${o.previous}` : ""}, from ${o.pullNumber ? `#${o.pullNumber} (` : ""}${o.sha.slice(0, 7)}${o.pullNumber ? ")" : ""}.`,
    "",
    ...o.reasons.map((r) => `- ${r}`)
  ].join("\n");
}

// actions/shared/src/release.ts
var ReleaseError = class extends GitopsMlError {
  constructor(code, message) {
    super(code, message);
    this.name = "ReleaseError";
  }
};
var SPEC = /^model\/specs\/[\w-]+\.json$/;
function changedSpecs(push) {
  return [...new Set((push.commits ?? []).flatMap((c) => [...c.added ?? [], ...c.modified ?? []]).filter((f) => SPEC.test(f)))].sort();
}
async function specAt(gh, where, path, ref) {
  try {
    const { data } = await gh.rest.repos.getContent({ ...where, path, ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return void 0;
    return JSON.parse(Buffer.from(data.content, "base64").toString("utf8"));
  } catch (err) {
    if (err.status === 404) return void 0;
    throw err;
  }
}
async function listTags(gh, where) {
  return (await gh.paginate(gh.rest.repos.listTags, { ...where, per_page: 100 })).map((t) => ({ name: t.name, sha: t.commit.sha }));
}
async function planForPullRequest(gh, where, pr) {
  if (!SPEC.test(pr.spec)) throw new ReleaseError("E_RELEASE_SPEC", `plan: "${pr.spec}" is not a model spec path (model/specs/<name>.json)`);
  const next = await specAt(gh, where, pr.spec, pr.head);
  if (!next) throw new ReleaseError("E_RELEASE_SPEC", `plan: ${pr.spec} does not exist at the PR's head ${pr.head.slice(0, 7)}: nothing to train`);
  const before = await specAt(gh, where, pr.spec, pr.base);
  const { released: _released, ...plan2 } = planVersion(before, next, await listTags(gh, where));
  return { ...plan2, specPath: pr.spec };
}
async function planPush(gh, where, push) {
  const specs = changedSpecs(push);
  if (specs.length === 0) return [];
  const tags = await listTags(gh, where);
  const planned = [];
  for (const specPath of specs) {
    const next = await specAt(gh, where, specPath, push.after);
    if (!next) continue;
    const before = /^0+$/.test(push.before) ? void 0 : await specAt(gh, where, specPath, push.before);
    planned.push({ ...planVersion(before, next, tags, push.after), specPath });
  }
  return planned;
}
var notesOf = (r, sha) => releaseNotes({ model: r.model, version: r.version, ...r.previous ? { previous: r.previous } : {}, bump: r.bump, reasons: r.reasons, sha });
var strip = ({ released: _released, ...r }) => r;
async function planAndRelease(gh, where, push, opts = {}) {
  const planned = await planPush(gh, where, push);
  if (!opts.dryRun) {
    for (const r of planned) if (!r.released) await gh.rest.repos.createRelease({ ...where, tag_name: r.tag, target_commitish: push.after, name: `${r.model} ${r.version}`, body: notesOf(r, push.after) });
  }
  return planned.map(strip);
}
var packageAssetName = (model, version) => `${model}-${version}.tar.gz`;
var cardAssetName = (model, version) => `${model}-${version}-MODEL_CARD.md`;
var SUMS_ASSET = "SHA256SUMS";
function sha256Sums(files) {
  return [...files].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0).map((f) => `${createHash("sha256").update(f.data).digest("hex")}  ${f.name}
`).join("");
}
function releaseAssets(files, model, version) {
  const wanted = [
    { name: packageAssetName(model, version), contentType: "application/gzip" },
    { name: cardAssetName(model, version), contentType: "text/markdown; charset=utf-8" }
  ];
  const problems = [];
  const assets = [];
  for (const w of wanted) {
    const f = files.find((x) => x.name === w.name);
    if (!f) problems.push(`${w.name} is missing`);
    else if (f.data.byteLength === 0) problems.push(`${w.name} is empty`);
    else assets.push({ ...w, data: f.data });
  }
  const extra = files.filter((f) => !wanted.some((w) => w.name === f.name) && f.name !== SUMS_ASSET).map((f) => f.name);
  if (extra.length) problems.push(`unexpected file(s) ${extra.join(", ")}`);
  if (problems.length) throw new ReleaseError("E_RELEASE_ASSETS", `the release assets of ${model} ${version} are incomplete: ${problems.join("; ")}. The package job did not finish: no release is created.`);
  return [...assets, { name: SUMS_ASSET, contentType: "text/plain; charset=utf-8", data: Buffer.from(sha256Sums(assets)) }];
}
function uploadsBaseUrl(uploadUrl) {
  const at = uploadUrl.lastIndexOf("/repos/");
  const rest = at < 0 ? "" : uploadUrl.slice(at).replace(/\{\?[\w,]*\}$/, "");
  if (at <= 0 || !/^\/repos\/[^/]+\/[^/]+\/releases\/\d+\/assets$/.test(rest)) throw new Error(`unexpected upload_url ${uploadUrl}`);
  return uploadUrl.slice(0, at);
}
async function publishRelease(gh, where, push, expect, assets) {
  const planned = (await planPush(gh, where, push)).find((r) => r.model === expect.model);
  if (!planned) throw new ReleaseError("E_RELEASE_VERSION", `release: this push changes no spec of ${expect.model}`);
  if (planned.version !== expect.version) throw new ReleaseError("E_RELEASE_VERSION", `release: the package was built for ${expect.model} ${expect.version}, the release would now be ${planned.version}: re-run the deploy workflow`);
  const releases = await gh.paginate(gh.rest.repos.listReleases, { ...where, per_page: 100 });
  let release2 = releases.find((r) => r.tag_name === planned.tag);
  if (!release2) {
    ({ data: release2 } = await gh.rest.repos.createRelease({ ...where, tag_name: planned.tag, target_commitish: push.after, name: `${planned.model} ${planned.version}`, body: notesOf(planned, push.after), draft: true }));
  }
  const present = (release2.assets ?? []).map((a) => a.name);
  const uploaded = [];
  const baseUrl = uploadsBaseUrl(release2.upload_url);
  for (const a of assets) {
    if (present.includes(a.name)) continue;
    await gh.rest.repos.uploadReleaseAsset({
      ...where,
      baseUrl,
      release_id: release2.id,
      name: a.name,
      // The bytes as they are: Octokit sends a Buffer body unchanged (its type says string).
      data: a.data,
      headers: { "content-type": a.contentType }
    });
    uploaded.push(a.name);
  }
  if (release2.draft) ({ data: release2 } = await gh.rest.repos.updateRelease({ ...where, release_id: release2.id, draft: false }));
  return { ...strip(planned), id: release2.id, url: release2.html_url, uploaded, present: present.filter((n) => assets.some((a) => a.name === n)) };
}

// actions/devops/src/main.ts
function imageOf(configPath) {
  return imageRepository(existsSync(configPath) ? loadConfig(configPath) : void 0, context.repo);
}
function modelAndVersion() {
  const model = getInput("model", { required: true });
  const version = getInput("version", { required: true });
  if (!/^[a-z0-9][a-z0-9-]*$/.test(model)) throw new Error(`model must be a model name (lower-case letters, digits, dashes; got "${model}")`);
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version must be X.Y.Z (got "${version}")`);
  return { model, version };
}
function filesIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => lstatSync(join(dir, name)).isFile()).map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}
async function release() {
  if (context.eventName !== "push") throw new Error(`the devops release runs on push to main, not on "${context.eventName}"`);
  const gh = createClient(getInput("github-token", { required: true }));
  const push = context.payload;
  const assetsDir = getInput("assets");
  if (assetsDir) {
    const expected = modelAndVersion();
    const assets = releaseAssets(filesIn(assetsDir), expected.model, expected.version);
    const r = await publishRelease(gh, context.repo, push, expected, assets);
    const { id, url, uploaded, present, ...planned } = r;
    setOutput("releases", JSON.stringify([planned]));
    setOutput("tag", r.tag);
    setOutput("release-id", String(id));
    setOutput("release-url", url);
    await summary.addHeading(`Release ${r.tag}`, 3).addList([`${r.bump}${r.previous ? ` after ${r.previous}` : ""}: ${r.reasons.join("; ")}`, ...uploaded.map((n) => `${n} (uploaded)`), ...present.map((n) => `${n} (already attached)`)]).write();
    return;
  }
  const releases = await planAndRelease(gh, context.repo, push, { dryRun: getBooleanInput("dry-run") });
  setOutput("releases", JSON.stringify(releases));
  setOutput("image", imageOf(getInput("config") || ".github/gitops-ml.yml"));
  await summary.addHeading(releases.length ? getBooleanInput("dry-run") ? "Planned releases" : "Releases" : "No model spec changed: nothing to release", 3).addList(releases.map((r) => `${r.tag} (${r.bump}${r.previous ? ` after ${r.previous}` : ""}): ${r.reasons.join("; ")}`)).write();
}
async function plan() {
  const spec = getInput("spec", { required: true });
  const base = getInput("base-sha", { required: true });
  const head = getInput("head-sha", { required: true });
  const gh = createClient(getInput("github-token", { required: true }));
  const p = await planForPullRequest(gh, context.repo, { spec, base, head });
  setOutput("model", p.model);
  setOutput("version", p.version);
  setOutput("tag", p.tag);
  setOutput("bump", p.bump);
  setOutput("previous", p.previous ?? "");
  setOutput("releases", JSON.stringify([p]));
  await summary.addHeading(`The merge will release ${p.tag}`, 3).addList([`${p.bump}${p.previous ? ` after ${p.previous}` : ""}: ${p.reasons.join("; ")}`]).write();
}
var recordOf = (model) => getInput("record") || `docs/model-cards/${model}.json`;
async function approvedArtifact() {
  const planned = modelAndVersion();
  const p = loadProvenance(recordOf(planned.model));
  checkPlannedVersion(p, planned);
  setOutput("run-id", String(p.workflow_run_id));
  setOutput("artifact-name", p.artifact_name);
  setOutput("artifact-path", p.artifact_path);
  setOutput("manifest-sha256", p.manifest_sha256);
  await summary.addHeading(`Approved artifact: ${p.model.name} ${p.model.version}`, 3).addList([`workflow run ${p.workflow_run_id}, artifact ${p.artifact_name}, ${p.artifact_path}/`, `manifest.json sha256 ${p.manifest_sha256}`]).write();
}
async function verifyArtifact() {
  const planned = modelAndVersion();
  const p = loadProvenance(recordOf(planned.model));
  const dir = verifyApprovedArtifact(getInput("artifact-dir") || "model/artifacts", p, planned);
  setOutput("artifact-dir", dir);
  await summary.addHeading(`Verified: ${dir} is the approved ${p.model.name} ${p.model.version}`, 3).addList([`manifest.json sha256 ${p.manifest_sha256} as recorded in ${recordOf(planned.model)}`, "every file matches the manifest (size and sha256)"]).write();
}
async function deployOrRollback(mode) {
  const config = loadConfig(getInput("config") || ".github/gitops-ml.yml");
  const environment = getInput("environment", { required: true });
  if (environment !== "staging" && environment !== "production") throw new Error(`environment must be "staging" or "production" (got "${environment}")`);
  const { model, version } = modelAndVersion();
  const image = getInput("image") || imageOf(getInput("config") || ".github/gitops-ml.yml");
  const url = getInput("url") || config.environments[environment]?.url;
  const apiKey = getInput("smoke-api-key");
  if (apiKey) setSecret(apiKey);
  const branch = getInput("gitops-branch") || GITOPS_BRANCH;
  if (!/^[\w./-]+$/.test(branch) || branch.includes("..") || branch.includes("//") || branch.startsWith("/") || branch.endsWith("/")) throw new Error(`gitops-branch must be a branch name (got "${branch}")`);
  const gh = createClient(getInput("github-token", { required: true }));
  const attempts = Number(getInput("smoke-attempts") || "10");
  const interval = Number(getInput("smoke-interval-seconds") || "3");
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`smoke-attempts must be a positive integer (got "${getInput("smoke-attempts")}")`);
  if (!(interval >= 0)) throw new Error(`smoke-interval-seconds must be a number \u2265 0 (got "${getInput("smoke-interval-seconds")}")`);
  const from = context.payload.repository?.default_branch ?? "main";
  const deps = { bump: bumpOverlay, smoke: httpSmoke({ attempts, delayMs: interval * 1e3, ...apiKey ? { apiKey } : {} }), branch, from };
  const target = { environment, model, version, image, ...url ? { url } : {} };
  const outcome = mode === "rollback" ? await rollbackTo(gh, context.repo, target, deps) : await deployVersion(gh, context.repo, { ...target, ref: getInput("ref") || context.sha }, deps);
  setOutput("state", outcome.state);
  setOutput("deployment-id", String(outcome.deploymentId));
  setOutput("tag", outcome.tag);
  await summary.addHeading(`${mode === "rollback" ? "Rollback" : "Deploy"} of ${model} ${version} to ${environment}: ${outcome.state}`, 3).addList([`image ${image}:${outcome.tag}${outcome.previousTag ? ` (was ${outcome.previousTag})` : ""}`, `overlay on branch ${branch}`, outcome.detail, ...outcome.rolledBack ? [`rolled back to ${outcome.previousTag ?? "the previous overlay"}`] : []]).write();
  if (outcome.state !== "success") setFailed(`${mode} failed: ${outcome.detail}${outcome.rolledBack ? "; rolled back" : ""}`);
}
var MODES = ["release", "plan", "approved-artifact", "verify-artifact", "deploy", "rollback"];
async function run() {
  try {
    const mode = getInput("mode") || "release";
    if (mode === "release") await release();
    else if (mode === "plan") await plan();
    else if (mode === "approved-artifact") await approvedArtifact();
    else if (mode === "verify-artifact") await verifyArtifact();
    else if (mode === "deploy" || mode === "rollback") await deployOrRollback(mode);
    else throw new Error(`mode must be ${MODES.join(", ")} (got "${mode}")`);
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/devops/src/index.ts
void run();
