import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Document, YAMLMap, YAMLSeq } from 'yaml';
import { GitopsMlError } from '../../../model/errors.js';

/**
 * The GitOps bump: the deploy commits a new image and model version into an
 * environment's kustomize overlay (`deploy/k8s/overlays/<env>/kustomization.yaml`),
 * and the cluster (Argo CD / Flux) follows.
 *
 * What it edits, and nothing else:
 * - the overlay's `images:` entry: `newName` (the registry image) and `newTag` (or
 *   `digest`, when the tag is a `sha256:` digest; the other one is removed, because
 *   kustomize prefers a digest and a stale one would silently win);
 * - the `gitops-ml/model-version` label in a `labels:` entry with
 *   `includeSelectors: false` (added when missing), so pods say which model they serve
 *   (`kubectl get pods -l gitops-ml/model-version=1.2.0`) without touching selectors,
 *   which are immutable on a Deployment. A `commonLabels` entry for it is refused for
 *   that reason; a `commonAnnotations` entry for it is kept in step.
 *
 * When only values change, the new text is the old one with those values spliced in
 * byte for byte (comments, quoting and layout untouched: the commit's diff is the bump).
 * When a key must be added or removed, the yaml Document API rewrites the file, which
 * keeps comments. A bump to what the file already says returns the input unchanged.
 * Every result is parsed back and checked before it is returned.
 */

export const MODEL_VERSION_LABEL = 'gitops-ml/model-version';

export interface OverlayBump {
  /** Registry image without tag or digest, e.g. `ghcr.io/acme/gitops-ml`. */
  image: string;
  /** Image tag (`sentiment-1.2.0`) or digest (`sha256:<64 hex>`); never `latest`. */
  tag: string;
  /** The model version the image serves (a Kubernetes label value, e.g. `1.2.0`). */
  modelVersion: string;
}

/** Codes: E_BUMP_INPUT (a bad image, tag or version), E_BUMP_YAML (unparsable file), E_BUMP_SHAPE (not a bumpable overlay), E_BUMP_UNSAFE (the edit would break the Deployment). */
export class OverlayBumpError extends GitopsMlError {
  constructor(code: 'E_BUMP_INPUT' | 'E_BUMP_YAML' | 'E_BUMP_SHAPE' | 'E_BUMP_UNSAFE', message: string) {
    super(code, message);
    this.name = 'OverlayBumpError';
  }
}

const isDigest = (s: string): boolean => /^sha256:[a-f0-9]{64}$/.test(s) || /^sha512:[a-f0-9]{128}$/.test(s);
// Docker's tag grammar: a word character, then up to 127 word characters, dots and dashes.
const isTag = (s: string): boolean => /^\w[\w.-]{0,127}$/.test(s);
const alnumEnds = (s: string): boolean => /^[A-Za-z0-9]/.test(s) && /[A-Za-z0-9]$/.test(s);
// A label value: at most 63 characters, alphanumerics at both ends, `-_.` inside.
const isLabelValue = (s: string): boolean => /^[-A-Za-z0-9_.]{1,63}$/.test(s) && alnumEnds(s);
// One path component of a repository name: lower-case alphanumerics joined by `.`, `_`, `__` or dashes.
const isPathComponent = (s: string): boolean => /^[a-z0-9._-]+$/.test(s) && alnumEnds(s) && !/[._]-|-[._]|\.\.|\._|_\.|___/.test(s);
const isDomain = (s: string): boolean => {
  const [host = '', port, extra] = s.split(':');
  return extra === undefined && /^[A-Za-z0-9.-]+$/.test(host) && alnumEnds(host) && (port === undefined || /^\d{1,5}$/.test(port));
};

/** `map[key]` as its node (a Scalar, a collection, or undefined). */
const child = (map: YAMLMap, key: string): unknown => map.get(key, true);
/** `map[key]` as its plain value. */
const get = (map: YAMLMap, key: string): unknown => map.get(key);

/** Why `image` is not a repository reference without tag or digest, or undefined when it is. */
function imageProblem(image: string): string | undefined {
  if (image.length === 0 || image.length > 255) return 'must be 1 to 255 characters';
  if (image.includes('@')) return 'must not carry a digest (pass it as the tag)';
  const parts = image.split('/');
  const first = parts[0] ?? '';
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !isDomain(first)) return `registry "${first}" is not a host name with an optional port`;
  const path = hasDomain ? parts.slice(1) : parts;
  for (const c of path) {
    if (c.includes(':')) return 'must not carry a tag (pass it as the tag)';
    if (!isPathComponent(c)) return `path component "${c}" must be lower-case letters and digits joined by ".", "_", "__" or "-"`;
  }
  return undefined;
}

