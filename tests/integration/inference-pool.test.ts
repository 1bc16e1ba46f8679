import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import type { SentimentModel } from '../../model/inference/sentiment-model.js';
import { initBackend } from '../../model/nn/backend.js';
import { InferencePool } from '../../service/inference-pool.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

// Runs the compiled worker (dist/service/inference-worker.js); npm test builds it first.
let dir: string;
let model: SentimentModel;
const texts = ['good movie', 'not good at all', 'bad', 'a great , great film', 'movie'];

beforeAll(async () => {
  await initBackend('wasm');
  dir = await saveArtifact(artifactFixture());
  model = await loadArtifact(dir);
});

describe('InferencePool (worker threads)', () => {
  it('scores in the threads exactly as on the main thread', async () => {
    const pool = new InferencePool(2);
    try {
      await pool.adopt(model, dir);
      const [a, b] = await Promise.all([pool.score(model, texts), pool.score(model, texts.slice(0, 2))]);
      expect(Array.from(a as Float64Array)).toEqual(texts.map((t) => model.score(t)));
      expect(Array.from(b as Float64Array)).toEqual(texts.slice(0, 2).map((t) => model.score(t)));
    } finally {
      await pool.close();
    }
  });

  it('refuses to score a model it was not given, and refuses an artifact a thread cannot load', async () => {
    const pool = new InferencePool(1);
    try {
      await expect(pool.score(model, ['x'])).rejects.toThrow(/not loaded in the inference threads/);
      const other = await loadArtifact(dir);
      await expect(pool.adopt(other, '/nonexistent/artifact')).rejects.toMatchObject({ code: 'E_ARTIFACT_NO_MANIFEST' });
      await expect(pool.score(other, ['x'])).rejects.toThrow(/not loaded/);
    } finally {
      await pool.close();
    }
  });

  it('replaces a thread that dies and reloads its models', async () => {
    const events: string[] = [];
    const pool = new InferencePool(1, undefined, (e) => events.push(e));
    try {
      await pool.adopt(model, dir);
      // Kill the only thread from outside, as a crash would.
      await (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]?.worker.terminate();
      expect(events).toContain('inference thread replaced');
      // Its replacement loads the model again before answering (messages are handled in order).
      expect(Array.from(await pool.score(model, ['good movie']))).toEqual([model.score('good movie')]);
    } finally {
      await pool.close();
    }
  });
});
