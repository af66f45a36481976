// Wildcard records as Cloudflare's nameservers apply them (docs: dns/manage-dns-records/reference/
// wildcard-dns-records "Specific DNS records take precedence over wildcard records … a specific
// record on any equal or lower level will terminate anything on or below this specific record";
// dns/foundation-dns/setup "Differences from standard nameservers": only advanced nameservers let
// an empty non-terminal stop a wildcard; RFC 4592 closest encloser). Records are listed by the fake
// API with the real filters (name.exact, name.startswith, name.endswith).
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const api = fakeCloudflarePerTest();
const start = (s: FakeScenario) => api.start(s);

type Rec = { type: string; name: string; content: string; proxied?: boolean };
function zone(records: Rec[], nameServers?: string[]): FakeScenario {
  const s = aRecordZone();
  s.records[ZONE_ID] = records.map((r) => ({ proxied: r.type !== 'TXT', ...r }));
  if (nameServers) s.zones[0]!.nameServers = nameServers;
  return s;
}
const STAR = { type: 'A', name: '*.example.com', content: '127.0.0.20' };

describe('a wildcard stops at a name that has a record', () => {
  it('*.example.com does not cover a.b.example.com when b.example.com has a TXT record', async () => {
    const s = zone([STAR, { type: 'TXT', name: 'b.example.com', content: 'verify=1' }]);
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), 'a.b.example.com', {
      edge: { status: 530, code: 1016 },
    });
    expect(report.primaryCause).toBe('dns.record_missing');
    const f = findingOf(report, 'dns.record_missing');
    expect(f.evidence).toMatchObject({
      wildcard: '*.example.com',
      wildcardBlockedBy: 'b.example.com',
      blockingTypes: ['TXT'],
    });
    expect(f.detail).toContain('b.example.com has a TXT record');
    expect(cloudflareFacts?.origins ?? []).toEqual([]);
  });

  it('an address record at the intermediate name stops it too (no probe of the wildcard target)', async () => {
    const s = zone([STAR, { type: 'CNAME', name: 'b.example.com', content: 'lb.example.net' }]);
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), 'x.b.example.com');
    expect(findingOf(report, 'dns.record_missing').evidence['wildcardBlockedBy']).toBe('b.example.com');
    expect(cloudflareFacts?.origins ?? []).toEqual([]);
  });

  it('a record of another type at the host itself stops the wildcard for it', async () => {
    const s = zone([STAR, { type: 'TXT', name: 'shop.example.com', content: 'v=spf1 -all' }]);
    const { report } = await runDiagnosis(await start(s), 'shop.example.com');
    const f = findingOf(report, 'dns.record_missing');
    expect(f.evidence).toMatchObject({ wildcardBlockedBy: 'shop.example.com', otherTypes: ['TXT'] });
    expect(f.detail).toContain('has its own TXT record');
  });

  it('the wildcard still covers names under a sibling without records, at any depth', async () => {
    const s = zone([STAR, { type: 'TXT', name: 'b.example.com', content: 'verify=1' }]);
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), 'x.y.c.example.com', {
      edge: { status: 200 },
    });
    expect(codes(report)).not.toContain('dns.record_missing');
    expect(findingOf(report, 'dns.record_ok').evidence).toMatchObject({
      wildcard: '*.example.com',
      records: [{ type: 'A', content: '127.0.0.20', proxied: true }],
    });
    expect(cloudflareFacts?.origins.map((o) => o.address)).toEqual(['127.0.0.20']);
  });
});

describe('the most specific wildcard wins', () => {
  it('*.b.example.com answers for a.b.example.com, even with a record at b.example.com', async () => {
    const s = zone([
      STAR,
      { type: 'A', name: '*.b.example.com', content: '127.0.0.21' },
      { type: 'TXT', name: 'b.example.com', content: 'verify=1' },
    ]);
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), 'a.b.example.com', {
      edge: { status: 200 },
    });
    const f = findingOf(report, 'dns.record_ok');
    expect(f.evidence).toMatchObject({ wildcard: '*.b.example.com', matchedName: '*.b.example.com' });
    expect(f.detail).toContain('*.b.example.com');
    expect(cloudflareFacts?.origins.map((o) => o.address)).toEqual(['127.0.0.21']);
  });

  it('a closer wildcard with only a TXT record answers no address; the wider one does not take over', async () => {
    const s = zone([STAR, { type: 'TXT', name: '*.b.example.com', content: 'x' }]);
    const { report } = await runDiagnosis(await start(s), 'a.b.example.com');
    const f = findingOf(report, 'dns.record_missing');
    expect(f.evidence).toMatchObject({ wildcard: '*.b.example.com', wildcardTypes: ['TXT'] });
    expect(f.detail).toContain('only TXT');
  });
});

describe('empty non-terminals', () => {
  const ent = [STAR, { type: 'A', name: 'a.b.example.com', content: '127.0.0.22' }];

  it('standard nameservers: *.example.com still answers for b.example.com and c.b.example.com', async () => {
    for (const host of ['b.example.com', 'c.b.example.com']) {
      const { report } = await runDiagnosis(await start(zone(ent)), host, { edge: { status: 200 } });
      expect(findingOf(report, 'dns.record_ok').evidence['wildcard']).toBe('*.example.com');
    }
  });

  it('Foundation DNS advanced nameservers: the empty non-terminal b.example.com stops it', async () => {
    const s = zone(ent, ['kay.ns.foundationdns.com', 'lee.ns.foundationdns.net']);
    const { report } = await runDiagnosis(await start(s), 'c.b.example.com');
    const f = findingOf(report, 'dns.record_missing');
    expect(f.evidence).toMatchObject({
      wildcardBlockedBy: 'b.example.com',
      emptyNonTerminal: true,
      below: 'a.b.example.com',
    });
    expect(f.detail).toContain('empty non-terminal');
  });
});

describe('API calls', () => {
  it('a wildcard one label up costs no read below it; two labels up costs one', async () => {
    const fake = await start(zone([STAR]));
    await runDiagnosis(fake, 'shop.example.com');
    const dnsReads = () => fake.calls.filter((c) => c.path.endsWith('/dns_records'));
    expect(dnsReads().map((c) => Object.keys(c.query).find((k) => k.startsWith('name')))).toEqual([
      'name.exact',
      'name.startswith',
    ]);
    fake.calls.length = 0;
    await runDiagnosis(fake, 'a.b.example.com');
    expect(dnsReads().map((c) => c.query['name.endswith'] ?? '-')).toEqual(['-', '-', 'b.example.com']);
  });
});
