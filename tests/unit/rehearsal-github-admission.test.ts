import { admit, REASON_MERGE_CONFLICT, REASON_PR_APPROVAL, REASON_TOKEN_EVENT } from '../../rehearsal/github/admission.js';

const person = { login: 'dev', workflowToken: false };
const bot = { login: 'github-actions[bot]', workflowToken: true };

describe('run admission', () => {
  it('runs what people cause', () => {
    for (const name of ['push', 'issues', 'issue_comment', 'pull_request', 'pull_request_review', 'release', 'check_run']) expect(admit({ name, action: 'opened', actor: person })).toEqual({ kind: 'run' });
  });

  it('starts nothing for events caused by GITHUB_TOKEN, with the reason', () => {
    for (const [name, action] of [
      ['push', undefined],
      ['issues', 'labeled'],
      ['issue_comment', 'created'],
      ['pull_request_review', 'submitted'],
      ['check_run', 'completed'],
      ['status', undefined],
      ['release', 'published'],
      ['deployment_status', 'created'],
    ] as const)
      expect(admit({ name, ...(action ? { action } : {}), actor: bot })).toEqual({ kind: 'none', reason: REASON_TOKEN_EVENT });
  });

  it('except workflow_dispatch and repository_dispatch', () => {
    expect(admit({ name: 'workflow_dispatch', actor: bot })).toEqual({ kind: 'run' });
    expect(admit({ name: 'repository_dispatch', action: 'deploy', actor: bot })).toEqual({ kind: 'run' });
  });

  it('since 2026: a pull request a workflow opens, synchronizes or reopens waits for approval; its other activity types still start nothing', () => {
    for (const action of ['opened', 'synchronize', 'reopened']) expect(admit({ name: 'pull_request', action, actor: bot })).toEqual({ kind: 'approval_required', reason: REASON_PR_APPROVAL });
    for (const action of ['labeled', 'edited', 'closed']) expect(admit({ name: 'pull_request', action, actor: bot })).toEqual({ kind: 'none', reason: REASON_TOKEN_EVENT });
  });

  it('runs no pull_request workflow when the pull request does not merge cleanly, whoever caused it', () => {
    expect(admit({ name: 'pull_request', action: 'synchronize', actor: person, mergeable: false })).toEqual({ kind: 'none', reason: REASON_MERGE_CONFLICT });
    expect(admit({ name: 'pull_request', action: 'synchronize', actor: person, mergeable: true })).toEqual({ kind: 'run' });
  });
});
