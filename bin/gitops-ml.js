#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (npm run build).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/model/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  // `npm ci` installs, it does not compile: say so instead of a module-not-found trace.
  console.error('gitops-ml: the CLI is not built (dist/ is missing): run `npm run build` after `npm ci`');
  process.exit(1);
}
const { main } = await import(entry.href);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`gitops-ml: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