function checkInput(to: OverlayBump): void {
  const problems: string[] = [];
  const image = imageProblem(to.image);
  if (image) problems.push(`image "${to.image}": ${image}`);
  if (to.tag === 'latest') problems.push('tag "latest" names no version: a deploy must pin one');
  else if (!isDigest(to.tag) && !isTag(to.tag)) problems.push(`tag "${to.tag}": must be a tag (a word character, then up to 127 of [A-Za-z0-9_.-]) or a digest sha256:<64 hex>`);
  if (!isLabelValue(to.modelVersion)) problems.push(`modelVersion "${to.modelVersion}": must be a Kubernetes label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`);
  if (problems.length) throw new OverlayBumpError('E_BUMP_INPUT', `cannot bump the overlay: ${problems.join('; ')}`);
}

interface Edit {
  node: Scalar;
  value: string;
}

/** Renders `value` for the place of `node` in the source, keeping the node's quoting. */
function scalarText(node: Scalar, value: string): string | undefined {
  if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (node.type === Scalar.PLAIN) return plainSafe(value) ? value : JSON.stringify(value);
  return undefined; // block scalars: leave them to the Document API
}

/** True when YAML reads `value` written plain back as this very string (not `1.0` the number, not `true`). */
function plainSafe(value: string): boolean {
  const back = parseDocument(value);
  return back.errors.length === 0 && isScalar(back.contents) && back.contents.value === value;
}

function selectImage(images: YAMLSeq, image: string): YAMLMap {
  const entries = images.items.filter(isMap);
  if (entries.length !== images.items.length) throw new OverlayBumpError('E_BUMP_SHAPE', 'every images: entry must be a mapping (name, newName, newTag or digest)');
  if (entries.length === 1) return entries[0] as YAMLMap;
  const matching = entries.filter((e) => get(e, 'newName') === image || get(e, 'name') === image);
  if (matching.length !== 1) {
    throw new OverlayBumpError('E_BUMP_SHAPE', `the overlay has ${entries.length} images: entries and ${matching.length === 0 ? 'none' : 'several'} of them name ${image} (as name or newName): cannot tell which one to bump`);
  }
  return matching[0] as YAMLMap;
}

class Bumper {
  readonly edits: Edit[] = [];
  structural = false;

  /** Sets `key` of `map` to the string `value`: an in-place edit when the key has a scalar, else a structural change. */
  set(map: YAMLMap, key: string, value: string): void {
    const node = child(map, key);
    if (isScalar(node) && node.range) {
      if (node.value === value) return;
      if (scalarText(node, value) !== undefined) {
        this.edits.push({ node, value });
        return;
      }
    }
    const s = new Scalar(value);
    if (!plainSafe(value)) s.type = Scalar.QUOTE_DOUBLE;
    map.set(key, s);
    this.structural = true;
  }

  remove(map: YAMLMap, key: string): void {
    if (map.has(key)) {
      map.delete(key);
      this.structural = true;
    }
  }
}

/** The labels: entries (kustomize `labels` transformer) whose pairs carry the model-version label. */
function modelVersionLabels(doc: Document): YAMLMap[] {
  const labels: unknown = doc.get('labels', true);
  if (labels === undefined || labels === null) return [];
  if (!isSeq(labels)) throw new OverlayBumpError('E_BUMP_SHAPE', 'labels: must be a list of { pairs, includeSelectors, includeTemplates } entries');
  return labels.items.filter((e): e is YAMLMap => isMap(e) && pairsOf(e)?.has(MODEL_VERSION_LABEL) === true);
}

function pairsOf(entry: YAMLMap): YAMLMap | undefined {
  const pairs = child(entry, 'pairs');
  return isMap(pairs) ? pairs : undefined;
}

/**
 * Returns `kustomizationYaml` with the image bumped to `image:tag` (or `image@digest`)
 * and the model-version label set to `modelVersion`. Throws an OverlayBumpError naming
 * the problem when the input or the file cannot be bumped safely.
 */
