/**
 * The model PR's task checklist (the seed's tasks), kept in one sticky comment that the
 * orchestrator posts and every job ticks when it finishes. The comment is the state:
 * reading it back gives each task's status, so jobs in parallel only change their line.
 */
export const TASKS = [
  ['data', 'Data preparation'],
  ['train', 'Training'],
  ['evaluate', 'Evaluation'],
  ['api', 'API'],
  ['qa', 'QA'],
  ['security', 'Security review'],
  ['tech-lead', 'Tech-lead review'],
  ['docs', 'Docs'],
  ['deploy', 'Deployment'],
] as const;

export type TaskId = (typeof TASKS)[number][0];
export type TaskState = 'todo' | 'done' | 'failed';
export const CHECKLIST_KEY = 'checklist';

const MARK: Record<TaskState, string> = { todo: '- [ ]', done: '- [x]', failed: '- [ ] ❌' };

export function renderChecklist(states: Partial<Record<TaskId, TaskState>>, notes: Partial<Record<TaskId, string>> = {}): string {
  const lines = TASKS.map(([id, title]) => `${MARK[states[id] ?? 'todo']} ${title} <!-- task:${id} -->${notes[id] ? ` — ${notes[id]}` : ''}`);
  return `### Model tasks\n\n${lines.join('\n')}`;
}

/** Task states (and notes) read back from a rendered checklist. */
export function parseChecklist(markdown: string): { states: Partial<Record<TaskId, TaskState>>; notes: Partial<Record<TaskId, string>> } {
  const states: Partial<Record<TaskId, TaskState>> = {};
  const notes: Partial<Record<TaskId, string>> = {};
  for (const line of markdown.split('\n')) {
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored at line start, one `.*`; lines of the bot's own comment
    const m = /^- \[( |x)\] (❌ )?.*<!-- task:([\w-]+) -->(?: — (.*))?$/.exec(line);
    if (!m) continue;
    const id = m[3] as TaskId;
    if (!TASKS.some(([t]) => t === id)) continue;
    states[id] = m[1] === 'x' ? 'done' : m[2] ? 'failed' : 'todo';
    if (m[4]) notes[id] = m[4];
  }
  return { states, notes };
}
