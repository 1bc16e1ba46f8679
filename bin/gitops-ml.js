#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (npm run build).
import { main } from '../dist/model/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`gitops-ml: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