export function bumpOverlay(kustomizationYaml: string, to: OverlayBump): string {
  checkInput(to);
  const doc = parseDocument(kustomizationYaml);
  if (doc.errors.length > 0) throw new OverlayBumpError('E_BUMP_YAML', `the overlay is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  const root: unknown = doc.contents;
  if (!isMap(root)) throw new OverlayBumpError('E_BUMP_SHAPE', 'the overlay must be a kustomization (a YAML mapping)');
  const kind = get(root, 'kind');
  if (kind !== undefined && kind !== 'Kustomization') throw new OverlayBumpError('E_BUMP_SHAPE', `the overlay's kind is ${String(kind)}, not Kustomization`);

  // The image. Without an entry there is no safe edit: a new one could not know which
  // image name of the base it must match, and a non-matching entry changes nothing.
  const images = child(root, 'images');
  if (!isSeq(images) || images.items.length === 0) throw new OverlayBumpError('E_BUMP_SHAPE', 'the overlay has no images: entry to bump (add one whose name is the image name of the base Deployment)');
  const entry = selectImage(images, to.image);
  if (typeof get(entry, 'name') !== 'string') throw new OverlayBumpError('E_BUMP_SHAPE', 'the images: entry has no name (the image name of the base Deployment it replaces)');
  const b = new Bumper();
  b.set(entry, 'newName', to.image);
  if (isDigest(to.tag)) {
    b.set(entry, 'digest', to.tag);
    b.remove(entry, 'newTag');
  } else {
    b.set(entry, 'newTag', to.tag);
    b.remove(entry, 'digest');
  }

  // The model version: never in selectors.
  const common = child(root, 'commonLabels');
  if (isMap(common) && common.has(MODEL_VERSION_LABEL)) {
    throw new OverlayBumpError('E_BUMP_UNSAFE', `${MODEL_VERSION_LABEL} is in commonLabels, which kustomize also writes into selectors (immutable on a Deployment): move it to a labels: entry with includeSelectors: false`);
  }
  const entries = modelVersionLabels(doc);
  for (const e of entries) {
    if (get(e, 'includeSelectors') === true) throw new OverlayBumpError('E_BUMP_UNSAFE', `the labels: entry with ${MODEL_VERSION_LABEL} has includeSelectors: true; selectors are immutable on a Deployment, so a version change would break the rollout: set includeSelectors: false`);
    b.set(pairsOf(e) as YAMLMap, MODEL_VERSION_LABEL, to.modelVersion);
  }
  if (entries.length === 0) {
    const version = Object.assign(new Scalar(to.modelVersion), { type: Scalar.QUOTE_DOUBLE });
    const added = doc.createNode({ pairs: { [MODEL_VERSION_LABEL]: version }, includeSelectors: false, includeTemplates: true });
    const labels = child(root, 'labels');
    if (isSeq(labels)) labels.add(added);
    else root.set('labels', doc.createNode([added]));
    b.structural = true;
  }
  const annotations = child(root, 'commonAnnotations');
  if (isMap(annotations) && annotations.has(MODEL_VERSION_LABEL)) b.set(annotations, MODEL_VERSION_LABEL, to.modelVersion);

  let out: string;
  if (!b.structural && b.edits.length === 0) return kustomizationYaml;
  if (!b.structural) {
    out = kustomizationYaml;
    // Splice from the end so earlier offsets stay valid.
    for (const { node, value } of [...b.edits].sort((x, y) => (y.node.range?.[0] ?? 0) - (x.node.range?.[0] ?? 0))) {
      const [start, end] = node.range as [number, number, number];
      out = out.slice(0, start) + (scalarText(node, value) as string) + out.slice(end);
    }
  } else {
    for (const { node, value } of b.edits) node.value = value;
    // Keep the file's list style: `key:\n- item` (kubectl's) or `key:\n  - item` (yaml's).
    out = doc.toString({ lineWidth: 0, indentSeq: !/^\S[^\n]*:[ \t]*\n-[ \t]/m.test(kustomizationYaml) });
  }
  verify(out, to);
  return out;
}

/** Reads the result back: it must parse and say exactly what was asked. */
function verify(out: string, to: OverlayBump): void {
  const doc = parseDocument(out);
  const root: unknown = doc.contents;
  const images = isMap(root) ? child(root, 'images') : undefined;
  const entry = isSeq(images) ? selectImage(images, to.image) : undefined;
  const digest = isDigest(to.tag);
  const labels = doc.errors.length === 0 ? modelVersionLabels(doc) : [];
  const ok =
    doc.errors.length === 0 &&
    entry !== undefined &&
    get(entry, 'newName') === to.image &&
    (digest ? get(entry, 'digest') === to.tag && !entry.has('newTag') : get(entry, 'newTag') === to.tag && !entry.has('digest')) &&
    labels.length > 0 &&
    labels.every((e) => pairsOf(e)?.get(MODEL_VERSION_LABEL) === to.modelVersion && get(e, 'includeSelectors') !== true);
  if (!ok) throw new OverlayBumpError('E_BUMP_SHAPE', 'the bumped overlay does not read back as asked (an unusual layout of the file?); edit it by hand');
}
