import type { FindingCode } from './codes.js';
import type { Evidence, EvidenceOf } from './evidence.js';
import { remediationFor } from './remediation/catalogue.js';

export type Severity = 'ok' | 'info' | 'warn' | 'error';

/** What a check saw, as data. Evidence holds the raw facts a reader (or a rule) can verify. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  title: string;
  detail: string;
  /** Typed per code in evidence.ts; read typed through `hasCode` or a `FindingOf<C>`. */
  evidence: Evidence;
  remediation: string[];
}

/** A finding whose code is known, so its evidence reads typed (`FindingOf<'edge.error'>`). */
export type FindingOf<C extends FindingCode> = Omit<Finding, 'code' | 'evidence'> & {
  code: C;
  evidence: EvidenceOf<C>;
};

export interface FindingInput<C extends FindingCode = FindingCode> {
  code: C;
  severity: Severity;
  title: string;
  detail: string;
  evidence: EvidenceOf<C>;
  /** Overrides the catalogue's steps; normally left out so every adapter renders the same advice. */
  remediation?: string[];
}

/** Builds a finding; warn and error findings take their remediation from the catalogue. */
export function finding<C extends FindingCode>(input: FindingInput<C>): FindingOf<C> {
  const evidence = input.evidence;
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

/** Narrows a finding to its code, so its evidence reads typed: `if (hasCode(f, 'lb.pool_unhealthy'))`. */
export function hasCode<C extends FindingCode>(f: Finding, code: C): f is FindingOf<C> {
  return f.code === code;
}

const rank: Record<Severity, number> = { ok: 0, info: 1, warn: 2, error: 3 };
export function severityRank(severity: Severity): number {
  return rank[severity];
}
