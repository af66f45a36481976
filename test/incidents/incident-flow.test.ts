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

describe('incidents from alerts', () => {
  it('opens one incident per site: a root in each alert channel and a diagnosis threaded under it', async () => {
    h.startWorkers();
    const summary = await h.service.ingest([alert(shop)]);
    expect(summary.counts).toEqual({ opened: 1 });
    await eventually(() => expect(h.requests).toHaveLength(2));
    const [root] = h.slack.of('startThread');
    expect(root?.reply).toEqual({ platform: 'slack', channel: 'C-ALERTS' });
    expect(root?.context.incident).toMatchObject({
      id: `${shop}#1`,
      state: 'open',
      alerts: 1,
      sources: ['alertmanager'],
    });
    expect(h.discord.of('startThread')).toHaveLength(1);
    expect(h.requests.map((r) => [r.site, r.thread?.platform, r.incident?.id])).toEqual(
      expect.arrayContaining([
        [shop, 'slack', `${shop}#1`],
        [shop, 'discord', `${shop}#1`],
      ]),
    );
    expect(await h.service.context(`${shop}#1`)).toMatchObject({ alerts: 1, state: 'open' });
  });

  it('counts a storm from two front processes as one incident per site, each delivery once', async () => {
    h.startWorkers();
    const other = await h.secondFront();
    const sites = ['a.example.com', 'b.example.com', 'c.example.com'];
    const alerts = sites.flatMap((site) =>
      Array.from({ length: 40 }, (_, n) =>
        alert(site, { fingerprint: `am:${site}:${n}`, start: `2026-03-02T13:00:${n}Z` }),
      ),
    );
    // Every alert delivered twice (a retry), half through each front, all at once.
    await Promise.all([...alerts, ...alerts].map((a, n) => (n % 2 === 0 ? h.service : other).ingest([a])));
    await settled(h.service);
    expect(
      h.slack
        .of('startThread')
        .map((c) => c.context.site)
        .sort(),
    ).toEqual(sites);
    expect(h.discord.of('startThread')).toHaveLength(3);
    for (const site of sites) {
      expect(await h.service.context(`${site}#1`)).toMatchObject({ alerts: 40, state: 'open' });
    }
    // Each root shows the final count (posted with it, or edited to it); no note in the storm.
    await eventually(() => {
      for (const site of sites) {
        const renders = [...h.slack.of('startThread'), ...h.slack.of('updateRoot')].filter(
          (c) => c.context.site === site,
        );
        // startThread calls come first in this list, and every edit happens after the root exists.
        expect(renders.at(-1)?.context.incident?.alerts).toBe(40);
      }
    });
    expect(h.slack.of('postNote')).toEqual([]);
  });

  it('closes only after its own re-check agrees, with one resolved reply and an edited root', async () => {
    h.startWorkers();
    await h.service.ingest([alert(shop)]);
    await settled(h.service);
    const effects = await h.service.ingest([alert(shop, { status: 'resolved' })]);
    expect(effects.counts).toEqual({ resolving: 1 });
    await h.service.ingest([alert(shop, { status: 'resolved' })]); // the resolve retried
    await settled(h.service);
    expect(h.rechecks).toEqual([shop]);
    expect(h.slack.of('postNote').map((n) => n.text)).toEqual([
      expect.stringMatching(/^Resolved: .*verdict healthy/),
    ]);
    expect(h.slack.of('updateRoot').at(-1)?.context.incident?.state).toBe('resolved');
    expect(h.slack.of('startThread')).toHaveLength(1);
  });

  it('stays open with a note while the site still fails, and gives up after the last re-check', async () => {
    h.startWorkers();
    h.verdict.value = 'failing';
    await h.service.ingest([alert(shop)]);
    await settled(h.service);
    await h.service.ingest([alert(shop, { status: 'resolved' })]);
    await eventually(async () => expect((await h.service.context(`${shop}#1`))?.state).toBe('open'));
    await settled(h.service);
    expect(h.rechecks).toEqual([shop, shop]);
    const notes = h.slack.of('postNote').map((n) => n.text);
    expect(notes).toEqual([
      expect.stringMatching(
        /still sees it failing \(primary cause: origin.connection_refused\).*checking again/,
      ),
      expect.stringMatching(/still sees it failing.*closes when a later alert resolves/),
    ]);
    // A later alert episode that resolves while the site is healthy closes it.
    h.verdict.value = 'healthy';
    await h.service.ingest([alert(shop, { start: 'later' })]);
    await h.service.ingest([alert(shop, { start: 'later', status: 'resolved' })]);
    await eventually(async () => expect((await h.service.context(`${shop}#1`))?.state).toBe('resolved'));
  });

  it('does not page twice for a brief flap, and links a new incident to the previous one', async () => {
    // The re-check waits long enough that the flap below lands before it even on a loaded machine.
    h.startWorkers({ recheckDelayMs: 1500, editIntervalMs: 30, noteIntervalMs: 60_000, maxRechecks: 2 });
    await h.service.ingest([alert(shop)]);
    await h.service.ingest([alert(shop, { status: 'resolved' })]);
    const flap = await h.service.ingest([alert(shop, { start: 'flap-2' })]); // fires again before the re-check
    expect(flap.counts).toEqual({ reopened: 1 });
    await settled(h.service);
    expect(h.rechecks).toEqual([]);
    expect(h.slack.of('startThread')).toHaveLength(1);
    expect((await h.service.context(`${shop}#1`))?.state).toBe('open');

    await h.service.ingest([alert(shop, { start: 'flap-2', status: 'resolved' })]);
    await eventually(async () => expect((await h.service.context(`${shop}#1`))?.state).toBe('resolved'));
    const again = await h.service.ingest([alert(shop, { start: 'next-day' })]);
    expect(again.counts).toEqual({ opened: 1 });
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(2));
    expect(h.slack.of('startThread')[1]?.context.incident).toMatchObject({
      id: `${shop}#2`,
      previous: { id: `${shop}#1`, link: 'https://chat.example/C-ALERTS/root-1' },
    });
  });

  it('never lets an out-of-order resolve close a newer incident or a late firing open one', async () => {
    // A resolve for a start never seen, then its firing arriving late: nothing opens.
    const early = await h.service.ingest([alert(shop, { start: 'A', status: 'resolved' })]);
    expect(early.counts).toEqual({ stale: 1 });
    expect((await h.service.ingest([alert(shop, { start: 'A' })])).counts).toEqual({ duplicate: 1 });
    // Incident 1 opens and closes; incident 2 opens.
    await h.service.ingest([alert(shop, { start: 'B' })]);
    h.startWorkers();
    await h.service.ingest([alert(shop, { start: 'B', status: 'resolved' })]);
    await eventually(async () => expect((await h.service.context(`${shop}#1`))?.state).toBe('resolved'));
    await h.service.ingest([alert(shop, { start: 'C' })]);
    // The old episode's resolve, redelivered, and one for an unknown start: incident 2 stays open.
    const late = await h.service.ingest([
      alert(shop, { start: 'B', status: 'resolved' }),
      alert(shop, { start: 'Z', status: 'resolved' }),
      alert(shop, { fingerprint: 'other', start: 'C', status: 'resolved' }),
    ]);
    expect(late.counts).toEqual({ stale: 3 });
    await settled(h.service);
    expect((await h.service.context(`${shop}#2`))?.state).toBe('open');
  });

  it('retries a failed root post without ever posting it twice', async () => {
    h.slack.failNextStarts = 1;
    h.startWorkers();
    await h.service.ingest([alert(shop)]);
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(1), 10_000);
    await settled(h.service);
    expect(h.slack.of('startThread')).toHaveLength(1);
    expect(h.requests.filter((r) => r.thread?.platform === 'slack')).toHaveLength(1);
  });

  it('builds on a root already posted when the thread step failed, so the retry posts no second root', async () => {
    h.discord.failNextThreadSteps = 1;
    h.startWorkers();
    await h.service.ingest([alert(shop)]);
    await eventually(() => expect(h.discord.of('startThread')).toHaveLength(1), 10_000);
    await settled(h.service);
    expect(h.discord.postedRoots).toHaveLength(1);
    expect(h.discord.of('startThread')[0]?.thread).toEqual(h.discord.postedRoots[0]);
    // The diagnosis is threaded under that one root.
    await eventually(() =>
      expect(h.requests.filter((r) => r.thread?.platform === 'discord').map((r) => r.thread)).toEqual([
        h.discord.postedRoots[0],
      ]),
    );
  });

  it('re-queues actions lost by a crashed front when reconciling', async () => {
    // Recorded but never acted on: as if the front died between Redis and the queue.
    await h.service.store.ingest([alert(shop)], new Date());
    const workers = h.startWorkers();
    await workers.reconcile();
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(1));
  });
});

// An incident's root is posted exactly once per platform, also when BullMQ re-runs the open action
// while an earlier attempt is still posting (its job lock lapsed), when the platform's answer to a
// post is lost, and when a process dies after posting without recording it (the Redis-kill drill
// found the first two; test/faults/alert-redis-kill.test.ts drives them with real SIGKILLs).
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
