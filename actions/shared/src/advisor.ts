import { DATASET_REGISTRY } from '../../../model/data/registry.js';

/**
 * The advisor's reading of a "new model" issue: the issue form's answers (GitHub renders
 * them as `### <label>` sections), checked field by field and against each other. It
 * either accepts the request, with a recommendation, or asks specific questions.
 */

export interface FormField {
  id: string;
  label: string;
  required: boolean;
  options?: string[];
}

/** The fields of `.github/ISSUE_TEMPLATE/new-model.yml` (parsed YAML), so labels are defined once. */
export function formFields(form: { body: { type: string; id?: string; attributes?: { label?: string; options?: string[] }; validations?: { required?: boolean } }[] }): FormField[] {
  return form.body
    .filter((b) => b.type !== 'markdown' && b.id && b.attributes?.label)
    .map((b) => ({ id: b.id as string, label: b.attributes?.label as string, required: b.validations?.required === true, ...(b.attributes?.options ? { options: b.attributes.options } : {}) }));
}

/** Answers by field id; a field left empty ("_No response_") or missing is absent. */
export function parseIssueForm(body: string, fields: readonly FormField[]): Record<string, string> {
  const byLabel = new Map(fields.map((f) => [f.label.toLowerCase(), f.id]));
  const answers: Record<string, string> = {};
  const sections = `\n${body.replace(/\r\n/g, '\n')}`.split(/\n### /).slice(1);
  for (const section of sections) {
    const nl = section.indexOf('\n');
    const label = (nl < 0 ? section : section.slice(0, nl)).trim().toLowerCase();
    const value = nl < 0 ? '' : section.slice(nl + 1).trim();
    const id = byLabel.get(label);
    if (id && value && value !== '_No response_') answers[id] = value;
  }
  return answers;
}

export interface ModelRequest {
  slug: string;
  goal: string;
  dataset: { kind: 'registry' | 'path' | 'url'; ref: string };
  targetAccuracy: number;
  targetF1?: number;
  latencyBudgetMs: number;
  architecture: 'auto' | 'bigru' | 'cnn';
  notes?: string;
}

export interface Advice {
  accepted: boolean;
  questions: string[];
  request?: ModelRequest;
  recommendation?: { architecture: 'bigru' | 'cnn'; reason: string; estimatedTrainingMinutes: number };
}

/** "0.86", "86%", "86" → 0.86; undefined when it is not a share in (0, 1]. */
export function parseShare(text: string): number | undefined {
  // Trimmed first: `\s*(%)?\s*$` on untrusted issue text backtracks quadratically
  // (30k spaces took 0.6 s), which eslint-plugin-security flagged.
  const m = /^([\d.]+)\s*(%)?$/.exec(text.trim());
  if (!m) return undefined;
  let v = Number(m[1]);
  if (Number.isNaN(v)) return undefined;
  if (m[2] || v > 1) v /= 100;
  return v > 0 && v <= 1 ? v : undefined;
}

const SENTIMENT_DATASETS = Object.values(DATASET_REGISTRY as Record<string, { name: string; kind: string }>)
  .filter((d) => d.kind === 'sentiment')
  .map((d) => d.name);

// Measured on this template's default pipeline (README, "The model"): what a request can expect.
const REACHABLE_ACCURACY = 0.9;
const BIGRU_P50_MS = 0.5;
const TRAIN_MINUTES = { bigru: 5, cnn: 3 } as const;

export function advise(answers: Record<string, string>, fields: readonly FormField[]): Advice {
  const questions: string[] = [];
  const label = (id: string): string => fields.find((f) => f.id === id)?.label ?? id;
  for (const f of fields) if (f.required && !answers[f.id]) questions.push(`**${f.label}** is empty: please fill it in.`);

  const rawName = answers.name ?? '';
  const slug = rawName.trim().toLowerCase();
  // eslint-disable-next-line security/detect-unsafe-regex -- the inner repetition is bounded ({0,38})
  if (rawName && !/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug)) questions.push(`**${label('name')}** "${rawName}" cannot name a branch: use lower-case letters, digits and hyphens (at most 40), e.g. \`${slug.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'my-model'}\`.`);

  const goal = answers.goal ?? '';
  if (goal && goal.length < 20) questions.push(`**${label('goal')}** is very short: what does the model decide, for whom, and what does a wrong answer cost?`);

  let dataset: ModelRequest['dataset'] | undefined;
  const ds = (answers.dataset ?? '').trim();
  if (ds) {
    if (SENTIMENT_DATASETS.includes(ds)) dataset = { kind: 'registry', ref: ds };
    else if (/^https:\/\/\S+$/.test(ds)) dataset = { kind: 'url', ref: ds };
    else if (/^[\w./-]+\.(tsv|csv|jsonl)$/.test(ds) && !ds.split('/').includes('..') && !ds.startsWith('/')) dataset = { kind: 'path', ref: ds };
    else questions.push(`**${label('dataset')}** "${ds}" is not a sentiment dataset of the registry (${SENTIMENT_DATASETS.join(', ')}), a repository path to a .tsv/.csv/.jsonl file, or an https URL.`);
  }

  let targetAccuracy: number | undefined;
  if (answers['target-accuracy']) {
    targetAccuracy = parseShare(answers['target-accuracy']);
    if (targetAccuracy === undefined) questions.push(`**${label('target-accuracy')}** "${answers['target-accuracy']}" is not a share: write it like 0.86 or 86%.`);
    else if (targetAccuracy > REACHABLE_ACCURACY) questions.push(`**${label('target-accuracy')}** ${targetAccuracy} is above what this template's models reach (about 0.86 on SST-2). Is a lower target acceptable, or is a larger model out of this template's scope worth it?`);
  }
  let targetF1: number | undefined;
  if (answers['target-f1']) {
    targetF1 = parseShare(answers['target-f1']);
    if (targetF1 === undefined) questions.push(`**${label('target-f1')}** "${answers['target-f1']}" is not a share: write it like 0.85 or 85%.`);
  }

  let latencyBudgetMs: number | undefined;
  if (answers['latency-budget']) {
    const m = /^([\d.]+)\s*(ms)?$/i.exec(answers['latency-budget'].trim());
    latencyBudgetMs = m && !Number.isNaN(Number(m[1])) ? Number(m[1]) : undefined;
    if (latencyBudgetMs === undefined || latencyBudgetMs <= 0) questions.push(`**${label('latency-budget')}** "${answers['latency-budget']}" is not a number of milliseconds.`);
  }

  const archText = (answers.architecture ?? 'auto').split(' ')[0] as string;
  const architecture = (['auto', 'bigru', 'cnn'].includes(archText) ? archText : 'auto') as ModelRequest['architecture'];
  // Contradiction: the recurrent model cannot answer within a sub-half-millisecond budget.
  if (architecture === 'bigru' && latencyBudgetMs !== undefined && latencyBudgetMs < BIGRU_P50_MS) {
    questions.push(`**${label('architecture')}** bigru and a latency budget of ${latencyBudgetMs} ms contradict each other: bigru takes about ${BIGRU_P50_MS} ms per text. Raise the budget or choose cnn.`);
  }

  if (questions.length > 0 || !dataset || targetAccuracy === undefined || latencyBudgetMs === undefined) return { accepted: false, questions };
  const chosen = architecture === 'auto' ? (latencyBudgetMs < 2 * BIGRU_P50_MS ? 'cnn' : 'bigru') : architecture;
  const reason =
    architecture !== 'auto'
      ? 'as requested'
      : chosen === 'bigru'
        ? `the most accurate model here (0.865 on SST-2) fits the ${latencyBudgetMs} ms budget`
        : `the ${latencyBudgetMs} ms budget is tight for bigru (~${BIGRU_P50_MS} ms per text)`;
  return {
    accepted: true,
    questions: [],
    request: { slug, goal, dataset, targetAccuracy, ...(targetF1 !== undefined ? { targetF1 } : {}), latencyBudgetMs, architecture, ...(answers.notes ? { notes: answers.notes } : {}) },
    recommendation: { architecture: chosen, reason, estimatedTrainingMinutes: TRAIN_MINUTES[chosen] },
  };
}

export function adviceMarkdown(a: Advice): string {
  if (!a.accepted || !a.request || !a.recommendation) {
    return `### 🔎 The advisor needs a few answers\n\n${a.questions.map((q) => `- ${q}`).join('\n')}\n\nEdit the issue to answer; the advisor reads it again on every edit.`;
  }
  const r = a.request;
  return [
    '### ✅ Request accepted',
    '',
    '| field | value |',
    '| --- | --- |',
    `| model | \`${r.slug}\` (branch \`model/${r.slug}\`) |`,
    `| dataset | ${r.dataset.kind} \`${r.dataset.ref}\` |`,
    `| target accuracy | ${r.targetAccuracy} |`,
    ...(r.targetF1 !== undefined ? [`| target macro-F1 | ${r.targetF1} |`] : []),
    `| latency budget | ${r.latencyBudgetMs} ms |`,
    `| architecture | ${a.recommendation.architecture} (${a.recommendation.reason}) |`,
    `| estimated training | about ${a.recommendation.estimatedTrainingMinutes} min on a 2-core runner |`,
    '',
    'The orchestrator opens the model pull request next.',
  ].join('\n');
}
