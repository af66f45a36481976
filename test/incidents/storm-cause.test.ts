// What many failing sites share, read from their reports the way a person would compare them.
import { describe, expect, it } from 'vitest';
import type { FindingCode } from '../../src/diagnosis/codes.js';
import type { EvidenceOf } from '../../src/diagnosis/evidence.js';
import type { Report } from '../../src/diagnosis/report.js';
import { commonCause } from '../../src/incidents/storm-cause.js';
import { reported } from '../support/findings.js';

function failing<C extends FindingCode>(
  site: string,
  primaryCause: C,
  evidence: Partial<EvidenceOf<C>>,
  extra: Report['findings'] = [],
): Report {
  return {
    site,
    url: `https://${site}/`,
    verdict: 'failing',
    primaryCause,
    findings: [
      reported({ code: primaryCause, severity: 'error', title: 't', detail: 'd', evidence }),
      ...extra,
    ],
    checks: [],
    startedAt: '2026-03-02T13:00:00Z',
    durationMs: 10,
    cloudflareApiCalls: 3,
  };
}
const refused = (site: string, address: string) =>
  failing(site, 'origin.connection_refused', {
    address,
    resolvedAddress: address,
    port: 443,
    errorCode: 'ECONNREFUSED',
  });

describe('commonCause', () => {
  it('names one dead origin shared by many sites', () => {
    const entries = Array.from({ length: 14 }, (_, n) => ({
      site: `s${n}.customer${n}.com`,
      report: refused(`s${n}.customer${n}.com`, '203.0.113.10'),
    }));
    expect(commonCause(entries)).toMatchObject({
      kind: 'origin',
      key: '203.0.113.10',
      text: '14 sites, one origin 203.0.113.10 refusing on 443',
    });
  });

  it('names the network when the origins differ but sit in one /24', () => {
    const entries = ['a', 'b', 'c'].map((x, n) => ({
      site: `${x}.shop${n}.net`,
      report: refused(`${x}.shop${n}.net`, `198.51.100.${n + 1}`),
    }));
    expect(commonCause(entries)).toMatchObject({ kind: 'network', key: '198.51.100.0/24' });
    expect(commonCause(entries)?.text).toBe(
      '3 sites, origins in one network 198.51.100.0/24, all refusing on 443',
    );
  });

  it('names a shared tunnel', () => {
    const entries = ['a.x.io', 'b.y.io'].map((site) => ({
      site,
      report: failing(site, 'tunnel.down', {
        tunnelId: 't-1',
        tunnelName: 'shop-prod',
        activeConnections: 0,
      }),
    }));
    expect(commonCause(entries)).toMatchObject({ kind: 'tunnel', key: 'shop-prod' });
  });

  it('names a shared unhealthy load-balancer pool', () => {
    const pool = { role: 'default', enabled: true, minimumOrigins: 1 } as const;
    const pools = [
      { ...pool, id: 'p1', name: 'eu-pool', healthy: false, unhealthyOrigins: [] },
      { ...pool, id: 'p2', name: 'us-pool', healthy: true, unhealthyOrigins: [] },
    ];
    const entries = ['a.x.io', 'b.y.io', 'c.z.io'].map((site) => ({
      site,
      report: failing(site, 'lb.no_healthy_pool', { loadBalancer: site, pools }),
    }));
    expect(commonCause(entries)).toMatchObject({ kind: 'pool', key: 'eu-pool' });
  });

  it("blames Cloudflare's edge when it fails while the origins answer", () => {
    const entries = ['a.x.io', 'b.y.io'].map((site) => ({
      site,
      report: failing(site, 'edge.error', { status: 502 }, [
        reported({ code: 'origin.ok', severity: 'ok', title: 'origin answers', detail: '', evidence: {} }),
      ]),
    }));
    expect(commonCause(entries)).toMatchObject({
      kind: 'cloudflare',
      text: "2 sites, Cloudflare's edge failing while their origins answer",
    });
  });

  it('falls back to the zone, then to the same primary cause', () => {
    const sameZone = ['a', 'b'].map((x, n) => ({
      site: `${x}.example.com`,
      report: refused(`${x}.example.com`, `10.${n}.0.1`.replace('10.', `${192 + n}.0.`)),
    }));
    expect(commonCause(sameZone)).toMatchObject({ kind: 'zone', key: 'example.com' });
    const sameCause = ['a.one.com', 'b.two.org'].map((site, n) => ({
      site,
      report: failing(site, 'origin.http_5xx', { address: `${200 + n}.1.1.1`, port: 443 }),
    }));
    expect(commonCause(sameCause)).toMatchObject({ kind: 'cause', key: 'origin.http_5xx' });
  });

  it('names nothing when fewer than half of the failing sites share anything', () => {
    const entries = [
      { site: 'a.one.com', report: refused('a.one.com', '192.0.2.1') },
      { site: 'b.two.org', report: failing('b.two.org', 'tunnel.down', { tunnelName: 't1' }) },
      {
        site: 'c.three.net',
        report: failing('c.three.net', 'origin.http_5xx', { address: '198.51.100.9', port: 80 }),
      },
    ];
    expect(commonCause(entries)).toBeUndefined();
  });

  it('waits for two diagnosed failing sites, and ignores healthy ones', () => {
    const healthy: Report = { ...refused('b.x.com', '203.0.113.10'), verdict: 'healthy', primaryCause: null };
    expect(
      commonCause([
        { site: 'a.x.com', report: refused('a.x.com', '203.0.113.10') },
        { site: 'b.x.com', report: healthy },
        { site: 'c.x.com' },
      ]),
    ).toBeUndefined();
  });
});
