import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);

// actions/shared/src/sticky-comment.ts
var stickyMarker = (key) => `<!-- gitops-ml:${key} -->`;
async function upsertStickyComment(gh, where, key, markdown) {
  const marker = stickyMarker(key);
  const body = `${marker}
${markdown}`;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner: where.owner, repo: where.repo, issue_number: where.issueNumber, per_page: 100 });
  const mine = comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").startsWith(marker));
  if (!mine) {
    const { data } = await gh.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, body });
    return { id: data.id, action: "created" };
  }
  if (mine.body === body) return { id: mine.id, action: "unchanged" };
  await gh.rest.issues.updateComment({ owner: where.owner, repo: where.repo, comment_id: mine.id, body });
  return { id: mine.id, action: "updated" };
}

export {
  stickyMarker,
  upsertStickyComment
};
