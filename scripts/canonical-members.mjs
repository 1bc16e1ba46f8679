#!/usr/bin/env node
// Lays out the canonical archives' members byte for byte as <out>/canonical/<archive file>/<member>,
// the folder the dataset tests build their fixture archives from. CI on GitHub uses it (the
// repository's own test suite); a team training models never needs it. Needs `npm run build`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { extractMembers } from '../dist/model/data/archive.js';
import { canonicalUrl, CANONICAL_MIRROR_ENV } from '../dist/model/data/canonical.js';
import { downloadFile } from '../dist/model/data/download.js';
import { CANONICAL_ARCHIVES, DATASET_REGISTRY } from '../dist/model/data/registry.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/canonical-members.mjs OUT_DIR');
  process.exit(2);
}
const tmp = await mkdtemp(join(tmpdir(), 'canonical-'));
try {
  for (const [name, archive] of Object.entries(CANONICAL_ARCHIVES)) {
    const members = Object.values(DATASET_REGISTRY)
      .flatMap((e) => Object.values(e.files))
      .filter((f) => f.source?.archive === name)
      .flatMap((f) => f.source.members);
    const { url, viaMirror } = canonicalUrl(archive, process.env[CANONICAL_MIRROR_ENV]);
    const file = join(tmp, basename(new URL(archive.url).pathname));
    await downloadFile(url, file, { expectedSha256: viaMirror ? undefined : archive.sha256, maxBytes: archive.maxBytes });
    const found = await extractMembers(file, archive.format, members, url);
    for (const [path, bytes] of found) {
      const dest = join(out, 'canonical', basename(new URL(archive.url).pathname), path);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, bytes);
      console.error(`${url} → ${dest}`);
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
