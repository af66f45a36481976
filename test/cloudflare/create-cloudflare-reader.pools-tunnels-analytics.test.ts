// createCloudflareReader's account-level reads and analytics: pool health, monitors, tunnels and
// their configurations, and GraphQL (the plan check first, only the fields the plan offers, errors).

import { describe, expect, it } from 'vitest';
import { failure, fake, fakeCloudflareEachTest, reader, signal } from './support/reader-on-fake.js';

fakeCloudflareEachTest();

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
