// Works the storm queue: posts the storm message in each alert channel (once, claimed in Redis, ahead
// of the roots waiting there), then checks a few of the storm's sites at once without posting, so the
// shared cause can be named within seconds instead of after every site's thread has been posted and
// diagnosed one by one; later edits fold in each site's own diagnosis and thread link as they come.
import { type Job, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Platform, StormView } from '../chat/sink.js';
import { duplicateForBlocking } from '../jobs/redis-target.js';
import type { AlertChannels, Clock, Logger, Recheck, Sinks } from './incident-deps.js';
import type { IncidentStore } from './incident-store.js';
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
}

export function startStormWorker(deps: StormWorkerDeps): { close(): Promise<void> } {
  const log = deps.logger.child({ component: 'storms' });
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
    const posts = platforms.map((platform) => postOne(sid, platform, found.storm, () => live[platform]!));
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

  async function postOne(
    sid: string,
    platform: Platform,
    storm: StormRecord,
    view: () => StormView,
  ): Promise<void> {
    if (storm.messages[platform]) return;
    if (!(await deps.storms.claim(sid, `post:${platform}`))) return;
    try {
      const ref = await deps.sinks[platform]!.postStorm!(deps.channels[platform]!, view);
      await deps.storms.setMessage(sid, ref);
    } catch (error) {
      await deps.storms.release(sid, `post:${platform}`);
      throw error;
    }
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
    async (job: Job<StormJob>) => (job.data.kind === 'post' ? post(job.data.storm) : edit(job.data.storm)),
    { connection, prefix: deps.prefix, concurrency: 2 },
  );
  worker.on('error', (error) => log.warn({ err: error }, 'storm worker error'));
  worker.on('failed', (job, error) =>
    log.warn({ err: error, storm: job?.data.storm }, 'storm action failed'),
  );
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
