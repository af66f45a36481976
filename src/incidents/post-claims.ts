// The claim step shared by every message that must be posted exactly once per platform (incident
// roots: root-poster.ts; storm messages: storm-worker.ts). A claim in a Redis hash field names the
// attempt that may post (`<process>.<n>`, at a time). Another process's live claim is waited out
// for a lease; taking a claim over is a compare-and-set, so only one successor wins (fencing). A
// claim taken over may have been posted without being recorded, so the successor is told since
// when to look for it on the platform (by the message's stable key) before posting again.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from './incident-deps.js';
import { luaScript, runScript } from './run-script.js';

/** Replaces a claim only if it still holds what the caller read: two attempts cannot both take it over. */
const TAKE_OVER = luaScript(
  "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0",
);

export interface ClaimHolder {
  ageMs: number;
  /** When it was claimed, ms since epoch. */
  at: number;
  token: string;
  value: string;
}

/** The one-time steps of one Redis hash (an incident's, a storm's), as `claim:<step>` fields. */
export function hashClaims(redis: Redis, hashKey: string) {
  return {
    /** Claims a one-time step; false when someone already did or is doing it. */
    async claim(step: string, token = ''): Promise<boolean> {
      return (await redis.hsetnx(hashKey, `claim:${step}`, `${new Date().toISOString()}|${token}`)) === 1;
    },
    /** Who claimed a step and how long ago, or undefined when it is not claimed. */
    async claimOf(step: string, now = Date.now()): Promise<ClaimHolder | undefined> {
      const value = await redis.hget(hashKey, `claim:${step}`);
      if (value === null) return undefined;
      const [when = '', token = ''] = value.split('|');
      const at = Date.parse(when);
      return { ageMs: now - at, at, token, value };
    },
    /**
     * Takes a claim over from the holder read by claimOf (whose attempt ended, or whose lease ran
     * out); false when someone else changed it in between (fencing: only one successor wins).
     */
    async takeOver(step: string, holder: { value: string }, token: string): Promise<boolean> {
      const next = `${new Date().toISOString()}|${token}`;
      return (await runScript(redis, TAKE_OVER, hashKey, [`claim:${step}`, holder.value, next])) === 1;
    },
    async release(step: string): Promise<void> {
      await redis.hdel(hashKey, `claim:${step}`);
    },
  };
}

export type StepClaims = Pick<ReturnType<typeof hashClaims>, 'claim' | 'claimOf' | 'takeOver'>;

/** One process's attempts at once-only posts. */
export function createClaimant(log: Logger, leaseMs: number) {
  const me = randomUUID().slice(0, 8);
  let attempts = 0;
  const chains = new Map<string, Promise<void>>();
  return {
    /** A token naming a new attempt of this process. */
    token: () => `${me}.${++attempts}`,
    /** Runs attempts with the same key one after the other in this process. */
    serially(key: string, run: () => Promise<void>): Promise<void> {
      const mine = (chains.get(key) ?? Promise.resolve()).then(run, run);
      const tail = mine.catch(() => {});
      chains.set(key, tail);
      void tail.then(() => {
        if (chains.get(key) === tail) chains.delete(key);
      });
      return mine;
    },
    /**
     * Claims `step` for `token` (call within `serially`). Resolves undefined for a fresh claim, or
     * the time an earlier attempt claimed it when that claim was taken over: it may have posted, so
     * look for its message since then. Throws (retry later) while another process's claim is within
     * its lease, or when another successor took it first.
     */
    async claim(claims: StepClaims, step: string, token: string, what: string): Promise<number | undefined> {
      if (await claims.claim(step, token)) return undefined;
      const holder = await claims.claimOf(step);
      // Attempts of this process run one at a time, so a claim of ours belongs to one that ended.
      const ours = holder?.token.startsWith(`${me}.`) === true;
      if (holder && !ours && holder.ageMs < leaseMs)
        throw new Error(`${what} was claimed ${Math.round(holder.ageMs)} ms ago by another worker; retrying`);
      if (holder && !ours) log.warn({ what, step }, 'claim expired without a result; looking for its post');
      if (holder) {
        if (!(await claims.takeOver(step, holder, token)))
          throw new Error(`claim of ${what} changed hands; retrying`);
        return Number.isFinite(holder.at) ? holder.at : 0;
      }
      if (!(await claims.claim(step, token))) throw new Error(`claim of ${what} changed hands; retrying`);
      return undefined;
    },
  };
}
