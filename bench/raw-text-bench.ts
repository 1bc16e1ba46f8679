/**
 * `npm run bench:raw-text`: a trained model on SST-2 test as tokenised against the same
 * sentences as people write them, and rewritten as phones, chats and scraped pages send
 * them (curly quotes, lower case, capitals, links, emoji, HTML entities). MODEL_DIR picks
 * the artifact (default: the newest under model/artifacts). Prints one table; writes
 * reports/bench-raw-text.json. Not a test: no assertions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadArtifact, newestArtifactDir } from '../model/artifact/artifact.js';
import { measureRawText, rawTextTable } from './raw-text.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const dir = process.env.MODEL_DIR ?? newestArtifactDir(join(ROOT, 'model', 'artifacts'));
  if (!dir) throw new Error('no model artifact under model/artifacts: run `npm run pipeline` first (or set MODEL_DIR to an artifact directory)');
  const model = await loadArtifact(dir);
  const report = await measureRawText(model);
  process.stdout.write(`\n${model.name} ${model.version} (${dir}), SST-2 test, n=${report.n}\n\n${rawTextTable(report)}\n\n`);
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-raw-text.json', `${JSON.stringify({ model: { name: model.name, version: model.version, dir }, ...report }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:raw-text failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
