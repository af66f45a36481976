// Posts an incident's root message exactly once per platform, however many attempts of the open
// action run: BullMQ re-runs a job whose lock lapsed (a Redis outage, a blocked event loop) while
// the first attempt may still be posting, in this process or another, and Redis can die between
// the platform's answer and the record of it.
//
// - In one process, attempts for the same root run one after the other: a re-run waits for the
//   attempt still posting and adopts what it recorded.
// - Across processes, a claim in Redis names the attempt that may post (`<process>.<n>`). Another
//   process's live claim is waited out for a lease; taking a claim over is a compare-and-set, so
//   only one successor wins (fencing).
// - A claim with no recorded message means its attempt may have posted without recording it. The
//   successor then asks the platform before posting again: every root carries a key that is the
//   same on every attempt (Discord's nonce with enforce_nonce; Slack's message metadata, looked
//   for in the channel's history since the claim).
// - A claim is never released once the post may have happened; only the platform's refusal
//   (nothing posted) releases it.
import { createHash, randomUUID } from 'node:crypto';
import { isPermanent } from '../chat/delivery-error.js';
import type { Platform, ReplyTarget, RunContext, ThreadRef } from '../chat/sink.js';
import type { AlertChannels, Logger, Sinks } from './incident-deps.js';
import type { IncidentRecord, IncidentStore } from './incident-store.js';

/**
 * How long another process's claim without a result is waited for (retried) before it is taken for
 * a process that died mid-post; longer than a post can take (the sink's timeout and rate-limit waits).
 */
export const ROOT_LEASE_MS = 2 * 60_000;

export interface RootPosterDeps {
  store: IncidentStore;
  sinks: Sinks;
  channels: AlertChannels;
  log: Logger;
  runContext(record: IncidentRecord, platform: Platform): Promise<RunContext>;
  /** ROOT_LEASE_MS unless a test shortens it. */
  leaseMs?: number;
}

/** The root's key for the platform: at most 25 characters (Discord's nonce limit), stable across attempts. */
export function rootKeyOf(id: string, platform: Platform): string {
  return createHash('sha256').update(`${id}\u0000${platform}`).digest('base64url').slice(0, 25);
}

export function createRootPoster(deps: RootPosterDeps) {
  const lease = deps.leaseMs ?? ROOT_LEASE_MS;
  const me = randomUUID().slice(0, 8);
  let attempts = 0;
  const chains = new Map<string, Promise<void>>();
  // Roots this process saw posted whose record in Redis may have failed: the next attempt builds on them.
  const posted = new Map<string, ThreadRef>();
  // Threads the sink finished whose record failed: the next attempt only records them.
  const finished = new Map<string, ThreadRef>();

  function serially(key: string, run: () => Promise<void>): Promise<void> {
    const mine = (chains.get(key) ?? Promise.resolve()).then(run, run);
    const tail = mine.catch(() => {});
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return mine;
  }

  async function attempt(incident: IncidentRecord, platform: Platform, key: string): Promise<void> {
    const { store } = deps;
    const id = incident.id;
    const step = `root:${platform}`;
    // An attempt before this one (in this process) may have finished it while this one waited.
    const fresh = await store.get(id);
    const done = fresh?.threads[platform];
    if (done) {
      incident.threads[platform] = done;
      return;
    }
    const ready = finished.get(key);
    if (ready) return record(ready);
    const reply = { platform, channel: incident.routes[platform] ?? deps.channels[platform]! } as ReplyTarget;
    // Every read happens before the claim, so only the post itself sits between claim and result.
    const context = await deps.runContext(incident, platform);
    context.rootKey = rootKeyOf(id, platform);
    const token = `${me}.${++attempts}`;
    const pending = posted.get(key) ?? fresh?.pendingRoots[platform];
    if (pending) context.root = pending;
    else if (!(await store.claim(id, step, token))) {
      const holder = await store.claimOf(id, step);
      // Attempts of this process run one at a time, so a claim of ours belongs to one that ended.
      const ours = holder?.token.startsWith(`${me}.`) === true;
      if (holder && !ours && holder.ageMs < lease)
        throw new Error(
          `root of ${id} was claimed ${Math.round(holder.ageMs)} ms ago by another worker; retrying`,
        );
      if (holder && !ours)
        deps.log.warn(
          { incident: id, platform },
          'root claim expired without a result; looking for its post',
        );
      if (holder) {
        // Its attempt may have posted without recording it: the sink looks before posting again.
        context.lookBackSince = Number.isFinite(holder.at) ? holder.at : 0;
        if (!(await store.takeOver(id, step, holder, token)))
          throw new Error(`root claim of ${id} changed hands; retrying`);
      } else if (!(await store.claim(id, step, token))) {
        throw new Error(`root claim of ${id} changed hands; retrying`);
      }
    }
    context.onRoot = async (root) => {
      posted.set(key, root);
      await store.setPendingRoot(id, root);
    };
    let thread: ThreadRef;
    try {
      thread = await deps.sinks[platform]!.startThread(reply, context);
    } catch (error) {
      // The platform refused it: nothing was posted, so any worker may try again without waiting.
      if (isPermanent(error) && !posted.has(key) && !pending) await store.release(id, step).catch(() => {});
      throw error;
    }
    finished.set(key, thread);
    posted.delete(key);
    await record(thread);

    async function record(thread: ThreadRef): Promise<void> {
      await store.setThread(id, thread);
      incident.threads[platform] = thread;
      finished.delete(key);
    }
  }

  return {
    /** Posts the root of `record` on `platform` unless it is recorded; sets record.threads[platform]. */
    post(record: IncidentRecord, platform: Platform): Promise<void> {
      const key = `${record.id}\u0000${platform}`;
      return serially(key, () => attempt(record, platform, key));
    },
  };
}
