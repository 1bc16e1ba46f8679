/**
 * Post-training weight quantization of a packaged artifact.
 *
 * The result is an ordinary artifact: the same files, with weights.bin rewritten and
 * model.json's weightsManifest carrying TF.js's own `quantization` entries
 * ({dtype: 'uint8'|'uint16', scale, min} or {dtype: 'float16'}), so `tf.io.decodeWeights`
 * (which `tf.loadLayersModel`, and so `loadArtifact`, goes through) dequantizes them to
 * float32 at load. Nothing downstream changes: extraction and inference see float32
 * tensors, and any other TF.js runtime loads the files too. The metadata schema is
 * untouched; what was done is recorded in an extra file, quantization.json, covered by
 * the manifest like every other file.
 *
 * What is quantized: float32 tensors with at least `minElements` (default 1024) values:
 * the embedding matrices (which are most of the bytes), the n-gram weight table, conv
 * and GRU kernels of real size. Kept in float32: int32/bool tensors (ids and flags are
 * not affine-quantizable without changing their meaning) and small tensors (biases,
 * output kernels, the ensemble mix), which weigh nothing and sit right before the
 * sigmoid, where an error moves the score most directly.
 *
 * uint8/uint16 are per-tensor affine: q = round((x − min) / scale), scale = (max − min)
 * / (2^bits − 1), with `min` nudged (as the TF.js converter does) so that 0 is exactly
 * representable when the range spans it: padding rows of embeddings stay exactly zero.
 * The error per value is at most scale / 2. float16 rounds to nearest-even (relative
 * error at most 2^-11); values beyond float16's range are refused, not turned into
 * Infinity.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256Hex } from '../data/checksum.js';
import { ArtifactError, GitopsMlError } from '../errors.js';
import type { SentimentModel } from '../inference/sentiment-model.js';
import type { Label } from '../types.js';
import { METADATA_FILE, MODEL_FILE, REQUIRED_FILES, WEIGHTS_FILE } from './files.js';
import { MANIFEST_FILE, buildManifest, verifyArtifactFiles } from './manifest.js';
import { validateMetadata } from './metadata.js';

export const QUANTIZATION_FILE = 'quantization.json';
export const QUANTIZATION_DTYPES = ['uint8', 'uint16', 'float16'] as const;
export type QuantizationDtype = (typeof QUANTIZATION_DTYPES)[number];
/** Float32 tensors with fewer values than this stay float32 (biases, output layers, the ensemble mix). */
export const DEFAULT_MIN_ELEMENTS = 1024;

/** TF.js's `WeightsManifestEntry.quantization` (@tensorflow/tfjs-core io/types). */
export interface WeightQuantization {
  dtype: QuantizationDtype;
  scale?: number;
  min?: number;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  group?: string;
  quantization?: WeightQuantization;
}

interface ModelJson {
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  [key: string]: unknown;
}

export interface QuantizeOptions {
  dtype: QuantizationDtype;
  /** Version of the quantized artifact (default: the source's version; the folder is `<outRoot>/<name>/<version>`). */
  version?: string;
  /** Float32 tensors with fewer values stay float32 (default 1024). 0 quantizes every float32 tensor. */
  minElements?: number;
}

export interface QuantizedTensorRecord {
  name: string;
  shape: number[];
  elements: number;
  quantization: WeightQuantization;
  /** Largest |dequantized − original| over the tensor, as TF.js decodes it (to float32). */
  max_abs_error: number;
  bytes_before: number;
  bytes_after: number;
}

/** Contents of quantization.json. */
export interface QuantizationReport {
  schema_version: 1;
  dtype: QuantizationDtype;
  method: string;
  min_elements: number;
  source: { name: string; version: string; model_json_sha256: string; weights_sha256: string };
  weights_bytes_before: number;
  weights_bytes_after: number;
  quantized: QuantizedTensorRecord[];
  kept: { name: string; dtype: string; elements: number; reason: string }[];
  note: string;
}

