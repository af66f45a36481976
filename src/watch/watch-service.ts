// The front side of watches (`/check502 watch`): start one (Redis record, site claim and limits in
// one script, then its first run as a BullMQ job), join one already running, stop one. Implements
// the chat front's WatchRegistry port; the runs themselves are watch-workers.ts.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WatchRegistry } from '../chat/front/watch-request.js';
import type { ReplyTarget } from '../chat/sink.js';
import { ActiveRuns } from '../jobs/active-runs.js';
import { queueFinish, queueRun, WATCH_QUEUE } from './watch-queue.js';
import { startWatch, stopWatch } from './watch-state.js';
import { DEFAULT_WATCH_LIMITS, type WatchLimits, type WatchRecord, WatchStore } from './watch-store.js';

/** Chat watches: at least a minute (two runs), at most six hours (about 360 diagnoses). */
export const WATCH_BOUNDS = { minMs: 60_000, maxMs: 6 * 3600_000 };

export interface WatchService extends WatchRegistry {
  readonly store: WatchStore;
  readonly limits: WatchLimits;
  close(): Promise<void>;
}

export function createWatchService(deps: {
  /** A fail-fast client the caller owns (not closed here). */
  redis: Redis;
  prefix: string;
  limits?: Partial<WatchLimits>;
  bounds?: Partial<typeof WATCH_BOUNDS>;
  now?: () => number;
}): WatchService {
  const limits = { ...DEFAULT_WATCH_LIMITS, ...deps.limits };
  const bounds = { ...WATCH_BOUNDS, ...deps.bounds };
  const now = deps.now ?? Date.now;
  const store = new WatchStore(deps.redis, deps.prefix);
  const active = new ActiveRuns(deps.redis, deps.prefix);
  const queue = new Queue(WATCH_QUEUE, { connection: deps.redis, prefix: deps.prefix });
  queue.on('error', () => {});

  async function stopById(id: string, by: string | undefined) {
    const changed = await store.update(id, (record) =>
      record.state.outcome
        ? undefined
        : {
            ...record,
            state: stopWatch(record.state, 'stopped', now()).state,
            ...(by !== undefined ? { stoppedBy: `${record.reply.platform}:${by}` } : {}),
          },
    );
    if (!changed) return { outcome: 'unknown' as const };
    const site = changed.after.site;
    // Ended but its outcome not posted yet (a Stop whose queueing failed): queue it again.
    if (changed.saved || !changed.after.finished) await queueFinish(queue, id);
    return { outcome: changed.saved ? ('stopped' as const) : ('ended' as const), site };
  }

  return {
    store,
    limits,
    bounds,
    async start(request) {
      const at = now();
      const id = `w-${randomBytes(8).toString('hex')}`;
      // A diagnosis of the site already running is the watch's first look (watch-workers.ts waits for it).
      const running = await active.get(request.reply.platform, request.site);
      // Joined, the watch posts no root of its own: a Discord interaction is answered by the front.
      const reply = withoutInteraction(request.reply);
      const record: WatchRecord = {
        id,
        site: request.site,
        input: request.input,
        reply: running ? reply : request.reply,
        ...(running ? { joins: running.jobId } : {}),
        state: startWatch(
          request.site,
          at,
          Math.min(Math.max(request.durationMs, bounds.minMs), bounds.maxMs),
        ),
        version: 0,
        ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
      };
      const started = await store.start(record, limits, at);
      if (started.result === 'joined') {
        const running = await store.get(started.id);
        return {
          outcome: 'joined',
          id: started.id,
          ...(running?.thread ? { thread: running.thread } : {}),
        };
      }
      if (started.result === 'channel_limit')
        return { outcome: 'limit', which: 'channel', limit: limits.perChannel };
      if (started.result === 'global_limit')
        return { outcome: 'limit', which: 'global', limit: limits.global };
      try {
        await queueRun(queue, id, 0, 0);
      } catch (error) {
        // Nothing will run it: free the site so the user's retry is not told "already watched".
        await store.release(record).catch(() => {});
        throw error;
      }
      if (!running) return { outcome: 'started', id };
      return { outcome: 'started', id, joinsRun: running.thread ? { thread: running.thread } : {} };
    },
    async stop(which, by) {
      if ('id' in which) return stopById(which.id, by);
      const running = await store.running(which.platform, which.site);
      if (!running) return { outcome: 'unknown', site: which.site };
      return stopById(running.id, by);
    },
    async running(platform, site) {
      const record = await store.running(platform, site);
      return record ? { id: record.id, ...(record.thread ? { thread: record.thread } : {}) } : undefined;
    },
    close: () => queue.close(),
  };
}

function withoutInteraction(reply: ReplyTarget): ReplyTarget {
  if (reply.platform !== 'discord' || reply.interaction === undefined) return reply;
  const { interaction: _answered, ...rest } = reply;
  return rest;
}
