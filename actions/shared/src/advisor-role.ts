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
 * GitHub renders a form's fields as `### <label>` headings, so the first field's heading
 * marks an issue filed through the form even when GitHub dropped the form's label (it
 * applies only labels that already exist in the repository).
 */
export function filedThroughForm(body: string | null | undefined, fields: readonly FormField[]): boolean {
  const first = fields[0];
  return first !== undefined && (body ?? '').split('\n').some((l) => l.trim() === `### ${first.label}`);
}

/**
 * The advisor on one issue: issues labelled new-model or filed through the form (then it
 * adds the label, which the REST API creates if missing); posts (or updates) its
 * analysis as the sticky comment and leaves exactly one of the labels accepted /
 * needs-info, so an edited issue is re-read and the labels follow the answer.
 */
export async function runAdvisor(gh: GitHub, where: RepoRef, issue: IssueLike, config: GitopsConfig, fields: readonly FormField[]): Promise<Advice | undefined> {
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  const labelled = labels.includes(config.labels.new_model);
  if (!labelled && !filedThroughForm(issue.body, fields)) return undefined;
  const advice = advise(parseIssueForm(issue.body ?? '', fields), fields);
  await upsertStickyComment(gh, { ...where, issueNumber: issue.number }, 'advisor', adviceMarkdown(advice));
  const [add, remove] = advice.accepted ? [config.labels.accepted, config.labels.needs_info] : [config.labels.needs_info, config.labels.accepted];
  const toAdd = [...(labelled ? [] : [config.labels.new_model]), ...(labels.includes(add) ? [] : [add])];
  if (toAdd.length > 0) await gh.rest.issues.addLabels({ ...where, issue_number: issue.number, labels: toAdd });
  if (labels.includes(remove)) await gh.rest.issues.removeLabel({ ...where, issue_number: issue.number, name: remove });
  return advice;
}
