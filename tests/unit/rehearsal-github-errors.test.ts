import { ERRORS, LocalGitHubError, PROTECTED_BRANCHES_DOC, ghError, isLocalGitHubError, validationError } from '../../rehearsal/github/errors.js';
import { allOperationIds, matchRoute, operation, validateBody } from '../../rehearsal/github/openapi.js';

describe('error catalogue', () => {
  it('gives every code an HTTP status and a message', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect([code, spec.status >= 400 && spec.status < 600]).toEqual([code, true]);
      expect(typeof spec.message({})).toBe('string');
    }
  });

  it('builds GitHub\'s body: message, errors when GitHub sends them, the operation\'s docs link unless the error has its own', () => {
    expect(ghError('GH_SHA_MISMATCH', { path: 'a.md', sha: 'abc' }).body('https://docs.github.com/rest/repos/contents#create-or-update-file-contents')).toEqual({ message: 'a.md does not match abc', documentation_url: 'https://docs.github.com/rest/repos/contents#create-or-update-file-contents', status: '409' });
    expect(ghError('GH_MERGE_BLOCKED', { reason: 'Required status check "x" is expected.' }).body('ignored')).toMatchObject({ message: 'Required status check "x" is expected.', documentation_url: PROTECTED_BRANCHES_DOC });
    expect(ghError('GH_SELF_APPROVAL').body()).toMatchObject({ message: 'Unprocessable Entity', errors: ['Can not approve your own pull request'] });
    expect(validationError([{ field: 'body', code: 'missing_field' }]).body()).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] });
  });

  it('is a typed value callers test by code', () => {
    const e = ghError('GH_PUSH_PROTECTED', { ref: 'refs/heads/main' }, ['', '- Changes must be made through a pull request.']);
    expect(e).toBeInstanceOf(LocalGitHubError);
    expect(isLocalGitHubError(e, 'GH_PUSH_PROTECTED')).toBe(true);
    expect(isLocalGitHubError(e, 'GH_NOT_FOUND')).toBe(false);
    expect([e.message, e.details]).toEqual(['GH006: Protected branch update failed for refs/heads/main.', ['', '- Changes must be made through a pull request.']]);
  });
});

describe('OpenAPI routing and bodies', () => {
  it('routes content paths and git refs that hold slashes, encoded or not', () => {
    expect(matchRoute('GET', '/repos/acme/models/contents/model/specs/x.json')).toMatchObject({ op: { operationId: 'repos/get-content' }, params: { owner: 'acme', repo: 'models', path: 'model/specs/x.json' } });
    expect(matchRoute('GET', '/repos/acme/models/contents/model%2Fspecs%2Fx.json')?.params.path).toBe('model/specs/x.json');
    expect(matchRoute('GET', '/repos/acme/models/git/ref/heads%2Fmodel%2Fx')?.params.ref).toBe('heads/model/x');
    expect(matchRoute('PATCH', '/repos/acme/models/git/refs/heads/model/x')?.op.operationId).toBe('git/update-ref');
    expect(matchRoute('GET', '/repos/acme/models/contents/')).toMatchObject({ op: { operationId: 'repos/get-content' }, params: { path: '' } });
  });

  it('prefers literal segments (pulls/comments is not pull number "comments") and knows nothing GitHub does not', () => {
    expect(matchRoute('GET', '/repos/acme/models/pulls/comments')?.op.operationId).toBe('pulls/list-review-comments-for-repo');
    expect(matchRoute('GET', '/repos/acme/models/pulls/3')?.op.operationId).toBe('pulls/get');
    expect(matchRoute('GET', '/repos/acme/models/nonsense')).toBeUndefined();
    expect(allOperationIds().length).toBeGreaterThan(900);
  });

  it('validates bodies against GitHub\'s schema (enums, required fields, nullable ones)', () => {
    const status = operation('repos/create-commit-status');
    if (!status) throw new Error('no operation');
    expect(validateBody(status, { state: 'success', context: 'x' })).toBeUndefined();
    expect(validateBody(status, { state: 'ok' })?.text).toMatch(/must be equal to one of the allowed values/);
    const protection = operation('repos/update-branch-protection');
    if (!protection) throw new Error('no operation');
    expect(validateBody(protection, { required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null, restrictions: null })).toBeUndefined();
    expect(validateBody(protection, { enforce_admins: true })?.text).toMatch(/required property 'required_status_checks'/);
  });
});
