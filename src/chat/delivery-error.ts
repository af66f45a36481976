// The one way a chat sink says a message did not go out, for every platform. What the caller
// does follows from `kind` alone (the rule is on ChatSink in sink.ts): a transient failure is
// retried later (the job retries, the post ledger skips what is already there); a rejected message
// or an unreachable channel never will be, so it is not retried.
import type { Platform } from './sink.js';

export type DeliveryFailure =
  /** 5xx, timeout, network, a rate limit longer than we wait: retrying later can succeed. */
  | 'transient'
  /** The platform refuses this message (malformed, too long): skip it, the rest may still go. */
  | 'rejected'
  /** The channel or thread takes nothing from us (gone, archived, locked, no access, not invited). */
  | 'unreachable';

export class DeliveryError extends Error {
  constructor(
    /** Never the request body, URL or token: whatever logs this must not print them. */
    message: string,
    readonly platform: Platform,
    readonly kind: DeliveryFailure,
    /** The platform's own reason (`not_in_channel`, `discord_50001`, `http_503`…). */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }

  /** True when retrying later can help. */
  get retryable(): boolean {
    return this.kind === 'transient';
  }
}

/** A failure no retry can fix (anything that is not a transient DeliveryError is a bug, and retried). */
export function isPermanent(error: unknown): error is DeliveryError {
  return error instanceof DeliveryError && !error.retryable;
}
