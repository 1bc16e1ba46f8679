import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifact } from '../../model/artifact/artifact.js';
import { CARD_MAX_CHARS } from '../../model/card/draft.js';
import type { EvaluationRecord } from '../../model/eval/gates.js';
import { runPipeline } from '../../model/pipeline/pipeline.js';
import type { PipelineResult } from '../../model/pipeline/pipeline.js';
import { markdownlint } from '../helpers/markdownlint.js';
import { REPO_ROOT, datasetsDir } from '../helpers/datasets.js';

/**
 * Every gate on a small model trained for real (the smoke preset: 600 SST-2 sentences),
 * with uint8 quantization, then again with the first run as champion: the record holds
 * every measurement, the card renders every section, lints clean and fits a PR comment.
 */
describe('evaluation gates on a trained model (npm run pipeline)', () => {
  const out = mkdtempSync(join(tmpdir(), 'gates-'));
  let first: PipelineResult;
  let record: EvaluationRecord;
  let card: string;

  beforeAll(async () => {
    process.env.DATASETS_DIR = datasetsDir();
    first = await runPipeline({ specPath: join(REPO_ROOT, 'model/specs/sentiment.json'), preset: 'smoke', outDir: out, version: '0.1.0', backend: 'wasm', quantize: 'uint8', gatesConfig: join(REPO_ROOT, '.github/gitops-ml.yml'), champion: join(out, 'none.json') });
    record = JSON.parse(readFileSync(join(first.artifactDir, 'evaluation.json'), 'utf8')) as EvaluationRecord;
    card = readFileSync(join(first.artifactDir, 'model-card.md'), 'utf8');
  }, 120_000);

  it('records every measurement the gates read', () => {
    expect(record.test?.n).toBe(1821);
    expect(record.test?.f1_macro_ci95?.[0]).toBeLessThanOrEqual(record.test?.f1_macro as number);
    expect(record.test_predictions?.n).toBe(1821);
    expect(record.champion).toEqual({ skipped: expect.stringMatching(/no champion record/) });
    expect(record.robustness?.tests.map((t) => t.kind)).toEqual(expect.arrayContaining(['INV', 'DIR', 'MFT']));
    expect(record.fairness?.dimensions.map((d) => d.dimension)).toEqual(['gender', 'race']);
    expect(record.privacy?.attack_auc).toBeGreaterThanOrEqual(0);
    expect(record.latency?.load_ms).toBeGreaterThan(0);
    expect(record.size?.artifact_bytes).toBeGreaterThan(record.size?.weights_bytes as number);
    expect(record.quantization).toMatchObject({ dtype: 'uint8' });
    expect(record.quantization?.bytes_after).toBeLessThan((record.quantization?.bytes_before as number) * 0.5);
  });

  it('decides every configured gate, none "not measured", and prints the table', () => {
    expect(first.gates.length).toBeGreaterThanOrEqual(13);
    expect(first.gates.filter((g) => g.status === 'not measured')).toEqual([]);
    expect(first.summary).toMatch(/^gate +threshold +value +result$/m);
    expect(first.summary).toMatch(/gates: (all pass|\d+ of \d+ fail or were not measured)/);
  });

  it('writes a quantized copy that loads and predicts', async () => {
    expect(first.quantizedDir && existsSync(first.quantizedDir)).toBe(true);
    const q = await loadArtifact(first.quantizedDir as string);
    expect(q.predict('a wonderful, moving film').score).toBeGreaterThanOrEqual(0);
  });

  it('renders a card with every section that lints clean and fits a PR comment', async () => {
    for (const h of ['## Model details', '## Intended use', '### Out-of-scope uses', '## Training data', '## Evaluation data', '## Gates', '## Quantitative analysis', '## Champion vs challenger', '## Robustness', '## Fairness', '## Privacy', '## Latency and size', '## Charts', '## Ethical considerations', '## Caveats and recommendations']) expect(card).toContain(`\n${h}\n`);
    // Robustness, fairness, confusion, calibration, score distribution (no champion yet).
    expect((card.match(/```mermaid/g) ?? []).length).toBe(5);
    expect(card.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(await (await markdownlint())(card)).toEqual([]);
  });

  it('a second version is compared with the first as champion (McNemar on recorded predictions)', async () => {
    const champion = join(out, 'champion.json');
    writeFileSync(champion, JSON.stringify(record));
    const second = await runPipeline({ specPath: join(REPO_ROOT, 'model/specs/sentiment.json'), preset: 'smoke', outDir: out, version: '0.1.1', backend: 'wasm', gatesConfig: join(REPO_ROOT, '.github/gitops-ml.yml'), champion });
    const c = second.evaluation.record.champion;
    // Same spec, same seed: the same predictions, so no difference and p = 1.
    expect(c).toMatchObject({ champion: 'sentiment 0.1.0', n: 1821, delta: 0, mcnemar: { b: 0, c: 0, p_value: 1 } });
    expect(second.gates.find((g) => g.id === 'champion')?.status).toBe('pass');
    const secondCard = readFileSync(join(second.artifactDir, 'model-card.md'), 'utf8');
    expect(secondCard).toMatch(/## Champion vs challenger\n[\s\S]*sentiment 0\.1\.0/);
    expect((secondCard.match(/```mermaid/g) ?? []).length).toBe(6);
  }, 120_000);
});
