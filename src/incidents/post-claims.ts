// The claim step shared by every message that must be posted exactly once per platform (incident
// roots: root-poster.ts; storm messages: storm-worker.ts; chat-command roots: run-diagnosis-job.ts).
// A claim in a Redis hash field names the attempt that may post and carries a lease: the holder
// renews it while its post is in flight and ends it once the post is recorded or abandoned.
//
// Two attempts can run at once (BullMQ hands a job whose lock lapsed to another worker while the
// first is still inside the platform call), and Slack has no idempotency key: a post in flight is
// invisible to anyone looking in the channel. So an attempt that finds another's live lease neither
// posts nor fails: it waits until the holder records its message, or its lease ends or runs out —
// a few seconds within the attempt (most posts end by then), then as a delayed job, which BullMQ
// does not count as an attempt (ClaimBusyError, retryWhenBusy). Taking a claim over is a compare-and-set, so only one successor wins (fencing),
// and the successor is told since when to look for the message (by its stable key) before posting:
// the earlier holder may have posted without recording it.
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from './incident-deps.js';
import { luaScript, runScript } from './run-script.js';

/** Replaces a claim only if it still holds what the caller read: two attempts cannot both take it over. */
const TAKE_OVER = luaScript(
  "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0",
);
/** Sets the lease of a claim still held by token ARGV[2] (the value's second part) to ARGV[3]. */
const RENEW = luaScript(
  "local v = redis.call('HGET', KEYS[1], ARGV[1]) if not v then return 0 end local first, token = string.match(v, '^([^|]*)|([^|]*)') if token ~= ARGV[2] then return 0 end redis.call('HSET', KEYS[1], ARGV[1], first .. '|' .. token .. '|' .. ARGV[3]) return 1",
);
/** Deletes a claim still held by token ARGV[2]. */
const RELEASE_MINE = luaScript(
  "local v = redis.call('HGET', KEYS[1], ARGV[1]) if not v then return 0 end local first, token = string.match(v, '^([^|]*)|([^|]*)') if token ~= ARGV[2] then return 0 end redis.call('HDEL', KEYS[1], ARGV[1]) return 1",
);

export interface ClaimHolder {
  ageMs: number;
  /** When the first attempt of the chain claimed it, ms since epoch (kept across take-overs). */
  at: number;
  token: string;
  value: string;
  /** Until when the holder's lease runs (0: ended; NaN: a claim written without a lease). */
  liveUntil: number;
}

/** A claim's value: `<first claim, ISO>|<token of the attempt>|<lease end, ms>`. */
const claimValue = (iso: string, token: string, liveUntil?: number) => `${iso}|${token}|${liveUntil ?? ''}`;

/** The one-time steps of one Redis hash (an incident's, a storm's, a job's ledger), as `claim:<step>` fields. */
export function hashClaims(redis: Redis, hashKey: string) {
  const field = (step: string) => `claim:${step}`;
  return {
    /** Claims a one-time step; false when someone already did or is doing it. */
    async claim(step: string, token = '', liveUntil?: number): Promise<boolean> {
      const value = claimValue(new Date().toISOString(), token, liveUntil);
      return (await redis.hsetnx(hashKey, field(step), value)) === 1;
    },
    /** Who claimed a step and how long ago, or undefined when it is not claimed. */
    async claimOf(step: string, now = Date.now()): Promise<ClaimHolder | undefined> {
      const value = await redis.hget(hashKey, field(step));
      if (value === null) return undefined;
      const [when = '', token = '', lease = ''] = value.split('|');
      const at = Date.parse(when);
      return { ageMs: now - at, at, token, value, liveUntil: lease === '' ? Number.NaN : Number(lease) };
    },
    /**
     * Takes a claim over from the holder read by claimOf (whose lease ended or ran out); false when
     * someone else changed it in between (fencing: only one successor wins). The first claim's time
     * is kept, so every successor looks back to the first attempt that may have posted.
     */
    async takeOver(step: string, holder: ClaimHolder, token: string, liveUntil?: number): Promise<boolean> {
      const first = Number.isFinite(holder.at) ? new Date(holder.at).toISOString() : new Date().toISOString();
      const next = claimValue(first, token, liveUntil);
      return (await runScript(redis, TAKE_OVER, hashKey, [field(step), holder.value, next])) === 1;
    },
    /** Moves the lease of the claim held by `token` to `liveUntil`; false when it is no longer held by it. */
    async renew(step: string, token: string, liveUntil: number): Promise<boolean> {
      return (await runScript(redis, RENEW, hashKey, [field(step), token, String(liveUntil)])) === 1;
    },
    /** Deletes the claim if `token` still holds it. */
    async releaseMine(step: string, token: string): Promise<void> {
      await runScript(redis, RELEASE_MINE, hashKey, [field(step), token]);
    },
    async release(step: string): Promise<void> {
      await redis.hdel(hashKey, field(step));
    },
  };
}

export type StepClaims = Pick<
  ReturnType<typeof hashClaims>,
  'claim' | 'claimOf' | 'takeOver' | 'renew' | 'releaseMine'
>;

