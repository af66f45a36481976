// Configurations real zones have, answered by the fake API in the real shapes, each checked for the
// right primary cause, no false alarm, and at most 12 API calls counted at the fake. Sources:
// zone `type` full|partial|secondary, `status` active|pending|initializing|moved and `paused` (SDK
// cloudflare@7 `Zone`); partial (CNAME) setup verifies with a `cloudflare-verify` TXT record, not
// nameservers (developers.cloudflare.com/dns/zone-setups/partial-setup/); apex CNAME flattening
// (dns/cname-flattening/: the apex record is a CNAME in the API); `result_info.total_pages` paging;
// 429 + Retry-After and 5xx (api/…/rate-limits, the fake's faults); a token scoped to other zones
// sees an empty zones list (not an error).
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis, type Seen } from '../support/cloudflare-harness.js';
import { aRecordZone, HOST, ORIGIN_IP, ZONE_ID } from '../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../support/fake-cloudflare-per-test.js';
import { originObservation as observed } from '../support/observations.js';

const fakes = fakeCloudflarePerTest();

const healthy: Seen = {
  edge: { status: 200 },
  origin: [observed('response', { port: 443, tls: true, address: ORIGIN_IP }, { status: 200 })],
};
const originDown: Seen = {
  edge: { status: 521, code: 521 },
  origin: [
    observed('refused', { port: 443, tls: true, address: ORIGIN_IP }),
    observed('refused', { port: 80, tls: false, address: ORIGIN_IP }),
  ],
};

async function run(s: FakeScenario, seen: Seen, host = HOST) {
  const fake = await fakes.start(s);
  const out = await runDiagnosis(fake, host, seen);
  expect(fake.calls.length).toBeLessThanOrEqual(12);
  expect(out.report.cloudflareApiCalls).toBe(fake.calls.length);
  return { ...out, api: fake };
}

function alarms(report: Awaited<ReturnType<typeof run>>['report']): string[] {
  return report.findings.filter((f) => f.severity === 'error' || f.severity === 'warn').map((f) => f.code);
}

