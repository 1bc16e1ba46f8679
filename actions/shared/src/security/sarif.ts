import { createHash } from 'node:crypto';
import type { Finding, Level, PartResult } from './findings.js';
import { ALL_SECRET_RULES, normalizePath } from './secrets.js';

/**
 * The security review's findings as one SARIF 2.1.0 log for GitHub code scanning
 * (`github/codeql-action/upload-sarif` or the `/code-scanning/sarifs` API). Written to
 * the subset GitHub documents in "SARIF support for code scanning": the properties it
 * marks required are always present and never empty, because it rejects or drops
 * results otherwise.
 */

export interface SarifTool {
  name: string;
  version: string;
  informationUri: string;
}

/** GitHub's documentation names this URI; the OASIS one is equivalent. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * Code scanning rejects a whole file over its per-run limit, which would hide every
 * finding; cutting the list keeps the worst ones visible and says so in the run.
 */
export const MAX_RESULTS_PER_RUN = 25_000;

/**
 * GitHub shows a result only with a location in a file of the repository. A finding
 * about the dependency tree (audit, licences) is anchored on `package-lock.json`, the
 * file a fix changes. Any other finding without a path (an artifact's integrity, a
 * static-analysis run that failed as a whole) is anchored on `.github/gitops-ml.yml`,
 * the configuration that asks for the security review: it is in every repository made
 * from this template and is where a reviewer decides what to require.
 */
export const DEPENDENCY_ANCHOR = 'package-lock.json';
export const CONFIG_ANCHOR = '.github/gitops-ml.yml';

export function anchorFor(part: PartResult['part']): string {
  return part === 'audit' || part === 'licenses' ? DEPENDENCY_ANCHOR : CONFIG_ANCHOR;
}

/**
 * Repository-relative, forward slashes, no leading `./` or `/`, and percent-encoded
 * where a URI needs it (a space, `#`, `?`), since `uri` is a URI reference, not a path.
 */
export function artifactUri(path: string): string {
  let p = normalizePath(path);
  while (p.startsWith('/')) p = p.slice(1);
  return encodeURI(p).replace(/#/g, '%23').replace(/\?/g, '%3F');
}

interface RuleInfo {
  short: string;
  full: string;
  help: string;
  level: Level;
  tags: string[];
}

const PART_NAMES: Record<PartResult['part'], string> = {
  audit: 'dependency audit',
  secrets: 'secret scan',
  'static-analysis': 'static analysis',
  licenses: 'licence check',
  workflows: 'workflow security scan',
  artifact: 'artifact integrity',
};

const SECRET_HELP =
  'A credential in the repository is exposed to everyone who can read it, including its history. Revoke or rotate it where it was issued, remove it from the change, and load it from a GitHub Actions secret or the environment instead. A test fixture that needs a secret-shaped string can carry "gitops-ml:allow-secret <reason>" on the same line.';

function ruleInfo(ruleId: string, part: PartResult['part'], first: Finding): RuleInfo {
  const secret = ALL_SECRET_RULES.find((r) => r.id === ruleId);
  if (secret) {
    const short = `Possible ${secret.description}`;
    return { short, full: `${short} committed to the repository.`, help: SECRET_HELP, level: first.level, tags: ['security', 'secret'] };
  }
  if (ruleId === 'secret/skipped-large-file') {
    const short = 'File too large to scan for secrets';
    return { short, full: `${short}; it was reported rather than passed unchecked.`, help: 'Check the file by other means, or keep large data out of the repository (an artifact store or Git LFS).', level: 'note', tags: ['security', 'secret'] };
  }
  // Other parts' rules come with no descriptor of their own; the id and part are what is known.
  const short = `${PART_NAMES[part]}: ${ruleId}`;
  return {
    short,
    full: `A finding of the security review's ${PART_NAMES[part]} (rule ${ruleId}).`,
    help: `Reported by the ${PART_NAMES[part]} part of the gitops-ml security review; the check run "gitops-ml/security" on the commit has the details and what to change.`,
    level: first.level,
    tags: ['security', part],
  };
}

/**
 * A stable identity for a result across commits: the rule, the file and the message with
 * its own line reference taken out, so an alert follows its code when lines above it
 * move; the `:n` suffix tells apart identical findings in one file, as CodeQL's does.
 * GitHub reads only `primaryLocationLineHash` from `partialFingerprints`.
 */
function fingerprintKey(f: Finding, uri: string): string {
  let msg = f.message;
  if (f.path !== undefined && f.line !== undefined) msg = msg.split(`${f.path}:${f.line}`).join(f.path);
  if (f.line !== undefined) msg = msg.split(`line ${f.line}`).join('line');
  return createHash('sha256').update(`${f.ruleId}\0${uri}\0${msg}`).digest('hex').slice(0, 16);
}

export function toSarif(results: readonly PartResult[], tool: SarifTool): object {
  const rules: (RuleInfo & { id: string })[] = [];
  const ruleIndex = new Map<string, number>();
  const seen = new Map<string, number>();
  const sarifResults: object[] = [];
  const all = results.flatMap((r) => r.findings.map((f) => ({ part: r.part, f })));
  // Errors first, so a cut at the limit drops notes before anything that blocks sign-off.
  const rank: Record<Level, number> = { error: 0, warning: 1, note: 2 };
  const kept = all.length > MAX_RESULTS_PER_RUN ? [...all].sort((a, b) => rank[a.f.level] - rank[b.f.level]).slice(0, MAX_RESULTS_PER_RUN) : all;

  for (const { part, f } of kept) {
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.ruleId, index);
      rules.push({ id: f.ruleId, ...ruleInfo(f.ruleId, part, f) });
    }
    const uri = artifactUri(f.path !== undefined && f.path.trim() !== '' ? f.path : anchorFor(part));
    // A line known to be past the top is kept; anything else (none, 0, NaN) means the file as a whole.
    const startLine = f.line !== undefined && Number.isInteger(f.line) && f.line >= 1 ? f.line : 1;
    const key = fingerprintKey(f, uri);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    sarifResults.push({
      ruleId: f.ruleId,
      ruleIndex: index,
      level: f.level,
      message: { text: f.message.trim() || f.ruleId },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine } } }],
      partialFingerprints: { primaryLocationLineHash: `${key}:${n}` },
    });
  }

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            // Code scanning prefers semanticVersion when it is there; only a real semver qualifies.
            ...(/^\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.+-]{1,100}|)$/.test(tool.version) ? { semanticVersion: tool.version } : {}),
            informationUri: tool.informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.short },
              fullDescription: { text: r.full },
              help: { text: r.help },
              defaultConfiguration: { level: r.level },
              properties: { tags: r.tags },
            })),
          },
        },
        results: sarifResults,
        // Not read by code scanning; kept so the log alone says which parts ran and whether any was cut.
        properties: {
          parts: results.map((r) => ({ part: r.part, outcome: r.outcome, summary: r.summary })),
          ...(kept.length < all.length ? { truncated: { total: all.length, kept: kept.length } } : {}),
        },
      },
    ],
  };
}
