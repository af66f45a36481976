// Evidence per finding code: what a check writes into a finding, and what the remediation
// catalogue, the correlation rules and the presenter read back, checked by the compiler on both
// sides, so a renamed key fails `npm run typecheck` instead of quietly weakening the advice.
//
// Each check folder declares its codes' evidence in its own `evidence.ts` (an interface from code
// to evidence shape); this file joins them. To add a finding code: add it to codes.ts, add its
// evidence shape to the evidence.ts of the folder that builds it (a new folder: add its interface
// to the `extends` list below). Shapes are type aliases, not interfaces, so a typed finding still
// reads as a plain record where the code is not known (details, --json).
import type { AnalyticsEvidence } from './checks/analytics/evidence.js';
import type { ChangeEvidence } from './checks/changes/evidence.js';
import type { CloudflareEvidence } from './checks/cloudflare/evidence.js';
import type { LbEvidenceByCode } from './checks/cloudflare/lb-evidence.js';
import type { TunnelEvidenceByCode } from './checks/cloudflare/tunnel-evidence.js';
import type { EdgeEvidence } from './checks/edge/evidence.js';
import type { EdgeSamplesEvidence } from './checks/edge-samples/evidence.js';
import type { KeepAliveEvidenceByCode } from './checks/keepalive/evidence.js';
import type { OriginEvidence } from './checks/origin/evidence.js';
import type { OriginSamplesEvidence } from './checks/origin-samples/evidence.js';
import type { PublicDnsEvidence } from './checks/public-dns/evidence.js';
import type { ZoneSettingsEvidence } from './checks/zone-settings/evidence.js';
import type { FindingCode } from './codes.js';
import type { CheckName } from './facts.js';

/** Codes the engine itself reports when a check fails or runs out of time. */
export interface EngineEvidence {
  'check.errored': { check: CheckName; error: string };
  'check.timed_out': { check: CheckName; budgetMs: number };
}

export interface EvidenceByCode
  extends EngineEvidence,
    AnalyticsEvidence,
    ChangeEvidence,
    CloudflareEvidence,
    LbEvidenceByCode,
    TunnelEvidenceByCode,
    EdgeEvidence,
    EdgeSamplesEvidence,
    KeepAliveEvidenceByCode,
    OriginEvidence,
    OriginSamplesEvidence,
    PublicDnsEvidence,
    ZoneSettingsEvidence {}

/**
 * Keys a later step adds to a finding it qualifies, whatever its code: sampling or a correlation
 * rule marking a failure intermittent, the origin check marking what an unknown SSL mode hides.
 */
export type EvidenceMarks = {
  intermittent?: true;
  failedSamples?: number;
  totalSamples?: number;
  /** The severity the finding takes once the edge shows this is the leg Cloudflare uses. */
  unknownModeSeverity?: 'error';
};

/**
 * The evidence of a finding with code C. Indexing by every FindingCode is what keeps the table
 * whole: a code added to codes.ts without an evidence shape fails typecheck here.
 */
export type EvidenceOf<C extends FindingCode> = EvidenceByCode[C];

/** Evidence read without knowing the code: the Details view, --json, the scrubber. */
export type Evidence = Record<string, unknown>;

type KeysOf<T> = T extends unknown ? keyof T & string : never;
type ValueAt<T, K extends string> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * A union of shapes read as one: every key any member has, optional, typed by what the members
 * write under it. How the steps read a code whose producers write different shapes.
 */
export type Flat<T> = { [K in KeysOf<T>]?: ValueAt<T, K> };

type AllEvidence = EvidenceByCode[FindingCode] | EvidenceMarks;

/** Every key some code's evidence has: the keys fact-words may put in words. */
export type EvidenceKey = KeysOf<AllEvidence>;

/**
 * Any finding's evidence, read where the code is one of several (`origin.*`): each key typed by
 * what the codes write under it, all optional. A key no code writes does not type-check.
 */
export type AnyEvidence = Flat<AllEvidence>;

/** A finding's evidence with marks added after it (the marks' keys last, as the JSON shows them). */
export function withMarks(f: { evidence: Evidence }, marks: EvidenceMarks): Evidence {
  return { ...f.evidence, ...marks };
}

/**
 * A finding's evidence read as AnyEvidence (its keys are what its code's producers write). A
 * finding without evidence (a stored report cut short) reads as empty.
 */
export function anyEvidence(f: { evidence?: Evidence }): AnyEvidence {
  return (f.evidence ?? {}) as AnyEvidence;
}
