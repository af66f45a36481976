// Durability across a failover: Redis replicates asynchronously, so a write the primary answered
// can be missing from the replica Sentinel promotes when the primary dies. WAIT blocks until that
// many replicas hold every write this connection made so far (or the timeout passes); a caller
// that promised something (a 2xx for an alert) asks for it before answering.
import type { Redis } from 'ioredis';

/** Resolves once `replicas` replicas hold this connection's writes; throws when they do not in time. */
export async function replicated(redis: Redis, replicas: number, timeoutMs = 1000): Promise<void> {
  if (replicas <= 0) return;
  const acked = Number(await redis.call('WAIT', replicas, timeoutMs));
  if (acked < replicas)
    throw new Error(`only ${acked} of ${replicas} Redis replicas confirmed the write within ${timeoutMs} ms`);
}
