// What the chat front needs for guarded fixes, declared here so chat/ never imports jobs/: the
// offers posted under a summary (src/fixes/fix-offers.ts), the fix queue (src/fixes/fix-jobs.ts),
// and the audit of refused attempts (src/fixes/fix-service.ts).
import type { FixPlan } from '../../fixes/fix-plan.js';
import type { FixActor } from '../../fixes/fix-store.js';
import type { ThreadRef } from '../sink.js';

export interface FixOfferRecord {
  plan: FixPlan;
  thread: ThreadRef;
}

export interface FixOffers {
  get(offerId: string): Promise<FixOfferRecord | undefined>;
  /** The thread an applied fix was posted in (for its Undo). */
  threadOf(fixId: string): Promise<ThreadRef | undefined>;
}

export type FixJob =
  | { kind: 'apply'; offerId: string; actor: FixActor }
  | { kind: 'undo'; fixId: string; actor: FixActor };

export interface FixRequester {
  /** Queues the job under `jobId`: the same confirmation delivered twice is queued once. */
  requestFix(job: FixJob, jobId: string): Promise<void>;
}

/** Records a refused attempt in the audit trail (never throws). */
export type FixDenial = (plan: FixPlan | undefined, actor: FixActor, reason: string) => Promise<void>;
