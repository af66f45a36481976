// What a job's post ledger has recorded, for drills that must stop a worker only after its posts
// are on record (a crash between a post and its record repeats that one message by design).
import type { Redis } from 'ioredis';

/** How many messages the post ledgers under `prefix` have recorded. */
export async function ledgerMessages(redis: Redis, prefix: string): Promise<number> {
  const keys = await redis.keys(`${prefix}:posted:*`);
  const fields = await Promise.all(keys.map((key) => redis.hkeys(key)));
  return fields.flat().filter((field) => field.startsWith('msg:')).length;
}
