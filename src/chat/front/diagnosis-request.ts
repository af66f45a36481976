// What the chat front asks of the job queue, declared here so chat/ never imports jobs/: jobs/
// implements DiagnosisRequester (the BullMQ producer) and validates the same shape.
import type { ReplyTarget, ThreadRef } from '../sink.js';

/** One diagnosis to run: what was asked, by whom, and where to answer. */
export interface DiagnosisRequest {
  /** The host to diagnose (parsed from what the user typed). */
  site: string;
  /** What the user typed, for messages ("diagnosing <input>"). */
  input: string;
  requestedBy?: string;
  reply: ReplyTarget;
  /** Re-run into an existing thread instead of starting one. */
  thread?: ThreadRef;
  run?: number;
  /** The incident this run serves; `firstSeen` (its first alert) tells when the errors began. */
  incident?: { id: string; firstSeen?: string };
  /** Per-probe budget (default 10 s). */
  timeoutMs?: number;
  origin?: string;
}

export interface RequestOutcome {
  outcome: 'queued' | 'joined';
  jobId: string;
  /** The thread already answering (joined runs whose root is posted; re-runs). */
  thread?: ThreadRef;
}

export interface RequestOptions {
  /** Idempotency key from the platform (colon-free); a random id when absent. */
  jobId?: string;
}

/** Queues a diagnosis, or joins the one already running for the site. Rejects when it cannot queue. */
export interface DiagnosisRequester {
  request(data: DiagnosisRequest, options?: RequestOptions): Promise<RequestOutcome>;
  /**
   * As `request`, but answers `watched` (claiming and queueing nothing) while a watch holds the
   * site: checked in the same Redis call as the claim, so a command costs one round trip before the
   * job is added instead of two. Optional: without it the front asks the watches first.
   */
  requestUnlessWatched?(
    data: DiagnosisRequest,
    options?: RequestOptions,
  ): Promise<RequestOutcome | 'watched'>;
}
