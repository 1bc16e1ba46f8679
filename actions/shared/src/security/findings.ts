/**
 * What every part of the security review (dependency audit, secret scan, static
 * analysis, licences, artifact integrity) reports: findings in one shape, so the role
 * can fold them into one check run and one SARIF file for code scanning.
 */

/** SARIF's result levels: `error` blocks the sign-off, `warning` and `note` are shown only. */
export type Level = 'error' | 'warning' | 'note';

export interface Finding {
  /** Stable rule id, e.g. `secret/github-token`, `audit/GHSA-xxxx`, `license/not-allowed`. */
  ruleId: string;
  level: Level;
  /** One sentence a reviewer can act on; never contains the secret value itself. */
  message: string;
  /** Repository-relative path; for dependency findings, `package-lock.json`. */
  path?: string;
  line?: number;
}

/**
 * A part's outcome. `unavailable` is distinct from both: the check could not be made
 * (e.g. the registry refused `npm audit`), which is never reported as a pass.
 */
export type Outcome = 'pass' | 'fail' | 'unavailable';

export interface PartResult {
  part: 'audit' | 'secrets' | 'static-analysis' | 'licenses' | 'workflows' | 'artifact';
  outcome: Outcome;
  /** One line for the check run's table. */
  summary: string;
  findings: Finding[];
}
