// A storm's alerts reach the ingest script in batches (ingest-batcher.ts), and the script keeps each
// site's and incident's state in memory for the batch, writing it once at the end. None of that may
// show: the same alerts recorded as one batch or one call each must give the same answers and leave
// the same incidents, counts, delivery identities and open index behind — across openings, repeats,
// resolves that overtake their firing, flaps, episode-less resolves (`*`) and a new incident after a
// resolved one.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/incidents/alert.js';
import { createIncidentStore, type IngestEffect } from '../../src/incidents/incident-store.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
});
afterAll(() => redis.disconnect());

const SITES = ['a.example.com', 'b.example.com', 'c.example.com'];

/** A fixed pseudo-random mix of alerts (a linear congruential generator: the same every run). */
function alerts(seed: number, count: number): Alert[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
  return Array.from({ length: count }, () => {
    const status = next(10) < 6 ? 'firing' : 'resolved';
    const starts = status === 'firing' ? ['', 's1', 's2', 's3'] : ['', 's1', 's2', 's3', '*'];
    return {
      site: SITES[next(SITES.length)]!,
      status,
      fingerprint: `f${next(3)}`,
      start: starts[next(starts.length)]!,
      source: next(2) === 0 ? 'alertmanager' : 'grafana',
      summary: 'answers 502',
      ...(next(10) === 0 ? { route: { platform: 'slack' as const, channel: 'C-MONITOR' } } : {}),
    };
  });
}

async function recorded(prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}:*`)).sort()) {
    const name = key.slice(prefix.length);
    const type = await redis.type(key);
    if (type === 'hash') out[name] = Object.fromEntries(Object.entries(await redis.hgetall(key)).sort());
    else if (type === 'set') out[name] = (await redis.smembers(key)).sort();
    else if (type === 'zset') out[name] = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    if ((await redis.ttl(key)) > 0) out[`${name} expires`] = true;
  }
  return out;
}

// Mixes 2 and 4 go through every action, and each opens a second incident for a site after the first closed.
it.each([2, 4])('records alerts the same in one batch as one by one (mix %i)', async (seed) => {
  const stores = ['batch', 'single'].map((kind) => {
    const prefix = `t-${randomUUID().slice(0, 8)}-${kind}`;
    return { prefix, store: createIncidentStore({ redis, prefix, editIntervalMs: 2000 }) };
  });
  const effects: IngestEffect[][] = [[], []];
  const all = alerts(seed, 240);
  let now = Date.parse('2026-03-02T13:00:00Z');
  for (let from = 0; from < all.length; from += 40) {
    const batch = all.slice(from, from + 40);
    now += 1500;
    const at = new Date(now);
    effects[0]!.push(...(await stores[0]!.store.ingest(batch, at)));
    for (const [k, one] of batch.entries()) {
      const [effect] = await stores[1]!.store.ingest([one], at);
      effects[1]!.push({ ...effect!, i: k });
    }
    // Between batches the workers act alike on both: roots get posted, re-checks close incidents.
    for (const { store } of stores) {
      for (const site of SITES) {
        const id = await store.currentOf(site);
        const record = id ? await store.get(id) : undefined;
        if (!id || !record) continue;
        if ((from / 40) % 2 === 0) await store.setFields(id, { opened: '1' });
        if (record.state === 'resolving') await store.settleRecheck(id, record.gen, true, at, 2);
      }
    }
  }
  expect(effects[0]).toEqual(effects[1]);
  expect(new Set(effects[0]!.map((e) => e.action))).toEqual(
    new Set(['opened', 'counted', 'duplicate', 'stale', 'resolving', 'resolve-partial', 'reopened']),
  );
  expect(effects[0]!.some((e) => e.action === 'opened' && e.id.endsWith('#2'))).toBe(true);
  const [batched, single] = await Promise.all(stores.map(({ prefix }) => recorded(prefix)));
  expect(batched).toEqual(single);
  expect(Object.keys(batched ?? {}).length).toBeGreaterThan(5);
  for (const { prefix } of stores) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});
