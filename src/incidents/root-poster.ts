// Posts an incident's root message exactly once per platform, however many attempts of the open
// action run: BullMQ re-runs a job whose lock lapsed (a Redis outage, a blocked event loop) while
// the first attempt may still be posting, in this process or another, and Redis can die between
// the platform's answer and the record of it.
//
// - In one process, attempts for the same root run one after the other: a re-run waits for the
//   attempt still posting and adopts what it recorded.
// - Across processes, a claim in Redis names the attempt that may post (post-claims.ts, shared with
//   the storm message and chat-command roots): its lease is renewed while the post is in flight, an
//   attempt that finds a live lease waits for the result instead of posting, taking over is fenced.
// - A claim with no recorded message means its attempt may have posted without recording it. The
//   successor then asks the platform before posting again: every root carries a key that is the
//   same on every attempt (Discord's nonce with enforce_nonce; Slack's message metadata, looked
//   for in the channel's history since the claim).
// - A claim is never released once the post may have happened; only the platform's refusal
//   (nothing posted) releases it.
import { createHash } from 'node:crypto';
import { isPermanent } from '../chat/delivery-error.js';
import type { Platform, ReplyTarget, RunContext, ThreadRef } from '../chat/sink.js';
import type { AlertChannels, Logger, Sinks } from './incident-deps.js';
import type { IncidentRecord, IncidentStore } from './incident-store.js';
import { createClaimant } from './post-claims.js';

/**
 * How long a claim's lease runs without renewal: its holder renews it while the post is in flight,
 * so this only bounds how long a process that died mid-post is waited for before its claim is taken
 * over (and its post looked for).
 */
export const ROOT_LEASE_MS = 30_000;

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
  const claimant = createClaimant(deps.log, { leaseMs: deps.leaseMs ?? ROOT_LEASE_MS });
  // Roots this process saw posted whose record in Redis may have failed: the next attempt builds on them.
  const posted = new Map<string, ThreadRef>();
  // Threads the sink finished whose record failed: the next attempt only records them.
  const finished = new Map<string, ThreadRef>();

  async function attempt(incident: IncidentRecord, platform: Platform, key: string): Promise<void> {
    const { store } = deps;
    const id = incident.id;
    const ready = finished.get(key);
    if (ready) return record(ready);
    // Another attempt (an earlier one here, or one elsewhere still posting) may finish it meanwhile.
    const got = await claimant.acquire(store.steps(id), `root:${platform}`, `root of ${id}`, async () => {
      const fresh = await store.get(id);
      return fresh?.threads[platform];
    });
    if ('done' in got) {
      incident.threads[platform] = got.done;
      return;
    }
    const { lease } = got;
    let pending: ThreadRef | undefined;
    try {
      const reply = {
        platform,
        channel: incident.routes[platform] ?? deps.channels[platform]!,
      } as ReplyTarget;
      const context = await deps.runContext(incident, platform);
      context.rootKey = rootKeyOf(id, platform);
      pending = posted.get(key) ?? (await store.get(id))?.pendingRoots[platform];
      if (pending) context.root = pending;
      // Its attempt may have posted without recording it: the sink looks before posting again.
      else if (lease.since !== undefined) context.lookBackSince = lease.since;
      context.onRoot = async (root) => {
        posted.set(key, root);
        await store.setPendingRoot(id, root);
      };
      const thread = await lease.hold(() => deps.sinks[platform]!.startThread(reply, context));
      finished.set(key, thread);
      posted.delete(key);
      await record(thread);
    } catch (error) {
      // The platform refused it: nothing was posted, so any worker may try again without waiting.
      // Otherwise it may be posted: the claim stays, and the next attempt looks for it first.
      const nothingPosted = isPermanent(error) && !posted.has(key) && !pending;
      await (nothingPosted ? lease.release() : lease.end()).catch(() => {});
      throw error;
    }
    await lease.end().catch(() => {});

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
      return claimant.serially(key, () => attempt(record, platform, key));
    },
    /** Shutdown: roots waiting for another attempt's claim are delayed, not waited for. */
    stop: () => claimant.stop(),
  };
}
