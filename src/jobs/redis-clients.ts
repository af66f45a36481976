// The two kinds of Redis client the pipeline uses. The front's client fails fast (no offline
// queue, one retry) so a chat ack never waits on a dead Redis; it reconnects on its own. Worker
// clients wait for Redis forever, as BullMQ requires for blocking commands. Either opens a single
// server, a Cluster or a Sentinel-managed primary (redis-target.ts).
import type { Redis } from 'ioredis';
import { within } from '../time/with-timeout.js';
import { openRedis, type RedisTarget } from './redis-target.js';

export function createFrontRedis(
  url: string | RedisTarget,
  options: { autoPipelining?: boolean } = {},
): Redis {
  return openRedis(url, {
    enableAutoPipelining: options.autoPipelining ?? false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    // Keep trying to reconnect, never more than 2 s apart, so recovery is quick once Redis is back.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
}

export function createWorkerRedis(url: string | RedisTarget): Redis {
  return openRedis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Resolves once the client is ready, or after `ms` (false) without throwing: start-up must not hang on Redis. */
export function waitUntilReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/** Quits politely, or disconnects when Redis is not answering. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await within(redis.quit(), 1000, undefined);
  } catch {
    // already closing
  }
  if ((redis.status as string) !== 'end') redis.disconnect();
}