export interface QuantizeResult {
  dir: string;
  /** weights.bin size of the source artifact. */
  bytes_before: number;
  /** weights.bin size of the quantized artifact. */
  bytes_after: number;
  report: QuantizationReport;
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const FLOAT16_MAX = 65504;

function checkDtype(dtype: unknown): asserts dtype is QuantizationDtype {
  if (typeof dtype !== 'string' || !(QUANTIZATION_DTYPES as readonly string[]).includes(dtype)) {
    throw new GitopsMlError('E_QUANTIZE_DTYPE', `unsupported quantization dtype ${JSON.stringify(dtype)}: allowed values are ${QUANTIZATION_DTYPES.map((d) => `"${d}"`).join(', ')}`);
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of a float32 value, rounded to nearest, ties to even. */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0] as number;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // a carry into the exponent is the correct rounding
  return sign | half;
}

/** The float32 value of half-precision bits (what TF.js's float16 decoder returns). */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Quantizes one float32 tensor the way TF.js's decoder expects it back. Returns the
 * bytes (little-endian, as TF.js reads them), the manifest entry and the largest error.
 */
export function quantizeTensor(values: Float32Array, dtype: QuantizationDtype, name = 'tensor'): { bytes: Uint8Array; quantization: WeightQuantization; max_abs_error: number } {
  checkDtype(dtype);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new GitopsMlError('E_QUANTIZE_VALUE', `weight ${name} holds a non-finite value (${v}) at index ${i}: refusing to quantize a broken model`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) lo = hi = 0;
  let maxErr = 0;
  if (dtype === 'float16') {
    if (Math.max(-lo, hi) > FLOAT16_MAX) {
      throw new GitopsMlError('E_QUANTIZE_RANGE', `weight ${name} has values up to ${Math.max(-lo, hi)}, beyond float16's ±${FLOAT16_MAX}: use uint8 or uint16 (affine) instead`);
    }
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const h = float32ToFloat16Bits(values[i] as number);
      if ((h & 0x7c00) === 0x7c00) throw new GitopsMlError('E_QUANTIZE_RANGE', `weight ${name}: ${values[i]} rounds beyond float16's range`);
      out[i] = h;
      maxErr = Math.max(maxErr, Math.abs(float16BitsToFloat32(h) - (values[i] as number)));
    }
    return { bytes: new Uint8Array(out.buffer), quantization: { dtype }, max_abs_error: maxErr };
  }
  const qmax = dtype === 'uint8' ? 255 : 65535;
  let scale: number;
  let min: number;
  if (hi === lo) {
    // A constant tensor: every value is `min`, exactly.
    scale = 1;
    min = lo;
  } else {
    scale = (hi - lo) / qmax;
    min = lo;
    if (lo <= 0 && hi >= 0) {
      // Nudge min so that 0 is exactly representable (q = zero point decodes to 0 exactly).
      const zeroPoint = Math.round(-lo / scale);
      min = -zeroPoint * scale;
    }
  }
  const out = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const q = Math.min(qmax, Math.max(0, Math.round((v - min) / scale)));
    out[i] = q;
    maxErr = Math.max(maxErr, Math.abs(Math.fround(q * scale + min) - v)); // the decoder's exact arithmetic
  }
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), quantization: { dtype, scale, min }, max_abs_error: maxErr };
}

