import type { FindingCode } from '../codes.js';

/** Writes the ordered steps for one finding from its evidence. */
export type Steps = (evidence: Record<string, unknown>) => string[];
export type StepsByCode = Partial<Record<FindingCode, Steps>>;

/** Reads an evidence value as text for a sentence, with a fallback when it is missing. */
export function str(value: unknown, fallback: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fallback;
}
