// The keep-alive check's evidence, per finding code (joined in diagnosis/evidence.ts): the first
// answer's connection headers, the idle wait, when the origin closed, and every exchange.
import type { KeepAliveObservation } from '../../ports.js';

export type KeepAliveEvidence = {
  endpoint: string;
  status: number | null;
  connectionHeader: string | null;
  keepAliveHeader: string | null;
  idlePlannedMs: number;
  idleWatchedMs: number;
  closedAfterIdleMs: number | null;
  exchanges: {
    index: number;
    atMs: number;
    outcome: KeepAliveObservation['exchanges'][number]['outcome'];
    status: number | null;
    error: string | null;
  }[];
  /** The idle timeout the origin announces (`Keep-Alive: timeout=5`), when the watch ended before it. */
  announcedIdleTimeoutS?: number;
};

export interface KeepAliveEvidenceByCode {
  'origin.keepalive_ok': KeepAliveEvidence;
  'origin.keepalive_disabled': KeepAliveEvidence;
  'origin.keepalive_closed_early': KeepAliveEvidence;
}
