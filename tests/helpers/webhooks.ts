import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './datasets.js';

/** GitHub's own webhook examples (@octokit/webhooks-examples): the payloads tests feed the actions. */
interface Example {
  name: string;
  examples: Record<string, unknown>[];
}

let all: Example[] | undefined;

/** The first example of event `name` (with `action`, when given); throws if GitHub's examples no longer have it. */
export function webhookExample(name: string, action?: string): Record<string, unknown> {
  all ??= JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Example[];
  const found = all.find((e) => e.name === name)?.examples.find((x) => action === undefined || x.action === action);
  if (!found) throw new Error(`no "${name}${action ? `.${action}` : ''}" in @octokit/webhooks-examples`);
  return structuredClone(found);
}
