import * as tf from '@tensorflow/tfjs';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

// Its own file: the TF.js backend is process state, and this file must start with none chosen.
describe('the backend an artifact is loaded on', () => {
  const texts = ['Not a good movie!', 'great', 'bad bad movie', 'an unseen word'];
  let dir: string;

  beforeAll(async () => {
    dir = await saveArtifact(artifactFixture());
  });

  it('in a process that chose none (a server, an inference thread), the weights pass through cpu and the choice stays open', async () => {
    const model = await loadArtifact(dir);
    // The wasm backend's heap never shrinks: loading through it would keep the weights' copy resident for good.
    expect(tf.getBackend()).toBe('cpu');
    // Silencing the cpu backend's one misleading hint left TF.js's warnings on for everything else.
    expect(tf.env().getBool('PROD')).toBe(false);
    const scores = texts.map((t) => model.score(t));
    // Loading recorded nothing: training afterwards in the same process still gets the fastest backend.
    expect(await initBackend('auto')).not.toBe('cpu');
    expect(tf.getBackend()).not.toBe('cpu');

    // A process that chose a backend (training) keeps it, and the loaded model is the same model.
    const again = await loadArtifact(dir);
    expect(tf.getBackend()).not.toBe('cpu');
    expect(texts.map((t) => again.score(t))).toEqual(scores);
  });
});