describe('real zone set-ups', () => {
  it('a DNS-only (grey-cloud) host that answers: said as info, no alarm', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: ORIGIN_IP, proxied: false }];
    const { report } = await run(s, { ...healthy, edge: { status: 200 } });
    expect(findingOf(report, 'dns.not_proxied').severity).toBe('info');
    expect(alarms(report)).toEqual([]);
  });

  it('a DNS-only host whose origin refuses: the origin is the cause, not the grey cloud', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: ORIGIN_IP, proxied: false }];
    const { report } = await run(s, { origin: originDown.origin ?? [] });
    expect(report.primaryCause).not.toBe('dns.not_proxied');
  });

  it('a partial (CNAME setup) zone, active: no alarm', async () => {
    const s = aRecordZone();
    s.zones[0]!.type = 'partial';
    s.zones[0]!.nameServers = [];
    s.records[ZONE_ID] = [{ type: 'CNAME', name: HOST, content: 'origin.example.net', proxied: true }];
    const { report } = await run(s, { ...healthy, resolve: { 'origin.example.net': [ORIGIN_IP] } });
    expect(alarms(report)).toEqual([]);
  });

  it('a partial zone still pending is explained by its verification record, not by nameservers', async () => {
    const s = aRecordZone();
    s.zones[0]!.type = 'partial';
    s.zones[0]!.status = 'pending';
    s.zones[0]!.nameServers = [];
    const { report } = await run(s, {});
    const f = findingOf(report, 'cloudflare.zone_inactive');
    expect(f.detail).toContain('cloudflare-verify');
    expect(f.detail).not.toContain('nameservers are not yet');
  });

  it('a full zone pending: its nameservers are named', async () => {
    const s = aRecordZone();
    s.zones[0]!.status = 'pending';
    const { report } = await run(s, { edge: { status: 200 } });
    expect(findingOf(report, 'cloudflare.zone_inactive').detail).toContain('ada.ns.cloudflare.com');
  });

  it('a paused zone whose origin answers: a warning at most, never an error', async () => {
    const s = aRecordZone();
    s.zones[0]!.paused = true;
    const { report } = await run(s, healthy);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findingOf(report, 'cloudflare.zone_inactive').severity).toBe('warn');
  });

  it('development mode on: no alarm', async () => {
    const s = aRecordZone();
    s.settings[ZONE_ID]!['development_mode'] = 'on';
    const { report } = await run(s, healthy);
    expect(alarms(report)).toEqual([]);
  });

  it('an apex CNAME (flattened): followed to its addresses, no missing record', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [
      { type: 'CNAME', name: 'example.com', content: 'app.herokudns.example', proxied: true },
    ];
    const { report, cloudflareFacts } = await run(
      s,
      { ...healthy, resolve: { 'app.herokudns.example': [ORIGIN_IP] } },
      'example.com',
    );
    expect(codes(report)).not.toContain('dns.record_missing');
    expect(cloudflareFacts?.origins.map((o) => o.address)).toEqual([ORIGIN_IP]);
    expect(alarms(report)).toEqual([]);
  });

  it('a CNAME to a proxied host in another zone: no false private-address or missing-record alarm', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'CNAME', name: HOST, content: 'shop.other-zone.example', proxied: true }];
    const { report } = await run(s, { ...healthy, resolve: { 'shop.other-zone.example': ['104.16.1.1'] } });
    expect(alarms(report)).toEqual([]);
  });

  it('dns_records over several pages (result_info.total_pages > 1): every record is read', async () => {
    const s = aRecordZone();
    s.maxPerPage = 2;
    s.records[ZONE_ID] = [
      { type: 'A', name: HOST, content: '127.0.0.10', proxied: true },
      { type: 'A', name: HOST, content: '127.0.0.11', proxied: true },
      { type: 'A', name: HOST, content: '127.0.0.12', proxied: true },
    ];
    const { cloudflareFacts } = await run(s, healthy);
    expect(cloudflareFacts?.origins.map((o) => o.address)).toEqual([
      '127.0.0.10',
      '127.0.0.11',
      '127.0.0.12',
    ]);
    const pages = fakes
      .current!.calls.filter((c) => c.path.endsWith('/dns_records'))
      .map((c) => c.query['page']);
    expect(pages).toEqual(['1', '2']);
  });

  it('429 with a short Retry-After is waited for once: no alarm', async () => {
    const s = aRecordZone();
    s.faults.push({
      match: /GET \/zones\/[^/]+\/dns_records$/,
      status: 429,
      headers: { 'retry-after': '1' },
      times: 1,
    });
    const { report } = await run(s, healthy);
    expect(codes(report)).not.toContain('cloudflare.rate_limited');
    expect(alarms(report)).toEqual([]);
  });

  it('429 with a long Retry-After: rate_limited, never the primary cause of a dead origin', async () => {
    const s = aRecordZone();
    s.faults.push({ match: /GET \/zones\/[^/]+\/settings$/, status: 429, headers: { 'retry-after': '60' } });
    const { report } = await run(s, originDown);
    expect(codes(report)).toContain('cloudflare.rate_limited');
    expect(report.primaryCause).not.toMatch(/^cloudflare\./);
  });

  it('a 5xx from the API is retried once; if it lasts, api_unavailable, never the primary cause', async () => {
    const once = aRecordZone();
    once.faults.push({ match: /GET \/zones\/[^/]+\/load_balancers$/, status: 502, times: 1 });
    expect(alarms((await run(once, healthy)).report)).toEqual([]);
    const always = aRecordZone();
    always.faults.push({ match: /GET \/zones\/[^/]+\/settings$/, status: 503 });
    const { report } = await run(always, originDown);
    expect(codes(report)).toContain('cloudflare.api_unavailable');
    expect(report.primaryCause).not.toMatch(/^cloudflare\./);
  });

  it('a token scoped to another zone: zone not found said as such, never the primary cause', async () => {
    const s = aRecordZone();
    s.zones.push({ id: 'zone-other', name: 'other.example', accountId: 'acc-other' });
    s.zones = s.zones.filter((z) => z.id === 'zone-other');
    const { report } = await run(s, originDown);
    const f = findingOf(report, 'cloudflare.zone_not_found');
    expect(f.detail).toContain('token is limited to other zones');
    expect(report.primaryCause).not.toMatch(/^cloudflare\./);
  });
});
