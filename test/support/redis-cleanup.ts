// Removes every key under a test's unique prefix (never FLUSHALL: the Redis is shared by test files).
// On a Redis Cluster SCAN sees one node's keys, so it runs on every master.
import { everyMaster, type RedisTestTarget, readyInspectionClient } from './redis-test-target.js';

export async function removePrefix(target: string | RedisTestTarget, prefix: string): Promise<void> {
  const redis = await readyInspectionClient(typeof target === 'string' ? { url: target } : target);
  try {
    for (const node of everyMaster(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        // A cluster's prefix is a hash tag: the keys of one batch share a slot, as DEL requires.
        if (keys.length > 0) await node.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
