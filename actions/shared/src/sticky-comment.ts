import type { GitHub, RepoRef } from './github.js';

/** The hidden marker that identifies the comment a role owns on an issue or PR. */
export const stickyMarker = (key: string): string => `<!-- gitops-ml:${key} -->`;

/**
 * Creates the role's comment, or updates it in place: found by its hidden marker among
 * comments written by a bot (a person quoting the marker does not hijack it), never
 * duplicated, and not rewritten when nothing changed.
 */
export async function upsertStickyComment(gh: GitHub, where: RepoRef & { issueNumber: number }, key: string, markdown: string): Promise<{ id: number; action: 'created' | 'updated' | 'unchanged' }> {
  const marker = stickyMarker(key);
  const body = `${marker}\n${markdown}`;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner: where.owner, repo: where.repo, issue_number: where.issueNumber, per_page: 100 });
  const mine = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
  if (!mine) {
    const { data } = await gh.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, body });
    return { id: data.id, action: 'created' };
  }
  if (mine.body === body) return { id: mine.id, action: 'unchanged' };
  await gh.rest.issues.updateComment({ owner: where.owner, repo: where.repo, comment_id: mine.id, body });
  return { id: mine.id, action: 'updated' };
}
