// The package's loader: loads ./model with the bundled gitops-ml runtime
// (lib/gitops-ml-model.mjs: the same tokenizer and inference code as the service) and
// predicts in-process. Needs Node.js 20+ and TensorFlow.js (`npm install` here).
//
//   import { loadModel } from './predict.mjs';
//   const model = await loadModel();
//   model.predict('A gorgeous, heartfelt film.'); // → { label: 'positive', score: 0.97 }
//
// As a command: node predict.mjs "text" ["text" ...]   (or one text per line on stdin)
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModel as loadArtifactModel } from './lib/gitops-ml-model.mjs';

/** The packaged model artifact (its manifest.json is verified on every load). */
export const MODEL_DIR = fileURLToPath(new URL('./model/', import.meta.url));

/** Loads the packaged model (or another gitops-ml artifact folder). */
export async function loadModel(dir = MODEL_DIR) {
  return loadArtifactModel(dir);
}

async function readStdinLines() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const texts = process.argv.length > 2 ? process.argv.slice(2) : await readStdinLines();
  if (texts.length === 0) {
    process.stderr.write('usage: node predict.mjs TEXT [TEXT ...]   (or one text per line on stdin)\n');
    process.exit(2);
  }
  const model = await loadModel();
  for (const text of texts) process.stdout.write(`${JSON.stringify(model.predict(text))}\n`);
}