function parseModelJson(content: Buffer, path: string): ModelJson {
  let doc: ModelJson;
  try {
    doc = JSON.parse(content.toString('utf8')) as ModelJson;
  } catch (err) {
    throw new ArtifactError('E_ARTIFACT_JSON', `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!Array.isArray(doc?.weightsManifest) || doc.weightsManifest.some((g) => !Array.isArray(g?.weights))) {
    throw new ArtifactError('E_ARTIFACT_MODEL', `${path}: no weightsManifest with weight lists`);
  }
  for (const spec of doc.weightsManifest.flatMap((g) => g.weights)) {
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ArtifactError('E_ARTIFACT_MODEL', `${path}: weight entry ${JSON.stringify(spec?.name)} needs a name and a shape of non-negative integers`);
    }
  }
  return doc;
}

/**
 * Writes a quantized copy of the verified artifact `srcDir` to `<outRoot>/<name>/<version>`
 * (atomically, like saveArtifact; an existing folder is never overwritten). The copy
 * loads with the unchanged `loadArtifact`.
 */
export async function quantizeArtifact(srcDir: string, outRoot: string, opts: QuantizeOptions): Promise<QuantizeResult> {
  checkDtype(opts?.dtype);
  const dtype = opts.dtype;
  const minElements = opts.minElements ?? DEFAULT_MIN_ELEMENTS;
  if (!Number.isSafeInteger(minElements) || minElements < 0) throw new GitopsMlError('E_QUANTIZE_OPTIONS', `minElements must be a non-negative integer, got ${String(opts.minElements)}`);
  const src = resolve(srcDir);
  const files = verifyArtifactFiles(src, REQUIRED_FILES);
  const get = (name: string): Buffer => files.get(name) as Buffer;
  const modelPath = join(src, MODEL_FILE);
  const model = parseModelJson(get(MODEL_FILE), modelPath);
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const already = specs.find((s) => s.quantization !== undefined);
  if (already || files.has(QUANTIZATION_FILE)) {
    const how = already?.quantization?.dtype ?? 'see quantization.json';
    throw new ArtifactError('E_ARTIFACT_QUANTIZED', `${src} is already quantized (${how}${already ? `, e.g. ${already.name}` : ''}): quantize the float32 original instead; quantizing twice compounds the rounding error`);
  }
  const metadataPath = join(src, METADATA_FILE);
  let metadataDoc: unknown;
  try {
    metadataDoc = JSON.parse(get(METADATA_FILE).toString('utf8'));
  } catch (err) {
    throw new ArtifactError('E_ARTIFACT_JSON', `${metadataPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const sourceMeta = validateMetadata(metadataDoc, metadataPath);
  const metadata = validateMetadata({ ...sourceMeta, version: opts.version ?? sourceMeta.version }, `${metadataPath} with version ${JSON.stringify(opts.version)}`);
  const target = resolve(outRoot, metadata.name, metadata.version);
  if (existsSync(target)) throw new ArtifactError('E_ARTIFACT_EXISTS', `${target} already exists: artifacts are immutable, choose another version (or another output root)`);

  const weights = get(WEIGHTS_FILE);
  const chunks: Uint8Array[] = [];
  const quantized: QuantizedTensorRecord[] = [];
  const kept: QuantizationReport['kept'] = [];
  let offset = 0;
  for (const spec of specs) {
    const per = BYTES_PER_VALUE[spec.dtype];
    if (per === undefined) throw new ArtifactError('E_ARTIFACT_MODEL', `${modelPath}: weight ${spec.name} has dtype ${JSON.stringify(spec.dtype)}; only float32, int32 and bool weights can be rewritten`);
    const elements = spec.shape.reduce((p, d) => p * d, 1);
    const length = elements * per;
    if (offset + length > weights.byteLength) throw new ArtifactError('E_ARTIFACT_SHAPE', `${join(src, WEIGHTS_FILE)}: ${weights.byteLength} bytes, too short for the weights model.json lists (${spec.name} ends at byte ${offset + length})`);
    const raw = weights.subarray(offset, offset + length);
    offset += length;
    if (spec.dtype !== 'float32' || elements < minElements) {
      chunks.push(raw);
      kept.push({ name: spec.name, dtype: spec.dtype, elements, reason: spec.dtype !== 'float32' ? `${spec.dtype} (not affine-quantizable)` : `fewer than ${minElements} values` });
      continue;
    }
    // Copy into an aligned buffer: the verified file's bytes may start at any offset.
    const values = new Float32Array(Uint8Array.from(raw).buffer);
    const q = quantizeTensor(values, dtype, spec.name);
    spec.quantization = q.quantization;
    chunks.push(q.bytes);
    quantized.push({ name: spec.name, shape: spec.shape, elements, quantization: q.quantization, max_abs_error: q.max_abs_error, bytes_before: length, bytes_after: q.bytes.byteLength });
  }
  if (offset !== weights.byteLength) throw new ArtifactError('E_ARTIFACT_SHAPE', `${join(src, WEIGHTS_FILE)}: ${weights.byteLength} bytes but model.json's weights take ${offset}`);
  const weightsBin = Buffer.concat(chunks);

  const report: QuantizationReport = {
    schema_version: 1,
    dtype,
    method:
      dtype === 'float16'
        ? 'float16 (IEEE half precision, round to nearest even), TF.js weightsManifest quantization'
        : `per-tensor affine ${dtype}: value = q * scale + min (min nudged so 0 is exact), TF.js weightsManifest quantization`,
    min_elements: minElements,
    source: { name: sourceMeta.name, version: sourceMeta.version, model_json_sha256: sha256Hex(get(MODEL_FILE)), weights_sha256: sha256Hex(weights) },
    weights_bytes_before: weights.byteLength,
    weights_bytes_after: weightsBin.byteLength,
    quantized,
    kept,
    note: 'The metrics in metadata.json were measured on the float32 source model; measure the quantized model (measureQuantization, or evaluate) before relying on them.',
  };
  const out: Record<string, string | Uint8Array> = {};
  for (const [name, content] of files) out[name] = content;
  out[MODEL_FILE] = JSON.stringify(model);
  out[WEIGHTS_FILE] = weightsBin;
  out[METADATA_FILE] = `${JSON.stringify(metadata, null, 2)}\n`;
  out[QUANTIZATION_FILE] = `${JSON.stringify(report, null, 2)}\n`;

  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, content] of Object.entries(out)) writeFileSync(join(tmp, name), content);
    writeFileSync(join(tmp, MANIFEST_FILE), `${JSON.stringify(buildManifest(out), null, 2)}\n`);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dir: target, bytes_before: weights.byteLength, bytes_after: weightsBin.byteLength, report };
}

