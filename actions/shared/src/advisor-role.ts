import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { GitopsMlError } from '../../../model/errors.js';
import { advise, adviceMarkdown, formFields, parseIssueForm } from './advisor.js';
import type { Advice, FormField } from './advisor.js';
import type { GitopsConfig } from './config.js';
import type { GitHub, RepoRef } from './github.js';
import { upsertStickyComment } from './sticky-comment.js';

export const FORM_PATH = '.github/ISSUE_TEMPLATE/new-model.yml';

export function loadFormFields(path = FORM_PATH): FormField[] {
  try {
    return formFields(parse(readFileSync(path, 'utf8')) as Parameters<typeof formFields>[0]);
  } catch (err) {
    throw new GitopsMlError('E_FORM', `${path}: cannot read the new-model issue form (${err instanceof Error ? err.message : String(err)})`);
  }
}

export interface IssueLike {
  number: number;
  body?: string | null;
  labels?: ({ name?: string } | string)[];
}

/**
 * The advisor on one issue: only issues labelled new-model; posts (or updates) its
 * analysis as the sticky comment and leaves exactly one of the labels accepted /
 * needs-info, so an edited issue is re-read and the labels follow the answer.
 */
export async function runAdvisor(gh: GitHub, where: RepoRef, issue: IssueLike, config: GitopsConfig, fields: readonly FormField[]): Promise<Advice | undefined> {
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (!labels.includes(config.labels.new_model)) return undefined;
  const advice = advise(parseIssueForm(issue.body ?? '', fields), fields);
  await upsertStickyComment(gh, { ...where, issueNumber: issue.number }, 'advisor', adviceMarkdown(advice));
  const [add, remove] = advice.accepted ? [config.labels.accepted, config.labels.needs_info] : [config.labels.needs_info, config.labels.accepted];
  if (!labels.includes(add)) await gh.rest.issues.addLabels({ ...where, issue_number: issue.number, labels: [add] });
  if (labels.includes(remove)) await gh.rest.issues.removeLabel({ ...where, issue_number: issue.number, name: remove });
  return advice;
}
