import type { FindingCode } from '../codes.js';
import type { EvidenceOf, Flat } from '../evidence.js';

/**
 * Writes the ordered steps for one finding from its evidence, typed by code (evidence.ts). Every
 * key may be missing (a report from an older worker, a partial test finding): read with fallbacks.
 * A code written in several shapes reads as one (Flat): every key of any of them.
 */
export type Steps<C extends FindingCode = FindingCode> = (evidence: Flat<EvidenceOf<C>>) => string[];
export type StepsByCode = { [C in FindingCode]?: Steps<C> };

/** Reads an evidence value as text for a sentence, with a fallback when it is missing. */
export function str(value: unknown, fallback: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fallback;
}
