// An incident's root is posted exactly once per platform, also when BullMQ re-runs the open action
// while an earlier attempt is still posting (its job lock lapsed), when the platform's answer to a
// post is lost, and when a process dies after posting without recording it (the Redis-kill drill
// found the first two; test/faults/alert-redis-kill.test.ts drives them with real SIGKILLs).
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { alert, createHarness, eventually, type Harness, settled } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
});
afterEach(async () => {
  await h.close();
});

const shop = 'shop.example.com';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one root per incident and platform', () => {
  it('a re-run after a lapsed job lock waits for the attempt still posting and adopts its root', async () => {
    h.slack.postDelayMs = 2500;
    h.startWorkers(undefined, { lockDurationMs: 1000, stalledIntervalMs: 200 });
    await h.service.ingest([alert(shop)]);
    // The lock lapses while the root is being posted (as when Redis dies and renewals fail):
    // BullMQ's stall check hands the job to this same worker again.
    const lock = `${h.prefix}:incidents:open-${shop}#1-root:lock`;
    await eventually(async () => expect(await h.redis.exists(lock)).toBe(1), 5000);
    await h.redis.del(lock);
    await eventually(() => expect(h.discord.postedRoots.length).toBeGreaterThan(0), 15_000);
    await settled(h.service);
    await sleep(500);
    expect(h.slack.postedRoots).toHaveLength(1);
    expect(h.discord.postedRoots).toHaveLength(1);
    const record = await h.service.store.get(`${shop}#1`);
    expect(record?.threads.slack).toEqual(h.slack.postedRoots[0]);
  }, 30_000);

  it('a post whose answer was lost is found on the platform by its key, not posted again', async () => {
    h.slack.loseNextAnswers = 1;
    h.startWorkers();
    await h.service.ingest([alert(shop)]);
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(1), 10_000);
    await settled(h.service);
    expect(h.slack.postedRoots).toHaveLength(1);
    expect(h.slack.lookBacks).toBe(1);
    expect((await h.service.store.get(`${shop}#1`))?.threads.slack).toEqual(h.slack.postedRoots[0]);
  }, 20_000);

  it('a process that died after posting, before recording it: the next one finds that root after the lease', async () => {
    h.slack.loseNextAnswers = 1;
    const first = h.startWorkers();
    await h.service.ingest([alert(shop)]);
    await eventually(() => expect(h.slack.postedRoots).toHaveLength(1), 10_000);
    await first.close(); // the process is gone; its claim stays in Redis with no message recorded
    h.startWorkers(undefined, { rootLeaseMs: 300 });
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(1), 15_000);
    await settled(h.service);
    expect(h.slack.postedRoots).toHaveLength(1);
    expect(h.slack.lookBacks).toBe(1);
  }, 30_000);

  it('another process’s live claim is waited out, not posted over', async () => {
    await h.service.store.ingest([alert(shop)], new Date());
    await h.service.store.claim(`${shop}#1`, 'root:slack', 'otherproc.1');
    const workers = h.startWorkers(undefined, { rootLeaseMs: 60_000 });
    await workers.reconcile();
    await sleep(1500);
    expect(h.slack.postedRoots).toHaveLength(0);
  }, 20_000);
});
