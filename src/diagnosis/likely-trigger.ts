import { type Finding, hasCode } from './finding.js';
import type { Report } from './report.js';

/**
 * The `change.suspect` finding that names the likely trigger of the report's primary cause, if any.
 * Renderers show it right under the primary cause (with its roll-back step), not among the others.
 */
export function likelyTrigger(report: Pick<Report, 'findings' | 'primaryCause'>): Finding | undefined {
  if (report.primaryCause === null) return undefined;
  return report.findings.find(
    (f) => hasCode(f, 'change.suspect') && f.evidence.triggerOf === report.primaryCause,
  );
}
