import { parse } from 'yaml';
import { ghError } from './errors.js';

/**
 * How GitHub turns a submitted issue form (`.github/ISSUE_TEMPLATE/*.yml`) into an issue:
 * each field becomes `### <label>`, a blank line and the answer; an empty optional field
 * reads `_No response_`; checkboxes become a task list (`- [X] label` / `- [ ] label`);
 * a textarea with `render:` is fenced as code; markdown blocks are not part of the body.
 * The form's top-level `labels:` are applied only when each label already exists in the
 * repository (docs.github.com "Syntax for issue forms"; github/docs#25277): the caller
 * filters them, since only the repository knows its labels.
 */

export interface FormElement {
  type: 'markdown' | 'input' | 'textarea' | 'dropdown' | 'checkboxes';
  id?: string;
  attributes?: {
    label?: string;
    options?: (string | { label: string; required?: boolean })[];
    multiple?: boolean;
    default?: number;
    render?: string;
    value?: string;
  };
  validations?: { required?: boolean };
}

export interface IssueForm {
  name: string;
  description?: string;
  title?: string;
  labels?: string[] | string;
  assignees?: string[] | string;
  body: FormElement[];
}

/** An answer per field id: text, a dropdown choice (option text or index), or the checked checkbox labels. */
export type FormAnswers = Readonly<Record<string, string | number | readonly string[] | readonly number[] | undefined>>;

export interface RenderedIssue {
  title: string;
  body: string;
  /** The form's labels, before the repository drops the ones it does not have. */
  labels: string[];
  assignees: string[];
}

const list = (v: string[] | string | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter(Boolean));

export function parseIssueForm(yamlText: string, path: string): IssueForm {
  const form = parse(yamlText) as IssueForm | null;
  if (!form || !Array.isArray(form.body)) throw ghError('GH_INVALID_FORM', { reason: `${path} is not an issue form (no body: list)` });
  return form;
}

const NO_RESPONSE = '_No response_';

function optionLabel(o: string | { label: string }): string {
  return typeof o === 'string' ? o : o.label;
}

function pick(options: readonly string[], a: string | number): string {
  if (typeof a === 'number') {
    const o = options[a];
    if (o === undefined) throw ghError('GH_INVALID_FORM', { reason: `option ${a} does not exist (${options.length} options)` });
    return o;
  }
  if (!options.includes(a)) throw ghError('GH_INVALID_FORM', { reason: `"${a}" is not one of the options: ${options.join(' | ')}` });
  return a;
}

/** The issue GitHub creates from the form and the answers; refuses what the form's UI would not submit. */
export function renderIssueForm(form: IssueForm, answers: FormAnswers, title?: string): RenderedIssue {
  const known = new Set(form.body.map((e) => e.id).filter((id): id is string => id !== undefined));
  const stray = Object.keys(answers).filter((k) => !known.has(k));
  if (stray.length) throw ghError('GH_INVALID_FORM', { reason: `the form has no field ${stray.map((s) => `"${s}"`).join(', ')}` });
  const sections: string[] = [];
  for (const el of form.body) {
    if (el.type === 'markdown') continue;
    const label = el.attributes?.label ?? el.id ?? '';
    const required = el.validations?.required === true;
    const answer = el.id !== undefined ? answers[el.id] : undefined;
    let value: string;
    if (el.type === 'checkboxes') {
      const options = (el.attributes?.options ?? []).map(optionLabel);
      const checked = new Set((Array.isArray(answer) ? answer : answer === undefined ? [] : [answer]).map((a) => pick(options, a as string | number)));
      const mustCheck = (el.attributes?.options ?? []).filter((o) => typeof o !== 'string' && o.required).map(optionLabel);
      const unchecked = mustCheck.filter((o) => !checked.has(o));
      if (unchecked.length) throw ghError('GH_INVALID_FORM', { reason: `"${label}": "${unchecked.join('", "')}" must be checked` });
      value = options.map((o) => `- [${checked.has(o) ? 'X' : ' '}] ${o}`).join('\n');
    } else if (el.type === 'dropdown') {
      const options = (el.attributes?.options ?? []).map(optionLabel);
      const chosen = answer === undefined || answer === '' ? (el.attributes?.default !== undefined ? [pick(options, el.attributes.default)] : []) : (Array.isArray(answer) ? answer : [answer]).map((a) => pick(options, a as string | number));
      if (chosen.length > 1 && el.attributes?.multiple !== true) throw ghError('GH_INVALID_FORM', { reason: `"${label}" takes one option` });
      if (required && chosen.length === 0) throw ghError('GH_INVALID_FORM', { reason: `"${label}" is required` });
      value = chosen.length ? chosen.join(', ') : NO_RESPONSE;
    } else {
      if (Array.isArray(answer)) throw ghError('GH_INVALID_FORM', { reason: `"${label}" takes text` });
      const text = answer === undefined ? (el.attributes?.value ?? '') : String(answer);
      if (required && text.trim() === '') throw ghError('GH_INVALID_FORM', { reason: `"${label}" is required` });
      value = text.trim() === '' ? NO_RESPONSE : el.type === 'textarea' && el.attributes?.render ? `\`\`\`${el.attributes.render}\n${text}\n\`\`\`` : text;
    }
    sections.push(`### ${label}\n\n${value}`);
  }
  const finalTitle = title ?? form.title ?? '';
  if (finalTitle.trim() === '') throw ghError('GH_INVALID_FORM', { reason: 'an issue needs a title' });
  return { title: finalTitle, body: sections.join('\n\n'), labels: list(form.labels), assignees: list(form.assignees) };
}
