// Load balancers judged as Cloudflare judges them: region consensus, minimum_origins, the fallback
// pool, steering pools, the monitor quoted. Pool health in the API's shape (pop_health keyed by
// region, then origin address: OpenAPI example of account-load-balancer-pools-pool-health-details
// and cloudflare-go load_balancing.go), read through the real SDK from the fake.
import { describe, expect, it } from 'vitest';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { ACCOUNT_ID, HOST, lbZone, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

const REGIONS = [
  'Western Europe',
  'Eastern Europe',
  'Eastern North America',
  'Western North America',
  'Southeast Asia',
];

/** pop_health where `up` of the regions see each origin healthy (the rest: TCP connection failed). */
function health(addresses: string[], up: number, regionHealthy?: (i: number) => boolean) {
  return {
    pool_id: 'x',
    pop_health: Object.fromEntries(
      REGIONS.map((region, i) => {
        const ok = i < up;
        return [
          region,
          {
            healthy: regionHealthy ? regionHealthy(i) : ok,
            origins: addresses.map((a) => ({
              [a]: ok
                ? { healthy: true, rtt: '21.3ms', failure_reason: 'No failures', response_code: 200 }
                : { healthy: false, rtt: '0s', failure_reason: 'TCP connection failed', response_code: 0 },
            })),
          },
        ];
      }),
    ),
  };
}

describe('load balancer health', () => {
  it('a pool healthy in one region of five is down (consensus, not "any region")', async () => {
    const s = lbZone(true, true);
    s.poolHealth['pool-primary'] = health(['127.0.0.11', '127.0.0.12'], 1);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'lb.fallback_serving');
    expect(f.detail).toContain('healthy in 1 of 5 checking regions');
    expect(codes(report)).not.toContain('lb.ok');
  });

  it('a pool healthy in most regions is up, its failing origin is named', async () => {
    const s = lbZone(true, true);
    s.poolHealth['pool-primary'] = health(['127.0.0.11'], 4);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(findingOf(report, 'lb.pool_unhealthy').detail).toContain('failing in 1 of 5 regions');
  });

  it('fewer healthy origins than minimum_origins makes the pool critical even if regions say healthy', async () => {
    const s = lbZone(true, true);
    s.pools[ACCOUNT_ID]![0]!['minimum_origins'] = 2;
    const half = health(['127.0.0.11'], 5);
    const down = health(['127.0.0.12'], 0, () => true);
    const merged = half.pop_health as Record<string, { healthy: boolean; origins: unknown[] }>;
    for (const [region, value] of Object.entries(down.pop_health))
      merged[region]!.origins.push(...value.origins);
    s.poolHealth['pool-primary'] = half;
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(findingOf(report, 'lb.fallback_serving').detail).toContain('1 healthy origin for a minimum of 2');
  });

  it('every pool down with an ENABLED fallback: no 530/1016 claim, traffic goes to the fallback', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, false)), HOST, {
      edge: { status: 522, code: 522 },
    });
    const f = findingOf(report, 'lb.no_healthy_pool');
    expect(f.evidence['fallbackEnabled']).toBe(true);
    expect(f.detail).toContain('not a 530/1016');
  });

  it('every pool down and the fallback disabled: 530/1016', async () => {
    const s = lbZone(false, false);
    s.pools[ACCOUNT_ID]![1]!['enabled'] = false;
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1016 } });
    expect(report.primaryCause).toBe('lb.no_healthy_pool');
    expect(findingOf(report, 'lb.no_healthy_pool').detail).toContain('530 (error 1016)');
  });

  it('region, country and rule pools are read and named as pools that can serve', async () => {
    const s = lbZone(true, true);
    const lb = s.loadBalancers[ZONE_ID]![0]!;
    lb['steering_policy'] = 'geo';
    lb['region_pools'] = { WNAM: ['pool-us-west'], ENAM: ['pool-primary'] };
    lb['country_pools'] = { DE: ['pool-primary'] };
    lb['rules'] = [
      {
        name: 'api to us',
        condition: 'http.request.uri.path contains "/api"',
        disabled: false,
        priority: 0,
        overrides: { default_pools: ['pool-us-west'] },
      },
    ];
    s.pools[ACCOUNT_ID]!.push({
      id: 'pool-us-west',
      name: 'us-west',
      enabled: true,
      minimum_origins: 1,
      origins: [{ name: 'usw-1', address: '127.0.0.14', enabled: true, weight: 1 }],
    });
    s.poolHealth['pool-us-west'] = health(['127.0.0.14'], 0);
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'lb.pool_unhealthy');
    expect(f.evidence['canServe']).toEqual([
      'default: primary-eu',
      'region WNAM, rule "api to us": us-west',
      'fallback: fallback-us',
    ]);
    expect(f.detail).toContain('us-west');
    expect(api.calls.filter((c) => c.path.endsWith('/health'))).toHaveLength(3);
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('quotes the monitor when origins fail their health checks', async () => {
    const s = lbZone(false, true);
    s.monitors[ACCOUNT_ID] = [
      {
        id: 'mon1',
        type: 'https',
        method: 'GET',
        path: '/healthz',
        port: 443,
        expected_codes: '200',
        header: { Host: ['shop.example.com'] },
        timeout: 5,
        interval: 60,
        retries: 2,
      },
    ];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'lb.fallback_serving');
    expect(f.detail).toContain('HTTPS GET /healthz on port 443 (Host shop.example.com), expecting 200');
    expect(f.remediation.join('\n')).toContain('HTTPS GET /healthz on port 443 with Host shop.example.com');
  });
});
