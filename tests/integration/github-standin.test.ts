import { GitHubStandIn } from '../helpers/github-standin.js';

// The stand-in is what makes the action tests worth something: prove it refuses what GitHub would.
describe('GitHub stand-in', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeAll(async () => {
    gh = new GitHubStandIn();
    api = await gh.start();
  });
  afterAll(async () => {
    await gh.close();
  });
  const call = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${api}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

  it('accepts a documented call with a valid body', async () => {
    const res = await call('POST', `/repos/acme/models/statuses/${'a'.repeat(40)}`, { state: 'success', context: 'gitops-ml/sign-off' });
    expect(res.status).toBe(201);
    expect(gh.statuses.at(-1)).toMatchObject({ state: 'success', context: 'gitops-ml/sign-off' });
    expect(gh.problems).toEqual([]);
  });

  it('refuses a body that does not match GitHub\'s OpenAPI schema, an unknown route and an unimplemented operation', async () => {
    expect((await call('POST', `/repos/acme/models/statuses/${'a'.repeat(40)}`, { state: 'ok' })).status).toBe(422);
    expect((await call('POST', '/repos/acme/models/issues/1/comments', { text: 'wrong field' })).status).toBe(422);
    expect((await call('GET', '/repos/acme/models/no-such-thing')).status).toBe(404);
    expect((await call('DELETE', '/repos/acme/models')).status).toBe(501);
    expect(gh.problems).toHaveLength(4);
    expect(gh.problems[0]).toMatch(/^repos\/create-commit-status: invalid body .*must be equal to one of the allowed values/);
    expect(gh.problems[1]).toMatch(/^issues\/create-comment: invalid body .*must have required property 'body'/);
    expect(gh.problems[2]).toBe('unknown route GET /repos/acme/models/no-such-thing');
    expect(gh.problems[3]).toMatch(/does not implement repos\/delete/);
    gh.problems.length = 0;
  });
});
