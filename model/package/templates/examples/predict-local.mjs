// Predicts in-process, without the service: the package's loader (../predict.mjs) runs
// the same tokenizer and model code as the service. Needs `npm install` in the package.
//
//   node examples/predict-local.mjs "a text" ["another text" ...]
import { loadModel } from '../predict.mjs';

const texts = process.argv.length > 2 ? process.argv.slice(2) : ['A gorgeous, heartfelt film with terrific performances.', 'The plot was predictable and the acting was wooden.'];

const started = performance.now();
const model = await loadModel(); // verifies model/ against its manifest.json, then decodes the weights
process.stderr.write(`loaded ${model.name} ${model.version} in ${(performance.now() - started).toFixed(0)} ms\n`);

for (const [i, p] of model.predictBatch(texts).entries()) {
  process.stdout.write(`${JSON.stringify({ text: texts[i], ...p })}\n`);
}
