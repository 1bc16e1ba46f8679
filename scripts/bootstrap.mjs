#!/usr/bin/env node
// Makes `npm run pipeline` and `npm test` work on a fresh clone: install the locked
// dependencies when they are missing or older than the lockfile, then compile.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const stamp = 'node_modules/.package-lock.json';
if (!existsSync(stamp) || statSync(stamp).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.error('[bootstrap] installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
run('npx tsc -p tsconfig.build.json');
