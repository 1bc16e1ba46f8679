// The package's own test: loads the model through the package's loader (predict.mjs)
// and checks that every request in sample_requests.json gets the answer recorded when
// the package was built, that the files match SHA256SUMS, and that bad input is refused.
// Run it in the package folder after `npm install`:  npm test  (node --test test/package.test.mjs)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../predict.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const readJson = (name) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));
const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

const metadata = readJson('model_metadata.json');
const samples = readJson('sample_requests.json');
const model = await loadModel();
const tolerance = samples.score_tolerance;

/** Checks one prediction against the recorded one: same label, score within the tolerance. */
function expectSame(actual, expected, what) {
  assert.ok(Math.abs(actual.score - expected.score) <= tolerance, `${what}: score ${actual.score}, recorded ${expected.score} (tolerance ${tolerance})`);
  // A recorded score within the tolerance of the threshold may legitimately land on either side.
  if (Math.abs(expected.score - 0.5) > tolerance) assert.equal(actual.label, expected.label, `${what}: label`);
  assert.equal(actual.label, actual.score >= 0.5 ? metadata.labels[1] : metadata.labels[0], `${what}: label follows the 0.5 threshold`);
}

test('the loaded model is the one model_metadata.json describes', () => {
  assert.equal(model.name, metadata.name);
  assert.equal(model.version, metadata.version);
  assert.deepEqual([...model.labels], metadata.labels);
  assert.equal(model.maxTokens, metadata.max_tokens);
  assert.equal(sha256(`${root}model/weights.bin`), metadata.weights_sha256);
});

test('every sample request predicts its recorded label', () => {
  assert.ok(samples.requests.length > 0, 'sample_requests.json has requests');
  assert.deepEqual(samples.model, { name: metadata.name, version: metadata.version });
  for (const r of samples.requests) {
    if ('text' in r.request) {
      const p = model.predict(r.request.text);
      assert.equal(p.label, r.expected_label, `${r.name}: label`);
      expectSame(p, r.expected_response, r.name);
      assert.deepEqual(r.expected_response.model, samples.model);
    } else {
      const ps = model.predictBatch(r.request.texts);
      assert.equal(ps.length, r.request.texts.length);
      assert.deepEqual(ps.map((p) => p.label), r.expected_labels, `${r.name}: labels`);
      ps.forEach((p, i) => expectSame(p, r.expected_response.predictions[i], `${r.name}[${i}]`));
    }
  }
});

test('sample requests respect the API limits', () => {
  for (const r of samples.requests) {
    const texts = 'text' in r.request ? [r.request.text] : r.request.texts;
    assert.ok(texts.length <= metadata.max_batch_size, `${r.name}: batch size`);
    for (const t of texts) assert.ok(t.length >= 1 && t.length <= metadata.max_text_length, `${r.name}: text length`);
  }
});

test('predictBatch agrees with predict', () => {
  const texts = samples.requests.filter((r) => 'text' in r.request).map((r) => r.request.text);
  assert.deepEqual(model.predictBatch(texts), texts.map((t) => model.predict(t)));
});

test('input that is not a non-empty string is refused', () => {
  assert.throws(() => model.predict(''), TypeError);
  assert.throws(() => model.predict(42), TypeError);
  assert.throws(() => model.predictBatch('not an array'), TypeError);
  assert.throws(() => model.predictBatch(['ok', null]), TypeError);
});

test('every file matches SHA256SUMS', () => {
  const lines = readFileSync(`${root}SHA256SUMS`, 'utf8').trim().split('\n');
  assert.ok(lines.length > 10);
  for (const line of lines) {
    const m = /^([0-9a-f]{64}) {2}(\S.*)$/.exec(line);
    assert.ok(m, `SHA256SUMS line "${line}"`);
    assert.ok(existsSync(`${root}${m[2]}`), `${m[2]} is missing`);
    assert.equal(sha256(`${root}${m[2]}`), m[1], `${m[2]} was modified`);
  }
});
