import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../model/errors.js';
import { deepMerge, loadSpec, parseSpec } from '../../model/spec/spec.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const SPEC = join(REPO_ROOT, 'model/specs/sentiment.json');

describe('model spec', () => {
  it('the default spec is valid and gets schema defaults', () => {
    const spec = loadSpec(SPEC);
    expect(spec.name).toBe('sentiment');
    expect(spec.architecture.type).toBe('bigru');
    expect(spec.training.seed).toBe(7); // chosen on dev among 42, 7 and 1234 (docs/PIPELINE.md)
    expect(spec.preset).toBeUndefined();
    expect(spec.dataset.textColumn).toBe('sentence'); // default filled in
  });

  it('a preset overrides only what it names', () => {
    const full = loadSpec(SPEC);
    const quick = loadSpec(SPEC, { preset: 'quick' });
    expect(quick.preset).toBe('quick');
    expect(quick.architecture.ensemble).toBe(1);
    expect(quick.architecture.widths).toEqual(full.architecture.widths);
    expect(quick.training.learningRate).toBe(full.training.learningRate);
  });

  it('an unknown preset names the available ones', () => {
    expect(() => loadSpec(SPEC, { preset: 'turbo' })).toThrow(/unknown preset "turbo".*available: quick, cnn, smoke, quick-augment/);
  });

  it('errors name the key and the allowed values', () => {
    const base = loadSpec(SPEC);
    const bad = deepMerge(base, { architecture: { channels: 'tri-channel', filters: 0 }, training: { colour: 'red' } });
    let error: unknown;
    try {
      parseSpec(bad, { source: 'bad.json' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('bad.json is not a valid model spec');
    expect(message).toContain('/architecture/channels: must be one of "non-static", "multichannel"');
    expect(message).toContain('/architecture/filters: must be >= 4');
    expect(message).toContain('/training: unknown key "colour"');
  });

  it('a missing required section and an invalid name are reported together', () => {
    const run = (): unknown => parseSpec({ name: 'Bad Name', task: 'binary-text-classification', dataset: { train: 'x' } });
    expect(run).toThrow(/\/name: must match pattern/);
    expect(run).toThrow(/\(root\): missing required key "architecture"/);
  });

  it('a minimal spec gets every training default', () => {
    const spec = parseSpec({ name: 'tiny', task: 'binary-text-classification', dataset: { train: 'sst2:train' }, architecture: { type: 'text-cnn' } });
    expect(spec.training).toMatchObject({ epochs: 4, batchSize: 64, seed: 42, dropout: 0.5 });
    expect(spec.architecture).toMatchObject({ widths: [1, 2, 3], channels: 'multichannel', ensemble: 1 });
    expect(spec.targets).toEqual({});
  });

  it('unreadable JSON names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "name": ');
    expect(() => loadSpec(path)).toThrow(new RegExp(`${path}: cannot read spec`));
  });
});
