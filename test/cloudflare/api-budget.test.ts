// The Cloudflare API budget: a diagnosis makes at most 12 requests, counted at the fake API itself
// (not only by the reader), for every kind of host a real account has. The common set-ups must
// fit without dropping a read; a large load balancer may drop the last reads (budget_spent, info).
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { codes, runDiagnosis } from '../support/cloudflare-harness.js';
import {
  ACCOUNT_ID,
  aRecordZone,
  HOST,
  lbZone,
  TUNNEL_ID,
  tunnelZone,
  ZONE_ID,
} from '../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

function wildcard(): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = [{ type: 'A', name: '*.example.com', content: '127.0.0.20', proxied: true }];
  return s;
}
function worker(): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = [{ type: 'AAAA', name: HOST, content: '100::', proxied: true }];
  s.workerRoutes[ZONE_ID] = [{ id: 'r1', pattern: `${HOST}/*`, script: 'shop' }];
  return s;
}
function customDomain(): FakeScenario {
  const s = worker();
  s.workerRoutes[ZONE_ID] = [];
  s.workerDomains[ACCOUNT_ID] = [{ id: 'd1', hostname: HOST, service: 'shop', environment: 'production' }];
  return s;
}
function wildcardTwoLabelsUp(): FakeScenario {
  const s = wildcard();
  s.records[ZONE_ID]!.push({ type: 'TXT', name: 'b.example.com', content: 'x', proxied: false });
  return s;
}
function localTunnel(): FakeScenario {
  const s = tunnelZone('healthy', 4);
  s.tunnels[TUNNEL_ID]!['config_src'] = 'local';
  return s;
}
function bigLoadBalancer(): FakeScenario {
  const s = lbZone(false, true);
  const lb = s.loadBalancers[ZONE_ID]![0]!;
  lb['region_pools'] = { WNAM: ['pool-a'], ENAM: ['pool-b'], SEAS: ['pool-c'] };
  for (const id of ['pool-a', 'pool-b', 'pool-c']) {
    s.pools[ACCOUNT_ID]!.push({
      id,
      name: id,
      enabled: true,
      minimum_origins: 1,
      monitor: 'mon1',
      origins: [{ name: `${id}-1`, address: '127.0.0.15', enabled: true }],
    });
    s.poolHealth[id] = { pool_id: id, pop_health: { 'Western Europe': { healthy: true, origins: [] } } };
  }
  s.monitors[ACCOUNT_ID] = [{ id: 'mon1', type: 'http', path: '/', expected_codes: '200' }];
  return s;
}

const COMMON: [string, () => FakeScenario, string][] = [
  ['an A record', aRecordZone, HOST],
  ['a host four labels below its zone', aRecordZone, 'a.b.shop.example.com'],
  ['a wildcard record', wildcard, HOST],
  ['a Worker placeholder', worker, HOST],
  ['a Workers Custom Domain', customDomain, HOST],
  ['a wildcard two labels up, stopped by a record between', wildcardTwoLabelsUp, 'a.b.example.com'],
  ['a wildcard two labels up', wildcard, 'a.b.example.com'],
  ['a remotely-managed tunnel', () => tunnelZone('healthy', 4), HOST],
  ['a locally-managed tunnel', localTunnel, HOST],
];

describe('API calls per diagnosis', () => {
  it.each(COMMON)('%s: at most 12, nothing dropped', async (_, scenario, host) => {
    const fake = await start(scenario());
    const { report } = await runDiagnosis(fake, host, { edge: { status: 502, code: 502 } });
    expect(fake.calls.length).toBeLessThanOrEqual(12);
    expect(report.cloudflareApiCalls).toBe(fake.calls.length);
    expect(codes(report)).not.toContain('cloudflare.budget_spent');
  });

  it('a load balancer with a failing pool: at most 12, the monitor and the rules both read', async () => {
    const fake = await start(lbZone(false, true));
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 502, code: 502 } });
    expect(fake.calls.length).toBeLessThanOrEqual(12);
    expect(report.cloudflareApiCalls).toBe(fake.calls.length);
    expect(fake.calls.some((c) => c.path.includes('/monitors/'))).toBe(true);
    // One zone lookup (name=ends_with:) instead of one per label leaves room for the rules.
    expect(codes(report)).not.toContain('cloudflare.budget_spent');
  });

  it('a load balancer with healthy pools reads the Origin Rules too, within 12', async () => {
    const fake = await start(lbZone(true, true));
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 502, code: 502 } });
    expect(fake.calls.length).toBeLessThanOrEqual(12);
    expect(fake.calls.some((c) => c.path.endsWith('/rulesets'))).toBe(true);
    expect(codes(report)).not.toContain('cloudflare.budget_spent');
  });

  it('a load balancer with six pools stays at 12: the last reads are dropped, said as info', async () => {
    const fake = await start(bigLoadBalancer());
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 200 } });
    expect(fake.calls.length).toBeLessThanOrEqual(12);
    expect(report.cloudflareApiCalls).toBe(fake.calls.length);
    for (const f of report.findings.filter((x) => x.code === 'cloudflare.budget_spent'))
      expect(f.severity).toBe('info');
    // The pools and their health were read first.
    expect(fake.calls.filter((c) => c.path.endsWith('/health')).length).toBeGreaterThanOrEqual(2);
  });
});
