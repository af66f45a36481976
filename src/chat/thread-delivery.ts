// The rule every sink applies to a message in a thread it already answers in (the checks, the
// summary, notes, root and storm edits, fix results), written once so Slack and Discord treat a
// permanent failure alike: a transient one is thrown (the caller retries later); a rejected message
// is logged and skipped, the rest still goes; an unreachable channel is logged once and left alone
// for a while (no retry storm), until someone may have fixed it. Roots are not sent through here:
// a root that cannot be posted means there is nowhere to answer, and startThread throws.
import type { Logger } from '../log/logger.js';
import { type DeliveryError, isPermanent } from './delivery-error.js';
import type { Platform } from './sink.js';
import type { ThreadState } from './thread-state.js';

/** How long a channel that answered "unreachable" is left alone: long enough to stop a storm, short enough to recover. */
export const UNREACHABLE_TTL_MS = 10 * 60 * 1000;

export interface ThreadDelivery {
  platform: Platform;
  state: ThreadState;
  logger?: Logger | undefined;
}

/**
 * Sends one message in `channel`; resolves true when it went out, false when it was skipped for
 * good (`onPermanent` is told why first). Throws only what a retry can fix.
 */
export async function deliverInThread(
  deps: ThreadDelivery,
  channel: string,
  send: () => Promise<unknown>,
  onPermanent?: (failure: DeliveryError) => Promise<void>,
): Promise<boolean> {
  if (await deps.state.isUnreachable(deps.platform, channel)) return false;
  try {
    await send();
    return true;
  } catch (error) {
    if (!isPermanent(error)) throw error;
    const first =
      error.kind === 'unreachable'
        ? await deps.state.markUnreachable(deps.platform, channel, UNREACHABLE_TTL_MS)
        : true;
    if (first) deps.logger?.warn({ reason: error.reason, channel }, error.message);
    await onPermanent?.(error);
    return false;
  }
}
