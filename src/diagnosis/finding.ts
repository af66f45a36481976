import type { FindingCode } from './codes.js';
import { remediationFor } from './remediation/catalogue.js';

export type Severity = 'ok' | 'info' | 'warn' | 'error';

/** What a check saw, as data. Evidence holds the raw facts a reader (or a rule) can verify. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  remediation: string[];
}

export interface FindingInput {
  code: FindingCode;
  severity: Severity;
  title: string;
  detail: string;
  evidence?: Record<string, unknown>;
  /** Overrides the catalogue's steps; normally left out so every adapter renders the same advice. */
  remediation?: string[];
}

/** Builds a finding; warn and error findings take their remediation from the catalogue. */
export function finding(input: FindingInput): Finding {
  const evidence = input.evidence ?? {};
  const remediation =
    input.remediation ??
    (input.severity === 'warn' || input.severity === 'error' ? remediationFor(input.code, evidence) : []);
  return {
    code: input.code,
    severity: input.severity,
    title: input.title,
    detail: input.detail,
    evidence,
    remediation,
  };
}

const rank: Record<Severity, number> = { ok: 0, info: 1, warn: 2, error: 3 };
export function severityRank(severity: Severity): number {
  return rank[severity];
}
