// Load balancer `pool_sets` (cloudflare@7 types, `LoadBalancer.PoolSet`: "evaluated in array order
// with first match wins … independent from the standard steering fields"; `match.default` or no
// `match` matches all requests, `match.topology` by regions/countries/PoPs; `overrides.pools` is the
// flat pool list): which pools can serve this visitor is read from them, not from default_pools.
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { HOST, lbZone, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const fakes = fakeCloudflarePerTest();

function withPoolSets(sets: Record<string, unknown>[]): FakeScenario {
  // Primary pool down, fallback healthy: without pool sets this is lb.fallback_serving.
  const s = lbZone(false, true);
  s.loadBalancers[ZONE_ID]![0]!['pool_sets'] = sets;
  return s;
}

describe('pool_sets', () => {
  it('a set matching every request replaces the default pools: its healthy pool serves, no LB alarm', async () => {
    const fake = await fakes.start(
      withPoolSets([{ name: 'everyone', match: { default: true }, overrides: { pools: ['pool-fallback'] } }]),
    );
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 200 } });
    expect(codes(report)).not.toContain('lb.fallback_serving');
    expect(codes(report)).not.toContain('lb.no_healthy_pool');
    const ok = findingOf(report, 'lb.ok');
    expect(ok.evidence['poolSet']).toBe('everyone');
  });

  it('a disabled set is skipped; the defaults apply again', async () => {
    const fake = await fakes.start(
      withPoolSets([
        {
          name: 'everyone',
          disabled: true,
          match: { default: true },
          overrides: { pools: ['pool-fallback'] },
        },
      ]),
    );
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 200 } });
    expect(codes(report)).toContain('lb.fallback_serving');
  });

  it('a set for some regions steers those visitors: its pool is named with the set and its regions', async () => {
    const fake = await fakes.start(
      withPoolSets([
        {
          name: 'americas',
          match: { topology: { regions: ['WNAM', 'ENAM'] } },
          overrides: { pools: ['pool-unrelated'] },
        },
      ]),
    );
    const { report } = await runDiagnosis(fake, HOST, { edge: { status: 200 } });
    const pools = report.findings.flatMap((f) =>
      Array.isArray(f.evidence['pools']) ? f.evidence['pools'] : [],
    );
    const steered = pools.find((p) => (p as { id?: string }).id === 'pool-unrelated') as
      | { steeredBy?: string[] }
      | undefined;
    expect(steered?.steeredBy).toEqual(['rule "pool set americas"']);
  });
});
