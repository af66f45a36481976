// Evidence per finding code: what a check writes into a finding, and what the remediation
// catalogue, the correlation rules and the presenter read back, checked by the compiler on both
// sides, so a renamed key fails `npm run typecheck` instead of quietly weakening the advice.
//
// Each check folder declares its codes' evidence in its own `evidence.ts` (an interface from code
// to evidence shape); this file joins them. To add a finding code: add it to codes.ts, add its
// evidence shape to the evidence.ts of the folder that builds it (a new folder: add its interface
// to the `extends` list below). Shapes are type aliases, not interfaces, so a typed finding still
// reads as a plain record where the code is not known (details, --json).
import type { EdgeEvidence } from './checks/edge/evidence.js';
import type { OriginEvidence } from './checks/origin/evidence.js';
import type { PublicDnsEvidence } from './checks/public-dns/evidence.js';
import type { FindingCode } from './codes.js';
import type { CheckName } from './facts.js';

/** Codes the engine itself reports when a check fails or runs out of time. */
export interface EngineEvidence {
  'check.errored': { check: CheckName; error: string };
  'check.timed_out': { check: CheckName; budgetMs: number };
}

export interface EvidenceByCode extends EngineEvidence, EdgeEvidence, OriginEvidence, PublicDnsEvidence {}

/** The evidence of a finding with code C (codes not typed yet: any record; see TypedCode). */
export type EvidenceOf<C extends FindingCode> = C extends keyof EvidenceByCode
  ? EvidenceByCode[C]
  : Record<string, unknown>;

/** Evidence read without knowing the code: the Details view, --json, the scrubber. */
export type Evidence = Record<string, unknown>;

/** Codes whose evidence is typed. */
export type TypedCode = keyof EvidenceByCode & FindingCode;

/** Codes still without an evidence shape (none once every check folder declares its own). */
export type UntypedCode = Exclude<FindingCode, TypedCode>;

/** Every key some code's evidence has: the keys fact-words may put in words. */
export type EvidenceKey = [UntypedCode] extends [never]
  ? { [C in TypedCode]: keyof EvidenceByCode[C] & string }[TypedCode]
  : string;
