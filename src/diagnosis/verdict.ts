import type { Finding } from './finding.js';
import type { CheckSummary, Verdict } from './report.js';

/** failing if any error, degraded if any warn, healthy otherwise; unknown when nothing could be checked. */
export function verdictOf(findings: readonly Finding[], checks: readonly CheckSummary[]): Verdict {
  const ran = checks.some((c) => c.status === 'passed' || c.status === 'failed');
  if (!ran) return 'unknown';
  if (findings.some((f) => f.severity === 'error')) return 'failing';
  if (findings.some((f) => f.severity === 'warn')) return 'degraded';
  return 'healthy';
}
