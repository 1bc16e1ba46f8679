import { parseChecklist, renderChecklist, TASKS } from '../../actions/shared/src/checklist.js';

describe('task checklist', () => {
  it('lists the seed tasks unticked', () => {
    const md = renderChecklist({});
    expect(md.split('\n').filter((l) => l.startsWith('- [ ] '))).toHaveLength(TASKS.length);
    expect(md).toContain('- [ ] Security review <!-- task:security -->');
  });

  it('round-trips states and notes, so a job changes only its own line', () => {
    const md = renderChecklist({ data: 'done', train: 'done', evaluate: 'failed' }, { evaluate: 'accuracy 0.84 < 0.85' });
    expect(md).toContain('- [x] Training <!-- task:train -->');
    expect(md).toContain('- [ ] ❌ Evaluation <!-- task:evaluate --> — accuracy 0.84 < 0.85');
    const back = parseChecklist(md);
    expect(back.states).toEqual({ data: 'done', train: 'done', evaluate: 'failed', api: 'todo', qa: 'todo', security: 'todo', 'tech-lead': 'todo', docs: 'todo', deploy: 'todo' });
    expect(renderChecklist(back.states, back.notes)).toBe(md);
  });

  it('ignores lines that are not its tasks', () => {
    expect(parseChecklist('- [x] something else\n- [x] Fake <!-- task:nope -->').states).toEqual({});
  });
});
