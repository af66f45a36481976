// The origin-samples check's evidence, per finding code (joined in diagnosis/evidence.ts), and the
// correlation rules' origin.intermittent (a failure the edge or the origin check saw, the samples not).
import type { FindingCode } from '../../codes.js';
import type { FailurePattern } from './pattern.js';
import type { Spread } from './schedule.js';

/** Samples of one kind (fresh or reused connections), and how many of them failed. */
export type Count = { total: number; failed: number };

/** One sample as evidence (sample-modes.ts); `outcome` is `ok` or the failure mode. */
export type SampleEvidence = {
  kind: 'fresh' | 'reused';
  atMs: number;
  outcome: string;
  status: number | null;
  ttfbMs: number | null;
  error: string | null;
};

/** What sampling one endpoint showed: every sample, the counts, the time to first byte. */
export type SampledEvidence = {
  endpoint: string;
  samples: SampleEvidence[];
  total: number;
  failed: number;
  failureRatePercent: number;
  fresh: Count;
  reused: Count;
  ttfbMs: Spread | null;
};

/** One request through Cloudflare, as origin.intermittent lists the edge's samples. */
export type EdgeSampleEvidence = {
  atMs: number;
  status: number | null;
  cloudflareErrorCode: number | null;
  colo: string | null;
  rayId: string | null;
};

/**
 * What every origin.intermittent says: where, how often, the code of the failure mode, and (in
 * each shape, as product.md promises) every sample.
 */
type IntermittentBase = {
  endpoint: string;
  total: number;
  failed: number;
  failureRatePercent: number;
  /** The finding the failure would be on its own (origin.connection_reset…); null when unknown. */
  failureCode: FindingCode | null;
};

export interface OriginSamplesEvidence {
  'origin.sampled': SampledEvidence;
  'origin.slow': SampledEvidence & { proxyReadTimeoutS: number };
  'origin.intermittent': // The samples themselves were mixed (findings.ts).
    | (SampledEvidence & IntermittentBase & { failureMode: string; pattern: FailurePattern })
    // The origin check's single request failed while every sample answered (intermittent-rule.ts).
    | (IntermittentBase & {
        samples: {
          kind: 'fresh' | 'reused';
          atMs: number;
          /** The probe's outcome, `ok` for the samples. */
          outcome: string;
          status: number | null;
          error: string | null;
        }[];
      })
    // The edge's samples were mixed while the direct ones all answered (edge-seen-intermittent.ts).
    | (IntermittentBase & {
        seenFrom: 'edge';
        failureMode: string;
        edgeAnswers: Record<string, number>;
        directSamples: number;
        samples: EdgeSampleEvidence[];
      })
    // Every direct sample failed while some edge requests were answered: a burst.
    | (IntermittentBase & {
        seenFrom: 'both';
        pattern: 'burst';
        edgeAnswered: number;
        edgeTotal: number;
        directSamples: number;
        samples: SampleEvidence[];
        edgeSamples: EdgeSampleEvidence[];
      });
}
