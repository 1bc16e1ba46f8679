import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formFields } from '../../actions/shared/src/advisor.js';
import { REPO_ROOT } from './datasets.js';

/** The fields of the committed new-model issue form. */
export const formFieldsOfRepo = formFields(parse(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8')) as Parameters<typeof formFields>[0]);

/** An issue body as GitHub renders a submitted issue form: "### <label>", blank line, answer. */
export function issueFormBody(answers: Record<string, string | undefined>): string {
  return formFieldsOfRepo.map((f) => `### ${f.label}\n\n${answers[f.id] ?? '_No response_'}`).join('\n\n');
}
