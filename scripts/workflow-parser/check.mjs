#!/usr/bin/env node
// Parses workflows with GitHub's own parser (@actions/workflow-parser) and prints
// {"file": ["error", …]} as JSON; exit 1 when any file has errors.
//   node --import ./scripts/workflow-parser/register.mjs scripts/workflow-parser/check.mjs [FILE…]
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

const files = process.argv.slice(2);
if (files.length === 0) {
  const dir = join(process.cwd(), '.github', 'workflows');
  for (const f of readdirSync(dir)) if (/\.ya?ml$/.test(f)) files.push(join(dir, f));
}
const report = {};
for (const file of files) {
  const parsed = parseWorkflow({ name: basename(file), content: readFileSync(file, 'utf8') }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: 1 });
  report[file] = parsed.context.errors.getErrors().map((e) => e.message);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(Object.values(report).some((e) => e.length > 0) ? 1 : 0);
