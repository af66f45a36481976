// The root message of a chat-command job's thread, posted once however many attempts of the job run
// at the same moment: BullMQ hands a job whose lock lapsed to another worker while the first may
// still be inside chat.postMessage, and Slack has no idempotency key (Discord's nonce dedupes only
// on Discord). The root is claimed like an incident's (post-claims.ts): the holder's lease is renewed
// while the post is in flight, another attempt waits for the recorded root instead of posting, and
// one that takes over an ended or expired claim looks for the root by its key before posting again.
import { isPermanent } from '../chat/delivery-error.js';
import type { ChatSink, ReplyTarget, RunContext, ThreadRef } from '../chat/sink.js';
import type { Logger } from '../incidents/incident-deps.js';
import { type Claimant, createClaimant } from '../incidents/post-claims.js';
import { ROOT_LEASE_MS, rootKeyOf } from '../incidents/root-poster.js';
import type { PostLedger } from './post-ledger.js';

let processClaimant: Claimant | undefined;

/** The claimant of this process's job attempts, when the worker gave none (one per process). */
export function jobClaimant(log: Logger): Claimant {
  processClaimant ??= createClaimant(log, { leaseMs: ROOT_LEASE_MS });
  return processClaimant;
}

export interface JobRoot {
  jobId: string;
  reply: ReplyTarget;
  sink: ChatSink;
  ledger: PostLedger;
  context: RunContext;
  claimant: Claimant;
  /** Told as soon as the platform has the root, before it is recorded (a second request links to it). */
  onPosted?: ((root: ThreadRef) => Promise<void>) | undefined;
}

/** The job's root: the one recorded by an attempt before this one, or posted now. */
export function postJobRoot({
  jobId,
  reply,
  sink,
  ledger,
  context,
  claimant,
  onPosted,
}: JobRoot): Promise<ThreadRef> {
  return claimant.serially(`job\u0000${jobId}`, async () => {
    const got = await claimant.acquire(ledger.steps(), 'root', `root of job ${jobId}`, () => ledger.root());
    if ('done' in got) return got.done;
    const { lease } = got;
    let pending: ThreadRef | undefined;
    try {
      // The root is recorded as soon as it exists, so a retry after a failed thread step reuses it.
      // Its key (Discord nonce, Slack metadata) lets a retry find a root whose record was lost.
      const start: RunContext = {
        ...context,
        rootKey: rootKeyOf(`job\u0000${jobId}`, reply.platform),
        onRoot: async (root) => {
          await ledger.savePendingRoot(root);
          await onPosted?.(root);
        },
      };
      pending = await ledger.pendingRoot();
      if (pending) start.root = pending;
      else if (lease.since !== undefined) start.lookBackSince = lease.since;
      const thread = await lease.hold(() => sink.startThread(reply, start));
      await ledger.saveRoot(thread);
      await lease.end().catch(() => {});
      return thread;
    } catch (error) {
      // Refused by the platform before anything was posted: the next attempt need not look first.
      const nothingPosted = isPermanent(error) && !pending && !(await ledger.pendingRoot().catch(() => true));
      await (nothingPosted ? lease.release() : lease.end()).catch(() => {});
      throw error;
    }
  });
}
