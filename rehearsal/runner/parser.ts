import { register } from 'node:module';
import type * as WorkflowParser from '@actions/workflow-parser';
import type * as ActionParser from '@actions/workflow-parser/actions/index';

/**
 * GitHub's own parser (@actions/workflow-parser) imports its JSON schemas without an
 * import attribute, which Node 20's loader refuses (ERR_IMPORT_ATTRIBUTE_MISSING). A
 * loader hook that adds `type: 'json'` to JSON imports lets the compiled product load it;
 * under jest the VM loader already handles JSON, and the hook is inert there. The hook is
 * a data: URL so it exists wherever this module was compiled to.
 */
const JSON_HOOK = [
  'export async function load(url, context, nextLoad) {',
  "  if (url.endsWith('.json')) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });",
  '  return nextLoad(url, context);',
  '}',
].join('\n');

const HOOK_FLAG = Symbol.for('gitops-ml.rehearsal.json-import-hook');

function ensureJsonHook(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[HOOK_FLAG]) return;
  g[HOOK_FLAG] = true;
  register(`data:text/javascript,${encodeURIComponent(JSON_HOOK)}`);
}

let workflowParser: Promise<typeof WorkflowParser> | undefined;
let actionParser: Promise<typeof ActionParser> | undefined;

export function loadWorkflowParser(): Promise<typeof WorkflowParser> {
  ensureJsonHook();
  workflowParser ??= import('@actions/workflow-parser');
  return workflowParser;
}

export function loadActionParser(): Promise<typeof ActionParser> {
  ensureJsonHook();
  actionParser ??= import('@actions/workflow-parser/actions/index');
  return actionParser;
}
