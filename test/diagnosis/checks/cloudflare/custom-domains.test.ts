// Hosts attached to a Worker as a Workers Custom Domain. Shapes: the list answer is SDK
// `DomainListResponse` (cloudflare@7 resources/workers/domains.d.ts: id, hostname, service,
// environment, zone_id, zone_name, cert_id); the DNS record Cloudflare creates for it is a proxied
// `AAAA 100::` (dnscontrol/dnscontrol#2509 and #4907; cloudflare-docs#29353 "Workers custom
// domains: Proxied … records pointing to 100::"). Read permission: "Workers Scripts Read" (account).
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { ACCOUNT_ID, aRecordZone, HOST, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const fakes = fakeCloudflarePerTest();
const start = (s: FakeScenario) => fakes.start(s);

function customDomainZone(record = true): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = record ? [{ type: 'AAAA', name: HOST, content: '100::', proxied: true }] : [];
  s.workerDomains[ACCOUNT_ID] = [
    {
      id: 'dbe10b4bc17c295377eabd600e1787fd',
      hostname: HOST,
      service: 'shop-app',
      environment: 'production',
      zone_id: ZONE_ID,
      zone_name: 'example.com',
      cert_id: '9a7806061c88ada191ed06f989cc3dac',
    },
    {
      id: '0a7806061c88ada191ed06f989cc3dab',
      hostname: 'api.example.com',
      service: 'api',
      environment: 'production',
      zone_id: ZONE_ID,
      zone_name: 'example.com',
      cert_id: '1a7806061c88ada191ed06f989cc3dac',
    },
  ];
  return s;
}

describe('Workers Custom Domains', () => {
  it('the AAAA 100:: record of a Custom Domain is the Worker, not an unreachable origin', async () => {
    const api = await start(customDomainZone());
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'worker.route');
    expect(f.severity).toBe('info');
    expect(f.evidence).toMatchObject({ script: 'shop-app', customDomain: true, placeholder: 'AAAA 100::' });
    expect(f.title).toContain('Custom Domain');
    expect(codes(report)).not.toContain('dns.origin_private_address');
    expect(cloudflareFacts?.origins).toEqual([]);
    expect(report.verdict).toBe('healthy');
    const read = api.calls.find((c) => c.path === `/accounts/${ACCOUNT_ID}/workers/domains`);
    expect(read?.query['hostname']).toBe(HOST);
  });

  it('a host with no DNS record at all but attached as a Custom Domain is not dns.record_missing', async () => {
    const { report } = await runDiagnosis(await start(customDomainZone(false)), HOST, {
      edge: { status: 200 },
    });
    expect(codes(report)).not.toContain('dns.record_missing');
    expect(findingOf(report, 'worker.route').evidence['script']).toBe('shop-app');
  });

  it('a 1101 on a Custom Domain blames the Worker, with steps for a Custom Domain', async () => {
    const { report } = await runDiagnosis(await start(customDomainZone()), HOST, {
      edge: { status: 500, code: 1101 },
    });
    expect(report.primaryCause).toBe('worker.error');
    const f = findingOf(report, 'worker.error');
    expect(f.evidence).toMatchObject({ script: 'shop-app', code: 1101 });
    const steps = f.remediation.join('\n');
    expect(steps).toContain('wrangler tail shop-app');
    expect(steps).toContain('Custom Domain');
    expect(steps).not.toContain('add a route for this host/path without a Worker');
  });

  it('without "Workers Scripts Read" the placeholder stays unexplained: info, never an unreachable origin', async () => {
    const s = customDomainZone();
    s.permissions = [
      'Zone Read',
      'DNS Read',
      'Zone Settings Read',
      'Load Balancers Read',
      'Workers Routes Read',
      'Analytics Read',
    ];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(codes(report)).not.toContain('dns.origin_private_address');
    const info = findingOf(report, 'worker.route');
    expect(info.detail).toContain('Workers Custom Domains could not be read');
    const auth = report.findings.find(
      (f) => f.code === 'cloudflare.auth_failed' && f.evidence['permission'] === 'Workers Scripts Read',
    );
    expect(auth?.evidence['permissionScope']).toBe('account');
  });

  it('a placeholder that neither a route nor a Custom Domain serves is still said plainly', async () => {
    const s = customDomainZone();
    s.workerDomains[ACCOUNT_ID] = s.workerDomains[ACCOUNT_ID]!.filter((d) => d['hostname'] !== HOST);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 522, code: 522 } });
    expect(findingOf(report, 'dns.origin_private_address').detail).toContain(
      'no Worker has it as a Custom Domain',
    );
  });

  it('a host with a route in front reads no Custom Domains; an ordinary A record reads none either', async () => {
    const s = customDomainZone();
    s.workerRoutes[ZONE_ID] = [{ id: 'r1', pattern: `${HOST}/*`, script: 'edge-auth' }];
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(findingOf(report, 'worker.route').evidence['script']).toBe('edge-auth');
    const plain = await start(aRecordZone());
    await runDiagnosis(plain, HOST, { edge: { status: 200 } });
    for (const a of [api, plain])
      expect(a.calls.some((c) => c.path.endsWith('/workers/domains'))).toBe(false);
  });
});
