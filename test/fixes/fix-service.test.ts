// Guarded fixes against the fake Cloudflare API (which lets only the fix token write, and records
// every call) and real Redis: no write without the fix token, once under double clicks and retries,
// stale previews refused, Undo restores, every attempt in the audit trail.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCloudflareFixWriter } from '../../src/cloudflare/cloudflare-fix-writer.js';
import type { FixPlan } from '../../src/fixes/fix-plan.js';
import { createFixService, type FixService } from '../../src/fixes/fix-service.js';
import { createFixStore, type FixStore } from '../../src/fixes/fix-store.js';
import { FAKE_FIX_TOKEN, FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { ACCOUNT_ID, aRecordZone, HOST, ZONE_ID } from '../support/cloudflare-scenarios.js';
import { removePrefix } from '../support/redis-cleanup.js';

const redisUrl = inject('redisUrl');
let redis: Redis;
let api: FakeCloudflareApi;
let prefix = '';
beforeAll(async () => {
  redis = new Redis(redisUrl);
  api = await startFakeCloudflareApi();
});
afterAll(async () => {
  redis.disconnect();
  await api.close();
});
afterEach(async () => {
  await removePrefix(redisUrl, prefix);
});

const alice = { platform: 'slack' as const, user: 'U0ALICE', name: 'alice' };
const sslRollback = (): FixPlan => ({
  action: 'rollback',
  site: HOST,
  title: 'Roll back SSL/TLS mode',
  what: 'SSL/TLS mode',
  from: 'strict',
  to: 'full',
  target: { kind: 'setting', zoneId: ZONE_ID, setting: 'ssl', from: 'strict', to: 'full' },
});

function setup(token: string | null = FAKE_FIX_TOKEN): { service: FixService; store: FixStore } {
  const scenario = aRecordZone();
  scenario.settings[ZONE_ID]!['ssl'] = 'strict';
  api.scenario = scenario;
  api.calls.length = 0;
  prefix = `t${randomUUID().slice(0, 8)}`;
  const store = createFixStore(redis, prefix);
  const writer = token
    ? createCloudflareFixWriter({ token, baseUrl: api.baseUrl, timeoutMs: 2000 })
    : undefined;
  return { service: createFixService({ store, ...(writer ? { writer } : {}) }), store };
}
const writes = () => api.calls.filter((c) => c.method !== 'GET');

describe('guarded fixes', () => {
  it('without the fix token nothing is written, and the attempt is in the audit trail', async () => {
    const { service, store } = setup(null);
    expect(service.enabled).toBe(false);
    const outcome = await service.apply({ plan: sslRollback(), actor: alice, requestId: 'r1' });
    expect(outcome.status).toBe('disabled');
    expect(outcome.message).toContain('CLOUDFLARE_FIX_TOKEN');
    expect(api.calls).toHaveLength(0);
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');
    expect((await store.trail()).map((e) => e.result)).toEqual(['disabled']);
  });

  it('the read token cannot write: the fix fails, says why, and changes nothing', async () => {
    const { service } = setup(FAKE_TOKEN);
    const outcome = await service.apply({ plan: sslRollback(), actor: alice, requestId: 'r1' });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(/refused the change.*403.*Nothing was changed/);
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');
  });

  it('applies once under a double click (two requests at once) and a retried job', async () => {
    const { service, store } = setup();
    const [a, b] = await Promise.all([
      service.apply({ plan: sslRollback(), actor: alice, requestId: 'click-1', scope: 'thread-1' }),
      service.apply({ plan: sslRollback(), actor: alice, requestId: 'click-2', scope: 'thread-1' }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['applied', 'duplicate']);
    // The job of the first click is retried (the worker died after the write): same request id.
    const retry = await service.apply({
      plan: sslRollback(),
      actor: alice,
      requestId: a.status === 'applied' ? 'click-1' : 'click-2',
      scope: 'thread-1',
    });
    expect(retry.status).toBe('applied');
    expect(writes()).toHaveLength(1);
    expect(writes()[0]).toMatchObject({
      method: 'PATCH',
      path: `/zones/${ZONE_ID}/settings/ssl`,
      body: { value: 'full' },
    });
    expect(writes()[0]?.authorization).toBe(`Bearer ${FAKE_FIX_TOKEN}`);
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('full');
    expect((await store.trail()).map((e) => e.result).sort()).toEqual(['applied', 'duplicate']);
  });

  it('refuses a stale preview: the live value is no longer what the preview showed', async () => {
    const { service } = setup();
    api.scenario.settings[ZONE_ID]!['ssl'] = 'flexible';
    const outcome = await service.apply({ plan: sslRollback(), actor: alice, requestId: 'r1' });
    expect(outcome.status).toBe('refused');
    expect(outcome.message).toContain('now flexible');
    expect(writes()).toHaveLength(0);
  });

  it('Undo restores the previous value once; the trail holds the fix and the undo', async () => {
    const { service, store } = setup();
    const applied = await service.apply({ plan: sslRollback(), actor: alice, requestId: 'r1' });
    expect(applied.status).toBe('applied');
    expect(Date.parse(applied.undoUntil ?? '') - Date.now()).toBeGreaterThan(59 * 60_000);
    const undone = await service.undo(applied.fixId, alice);
    expect(undone.status).toBe('undone');
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');
    const again = await service.undo(applied.fixId, alice, 'another-click');
    expect(again.status).toBe('undo_expired');
    expect(writes()).toHaveLength(2);
    const trail = await store.trail();
    expect(trail.map((e) => [e.action, e.result, e.before, e.after])).toEqual([
      ['rollback', 'applied', 'strict', 'full'],
      ['undo', 'undone', 'full', 'strict'],
      ['undo', 'undo_expired', '', ''],
    ]);
    expect(trail[0]?.who).toBe('slack:U0ALICE (alice)');
  });

  it('rolls a DNS record back and disables a failing pool origin, each with one write', async () => {
    const { service } = setup();
    api.scenario.records[ZONE_ID] = [
      { id: 'rec1', type: 'A', name: HOST, content: '192.0.2.99', proxied: true },
    ];
    api.scenario.pools[ACCOUNT_ID] = [
      {
        id: 'pool-a',
        name: 'primary',
        enabled: true,
        origins: [
          { name: 'web1', address: '192.0.2.10', enabled: true },
          { name: 'web2', address: '192.0.2.11', enabled: true },
        ],
      },
    ];
    const dns = await service.apply({
      plan: {
        action: 'rollback',
        site: HOST,
        title: 'Roll back',
        what: `DNS record ${HOST}`,
        from: 'A 192.0.2.99 (proxied)',
        to: 'A 192.0.2.10 (proxied)',
        target: {
          kind: 'dns_record',
          zoneId: ZONE_ID,
          recordId: 'rec1',
          name: HOST,
          from: { type: 'A', content: '192.0.2.99', proxied: true },
          to: { type: 'A', content: '192.0.2.10', proxied: true },
        },
      },
      actor: alice,
      requestId: 'r-dns',
    });
    expect(dns.status).toBe('applied');
    expect(api.scenario.records[ZONE_ID]?.[0]?.['content']).toBe('192.0.2.10');
    const origin = await service.apply({
      plan: {
        action: 'disable-origin',
        site: HOST,
        title: 'Disable origin web2',
        what: 'Origin web2 in pool primary',
        from: 'enabled',
        to: 'disabled',
        target: {
          kind: 'pool_origin',
          accountId: ACCOUNT_ID,
          poolId: 'pool-a',
          pool: 'primary',
          origin: 'web2',
          from: true,
          to: false,
        },
      },
      actor: alice,
      requestId: 'r-pool',
    });
    expect(origin.status).toBe('applied');
    const pool = api.scenario.pools[ACCOUNT_ID]?.[0] as { origins: { name: string; enabled: boolean }[] };
    expect(pool.origins.map((o) => [o.name, o.enabled])).toEqual([
      ['web1', true],
      ['web2', false],
    ]);
    expect(writes()).toHaveLength(2);
  });

  it('a denied attempt (not on the allow-list) is recorded and writes nothing', async () => {
    const { service, store } = setup();
    const outcome = await service.deny(sslRollback(), { platform: 'discord', user: '42' }, 'not allowed');
    expect(outcome.status).toBe('denied');
    expect(writes()).toHaveLength(0);
    expect((await store.trail())[0]).toMatchObject({
      result: 'denied',
      who: 'discord:42',
      what: 'SSL/TLS mode',
    });
  });
});
