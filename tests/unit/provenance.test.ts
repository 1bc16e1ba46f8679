import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkApprovedBytes, checkManifestSha, checkPlannedVersion, provenanceFor, readProvenance, recordWithProvenance } from '../../actions/shared/src/provenance.js';
import type { ArtifactProvenance } from '../../actions/shared/src/provenance.js';
import { loadChampionRecord } from '../../model/eval/champion.js';

const manifest = Buffer.from('{"algorithm":"sha256","files":{}}\n');
const sha = createHash('sha256').update(manifest).digest('hex');
const model = { name: 'sentiment', version: '1.3.0' };
const p: ArtifactProvenance = provenanceFor({ runId: 4242, artifactName: 'model-artifact', manifest, model });
const record = `${JSON.stringify({ schema_version: 1, model, test: { dataset_sha256: 'a'.repeat(64), n: 2, accuracy: 0.5, f1_macro: 0.5, roc_auc: null, ece: 0.1 } }, null, 2)}\n`;

describe('provenance of the approved artifact (build once, promote)', () => {
  it('records the run, the artifact name and path, the sha256 of manifest.json and the model', () => {
    expect(p).toEqual({ workflow_run_id: 4242, artifact_name: 'model-artifact', artifact_path: 'sentiment/1.3.0', manifest_sha256: sha, model });
    expect(() => provenanceFor({ runId: 0, artifactName: 'a/b', manifest, model: { name: 'Sentiment', version: 'v1' } })).toThrow(/workflow_run_id must be a positive integer.*artifact_name must be a workflow artifact name.*model\.name.*model\.version must be X\.Y\.Z/);
  });

  it('the committed record keeps every key of evaluation.json, adds provenance, and reads back; the champion loader still loads it', () => {
    const text = recordWithProvenance(record, p);
    expect(JSON.parse(text)).toEqual({ ...JSON.parse(record), provenance: p });
    expect(text.endsWith('}\n')).toBe(true);
    expect(readProvenance(text, 'docs/model-cards/sentiment.json')).toEqual(p);
    const file = join(mkdtempSync(join(tmpdir(), 'record-')), 'sentiment.json');
    writeFileSync(file, text);
    expect(loadChampionRecord(file)).toMatchObject({ schema_version: 1, model, provenance: p });
    // A record of another model version than the artifact's is refused when writing.
    expect(() => recordWithProvenance(record.replace('1.3.0', '1.2.0'), p)).toThrow('the evaluation record is of sentiment 1.2.0, the artifact is sentiment 1.3.0');
  });

  it('refuses a record without provenance, a malformed one, and one whose provenance names another model version', () => {
    expect(() => readProvenance(record, 'r.json')).toThrow(expect.objectContaining({ code: 'E_PROVENANCE_MISSING', message: expect.stringContaining('r.json records no provenance of an approved artifact') }));
    expect(() => readProvenance('{', 'r.json')).toThrow(expect.objectContaining({ code: 'E_PROVENANCE_INVALID' }));
    const bad = JSON.stringify({ ...JSON.parse(record), provenance: { ...p, manifest_sha256: 'zz' } });
    expect(() => readProvenance(bad, 'r.json')).toThrow(expect.objectContaining({ code: 'E_PROVENANCE_INVALID', message: expect.stringContaining('manifest_sha256 must be 64 lower-case hex digits') }));
    const other = JSON.stringify({ ...JSON.parse(record), model: { name: 'sentiment', version: '1.2.0' }, provenance: p });
    expect(() => readProvenance(other, 'r.json')).toThrow('the record is of sentiment 1.2.0, its provenance names sentiment 1.3.0');
  });

  it('the approved artifact must be the release\'s version: a mismatch is refused with what to do', () => {
    expect(() => checkPlannedVersion(p, { model: 'sentiment', version: '1.3.0' })).not.toThrow();
    expect(() => checkPlannedVersion(p, { model: 'sentiment', version: '1.4.0' })).toThrow(expect.objectContaining({ code: 'E_PROVENANCE_VERSION', message: expect.stringContaining('the approved artifact is sentiment 1.3.0, the release would be sentiment 1.4.0: re-run the model PR') }));
  });

  it('the downloaded bytes: a tampered manifest is refused; so is metadata of another version', () => {
    expect(() => checkManifestSha(p, manifest)).not.toThrow();
    const tampered = Buffer.from(manifest.toString().replace('{}', '{"weights.bin":{"sha256":"00","bytes":1}}'));
    expect(() => checkManifestSha(p, tampered)).toThrow(expect.objectContaining({ code: 'E_PROVENANCE_MANIFEST', message: expect.stringContaining(`the approved one ${sha}: these are not the bytes the PR evaluated`) }));
    expect(() => checkApprovedBytes(p, { manifest, metadata: model }, { model: 'sentiment', version: '1.3.0' })).not.toThrow();
    expect(() => checkApprovedBytes(p, { manifest, metadata: { name: 'sentiment', version: '1.2.0' } }, { model: 'sentiment', version: '1.3.0' })).toThrow('the approved artifact is sentiment 1.2.0, the release would be sentiment 1.3.0');
  });
});