/** The right to post one message, held while the post is in flight. */
export interface Lease {
  /** Set when an earlier attempt's claim was taken over: it may have posted; look since then (ms). */
  since?: number;
  /** Runs the post, renewing the lease until it settles. */
  hold<T>(post: () => Promise<T>): Promise<T>;
  /** Recorded, or maybe posted: the claim stays (a successor looks first), the lease ends now. */
  end(): Promise<void>;
  /** Refused by the platform, nothing posted: anyone may claim it again at once. */
  release(): Promise<void>;
}

export type Acquired<T> = { done: T } | { lease: Lease };

export interface ClaimantOptions {
  /** How long a lease runs without renewal (a holder that died is waited for this long). */
  leaseMs: number;
  /** How long an attempt waits for another's live lease before the job is delayed (default 5 s). */
  maxWaitMs?: number;
}

/** Another attempt holds a live lease: run this job again later; it does not count as an attempt. */
export class ClaimBusyError extends Error {
  constructor(
    what: string,
    readonly retryInMs: number,
  ) {
    super(`${what} is being posted by another attempt; trying again in ${retryInMs} ms`);
    this.name = 'ClaimBusyError';
  }
}

/**
 * For a BullMQ processor's failures: a busy claim delays the job (no attempt used up), anything
 * else is thrown as it is. Without the job's lock token it is thrown (BullMQ retries it).
 */
export async function retryWhenBusy(error: unknown, job: Job, token: string | undefined): Promise<never> {
  if (error instanceof ClaimBusyError && token !== undefined) {
    await job.moveToDelayed(Date.now() + error.retryInMs, token);
    throw new DelayedError();
  }
  throw error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One process's attempts at once-only posts. */
export function createClaimant(log: Logger, options: ClaimantOptions) {
  const { leaseMs } = options;
  const maxWaitMs = options.maxWaitMs ?? Math.min(5000, leaseMs);
  const pollMs = Math.max(20, Math.min(250, Math.floor(leaseMs / 4)));
  const me = randomUUID().slice(0, 8);
  let attempts = 0;
  let stopped = false;
  const chains = new Map<string, Promise<void>>();

  function leaseOf(claims: StepClaims, step: string, token: string, since?: number): Lease {
    const renew = (until: number) => claims.renew(step, token, until);
    return {
      ...(since !== undefined ? { since } : {}),
      async hold(post) {
        const timer = setInterval(
          () => {
            renew(Date.now() + leaseMs).then(
              (ours) => {
                if (!ours)
                  log.warn({ step }, 'lost the claim while posting (lease ran out); a successor looks first');
              },
              () => {}, // Redis away: the lease runs out, and the successor looks before posting
            );
          },
          Math.max(10, Math.floor(leaseMs / 3)),
        );
        timer.unref();
        try {
          return await post();
        } finally {
          clearInterval(timer);
        }
      },
      end: async () => void (await renew(0)),
      release: () => claims.releaseMine(step, token),
    };
  }

  return {
    /** Runs attempts with the same key one after the other in this process. */
    serially<T>(key: string, run: () => Promise<T>): Promise<T> {
      const mine = (chains.get(key) ?? Promise.resolve()).then(run, run);
      const tail = mine.then(
        () => {},
        () => {},
      );
      chains.set(key, tail);
      void tail.then(() => {
        if (chains.get(key) === tail) chains.delete(key);
      });
      return mine;
    },
    /** Ends every wait at once (shutdown): those jobs are delayed, not failed. */
    stop(): void {
      stopped = true;
    },
    /**
     * The right to post `step` (call within `serially`), or what an earlier attempt recorded
     * (`recorded`, read again after every wait). While another process's lease is live this waits,
     * up to maxWaitMs; then it throws ClaimBusyError (see retryWhenBusy).
     */
    async acquire<T>(
      claims: StepClaims,
      step: string,
      what: string,
      recorded: () => Promise<T | undefined>,
    ): Promise<Acquired<T>> {
      const token = `${me}.${++attempts}`;
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        const done = await recorded();
        if (done !== undefined) return { done };
        if (await claims.claim(step, token, Date.now() + leaseMs))
          return { lease: leaseOf(claims, step, token) };
        const holder = await claims.claimOf(step);
        if (!holder) continue; // released in between: claim again
        // Attempts of this process run one at a time, so a claim of ours belongs to one that ended.
        const ours = holder.token.startsWith(`${me}.`);
        const liveUntil = Number.isNaN(holder.liveUntil) ? holder.at + leaseMs : holder.liveUntil;
        if (!ours && liveUntil > Date.now()) {
          if (stopped || Date.now() > deadline)
            throw new ClaimBusyError(what, Math.max(100, Math.min(2000, liveUntil - Date.now())));
          await sleep(pollMs);
          continue;
        }
        // Its holder records before it ends the lease: look once more before taking it over.
        const late = await recorded();
        if (late !== undefined) return { done: late };
        if (!ours && liveUntil > 0)
          log.warn({ what, step }, 'claim expired without a result; looking for its post');
        if (await claims.takeOver(step, holder, token, Date.now() + leaseMs))
          return { lease: leaseOf(claims, step, token, Number.isFinite(holder.at) ? holder.at : 0) };
        // Another successor won: its lease is live now, so wait for it like any other.
      }
    },
  };
}

export type Claimant = ReturnType<typeof createClaimant>;
