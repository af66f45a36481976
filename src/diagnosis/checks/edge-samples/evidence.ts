// The edge-samples check's evidence, per finding code (joined in diagnosis/evidence.ts).
import type { Spread } from '../origin-samples/schedule.js';

export type EdgeSampledEvidence = {
  url: string;
  total: number;
  failed: number;
  failureRatePercent: number;
  /** How many requests answered what ("502", "no answer (ETIMEDOUT)"). */
  answers: Record<string, number>;
  colos: string[];
  samples: {
    atMs: number;
    status: number | null;
    cloudflareErrorCode: number | null;
    rayId: string | null;
    colo: string | null;
    ttfbMs: number | null;
    error: string | null;
  }[];
  ttfbMs: Spread | null;
};

export interface EdgeSamplesEvidence {
  'edge.sampled': EdgeSampledEvidence;
  'edge.intermittent': EdgeSampledEvidence;
}
