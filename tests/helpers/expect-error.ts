import { GitopsMlError } from '../../model/errors.js';

/** `fn` throws a GitopsMlError with this code and a message matching `pattern`. */
export function expectGitopsError(fn: () => unknown, code: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GitopsMlError);
  expect((caught as GitopsMlError).code).toBe(code);
  expect((caught as Error).message).toMatch(pattern);
}
