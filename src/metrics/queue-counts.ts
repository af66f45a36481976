// Queue depth for /metrics: job counts by state of the diagnosis queue, read straight from
// BullMQ's keys (`<prefix>:diagnosis:wait` is a list, `delayed`, `failed`… sorted sets) over a
// fail-fast client of its own. Not through a BullMQ Queue: a Queue built while Redis is down keeps
// failing after Redis returns, and a scrape must neither hang nor break for good.
import { DIAGNOSIS_QUEUE } from '../jobs/queue-names.js';
import { closeRedis, createFrontRedis } from '../jobs/redis-clients.js';
import type { RedisTarget } from '../jobs/redis-target.js';
import type { QueueCountsSource } from './metrics.js';

/** State name shown in the metric → BullMQ key suffix and its Redis type. */
const STATES = [
  ['waiting', 'wait', 'list'],
  ['paused', 'paused', 'list'],
  ['active', 'active', 'list'],
  ['prioritized', 'prioritized', 'zset'],
  ['delayed', 'delayed', 'zset'],
  ['waiting-children', 'waiting-children', 'zset'],
  ['completed', 'completed', 'zset'],
  ['failed', 'failed', 'zset'],
] as const;

export interface QueueCounts {
  source: QueueCountsSource;
  close(): Promise<void>;
}

export function diagnosisQueueCounts(options: {
  redisUrl: string | RedisTarget;
  prefix: string;
}): QueueCounts {
  const redis = createFrontRedis(options.redisUrl);
  redis.on('error', () => {}); // surfaced as check502_queue_counts_up 0 and by /readyz
  const base = `${options.prefix}:${DIAGNOSIS_QUEUE}:`;
  return {
    async source() {
      const pipeline = redis.pipeline();
      for (const [, suffix, type] of STATES) {
        if (type === 'list') pipeline.llen(base + suffix);
        else pipeline.zcard(base + suffix);
      }
      const results = (await pipeline.exec()) ?? [];
      const counts: Record<string, number> = {};
      STATES.forEach(([state], i) => {
        const [error, value] = results[i] ?? [new Error('no answer'), null];
        if (error) throw error;
        counts[state] = Number(value);
      });
      return counts;
    },
    close: () => closeRedis(redis),
  };
}
