// One catalogue of remediation steps, keyed by finding code, written for the situation at hand
// from the finding's evidence. Adapters render these; checks never write advice of their own.
// Each area keeps its steps in its own file (engine.ts, origin.ts, cloudflare.ts…), merged here.
import type { FindingCode } from '../codes.js';
import { ENGINE_STEPS } from './engine.js';
import type { Steps } from './steps.js';

const CATALOGUE: Partial<Record<FindingCode, Steps>> = {
  ...ENGINE_STEPS,
};

export function remediationFor(code: FindingCode, evidence: Record<string, unknown>): string[] {
  return CATALOGUE[code]?.(evidence) ?? [];
}

export function hasSteps(code: FindingCode): boolean {
  return CATALOGUE[code] !== undefined;
}
