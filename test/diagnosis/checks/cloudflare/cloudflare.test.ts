// The Cloudflare API check end to end: real SDK against the loopback fake API, real engine.
// This file: no token, the zone (missing, inactive, paused), DNS records, analytics on a plan
// without the dataset, load balancers; tunnels in cloudflare.tunnels.test.ts, API trouble and the
// call budget in cloudflare.api-trouble.test.ts.

import { describe, expect, it } from 'vitest';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, HOST, lbZone, ORIGIN_IP, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

describe('cloudflare check', () => {
  it('without a token the check is skipped with an info finding and the diagnosis still runs', async () => {
    const { report } = await runDiagnosis(undefined, HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'cloudflare.not_configured');
    expect(f.severity).toBe('info');
    expect(report.checks.find((c) => c.name === 'cloudflare')?.status).toBe('skipped');
    expect(report.checks.find((c) => c.name === 'edge')?.status).toBe('passed');
    expect(report.cloudflareApiCalls).toBe(0);
  });

  it('a healthy proxied site raises no false alarm and hands the origin to the probe', async () => {
    const api = await start(aRecordZone());
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, {
      edge: { status: 200 },
      publicDns: ['104.16.1.1'],
    });
    expect(cloudflareFacts?.origins).toEqual([{ address: ORIGIN_IP, source: 'dns', label: 'A record' }]);
    expect(cloudflareFacts?.sslMode).toBe('strict');
    expect(cloudflareFacts?.ipRanges?.ipv4.length).toBeGreaterThan(0);
    expect(report.verdict).toBe('healthy');
    expect(report.primaryCause).toBeNull();
    expect(codes(report)).toEqual(
      expect.arrayContaining(['cloudflare.zone_ok', 'ssl.mode', 'dns.record_ok', 'analytics.ok']),
    );
    expect(report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error')).toEqual([]);
    expect(findingOf(report, 'ssl.mode').evidence).toMatchObject({
      mode: 'strict',
      minTlsVersion: '1.2',
      alwaysUseHttps: 'on',
    });
    // Nothing failed: the settings that need their own calls were not read.
    expect(findingOf(report, 'ssl.mode').evidence['originMaxHttpVersion']).toBeUndefined();
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('names a missing zone', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, 'www.not-mine.org');
    expect(findingOf(report, 'cloudflare.zone_not_found').evidence['host']).toBe('www.not-mine.org');
  });

  it.each(['pending', 'moved', 'initializing'])('a %s zone is inactive', async (status) => {
    const s = aRecordZone();
    s.zones[0]!.status = status;
    const { report } = await runDiagnosis(await start(s), HOST);
    const f = findingOf(report, 'cloudflare.zone_inactive');
    expect(f.severity).toBe('error');
    expect(f.remediation.join(' ')).toContain('ada.ns.cloudflare.com');
  });

  it('a paused zone is inactive (warn: Cloudflare is out of the path)', async () => {
    const s = aRecordZone();
    s.zones[0]!.paused = true;
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'cloudflare.zone_inactive').severity).toBe('warn');
  });

  it('no record and no load balancer is dns.record_missing', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'TXT', name: HOST, content: 'v=spf1 -all', proxied: false }];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1016 } });
    expect(report.primaryCause).toBe('dns.record_missing');
    expect(findingOf(report, 'dns.record_missing').remediation.length).toBeGreaterThan(0);
  });

  it('a DNS-only record is dns.not_proxied: info for a wholly grey-clouded host, warn when mixed', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID]![0]!['proxied'] = false;
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'dns.not_proxied').severity).toBe('info');
    const mixed = aRecordZone();
    mixed.records[ZONE_ID]!.push({ type: 'A', name: HOST, content: '127.0.0.11', proxied: false });
    const again = await runDiagnosis(await start(mixed), HOST);
    expect(findingOf(again.report, 'dns.not_proxied').severity).toBe('warn');
  });

  it('a record at a private address is reported and never handed to the probe', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: '10.0.0.5', proxied: true }];
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 522, code: 522 },
    });
    const f = findingOf(report, 'dns.origin_private_address');
    expect(f.evidence).toMatchObject({ address: '10.0.0.5' });
    expect(report.primaryCause).toBe('dns.origin_private_address');
    expect(cloudflareFacts?.origins).toEqual([]);
  });

  it('resolves a CNAME target through the configured resolvers and guards what it finds', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'CNAME', name: HOST, content: 'lb.hosting.example.net', proxied: true }];
    const { report } = await runDiagnosis(await start(s), HOST, {
      resolve: { 'lb.hosting.example.net': ['192.168.1.20'] },
    });
    expect(findingOf(report, 'dns.origin_private_address').evidence).toMatchObject({
      address: '192.168.1.20',
      content: 'lb.hosting.example.net',
    });
  });

  it('analytics on a plan without the dataset is analytics.unavailable (info), never auth_failed', async () => {
    const s = aRecordZone();
    s.analytics.enabled = false;
    s.analytics.deniedStatus = 403;
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'analytics.unavailable');
    expect(f.severity).toBe('info');
    expect(codes(report)).not.toContain('cloudflare.auth_failed');
    expect(report.verdict).toBe('healthy');
  });

  it('a load balancer named after the host takes precedence; healthy pools are lb.ok', async () => {
    const s = lbZone(true, true);
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: '10.9.9.9', proxied: true }];
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(codes(report)).toContain('lb.ok');
    expect(codes(report)).not.toContain('dns.origin_private_address');
    expect(report.verdict).toBe('healthy');
  });

  it('every default pool down with a healthy enabled fallback is lb.fallback_serving', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, true)), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'lb.fallback_serving');
    expect(f.severity).toBe('warn');
    expect(f.detail).toContain('web-1 (127.0.0.11: TCP connection failed');
    expect(f.remediation.join('\n')).toContain('primary-eu');
  });

  it('no healthy pool, fallback included, explains the 530/1016', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, false)), HOST, {
      edge: { status: 530, code: 1016 },
    });
    expect(report.primaryCause).toBe('lb.no_healthy_pool');
  });

  it('pool origins become origin candidates with their port', async () => {
    const api = await start(lbZone(true, true));
    const { cloudflareFacts } = await runDiagnosis(api, HOST);
    expect(cloudflareFacts?.origins).toEqual([
      { address: '127.0.0.11', source: 'load_balancer', label: 'pool primary-eu, origin web-1' },
      { address: '127.0.0.12', source: 'load_balancer', label: 'pool primary-eu, origin web-2', port: 8443 },
      { address: '127.0.0.13', source: 'load_balancer', label: 'pool fallback-us, origin dr-1' },
    ]);
    expect(api.calls.filter((c) => c.path.endsWith('/health'))).toHaveLength(2);
  });
});
