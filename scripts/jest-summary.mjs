#!/usr/bin/env node
// Prints "N passed, N failed" from jest's --json output (suites that failed to run count as failures).
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/jest-results.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
