// The edge check's evidence, per finding code (joined in diagnosis/evidence.ts).
import type { EdgeFacts } from '../../facts.js';
import type { EdgePage } from './edge-page.js';

/** What one answer from the edge showed; null where the page or headers did not say. */
export type EdgeAnswerEvidence = {
  url: string;
  address: string | null;
  status: number;
  rayId: string | null;
  colo: string | null;
  cloudflareErrorCode: number | null;
  blames: NonNullable<EdgeFacts['blames']> | null;
  generatedBy: EdgeFacts['generatedBy'];
  viaCloudflare: boolean;
  /** The reason line of Cloudflare's branded page ("Web server is down"). */
  reason: string | null;
  /** Which of Cloudflare's page layouts it was. */
  pageForm: NonNullable<EdgePage['form']> | null;
  server: string | null;
  cacheStatus: string | null;
  ageSeconds: number | null;
  ttfbMs: number;
};

export interface EdgeEvidence {
  'edge.ok': EdgeAnswerEvidence & { location?: string };
  'edge.error': EdgeAnswerEvidence;
  'edge.cached_error': EdgeAnswerEvidence & { cacheControl: string | null };
  'edge.unreachable': {
    url: string;
    address: string | null;
    errorCode: string;
    error: string;
    totalMs: number;
  };
  'edge.not_probed': {
    url: string;
    guardedAddress: string | null;
    guardedRange: string | null;
    errorCode: string | null;
  };
}
