#!/usr/bin/env node
// Lays out every file the registry pins in the DATASETS_DIR layout under OUT_DIR, for a
// SRC_DIR that holds the canonical members (SRC_DIR/canonical, as scripts/canonical-members.mjs
// writes them) but may predate a file the registry added since. Files SRC_DIR has are
// verified and copied; the others are built from the canonical members, served on loopback
// as a mirror (GITOPS_ML_CANONICAL_MIRROR), so they pass the same member and output checks
// as a download. SRC_DIR's SHA256SUMS and canonical/ are linked as they are. The test suite's
// CI uses it; a team training models never needs it. Needs `npm run build`.
import { mkdir, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fetchDatasets } from '../dist/model/data/fetch.js';
import { CanonicalMirror } from '../dist/rehearsal/datasets-mirror.js';

const [src, out] = process.argv.slice(2).map((p) => resolve(p));
if (!src || !out) {
  console.error('usage: node scripts/complete-datasets-dir.mjs SRC_DIR OUT_DIR');
  process.exit(2);
}
if (!existsSync(join(src, 'canonical'))) {
  console.error(`${src}/canonical not found: it must hold the canonical archives' members`);
  process.exit(1);
}
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const mirror = await new CanonicalMirror(join(src, 'canonical')).serveAll().start();
try {
  const env = { ...process.env, DATASETS_DIR: src, GITOPS_ML_CANONICAL_MIRROR: mirror.url };
  // A private cache: nothing built here is left in the user's.
  await fetchDatasets({ env, out, cacheDir: join(out, '.cache'), onFile: (l) => console.error(l) });
} finally {
  await mirror.stop();
}
// The reference's own list, not the one fetchDatasets writes: tests compare the registry against it.
await rm(join(out, 'SHA256SUMS'), { force: true });
for (const extra of ['canonical', 'SHA256SUMS', 'README.md']) {
  if (existsSync(join(src, extra))) await symlink(join(src, extra), join(out, extra));
}
