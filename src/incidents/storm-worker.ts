// Works the storm queue: posts the storm message in each alert channel (exactly once, ahead
// of the roots waiting there), then checks a few of the storm's sites at once without posting, so the
// shared cause can be named within seconds instead of after every site's thread has been posted and
// diagnosed one by one; later edits fold in each site's own diagnosis and thread link as they come.
import { type Job, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { isPermanent } from '../chat/delivery-error.js';
import type { Platform, PostKey, StormView } from '../chat/sink.js';
import { duplicateForBlocking } from '../jobs/redis-target.js';
import type { AlertChannels, Clock, Logger, Recheck, Sinks } from './incident-deps.js';
import type { IncidentStore } from './incident-store.js';
import { createClaimant, retryWhenBusy } from './post-claims.js';
import { ROOT_LEASE_MS, rootKeyOf } from './root-poster.js';
import { STORM_QUEUE, type StormJob } from './storm-queue.js';
import type { StormRecord, StormStore } from './storm-store.js';
import { type StormMember, stormMembers, stormView } from './storm-view.js';

export interface StormWorkerDeps {
  redis: Redis;
  prefix: string;
  store: IncidentStore;
  storms: StormStore;
  queue: Queue;
  sinks: Sinks;
  channels: AlertChannels;
  recheck: Recheck;
  logger: Logger;
  clock: Clock;
  /** Sites checked at once when the storm begins (default 3: two that agree already name the cause). */
  probeSites?: number;
  /** How long the storm message waits for those checks before it is edited with what is known (default 4 s). */
  probeBudgetMs?: number;
  editWindowMs: number;
  /** How long another process's claim on the storm message is waited out (ROOT_LEASE_MS unless a test shortens it). */
  leaseMs?: number;
  /** Stall detection of storm jobs, for tests (BullMQ defaults otherwise). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export function startStormWorker(deps: StormWorkerDeps): { close(): Promise<void> } {
  const log = deps.logger.child({ component: 'storms' });
  const claimant = createClaimant(log, { leaseMs: deps.leaseMs ?? ROOT_LEASE_MS });
  const platforms = (Object.keys(deps.channels) as Platform[]).filter(
    (p) => deps.channels[p] && deps.sinks[p]?.postStorm,
  );

  async function members(sid: string) {
    const storm = await deps.storms.get(sid);
    return storm ? { storm, members: await stormMembers(storm, deps.store) } : undefined;
  }

  async function post(sid: string): Promise<void> {
    const found = await members(sid);
    if (!found) return;
    // What each platform's message shows when its turn to be sent comes (Slack's outbox reads it
    // again then): the quick checks landing before that go out in the first message itself.
    const live: Partial<Record<Platform, StormView>> = {};
    const refresh = (storm: StormRecord, list: readonly StormMember[]) => {
      for (const platform of platforms)
        live[platform] = stormView(storm, list, platform, deps.sinks[platform]);
    };
    refresh(found.storm, found.members);
    const posts = platforms.map((platform) => postOne(sid, platform, () => live[platform]!));
    const probing = probe(sid, found.members, async () => {
      const now = await members(sid);
      if (now) refresh(now.storm, now.members);
      await edit(sid);
    });
    await Promise.all(posts);
    log.info({ storm: sid, sites: found.members.length }, 'storm message posted');
    await probing;
    await edit(sid);
  }

  /**
   * Posts the storm message on `platform` exactly once, however many attempts of the post job run
   * (a lapsed job lock, Redis dying between the platform's answer and its record): the claim and
   * look-back of incident roots (post-claims.ts), the message keyed like a root.
   */
  function postOne(sid: string, platform: Platform, view: () => StormView): Promise<void> {
    return claimant.serially(`${sid}\u0000${platform}`, async () => {
      const got = await claimant.acquire(
        deps.storms.steps(sid),
        `post:${platform}`,
        `storm ${sid}`,
        async () => {
          const storm = await deps.storms.get(sid);
          // A storm that is gone has nothing to post: treated as done.
          return storm ? storm.messages[platform] : null;
        },
      );
      if ('done' in got) return;
      const { lease } = got;
      const key: PostKey = { rootKey: rootKeyOf(`storm\u0000${sid}`, platform) };
      if (lease.since !== undefined) key.lookBackSince = lease.since;
      try {
        const ref = await lease.hold(() =>
          deps.sinks[platform]!.postStorm!(deps.channels[platform]!, view, key),
        );
        await deps.storms.setMessage(sid, ref);
      } catch (error) {
        // The platform refused it: nothing was posted, so any worker may try again without waiting.
        // Otherwise it may be posted: the claim stays, and the next attempt looks for it first.
        await (isPermanent(error) ? lease.release() : lease.end()).catch(() => {});
        throw error;
      }
      await lease.end().catch(() => {});
    });
  }

  /**
   * Quick checks of sites nobody has diagnosed yet; each that lands refreshes the message (edits of
   * one message coalesce in the sink). Those still running at the budget finish and edit later.
   */
  async function probe(
    sid: string,
    list: readonly StormMember[],
    landed: () => Promise<void>,
  ): Promise<void> {
    const todo = list.filter((m) => m.report === undefined).slice(0, deps.probeSites ?? 3);
    let edits = Promise.resolve();
    const runs = todo.map(async (member) => {
      try {
        const report = await deps.recheck(member.site);
        await deps.storms.setProbe(sid, member.id, report);
        edits = edits
          .then(landed)
          .catch((error: unknown) => log.warn({ err: error, storm: sid }, 'storm edit failed'));
      } catch (error) {
        log.warn({ err: error, storm: sid, site: member.site }, 'storm check failed');
      }
    });
    const all = Promise.all(runs).then(() => edits);
    const late = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), deps.probeBudgetMs ?? 4000).unref(),
    );
    await Promise.race([all, late]);
  }

  async function edit(sid: string): Promise<void> {
    const found = await members(sid);
    if (!found) return;
    for (const platform of platforms) {
      const ref = found.storm.messages[platform];
      if (!ref) continue;
      await deps.sinks[platform]!.updateStorm!(
        ref,
        stormView(found.storm, found.members, platform, deps.sinks[platform]),
      );
    }
  }

  const connection = duplicateForBlocking(deps.redis);
  const worker = new Worker<StormJob>(
    STORM_QUEUE,
    async (job: Job<StormJob>, token?: string) =>
      job.data.kind === 'post'
        ? post(job.data.storm).catch((error: unknown) => retryWhenBusy(error, job, token))
        : edit(job.data.storm),
    {
      connection,
      prefix: deps.prefix,
      concurrency: 2,
      ...(deps.lockDurationMs !== undefined ? { lockDuration: deps.lockDurationMs } : {}),
      ...(deps.stalledIntervalMs !== undefined ? { stalledInterval: deps.stalledIntervalMs } : {}),
    },
  );
  worker.on('error', (error) => log.warn({ err: error }, 'storm worker error'));
  worker.on('failed', (job, error) =>
    log.warn({ err: error, storm: job?.data.storm }, 'storm action failed'),
  );
  return {
    async close() {
      claimant.stop();
      await worker.close();
      connection.disconnect();
    },
  };
}
