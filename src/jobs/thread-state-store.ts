// The chat sinks' thread state (src/chat/thread-state.ts) in Redis, beside the post ledger, so a
// job retried on another worker finds what the first one learnt: which interaction owns a root, the
// last report shown on it, a hint for it, the channels that take nothing from us. Roots are kept as
// long as the ledger (a day); an unreachable channel only as long as it is left alone.
import type { Redis } from 'ioredis';
import type { RootMemory, ThreadState } from '../chat/thread-state.js';

const ROOT_TTL_SECONDS = 24 * 3600;
const FIELDS = ['interaction', 'report', 'hint', 'guild'] as const;

export function redisThreadState(redis: Redis, prefix: string): ThreadState {
  const rootKey = (platform: string, root: string) => `${prefix}:thread-state:${platform}:${root}`;
  const deadKey = (platform: string, channel: string) => `${prefix}:unreachable:${platform}:${channel}`;
  return {
    async root(platform, root) {
      const values = await redis.hmget(rootKey(platform, root), ...FIELDS);
      const memory: RootMemory = {};
      FIELDS.forEach((field, i) => {
        const raw = values[i];
        if (raw !== null && raw !== undefined) Object.assign(memory, { [field]: JSON.parse(raw) });
      });
      return memory;
    },
    async remember(platform, root, fields) {
      const values: Record<string, string> = {};
      for (const field of FIELDS) {
        if (fields[field] !== undefined) values[field] = JSON.stringify(fields[field]);
      }
      if (Object.keys(values).length === 0) return;
      const key = rootKey(platform, root);
      await redis.multi().hset(key, values).expire(key, ROOT_TTL_SECONDS).exec();
    },
    async isUnreachable(platform, channel) {
      return (await redis.exists(deadKey(platform, channel))) === 1;
    },
    async markUnreachable(platform, channel, ttlMs) {
      // GET then SET: the answer only decides whether this worker logs the failure.
      const previous = await redis.set(deadKey(platform, channel), '1', 'PX', ttlMs, 'GET');
      return previous === null;
    },
  };
}
