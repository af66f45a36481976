// Deliveries that arrive together share script calls (ingest-batcher.ts). What a sender sees must not
// change: each is answered with its own alerts' incidents and counts, a big delivery is not cut short,
// and when Redis fails every waiting delivery is refused (so its sender retries) rather than lost.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, inject, it } from 'vitest';
import { createIncidentService } from '../../src/incidents/incident-service.js';
import { alert, createHarness, type Harness, logger } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
});
afterEach(async () => {
  await h.close();
});

it('answers each of many simultaneous deliveries with its own incidents and counts', async () => {
  const sites = Array.from({ length: 30 }, (_, n) => `site-${n}.example.com`);
  const deliveries = sites.flatMap((site) => [
    [
      alert(site, { fingerprint: `${site}:a`, start: 's1' }),
      alert(site, { fingerprint: `${site}:b`, start: 's1' }),
    ],
    [alert(site, { fingerprint: `${site}:a`, start: 's1' })], // a retry of the first alert
  ]);
  const summaries = await Promise.all(deliveries.map((d) => h.service.ingest(d)));
  for (const [n, summary] of summaries.entries()) {
    const site = sites[Math.floor(n / 2)]!;
    expect(summary.incidents).toEqual([`${site}#1`]);
    expect(summary.received).toBe(deliveries[n]!.length);
    // Deliveries are recorded in arrival order: the first opens, the retry is a duplicate.
    expect(summary.counts).toEqual(n % 2 === 0 ? { opened: 1, counted: 1 } : { duplicate: 1 });
  }
  const P = `${h.prefix}:incident-state`;
  for (const site of sites) {
    const context = await h.service.context(`${site}#1`);
    expect(context).toMatchObject({ alerts: 2 });
    expect(Date.parse(context?.lastSeen ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // What a batch writes once per key: the open index (the reconciler's list) and the dedupe TTL.
    expect(await h.redis.zscore(`${P}:open`, `${site}#1`)).not.toBeNull();
    expect(await h.redis.ttl(`${P}:seen:${site}`)).toBeGreaterThan(0);
  }
});

it('records a delivery bigger than one script call alongside small ones, every alert counted', async () => {
  const big = Array.from({ length: 1234 }, (_, n) =>
    alert('big.example.com', { fingerprint: `big:${n}`, start: 's1' }),
  );
  const small = Array.from({ length: 20 }, (_, n) => [
    alert('small.example.com', { fingerprint: `small:${n}`, start: 's1' }),
  ]);
  const [bigSummary, ...smallSummaries] = await Promise.all([
    h.service.ingest(big),
    ...small.map((d) => h.service.ingest(d)),
  ]);
  expect(bigSummary?.counts).toEqual({ opened: 1, counted: 1233 });
  expect(smallSummaries.map((s) => s.incidents)).toEqual(small.map(() => ['small.example.com#1']));
  expect(await h.service.context('big.example.com#1')).toMatchObject({ alerts: 1234 });
  expect(await h.service.context('small.example.com#1')).toMatchObject({ alerts: 20 });
});

it('refuses every waiting delivery when Redis cannot take them', async () => {
  // A client pointed at a port nothing listens on, failing fast as the front's client does.
  const dead = new Redis('redis://127.0.0.1:1', {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  dead.on('error', () => {});
  const service = createIncidentService({ redis: dead, prefix: h.prefix, logger });
  try {
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((s) => service.ingest([alert(`${s}.example.com`)])),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  } finally {
    await service.close().catch(() => {});
    dead.disconnect();
  }
});
