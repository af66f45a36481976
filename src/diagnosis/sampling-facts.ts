// What the sampling checks learn (origin samples, edge samples, the kept-alive connection), kept
// apart from facts.ts so the sampling work stays in its own files.
import type { KeepAliveObservation, OriginOutcome } from './ports.js';

/** One request to the origin, on a fresh connection or on one kept alive. */
export interface OriginSample {
  kind: 'fresh' | 'reused';
  /** `address:port (scheme)` it went to. */
  endpoint: string;
  /** When it started, ms after the first sample. */
  atMs: number;
  outcome: OriginOutcome;
  /** True when the origin answered without an error (no 5xx). */
  ok: boolean;
  status?: number;
  ttfbMs?: number;
  errorCode?: string;
  error?: string;
}

export interface OriginSamplesFacts {
  samples: OriginSample[];
  failed: number;
}

export interface EdgeSample {
  atMs: number;
  ok: boolean;
  status?: number;
  cloudflareErrorCode?: number;
  rayId?: string;
  colo?: string;
  ttfbMs?: number;
  errorCode?: string;
}

export interface EdgeSamplesFacts {
  samples: EdgeSample[];
  failed: number;
}

export interface KeepAliveFacts {
  observation: KeepAliveObservation;
}
