// Posting to chat is its own idempotent step: for each job, Redis remembers the thread's root and
// every message already posted, so a retried or stalled-and-restarted job skips what is there.
// (A crash between a post and its record can still repeat that one message; the window is one
// round-trip, far smaller than a whole re-posted thread. The root is not repeated: it is claimed
// (post-claims.ts, see post-job-root.ts) and carries a key a retry looks for first.)
import type { Redis } from 'ioredis';
import type { ThreadRef } from '../chat/sink.js';
import { hashClaims, type StepClaims } from '../incidents/post-claims.js';

const TTL_SECONDS = 24 * 3600;

export class PostLedger {
  private readonly key: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    jobId: string,
  ) {
    this.key = `${prefix}:posted:${jobId}`;
  }

  async root(): Promise<ThreadRef | undefined> {
    const raw = await this.redis.hget(this.key, 'root');
    return raw === null ? undefined : (JSON.parse(raw) as ThreadRef);
  }

  async saveRoot(thread: ThreadRef): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key, 'root', JSON.stringify(thread))
      .expire(this.key, TTL_SECONDS)
      .exec();
  }

  /** The job's one-time steps (its root), for post-claims.ts; claiming one keeps the ledger's expiry. */
  steps(): StepClaims {
    const claims = hashClaims(this.redis, this.key);
    return {
      ...claims,
      claim: async (step, token, liveUntil) => {
        const claimed = await claims.claim(step, token, liveUntil);
        await this.redis.expire(this.key, TTL_SECONDS);
        return claimed;
      },
    };
  }

  /** A root posted by a startThread that then failed (Discord: before its thread existed). */
  async pendingRoot(): Promise<ThreadRef | undefined> {
    const raw = await this.redis.hget(this.key, 'pendingRoot');
    return raw === null ? undefined : (JSON.parse(raw) as ThreadRef);
  }

  async savePendingRoot(thread: ThreadRef): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key, 'pendingRoot', JSON.stringify(thread))
      .expire(this.key, TTL_SECONDS)
      .exec();
  }

  /** Runs `post` unless a message with this name was already posted for the job. */
  async once(name: string, post: () => Promise<void>): Promise<boolean> {
    if (await this.posted(name)) return false;
    await post();
    await this.redis.multi().hset(this.key, `msg:${name}`, '1').expire(this.key, TTL_SECONDS).exec();
    return true;
  }

  /** Whether the message with this name was posted for the job. */
  async posted(name: string): Promise<boolean> {
    return (await this.redis.hexists(this.key, `msg:${name}`)) === 1;
  }

  async forget(): Promise<void> {
    await this.redis.del(this.key);
  }
}
