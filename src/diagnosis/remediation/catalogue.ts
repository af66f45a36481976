// One catalogue of remediation steps, keyed by finding code, written for the situation at hand
// from the finding's evidence. Adapters render these; checks never write advice of their own.
// Each area keeps its steps in its own file (engine.ts, origin.ts, cloudflare.ts…), merged here.
import type { FindingCode } from '../codes.js';
import type { EvidenceOf, Flat } from '../evidence.js';
import { ANALYTICS_STEPS } from './analytics.js';
import { CHANGE_STEPS } from './change.js';
import { CLOUDFLARE_STEPS } from './cloudflare.js';
import { DNS_STEPS } from './dns.js';
import { EDGE_STEPS } from './edge.js';
import { ENGINE_STEPS } from './engine.js';
import { LB_STEPS } from './lb.js';
import { ORIGIN_STEPS } from './origin.js';
import { PUBLIC_DNS_STEPS } from './public-dns.js';
import { SAMPLING_STEPS } from './sampling.js';
import { SSL_STEPS } from './ssl.js';
import type { Steps, StepsByCode } from './steps.js';
import { TUNNEL_STEPS } from './tunnel.js';
import { WORKER_STEPS } from './worker.js';

const CATALOGUE: StepsByCode = {
  ...ENGINE_STEPS,
  ...CLOUDFLARE_STEPS,
  ...DNS_STEPS,
  ...PUBLIC_DNS_STEPS,
  ...EDGE_STEPS,
  ...SSL_STEPS,
  ...TUNNEL_STEPS,
  ...WORKER_STEPS,
  ...LB_STEPS,
  ...ANALYTICS_STEPS,
  ...ORIGIN_STEPS,
  ...CHANGE_STEPS,
  ...SAMPLING_STEPS,
};

export function remediationFor<C extends FindingCode>(
  code: C,
  evidence: Partial<EvidenceOf<C>> | Flat<EvidenceOf<C>>,
): string[] {
  // The map pairs each code with its own evidence type; TypeScript cannot follow that through a
  // generic lookup, so the one cast is here.
  const steps = CATALOGUE[code] as Steps<C> | undefined;
  return steps?.(evidence as Flat<EvidenceOf<C>>) ?? [];
}

export function hasSteps(code: FindingCode): boolean {
  return CATALOGUE[code] !== undefined;
}
