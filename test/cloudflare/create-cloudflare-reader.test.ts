import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader, zoneCandidates } from '../../src/cloudflare/create-cloudflare-reader.js';
import { CloudflareApiError } from '../../src/diagnosis/cloudflare-api-error.js';
import {
  emptyScenario,
  FAKE_TOKEN,
  type FakeCloudflareApi,
  GLOBAL_KEY,
  startFakeCloudflareApi,
  UNKNOWN_TOKEN,
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
  it('lists every parent suffix in one call (name=ends_with:) and returns the longest the token can see', async () => {
    fake.scenario.zones.push(
      { id: 'z-shop', name: 'shop.example.com' },
      { id: 'z-other', name: 'myexample.com' },
    );
    const r = reader();
    const zone = await r.findZone('api.shop.example.com', signal());
    expect(zone?.id).toBe('z-shop');
    const names = fake.calls.filter((c) => c.path === '/zones').map((c) => c.query['name']);
    expect(names).toEqual(['ends_with:example.com']);
    expect(r.callCount).toBe(1);
    // `myexample.com` ends with the suffix too, but is not a parent of the host.
    expect((await reader().findZone('www.myexample.com', signal()))?.id).toBe('z-other');
  });

  it('an account too large for the list falls back to asking each suffix by exact name', async () => {
    fake.scenario.maxPerPage = 1;
    for (let i = 0; i < 6; i++) fake.scenario.zones.push({ id: `z-${i}`, name: `site${i}.example.com` });
    fake.scenario.zones.push({ id: 'z-shop', name: 'shop.example.com' });
    const zone = await reader().findZone('api.shop.example.com', signal());
    expect(zone?.id).toBe('z-shop');
    const names = fake.calls.filter((c) => c.path === '/zones').map((c) => c.query['name']);
    expect(names.filter((n) => !n?.startsWith('ends_with:')).sort()).toEqual([
      'api.shop.example.com',
      'example.com',
      'shop.example.com',
    ]);
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

  it('the bulk answer lacks origin_max_http_version and ssl_automatic_mode: read from their own endpoints', async () => {
    fake.scenario.settings['z-example'] = {
      ...fake.scenario.settings['z-example'],
      origin_max_http_version: '1',
      ssl_automatic_mode: 'auto',
    };
    const r = reader();
    const bulk = await r.zoneSettings('z-example', signal());
    expect(bulk.originMaxHttpVersion).toBeUndefined();
    expect(bulk.sslAutomaticMode).toBeUndefined();
    expect(await r.zoneSetting('z-example', 'origin_max_http_version', signal())).toBe('1');
    expect(await r.zoneSetting('z-example', 'ssl_automatic_mode', signal())).toBe('auto');
    expect(fake.calls.map((c) => c.path)).toEqual([
      '/zones/z-example/settings',
      '/zones/z-example/settings/origin_max_http_version',
      '/zones/z-example/settings/ssl_automatic_mode',
    ]);
  });

  it('finds the most specific wildcard record for a host in one request', async () => {
    fake.scenario.records['z-example']!.push(
      { type: 'A', name: '*.example.com', content: '203.0.113.50', proxied: true },
      { type: 'CNAME', name: '*.eu.example.com', content: 'eu-origin.example.net', proxied: true },
      { type: 'A', name: '*.other.example.com', content: '203.0.113.60', proxied: true },
    );
    const r = reader();
    const records = await r.wildcardRecords('z-example', 'shop.eu.example.com', signal());
    expect(records.map((x) => x.name)).toEqual(['*.eu.example.com', '*.example.com']);
    expect(fake.calls[0]?.query['name.startswith']).toBe('*.');
    expect(r.callCount).toBe(1);
  });

  it('reads Workers routes with their scripts', async () => {
    fake.scenario.workerRoutes['z-example'] = [
      { id: 'r1', pattern: 'shop.example.com/*', script: 'shop-worker' },
      { id: 'r2', pattern: 'shop.example.com/static/*' },
    ];
    expect(await reader().workerRoutes('z-example', signal())).toEqual([
      { pattern: 'shop.example.com/*', script: 'shop-worker' },
      { pattern: 'shop.example.com/static/*' },
    ]);
  });

  it('stops at the per-diagnosis budget instead of sending a 13th request', async () => {
    const r = reader({ maxCalls: 2 });
    await r.zoneSettings('z-example', signal());
    await r.ipRanges(signal());
    const error = await failure(r.dnsRecords('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('budget');
    expect(fake.calls).toHaveLength(2);
    expect(r.callsLeft).toBe(0);
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
  it('an unknown token (403/9109 "Invalid access token") is an auth error about the token itself', async () => {
    const error = await failure(
      reader({ token: UNKNOWN_TOKEN }).dnsRecords('z-example', 'shop.example.com', signal()),
    );
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(403);
    expect(error.codes).toEqual([9109]);
    expect(error.tokenRejected).toBe(true);
    expect(error.message).not.toContain(UNKNOWN_TOKEN);
  });

  it.each([
    ['a Global API Key', GLOBAL_KEY],
    ['a quoted token', `"${FAKE_TOKEN}"`],
    ['a token with a trailing newline escaped in', `${FAKE_TOKEN}\\n`],
  ])('%s gets 400/6003 (6111) and is an auth error, not "API unavailable"', async (_, token) => {
    const error = await failure(reader({ token }).findZone('shop.example.com', signal()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(400);
    expect(error.codes).toEqual([6003, 6111]);
    expect(error.tokenRejected).toBe(true);
    expect(error.message).toContain('Invalid format for Authorization header');
  });

  it('a token without a permission gets 403/10000: names the exact permission, not a bad token', async () => {
    fake.scenario.permissions = ['Zone Read', 'DNS Read'];
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 403, tokenRejected: false });
    expect(error.permission).toBe('Zone Settings Read');
    expect(error.permissionScope).toBe('zone');
  });

  it('an account permission names its scope, and the account must be in the token', async () => {
    fake.scenario.tokenAccounts = ['some-other-account'];
    const error = await failure(reader().pools('acc1', ['p1'], signal()));
    expect(error.permission).toBe('Load Balancing: Monitors and Pools Read');
    expect(error.permissionScope).toBe('account');
    const tunnel = await failure(reader().tunnel('acc1', 't1', signal()));
    expect(tunnel.permission).toBe('Cloudflare Tunnel Read');
  });

  it('/user/tokens/verify tells an active token from an unknown one', async () => {
    expect(await reader().verifyToken(signal())).toMatchObject({ status: 'active' });
    fake.scenario.tokenStatus = 'expired';
    expect((await reader().verifyToken(signal())).status).toBe('expired');
    const error = await failure(reader({ token: UNKNOWN_TOKEN }).verifyToken(signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 401, tokenRejected: true, codes: [1000] });
  });

  it('a 403 keeps the reason from the body', async () => {
    fake.scenario.faults.push({
      match: /load_balancers$/,
      status: 403,
      errors: [{ code: 9109, message: 'Unauthorized to access requested resource' }],
    });
    const error = await failure(reader().loadBalancer('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('auth');
    expect(error.permission).toBe('Load Balancers Read');
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

  it('reads a monitor and quotes what it checks', async () => {
    fake.scenario.monitors['acc1'] = [
      {
        id: 'mon1',
        type: 'https',
        method: 'GET',
        path: '/healthz',
        port: 8443,
        expected_codes: '2xx',
        header: { Host: ['shop.example.com'] },
        timeout: 5,
        interval: 60,
        retries: 2,
        follow_redirects: false,
        allow_insecure: false,
      },
    ];
    expect(await reader().monitor('acc1', 'mon1', signal())).toMatchObject({
      type: 'https',
      path: '/healthz',
      port: 8443,
      expectedCodes: '2xx',
      host: 'shop.example.com',
    });
    expect(await reader().monitor('acc1', 'gone', signal())).toBeNull();
  });

  it('a tunnel without a remote configuration reads as null, whether 404 or config: null', async () => {
    expect(await reader().tunnelIngress('acc1', 't1', signal())).toBeNull();
    fake.scenario.localConfigAnswer = 'null_config';
    expect(await reader().tunnelIngress('acc1', 't1', signal())).toBeNull();
  });

  it('a missing tunnel reads as null', async () => {
    expect(await reader().tunnel('acc1', '00000000-0000-0000-0000-000000000000', signal())).toBeNull();
  });

  it('checks the plan with the settings node first, then asks only for fields the plan offers', async () => {
    fake.scenario.analytics.availableFields = [
      'count',
      'dimensions_edgeResponseStatus',
      'clientRequestHTTPHost',
    ];
    fake.scenario.analytics.requests = 800;
    fake.scenario.analytics.errors = [{ edgeStatus: 522, originStatus: 0, count: 40 }];
    const data = await reader().edgeAnalytics(
      'z-example',
      'shop.example.com',
      new Date(Date.now() - 1_800_000),
      new Date(),
      signal(),
    );
    const queries = fake.calls.map((c) => String((c.body as { query: string }).query));
    expect(queries[0]).toContain('settings');
    expect(queries[1]).not.toContain('originResponseStatus');
    expect(data.total).toBe(800);
    expect(data.errors).toEqual([{ edgeStatus: 522, originStatus: 0, count: 40 }]);
    expect(data.limited).toMatchObject({ originStatus: false });
  });

  it.each([200, 403, 400])(
    'a plan without the dataset is not_entitled, never auth (plan-limit error with HTTP %i)',
    async (status) => {
      fake.scenario.analytics.enabled = false;
      fake.scenario.analytics.deniedStatus = status;
      const viaSettings = await failure(
        reader().edgeAnalytics('z-example', 'shop.example.com', new Date(0), new Date(), signal()),
      );
      expect(viaSettings.kind).toBe('not_entitled');
      // Without a call to spare for the settings check, the query's own error says the same.
      const direct = await failure(
        reader({ maxCalls: 1 }).edgeAnalytics(
          'z-example',
          'shop.example.com',
          new Date(0),
          new Date(),
          signal(),
        ),
      );
      expect(direct.kind).toBe('not_entitled');
      expect(direct.message).toContain('does not have access to the path');
    },
  );

  it.each([
    [429, 'rate_limited'],
    [503, 'unavailable'],
    [401, 'auth'],
  ])('GraphQL errors with HTTP %i are %s', async (status, kind) => {
    fake.scenario.faults.push({
      match: /POST \/graphql$/,
      status,
      rawBody: JSON.stringify({
        data: null,
        errors: [{ message: 'request failed', path: null, extensions: {} }],
      }),
      headers: status === 429 ? { 'retry-after': '60' } : {},
    });
    const error = await failure(
      reader().edgeAnalytics('z-example', 'shop.example.com', new Date(0), new Date(), signal()),
    );
    expect(error.kind).toBe(kind);
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
    expect(error.permission).toBe('Analytics Read');
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
    const body = fake.calls.at(-1)?.body as { variables: Record<string, unknown> };
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
