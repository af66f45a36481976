// Hosts served by a wildcard record or by a Worker, read through the real SDK from the fake API
// (record and route shapes: test/fakes/cloudflare-api/), correlated by the real engine.
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../../src/diagnosis/checks/cloudflare/workers.js';
import type { FakeScenario } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, HOST, ORIGIN_IP, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';
import { originObservation } from '../../../support/observations.js';

const { start } = fakeCloudflarePerTest();

function wildcardZone(): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = [
    { type: 'A', name: '*.example.com', content: '127.0.0.20', proxied: true },
    { type: 'CNAME', name: '*.shop.example.com', content: 'other.example.net', proxied: true },
    { type: 'TXT', name: '*.example.com', content: 'v=spf1 -all', proxied: false },
    { type: 'A', name: 'www.example.com', content: '127.0.0.21', proxied: true },
  ];
  return s;
}

/** Placeholder records as Cloudflare's Workers docs tell users to create them. */
function workerZone(content: string, type: 'A' | 'AAAA', routes: Record<string, unknown>[]): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = [{ type, name: HOST, content, proxied: true }];
  s.workerRoutes[ZONE_ID] = routes;
  return s;
}

describe('wildcard records', () => {
  it('a host with no record of its own is served by the proxied wildcard: no false dns.record_missing', async () => {
    const { report, cloudflareFacts } = await runDiagnosis(await start(wildcardZone()), HOST, {
      edge: { status: 200 },
    });
    expect(codes(report)).not.toContain('dns.record_missing');
    const f = findingOf(report, 'dns.record_ok');
    expect(f.evidence['wildcard']).toBe('*.example.com');
    expect(f.detail).toContain('*.example.com');
    expect(cloudflareFacts?.origins).toEqual([{ address: '127.0.0.20', source: 'dns', label: 'A record' }]);
    expect(report.verdict).toBe('healthy');
  });

  it('the most specific wildcard wins', async () => {
    const { report } = await runDiagnosis(await start(wildcardZone()), 'api.shop.example.com', {
      resolve: { 'other.example.net': ['127.0.0.30'] },
    });
    expect(findingOf(report, 'dns.record_ok').evidence['wildcard']).toBe('*.shop.example.com');
  });

  it('a DNS-only wildcard says it came from the wildcard', async () => {
    const s = wildcardZone();
    s.records[ZONE_ID]![0]!['proxied'] = false;
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'dns.not_proxied').evidence['wildcard']).toBe('*.example.com');
  });

  it('no record and no wildcard is still dns.record_missing', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: 'www.example.com', content: '127.0.0.21', proxied: true }];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1016 } });
    expect(report.primaryCause).toBe('dns.record_missing');
  });
});

describe('Workers', () => {
  it.each([
    ['AAAA', '100::'],
    ['A', '192.0.2.1'],
  ] as const)(
    'a proxied %s %s placeholder with a matching route is worker.route, and is never probed',
    async (type, content) => {
      const s = workerZone(content, type, [
        { id: 'r1', pattern: 'shop.example.com/*', script: 'shop-frontend' },
        { id: 'r2', pattern: '*example.com/api/*', script: 'api-worker' },
      ]);
      const { report, cloudflareFacts } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
      const f = findingOf(report, 'worker.route');
      expect(f.severity).toBe('info');
      expect(f.evidence).toMatchObject({ script: 'shop-frontend', pattern: 'shop.example.com/*' });
      expect(codes(report)).not.toContain('dns.origin_private_address');
      expect(cloudflareFacts?.origins).toEqual([]);
      expect(report.verdict).toBe('healthy');
    },
  );

  it('a placeholder no route serves is an unreachable origin, said plainly', async () => {
    const s = workerZone('100::', 'AAAA', [{ id: 'r1', pattern: 'blog.example.com/*', script: 'blog' }]);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 522, code: 522 } });
    const f = findingOf(report, 'dns.origin_private_address');
    expect(f.evidence['workerPlaceholder']).toBe(true);
    expect(f.detail).toContain('no Workers route');
  });

  it('a Workers error at the edge is the primary cause, with the script and wrangler tail', async () => {
    const s = workerZone('100::', 'AAAA', [
      { id: 'r1', pattern: 'shop.example.com/*', script: 'shop-frontend' },
    ]);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 500, code: 1101 } });
    expect(report.primaryCause).toBe('worker.error');
    const f = findingOf(report, 'worker.error');
    expect(f.evidence).toMatchObject({ code: 1101, script: 'shop-frontend' });
    expect(f.remediation.join('\n')).toContain('wrangler tail shop-frontend');
  });

  it('a Worker in front of a real origin: 1102 blames the Worker even though the origin answers', async () => {
    const s = aRecordZone();
    s.workerRoutes[ZONE_ID] = [{ id: 'r1', pattern: '*.example.com/*', script: 'edge-auth' }];
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 503, code: 1102 },
      origin: [originObservation('response', { port: 443, tls: true, address: ORIGIN_IP }, { status: 200 })],
    });
    expect(report.primaryCause).toBe('worker.error');
    expect(findingOf(report, 'worker.error').remediation.join('\n')).toContain('CPU');
    expect(findingOf(report, 'worker.route').evidence['script']).toBe('edge-auth');
    expect(cloudflareFacts?.origins.map((o) => o.address)).toEqual([ORIGIN_IP]);
  });

  it('1104 (script not found) is a Worker error even when the routes could not be read', async () => {
    const s = workerZone('100::', 'AAAA', []);
    s.permissions = ['Zone Read', 'DNS Read', 'Zone Settings Read', 'Load Balancers Read', 'Analytics Read'];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 500, code: 1104 } });
    expect(report.primaryCause).toBe('worker.error');
    expect(findingOf(report, 'cloudflare.auth_failed').evidence['permission']).toBe('Workers Routes Read');
    expect(findingOf(report, 'worker.route').detail).toContain('could not be read');
    expect(codes(report)).not.toContain('dns.origin_private_address');
  });

  it('matches routes as Cloudflare does: the most specific wins, a route without a script turns Workers off', () => {
    const routes = [
      { pattern: '*example.com/*', script: 'catch-all' },
      { pattern: 'shop.example.com/*', script: 'shop' },
      { pattern: 'shop.example.com/static/*' },
      { pattern: 'https://shop.example.com/exact', script: 'exact' },
    ];
    expect(matchRoute(routes, 'shop.example.com', '/cart')?.script).toBe('shop');
    expect(matchRoute(routes, 'shop.example.com', '/static/a.css')?.script).toBeUndefined();
    expect(matchRoute(routes, 'shop.example.com', '/exact')?.script).toBe('exact');
    expect(matchRoute(routes, 'example.com', '/')?.script).toBe('catch-all');
    expect(matchRoute([{ pattern: '*.example.com/*', script: 'x' }], 'example.com', '/')).toBeUndefined();
  });
});
