import { Octokit } from '@octokit/rest';

/** The REST client every action uses; GITHUB_API_URL lets it talk to GHES (or a test's stand-in). */
export function createClient(token: string, baseUrl = process.env.GITHUB_API_URL ?? 'https://api.github.com'): Octokit {
  // Failed requests are thrown to the caller, which decides (a 404 is often an expected "not there yet"); no log line per failure.
  const quiet = (): void => undefined;
  return new Octokit({ auth: token, baseUrl, userAgent: 'gitops-ml', log: { debug: quiet, info: quiet, warn: (m: string) => console.warn(m), error: quiet } });
}

export type GitHub = Octokit;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Logins for a list of principals: plain logins as they are, `org/team` slugs expanded to the team's members. */
export async function expandPrincipals(gh: GitHub, principals: readonly string[]): Promise<string[]> {
  const logins = new Set<string>();
  for (const p of principals) {
    const slash = p.indexOf('/');
    if (slash < 0) {
      logins.add(p);
      continue;
    }
    const members = await gh.paginate(gh.rest.teams.listMembersInOrg, { org: p.slice(0, slash), team_slug: p.slice(slash + 1), per_page: 100 });
    for (const m of members) if (m) logins.add(m.login);
  }
  return [...logins];
}
