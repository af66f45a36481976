import type { FindingCode } from './codes.js';
import type { Finding } from './finding.js';

export type Verdict = 'healthy' | 'degraded' | 'failing' | 'unknown';
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'errored';

export interface CheckSummary {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** The codes this check reported (so a reader of the report can tell which check saw what). */
  codes?: FindingCode[];
}

/** The JSON report of product.md; jobs carry it and adapters render it. */
export interface Report {
  site: string;
  url: string;
  verdict: Verdict;
  primaryCause: FindingCode | null;
  findings: Finding[];
  checks: CheckSummary[];
  startedAt: string;
  durationMs: number;
  /** Cloudflare API requests made for this diagnosis (0 without a token). */
  cloudflareApiCalls: number;
}
