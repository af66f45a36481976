// createCloudflareReader's process cache: lookups shared between diagnoses and in flight, never
// between tokens, failures not kept, entries forgotten after their TTL.

import { describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { UNKNOWN_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { failure, fake, fakeCloudflareEachTest, reader, signal } from './support/reader-on-fake.js';

fakeCloudflareEachTest();

describe('process cache', () => {
  it('a second diagnosis reuses zone lookups and IP ranges', async () => {
    const cache = createCloudflareCache();
    const first = reader({ cache });
    await first.findZone('shop.example.com', signal());
    await first.ipRanges(signal());
    const second = reader({ cache });
    expect((await second.findZone('shop.example.com', signal()))?.id).toBe('z-example');
    await second.ipRanges(signal());
    expect(first.callCount).toBe(2);
    expect(second.callCount).toBe(0);
  });

  it('concurrent diagnoses share in-flight lookups', async () => {
    fake.scenario.faults.push({ match: /GET \/zones$/, delayMs: 100 });
    const cache = createCloudflareCache();
    const [a, b] = await Promise.all([
      reader({ cache }).findZone('shop.example.com', signal()),
      reader({ cache }).findZone('shop.example.com', signal()),
    ]);
    expect(a?.id).toBe('z-example');
    expect(b?.id).toBe('z-example');
    expect(fake.calls.filter((c) => c.path === '/zones')).toHaveLength(1);
  });

  it('does not share lookups between tokens, and does not keep failures', async () => {
    const cache = createCloudflareCache();
    await failure(reader({ cache, token: UNKNOWN_TOKEN }).findZone('shop.example.com', signal()));
    const zone = await reader({ cache }).findZone('shop.example.com', signal());
    expect(zone?.id).toBe('z-example');
  });

  it('forgets entries after their TTL', async () => {
    let now = 0;
    const cache = createCloudflareCache({ now: () => now });
    await reader({ cache, zoneTtlMs: 1000 }).findZone('example.com', signal());
    now = 5000;
    const later = reader({ cache, zoneTtlMs: 1000 });
    await later.findZone('example.com', signal());
    expect(later.callCount).toBe(1);
  });
});