export interface QuantizationMeasurement {
  n: number;
  accuracy_before: number;
  accuracy_after: number;
  /** (accuracy_after − accuracy_before) in percentage points. */
  delta_points: number;
  max_abs_score_delta: number;
  mean_abs_score_delta: number;
  /** Share of examples both models give the same label. */
  agreement: number;
}

/** Compares two models (typically a float32 artifact and its quantized copy) on labelled examples. */
export function measureQuantization(original: SentimentModel, quantized: SentimentModel, examples: readonly { text: string; label: Label }[]): QuantizationMeasurement {
  if (examples.length === 0) throw new GitopsMlError('E_QUANTIZE_MEASURE', 'measureQuantization needs at least one labelled example');
  const texts = examples.map((e) => e.text);
  const a = original.predictBatch(texts);
  const b = quantized.predictBatch(texts);
  let correctA = 0;
  let correctB = 0;
  let same = 0;
  let maxDelta = 0;
  let sumDelta = 0;
  examples.forEach((e, i) => {
    const pa = a[i] as (typeof a)[number];
    const pb = b[i] as (typeof b)[number];
    const truth = e.label === 1 ? 'positive' : 'negative';
    if (pa.label === truth) correctA++;
    if (pb.label === truth) correctB++;
    if (pa.label === pb.label) same++;
    const d = Math.abs(pa.score - pb.score);
    sumDelta += d;
    if (d > maxDelta) maxDelta = d;
  });
  const n = examples.length;
  const accuracy_before = correctA / n;
  const accuracy_after = correctB / n;
  return { n, accuracy_before, accuracy_after, delta_points: (accuracy_after - accuracy_before) * 100, max_abs_score_delta: maxDelta, mean_abs_score_delta: sumDelta / n, agreement: same / n };
}
