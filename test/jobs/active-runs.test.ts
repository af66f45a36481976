// The active-run claim against real Redis: one call claims, joins or is refused by a watch's key,
// also on an auto-pipelining client whose pipeline was already pending when the claim came.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ActiveRuns } from '../../src/jobs/active-runs.js';
import { closeRedis, createFrontRedis, waitUntilReady } from '../../src/jobs/redis-clients.js';
import { removePrefix } from '../support/redis-cleanup.js';

const redisUrl = inject('redisUrl');
const prefix = `t${randomUUID().slice(0, 8)}`;
const clients: Redis[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await closeRedis(client);
  await removePrefix(redisUrl, prefix);
});

async function client(autoPipelining: boolean): Promise<Redis> {
  const redis = createFrontRedis(redisUrl, { autoPipelining });
  clients.push(redis);
  expect(await waitUntilReady(redis, 3000)).toBe(true);
  return redis;
}

describe('ActiveRuns.claim', () => {
  it('claims a free site, answers the run holding it, and is refused while the blocking key exists', async () => {
    const redis = await client(false);
    const runs = new ActiveRuns(redis, prefix);
    expect(await runs.claim('slack', 'a.example.com', { jobId: 'j1' })).toEqual({ claimed: true });
    expect(await runs.claim('slack', 'a.example.com', { jobId: 'j2' })).toEqual({
      claimed: false,
      held: { jobId: 'j1' },
    });
    await redis.set(`${prefix}:block`, '1');
    expect(await runs.claim('slack', 'b.example.com', { jobId: 'j3' }, `${prefix}:block`)).toEqual({
      claimed: false,
      blocked: true,
    });
    // Refused means nothing was claimed.
    expect(await runs.get('slack', 'b.example.com')).toBeUndefined();
    // An unreadable value is taken over.
    await redis.set(runs.key('slack', 'c.example.com'), 'not json');
    expect(await runs.claim('slack', 'c.example.com', { jobId: 'j4' })).toEqual({ claimed: true });
  });

  it('works on an auto-pipelining client when the first claim joins a pipeline already pending', async () => {
    const redis = await client(true);
    const runs = new ActiveRuns(redis, prefix);
    // Same tick: the GET opens the pipeline, the claim is appended to it.
    const [value, claim] = await Promise.all([
      redis.get(`${prefix}:nothing`),
      runs.claim('slack', 'd.example.com', { jobId: 'j5' }),
    ]);
    expect(value).toBeNull();
    expect(claim).toEqual({ claimed: true });
  });
});
