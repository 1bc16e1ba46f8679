import type { Finding, PartResult } from './findings.js';

interface EslintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line?: number;
}

export interface EslintFileReport {
  filePath: string;
  messages: EslintMessage[];
  /** Messages silenced by an eslint-disable comment (ESLint ≥ 8.8 lists them). */
  suppressedMessages?: (EslintMessage & { suppressions?: { kind: string; justification: string }[] })[];
}

const isSecurityRule = (id: string | null): id is string => typeof id === 'string' && id.startsWith('security/');

/**
 * The security rules' share of an ESLint report (the tech-lead owns the rest). A rule
 * silenced on a line stays visible as a note with its written justification, so a
 * reviewer sees every accepted exception; one silenced without a reason is an error.
 */
export function staticAnalysisPart(report: readonly EslintFileReport[] | undefined, root: string): PartResult {
  if (!report) return { part: 'static-analysis', outcome: 'unavailable', summary: 'static analysis unavailable: no ESLint report (did the lint step run?)', findings: [] };
  const rel = (p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const findings: Finding[] = [];
  for (const file of report) {
    for (const m of file.messages) {
      if (isSecurityRule(m.ruleId)) findings.push({ ruleId: `eslint/${m.ruleId}`, level: m.severity === 2 ? 'error' : 'warning', message: m.message, path: rel(file.filePath), ...(m.line ? { line: m.line } : {}) });
    }
    for (const m of file.suppressedMessages ?? []) {
      if (!isSecurityRule(m.ruleId)) continue;
      const why = (m.suppressions ?? []).map((s) => s.justification.trim()).filter(Boolean).join('; ');
      findings.push({
        ruleId: `eslint/${m.ruleId}`,
        level: why ? 'note' : 'error',
        message: why ? `Reviewed and allowed: ${why}` : `${m.message} (silenced without a reason: add "-- why" to the eslint-disable comment)`,
        path: rel(file.filePath),
        ...(m.line ? { line: m.line } : {}),
      });
    }
  }
  const errors = findings.filter((f) => f.level === 'error').length;
  const notes = findings.filter((f) => f.level === 'note').length;
  return {
    part: 'static-analysis',
    outcome: errors ? 'fail' : 'pass',
    summary: `${errors} security-rule errors, ${findings.length - errors - notes} warnings, ${notes} reviewed exceptions in ${report.length} files`,
    findings,
  };
}
