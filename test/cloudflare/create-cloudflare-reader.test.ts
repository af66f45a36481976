import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader, zoneCandidates } from '../../src/cloudflare/create-cloudflare-reader.js';
import { CloudflareApiError } from '../../src/diagnosis/cloudflare-reader.js';
import {
  emptyScenario,
  FAKE_TOKEN,
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../fakes/cloudflare-api.js';

let fake: FakeCloudflareApi;
const signal = () => AbortSignal.timeout(10_000);

beforeEach(async () => {
  const s = emptyScenario();
  s.zones = [
    { id: 'z-example', name: 'example.com', accountId: 'acc1' },
    { id: 'z-other', name: 'other.net' },
  ];
  s.records = {
    'z-example': [
      { type: 'A', name: 'shop.example.com', content: '203.0.113.10', proxied: true },
      { type: 'A', name: 'shop.example.com', content: '203.0.113.11', proxied: true },
      { type: 'AAAA', name: 'shop.example.com', content: '2001:db8::10', proxied: true },
      { type: 'A', name: 'blog.example.com', content: '203.0.113.20', proxied: false },
    ],
  };
  s.settings = {
    'z-example': { ssl: 'strict', min_tls_version: '1.2', always_use_https: 'on', http2: 'on' },
  };
  fake = await startFakeCloudflareApi(s);
});
afterEach(async () => {
  await fake.close();
});

function reader(extra: Partial<Parameters<typeof createCloudflareReader>[0]> = {}) {
  return createCloudflareReader({
    token: FAKE_TOKEN,
    baseUrl: fake.baseUrl,
    cache: createCloudflareCache(),
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<CloudflareApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudflareApiError);
  return error as CloudflareApiError;
}

describe('zone lookup', () => {
  it('asks for each parent suffix by name and returns the longest the token can see', async () => {
    fake.scenario.zones.push({ id: 'z-shop', name: 'shop.example.com' });
    const r = reader();
    const zone = await r.findZone('api.shop.example.com', signal());
    expect(zone?.id).toBe('z-shop');
    const names = fake.calls.filter((c) => c.path === '/zones').map((c) => c.query['name']);
    expect(names.sort()).toEqual(['api.shop.example.com', 'example.com', 'shop.example.com']);
    expect(r.callCount).toBe(3);
  });

  it('returns null when no zone covers the host', async () => {
    expect(await reader().findZone('www.unknown.org', signal())).toBeNull();
  });

  it('never asks about the bare TLD', () => {
    expect(zoneCandidates('a.b.example.co.uk')).toEqual([
      'a.b.example.co.uk',
      'b.example.co.uk',
      'example.co.uk',
      'co.uk',
    ]);
    expect(zoneCandidates('example.com')).toEqual(['example.com']);
  });

  it('prefers the active zone when an account holds a pending copy too', async () => {
    fake.scenario.zones.unshift({
      id: 'z-pending',
      name: 'example.com',
      status: 'pending',
      accountId: 'acc2',
    });
    const zone = await reader().findZone('shop.example.com', signal());
    expect(zone?.id).toBe('z-example');
  });
});

describe('records and settings', () => {
  it('filters DNS records by exact name on the server and follows every page', async () => {
    fake.scenario.maxPerPage = 2;
    const r = reader();
    const records = await r.dnsRecords('z-example', 'shop.example.com', signal());
    expect(records.map((x) => x.content)).toEqual(['203.0.113.10', '203.0.113.11', '2001:db8::10']);
    const calls = fake.calls.filter((c) => c.path === '/zones/z-example/dns_records');
    expect(calls.map((c) => c.query['name.exact'])).toEqual(['shop.example.com', 'shop.example.com']);
    // Two pages of two: no third request for an empty page.
    expect(calls).toHaveLength(2);
  });

  it('reads the origin-facing settings in one request', async () => {
    const r = reader();
    const settings = await r.zoneSettings('z-example', signal());
    expect(settings).toEqual({ ssl: 'strict', minTlsVersion: '1.2', alwaysUseHttps: 'on' });
    expect(r.callCount).toBe(1);
  });

  it('sends the bearer token only, even when legacy key variables are set', async () => {
    process.env['CLOUDFLARE_API_KEY'] = 'legacy-key';
    process.env['CLOUDFLARE_EMAIL'] = 'ops@example.com';
    try {
      await reader().ipRanges(signal());
    } finally {
      delete process.env['CLOUDFLARE_API_KEY'];
      delete process.env['CLOUDFLARE_EMAIL'];
    }
    const call = fake.calls[0];
    expect(call?.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
    expect(call?.headers['x-auth-key']).toBeUndefined();
    expect(call?.headers['x-auth-email']).toBeUndefined();
  });
});

describe('errors', () => {
  it('a rejected token is an auth error naming the permission', async () => {
    const error = await failure(
      reader({ token: 'wrong' }).dnsRecords('z-example', 'shop.example.com', signal()),
    );
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.permission).toBe('DNS:Read');
    expect(error.message).not.toContain('wrong');
  });

  it('a 403 keeps the reason from the body', async () => {
    fake.scenario.faults.push({
      match: /load_balancers$/,
      status: 403,
      errors: [{ code: 9109, message: 'Unauthorized to access requested resource' }],
    });
    const error = await failure(reader().loadBalancer('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('auth');
    expect(error.permission).toBe('Load Balancers:Read');
    expect(error.message).toContain('Unauthorized to access requested resource');
  });

  it('a 429 asking for 300 s fails at once as rate_limited instead of waiting', async () => {
    fake.scenario.faults.push({ match: /settings$/, status: 429, headers: { 'retry-after': '300' } });
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(300);
    expect(fake.calls).toHaveLength(1);
  });

  it('a 429 asking for a short wait is retried once within the allowance', async () => {
    fake.scenario.faults.push({ match: /settings$/, status: 429, headers: { 'retry-after': '0' }, times: 1 });
    const r = reader();
    const settings = await r.zoneSettings('z-example', signal());
    expect(settings.ssl).toBe('strict');
    expect(r.callCount).toBe(2);
  });

  it('a 5xx is retried once, then reported unavailable', async () => {
    fake.scenario.faults.push({ match: /dns_records$/, status: 503 });
    const r = reader();
    const error = await failure(r.dnsRecords('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(r.callCount).toBe(2);
  });

  it('a slow answer times out as unavailable', async () => {
    fake.scenario.faults.push({ match: /settings$/, delayMs: 5_000 });
    const error = await failure(reader({ timeoutMs: 200 }).zoneSettings('z-example', signal()));
    expect(error.kind).toBe('unavailable');
  });

  it('an API that is not listening is unavailable', async () => {
    const base = fake.baseUrl;
    await fake.close();
    const r = createCloudflareReader({ token: FAKE_TOKEN, baseUrl: base, cache: createCloudflareCache() });
    const error = await failure(r.zoneSettings('z-example', signal()));
    expect(error.kind).toBe('unavailable');
    fake = await startFakeCloudflareApi(emptyScenario());
  });

  it('an aborted diagnosis stops waiting', async () => {
    fake.scenario.faults.push({ match: /settings$/, delayMs: 5_000 });
    const error = await failure(reader().zoneSettings('z-example', AbortSignal.timeout(100)));
    expect(error.kind).toBe('unavailable');
  });

  it('an answer without the expected shape is invalid', async () => {
    fake.scenario.faults.push({
      match: /settings$/,
      status: 200,
      rawBody: '{"success":false,"errors":[],"result":null}',
    });
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error.kind).toBe('invalid');
  });
});

describe('load balancers, tunnels, analytics', () => {
  it('reads pool health keyed by region and origin address', async () => {
    fake.scenario.poolHealth['p1'] = {
      pool_id: 'p1',
      pop_health: {
        'Western North America': {
          healthy: false,
          origins: [
            {
              '198.51.100.7': {
                healthy: false,
                rtt: '0s',
                failure_reason: 'TCP connection failed',
                response_code: 0,
              },
            },
          ],
        },
        'Western Europe': { healthy: true, origins: [{ '198.51.100.8': { healthy: true, rtt: '12ms' } }] },
      },
    };
    const health = await reader().poolHealth('acc1', 'p1', signal());
    expect(health.regions).toEqual([
      { region: 'Western North America', healthy: false },
      { region: 'Western Europe', healthy: true },
    ]);
    expect(health.origins[0]).toMatchObject({
      address: '198.51.100.7',
      healthy: false,
      failureReason: 'TCP connection failed',
    });
  });

  it('a missing tunnel reads as null', async () => {
    expect(await reader().tunnel('acc1', '00000000-0000-0000-0000-000000000000', signal())).toBeNull();
  });

  it('GraphQL errors in an HTTP 200 are errors', async () => {
    fake.scenario.graphql = {
      data: null,
      errors: [{ message: 'not authorized for that account', path: ['viewer'] }],
    };
    const error = await failure(
      reader().edgeAnalytics('z-example', 'shop.example.com', new Date(0), new Date(), signal()),
    );
    expect(error.kind).toBe('auth');
    expect(error.permission).toBe('Analytics:Read');
  });

  it('sums 5xx by edge and origin status', async () => {
    fake.scenario.graphql = {
      data: {
        viewer: {
          zones: [
            {
              total: [{ count: 1000 }],
              errors: [
                { count: 120, dimensions: { edgeResponseStatus: 522, originResponseStatus: 0 } },
                { count: 30, dimensions: { edgeResponseStatus: 502, originResponseStatus: 502 } },
              ],
            },
          ],
        },
      },
      errors: null,
    };
    const data = await reader().edgeAnalytics(
      'z-example',
      'shop.example.com',
      new Date(0),
      new Date(),
      signal(),
    );
    expect(data.total).toBe(1000);
    expect(data.errors).toEqual([
      { edgeStatus: 522, originStatus: 0, count: 120 },
      { edgeStatus: 502, originStatus: 502, count: 30 },
    ]);
    const body = fake.calls[0]?.body as { variables: Record<string, unknown> };
    expect(body.variables['zoneTag']).toBe('z-example');
    expect(body.variables['host']).toBe('shop.example.com');
  });
});

describe('process cache', () => {
  it('a second diagnosis reuses zone lookups and IP ranges', async () => {
    const cache = createCloudflareCache();
    const first = reader({ cache });
    await first.findZone('shop.example.com', signal());
    await first.ipRanges(signal());
    const second = reader({ cache });
    expect((await second.findZone('shop.example.com', signal()))?.id).toBe('z-example');
    await second.ipRanges(signal());
    expect(first.callCount).toBe(3);
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
    expect(fake.calls.filter((c) => c.path === '/zones')).toHaveLength(2);
  });

  it('does not share lookups between tokens, and does not keep failures', async () => {
    const cache = createCloudflareCache();
    await failure(reader({ cache, token: 'wrong' }).findZone('shop.example.com', signal()));
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
